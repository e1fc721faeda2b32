"""Handover: clients move to another RM with their history; the old RM's visits ahead move too.

A 300-client demo bank on each database, with visits, flags, a suggestion and its outcome, and
scores added by hand for the clients handed over, so that what stays and what moves is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select, update

from rmdesk.db import open_database
from rmdesk.models import Base
from rmdesk.services.accounts.users import account, user_id
from rmdesk.services.branch.handover import HandoverError, preview, reassign
from rmdesk.services.common import audit
from rmdesk.services.common.access import OPERATOR, AccessDenied, system
from tests.demo_banks import DemoBank

T = Base.metadata.tables
TODAY = dt.date(2026, 11, 2)


@dataclass
class Bank:
    engine: Engine
    users: dict[str, int]
    clients: list[int]  # three clients of rm01 (branch 1)
    other_branch_client: int  # a client of rm07 (branch 2)
    visits: dict[str, int]


def _visit(conn: Any, client: int, user: int, on: dt.date, status: str, slot: int = 1) -> int:
    v = T["visits"]
    return int(
        conn.execute(
            insert(v)
            .values(
                client_id=client,
                user_id=user,
                planned_on=on,
                slot=slot,
                status=status,
                purpose="cadence",
                version=1,
            )
            .returning(v.c.id)
        ).scalar_one()
    )


@pytest.fixture
def bank(demo_bank: DemoBank) -> Iterator[Bank]:
    db = open_database(demo_bank(300))
    engine = db.engine
    names = ["rm01", "rm02", "rm03", "rm07", "head1", "head2", "admin"]
    users = {n: user_id(engine, n, who=OPERATOR) for n in names}
    c = T["clients"]
    with engine.begin() as conn:
        mine = list(
            conn.execute(
                select(c.c.id).where(c.c.rm_id == users["rm01"]).order_by(c.c.id).limit(3)
            ).scalars()
        )
        other = conn.execute(
            select(c.c.id).where(c.c.rm_id == users["rm07"]).order_by(c.c.id).limit(1)
        ).scalar_one()
        first, second, _third = mine
        rm01, rm02 = users["rm01"], users["rm02"]
        visits = {
            "proposed": _visit(conn, first, rm01, TODAY, "proposed"),
            "planned": _visit(conn, second, rm01, TODAY + dt.timedelta(days=3), "planned"),
            "past": _visit(conn, first, rm01, TODAY - dt.timedelta(days=1), "planned"),
            "done": _visit(conn, second, rm01, TODAY + dt.timedelta(days=1), "done"),
            "cancelled": _visit(conn, first, rm01, TODAY + dt.timedelta(days=2), "cancelled"),
            "head": _visit(conn, first, users["head1"], TODAY + dt.timedelta(days=2), "planned"),
            # rm02 already has two visits on the day the proposed one moves to
            "rm02_1": _visit(conn, mine[2], rm02, TODAY, "planned", slot=1),
            "rm02_2": _visit(conn, other, rm02, TODAY, "proposed", slot=2),
        }
        run = conn.execute(
            insert(T["scoring_runs"])
            .values(
                started_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
                as_of=dt.date(2026, 10, 31),
                scope="bank",
                actor="test",
                parameters={},
                pricing={},
                counts={},
            )
            .returning(T["scoring_runs"].c.id)
        ).scalar_one()
        for n, client in enumerate(mine):
            conn.execute(
                insert(T["client_scores"]).values(
                    client_id=client, run_id=run, as_of=dt.date(2026, 10, 31),
                    contribution_minor=100_000 * (n + 1), previous_minor=0,
                    deposit_margin_minor=0, loan_margin_minor=0, fees_minor=0, cost_minor=0,
                    expected_loss_minor=0, rank_book=n + 1, rank_branch=n + 1, rank_bank=n + 1,
                    cumulative_share=0.5, tier="A",
                )
            )  # fmt: skip
        f = T["risk_flags"]
        for status in ("raised", "acknowledged", "resolved"):
            conn.execute(
                insert(f).values(
                    client_id=first, rule_code="KYC_OVERDUE", severity="medium", status=status,
                    evidence="KYC复核逾期", evidence_en="KYC overdue", evidence_data={},
                    raised_on=dt.date(2026, 10, 1), due_on=dt.date(2026, 11, 30), version=1,
                )
            )  # fmt: skip
        product = conn.execute(select(func.min(T["products"].c.id))).scalar_one()
        suggestion = conn.execute(
            insert(T["suggestions"])
            .values(
                client_id=first, product_id=product, rank=1, likelihood=0.5,
                expected_value_minor=1000, reason_zh="理由", reason_en="why",
                evidence_data={}, status="pitched", generated_on=dt.date(2026, 10, 31), version=1,
            )
            .returning(T["suggestions"].c.id)
        ).scalar_one()  # fmt: skip
        conn.execute(
            insert(T["suggestion_outcomes"]).values(
                suggestion_id=suggestion, client_id=first, product_id=product, outcome="pitched",
                at=dt.datetime(2026, 10, 20, tzinfo=dt.UTC), user_id=rm01,
            )
        )  # fmt: skip
    yield Bank(engine, users, mine, int(other), visits)
    db.dispose()


def _snapshot(engine: Engine) -> dict[str, Any]:
    """Everything a handover may touch, to check a refusal wrote nothing."""
    with engine.connect() as conn:
        return {
            "clients": conn.execute(
                select(T["clients"].c.id, T["clients"].c.rm_id, T["clients"].c.branch_id,
                       T["clients"].c.version).order_by(T["clients"].c.id)
            ).all(),
            "visits": conn.execute(
                select(T["visits"].c.id, T["visits"].c.user_id, T["visits"].c.slot,
                       T["visits"].c.version).order_by(T["visits"].c.id)
            ).all(),
            # a refused call leaves only its refusal in the trail (access_denied)
            "audit": conn.execute(
                select(func.count()).select_from(T["audit_log"])
                .where(T["audit_log"].c.action != "access_denied")
            ).scalar(),
        }  # fmt: skip


def _history(engine: Engine, clients: list[int]) -> dict[str, Any]:
    """The clients' history: contacts, flags, suggestions, outcomes and scores."""
    out = {}
    with engine.connect() as conn:
        for table in ("interactions", "risk_flags", "suggestions", "suggestion_outcomes"):
            t = T[table]
            out[table] = conn.execute(
                select(t).where(t.c.client_id.in_(clients)).order_by(t.c.id)
            ).all()
        s = T["client_scores"]
        out["client_scores"] = conn.execute(
            select(s).where(s.c.client_id.in_(clients)).order_by(s.c.client_id)
        ).all()
    return out


