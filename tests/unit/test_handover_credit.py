"""The handover rule for scorecards on dates alone: a period counts for the RM who held the client
on most of its days (docs/handover.md, services/branch/credit.py)."""

from __future__ import annotations

import datetime as dt

from rmdesk.services.branch.credit import days_held, holder
from rmdesk.services.branch.scorecard_kpis import Period

OCT, SEP, Q4 = Period.parse("2026-10"), Period.parse("2026-09"), Period.parse("2026Q4")
A, B, C = 1, 2, 3


def _held(on: dt.date, period: Period) -> list[tuple[int | None, int]]:
    return days_held([(A, B, on)], period.start, period.end)


def test_the_month_goes_to_whoever_held_the_client_longer() -> None:
    assert _held(dt.date(2026, 10, 10), OCT) == [(A, 9), (B, 22)]
    assert holder(_held(dt.date(2026, 10, 10), OCT)) == B
    assert holder(_held(dt.date(2026, 10, 25), OCT)) == A  # 24 days against 7
    assert holder(_held(dt.date(2026, 10, 17), OCT)) == A  # 16 against 15
    assert holder(_held(dt.date(2026, 10, 16), OCT)) == B  # 15 against 16
    nov = Period.parse("2026-11")
    assert _held(dt.date(2026, 11, 16), nov) == [(A, 15), (B, 15)]
    assert holder(_held(dt.date(2026, 11, 16), nov)) == B  # a tie: the receiving RM
    # periods wholly before or after the handover
    assert _held(dt.date(2026, 10, 10), SEP) == [(A, 30)]
    assert _held(dt.date(2026, 9, 1), OCT) == [(B, 31)]
    # a quarter, and a client handed on twice
    assert holder(_held(dt.date(2026, 11, 10), Q4)) == B  # 40 days against 52
    twice = days_held([(A, B, dt.date(2026, 10, 20)), (B, C, dt.date(2026, 12, 1))], *_days(Q4))
    assert twice == [(A, 19), (B, 42), (C, 31)] and holder(twice) == B
    back = days_held([(A, B, dt.date(2026, 10, 5)), (B, A, dt.date(2026, 10, 20))], *_days(OCT))
    assert back == [(A, 4), (B, 15), (A, 12)] and holder(back) == A  # 16 days in all


def _days(period: Period) -> tuple[dt.date, dt.date]:
    return period.start, period.end
