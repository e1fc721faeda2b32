"""Tasks: a contact's next step becomes one; added by hand; done, cancelled, snoozed, moved and
handed only along their rules, each change checked against its version and audited; a
handover takes the old RM's open tasks along (docs/tasks.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from rmdesk.db import Database, open_database
from rmdesk.models import AuditEntry, Task
from rmdesk.services.accounts.users import account
from rmdesk.services.branch.handover import reassign as hand_over
from rmdesk.services.common.access import AccessDenied
from rmdesk.services.visits import tasks
from rmdesk.services.visits.contacts import NewContact, log_contact
from rmdesk.services.visits.tasks import TaskError
from tests.bank import TinyBank

TODAY = dt.date.today()
NOW = dt.datetime.now(dt.UTC)


def _bank(db_url: str) -> tuple[Database, dict[str, int]]:
    db = open_database(db_url)
    bank = TinyBank(db.engine)
    b, other = bank.branch(), bank.branch("B2")
    ids = {
        "rm": bank.user("rm1", b),
        "peer": bank.user("rm2", b),
        "head": bank.user("head1", b, role="branch_head"),
        "other_head": bank.user("head2", other, role="branch_head"),
    }
    ids["client"] = bank.client(ids["rm"], b)
    ids["peer_client"] = bank.client(ids["peer"], b)
    return db, ids


def _task(db: Database, task_id: int) -> Any:
    with db.engine.connect() as conn:
        return conn.execute(select(Task).where(Task.id == task_id)).one()


def test_a_next_step_with_a_due_day_becomes_the_rms_task(db_url: str) -> None:
    db, i = _bank(db_url)
    rm = account(db.engine, i["rm"])
    contact = NewContact(
        i["client"], "wechat", NOW, purpose="到期提醒", next_step="寄送续存材料",
        next_step_due=TODAY + dt.timedelta(days=3),
    )  # fmt: skip
    contact_id = log_contact(db.engine, contact, who=rm)
    # a next step without a day is a note, not a task
    log_contact(db.engine, NewContact(i["client"], "sms", NOW, "问候", next_step="再说"), who=rm)
    frame = tasks.client_tasks(db.engine, i["client"], who=rm)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["title"], row["due_on"], row["status"]) == (
        "寄送续存材料", TODAY + dt.timedelta(days=3), "open"
    )  # fmt: skip
    task = _task(db, int(row["task_id"]))
    assert (task.user_id, task.created_by, task.interaction_id) == (i["rm"], i["rm"], contact_id)
    with db.engine.connect() as conn:
        actions = list(conn.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
    assert actions[:2] == ["task.add", "contact.log"]
    db.dispose()


def test_done_cancelled_snoozed_moved_and_handed_with_versions(db_url: str) -> None:
    db, i = _bank(db_url)
    rm, head = account(db.engine, i["rm"]), account(db.engine, i["head"])
    due = TODAY + dt.timedelta(days=2)
    one = tasks.add(db.engine, i["client"], "电话确认开户资料", due, who=rm)
    assert _task(db, one).user_id == i["rm"]
    v = tasks.snooze(db.engine, one, 1, TODAY + dt.timedelta(days=1), who=rm, today=TODAY)
    snoozed = _task(db, one)
    assert (snoozed.snoozed_until, snoozed.due_on, snoozed.version) == (
        TODAY + dt.timedelta(days=1), due, 2
    )  # fmt: skip
    with pytest.raises(TaskError, match="changed by someone else"):
        tasks.complete(db.engine, one, 1, who=rm)  # the version it was opened at
    v = tasks.reschedule(db.engine, one, v, TODAY + dt.timedelta(days=9), who=rm, today=TODAY)
    moved = _task(db, one)
    assert (moved.due_on, moved.snoozed_until) == (TODAY + dt.timedelta(days=9), None)
    # handed to the head of the branch, who closes it
    v = tasks.reassign(db.engine, one, v, i["head"], who=rm)
    assert _task(db, one).user_id == i["head"]
    with pytest.raises(TaskError, match="client's RM or a head of its branch"):
        tasks.reassign(db.engine, one, v, i["peer"], who=head)
    with pytest.raises(TaskError, match="client's RM or a head of its branch"):
        tasks.reassign(db.engine, one, v, i["other_head"], who=head)
    v = tasks.complete(db.engine, one, v, note="已寄出", who=head)
    done = _task(db, one)
    assert (done.status, done.closed_by, done.note) == ("done", i["head"], "已寄出")
    assert done.closed_at is not None
    with pytest.raises(TaskError, match="does not change any more"):
        tasks.reschedule(db.engine, one, v, TODAY, who=head, today=TODAY)

    two = tasks.add(db.engine, i["client"], "回访", TODAY, who=rm)
    with pytest.raises(TaskError, match="say why"):
        tasks.cancel(db.engine, two, 1, note="  ", who=rm)
    tasks.cancel(db.engine, two, 1, note="客户已办理", who=rm)
    assert _task(db, two).status == "cancelled"
    with db.engine.connect() as conn:
        trail = list(
            conn.execute(
                select(AuditEntry.action)
                .where(AuditEntry.entity == "tasks")
                .order_by(AuditEntry.id)
            ).scalars()
        )
    assert trail == [
        "task.add", "task.snooze", "task.reschedule", "task.reassign", "task.done",
        "task.add", "task.cancel",
    ]  # fmt: skip
    db.dispose()


@pytest.mark.parametrize(
    ("title", "due", "field"),
    [
        ("", 1, "title"),
        ("x" * 501, 1, "title"),
        ("回访", None, "due_on"),
        ("回访", -1, "due_on"),
        ("回访", 400, "due_on"),
    ],
)
def test_a_task_needs_words_and_a_day_within_a_year(
    db_url: str, title: str, due: int | None, field: str
) -> None:
    db, i = _bank(db_url)
    rm = account(db.engine, i["rm"])
    day = None if due is None else TODAY + dt.timedelta(days=due)
    with pytest.raises(TaskError) as refused:
        tasks.add(db.engine, i["client"], title, day, who=rm, today=TODAY)
    assert refused.value.field == field and refused.value.zh
    assert tasks.client_tasks(db.engine, i["client"], who=rm).empty
    db.dispose()


def test_an_rm_reaches_only_the_tasks_of_their_own_clients(db_url: str) -> None:
    db, i = _bank(db_url)
    peer, rm = account(db.engine, i["peer"]), account(db.engine, i["rm"])
    theirs = tasks.add(db.engine, i["peer_client"], "回访", TODAY, who=peer)
    with pytest.raises(AccessDenied):
        tasks.complete(db.engine, theirs, 1, who=rm)
    with pytest.raises(AccessDenied):
        tasks.add(db.engine, i["peer_client"], "回访", TODAY, who=rm)
    db.dispose()


def test_a_handover_takes_the_old_rms_open_tasks_along(db_url: str) -> None:
    db, i = _bank(db_url)
    rm, head = account(db.engine, i["rm"]), account(db.engine, i["head"])
    mine = tasks.add(db.engine, i["client"], "送资料", TODAY, who=rm)
    heads = tasks.add(db.engine, i["client"], "审批利率", TODAY, who=rm, assign_to=i["head"])
    closed = tasks.add(db.engine, i["client"], "回访", TODAY, who=rm)
    tasks.complete(db.engine, closed, 1, who=rm)
    from rmdesk.services.branch.handover import preview

    shown = preview(db.engine, [i["client"]], i["peer"], today=TODAY, who=head)
    assert shown.clients["tasks"].tolist() == [1]  # the RM's open task, not the head's
    hand_over(db.engine, [i["client"]], i["peer"], reason="调岗", today=TODAY, who=head)
    assert _task(db, mine).user_id == i["peer"]  # the old RM's open task moves
    assert _task(db, heads).user_id == i["head"]  # the head's stays with the head
    assert _task(db, closed).user_id == i["rm"]  # a done one keeps who did it
    db.dispose()