def test_a_handover_moves_the_clients_and_the_visits_ahead_and_keeps_the_history(
    bank: Bank,
) -> None:
    engine, users = bank.engine, bank.users
    before = _history(engine, bank.clients)
    assert before["interactions"] and len(before["risk_flags"]) == 3

    plan = preview(engine, bank.clients, users["rm02"], today=TODAY, who=system("head1"))
    assert plan.count == 3 and plan.to_rm_id == users["rm02"]
    assert plan.contribution_minor == 100_000 + 200_000 + 300_000
    assert plan.open_flags == 2  # raised and acknowledged; the resolved one is not open
    assert plan.visits == 2  # the proposed one today and the planned one ahead
    assert set(plan.clients["from_rm_id"]) == {users["rm01"]}

    done = reassign(
        engine,
        bank.clients,
        users["rm02"],
        reason="rm01 moves to the head office",
        today=TODAY,
        versions=plan.versions,
        who=system("head1"),
    )
    assert done.client_ids == tuple(bank.clients)
    assert sorted(done.visit_ids) == sorted([bank.visits["proposed"], bank.visits["planned"]])

    c, v = T["clients"], T["visits"]
    with engine.connect() as conn:
        moved = conn.execute(
            select(c.c.id, c.c.rm_id, c.c.branch_id, c.c.version).where(c.c.id.in_(bank.clients))
        ).all()
        visits = {
            int(r.id): r
            for r in conn.execute(select(v.c.id, v.c.user_id, v.c.slot, v.c.status, v.c.version))
        }
        entries = conn.execute(
            select(T["audit_log"])
            .where(T["audit_log"].c.action == "client.handover")
            .order_by(T["audit_log"].c.id)
        ).all()
        assert audit.verify_chain(conn) is None
    assert {r.rm_id for r in moved} == {users["rm02"]}
    assert {r.branch_id for r in moved} == {1}
    assert {r.version for r in moved} == {2}
    # the visits ahead go to rm02, last in that day's route; the rest stay as they were
    assert visits[bank.visits["proposed"]].user_id == users["rm02"]
    assert visits[bank.visits["proposed"]].slot == 3  # after rm02's two visits that day
    assert visits[bank.visits["proposed"]].status == "proposed"
    assert visits[bank.visits["planned"]].user_id == users["rm02"]
    assert visits[bank.visits["planned"]].status == "planned"
    assert visits[bank.visits["planned"]].version == 2
    for kept in ("past", "done", "cancelled"):
        assert visits[bank.visits[kept]].user_id == users["rm01"]
        assert visits[bank.visits[kept]].version == 1
    assert visits[bank.visits["head"]].user_id == users["head1"]
    # the history stays on the clients, untouched
    assert _history(engine, bank.clients) == before
    # one audit entry per client, from, to and why
    assert [int(e.entity_id) for e in entries] == bank.clients
    first = entries[0]
    assert first.actor == "head1" and first.entity == "clients"
    assert first.detail["from_rm"] == "rm01" and first.detail["to_rm"] == "rm02"
    assert first.detail["reason"] == "rm01 moves to the head office"
    assert first.detail["visits_moved"] == [bank.visits["proposed"]]
    assert entries[2].detail["visits_moved"] == []


