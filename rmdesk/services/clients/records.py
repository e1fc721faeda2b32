"""The lists behind the client view: holdings with their latest balance, 24 months of deposit
and loan balances, contacts, visits, flags with their history, suggestions.

Each reader takes an open connection and the clients to read (one for the client view, a batch
for printed briefs) and returns one frame with a ``client_id`` column, each client's rows in
the order the view shows them; ``split`` cuts it into one frame per client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, case, func, or_, select, true

from rmdesk.models import Base, SuggestionStatus, TaskStatus
from rmdesk.services.common import frames
from rmdesk.services.engine import risk_flags
from rmdesk.services.engine.facts_pass import Window
from rmdesk.services.engine.risk_rules import BY_CODE
from rmdesk.services.visits import calendar as visit_calendar
from rmdesk.services.visits.tasks import task_query

T = Base.metadata.tables
#: what "deposits and investments" (AUM) counts: the balances a client keeps with the bank
DEPOSIT_FAMILIES = ("deposit", "investment")
LOAN_FAMILIES = ("loan", "card")
#: an open flag, here as in the book, Today and the scorecards: raised or acknowledged (a
#: snoozed or dismissed one is quiet until its date; one definition, risk_flags.OPEN)
OPEN_FLAGS = risk_flags.OPEN
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
_SUGGESTION_ORDER = {
    SuggestionStatus.OPEN.value: 0,
    SuggestionStatus.PITCHED.value: 1,
    SuggestionStatus.NOT_NOW.value: 2,
}


def holdings(conn: Connection, ids: Sequence[int]) -> pd.DataFrame:
    h, p, f = T["holdings"], T["products"], T["monthly_facts"]
    latest = (
        select(f.c.holding_id, func.max(f.c.month).label("month"))
        .join(h, h.c.id == f.c.holding_id)
        .where(h.c.client_id.in_(ids))
        .group_by(f.c.holding_id)
        .subquery()
    )
    balance = (
        select(f.c.holding_id, f.c.month, f.c.avg_balance_minor)
        .join(latest, (latest.c.holding_id == f.c.holding_id) & (latest.c.month == f.c.month))
        .subquery()
    )
    frame = frames.frame(
        conn.execute(
            select(
                h.c.client_id,
                h.c.id.label("holding_id"),
                p.c.code,
                p.c.name_zh,
                p.c.name_en,
                p.c.family,
                h.c.account_no,
                h.c.currency,
                h.c.opened_on,
                h.c.maturity_on,
                h.c.closed_on,
                h.c.limit_minor,
                h.c.amount_minor,
                balance.c.avg_balance_minor.label("balance_minor"),
                balance.c.month.label("balance_month"),
            )
            .join(p, p.c.id == h.c.product_id)
            .outerjoin(balance, balance.c.holding_id == h.c.id)
            .where(h.c.client_id.in_(ids))
        )
    )
    frame["live"] = frame["closed_on"].isna().astype(bool)
    frame["family"] = frame["family"].astype("object").map(str)
    frame["balance_minor"] = pd.array(frame["balance_minor"].tolist(), dtype="Int64")
    for col in ("opened_on", "maturity_on", "closed_on", "balance_month"):
        frame[col] = pd.to_datetime(frame[col])
    frame = frame.sort_values(
        ["client_id", "live", "opened_on"], ascending=[True, False, True], na_position="last"
    )
    return frame.reset_index(drop=True)


def balances(conn: Connection, ids: Sequence[int], window: Window) -> pd.DataFrame:
    """Each client's 24 months of deposit and loan balances (a month with none is zero)."""
    f, h, p = T["monthly_facts"], T["holdings"], T["products"]
    deposit = case((p.c.family.in_(DEPOSIT_FAMILIES), f.c.avg_balance_minor), else_=0)
    loan = case((p.c.family.in_(LOAN_FAMILIES), f.c.avg_balance_minor), else_=0)
    rows = conn.execute(
        select(
            h.c.client_id,
            f.c.month,
            func.sum(deposit).label("deposits_minor"),
            func.sum(loan).label("loans_minor"),
        )
        .join(h, h.c.id == f.c.holding_id)
        .join(p, p.c.id == h.c.product_id)
        .where(
            h.c.client_id.in_(ids),
            f.c.month >= window.previous_start,
            f.c.month <= window.last,
        )
        .group_by(h.c.client_id, f.c.month)
    ).all()
    found = {
        (r.client_id, r.month): (int(r.deposits_minor or 0), int(r.loans_minor or 0)) for r in rows
    }
    months = [window.back(n) for n in range(23, -1, -1)]
    keys = [(c, m) for c in ids for m in months]
    return pd.DataFrame(
        {
            "client_id": pd.array([c for c, _ in keys], dtype="int64"),
            "month": pd.to_datetime([m for _, m in keys]),
            "deposits_minor": pd.array([found.get(k, (0, 0))[0] for k in keys], dtype="int64"),
            "loans_minor": pd.array([found.get(k, (0, 0))[1] for k in keys], dtype="int64"),
        }
    )


