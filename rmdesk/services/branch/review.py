"""What a branch head reviews: the branch's RMs, scorecard periods, trends, KPI points, Pareto.

Built on ``scorecard`` (scores, weights) and ``contribution`` (the Pareto curve); nothing here
writes. ``kpi_points`` splits an RM's score into the points each KPI brings, so that the KPI
table of the branch view adds up to the score the ranking shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from rmdesk.models import Base, Role
from rmdesk.services.branch.scorecard import KPIS, Period, scorecards
from rmdesk.services.branch.scorecard_kpis import PeriodKind
from rmdesk.services.common import frames
from rmdesk.services.common.access import HEADS, Account, guarded, open_to
from rmdesk.services.engine.contribution import pareto, pareto_curve

T = Base.metadata.tables
#: how many periods a trend covers, by kind of period
TREND_LENGTH: dict[str, int] = {"month": 12, "quarter": 8}
TREND_COLUMNS = ["period", "rm_id", "score", "rank"]
POINT_COLUMNS = [
    "kpi",
    "name_zh",
    "name_en",
    "unit",
    "lower_is_better",
    "value",
    "target",
    "attainment",
    "weight",
    "penalty",
    "points",
]


@open_to(HEADS)
def branches(engine: Engine, *, who: Account) -> pd.DataFrame:
    """Every branch: ``branch_id``, ``code``, ``name``, by code (for an administrator's chooser)."""
    b = T["branches"]
    with engine.connect() as conn:
        return frames.frame(
            conn.execute(select(b.c.id.label("branch_id"), b.c.code, b.c.name).order_by(b.c.code))
        )


@guarded("scope", "branch_id", roles=HEADS)
def branch_rms(engine: Engine, branch_id: int, *, who: Account) -> pd.DataFrame:
    """The branch's active RMs: ``rm_id``, ``username``, ``display_name``, ``clients`` held."""
    u, c = T["users"], T["clients"]
    held = select(c.c.rm_id, func.count().label("clients")).group_by(c.c.rm_id).subquery()
    query = (
        select(
            u.c.id.label("rm_id"),
            u.c.username,
            u.c.display_name,
            func.coalesce(held.c.clients, 0).label("clients"),
        )
        .outerjoin(held, held.c.rm_id == u.c.id)
        .where(u.c.branch_id == branch_id, u.c.role == Role.RM, u.c.active.is_(True))
        .order_by(u.c.username)
    )
    with engine.connect() as conn:
        frame = frames.frame(conn.execute(query))
    frame["clients"] = frame["clients"].astype("int64")
    return frame


# --- periods -------------------------------------------------------------------------------


def last_complete(today: dt.date, kind: PeriodKind = "month") -> Period:
    """The last month or quarter that ended before ``today``."""
    return Period.containing(today, kind).previous()


def recent_periods(today: dt.date, kind: PeriodKind = "month", count: int = 24) -> list[Period]:
    """The period ``today`` falls in (still running), then ``count`` complete ones, newest first."""
    periods = [Period.containing(today, kind)]
    while len(periods) < count + 1:
        periods.append(periods[-1].previous())
    return periods


def trend_periods(period: Period) -> list[Period]:
    """The periods a trend shows up to ``period``, oldest first (``TREND_LENGTH`` of them)."""
    periods = [period]
    while len(periods) < TREND_LENGTH[period.kind]:
        periods.insert(0, periods[0].previous())
    return periods


@guarded("scope", "branch_id", roles=HEADS)
def branch_trend(
    engine: Engine, branch_id: int, periods: Sequence[Period], *, today: dt.date, who: Account
) -> pd.DataFrame:
    """Every RM's score and rank in each period (``TREND_COLUMNS``, one row per RM and period).

    The scorecards of the whole branch, period by period: the same numbers as the ranking, and
    one pass for all the branch's RMs instead of one per RM.
    """
    parts = []
    for period in periods:
        card = scorecards(engine, period, branch_id=branch_id, today=today, who=who)
        parts.append(card[["period", "rm_id", "score", "rank"]])
    if not parts:
        return pd.DataFrame(columns=TREND_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame["rm_id"] = frame["rm_id"].astype("int64")
    frame["score"] = frame["score"].astype("float64")
    frame["rank"] = frame["rank"].astype("int64")
    return frame[TREND_COLUMNS]


def rm_trend(trend: pd.DataFrame, rm_id: int) -> pd.DataFrame:
    """One RM's rows of ``branch_trend`` with the branch's average score in each period."""
    order = list(dict.fromkeys(trend["period"]))
    average = trend.groupby("period", sort=False)["score"].mean()
    mine = trend[trend["rm_id"] == rm_id].set_index("period")
    return pd.DataFrame(
        {
            "period": order,
            "score": mine["score"].reindex(order).to_numpy(dtype="float64"),
            "rank": pd.array(mine["rank"].reindex(order).tolist(), dtype="Int64"),
            "branch_average": average.reindex(order).to_numpy(dtype="float64"),
        }
    )


# --- the points behind a score ---------------------------------------------------------------


def kpi_points(card: Mapping[Any, Any], rules: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per KPI of an RM's scorecard row: value, target, attainment, weight, points.

    ``rules`` is ``scorecard.weights(engine, branch_id, on=period.end)``; the target is the
    period's (per-month targets times its months). A KPI's points are its share of the score:
    100 × weight × attainment / Σ weight, less its penalty below target (docs/scorecard.md), so
    the points of the KPIs with a value add up to the score. A KPI left out has no points.
    """
    by_kpi: dict[str, dict[Any, Any]] = {str(r["kpi"]): r for r in rules.to_dict("records")}
    rows = []
    for k in KPIS:
        rule = by_kpi[k.key]
        target = float(rule["target"]) * (period.length if k.per_month else 1)
        attainment: Any = card.get(f"{k.key}_attainment")
        attained = attainment is not None and not pd.isna(attainment)
        rows.append(
            {
                "kpi": k.key,
                "name_zh": k.zh,
                "name_en": k.en,
                "unit": k.unit,
                "lower_is_better": k.lower_is_better,
                "value": card.get(k.key),
                "target": target,
                "attainment": float(attainment) if attained else None,
                "weight": float(rule["weight"]),
                "penalty": float(rule["penalty"]),
            }
        )
    frame = pd.DataFrame(rows)
    frame["attainment"] = frame["attainment"].astype("float64")
    scored = frame["attainment"].notna()
    weight_sum = float(frame.loc[scored, "weight"].sum())
    short = (1 - frame["attainment"]).clip(lower=0)
    if weight_sum > 0:
        points = 100 * frame["weight"] * frame["attainment"] / weight_sum
        frame["points"] = (points - frame["penalty"] * 100 * short).where(scored)
    else:
        frame["points"] = float("nan")
    frame["value"] = frame["value"].astype("object").where(frame["value"].notna(), None)
    return frame[POINT_COLUMNS]


# --- contribution's shape ---------------------------------------------------------------------


@dataclass(frozen=True)
class BranchPareto:
    """The 20/80 shape of a branch's contribution, from the last scoring run."""

    curve: pd.DataFrame  # client_share, contribution_share (0…1)
    clients: int
    top_share: float  # share of positive contribution the top 20 % of clients make
    as_of: dt.date | None  # the scoring run's data date


@guarded("scope", "branch_id", roles=HEADS)
def branch_pareto(engine: Engine, branch_id: int, *, who: Account) -> BranchPareto:
    """The Pareto curve of the branch's clients' trailing-12-month contribution.

    The same figures tiers and ranks come from (client_scores, docs/contribution.md): clients
    ranked by contribution, cumulative share of clients against cumulative share of contribution.
    """
    s, c = T["client_scores"], T["clients"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(s.c.contribution_minor, s.c.as_of)
            .join(c, c.c.id == s.c.client_id)
            .where(c.c.branch_id == branch_id)
        ).all()
    values = pd.Series([int(r.contribution_minor) for r in rows], dtype="float64")
    as_of = max((r.as_of for r in rows), default=None)
    summary = pareto(values)
    return BranchPareto(pareto_curve(values), len(values), float(summary["top_share"]), as_of)
