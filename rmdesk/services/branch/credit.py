"""Whose scorecard a client counts on in a period, when it was handed over (docs/handover.md).

The rule: a client counts, for a whole period, for the RM who held it on **most of the period's
days**; a tie goes to the receiving RM. So the months before a handover stay with the RM who
handed the client over (a scorecard computed again later gives the same figures), the months
after go to the receiving RM, and the month (or quarter) of the handover goes to whoever had
the client for longer. Every period counts each client once, for one RM: nothing is counted
twice and nothing is lost. Within the period, all of the client's figures, this period's and
the previous period's alike, count for that RM, so growth compares the same clients.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from rmdesk.models import Base

T = Base.metadata.tables


def days_held(
    handovers: Iterable[tuple[int | None, int | None, dt.date]], start: dt.date, end: dt.date
) -> list[tuple[int | None, int]]:
    """(RM, days held in [start, end]) in the order they held the client, from its handovers
    (from RM, to RM, effective date), oldest first."""
    rows = list(handovers)
    if not rows:
        return []
    holders: list[tuple[int | None, dt.date]] = [(rows[0][0], dt.date.min)]
    holders += [(to_rm, on) for _from, to_rm, on in rows]
    out: list[tuple[int | None, int]] = []
    for i, (rm, since) in enumerate(holders):
        until = holders[i + 1][1] if i + 1 < len(holders) else dt.date.max
        first, last = max(since, start), min(until - dt.timedelta(days=1), end)
        if until == dt.date.max:
            last = end
        if first <= last:
            out.append((rm, (last - first).days + 1))
    return out


def holder(held: list[tuple[int | None, int]]) -> int | None:
    """The RM credited with the period: most days; on a tie, the later holder."""
    totals: dict[int | None, int] = {}
    order: dict[int | None, int] = {}
    for i, (rm, days) in enumerate(held):
        totals[rm] = totals.get(rm, 0) + days
        order[rm] = i
    return max(totals, key=lambda rm: (totals[rm], order[rm]))


def credited(conn: Connection, start: dt.date, end: dt.date) -> dict[int, int | None]:
    """Clients whose period [start, end] counts for someone other than the RM holding them now:
    client id → the RM it counts for. Only clients handed over after ``start`` can differ."""
    h, c = T["client_handovers"], T["clients"]
    moved = select(h.c.client_id).where(h.c.effective_on > start).distinct()
    rows = conn.execute(
        select(h.c.client_id, h.c.from_rm_id, h.c.to_rm_id, h.c.effective_on, c.c.rm_id)
        .join(c, c.c.id == h.c.client_id)
        .where(h.c.client_id.in_(moved))
        .order_by(h.c.client_id, h.c.effective_on, h.c.id)
    ).all()
    by_client: dict[int, list[Any]] = {}
    for row in rows:
        by_client.setdefault(int(row.client_id), []).append(row)
    out: dict[int, int | None] = {}
    for client_id, history in by_client.items():
        held = days_held(((r.from_rm_id, r.to_rm_id, r.effective_on) for r in history), start, end)
        who = holder(held) if held else history[-1].rm_id
        if who != history[-1].rm_id:
            out[client_id] = who
    return out
