"""The engine's results as tables with stable, documented columns (docs/exports.md).

``rmdesk-cli export suggestions|flags|contribution|scorecards`` writes these; the columns are a
contract with the bank's analysts: new columns are added at the end, none is renamed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, select

from rmdesk.models import Base
from rmdesk.services.common import frames
from rmdesk.services.common.access import Account, guarded
from rmdesk.services.common.progress import Progress
from rmdesk.services.data.exporting import ExportError, allow_unmasked, write_rows
from rmdesk.services.engine.risk_rules import BY_CODE
from rmdesk.services.engine.take_up.models import MODELLED

T = Base.metadata.tables

SUGGESTION_COLUMNS = [
    "client_id",
    "client_name",
    "rm",
    "branch",
    "tier",
    "rank",
    "product_code",
    "product_name_zh",
    "product_name_en",
    "likelihood",
    "expected_value_minor",
    "currency",
    "status",
    "generated_on",
    "rule_antecedents",
    "rule_support",
    "rule_confidence",
    "rule_lift",
    "propensity",
    "reason_zh",
    "reason_en",
    "method",
    "take_up_rate",
    "lift",
    "factors",
]
FLAG_COLUMNS = [
    "flag_id",
    "client_id",
    "client_name",
    "rm",
    "branch",
    "rule_code",
    "category",
    "severity",
    "status",
    "account_no",
    "raised_on",
    "due_on",
    "snoozed_until",
    "evidence_zh",
    "evidence_en",
    "reason",
    "events",
]
CONTRIBUTION_COLUMNS = [
    "client_id",
    "client_name",
    "rm",
    "branch",
    "as_of",
    "tier",
    "rank_book",
    "rank_branch",
    "rank_bank",
    "contribution_minor",
    "previous_minor",
    "growth",
    "deposit_margin_minor",
    "loan_margin_minor",
    "fees_minor",
    "cost_minor",
    "expected_loss_minor",
    "cumulative_share",
    "currency",
]
REPORTS = ("suggestions", "flags", "contribution", "scorecards")


@dataclass(frozen=True)
class Scope:
    branch_id: int | None = None
    rm_id: int | None = None


def _scope_where(query: Any, scope: Scope) -> Any:
    c = T["clients"]
    if scope.branch_id is not None:
        query = query.where(c.c.branch_id == scope.branch_id)
    if scope.rm_id is not None:
        query = query.where(c.c.rm_id == scope.rm_id)
    return query


def _frame(conn: Connection, query: Any) -> pd.DataFrame:
    result = conn.execute(query)
    return frames.frame(result)


def _client_cols() -> list[Any]:
    c, u, b = T["clients"], T["users"], T["branches"]
    return [
        c.c.external_id.label("client_id"),
        c.c.name.label("client_name"),
        u.c.username.label("rm"),
        b.c.code.label("branch"),
    ]


def _client_join(base: Any) -> Any:
    c, u, b = T["clients"], T["users"], T["branches"]
    return base.outerjoin(u, u.c.id == c.c.rm_id).outerjoin(b, b.c.id == c.c.branch_id)


def _currency(conn: Connection) -> pd.Series:
    h = T["holdings"]
    rows = _frame(conn, select(h.c.client_id, h.c.currency).distinct())
    return rows.drop_duplicates("client_id").set_index("client_id")["currency"]


@guarded("scope", "scope.rm_id,scope.branch_id")
def suggestions_frame(engine: Engine, scope: Scope = Scope(), *, who: Account) -> pd.DataFrame:
    s, c, p, sc = T["suggestions"], T["clients"], T["products"], T["client_scores"]
    query = select(
        *_client_cols(),
        c.c.id.label("cid"),
        sc.c.tier,
        s.c.rank,
        p.c.code.label("product_code"),
        p.c.name_zh.label("product_name_zh"),
        p.c.name_en.label("product_name_en"),
        s.c.likelihood,
        s.c.expected_value_minor,
        s.c.status,
        s.c.generated_on,
        s.c.evidence_data,
        s.c.reason_zh,
        s.c.reason_en,
    ).select_from(
        _client_join(
            s.join(c, c.c.id == s.c.client_id)
            .join(p, p.c.id == s.c.product_id)
            .outerjoin(sc, sc.c.client_id == c.c.id)
        )
    )
    query = _scope_where(query, scope).order_by(c.c.external_id, s.c.status, s.c.rank)
    with engine.connect() as conn:
        frame = _frame(conn, query)
        currency = _currency(conn)
    rule = [d.get("rule") or {} for d in frame["evidence_data"]]
    frame["rule_antecedents"] = ["+".join(r.get("antecedents", [])) for r in rule]
    frame["rule_support"] = [r.get("support") for r in rule]
    frame["rule_confidence"] = [r.get("confidence") for r in rule]
    frame["rule_lift"] = [r.get("lift") for r in rule]
    evidence = frame["evidence_data"].tolist()
    frame["method"] = [d.get("method", "") for d in evidence]
    frame["propensity"] = [
        d.get("likelihood") if d.get("method") in MODELLED else d.get("propensity")
        for d in evidence
    ]
    frame["take_up_rate"] = [d.get("rate") for d in evidence]
    frame["lift"] = [d.get("lift") for d in evidence]
    frame["factors"] = [
        "+".join(str(f.get("feature")) for f in d.get("factors") or []) for d in evidence
    ]
    frame["currency"] = frame["cid"].map(currency)
    frame["likelihood"] = frame["likelihood"].astype("float64")
    return frame[SUGGESTION_COLUMNS]


@guarded("scope", "scope.rm_id,scope.branch_id")
def flags_frame(engine: Engine, scope: Scope = Scope(), *, who: Account) -> pd.DataFrame:
    f, c, h, ev = T["risk_flags"], T["clients"], T["holdings"], T["risk_flag_events"]
    query = select(
        f.c.id.label("flag_id"),
        *_client_cols(),
        f.c.rule_code,
        f.c.severity,
        f.c.status,
        h.c.account_no,
        f.c.raised_on,
        f.c.due_on,
        f.c.snoozed_until,
        f.c.evidence.label("evidence_zh"),
        f.c.evidence_en,
        f.c.reason,
    ).select_from(
        _client_join(f.join(c, c.c.id == f.c.client_id).outerjoin(h, h.c.id == f.c.holding_id))
    )
    query = _scope_where(query, scope).order_by(f.c.id)
    with engine.connect() as conn:
        frame = _frame(conn, query)
        events = _frame(conn, select(ev.c.flag_id, ev.c.id).order_by(ev.c.flag_id))
    frame["category"] = frame["rule_code"].map(lambda code: BY_CODE[code].category)
    frame["events"] = frame["flag_id"].map(events.groupby("flag_id").size()).fillna(0).astype(int)
    return frame[FLAG_COLUMNS]


@guarded("scope", "scope.rm_id,scope.branch_id")
def contribution_frame(engine: Engine, scope: Scope = Scope(), *, who: Account) -> pd.DataFrame:
    sc, c = T["client_scores"], T["clients"]
    query = select(
        *_client_cols(),
        c.c.id.label("cid"),
        *[sc.c[col] for col in CONTRIBUTION_COLUMNS[4:-1]],
    ).select_from(_client_join(sc.join(c, c.c.id == sc.c.client_id)))
    query = _scope_where(query, scope).order_by(sc.c.rank_bank)
    with engine.connect() as conn:
        frame = _frame(conn, query)
        currency = _currency(conn)
    frame["currency"] = frame["cid"].map(currency)
    for col in ("growth", "cumulative_share"):
        frame[col] = frame[col].astype("float64")
    return frame[CONTRIBUTION_COLUMNS]


@guarded("scope", "scope.rm_id,scope.branch_id")
def report_frame(
    engine: Engine, name: str, scope: Scope = Scope(), period: str | None = None, *, who: Account
) -> pd.DataFrame:
    if name == "suggestions":
        return suggestions_frame(engine, scope, who=who)
    if name == "flags":
        return flags_frame(engine, scope, who=who)
    if name == "contribution":
        return contribution_frame(engine, scope, who=who)
    if name == "scorecards":
        from rmdesk.services.branch import scorecard

        if not period:
            raise ExportError("scorecards: give --period, e.g. 2026-10 or 2026Q3")
        try:
            when = scorecard.Period.parse(period)
        except ValueError as exc:
            raise ExportError(str(exc)) from exc
        return scorecard.export_frame(engine, when, branch_id=scope.branch_id, who=who)
    raise ExportError(f"no report {name!r}; reports: {', '.join(REPORTS)}")


@guarded("scope", "scope.rm_id,scope.branch_id")
def export_report(
    engine: Engine,
    name: str,
    fmt: str,
    path: Path,
    *,
    scope: Scope = Scope(),
    period: str | None = None,
    unmasked: bool = False,
    progress: Progress | None = None,
    who: Account,
) -> int:
    """Write report ``name`` to ``path``; numbers masked unless ``unmasked`` (administrators)."""
    if unmasked:
        allow_unmasked(engine, who=who)  # refused before any work
    frame = report_frame(engine, name, scope, period, who=who)
    clean = frame.astype(object).where(frame.notna(), None)
    rows = clean.itertuples(index=False, name=None)
    return write_rows(
        engine,
        name,
        [str(c) for c in frame.columns],
        rows,
        len(frame),
        fmt,
        path,
        unmasked=unmasked,
        progress=progress,
        detail={"report": name, "period": period},
        who=who,
    )
