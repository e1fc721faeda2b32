"""The handover rule for scorecards: a period counts for the RM who held the client on most of
its days (docs/handover.md, services/branch/credit.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, insert, select

from rmdesk.db import make_engine, migrate, open_database
from rmdesk.models import Base, Client, ClientHandover
from rmdesk.services.accounts.users import account, user_id
from rmdesk.services.branch.handover import reassign
from rmdesk.services.branch.scorecard import kpi_clients, scorecards
from rmdesk.services.branch.scorecard_kpis import Period
from rmdesk.services.common import audit
from rmdesk.services.common.access import OPERATOR, system
from tests.conftest import Databases
from tests.demo_banks import DemoBank

T = Base.metadata.tables
TODAY = dt.date(2026, 11, 2)
OCT, SEP, Q4 = Period.parse("2026-10"), Period.parse("2026-09"), Period.parse("2026Q4")
A, B, C = 1, 2, 3


@pytest.fixture
def engine(demo_bank: DemoBank) -> Iterator[Engine]:
    db = open_database(demo_bank(300))
    yield db.engine
    db.dispose()


def _contribution(engine: Engine, period: Period, branch: int) -> pd.Series:
    cards = scorecards(engine, period, branch_id=branch, today=TODAY, who=OPERATOR)
    return cards.set_index("username")["contribution"].astype("int64")


def test_a_handover_is_counted_fairly_on_both_rms_scorecards(engine: Engine) -> None:
    rm01, rm02 = user_id(engine, "rm01", who=OPERATOR), user_id(engine, "rm02", who=OPERATOR)
    with engine.connect() as conn:
        early, late = conn.execute(
            select(Client.id, Client.branch_id)
            .where(Client.rm_id == rm01)
            .order_by(Client.id)
            .limit(2)
        ).all()
    branch = int(early.branch_id)
    before = {p: _contribution(engine, p, branch) for p in (SEP, OCT)}
    october = kpi_clients(engine, rm01, OCT, "contribution", today=TODAY, who=OPERATOR)
    worth = october.set_index("client_id")["contribution"]
    assert worth.get(early.id, 0) != 0  # the client has a figure to move

    head_id = user_id(engine, "head1", who=OPERATOR)
    head = dict(reason="rm01 moves to the head office", who=account(engine, head_id))
    reassign(engine, [early.id], rm02, today=dt.date(2026, 10, 10), **head)  # 9 days rm01, 22 rm02
    reassign(engine, [late.id], rm02, today=dt.date(2026, 10, 25), **head)  # 24 days rm01, 7 rm02
    with engine.connect() as conn:
        rows = conn.execute(select(ClientHandover.client_id, ClientHandover.effective_on)).all()
    assert sorted(rows) == sorted(
        [(early.id, dt.date(2026, 10, 10)), (late.id, dt.date(2026, 10, 25))]
    )
    after = {p: _contribution(engine, p, branch) for p in (SEP, OCT)}
    # September was rm01's: recomputing it after the handover changes nothing
    pd.testing.assert_series_equal(after[SEP], before[SEP])
    # October: the early client counts for rm02 now, the late one still for rm01
    moved = float(worth[early.id])  # minor units; each scorecard rounds its own sum
    assert after[OCT]["rm01"] == pytest.approx(before[OCT]["rm01"] - moved, abs=1)
    assert after[OCT]["rm02"] == pytest.approx(before[OCT]["rm02"] + moved, abs=1)
    # nothing counted twice, nothing lost
    assert after[OCT].sum() == pytest.approx(before[OCT].sum(), abs=2)
    rows_01 = kpi_clients(engine, rm01, OCT, "contribution", today=TODAY, who=OPERATOR)
    rows_02 = kpi_clients(engine, rm02, OCT, "contribution", today=TODAY, who=OPERATOR)
    assert early.id in set(rows_02["client_id"]) and early.id not in set(rows_01["client_id"])
    assert late.id in set(rows_01["client_id"]) and late.id not in set(rows_02["client_id"])
    # growth compares like with like: rm02's October figure for the client has its September
    assert rows_02.set_index("client_id").loc[early.id, "previous"] == pytest.approx(
        october.set_index("client_id").loc[early.id, "previous"]
    )


def _entry_before_0004(
    conn: Connection, action: str, entity: str, entity_id: int, detail: dict[str, Any]
) -> None:
    """An audit entry as rmdesk wrote it before the keyed chain (an unkeyed SHA-256)."""
    log = T["audit_log"]
    prev = conn.execute(select(log.c.hash).order_by(log.c.id.desc()).limit(1)).scalar()
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    digest = audit._digest(prev, at, "head1", action, entity, str(entity_id), detail)
    conn.execute(
        insert(log).values(
            at=at, actor="head1", action=action, entity=entity, entity_id=str(entity_id),
            detail=detail, prev_hash=prev, hash=digest,
        )
    )  # fmt: skip


def test_handovers_made_before_the_history_table_are_read_from_the_audit_trail(
    databases: Databases, backend: str
) -> None:
    """Revision 0003 fills the history from the audit trail's "client.handover" entries."""
    engine = make_engine(databases.new(backend, migrated=False))
    migrate(engine, "0002")
    with engine.begin() as conn:
        branch = conn.execute(
            insert(T["branches"]).values(code="B1", name="一支行")
        ).inserted_primary_key[0]
        ids = [
            conn.execute(
                insert(T["users"]).values(username=n, display_name=n, role="rm", branch_id=branch)
            ).inserted_primary_key[0]
            for n in ("rm01", "rm02")
        ]
        client = conn.execute(
            insert(T["clients"]).values(
                source="t", external_id="C1", kind="individual", name="张三", rm_id=ids[1]
            )
        ).inserted_primary_key[0]
        detail = {"from_rm_id": ids[0], "to_rm_id": ids[1], "reason": "test"}
        _entry_before_0004(conn, "client.handover", "clients", client, detail)
        _entry_before_0004(conn, "client.handover", "clients", client, {"reason": "old"})
    migrate(engine)
    with engine.begin() as conn:  # the keyed chain carries on from the unkeyed one
        audit.record(conn, system("head1"), "view", "clients", client)
    with engine.connect() as conn:
        rows = conn.execute(
            select(ClientHandover.client_id, ClientHandover.from_rm_id, ClientHandover.to_rm_id)
        ).all()
        assert audit.verify_chain(conn) is None
    assert rows == [(client, ids[0], ids[1])]  # an entry without the RMs is left out
    engine.dispose()
