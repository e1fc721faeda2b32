"""What the planner screen reads and does in bulk, on a tiny bank worked out by hand.

The bank is built like the visit planner's (tests/db/planner_bank.py): rm01 with three
clients in Shanghai districts, two visits a day; rm02 in the same branch with C09. A plan
proposed from Monday 2026-09-28 for two weeks places C03 (overdue since 06-30) and its 浦东
neighbour C01 on 09-28, and C05 (never contacted) on 09-29.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import insert, select, update

from rmdesk.models import Branch, User, Visit
from rmdesk.services.accounts.users import account
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.visits import planner as vp
from rmdesk.services.visits import screen as vv
from rmdesk.services.visits.actions import PlanError
from tests.db.planner_bank import START, Bank, empty_bank

D = dt.date


@pytest.fixture
def small_bank(db_url: str) -> Iterator[Bank]:
    b = empty_bank(db_url)
    b.client("C01", district="浦东", tier="A", contribution=9_000_000, contacts=(D(2026, 8, 20),))
    b.client("C03", district="浦东", tier="C", contribution=1_000_000, contacts=(D(2026, 1, 1),))
    b.client("C05", district="徐汇")
    b.client("C09", district="静安", rm=b.other_rm)
    yield b
    b.engine.dispose()


def _user(bank: Bank, name: str, role: str, branch: int | None, active: bool = True) -> int:
    with bank.engine.begin() as conn:
        return int(
            conn.execute(
                insert(User)
                .values(
                    username=name, display_name=name.upper(), role=role, branch_id=branch,
                    active=active,
                )
                .returning(User.id)
            ).scalar_one()
        )  # fmt: skip


def test_whose_plan_each_role_may_open(small_bank: Bank) -> None:
    b = small_bank
    with b.engine.begin() as conn:
        other = conn.execute(
            insert(Branch).values(code="B02", name="张江支行").returning(Branch.id)
        ).scalar_one()
    _user(b, "rm03", "rm", other)
    _user(b, "rm04", "rm", b.branch, active=False)  # left the bank: nobody plans for them
    head = _user(b, "head1", "branch_head", b.branch)
    admin = _user(b, "admin", "admin", None)

    def names(user_id: int) -> list[str]:
        return [rm.username for rm in vv.planner_rms(b.engine, who=account(b.engine, user_id))]

    assert names(b.rm) == ["rm01"]  # an RM sees only their own plan
    assert names(head) == ["rm01", "rm02"]  # the branch's active RMs
    # every active RM, branch by branch (张江 sorts before 陆家嘴 by code point)
    assert names(admin) == ["rm03", "rm01", "rm02"]
    first = vv.planner_rms(b.engine, who=account(b.engine, head))[0]
    assert (first.display_name, first.branch_name) == ("rm01", "陆家嘴支行")


def test_an_rms_visits_in_route_order_with_clients_and_versions(small_bank: Bank) -> None:
    b = small_bank
    frame = vp.propose_plan(b.engine, b.rm, start=START, weeks=2, who=OPERATOR)
    planned = b.visit("C05", D(2026, 10, 9), "planned", slot=1)
    b.visit("C09", D(2026, 9, 29), "planned")  # rm01's visit to another RM's client still shows
    with b.engine.begin() as conn:  # rm02's own visit does not
        conn.execute(
            insert(Visit).values(
                client_id=b.ids["C09"], user_id=b.other_rm, planned_on=START, slot=1,
                status="planned",
            )
        )  # fmt: skip

    shown = vv.rm_visits(
        b.engine, b.rm, start=START, end=D(2026, 10, 11), language="en", who=OPERATOR
    )
    assert list(shown.columns) == vv.VISIT_COLUMNS
    rows = [(r.external_id, r.planned_on.date(), r.slot, r.status) for r in shown.itertuples()]
    assert len(frame) == 3
    assert rows == [
        ("C01", START, 1, "proposed"),  # in 浦东 with C03: the A client first
        ("C03", START, 2, "proposed"),
        ("C05", D(2026, 9, 29), 1, "proposed"),
        ("C09", D(2026, 9, 29), 1, "planned"),
        ("C05", D(2026, 10, 9), 1, "planned"),
    ]
    c01 = shown.set_index("external_id").loc["C01"]
    assert (c01["name"], c01["tier"], c01["district"], c01["version"]) == (
        "客户C01",
        "A",
        "浦东",
        1,
    )
    assert c01["reason"].startswith("Last contact 2026-08-20; tier A clients")  # English text
    zh = vv.rm_visits(b.engine, b.rm, start=START, end=START, language="zh_CN", who=OPERATOR)
    assert zh["reason"].iloc[0].startswith("上次联系 2026-08-20，A 级客户")  # C01 goes first
    # the planned visit written by hand has no district of its own: the client's is shown
    assert shown.set_index("visit_id").loc[planned, "district"] == "徐汇"

    only = vv.rm_visits(b.engine, b.rm, statuses=[vp.VisitStatus.PLANNED], who=OPERATOR)
    assert set(only["status"]) == {"planned"} and len(only) == 2
    empty = vv.rm_visits(b.engine, b.rm, start=D(2030, 1, 1), who=OPERATOR)
    assert empty.empty and list(empty.columns) == vv.VISIT_COLUMNS


def test_the_screens_data_in_one_go(small_bank: Bank) -> None:
    b = small_bank
    vp.propose_plan(b.engine, b.rm, start=START, weeks=2, who=OPERATOR)
    today = D(2026, 9, 29)
    data = vv.planner_data(
        b.engine,
        b.rm,
        start=START,
        end=D(2026, 10, 4),
        today=today,
        language="zh_CN",
        who=OPERATOR,
    )
    assert data.days[0].on == START and len(data.days) == 7
    assert len(data.visits) == 3  # C01, C03, C05 in the week
    # the plan waiting for a decision: proposed visits from today on (C01 and C03 were yesterday)
    assert data.proposed["external_id"].tolist() == ["C05"]
    assert set(data.proposed["status"]) == {"proposed"}
    overdue = vp.overdue_contacts(b.engine, rm_id=b.rm, today=today, who=OPERATOR)
    assert data.overdue["client_id"].tolist() == overdue["client_id"].tolist()
    assert data.overdue["days_overdue"].tolist() == overdue["days_overdue"].tolist()
    assert (data.plan_weeks, data.holiday_country, data.plan_start) == (4, "CN", today)


def test_one_action_on_many_visits_reports_each_refusal(small_bank: Bank) -> None:
    b = small_bank
    frame = vp.propose_plan(b.engine, b.rm, start=START, weeks=2, who=OPERATOR)
    ids = dict(zip(frame["client_id"], frame["visit_id"], strict=True))
    c01, c03, c05 = (int(ids[b.ids[ext]]) for ext in ("C01", "C03", "C05"))
    with b.engine.begin() as conn:  # someone else changed C03's visit since the screen read it
        conn.execute(update(Visit).where(Visit.id == c03).values(version=2))

    done = vv.accept_visits(b.engine, [(c01, 1), (c03, 1)], who=account(b.engine, b.rm))
    assert done.done == [c01] and not done.stopped
    assert [vid for vid, _ in done.refused] == [c03]
    assert "changed by someone else" in done.refused[0][1]

    moved = vv.move_visits(
        b.engine, [(c05, 1)], D(2026, 9, 1), today=START, who=account(b.engine, b.rm)
    )
    assert moved.done == [] and "in the past" in moved.refused[0][1]
    moved = vv.move_visits(
        b.engine, [(c05, 1)], D(2026, 10, 9), today=START, who=account(b.engine, b.rm)
    )
    assert moved.done == [c05]

    with pytest.raises(PlanError, match="Say why"):
        vv.cancel_visits(b.engine, [(c01, 2)], reason="  ", who=account(b.engine, b.rm))
    cancelled = vv.cancel_visits(
        b.engine, [(c01, 2), (c03, 2)], reason="客户出差", who=account(b.engine, b.rm)
    )
    assert cancelled.done == [c01, c03]

    class StopAtOnce:
        def report(self, done: int, total: int, text: str = "") -> None:
            pass

        def cancelled(self) -> bool:
            return True

    stopped = vv.accept_visits(
        b.engine, [(c05, 2)], progress=StopAtOnce(), who=account(b.engine, b.rm)
    )
    assert stopped.stopped and stopped.done == []
    with b.engine.connect() as conn:
        rows = dict(conn.execute(select(Visit.id, Visit.status).where(Visit.user_id == b.rm)).all())
    assert (rows[c01], rows[c03], rows[c05]) == ("cancelled", "cancelled", "planned")
