"""Which days' birthdays and anniversaries the database is asked for: each (month, day) in the
window, and 29 February when the window holds the 28th of a year without a 29th."""

from __future__ import annotations

import datetime as dt

from rmdesk.services.visits.anniversaries import month_days, next_date


def test_the_window_in_month_days_matches_the_next_date_rule() -> None:
    for start in (dt.date(2026, 12, 28), dt.date(2027, 2, 24), dt.date(2028, 2, 24)):
        until = start + dt.timedelta(days=7)
        asked = set(month_days(start, until))
        for born in (dt.date(1980, 1, 1) + dt.timedelta(days=n) for n in range(366 * 4)):
            due = next_date(born, start)
            assert (start <= due <= until) == ((born.month, born.day) in asked), (start, born)
