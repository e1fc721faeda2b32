"""The planner screen's calendar: holidays and working weekends, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest

from rmdesk.services.visits import screen as vv

D = dt.date


def test_days_know_holidays_and_working_weekends() -> None:
    days = {d.on: d for d in vv.calendar_days(D(2026, 9, 28), D(2026, 10, 11), "CN", "zh_CN")}
    assert len(days) == 14
    assert days[D(2026, 9, 28)].working and days[D(2026, 9, 28)].holiday is None
    assert not days[D(2026, 10, 1)].working and days[D(2026, 10, 1)].holiday == "国庆节"
    assert not days[D(2026, 10, 4)].working  # a Sunday
    assert not days[D(2026, 10, 7)].working and "调休" in str(days[D(2026, 10, 7)].holiday)
    # Saturday 10-10 is worked in exchange (调休上班)
    assert days[D(2026, 10, 10)].working and days[D(2026, 10, 10)].made_working
    assert not days[D(2026, 10, 11)].made_working
    en = vv.calendar_days(D(2026, 10, 1), D(2026, 10, 1), "CN", "en")
    assert en[0].holiday == "National Day"
    assert vv.calendar_days(D(2026, 10, 2), D(2026, 10, 1), "CN", "en") == []
    assert vv.first_working_day(D(2026, 10, 1), "CN") == D(2026, 10, 8)
    assert vv.first_working_day(D(2026, 11, 2), "CN") == D(2026, 11, 2)
    with pytest.raises(ValueError, match="holiday_country"):
        vv.calendar_days(D(2026, 1, 1), D(2026, 1, 2), "XX", "en")
