"""The demo bank's last month of the RMs' own work, so that every scorecard KPI has something
to count on first start: offers pitched and answered, and flags handled (docs/demo-bank.md).

Written once, after the first scoring (which makes the suggestions and the flags of today),
by the program: in the data date's month,

- an RM pitched about one client in twelve's first suggestion; a quarter of those accepted,
  a third declined (with a reason), the rest are still waiting for the answer;
- the branch had flags due: for about one client in twenty-five without an open flag of the
  rule, a balance-drop flag raised three weeks before the month, acknowledged by the RM (four
  times in five within its 30 days) and resolved.

Deterministic for a seed. Nothing here is read as data by the engine (a history flag is a
resolved flag, a history outcome an outcome); the next scoring treats them as it would a
bank's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from sqlalchemy import Engine, insert, select, update

from rmdesk.db import write_transaction
from rmdesk.models import Base, DeclineReason, FlagStatus, SuggestionStatus
from rmdesk.services.common import audit
from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.engine.loading import data_date

T = Base.metadata.tables
#: the history flags' rule, severity and deadline (a medium flag has 30 days)
RULE, SEVERITY, DEADLINE = "BALANCE_DROP", "medium", 30


def _at(day: dt.date, hour: int) -> dt.datetime:
    """A time on ``day`` in Beijing office hours, in UTC."""
    return dt.datetime(day.year, day.month, day.day, hour - 8, 30, tzinfo=dt.UTC)


@open_to(ADMINS)
def fill(engine: Engine, *, seed: int = 7, who: Account) -> dict[str, int]:
    """Write the month's outcomes and handled flags; returns how many of each."""
    rng = np.random.default_rng([seed, 21])
    s, o, c = T["suggestions"], T["suggestion_outcomes"], T["clients"]
    f, e = T["risk_flags"], T["risk_flag_events"]
    reasons = [r.value for r in DeclineReason if r != DeclineReason.OTHER]
    counts = {"pitched": 0, "accepted": 0, "declined": 0, "flags": 0}
    with write_transaction(engine) as conn:
        as_of = data_date(conn)
        first = as_of.replace(day=1)
        span = (as_of - first).days + 1
        rows = conn.execute(
            select(s.c.id, s.c.client_id, s.c.product_id, s.c.version, c.c.rm_id)
            .join(c, c.c.id == s.c.client_id)
            .where(s.c.status == SuggestionStatus.OPEN, s.c.rank == 1, c.c.rm_id.is_not(None))
            .order_by(s.c.id)
        ).all()
        for row in rows:
            if rng.random() >= 1 / 12:
                continue
            day = first + dt.timedelta(days=int(rng.integers(0, max(span - 5, 1))))
            outcomes: list[dict[str, Any]] = [
                {"outcome": "pitched", "at": _at(day, 10), "reason": None}
            ]
            draw = rng.random()
            if draw < 0.25:
                outcomes.append(
                    {
                        "outcome": "accepted",
                        "at": _at(day + dt.timedelta(days=3), 15),
                        "reason": None,
                    }
                )
            elif draw < 0.60:
                reason = reasons[int(rng.integers(len(reasons)))]
                outcomes.append(
                    {
                        "outcome": "declined",
                        "at": _at(day + dt.timedelta(days=2), 16),
                        "reason": reason,
                    }
                )
            for out in outcomes:
                conn.execute(
                    insert(o).values(
                        suggestion_id=row.id,
                        client_id=row.client_id,
                        product_id=row.product_id,
                        user_id=row.rm_id,
                        note=None,
                        **out,
                    )
                )
                counts[out["outcome"]] += 1
            conn.execute(
                update(s)
                .where(s.c.id == row.id)
                .values(status=outcomes[-1]["outcome"], version=row.version + 1)
            )
        flagged = set(
            conn.execute(
                select(f.c.client_id).where(
                    f.c.rule_code == RULE,
                    f.c.status.in_([FlagStatus.RAISED, FlagStatus.ACKNOWLEDGED]),
                )
            ).scalars()
        )
        clients = conn.execute(
            select(c.c.id, c.c.rm_id).where(c.c.rm_id.is_not(None)).order_by(c.c.id)
        ).all()
        for client in clients:
            if client.id in flagged or rng.random() >= 1 / 25:
                continue
            raised = first - dt.timedelta(days=int(rng.integers(5, 25)))
            due = raised + dt.timedelta(days=DEADLINE)
            late = rng.random() >= 0.8
            handled = (
                due + dt.timedelta(days=int(rng.integers(1, 8)))
                if late
                else raised + (dt.timedelta(days=int(rng.integers(1, DEADLINE))))
            )
            resolved = handled + dt.timedelta(days=int(rng.integers(0, 5)))
            drop = int(rng.integers(32, 60))
            flag_id = conn.execute(
                insert(f)
                .values(
                    client_id=client.id,
                    rule_code=RULE,
                    severity=SEVERITY,
                    status=FlagStatus.RESOLVED,
                    evidence=f"存款及理财日均余额较前3个月平均下降 {drop}%。",
                    evidence_en=f"Deposits and investments down {drop}% on their prior 3 months.",
                    evidence_data={"drop": drop / 100},
                    raised_on=raised,
                    due_on=due,
                    reason="客户资金用于购房，已核实" if rng.random() < 0.5 else None,
                    updated_at=_at(resolved, 17),
                    version=3,
                )
                .returning(f.c.id)
            ).scalar_one()
            conn.execute(
                insert(e),
                [
                    {"flag_id": flag_id, "at": _at(raised, 9), "actor_id": None,
                     "from_status": None, "to_status": "raised", "note": "raised by the rules"},
                    {"flag_id": flag_id, "at": _at(handled, 11), "actor_id": client.rm_id,
                     "from_status": "raised", "to_status": "acknowledged", "note": None},
                    {"flag_id": flag_id, "at": _at(resolved, 17), "actor_id": client.rm_id,
                     "from_status": "acknowledged", "to_status": "resolved", "note": None},
                ],
            )  # fmt: skip
            counts["flags"] += 1
        audit.record(conn, who, "demo.history", None, None, counts)
    return counts
