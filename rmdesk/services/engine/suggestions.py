"""Stored suggestions: kept in line with each scoring run, and the outcomes RMs record.

A run replaces a client's *open* suggestions with its new top list, writing only what changed
(so scoring twice changes nothing); an open one with outcomes (put back by an undo) that the
list leaves out is withdrawn rather than removed, keeping its history. Suggestions an RM has
acted on keep their status; an outcome (pitched, accepted, declined with its reason, not now,
or reopened to undo the last one) is a row in suggestion_outcomes with its date, and a
declined or put-off product stays out of the list for a set time, a decline's by its reason
(docs/cross-sell.md).

Which outcome can be recorded from which status is the one table ``OUTCOME_FROM`` (and the
status it leaves, ``STATUS_AFTER``): ``record_outcome`` enforces it, the client view offers
exactly its buttons, and PostgreSQL's write rules for people's own logins are made from it
(services/security/write_rules.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Text, cast, delete, insert, select, update

from rmdesk.db import among, write_transaction
from rmdesk.models import DECLINE_REASONS, Base, DeclineReason, SuggestionStatus
from rmdesk.services.common import audit, bulk
from rmdesk.services.common.access import Account, guarded, person_id
from rmdesk.services.common.refusal import Refusal

T = Base.metadata.tables
sug_t, out_t = T["suggestions"], T["suggestion_outcomes"]
#: a suggestion with one of these outcomes is settled: nothing more is recorded on it but an
#: undo (``reopened``)
SETTLED = (SuggestionStatus.ACCEPTED, SuggestionStatus.DECLINED)
#: every other status is still being worked on: any outcome may follow it, the same one again
#: too (pitched a second time, put off again), each a row of its own with its date
UNSETTLED = frozenset(SuggestionStatus) - frozenset(SETTLED)
#: an RM acted on the suggestion: an outcome recorded by mistake can be undone
ACTED_ON = frozenset(
    {
        SuggestionStatus.PITCHED,
        SuggestionStatus.ACCEPTED,
        SuggestionStatus.DECLINED,
        SuggestionStatus.NOT_NOW,
    }
)
#: what an RM records on a suggestion → the statuses it may be recorded from
OUTCOME_FROM: dict[str, frozenset[SuggestionStatus]] = {
    "pitched": UNSETTLED,
    "accepted": UNSETTLED,
    "declined": UNSETTLED,
    "not_now": UNSETTLED,
    "reopened": ACTED_ON,
}
#: the status a suggestion has after each outcome: the one of the same name, but an undo puts
#: it back in the client's list (open), whatever it was before the outcome undone
STATUS_AFTER: dict[str, SuggestionStatus] = {
    **{o: SuggestionStatus(o) for o in OUTCOME_FROM if o != "reopened"},
    "reopened": SuggestionStatus.OPEN,
}
OUTCOMES = tuple(OUTCOME_FROM)
#: the decline reasons' codes, in the order a list offers them, and their words (zh, en)
REASONS = tuple(r.value for r in DeclineReason)
#: a suggestion's status in the refusals' words
STATUS_WORDS = {
    "open": "待营销",
    "pitched": "已推荐",
    "accepted": "已接受",
    "declined": "已拒绝",
    "not_now": "暂不需要",
    "withdrawn": "已撤回",
}
REASON_WORDS = {r.value: words for r, words in DECLINE_REASONS.items()}


def outcomes_from(status: str) -> tuple[str, ...]:
    """The outcomes that can be recorded on a suggestion in ``status``, in the table's order."""
    return tuple(o for o, before in OUTCOME_FROM.items() if status in before)


def outcome_pairs() -> set[tuple[str, str]]:
    """Every (status before, status after) an outcome takes a suggestion through."""
    return {(b.value, STATUS_AFTER[o].value) for o, bs in OUTCOME_FROM.items() for b in bs}


def reason_label(code: str, *, zh: bool) -> str:
    """A decline reason's words in the interface language (the code itself if unknown)."""
    words = REASON_WORDS.get(code)
    return code if words is None else words[0 if zh else 1]


class SuggestionError(Refusal):
    """An outcome that cannot be recorded; the message says why."""


def _rate(x: float) -> Decimal:
    return Decimal(f"{x:.6f}")