def contacts(conn: Connection, ids: Sequence[int]) -> pd.DataFrame:
    i, u = T["interactions"], T["users"]
    frame = frames.frame(
        conn.execute(
            select(
                i.c.client_id,
                i.c.id,
                i.c.occurred_at,
                i.c.channel,
                i.c.purpose,
                i.c.outcome,
                i.c.notes,
                i.c.next_step,
                i.c.next_step_due,
                i.c.user_id,
                u.c.display_name.label("user"),
                i.c.visit_id,
                i.c.source,
            )
            .outerjoin(u, u.c.id == i.c.user_id)
            .where(i.c.client_id.in_(ids))
            .order_by(i.c.client_id, i.c.occurred_at.desc(), i.c.id.desc())
        )
    )
    frame["channel"] = frame["channel"].astype("object").map(str)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    frame["next_step_due"] = pd.to_datetime(frame["next_step_due"])
    return frame


def persons(conn: Connection, ids: Sequence[int]) -> pd.DataFrame:
    """The people at each company, the deciders first, then in the bank's order."""
    p = T["contact_persons"]
    return frames.frame(
        conn.execute(
            select(
                p.c.client_id,
                p.c.name,
                p.c.title,
                p.c.mobile,
                p.c.phone,
                p.c.email,
                p.c.decision_maker,
            )
            .where(p.c.client_id.in_(ids))
            .order_by(p.c.client_id, p.c.decision_maker.desc(), p.c.position, p.c.id)
        )
    )


def handovers(conn: Connection, ids: Sequence[int]) -> pd.DataFrame:
    """Each client's handovers between RMs, the latest first: from whom, to whom, from when."""
    h, u = T["client_handovers"], T["users"]
    was, now = u.alias("was"), u.alias("now")
    return frames.frame(
        conn.execute(
            select(
                h.c.client_id,
                h.c.effective_on,
                was.c.display_name.label("from_rm"),
                now.c.display_name.label("to_rm"),
            )
            .outerjoin(was, was.c.id == h.c.from_rm_id)
            .join(now, now.c.id == h.c.to_rm_id)
            .where(h.c.client_id.in_(ids))
            .order_by(h.c.client_id, h.c.effective_on.desc(), h.c.id.desc())
        )
    )


def open_tasks(conn: Connection, ids: Sequence[int]) -> pd.DataFrame:
    """Each client's open tasks, the earliest due first (``tasks.task_query``'s columns)."""
    t = T["tasks"]
    return frames.frame(
        conn.execute(task_query(t.c.client_id.in_(ids), t.c.status == TaskStatus.OPEN.value))
    )


def visits(conn: Connection, ids: Sequence[int]) -> pd.DataFrame:
    v, u = T["visits"], T["users"]
    frame = frames.frame(
        conn.execute(
            select(
                v.c.client_id,
                v.c.id,
                v.c.planned_on,
                v.c.slot,
                v.c.status,
                v.c.purpose,
                v.c.reason,
                v.c.outcome,
                v.c.notes,
                v.c.next_step,
                v.c.follow_up_on,
                v.c.version,
                u.c.display_name.label("user"),
            )
            .join(u, u.c.id == v.c.user_id)
            .where(v.c.client_id.in_(ids))
            .order_by(v.c.client_id, v.c.planned_on.desc(), v.c.id.desc())
        )
    )
    frame["status"] = frame["status"].astype("object").map(str)
    for lang in ("zh", "en"):
        frame[f"purpose_{lang}"] = [
            visit_calendar.purpose_label(p, lang) for p in frame["purpose"].tolist()
        ]
        frame[f"reason_{lang}"] = [
            visit_calendar.reason_text(r, lang) for r in frame["reason"].tolist()
        ]
    for col in ("planned_on", "follow_up_on"):
        frame[col] = pd.to_datetime(frame[col])
    return frame.drop(columns=["reason"])


