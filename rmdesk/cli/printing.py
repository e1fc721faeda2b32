"""rmdesk-cli's printed output as PDF: a client's brief, an RM's visit-day pack, scorecard reports.

The layouts and what each document holds are in docs/briefs.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rmdesk.cli.common import (
    DATE,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    acting,
    always_mask_phones,
    branch_of,
    clients_named,
    fail,
    guarded,
    named_rm,
    period_of,
    with_db,
)
from rmdesk.db import Database

if TYPE_CHECKING:
    pass


def _pdf(path: Path) -> Path:
    if path.suffix.lower() != ".pdf":
        fail(f"{path}: the output is a PDF; give a file name ending in .pdf", EXIT_USAGE)
    if not path.parent.is_dir():
        fail(f"{path.parent}: no such folder", EXIT_NOT_FOUND)
    return path


def _pages(n: int) -> str:
    return f"{n} page{'s' if n != 1 else ''}"


#: the options every printing command takes
language = click.option(
    "--language", type=click.Choice(["zh_CN", "en"]), default="zh_CN", show_default=True
)
as_user = click.option(
    "--user",
    "username",
    default="cli",
    show_default=True,
    help="Print as this user, with their reach (audited).",
)


@click.command()
@with_db
@click.argument("clients", metavar="CLIENT...", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="PDF file to write; with several clients, the folder to write them in.",
)
@language
@click.option("--visit-date", type=DATE, help="The visit the brief is for (one client).")
@click.option("--purpose", help="The visit's purpose, printed in the header (one client).")
@as_user
@click.option("--quiet", is_flag=True, help="No progress bar.")
@guarded
def brief(
    db: Database,
    clients: tuple[str, ...],
    output: Path | None,
    language: str,
    visit_date: dt.datetime | None,
    purpose: str | None,
    username: str,
    quiet: bool,
) -> None:
    """Print clients' visit briefs to PDF (CLIENT is the client's id in its source, or
    SOURCE:ID when the id is in several sources).

    One client: one file (-o, default brief-CLIENT.pdf). Several: one file each, named
    brief-CLIENT.pdf, in the folder -o (default: here), laid out by several processes.
    """
    from rmdesk.services.printing.brief import BriefError, write_brief

    found = clients_named(db, clients)
    if len(found) > 1:
        _many(db, [ref.id for ref in found.values()], output or Path(), language, username, quiet)
        return
    client = next(iter(found))
    path = _pdf(output or Path(f"brief-{client.replace(':', '-')}.pdf"))
    try:
        pages = write_brief(
            db.engine,
            found[client].id,
            path,
            language=language,
            visit_on=visit_date.date() if visit_date else None,
            purpose=purpose,
            always_mask_phones=always_mask_phones(),
            who=acting(db, username),
        )
    except BriefError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    click.echo(f"{path}: {_pages(pages)}")


def _many(
    db: Database, ids: list[int], folder: Path, language: str, username: str, quiet: bool
) -> None:
    from rmdesk.cli.common import Bar
    from rmdesk.services.printing.brief import BriefError
    from rmdesk.services.printing.brief_batch import write_briefs

    if not folder.is_dir():
        fail(f"{folder}: with several clients, -o names an existing folder", EXIT_USAGE)
    bar = Bar(quiet)
    try:
        written = write_briefs(
            db.engine,
            ids,
            folder,
            language=language,
            progress=bar,
            always_mask_phones=always_mask_phones(),
            who=acting(db, username),
        )
    except BriefError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    finally:
        bar.close()
    pages = sum(n for _, n in written.values())
    click.echo(f"{folder}: {len(written)} briefs, {_pages(pages)}")


@click.command()
@with_db
@click.option("--rm", "rm", required=True, help="The RM whose visits to print (user name).")
@click.option("--date", "on", type=DATE, required=True, help="The day of the visits.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="PDF file to write.")
@language
@as_user
@guarded
def briefs(
    db: Database, rm: str, on: dt.datetime, output: Path | None, language: str, username: str
) -> None:
    """Print an RM's visit-day pack: a cover listing the day's visits in route order, then
    each client's brief, with a bookmark per client."""
    from rmdesk.services.printing.day_pack import DayPackError, write_day_pack

    rm_id = named_rm(db, rm)
    path = _pdf(output or Path(f"visits-{rm}-{on.date().isoformat()}.pdf"))
    try:
        pack = write_day_pack(
            db.engine,
            rm_id,
            on.date(),
            path,
            language=language,
            always_mask_phones=always_mask_phones(),
            who=acting(db, username),
        )
    except DayPackError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    click.echo(f"{path}: {len(pack.visits)} visits, {_pages(pack.pages)}")
    for number, v in enumerate(pack.visits, 1):
        click.echo(f"  {number}. {v.time:%H:%M}  {v.external_id}  {v.name}  {v.district}")


@click.command(name="scorecard-report")
@with_db
@click.option("--branch", required=True, help="The branch (its code).")
@click.option("--period", help="Month (2026-10) or quarter (2026Q3); default: last month.")
@click.option("--rm", "rm", help="Only this RM's page (user name); default: the branch report.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="PDF file to write.")
@language
@as_user
@guarded
def scorecard_report(
    db: Database,
    branch: str,
    period: str | None,
    rm: str | None,
    output: Path | None,
    language: str,
    username: str,
) -> None:
    """Print a branch's scorecard report (ranking, KPI attainment, charts, a page per RM), or
    with --rm one RM's page."""
    from rmdesk.services.printing.scorecard_report import ReportError, write_report

    branch_id = branch_of(db, branch)
    when = period_of(period)
    rm_id = named_rm(db, rm) if rm else None
    name = f"scorecard-{branch}-{when}" + (f"-{rm}" if rm else "")
    path = _pdf(output or Path(f"{name}.pdf"))
    try:
        pages = write_report(
            db.engine,
            branch_id,
            when,
            path,
            language=language,
            rm_id=rm_id,
            who=acting(db, username),
        )
    except ReportError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    click.echo(f"{path}: {_pages(pages)}")
