"""Scorecard periods and attainment, without a bank: periods parse and step back, attainment is
capped, floored, and turned round where lower is better."""

from __future__ import annotations

import datetime as dt

import pytest

from rmdesk.services.branch.scorecard import (
    DEFAULTS,
    Period,
    attainment,
)

Q3, Q2 = Period.parse("2026Q3"), Period.parse("2026Q2")


def test_periods_parse_and_step_back() -> None:
    oct_ = Period.parse("2026-10")
    assert (oct_.start, oct_.end, str(oct_)) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
        "2026-10",
    )
    assert oct_.months == [dt.date(2026, 10, 1)]
    assert str(Period.parse("2026-1").previous()) == "2025-12"
    assert Period.parse("2028-02").end == dt.date(2028, 2, 29)
    q = Period.parse(" 2026q3 ")
    assert q == Period.parse("2026-Q3") == Q3 and str(q) == "2026Q3"
    assert (q.start, q.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert q.months == [dt.date(2026, m, 1) for m in (7, 8, 9)]
    assert q.previous() == Q2 and str(Period.parse("2026Q1").previous()) == "2025Q4"
    assert Period.containing(dt.date(2026, 11, 23), "quarter") == Period.parse("2026Q4")
    for bad in ["2026-13", "2026Q5", "Q3 2026", "", "2026-10-01", "26-10"]:
        with pytest.raises(ValueError, match=repr(bad)):
            Period.parse(bad)


def test_attainment_caps_floors_and_lower_is_better() -> None:
    assert attainment(0.5, 1.0) == 0.5
    assert attainment(3.0, 1.0) == 1.2  # capped
    assert attainment(-0.25, 0.03) == 0.0  # a fall reaches nothing of a growth target
    assert attainment(0.04, 0.02, lower_is_better=True) == 0.5
    assert attainment(0.0, 0.02, lower_is_better=True) == 1.2  # nothing bad: the cap
    assert attainment(0.01, 0.0, lower_is_better=True) == 0.0
    assert attainment(1.0, 0.0) is None  # a target of 0 cannot be reached "in part"
    assert sum(r.weight for r in DEFAULTS.values()) == 100
