"""rmdesk-cli plan: propose and show visit plans, act on visits, export them, list who is overdue.

Added to the ``rmdesk-cli`` group in rmdesk.cli.main; exit codes as in rmdesk.cli. The command
line is a single actor: a change to a visit is made against the version the database holds now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rmdesk.cli.common import (
    DATE,
    EXIT_ERROR,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    acting,
    always_mask_phones,
    branch_of,
    count_text,
    date_of,
    day_text,
    fail,
    guarded,
    named_rm,
    operator,
    print_table,
    text_width,
    with_db,
)
from rmdesk.db import Database

if TYPE_CHECKING:
    import pandas as pd

    from rmdesk.services.common.access import Account

_SHOWN_UNPLACED = 10  # client ids listed in propose's summary line; the rest are counted


def _span(first: dt.date, last: dt.date) -> None:
    if last < first:
        fail(f"--to {last} is before --from {first}", EXIT_USAGE)


@contextmanager
def _refusals() -> Iterator[None]:
    """A change the planner refuses: exit 5 for a visit or user that is not there, else 2."""
    from rmdesk.services.visits.actions import PlanError

    try:
        yield
    except PlanError as exc:
        missing = "does not exist" in str(exc) or "no user" in str(exc)
        fail(str(exc), EXIT_NOT_FOUND if missing else EXIT_USAGE)


def _next_working_day(after: dt.date, country: str) -> dt.date:
    from rmdesk.services.visits.calendar import working_days

    first = after + dt.timedelta(days=1)
    try:
        days = working_days(first, first + dt.timedelta(days=31), country)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    return days[0] if days else first


def _current_version(db: Database, visit_id: int, who: Account) -> int:
    from rmdesk.services.visits.actions import current_version

    version = current_version(db.engine, visit_id, who=who)
    if version is None:
        fail(f"no visit {visit_id}", EXIT_NOT_FOUND)
    assert version is not None
    return int(version)


def _external_ids(db: Database, client_ids: list[int]) -> dict[int, str]:
    from rmdesk.services.clients.ids import external_ids

    return external_ids(db.engine, client_ids, who=operator(db))


@click.group()
def plan() -> None:
    """Visit plans: propose, show, change a visit, export, list who is overdue."""


@plan.command(name="propose")
@with_db
@click.option("--rm", "rm_name", help="The RM to plan for (user name).")
@click.option("--all", "all_rms", is_flag=True, help="Every active RM; prints counts per RM.")
@click.option(
    "--start", type=DATE, help="First day of the plan (default: the next working day after today)."
)
@click.option(
    "--weeks",
    type=click.IntRange(min=1),
    help="Weeks the plan covers (default: the plan_weeks parameter).",
)
@guarded
def plan_propose(
    db: Database,
    rm_name: str | None,
    all_rms: bool,
    start: dt.datetime | None,
    weeks: int | None,
) -> None:
    """Propose an RM's visits (or every RM's) for the coming weeks.

    Running it again replaces only the RM's proposed visits from --start on; planned, done,
    cancelled and missed visits are kept.
    """
    from rmdesk.services.common import parameters
    from rmdesk.services.visits.planner import PlanError, plan_everyone, propose_plan

    if bool(rm_name) == all_rms:
        fail("give either --rm USER or --all", EXIT_USAGE)
    params = parameters.load(db.engine)
    first = date_of(start) or _next_working_day(dt.date.today(), params.holiday_country)
    weeks = weeks or params.plan_weeks
    span = f"{first} to {first + dt.timedelta(days=7 * weeks - 1)}"
    try:
        if rm_name:
            rm_id = named_rm(db, rm_name)
            frame = propose_plan(
                db.engine,
                rm_id,
                start=first,
                weeks=weeks,
                params=params,
                who=operator(db),
            )
            results = [(rm_id, rm_name, frame)]
        else:
            results = plan_everyone(db.engine, start=first, weeks=weeks, who=operator(db))
    except PlanError as exc:
        fail(str(exc), EXIT_USAGE)
    if not results:
        fail("no active RM (a user with role rm) to plan for", EXIT_NOT_FOUND)
    if all_rms:
        _print_counts(results, span)
    else:
        _print_plan(db, *results[0], span)


def _print_counts(results: list[tuple[int, str, pd.DataFrame]], span: str) -> None:
    """One line per RM and a total, for ``propose --all``."""
    width = max(text_width(name) for _, name, _ in results)
    for _, name, frame in results:
        click.echo(
            f"{name}{' ' * (width - text_width(name))}  {len(frame):>5,} visits proposed, "
            f"{len(frame.attrs['unplaced']):>5,} clients due did not fit"
        )
    proposed = sum(len(frame) for _, _, frame in results)
    unplaced = sum(len(frame.attrs["unplaced"]) for _, _, frame in results)
    click.echo(
        f"{len(results):,} RMs, {span}: {proposed:,} visits proposed, "
        f"{unplaced:,} clients due did not fit"
    )


def _print_plan(db: Database, rm_id: int, name: str, frame: pd.DataFrame, span: str) -> None:
    """One line per proposed visit in route order, then what was proposed and what did not fit."""
    ext = _external_ids(db, [int(c) for c in frame["client_id"]] + list(frame.attrs["unplaced"]))
    rows = [
        [
            day_text(r["planned_on"]),
            str(r["slot"]),
            str(r["district"] or "-"),
            ext[int(r["client_id"])],
            str(r["name"]),
            str(r["purpose"]),
        ]
        for r in frame.to_dict("records")
    ]
    if rows:
        print_table(["date", "slot", "district", "client", "name", "purpose"], rows)
    unplaced = [ext[int(c)] for c in frame.attrs["unplaced"]]
    listed = ", ".join(unplaced[:_SHOWN_UNPLACED]) + (
        ", ..." if len(unplaced) > _SHOWN_UNPLACED else ""
    )
    click.echo(
        f"{len(frame):,} visits proposed for {name}, {span}; {len(unplaced):,} clients due "
        "did not fit" + (f": {listed}" if unplaced else "")
    )


@plan.command(name="show")
@with_db
@click.option("--rm", "rm_name", required=True, help="Whose visits (user name).")
@click.option("--from", "from_", type=DATE, help="First day (default: today).")
@click.option("--to", type=DATE, help="Last day (default: no limit).")
@guarded
def plan_show(
    db: Database, rm_name: str, from_: dt.datetime | None, to: dt.datetime | None
) -> None:
    """An RM's visits in every status, day by day in route order."""
    from rmdesk.services.visits.screen import rm_visits

    rm_id = named_rm(db, rm_name)
    first = date_of(from_) or dt.date.today()
    last = date_of(to)
    if last is not None:
        _span(first, last)
    frame = rm_visits(db.engine, rm_id, start=first, end=last, who=operator(db))
    visits = list(frame.itertuples())
    span = f"{first} to {last}" if last else f"from {first}"
    if not visits:
        click.echo(f"no visits for {rm_name}, {span}")
        return
    print_table(
        ["visit", "date", "slot", "status", "district", "client", "name", "purpose"],
        [
            [
                str(v.visit_id),
                day_text(v.planned_on),
                str(v.slot),
                str(v.status),
                str(v.district or "-"),
                str(v.external_id),
                str(v.name),
                str(v.purpose or "-"),
            ]
            for v in visits
        ],
    )
    counts: dict[str, int] = {}
    for v in visits:
        counts[str(v.status)] = counts.get(str(v.status), 0) + 1
    parts = ", ".join(f"{n:,} {status}" for status, n in counts.items())
    click.echo(f"{len(visits):,} visits for {rm_name}, {span}: {parts}")


