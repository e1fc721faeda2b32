"""Tasks against a person's own PostgreSQL login, whatever SQL it sends: added only in one's
own name, open, for a client one reaches, to its RM or a head of its branch, within a year;
closed in one's own name (a cancelled one says why); a closed task stays closed; nothing is
deleted; the app's own changes still land (docs/tasks.md, docs/security.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from rmdesk.services.accounts.users import session_account
from rmdesk.services.branch import handover
from rmdesk.services.visits import contacts, tasks
from rmdesk.services.visits.contacts import NewContact
from tests.secured_bank import TODAY, Bank, targets

INSERT = (
    "INSERT INTO tasks (client_id, user_id, created_by, interaction_id, title, due_on, status, "
    "snoozed_until, closed_at, closed_by, note, version) VALUES ({client}, {to}, {by}, {contact}, "
    "{title}, {due}, {status}, NULL, {closed_at}, {closed_by}, {note}, 1)"
)


def _insert(i: dict[str, Any], **changes: Any) -> str:
    values: dict[str, Any] = {
        "client": i["own_client"],
        "to": i["me"],
        "by": i["me"],
        "contact": "NULL",
        "title": "'call back'",
        "due": "current_date + 3",
        "status": "'open'",
        "closed_at": "NULL",
        "closed_by": "NULL",
        "note": "NULL",
    }
    values.update(changes)
    return INSERT.format(**values)


@pytest.fixture(scope="module")
def ids(secured: Bank) -> dict[str, Any]:
    i = dict(targets(secured))
    s = secured
    i["task"] = int(s.sql(s.rm, _insert(i) + " RETURNING id")[0][0])
    i["closed"] = int(s.sql(s.rm, _insert(i, title="'sent'") + " RETURNING id")[0][0])
    s.sql(s.rm, f"UPDATE tasks SET status = 'done', closed_by = {i['me']} WHERE id = {i['closed']}")
    with s.engine.begin() as conn:  # another RM's task, written by the owner
        i["others"] = conn.execute(
            text(
                "INSERT INTO tasks (client_id, user_id, created_by, title, due_on, status, "
                f"version) VALUES ({i['other_client']}, {i['other_rm']}, {i['other_rm']}, "
                "'theirs', current_date, 'open', 1) RETURNING id"
            )
        ).scalar_one()
    return i


def test_an_rms_login_adds_and_closes_tasks_only_by_the_rules(
    secured: Bank, ids: dict[str, Any]
) -> None:
    s, i = secured, ids
    task, closed, client = i["task"], i["closed"], i["own_client"]
    for what, sql in [
        ("a task for another branch's client", _insert(i, client=i["other_client"])),
        ("a task in a colleague's name", _insert(i, by=i["peer"])),
        ("a task given to a colleague who is not the client's RM", _insert(i, to=i["peer"])),
        ("a task given to an RM of another branch", _insert(i, to=i["other_rm"])),
        ("a task added already done", _insert(i, status="'done'", closed_by=i["me"])),
        ("a task with an empty title", _insert(i, title="'   '")),
        ("a task due 400 days ahead", _insert(i, due="current_date + 400")),
        ("a task due 'infinity'", _insert(i, due="'infinity'")),
        ("a task naming a contact of an earlier transaction",
         _insert(i, contact=f"(SELECT min(id) FROM interactions WHERE client_id = {client})")),
        ("a task deleted", f"DELETE FROM tasks WHERE id = {task}"),
        ("a task's words rewritten", f"UPDATE tasks SET title = 'nothing' WHERE id = {task}"),
        ("a task closed in the head's name",
         f"UPDATE tasks SET status = 'done', closed_by = {i['head']} WHERE id = {task}"),
        ("a task cancelled without saying why",
         f"UPDATE tasks SET status = 'cancelled', closed_by = {i['me']} WHERE id = {task}"),
        ("a closed task reopened", f"UPDATE tasks SET status = 'open' WHERE id = {closed}"),
        ("a closed task's note rewritten", f"UPDATE tasks SET note = 'x' WHERE id = {closed}"),
        ("a note written on an open task", f"UPDATE tasks SET note = 'x' WHERE id = {task}"),
        ("a task moved to the year 10000",
         f"UPDATE tasks SET due_on = '10000-01-01' WHERE id = {task}"),
        ("a task moved into last month",
         f"UPDATE tasks SET due_on = current_date - 30 WHERE id = {task}"),
        ("a task handed to an RM of another branch",
         f"UPDATE tasks SET user_id = {i['other_rm']} WHERE id = {task}"),
        ("a task back-dated as closed last year",
         f"UPDATE tasks SET status = 'done', closed_by = {i['me']}, closed_at = now() - "
         f"interval '1 year' WHERE id = {task}"),
    ]:  # fmt: skip
        if what.endswith("last year"):
            s.sql(s.rm, sql)  # the server's clock is written, whatever was sent
            stamp = s.owner(
                f"SELECT closed_at > now() - interval '1 day' FROM tasks WHERE id = {task}"
            )
            assert stamp is True
            s.harmless("rm", what)
            continue
        s.refused("rm", what, s.rm, sql)
    # another RM's task is neither seen nor touched
    assert s.sql(s.rm, f"SELECT count(*) FROM tasks WHERE id = {i['others']}") == [(0,)]
    s.sql(s.rm, f"UPDATE tasks SET status = 'done', closed_by = {i['me']} WHERE id = {i['others']}")
    assert s.owner(f"SELECT status FROM tasks WHERE id = {i['others']}") == "open"
    s.harmless("rm", "closing another RM's task")


def test_the_apps_own_task_changes_land_on_people_s_own_logins(
    secured: Bank, ids: dict[str, Any]
) -> None:
    s, i = secured, ids
    engine = s.engine_of(s.rm)
    try:
        me = session_account(engine)
        assert me is not None
        contact = NewContact(
            i["own_client"], "wecom", dt.datetime.now(dt.UTC), purpose="到期提醒",
            next_step="寄送材料", next_step_due=TODAY + dt.timedelta(days=2),
        )  # fmt: skip
        contacts.log_contact(engine, contact, who=me)
        new = int(s.owner("SELECT max(id) FROM tasks"))
        assert s.owner(f"SELECT title FROM tasks WHERE id = {new}") == "寄送材料"
        v = tasks.snooze(engine, new, 1, TODAY + dt.timedelta(days=1), who=me)
        v = tasks.reschedule(engine, new, v, TODAY + dt.timedelta(days=5), who=me)
        v = tasks.reassign(engine, new, v, i["head"], who=me)
        by_hand = tasks.add(engine, i["own_client"], "电话回访", TODAY, who=me)
        tasks.cancel(engine, by_hand, 1, note="客户出差", who=me)
    finally:
        engine.dispose()
    engine = s.engine_of(s.head)
    try:
        head = session_account(engine)
        assert head is not None
        tasks.complete(engine, new, v, note="已批", who=head)
        mine = tasks.add(engine, i["own_client"], "送礼品", TODAY, who=head, assign_to=i["me"])
        # a handover on the head's login takes the RM's open task along, and back again
        handover.reassign(
            engine, [i["own_client"]], i["peer"], reason="休假", today=TODAY, who=head
        )
        assert s.owner(f"SELECT user_id FROM tasks WHERE id = {mine}") == i["peer"]
        handover.reassign(engine, [i["own_client"]], i["me"], reason="回岗", today=TODAY, who=head)
    finally:
        engine.dispose()
    assert s.owner(f"SELECT user_id FROM tasks WHERE id = {mine}") == i["me"]
    assert s.owner(f"SELECT status || closed_by FROM tasks WHERE id = {new}") == (
        f"done{i['head']}"
    )
    # a handover that leaves the RM's open task behind is refused at commit
    s.refused(
        "branch head", "a client handed over without its open tasks", s.head,
        f"INSERT INTO client_handovers (client_id, from_rm_id, to_rm_id, effective_on, at) "
        f"VALUES ({i['own_client']}, {i['me']}, {i['peer']}, current_date, now())",
        f"UPDATE clients SET rm_id = {i['peer']}, version = version + 1 "
        f"WHERE id = {i['own_client']}",
    )  # fmt: skip
