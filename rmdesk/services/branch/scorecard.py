"""RM scorecards (考核): KPIs per RM and period, a weighted score, a rank in the branch.

The KPIs are counted in ``scorecard_kpis``; this module weighs them. Weights, targets and
penalties have defaults here (``DEFAULTS``, explained in docs/scorecard.md) that a bank overrides
with rows in kpi_weights, for the whole bank or one branch, from a date on. For each KPI with a
value, attainment = value / target (target / value when lower is better), between 0 and 1.2;
    score = 100 × Σ weight × attainment / Σ weight − Σ penalty × 100 × (1 − attainment)
where the sums run over the KPIs that have a value, and the penalty over those below target.
A KPI without a value is left out, its weight shared by the others, and the row says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, select

from rmdesk.models import Base, Role
from rmdesk.services.branch.kpi_weights import WeightError, set_weight
from rmdesk.services.branch.scorecard_kpis import (
    KPI_INFO,
    KPI_KEYS,
    KPIS,
    KpiInfo,
    Period,
    check_kpi,
    kpi_rows,
    kpi_values,
    scope_for,
)
from rmdesk.services.common.access import HEADS, Account, guarded, open_to

__all__ = [
    "ATTAINMENT_CAP",
    "DEFAULTS",
    "EXPORT_COLUMNS",
    "KPIS",
    "KPI_KEYS",
    "KpiInfo",
    "Period",
    "Rule",
    "WeightError",
    "attainment",
    "export_frame",
    "kpi_clients",
    "scorecards",
    "set_weight",
    "trend",
    "weights",
]

T = Base.metadata.tables
ATTAINMENT_CAP = 1.2


@dataclass(frozen=True)
class Rule:
    """How one KPI is scored: its weight, its target (per month for per-month KPIs), penalty."""

    kpi: str
    weight: float
    target: float
    penalty: float
    source: str = "default"  # default | bank | branch
    valid_from: dt.date | None = None

    def target_for(self, period: Period) -> float:
        """The target for a period: per-month targets times the months in it."""
        return self.target * (period.length if KPI_INFO[self.kpi].per_month else 1)


def _d(kpi: str, weight: float, target: float, penalty: float = 0.0) -> Rule:
    return Rule(kpi, float(weight), float(target), float(penalty))


#: The defaults: weights add up to 100; see docs/scorecard.md for why each is what it is.
DEFAULTS: dict[str, Rule] = {
    r.kpi: r
    for r in (
        _d("contribution", 20, 6_000_000),  # minor units a month: 60,000.00 yuan
        _d("contribution_growth", 10, 0.02),  # a month
        _d("deposits_growth", 10, 0.03),  # a month
        _d("loans_growth", 5, 0.01),  # a month
        _d("new_clients", 5, 2),  # a month
        _d("lost_clients", 5, 1),  # a month, lower is better
        _d("products_per_client", 5, 3.5),
        _d("conversion", 5, 0.20),
        _d("visit_completion", 10, 0.90),
        _d("flags_on_time", 10, 0.95, 0.20),
        _d("kyc_compliance", 5, 1.00, 0.20),
        _d("training_points", 5, 4),  # a month
        _d("npl_ratio", 5, 0.02, 0.20),  # lower is better
    )
}
EXPORT_COLUMNS: list[str] = [
    "rm",
    "branch",
    "period",
    *["contribution_minor" if k == "contribution" else k for k in KPI_KEYS],
    "score",
    "rank",
]


# --- weights -------------------------------------------------------------------------------


def _rules(
    conn: Connection, branch_ids: Sequence[int | None], on: dt.date
) -> dict[int | None, dict[str, Rule]]:
    """Per branch, per KPI, the rule in force on ``on``: branch row, else bank row, else default."""
    w = T["kpi_weights"]
    wanted = [b for b in branch_ids if b is not None]
    rows = conn.execute(
        select(w)
        .where(w.c.valid_from <= on, w.c.branch_id.is_(None) | w.c.branch_id.in_(wanted))
        .order_by(w.c.valid_from, w.c.id)
    ).all()
    latest: dict[tuple[str, int | None], Any] = {}
    for found in rows:  # later valid_from replaces earlier
        latest[(found.kpi, found.branch_id)] = found
    out: dict[int | None, dict[str, Rule]] = {}
    for branch in set(branch_ids):
        rules: dict[str, Rule] = {}
        for kpi, default in DEFAULTS.items():
            row = latest.get((kpi, branch)) if branch is not None else None
            source = "branch"
            if row is None:
                row, source = latest.get((kpi, None)), "bank"
            if row is None:
                rules[kpi] = default
                continue
            target = default.target if row.target is None else float(row.target)
            rules[kpi] = Rule(
                kpi, float(row.weight), target, float(row.penalty or 0), source, row.valid_from
            )
        out[branch] = rules
    return out


@open_to()
def weights(
    engine: Engine, branch_id: int | None = None, on: dt.date | None = None, *, who: Account
) -> pd.DataFrame:
    """The weight, target and penalty of every KPI for a branch (None: the bank) on a date."""
    on = on or dt.date.today()
    with engine.connect() as conn:
        rules = _rules(conn, [branch_id], on)[branch_id]
    return pd.DataFrame(
        [
            {
                "kpi": k.key,
                "weight": rules[k.key].weight,
                "target": rules[k.key].target,
                "penalty": rules[k.key].penalty,
                "lower_is_better": k.lower_is_better,
                "per_month": k.per_month,
                "source": rules[k.key].source,
                "valid_from": rules[k.key].valid_from,
            }
            for k in KPIS
        ]
    )


# --- scoring -------------------------------------------------------------------------------


def attainment(value: float, target: float, *, lower_is_better: bool = False) -> float | None:
    """How far a value reaches its target, 0 to 1.2; None when the target cannot be used.

    Higher is better: value / target (a target of 0 or less cannot be used). Lower is better:
    target / value; a value of 0 (nothing bad) gets the cap, a target of 0 with a value above
    it gets 0.
    """
    if lower_is_better:
        if target < 0:
            return None
        raw = ATTAINMENT_CAP if value <= 0 else target / value
    else:
        if target <= 0:
            return None
        raw = value / target
    return min(max(raw, 0.0), ATTAINMENT_CAP)


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def _score(
    values: dict[str, Any], rules: dict[str, Rule], period: Period
) -> tuple[float | None, dict[str, float | None], list[str]]:
    """Score, attainment per KPI and the KPIs left out (no value, or no usable target)."""
    got: dict[str, float | None] = {}
    left_out: list[str] = []
    total = weight_sum = penalties = 0.0
    for k in KPIS:
        rule, value = rules[k.key], values[k.key]
        a = None
        if not _missing(value):
            a = attainment(float(value), rule.target_for(period), lower_is_better=k.lower_is_better)
        got[k.key] = a
        if a is None:
            if rule.weight > 0 or rule.penalty > 0:
                left_out.append(k.key)
            continue
        total += rule.weight * a
        weight_sum += rule.weight
        if a < 1:
            penalties += rule.penalty * 100 * (1 - a)
    if weight_sum <= 0:
        return None, got, left_out
    return round(100 * total / weight_sum - penalties, 4), got, left_out


def _notes(left_out: list[str], values: dict[str, Any]) -> tuple[str, str]:
    if not left_out:
        return "", ""
    why = {k: ("no value" if _missing(values[k]) else "no usable target") for k in left_out}
    en = "Left out, their weight shared by the other KPIs: " + ", ".join(
        f"{k} ({why[k]})" for k in left_out
    )
    zh = "未计分，权重由其他指标分摊：" + "、".join(
        f"{KPI_INFO[k].zh}（{'无数据' if why[k] == 'no value' else '无有效目标'}）"
        for k in left_out
    )
    return en, zh


def _rms(conn: Connection, branch_id: int | None, rm_id: int | None) -> pd.DataFrame:
    """Active RMs in scope: the branch's, or the branch of ``rm_id`` (to rank it), or all."""
    u, b = T["users"], T["branches"]
    query = (
        select(
            u.c.id.label("rm_id"),
            u.c.username,
            u.c.display_name,
            u.c.branch_id,
            b.c.code.label("branch"),
        )
        .outerjoin(b, b.c.id == u.c.branch_id)
        .where(u.c.role == Role.RM, u.c.active.is_(True))
        .order_by(u.c.username)
    )
    if rm_id is not None:
        home = conn.execute(
            select(u.c.branch_id).where(u.c.id == rm_id, u.c.role == Role.RM, u.c.active.is_(True))
        ).one_or_none()
        if home is None:
            return pd.DataFrame(
                columns=["rm_id", "username", "display_name", "branch_id", "branch"]
            )
        query = query.where(
            u.c.branch_id.is_(None) if home.branch_id is None else u.c.branch_id == home.branch_id
        )
    if branch_id is not None:
        query = query.where(u.c.branch_id == branch_id)
    result = conn.execute(query)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """KPI columns as numbers: counts as integers (contribution may be empty), the rest floats."""
    for k in KPI_KEYS:
        if k == "contribution":
            frame[k] = frame[k].astype("Int64")
        elif k in ("new_clients", "lost_clients", "training_points"):
            frame[k] = frame[k].astype("Int64" if frame[k].isna().any() else "int64")
        else:
            frame[k] = pd.to_numeric(frame[k].astype("object").where(frame[k].notna(), None))
            frame[k] = frame[k].astype("float64")
    frame["score"] = frame["score"].astype("float64")
    return frame


