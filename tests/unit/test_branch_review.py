"""What the branch head reviews, without a bank: the periods on offer and in a trend, an RM
without rows in the branch's trend."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rmdesk.services.branch import review as br
from rmdesk.services.branch.scorecard import Period

TODAY = dt.date(2026, 11, 2)


def test_periods_on_offer_and_in_a_trend() -> None:
    assert str(br.last_complete(TODAY)) == "2026-10"
    assert str(br.last_complete(dt.date(2026, 1, 1))) == "2025-12"
    assert str(br.last_complete(TODAY, "quarter")) == "2026Q3"
    offered = [str(p) for p in br.recent_periods(TODAY, "month", 3)]
    assert offered == ["2026-11", "2026-10", "2026-09", "2026-08"]  # the running one first
    assert [str(p) for p in br.recent_periods(TODAY, "quarter", 2)] == [
        "2026Q4",
        "2026Q3",
        "2026Q2",
    ]
    months = br.trend_periods(Period.parse("2026-10"))
    assert len(months) == 12 and str(months[0]) == "2025-11" and str(months[-1]) == "2026-10"
    quarters = br.trend_periods(Period.parse("2026Q3"))
    assert [str(q) for q in quarters[:2]] == ["2024Q4", "2025Q1"] and len(quarters) == 8


def test_an_empty_trend_and_an_rm_without_rows() -> None:
    trend = pd.DataFrame(
        {"period": ["2026-09", "2026-10"], "rm_id": [1, 1], "score": [50.0, 60.0], "rank": [1, 1]}
    )
    mine = br.rm_trend(trend, 2)
    assert mine["score"].isna().all() and list(mine["branch_average"]) == [50.0, 60.0]
