"""The administrator's work: people and branches (directory), pricing, trying a database
connection, what a database holds, backup and restore of the local database."""
