"""The visit-day pack's suggested times: spread over the day around lunch."""

from __future__ import annotations

import datetime as dt

from rmdesk.services.visits.calendar import suggested_times


def test_suggested_times_spread_the_day_around_lunch() -> None:
    assert suggested_times(0) == []
    assert [t.strftime("%H:%M") for t in suggested_times(4)] == ["09:00", "10:30", "13:30", "15:00"]
    eight = [t.strftime("%H:%M") for t in suggested_times(8)]
    assert eight[:4] == ["09:00", "09:45", "10:30", "11:15"] and eight[4] == "13:30"
    assert all(t < dt.time(17, 0) for t in suggested_times(12))