@plan.command(name="accept")
@with_db
@click.argument("visit_id", type=int)
@click.option("--user", "username", required=True, help="Who does it (user name).")
@guarded
def plan_accept(db: Database, visit_id: int, username: str) -> None:
    """Take a proposed visit into the plan (proposed → planned)."""
    from rmdesk.services.visits import actions as visit_actions

    who = acting(db, username)
    version = _current_version(db, visit_id, who)
    with _refusals():
        new = visit_actions.accept(db.engine, visit_id, version=version, who=who)
    click.echo(f"visit {visit_id}: planned (version {new})")


@plan.command(name="move")
@with_db
@click.argument("visit_id", type=int)
@click.option("--user", "username", required=True, help="Who does it (user name).")
@click.option("--to", "to", type=DATE, required=True, help="The new day (today or later).")
@guarded
def plan_move(db: Database, visit_id: int, username: str, to: dt.datetime) -> None:
    """Move a proposed or planned visit to another day.

    The visit becomes planned and goes last in that day's route.
    """
    from rmdesk.services.visits import actions as visit_actions

    who = acting(db, username)
    version = _current_version(db, visit_id, who)
    with _refusals():
        new = visit_actions.move(
            db.engine,
            visit_id,
            to.date(),
            version=version,
            who=who,
        )
    click.echo(f"visit {visit_id}: planned on {to.date()} (version {new})")


@plan.command(name="cancel")
@with_db
@click.argument("visit_id", type=int)
@click.option("--user", "username", required=True, help="Who does it (user name).")
@click.option("--reason", required=True, help="Why the visit is cancelled (kept in its notes).")
@guarded
def plan_cancel(db: Database, visit_id: int, username: str, reason: str) -> None:
    """Cancel a proposed or planned visit."""
    from rmdesk.services.visits import actions as visit_actions

    who = acting(db, username)
    version = _current_version(db, visit_id, who)
    with _refusals():
        new = visit_actions.cancel(
            db.engine,
            visit_id,
            version=version,
            reason=reason,
            who=who,
        )
    click.echo(f"visit {visit_id}: cancelled (version {new})")