def _columns() -> list[str]:
    head = ["rm_id", "username", "display_name", "branch_id", "branch", "period"]
    tail = ["score", "rank", "left_out", "notes", "notes_zh"]
    return [*head, *KPI_KEYS, *[f"{k}_attainment" for k in KPI_KEYS], *tail]


@guarded("scope", "rm_id,branch_id")
def scorecards(
    engine: Engine,
    period: Period,
    *,
    branch_id: int | None = None,
    rm_id: int | None = None,
    today: dt.date | None = None,
    who: Account,
) -> pd.DataFrame:
    """One row per active RM: every KPI, its attainment, the score and the rank in the branch.

    ``today`` decides which planned visits and flag deadlines are already past (default: today).
    Rank 1 is the best score in the branch; equal scores go by username; no score ranks last.
    """
    today = today or dt.date.today()
    with engine.connect() as conn:
        rms = _rms(conn, branch_id, rm_id)
        if rms.empty:
            return pd.DataFrame(columns=_columns())
        rm_ids = [int(x) for x in rms["rm_id"]]
        values = kpi_values(conn, scope_for(conn, period, rm_ids, today))
        branch_ids = [None if pd.isna(b) else int(b) for b in rms["branch_id"]]
        rules = _rules(conn, branch_ids, period.end)
    records = []
    for rec, branch in zip(rms.to_dict("records"), branch_ids, strict=True):
        rm = {str(k): v for k, v in rec.items()}
        kpis = {str(k): v for k, v in values.loc[int(rm["rm_id"])].to_dict().items()}
        score, att, left_out = _score(kpis, rules[branch], period)
        en, zh = _notes(left_out, kpis)
        records.append(
            {
                **rm,
                "branch_id": branch,
                "period": str(period),
                **kpis,
                **{f"{k}_attainment": att[k] for k in KPI_KEYS},
                "score": score,
                "left_out": ",".join(left_out),
                "notes": en,
                "notes_zh": zh,
            }
        )
    frame = _typed(pd.DataFrame(records))
    for k in KPI_KEYS:
        frame[f"{k}_attainment"] = frame[f"{k}_attainment"].astype("float64")
    frame["_group"] = frame["branch_id"].fillna(-1)
    frame = frame.sort_values(
        ["_group", "score", "username"], ascending=[True, False, True], na_position="last"
    )
    frame["rank"] = frame.groupby("_group").cumcount() + 1
    if rm_id is not None:
        frame = frame[frame["rm_id"] == rm_id]
    frame = frame.sort_values(["branch", "rank"], na_position="last", ignore_index=True)
    return frame[_columns()]