def flags(conn: Connection, ids: Sequence[int], today: dt.date) -> pd.DataFrame:
    f, h = T["risk_flags"], T["holdings"]
    frame = frames.frame(
        conn.execute(
            select(
                f.c.client_id,
                f.c.id,
                f.c.rule_code,
                f.c.severity,
                f.c.status,
                f.c.evidence,
                f.c.evidence_en,
                f.c.raised_on,
                f.c.due_on,
                f.c.snoozed_until,
                f.c.reason,
                f.c.updated_at,
                f.c.version,
                h.c.account_no,
            )
            .outerjoin(h, h.c.id == f.c.holding_id)
            .where(f.c.client_id.in_(ids))
        )
    )
    for col in ("severity", "status"):
        frame[col] = frame[col].astype("object").map(str)
    frame["rule_zh"] = [
        BY_CODE[c].name_zh if c in BY_CODE else c for c in frame["rule_code"].tolist()
    ]
    frame["rule_en"] = [
        BY_CODE[c].name_en if c in BY_CODE else c for c in frame["rule_code"].tolist()
    ]
    frame["open"] = frame["status"].isin([s.value for s in OPEN_FLAGS]).astype(bool)
    for col in ("raised_on", "due_on", "snoozed_until"):
        frame[col] = pd.to_datetime(frame[col])
    frame["overdue"] = (frame["open"] & (frame["due_on"] < pd.Timestamp(today))).astype(bool)
    frame["_sev"] = frame["severity"].map(_SEVERITY_ORDER).fillna(3)
    frame = frame.sort_values(
        ["client_id", "open", "_sev", "raised_on", "id"],
        ascending=[True, False, True, False, False],
    )
    return frame.drop(columns=["_sev"]).reset_index(drop=True)


def flag_events(conn: Connection, ids: Sequence[int]) -> pd.DataFrame:
    """The history of every flag of the client (risk_flags.history, with who made each change)."""
    e, f, u = T["risk_flag_events"], T["risk_flags"], T["users"]
    frame = frames.frame(
        conn.execute(
            select(
                f.c.client_id,
                e.c.id,
                e.c.flag_id,
                e.c.at,
                e.c.actor_id,
                u.c.display_name.label("actor"),
                e.c.from_status,
                e.c.to_status,
                e.c.note,
            )
            .join(f, f.c.id == e.c.flag_id)
            .outerjoin(u, u.c.id == e.c.actor_id)
            .where(f.c.client_id.in_(ids))
            .order_by(f.c.client_id, e.c.id)
        )
    )
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame


def suggestions(conn: Connection, ids: Sequence[int], shown: int | None = None) -> pd.DataFrame:
    """The clients' suggestions with their last outcome; with ``shown``, of the open ones only
    the first ``shown`` of each client's ranked list (the rest are in the export)."""
    s, p, o = T["suggestions"], T["products"], T["suggestion_outcomes"]
    last = (
        select(o.c.suggestion_id, func.max(o.c.id).label("outcome_id"))
        .where(o.c.client_id.in_(ids))
        .group_by(o.c.suggestion_id)
        .subquery()
    )
    frame = frames.frame(
        conn.execute(
            select(
                s.c.client_id,
                s.c.id,
                s.c.product_id,
                p.c.code,
                p.c.name_zh,
                p.c.name_en,
                p.c.family,
                s.c.rank,
                s.c.likelihood,
                s.c.expected_value_minor,
                s.c.reason_zh,
                s.c.reason_en,
                p.c.pitch_zh,
                p.c.pitch_en,
                s.c.status,
                s.c.generated_on,
                s.c.version,
                o.c.outcome.label("last_outcome"),
                o.c.at.label("last_outcome_at"),
            )
            .join(p, p.c.id == s.c.product_id)
            .outerjoin(last, last.c.suggestion_id == s.c.id)
            .outerjoin(o, o.c.id == last.c.outcome_id)
            .where(
                s.c.client_id.in_(ids),
                true()
                if shown is None
                else or_(s.c.status != SuggestionStatus.OPEN, s.c.rank <= shown),
            )
        )
    )
    frame["status"] = frame["status"].astype("object").map(str)
    frame["family"] = frame["family"].astype("object").map(str)
    frame["likelihood"] = pd.to_numeric(frame["likelihood"]).astype("float64")
    frame["generated_on"] = pd.to_datetime(frame["generated_on"])
    frame["last_outcome_at"] = pd.to_datetime(frame["last_outcome_at"], utc=True)
    frame["_order"] = frame["status"].map(_SUGGESTION_ORDER).fillna(3)
    frame = frame.sort_values(["client_id", "_order", "rank", "id"])
    return frame.drop(columns=["_order"]).reset_index(drop=True)


def split(frame: pd.DataFrame, ids: Sequence[int]) -> dict[int, pd.DataFrame]:
    """One frame per client of ``ids`` (an empty one for a client with no rows), rows in order,
    without the ``client_id`` column."""
    body = frame.drop(columns=["client_id"])
    empty = body.iloc[0:0]
    out = {
        int(c): g.reset_index(drop=True) for c, g in body.groupby(frame["client_id"], sort=False)
    }
    return {int(c): out.get(int(c), empty) for c in ids}