def reconcile(
    conn: Connection,
    fresh: pd.DataFrame,
    client_ids: Sequence[int],
    *,
    today: dt.date,
    describe: Callable[[pd.DataFrame], tuple[list[str], list[str]]],
) -> dict[str, int]:
    """Make the open suggestions of ``client_ids`` equal ``fresh`` (from cross_sell.suggest).

    Rows are compared on their numbers and evidence; ``describe`` writes the reasons (and may
    complete the rows' evidence with what is written with them, ``WRITTEN_WITH_REASONS``), and
    only for the rows that are new or changed (a night's run mostly changes nothing).
    """
    old = conn.execute(
        select(
            sug_t.c.id,
            sug_t.c.client_id,
            sug_t.c.product_id,
            sug_t.c.rank,
            sug_t.c.likelihood,
            sug_t.c.expected_value_minor,
            cast(sug_t.c.evidence_data, Text).label("evidence"),
        ).where(among(conn, sug_t.c.client_id, client_ids), sug_t.c.status == SuggestionStatus.OPEN)
    ).all()
    existing = {(r[1], r[2]): r for r in old}
    new_at: list[int] = []
    changed_at: list[tuple[int, int]] = []
    keep: set[tuple[int, int]] = set()
    columns = zip(
        *(
            fresh[c].tolist()
            for c in (
                "client_id",
                "product_id",
                "rank",
                "likelihood",
                "expected_value_minor",
                "evidence_data",
            )
        ),
        strict=True,
    )
    for i, (client, product, rank, likelihood, value, data) in enumerate(columns):
        key = (int(client), int(product))
        keep.add(key)
        was = existing.get(key)
        if was is None:
            new_at.append(i)
        elif (
            was.rank != rank
            or _rate(float(was.likelihood)) != _rate(float(likelihood))
            or was.expected_value_minor != value
            or not _same_json(was.evidence, data)
        ):
            changed_at.append((i, was.id))
    gone = [r.id for key, r in existing.items() if key not in keep]
    rows = fresh.iloc[new_at + [i for i, _ in changed_at]]
    zh, en = describe(rows) if len(rows) else ([], [])
    # plain tuples straight to the driver (services/common/bulk.py)
    values = [
        (int(r), _rate(float(lk)), int(v), z, e, d, today)
        for r, lk, v, d, z, e in zip(
            rows["rank"].tolist(),
            rows["likelihood"].tolist(),
            rows["expected_value_minor"].tolist(),
            rows["evidence_data"].tolist(),
            zh,
            en,
            strict=True,
        )
    ]
    clients, products = rows["client_id"].tolist(), rows["product_id"].tolist()
    inserts = [
        (int(clients[k]), int(products[k]), SuggestionStatus.OPEN, 1, *values[k])
        for k in range(len(new_at))
    ]
    updates = [(sid, *values[len(new_at) + k]) for k, (_, sid) in enumerate(changed_at)]
    bulk.insert_rows(
        conn, sug_t, ["client_id", "product_id", "status", "version", *WRITTEN], inserts
    )
    bulk.update_rows(conn, sug_t, "id", WRITTEN, updates, also={"version": "version + 1"})
    if gone:
        # one with outcomes (put back in the list by an undo) keeps its history: withdrawn
        kept = set(
            conn.execute(
                select(out_t.c.suggestion_id).where(among(conn, out_t.c.suggestion_id, gone))
            ).scalars()
        )
        if kept:
            conn.execute(
                update(sug_t)
                .where(among(conn, sug_t.c.id, sorted(kept)))
                .values(status=SuggestionStatus.WITHDRAWN, version=sug_t.c.version + 1)
            )
        dropped = [i for i in gone if i not in kept]
        if dropped:
            conn.execute(delete(sug_t).where(among(conn, sug_t.c.id, dropped)))
    return {"suggested": len(inserts), "updated": len(updates), "withdrawn": len(gone)}


#: the columns a run writes of a new or changed suggestion, in the order of its tuples
WRITTEN = [
    "rank",
    "likelihood",
    "expected_value_minor",
    "reason_zh",
    "reason_en",
    "evidence_data",
    "generated_on",
]
#: evidence written with the reasons, only for new or changed rows (the model's top factors for
#: the client: the costliest part, and a function of the numbers compared)
WRITTEN_WITH_REASONS = frozenset({"factors"})