def test_refusals_name_the_client_and_write_nothing(bank: Bank) -> None:
    engine, users = bank.engine, bank.users
    start = _snapshot(engine)
    mixed = [bank.clients[0], bank.other_branch_client]
    cases: list[tuple[dict[str, Any], str]] = [
        # a client of another branch, named, even after one that could move
        ({"client_ids": mixed, "to_rm_id": users["rm02"]}, r"[Cc]lient .*C\d+.* is not in your"),
        ({"client_ids": bank.clients, "to_rm_id": users["rm07"]}, r"Client .* is in .* but"),
        ({"client_ids": bank.clients, "to_rm_id": users["head1"]}, "cannot receive clients"),
        ({"client_ids": bank.clients, "to_rm_id": users["rm01"]}, "already in"),
        ({"client_ids": bank.clients, "to_rm_id": users["rm02"], "who": "rm03"}, "an RM may not"),
        (
            {"client_ids": bank.clients, "to_rm_id": users["rm02"], "who": "head2"},
            "not in your book",
        ),
        ({"client_ids": bank.clients, "to_rm_id": users["rm02"], "reason": " "}, "Say why"),
        ({"client_ids": [], "to_rm_id": users["rm02"]}, "at least one client"),
        ({"client_ids": [999_999], "to_rm_id": users["rm02"]}, "no client with id 999999"),
        ({"client_ids": bank.clients, "to_rm_id": 999_999}, "no user with id 999999"),
    ]
    for given, message in cases:
        kw: dict[str, Any] = {"who": "head1", "reason": "test", "today": TODAY} | given
        kw["who"] = account(engine, users[kw["who"]])
        with pytest.raises((HandoverError, AccessDenied), match=message) as refused:
            reassign(engine, **kw)
        assert refused.value.zh  # the same refusal in Chinese, for the interface
        assert _snapshot(engine) == start, given
    with pytest.raises(AccessDenied, match=r"C\d+"):
        preview(engine, mixed, users["rm02"], today=TODAY, who=account(engine, users["head1"]))
    with engine.begin() as conn:
        conn.execute(
            update(T["users"]).where(T["users"].c.id == users["rm03"]).values(active=False)
        )
    with pytest.raises(HandoverError, match="active relationship manager"):
        reassign(
            engine,
            bank.clients,
            users["rm03"],
            reason="x",
            today=TODAY,
            who=system("head1"),
        )


def test_a_client_changed_since_the_preview_stops_the_whole_handover(bank: Bank) -> None:
    engine, users = bank.engine, bank.users
    plan = preview(engine, bank.clients, users["rm02"], today=TODAY, who=system("head1"))
    c = T["clients"]
    with engine.begin() as conn:  # someone edits the second client meanwhile
        conn.execute(update(c).where(c.c.id == bank.clients[1]).values(version=c.c.version + 1))
    start = _snapshot(engine)
    with pytest.raises(HandoverError, match="changed by someone else since the preview"):
        reassign(
            engine, bank.clients, users["rm02"], reason="x", today=TODAY,
            versions=plan.versions, who=system("head1"),
        )  # fmt: skip
    # the first client and the visits had been written in the transaction: all rolled back
    assert _snapshot(engine) == start


def test_an_administrator_moves_a_client_to_another_branch(bank: Bank) -> None:
    engine, users = bank.engine, bank.users
    client = bank.clients[0]
    done = reassign(
        engine,
        [client],
        users["rm07"],
        reason="moved house",
        today=TODAY,
        who=system("admin"),
    )
    assert done.visit_ids == (bank.visits["proposed"],)
    c = T["clients"]
    with engine.connect() as conn:
        row = conn.execute(select(c.c.rm_id, c.c.branch_id).where(c.c.id == client)).one()
        entry = conn.execute(
            select(T["audit_log"].c.detail).where(T["audit_log"].c.action == "client.handover")
        ).scalar_one()
        rm07_branch = conn.execute(
            select(T["users"].c.branch_id).where(T["users"].c.id == users["rm07"])
        ).scalar_one()
    assert tuple(row) == (users["rm07"], rm07_branch) and rm07_branch != 1
    assert entry["from_branch_id"] == 1 and entry["to_branch_id"] == rm07_branch


def test_a_client_without_visits_moves_alone(bank: Bank) -> None:
    engine, users = bank.engine, bank.users
    c, v = T["clients"], T["visits"]
    with engine.connect() as conn:
        client = conn.execute(
            select(c.c.id)
            .where(c.c.rm_id == users["rm03"], c.c.id.not_in(select(v.c.client_id)))
            .limit(1)
        ).scalar_one()
    plan = preview(engine, [client], users["rm02"], today=TODAY, who=system("head1"))
    assert (plan.count, plan.visits, plan.open_flags, plan.contribution_minor) == (1, 0, 0, 0)
    done = reassign(engine, [client], users["rm02"], reason="x", today=TODAY, who=system("head1"))
    assert done.visit_ids == ()
    with engine.connect() as conn:
        assert conn.execute(select(c.c.rm_id).where(c.c.id == client)).scalar() == users["rm02"]
