"""rmdesk-cli commands for data in and out: imports and exports (docs/import-format.md,
docs/exports.md)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from rmdesk.cli.common import (
    EXIT_ERROR,
    EXIT_NOT_ALLOWED,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    Bar,
    acting,
    fail,
    guarded,
    named_rm,
    operator,
    print_counts,
    with_db,
)
from rmdesk.db import Database
from rmdesk.services.common.access import OPERATOR, AccessDenied


@click.command(name="import")
@with_db
@click.argument("kind", type=click.Choice(["berka", "bank-marketing", "generic"]))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--source", help="generic: a name for the system the extract comes from.")
@click.option(
    "--encoding",
    help="The files' encoding, e.g. cp1252 (default: UTF-8 or GBK/GB18030, when every line is).",
)
@click.option("--force", is_flag=True, help="Import even if these files were imported before.")
@click.option("--check", "check_only", is_flag=True, help="Check the files; write nothing.")
@click.option("--quiet", is_flag=True)
@guarded
def import_(
    db: Database,
    kind: str,
    path: Path,
    source: str | None,
    encoding: str | None,
    force: bool,
    check_only: bool,
    quiet: bool,
) -> None:
    """Import the Berka files, the UCI bank-marketing CSV, or a bank's own extracts."""
    from rmdesk.services.data.importing import check_input, run_import

    started = time.perf_counter()
    if check_only:
        data = check_input(
            db.engine, kind, path, source=source, encoding=encoding, who=operator(db)
        )
        for warning in data.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(
            f"{path}: no problems found; it would import "
            + ", ".join(f"{v:,} {k}" for k, v in data.counts().items() if v)
        )
        return
    bar = Bar(quiet)
    result = run_import(
        db.engine,
        kind,
        path,
        source=source,
        encoding=encoding,
        force=force,
        progress=bar,
        who=operator(db),
    )
    bar.close()
    if result.skipped:
        click.echo(result.message)
        return
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    print_counts(result.counts, time.perf_counter() - started)


@click.command()
@with_db
@click.argument("name")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (default: NAME.csv or NAME.xlsx here).",
)
@click.option("--table", "raw", is_flag=True, help="Export the table NAME as stored, not a report.")
@click.option("--branch", help="Reports: only this branch (code).")
@click.option("--rm", "rm_name", help="Reports: only this RM's clients (user name).")
@click.option("--period", help="scorecards: the month (2026-10) or quarter (2026Q3).")
@click.option(
    "--unmasked",
    is_flag=True,
    help="Write ID, account and phone numbers in full (administrators only; audited).",
)
@click.option(
    "--user",
    "username",
    default=OPERATOR.username,
    show_default=True,
    help="Export as this user, with their reach (audited).",
)
@click.option("--quiet", is_flag=True)
@guarded
def export(
    db: Database,
    name: str,
    fmt: str,
    output: Path | None,
    raw: bool,
    branch: str | None,
    rm_name: str | None,
    period: str | None,
    unmasked: bool,
    username: str,
    quiet: bool,
) -> None:
    """Export a report (suggestions, flags, contribution, scorecards) or any table.

    Reports have stable columns, documented in docs/exports.md. Any other NAME, or --table,
    exports that table as stored (see `rmdesk-cli info` for the tables). ID, account and phone
    numbers are masked unless --unmasked is given by an administrator.
    """
    from rmdesk.services.accounts import users
    from rmdesk.services.data.exporting import ExportError, export_table
    from rmdesk.services.data.reports import REPORTS, Scope, export_report

    who = acting(db, username)
    output = output or Path(f"{name}.{fmt}")
    bar = Bar(quiet)
    try:
        if name in REPORTS and not raw:
            scope = Scope(
                branch_id=users.branch_id(db.engine, branch, who=operator(db)) if branch else None,
                rm_id=named_rm(db, rm_name) if rm_name else None,
            )
            rows = export_report(
                db.engine,
                name,
                fmt,
                output,
                scope=scope,
                period=period,
                unmasked=unmasked,
                progress=bar,
                who=who,
            )
        else:
            rows = export_table(
                db.engine, name, fmt, output, unmasked=unmasked, progress=bar, who=who
            )
    except (ExportError, users.UserError) as exc:
        fail(str(exc), EXIT_NOT_FOUND if "no " in str(exc) else EXIT_USAGE)
    except AccessDenied as exc:  # a PermissionError, so before OSError: a refusal, exit 6
        if unmasked and not who.is_admin:
            fail(
                f"not allowed: only an administrator exports unmasked ({exc.en})", EXIT_NOT_ALLOWED
            )
        raise
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", EXIT_ERROR)
    bar.close()
    how = " with ID, account and phone numbers unmasked" if unmasked else ""
    click.echo(f"{rows:,} rows of {name} written to {output}{how}")