def _same_json(stored: str | None, data: dict[str, Any]) -> bool:
    """Whether stored JSON text holds ``data`` (but for what is written with the reasons):
    compared as text first, as values if need be."""
    if stored is None:
        return False
    if stored == json.dumps(data):
        return True
    was = json.loads(stored)
    if not isinstance(was, dict):
        return False
    drop = WRITTEN_WITH_REASONS
    return {k: v for k, v in was.items() if k not in drop} == {
        k: v for k, v in data.items() if k not in drop
    }


def _check_reason(outcome: str, reason: str | None) -> None:
    """A decline names one of the reasons; no other outcome has one."""
    if outcome == "declined" and reason not in REASONS:
        given = "no reason" if reason is None else f"reason {reason!r}"
        raise SuggestionError(
            f"a decline needs its reason ({given}): use one of {', '.join(REASONS)}",
            "记录“拒绝”需要选择客户拒绝的原因。",
        )
    if outcome != "declined" and reason is not None:
        raise SuggestionError(
            f"only a decline has a reason, not {outcome}", "只有“拒绝”需要填写原因。"
        )


@guarded("suggestion", "suggestion_id")
def record_outcome(
    engine: Engine,
    suggestion_id: int,
    outcome: str,
    *,
    reason: str | None = None,
    note: str | None = None,
    at: dt.datetime | None = None,
    version: int | None = None,
    who: Account,
) -> None:
    """Record pitched / accepted / declined (with its ``reason``) / not now for a suggestion,
    with its date; or ``reopened``, which undoes the last one and puts it back in the list."""
    if outcome not in OUTCOMES:
        raise SuggestionError(
            f"outcome {outcome!r}: use one of {', '.join(OUTCOMES)}",
            f"未知的结果 {outcome!r}，可用：{'、'.join(OUTCOMES)}",
        )
    _check_reason(outcome, reason)
    at = at or dt.datetime.now(dt.UTC)
    with write_transaction(engine) as conn:
        row = conn.execute(select(sug_t).where(sug_t.c.id == suggestion_id)).one_or_none()
        if row is None:
            raise SuggestionError(
                f"suggestion {suggestion_id} does not exist", f"营销建议 {suggestion_id} 不存在。"
            )
        if version is not None and row.version != version:
            raise SuggestionError(
                f"suggestion {suggestion_id} was changed by someone else; reload it and try again",
                f"营销建议 {suggestion_id} 已被他人修改，请刷新后重试。",
            )
        if row.status not in OUTCOME_FROM[outcome]:
            if outcome == "reopened":
                raise SuggestionError(
                    f"suggestion {suggestion_id} is {row.status}: no outcome to undo",
                    f"营销建议 {suggestion_id} 尚无可撤销的结果。",
                )
            raise SuggestionError(
                f"suggestion {suggestion_id} is already {row.status}",
                f"营销建议 {suggestion_id} 已是“{STATUS_WORDS.get(str(row.status), row.status)}”。",
            )
        undone = _undone(conn, row) if outcome == "reopened" else None
        conn.execute(
            insert(out_t).values(
                suggestion_id=suggestion_id,
                client_id=row.client_id,
                product_id=row.product_id,
                outcome=outcome,
                reason=reason,
                at=at,
                user_id=person_id(who),
                note=note,
            )
        )
        conn.execute(
            update(sug_t)
            .where(sug_t.c.id == suggestion_id)
            .values(status=STATUS_AFTER[outcome], version=sug_t.c.version + 1)
        )
        details: dict[str, Any] = {
            "client_id": row.client_id,
            "product_id": row.product_id,
            "note": note,
        }
        if reason is not None:
            details["reason"] = reason
        if undone is not None:
            details["undone"] = undone
        audit.record(conn, who, f"suggestion.{outcome}", "suggestion", suggestion_id, details)


def _undone(conn: Connection, row: Any) -> str:
    """The outcome an undo takes back (the suggestion's status); refused when a later
    suggestion of the same product to the client exists, which reopening would duplicate."""
    later = conn.execute(
        select(sug_t.c.id).where(
            sug_t.c.client_id == row.client_id,
            sug_t.c.product_id == row.product_id,
            sug_t.c.id > row.id,
        )
    ).first()
    if later is not None:
        raise SuggestionError(
            f"suggestion {row.id} has been suggested again since (suggestion {later.id}): "
            "record the outcome on that one",
            f"该产品此后已再次建议（建议 {later.id}），请在新的建议上记录结果。",
        )
    return str(row.status)
