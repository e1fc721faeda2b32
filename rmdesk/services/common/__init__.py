"""What every feature uses: who acts and what they reach (access), the audit trail, the
bank's parameters, text typed into forms, query results as frames, numbers and money by locale
(one formatter for screen and paper), masking of ID and account numbers, progress and
cancellation, work run in a process of its own. Imports nothing else from the services."""
