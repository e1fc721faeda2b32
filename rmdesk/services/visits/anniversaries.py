"""Birthdays and company anniversaries: the next one of a date, and the days a window asks the
database for (Today's "dates" section, services/visits/today.py)."""

from __future__ import annotations

import calendar
import datetime as dt


def next_date(born: dt.date, on: dt.date) -> dt.date:
    """The next day on or after ``on`` with ``born``'s month and day (28 February for a 29th
    in a year without one)."""
    for year in (on.year, on.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:
            day = dt.date(year, 2, 28)
        if day >= on:
            return day
    raise AssertionError("unreachable: next year's date is after on")


def month_days(on: dt.date, until: dt.date) -> list[tuple[int, int]]:
    """The (month, day) of each day from ``on`` to ``until``, and 29 February where the window
    holds a 28 February of a year without a 29th (``next_date`` moves it there)."""
    days = [on + dt.timedelta(days=n) for n in range((until - on).days + 1)]
    found = {(d.month, d.day) for d in days}
    if any(d.month == 2 and d.day == 28 and not calendar.isleap(d.year) for d in days):
        found.add((2, 29))
    return sorted(found)
