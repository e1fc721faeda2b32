"""How far a date people type may lie from today: the same bounds in the services and in
PostgreSQL's write rules for people's own logins."""

from __future__ import annotations

import datetime as dt

#: a contact may be logged a little ahead of the clock (clocks differ between PCs)
CLOCK_SLACK = dt.timedelta(minutes=10)
#: how far ahead a next step, a task, a visit or a follow-up can be dated: a year and a day
#: (the same bound holds in PostgreSQL's write rules; a date past it is a typing slip, or an
#: attempt to write a date no program reads)
AHEAD_DAYS = 366
