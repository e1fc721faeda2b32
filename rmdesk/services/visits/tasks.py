"""Tasks: what is to be done for a client by a day (docs/tasks.md).

A contact's next step with a due date becomes a task in the contact's own transaction
(``from_contact``); an RM or a head adds others by hand (``add``). A task is assigned to the
client's RM or to a head of the client's branch (the people who reach the client), and is
done, cancelled (saying why), snoozed (kept off Today until a day; when it was due does not
change, so an overdue task stays overdue), moved to another due day, or handed to another of
those people. Every change names the version it was made against, is refused with a message
to reload when someone changed the task meanwhile, and is audited. Rows are never deleted.

On PostgreSQL the write rule of ``tasks`` (``task_rules``) holds the same rules against a
person's own login, whatever SQL it sends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, or_, select, update

from rmdesk.db import write_transaction
from rmdesk.models import Base, Role, TaskStatus
from rmdesk.services.common import audit, form_text, frames
from rmdesk.services.common.access import Account, guarded, person_id
from rmdesk.services.visits.bounds import AHEAD_DAYS

__all__ = [
    "TITLE_MAX",
    "TaskError",
    "add",
    "assignees",
    "cancel",
    "client_tasks",
    "complete",
    "current_version",
    "from_contact",
    "reassign",
    "reschedule",
    "snooze",
]

T = Base.metadata.tables
#: the longest task text kept (a contact's next step is cut to it, with an ellipsis)
TITLE_MAX = 500
OPEN = TaskStatus.OPEN.value


class TaskError(ValueError):
    """A task change that cannot be made: ``field`` names what is wrong, ``zh`` / ``en`` why."""

    def __init__(self, field: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.field, self.zh, self.en = field, zh, en


@dataclass(frozen=True)
class Assignee:
    user_id: int
    name: str
    role: Role


def _title(text: str | None) -> str:
    title = form_text.clean(text)
    if not title:
        raise TaskError("title", "待办事项：请写明要做什么。", "Task: say what is to be done.")
    if len(title) > TITLE_MAX:
        raise TaskError(
            "title",
            f"待办事项：最多 {TITLE_MAX} 个字。",
            f"Task: at most {TITLE_MAX} characters.",
        )
    return title


def _day_ahead(field: str, day: dt.date | None, today: dt.date, words: tuple[str, str]) -> None:
    zh, en = words
    if day is None:
        raise TaskError(field, f"{zh}：请选择日期。", f"{en}: choose a day.")
    if day < today:
        raise TaskError(field, f"{zh}：{day} 已经过去。", f"{en}: {day} is in the past.")
    if day > today + dt.timedelta(days=AHEAD_DAYS):
        raise TaskError(
            field, f"{zh}：{day} 超过一年之后。", f"{en}: {day} is more than a year ahead."
        )


def _assignees(conn: Connection, client_id: int) -> list[Assignee]:
    """Who a task of the client may be assigned to: its RM, then the heads of its branch."""
    clients, users = T["clients"], T["users"]
    client = conn.execute(
        select(clients.c.rm_id, clients.c.branch_id).where(clients.c.id == client_id)
    ).first()
    if client is None:
        raise TaskError(
            "client", f"客户 {client_id} 不存在。", f"Client {client_id} does not exist."
        )
    rows = conn.execute(
        select(users.c.id, users.c.display_name, users.c.role)
        .where(
            users.c.active.is_(True),
            or_(
                users.c.id == client.rm_id,
                (users.c.role == Role.BRANCH_HEAD) & (users.c.branch_id == client.branch_id),
            ),
        )
        .order_by((users.c.id != client.rm_id), users.c.display_name)
    ).all()
    return [Assignee(int(r.id), str(r.display_name), Role(r.role)) for r in rows]


def _default_assignee(conn: Connection, client_id: int, who: Account) -> int:
    """The person who logs a step does it when they may hold it; else the client's RM."""
    people = _assignees(conn, client_id)
    mine = person_id(who)
    if any(p.user_id == mine for p in people):
        return int(mine)  # type: ignore[arg-type]  # in the list, so a person
    rm = next((p for p in people if p.role == Role.RM), None)
    if rm is not None:
        return rm.user_id
    if mine is None:
        raise TaskError(
            "user_id",
            "该客户没有在岗的客户经理，无法分派待办。",
            "The client has no active RM to give the task to.",
        )
    return mine