@plan.command(name="complete")
@with_db
@click.argument("visit_id", type=int)
@click.option("--user", "username", required=True, help="Who made the visit (user name).")
@click.option("--outcome", required=True, help="What came of it, in a few words.")
@click.option("--notes")
@click.option("--next-step")
@click.option("--follow-up", type=DATE, help="Plan a follow-up visit on this day.")
@guarded
def plan_complete(
    db: Database,
    visit_id: int,
    username: str,
    outcome: str,
    notes: str | None,
    next_step: str | None,
    follow_up: dt.datetime | None,
) -> None:
    """Record a visit as done, with its outcome and a follow-up.

    It also writes a contact to the client's history and, with --follow-up, plans a visit.
    """
    from rmdesk.services.visits import actions as visit_actions

    who = acting(db, username)
    version = _current_version(db, visit_id, who)
    with _refusals():
        done = visit_actions.complete(
            db.engine,
            visit_id,
            version=version,
            outcome=outcome,
            notes=notes,
            next_step=next_step,
            follow_up_on=date_of(follow_up),
            who=who,
        )
    message = f"visit {visit_id}: done (version {done.version}), contact {done.interaction_id}"
    if done.follow_up_visit_id is not None:
        message += f"; follow-up visit {done.follow_up_visit_id} planned on {date_of(follow_up)}"
    click.echo(message)


@plan.command(name="ics")
@with_db
@click.option("--rm", "rm_name", required=True, help="Whose visits (user name).")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="The .ics file."
)
@click.option("--from", "from_", type=DATE, help="First day (default: today).")
@click.option(
    "--to", type=DATE, help="Last day (default: the plan_weeks parameter's weeks from --from)."
)
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--include-proposed", is_flag=True, help="Also proposed visits, as tentative.")
@guarded
def plan_ics(
    db: Database,
    rm_name: str,
    output: Path,
    from_: dt.datetime | None,
    to: dt.datetime | None,
    language: str,
    include_proposed: bool,
) -> None:
    """Write an RM's planned visits to an .ics calendar file.

    Outlook, WPS and phones read it; importing it again updates moved visits.
    """
    from rmdesk.services.common import parameters
    from rmdesk.services.visits.calendar import export_ics

    rm_id = named_rm(db, rm_name)
    first = date_of(from_) or dt.date.today()
    weeks = parameters.load(db.engine).plan_weeks
    last = date_of(to) or first + dt.timedelta(days=7 * weeks - 1)
    _span(first, last)
    try:
        events = export_ics(
            db.engine,
            rm_id,
            output,
            start=first,
            end=last,
            language=language,
            include_proposed=include_proposed,
            always_mask_phones=always_mask_phones(),
            who=operator(db),
        )
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", EXIT_ERROR)
    visits = "visit" if events == 1 else "visits"
    click.echo(f"{events:,} {visits} of {rm_name}, {first} to {last}, written to {output}")


@plan.command(name="overdue")
@with_db
@click.option("--rm", "rm_name", help="This RM's clients (user name).")
@click.option("--branch", help="This branch's clients (code).")
@click.option("--today", type=DATE, help="The day to count from (default: today).")
@guarded
def plan_overdue(
    db: Database, rm_name: str | None, branch: str | None, today: dt.datetime | None
) -> None:
    """Clients overdue for contact, the most overdue first.

    A client is overdue when its last contact plus its tier's cadence is before --today.
    """
    from rmdesk.services.accounts import users
    from rmdesk.services.visits.planner import overdue_contacts

    if bool(rm_name) == bool(branch):
        fail("give either --rm USER or --branch CODE", EXIT_USAGE)
    day = date_of(today) or dt.date.today()
    rm_id = named_rm(db, rm_name) if rm_name else None
    branch_id = branch_of(db, branch) if branch else None
    frame = overdue_contacts(
        db.engine, rm_id=rm_id, branch_id=branch_id, today=day, who=operator(db)
    )
    whose = rm_name or f"branch {branch}"
    if frame.empty:
        click.echo(f"no client of {whose} is overdue for contact on {day}")
        return
    names = {
        str(uid): name
        for uid, name in users.usernames(
            db.engine, [int(i) for i in frame["rm_id"].dropna()], who=operator(db)
        ).items()
    }
    header = ["client", "name", "tier", "last contact", "due", "days overdue", "next visit"]
    if branch:
        header.insert(2, "rm")
    rows = []
    for r in frame.itertuples():
        row = [
            str(r.external_id),
            str(r.name),
            str(r.tier),
            day_text(r.last_contact),
            day_text(r.due_on),
            count_text(r.days_overdue),
            day_text(r.next_visit_on),
        ]
        if branch:
            row.insert(2, names.get(count_text(r.rm_id), "-"))
        rows.append(row)
    print_table(header, rows)
    never = int(frame["last_contact"].isna().sum())
    click.echo(
        f"{len(frame):,} clients of {whose} overdue for contact on {day} "
        f"({never:,} never contacted)"
    )
