"""Tiers cut by the cumulative share of positive contribution, and the Pareto share of the top
fifth, on plain arrays (the worked example on a bank is tests/db/test_contribution.py)."""

from __future__ import annotations

import numpy as np
import pytest

from rmdesk.services.common import parameters
from rmdesk.services.engine.contribution import assign_tiers, pareto, pareto_curve


def test_tiers_cut_by_cumulative_share_of_positive_contribution() -> None:
    values = np.array([50.0, 30.0, 15.0, 5.0, 0.0, -3.0])
    tiers, share = assign_tiers(values, parameters.DEFAULTS)
    assert list(tiers) == ["A", "B", "C", "D", "D", "D"]
    assert share[:4] == pytest.approx([0.5, 0.8, 0.95, 1.0])
    custom = parameters.from_dict(
        {"tier_shares": {"Gold": 0.8, "Other": 0.2}, "cadence_days": {"Gold": 30, "Other": 90}}
    )
    tiers, _ = assign_tiers(values, custom)
    assert list(tiers) == ["Gold", "Gold", "Other", "Other", "Other", "Other"]


def test_the_pareto_share_of_the_top_fifth() -> None:
    values = np.array([80.0] + [20.0 / 9] * 9)
    assert pareto(values)["top_share"] == pytest.approx(0.8 + 20.0 / 9 / 100)
    curve = pareto_curve(values)
    assert curve["contribution_share"].iloc[0] == 0.0
    assert curve["contribution_share"].iloc[-1] == pytest.approx(1.0)
    assert curve["contribution_share"].is_monotonic_increasing