@guarded("scope", "rm_id")
def trend(
    engine: Engine,
    rm_id: int,
    periods: Sequence[Period],
    *,
    today: dt.date | None = None,
    who: Account,
) -> pd.DataFrame:
    """An RM's score, rank and KPI values per period, in the order given (for a chart)."""
    columns = ["period", "start", "end", "score", "rank", *KPI_KEYS, "left_out"]
    rows = []
    for period in periods:
        card = scorecards(engine, period, rm_id=rm_id, today=today, who=who)
        row: dict[str, Any] = {"period": str(period), "start": period.start, "end": period.end}
        if not card.empty:
            row |= {c: card[c].iloc[0] for c in columns if c in card}
        rows.append(row)
    return _typed(pd.DataFrame(rows).reindex(columns=columns))


@guarded("scope", "rm_id")
def kpi_clients(
    engine: Engine,
    rm_id: int,
    period: Period,
    kpi: str,
    *,
    today: dt.date | None = None,
    who: Account,
) -> pd.DataFrame:
    """The clients (holdings, outcomes, visits, flags, courses) behind one RM's KPI.

    Summing or counting the rows gives the KPI; docs/scorecard.md says how for each KPI.
    """
    check_kpi(kpi)
    today = today or dt.date.today()
    with engine.connect() as conn:
        return kpi_rows(conn, scope_for(conn, period, [rm_id], today), kpi)


@guarded("scope", "branch_id", roles=HEADS)
def export_frame(
    engine: Engine,
    period: Period,
    branch_id: int | None = None,
    *,
    today: dt.date | None = None,
    who: Account,
) -> pd.DataFrame:
    """The scorecards in the stable columns of ``EXPORT_COLUMNS`` (money in minor units)."""
    card = scorecards(engine, period, branch_id=branch_id, today=today, who=who)
    out = card.rename(columns={"username": "rm", "contribution": "contribution_minor"}).reindex(
        columns=EXPORT_COLUMNS
    )
    out["rank"] = out["rank"].astype("int64")
    return out.reset_index(drop=True)