@guarded("client", "client_id")
def assignees(engine: Engine, client_id: int, *, who: Account) -> list[Assignee]:
    """The people a task of ``client_id`` can be handed to."""
    with engine.connect() as conn:
        return _assignees(conn, client_id)


def from_contact(
    conn: Connection,
    *,
    interaction_id: int,
    client_id: int,
    next_step: str,
    due_on: dt.date,
    who: Account,
) -> int:
    """The task of a contact's next step, written in the contact's transaction."""
    title = form_text.clean(next_step) or ""
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    return _insert(conn, client_id, _title(title), due_on, who, interaction_id, None)


def _insert(
    conn: Connection,
    client_id: int,
    title: str,
    due_on: dt.date,
    who: Account,
    interaction_id: int | None,
    assign_to: int | None,
) -> int:
    to = _default_assignee(conn, client_id, who) if assign_to is None else assign_to
    if assign_to is not None and assign_to not in {p.user_id for p in _assignees(conn, client_id)}:
        raise TaskError(
            "user_id",
            "待办只能分派给该客户的客户经理或本支行行长。",
            "A task goes to the client's RM or a head of its branch.",
        )
    tasks = T["tasks"]
    new_id = conn.execute(
        insert(tasks)
        .values(
            client_id=client_id,
            user_id=to,
            created_by=person_id(who),
            interaction_id=interaction_id,
            title=title,
            due_on=due_on,
            status=OPEN,
            version=1,
        )
        .returning(tasks.c.id)
    ).scalar_one()
    audit.record(
        conn,
        who,
        "task.add",
        "tasks",
        new_id,
        {"client_id": client_id, "due_on": str(due_on), "user_id": to, "from": interaction_id},
    )
    return int(new_id)


@guarded("client", "client_id")
def add(
    engine: Engine,
    client_id: int,
    title: str,
    due_on: dt.date | None,
    *,
    assign_to: int | None = None,
    today: dt.date | None = None,
    who: Account,
) -> int:
    """Add a task by hand; returns its id. ``assign_to`` defaults as ``from_contact``'s does."""
    text = _title(title)
    _day_ahead("due_on", due_on, today or dt.date.today(), ("到期日", "Due"))
    assert due_on is not None  # checked above
    with write_transaction(engine) as conn:
        return _insert(conn, client_id, text, due_on, who, None, assign_to)


def _claim(conn: Connection, task_id: int, version: int) -> Any:
    tasks = T["tasks"]
    row = conn.execute(select(tasks).where(tasks.c.id == task_id)).first()
    if row is None:
        raise TaskError("task", f"待办 {task_id} 不存在。", f"Task {task_id} does not exist.")
    if int(row.version) != version:
        raise TaskError(
            "version",
            f"待办 {task_id} 已被他人修改，请刷新后重试。",
            f"Task {task_id} was changed by someone else since you opened it; reload it and "
            "try again.",
        )
    if row.status != OPEN:
        done = "已完成" if row.status == TaskStatus.DONE.value else "已取消"
        raise TaskError(
            "status",
            f"待办 {task_id} {done}，不能再修改。",
            f"Task {task_id} is {row.status}: it does not change any more.",
        )
    return row


def _change(
    engine: Engine, task_id: int, version: int, who: Account, action: str, values: dict[str, Any]
) -> int:
    tasks = T["tasks"]
    with write_transaction(engine) as conn:
        row = _claim(conn, task_id, version)
        if "user_id" in values and values["user_id"] not in {
            p.user_id for p in _assignees(conn, int(row.client_id))
        }:
            raise TaskError(
                "user_id",
                "待办只能分派给该客户的客户经理或本支行行长。",
                "A task goes to the client's RM or a head of its branch.",
            )
        done = conn.execute(
            update(tasks)
            .where(tasks.c.id == task_id, tasks.c.version == version)
            .values(**values, version=version + 1)
        ).rowcount
        if done != 1:
            raise TaskError(
                "version",
                f"待办 {task_id} 已被他人修改，请刷新后重试。",
                f"Task {task_id} was changed by someone else; reload it and try again.",
            )
        detail = {k: str(v) if isinstance(v, dt.date) else v for k, v in values.items()}
        audit.record(conn, who, f"task.{action}", "tasks", task_id, detail)
    return version + 1


