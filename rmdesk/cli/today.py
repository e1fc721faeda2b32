"""rmdesk-cli today and rmdesk-cli task: the day's agenda, as the Today screen shows it, and
the tasks on it.

Added to the ``rmdesk-cli`` group in rmdesk.cli.main; exit codes as in rmdesk.cli. A change to
a task is made against the version the database holds now (the command line is one actor).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from rmdesk.cli.common import (
    DATE,
    EXIT_ERROR,
    EXIT_NOT_FOUND,
    acting,
    clients_named,
    date_of,
    fail,
    guarded,
    print_table,
    with_db,
)
from rmdesk.db import Database

if TYPE_CHECKING:
    from rmdesk.services.common.access import Account
    from rmdesk.services.visits.today import Agenda, BranchAgenda, ClientFlags, TaskItem

language = click.option(
    "--language", type=click.Choice(["zh_CN", "en"]), default="zh_CN", show_default=True
)

#: the agenda's headings: (Chinese, English)
WORDS = {
    "visits": ("今日走访", "Visits today"),
    "tasks": ("待办（到期及逾期）", "Tasks due and overdue"),
    "flags": ("新增及高风险预警", "New and high flags"),
    "dates": ("到期与纪念日", "Maturities and dates"),
    "none": ("无", "none"),
    "late": ("逾期 {n} 天", "{n} days late"),
    "due": ("今天到期", "due today"),
    "overdue_tasks": ("全行逾期待办", "Overdue tasks in the branch"),
    "overdue_visits": ("逾期未完成的走访", "Overdue and missed visits"),
    "new_high": ("新增高风险预警（按客户经理）", "New high flags by RM"),
    "quiet": ("近期没有联系记录的客户经理", "RMs with no contact lately"),
    "never": ("从未联系", "never"),
    "more": ("另有 {n} 条，见客户列表", "{n} more in the book"),
    "maturity": ("到期", "matures"),
    "birthday": ("生日", "birthday"),
    "anniversary": ("周年", "anniversary"),
    "offer": ("建议", "offer"),
    "new": ("新", "new"),
}


def _w(key: str, lang: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (zh if lang.startswith("zh") else en).format(**values)


def _heading(text: str, count: int) -> None:
    click.echo("")
    click.echo(f"== {text} ({count})")


def _late(days: int, lang: str) -> str:
    return _w("due", lang) if days <= 0 else _w("late", lang, n=days)


def _print_tasks(items: list[TaskItem], lang: str, *, assignee: bool = False) -> None:
    if not items:
        click.echo(_w("none", lang))
        return
    header = ["task", "due", "", "client", "name", "what"]
    rows = [
        [str(t.task_id), str(t.due_on), _late(t.days_late, lang), t.external_id, t.name, t.title]
        for t in items
    ]
    if assignee:
        header.insert(3, "who")
        for row, t in zip(rows, items, strict=True):
            row.insert(3, t.assignee)
    print_table(header, rows)


def _print_flags(group: ClientFlags, lang: str, *, rm: bool = False) -> None:
    from rmdesk.services.clients.seven_p import SEVERITIES

    zh = lang.startswith("zh")
    level = SEVERITIES.get(group.severity, (group.severity, group.severity))[0 if zh else 1]
    who = f"{group.rm} · " if rm else ""
    click.echo(f"[{level}] {who}{group.external_id} {group.name}")
    for f in group.flags:
        new = f" ({_w('new', lang)})" if f.new else ""
        click.echo(f"       {f.rule}{new}: {f.evidence}")


def print_agenda(agenda: Agenda, lang: str) -> None:
    click.echo(f"{agenda.person} · {agenda.on}")
    _heading(_w("visits", lang), len(agenda.visits))
    for v in agenda.visits:
        click.echo(f"{v.time:%H:%M}  {v.external_id} {v.name} · {v.purpose} · {v.district}")
        reach = " · ".join(p for p in (v.mobile, v.phone, v.address) if p)
        if reach:
            click.echo(f"       {reach}")
        if v.reason:
            click.echo(f"       {v.reason}")
        if v.offers:
            click.echo(f"       {_w('offer', lang)}: {'、'.join(v.offers)}")
    if not agenda.visits:
        click.echo(_w("none", lang))
    _heading(_w("tasks", lang), len(agenda.tasks))
    _print_tasks(agenda.tasks, lang)
    _heading(_w("flags", lang), agenda.flags_total)
    for g in agenda.flags:
        _print_flags(g, lang)
    if agenda.flags_total > len(agenda.flags):
        click.echo(_w("more", lang, n=agenda.flags_total - len(agenda.flags)))
    if not agenda.flags:
        click.echo(_w("none", lang))
    _heading(_w("dates", lang), len(agenda.dates))
    for d in agenda.dates:
        click.echo(f"{d.on}  {_w(d.kind, lang)}  {d.external_id} {d.name} · {d.what}")
    if not agenda.dates:
        click.echo(_w("none", lang))


def print_branch(agenda: BranchAgenda, lang: str) -> None:
    click.echo(f"{agenda.branch} · {agenda.on}")
    _heading(_w("tasks", lang), len(agenda.tasks))
    _print_tasks(agenda.tasks, lang)
    _heading(_w("overdue_tasks", lang), len(agenda.overdue_tasks))
    _print_tasks(agenda.overdue_tasks, lang, assignee=True)
    _heading(_w("overdue_visits", lang), len(agenda.overdue_visits))
    for v in agenda.overdue_visits:
        rm = agenda.visit_rms.get(v.visit_id, "")
        click.echo(f"{v.visit_id}  {rm} · {v.external_id} {v.name} · {v.status} · {v.purpose}")
    if not agenda.overdue_visits:
        click.echo(_w("none", lang))
    _heading(_w("new_high", lang), len(agenda.new_high_flags))
    for g in agenda.new_high_flags:
        _print_flags(g, lang, rm=True)
    if not agenda.new_high_flags:
        click.echo(_w("none", lang))
    _heading(_w("quiet", lang), len(agenda.quiet_rms))
    for q in agenda.quiet_rms:
        click.echo(f"{q.name} · {q.last_contact or _w('never', lang)}")
    if not agenda.quiet_rms:
        click.echo(_w("none", lang))


@click.command(name="today")
@with_db
@click.option("--user", "username", required=True, help="Whose day (an RM or a branch head).")
@click.option("--date", "on", type=DATE, help="The day (default: today).")
@language
@guarded
def today(db: Database, username: str, on: dt.datetime | None, language: str) -> None:
    """The day's agenda, as the Today screen shows it: an RM's visits in route order, tasks
    due and overdue, new and high flags, maturities and birthdays; a branch head's overdue
    tasks and visits, new high flags by RM and quiet RMs."""
    from rmdesk.services.visits import today as agenda

    who = acting(db, username)
    day = date_of(on) or dt.date.today()
    if who.is_head:
        assert who.branch_id is not None
        print_branch(
            agenda.branch_agenda(db.engine, who.branch_id, day, language=language, who=who),
            language,
        )
    elif who.is_rm:
        print_agenda(agenda.rm_agenda(db.engine, who.id, day, language=language, who=who), language)
    else:
        fail(f"{username!r} has no Today: it is an RM's or a branch head's day", EXIT_NOT_FOUND)


@contextmanager
def _refusals() -> Iterator[None]:
    from rmdesk.services.visits.tasks import TaskError

    try:
        yield
    except TaskError as refused:
        fail(f"refused: {refused.en}", EXIT_ERROR)


def _version(db: Database, task_id: int, who: Account) -> int:
    from rmdesk.services.visits import tasks

    found = tasks.current_version(db.engine, task_id, who=who)
    if found is None:
        fail(f"no task {task_id}", EXIT_NOT_FOUND)
    return int(found)  # type: ignore[arg-type]  # fail() exits on None


@click.group()
def task() -> None:
    """Tasks: add one for a client, mark one done, snooze, move, hand over or cancel it."""


user_option = click.option("--user", "username", required=True, help="Who does it (user name).")


@task.command(name="add")
@with_db
@click.argument("client")
@user_option
@click.option("--title", required=True, help="What is to be done.")
@click.option("--due", type=DATE, required=True, help="The day it is due.")
@guarded
def task_add(db: Database, client: str, username: str, title: str, due: dt.datetime) -> None:
    """Add a task for CLIENT (its client number) to its RM, due on --due."""
    from rmdesk.services.visits import tasks

    who = acting(db, username)
    ref = clients_named(db, [client])[client]
    with _refusals():
        new = tasks.add(db.engine, ref.id, title, date_of(due), who=who)
    click.echo(f"task {new}: added for {client}, due {date_of(due)}")


@task.command(name="done")
@with_db
@click.argument("task_id", type=int)
@user_option
@click.option("--note", default="", help="What came of it.")
@guarded
def task_done(db: Database, task_id: int, username: str, note: str) -> None:
    """Mark a task done."""
    from rmdesk.services.visits import tasks

    who = acting(db, username)
    with _refusals():
        tasks.complete(db.engine, task_id, _version(db, task_id, who), note=note, who=who)
    click.echo(f"task {task_id}: done")


@task.command(name="cancel")
@with_db
@click.argument("task_id", type=int)
@user_option
@click.option("--reason", required=True, help="Why it is dropped.")
@guarded
def task_cancel(db: Database, task_id: int, username: str, reason: str) -> None:
    """Cancel a task, saying why."""
    from rmdesk.services.visits import tasks

    who = acting(db, username)
    with _refusals():
        tasks.cancel(db.engine, task_id, _version(db, task_id, who), note=reason, who=who)
    click.echo(f"task {task_id}: cancelled")


@task.command(name="snooze")
@with_db
@click.argument("task_id", type=int)
@user_option
@click.option("--until", type=DATE, required=True, help="Keep it off Today until this day.")
@guarded
def task_snooze(db: Database, task_id: int, username: str, until: dt.datetime) -> None:
    """Keep a task off Today until a day (when it is due does not change)."""
    from rmdesk.services.visits import tasks

    who = acting(db, username)
    with _refusals():
        tasks.snooze(db.engine, task_id, _version(db, task_id, who), date_of(until), who=who)
    click.echo(f"task {task_id}: snoozed until {date_of(until)}")


@task.command(name="move")
@with_db
@click.argument("task_id", type=int)
@user_option
@click.option("--due", type=DATE, required=True, help="The new due day.")
@guarded
def task_move(db: Database, task_id: int, username: str, due: dt.datetime) -> None:
    """Move a task to another due day."""
    from rmdesk.services.visits import tasks

    who = acting(db, username)
    with _refusals():
        tasks.reschedule(db.engine, task_id, _version(db, task_id, who), date_of(due), who=who)
    click.echo(f"task {task_id}: due {date_of(due)}")


@task.command(name="assign")
@with_db
@click.argument("task_id", type=int)
@user_option
@click.option("--to", "to_user", required=True, help="The client's RM or a head of its branch.")
@guarded
def task_assign(db: Database, task_id: int, username: str, to_user: str) -> None:
    """Hand a task to the client's RM or a head of its branch."""
    from rmdesk.cli.common import person
    from rmdesk.services.visits import tasks

    who = acting(db, username)
    to = person(db, to_user, "--to")
    with _refusals():
        tasks.reassign(db.engine, task_id, _version(db, task_id, who), to.id, who=who)
    click.echo(f"task {task_id}: now {to_user}'s")
