"""The visit planner's wording of money in reasons and its working days, without a bank."""

from __future__ import annotations

import datetime as dt

import pytest

from rmdesk.services.visits import actions as va
from rmdesk.services.visits import calendar as words
from rmdesk.services.visits import planner as vp
from rmdesk.services.visits.calendar import working_days

START = dt.date(2026, 9, 28)  # a Monday, three days before National Day
D = dt.date


def test_amounts_in_reasons_are_written_by_the_one_formatter() -> None:
    fund = ("稳健理财", "Steady wealth fund")
    zh, en = words.suggestion(fund, 1_234_567, 30)
    assert "预期年价值 ¥12,345.67，" in zh and "expected value CN¥12,345.67 a year" in en
    zh, en = words.suggestion(fund, 150_000, 30, "USD")  # a client whose holdings are in dollars
    assert "预期年价值 US$1,500.00，" in zh and "expected value US$1,500.00 a year" in en
    assert vp.PlanError is va.PlanError  # still importable from the planner


def test_working_days_follow_the_holidays_library() -> None:
    assert working_days(D(2026, 9, 26), D(2026, 10, 11), "CN") == [
        D(2026, 9, 28),
        D(2026, 9, 29),
        D(2026, 9, 30),
        D(2026, 10, 8),
        D(2026, 10, 9),
        D(2026, 10, 10),
    ]
    assert D(2026, 9, 20) in working_days(D(2026, 9, 19), D(2026, 9, 20), "CN")  # a 调休 Sunday
    with pytest.raises(ValueError, match="holiday_country"):
        working_days(START, START, "XX")