@guarded("task", "task_id")
def complete(engine: Engine, task_id: int, version: int, *, note: str = "", who: Account) -> int:
    """Mark the task done (``note``: what came of it); returns its new version."""
    return _change(
        engine,
        task_id,
        version,
        who,
        "done",
        {
            "status": TaskStatus.DONE.value,
            "closed_at": dt.datetime.now(dt.UTC),
            "closed_by": person_id(who),
            "note": form_text.clean(note) or None,
        },
    )


@guarded("task", "task_id")
def cancel(engine: Engine, task_id: int, version: int, *, note: str, who: Account) -> int:
    """Cancel the task, saying why; returns its new version."""
    why = form_text.clean(note)
    if not why:
        raise TaskError("note", "取消待办：请写明原因。", "Cancel: say why the task is dropped.")
    return _change(
        engine,
        task_id,
        version,
        who,
        "cancel",
        {
            "status": TaskStatus.CANCELLED.value,
            "closed_at": dt.datetime.now(dt.UTC),
            "closed_by": person_id(who),
            "note": why,
        },
    )


@guarded("task", "task_id")
def snooze(
    engine: Engine,
    task_id: int,
    version: int,
    until: dt.date | None,
    *,
    today: dt.date | None = None,
    who: Account,
) -> int:
    """Keep the task off Today until ``until`` (its due day stays); returns its new version."""
    today = today or dt.date.today()
    _day_ahead("snoozed_until", until, today, ("暂缓至", "Snooze until"))
    assert until is not None
    if until <= today:
        raise TaskError(
            "snoozed_until",
            "暂缓至：请选择今天以后的日期。",
            "Snooze until: choose a day after today.",
        )
    return _change(engine, task_id, version, who, "snooze", {"snoozed_until": until})


@guarded("task", "task_id")
def reschedule(
    engine: Engine,
    task_id: int,
    version: int,
    due_on: dt.date | None,
    *,
    today: dt.date | None = None,
    who: Account,
) -> int:
    """Move the task's due day (and wake it if snoozed); returns its new version."""
    _day_ahead("due_on", due_on, today or dt.date.today(), ("到期日", "Due"))
    return _change(
        engine, task_id, version, who, "reschedule", {"due_on": due_on, "snoozed_until": None}
    )


@guarded("task", "task_id")
def reassign(engine: Engine, task_id: int, version: int, to_user: int, *, who: Account) -> int:
    """Hand the task to the client's RM or a head of its branch; returns its new version."""
    return _change(engine, task_id, version, who, "reassign", {"user_id": int(to_user)})


@guarded("task", "task_id")
def current_version(engine: Engine, task_id: int, *, who: Account) -> int | None:
    """The version the database holds now (None: no such task), for a one-actor change."""
    tasks = T["tasks"]
    with engine.connect() as conn:
        found = conn.execute(select(tasks.c.version).where(tasks.c.id == task_id)).scalar()
    return None if found is None else int(found)


def task_query(*where: Any) -> Any:
    """Tasks with their assignee's name, oldest due first."""
    tasks, users = T["tasks"], T["users"]
    return (
        select(
            tasks.c.id.label("task_id"),
            tasks.c.client_id,
            tasks.c.title,
            tasks.c.due_on,
            tasks.c.status,
            tasks.c.snoozed_until,
            tasks.c.user_id,
            users.c.display_name.label("assignee"),
            tasks.c.note,
            tasks.c.closed_at,
            tasks.c.created_at,
            tasks.c.version,
        )
        .join(users, users.c.id == tasks.c.user_id)
        .where(*where)
        .order_by(tasks.c.due_on, tasks.c.id)
    )


@guarded("client", "client_id")
def client_tasks(
    engine: Engine, client_id: int, *, include_closed: bool = True, who: Account
) -> pd.DataFrame:
    """The client's tasks, open ones first, each by due day."""
    tasks = T["tasks"]
    where = [tasks.c.client_id == client_id]
    if not include_closed:
        where.append(tasks.c.status == OPEN)
    with engine.connect() as conn:
        frame = frames.frame(conn.execute(task_query(*where)))
    if frame.empty:
        return frame
    frame["_closed"] = frame["status"] != OPEN
    return frame.sort_values(["_closed", "due_on"], kind="stable").drop(columns="_closed")
