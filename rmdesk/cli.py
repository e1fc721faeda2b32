"""rmdesk-cli: headless administration and batch work on an rmdesk database.

Every command takes ``--db URL`` (else $RMDESK_DATABASE_URL, the settings, the local file).
Exit codes, for scripts: 0 done; 1 unexpected error; 2 bad usage; 3 input rejected (nothing
written); 4 database cannot be opened or migrated; 5 no such table or user (or a closed
account, or ``--rm`` naming someone who is not an RM); 6 not allowed (``--user`` names someone
who may not do it); 130 cancelled.

The command line acts with an administrator's reach (whoever runs it holds the database's
credentials); commands with ``--user NAME`` act as that user, with that user's reach, and are
audited under that name. Every name given for a person (``--user``, ``--rm``, ``unlock USER``) is
resolved by ``person``: it must exist and be active.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from rmdesk import __version__, secrets
from rmdesk.db import Database, DatabaseError, open_database, resolve_url
from rmdesk.services.common.access import OPERATOR, AccessDenied, Account
from rmdesk.settings import SettingsError, config_path, load, local_database_url

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_REJECTED, EXIT_DATABASE, EXIT_NOT_FOUND = 0, 1, 2, 3, 4, 5
EXIT_NOT_ALLOWED = 6
EXIT_CANCELLED = 130

F = TypeVar("F", bound=Callable[..., Any])


class Bar:
    """A progress bar on stderr: redrawn in place on a terminal, a line per step otherwise."""

    def __init__(self, quiet: bool = False) -> None:
        self.tty = sys.stderr.isatty()
        self.quiet = quiet
        self.step = ""
        self.last = 0.0
        self.started = time.perf_counter()

    def report(self, done: int, total: int, text: str = "") -> None:
        if self.quiet:
            return
        if text != self.step:
            if self.tty and self.step:
                click.echo("", err=True)
            self.step = text
            self.started = time.perf_counter()
            if not self.tty:
                click.echo(f"  {text} ...", err=True)
        now = time.perf_counter()
        if not self.tty or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = 30
        share = min(1.0, done / total) if total else 0.0
        filled = int(share * width)
        click.echo(
            f"\r  {text:<16} [{'#' * filled}{'.' * (width - filled)}] {share:6.1%} "
            f"{done:,}/{total:,}",
            err=True,
            nl=False,
        )

    def cancelled(self) -> bool:
        return False

    def close(self) -> None:
        if self.tty and self.step and not self.quiet:
            click.echo("", err=True)


def fail(message: str, code: int) -> None:
    click.echo(f"rmdesk-cli: {message}", err=True)
    raise SystemExit(code)


def with_db(func: F) -> F:
    """Adds --db and opens (and migrates) the database before the command runs."""

    @click.option("--db", "db_url", metavar="URL", help="Database URL or SQLite file path.")
    @functools.wraps(func)
    def wrapper(*args: Any, db_url: str | None = None, **kwargs: Any) -> Any:
        try:
            settings = load()
        except SettingsError as exc:
            fail(str(exc), EXIT_ERROR)
        try:
            url = resolve_url(
                db_url, settings.database_url, local_database_url, settings_file=config_path()
            )
            db = open_database(secrets.recall(url))  # a kept password from the keyring
        except DatabaseError as exc:  # BadUrl too: a malformed URL, named with where it came from
            fail(str(exc), EXIT_DATABASE)
        try:
            return func(*args, db=db, **kwargs)
        finally:
            db.dispose()

    return wrapper  # type: ignore[return-value]  # same signature as func, for click


_operators: dict[int, Account] = {}


def operator(db: Database) -> Account:
    """Who the command line acts as when no ``--user`` is given: on a person's own PostgreSQL
    login, that person (the server has said who they are); else the operator (``cli``), who
    holds the database's own credentials and so an administrator's reach."""
    from rmdesk.services.accounts.users import session_account

    if id(db) not in _operators:
        _operators[id(db)] = session_account(db.engine) or OPERATOR
    return _operators[id(db)]


def person(db: Database, username: str, option: str = "--user", *, rm: bool = False) -> Account:
    """The user a command names (``option`` says where, for the message): they must exist and
    be active, and with ``rm`` be a relationship manager; otherwise exit 5 naming them. Every
    name rmdesk-cli takes for a person comes through here."""
    from sqlalchemy import select

    from rmdesk.models import Role, User
    from rmdesk.services.accounts.users import account

    with db.engine.connect() as conn:
        row = conn.execute(
            select(User.id, User.role, User.active).where(User.username == username)
        ).first()
    if row is None:
        fail(f"no user {username!r} ({option})", EXIT_NOT_FOUND)
    assert row is not None
    if not row.active:
        fail(
            f"the account {username!r} is closed ({option}); a closed account cannot act or be "
            "acted for",
            EXIT_NOT_FOUND,
        )
    if rm and Role(row.role) != Role.RM:
        fail(
            f"{username!r} is not a relationship manager ({option}; role {Role(row.role).value})",
            EXIT_NOT_FOUND,
        )
    return account(db.engine, int(row.id))


def acting(db: Database, username: str) -> Account:
    """Who a command acts for (``--user``): the operator (``cli``), or the user named, with their
    reach; a name that does not exist or a closed account exits 5 (``person``). On a person's
    own database login, only that person."""
    own = operator(db)
    if own is not OPERATOR:
        if username in (OPERATOR.username, own.username):
            return own
        fail(
            f"not allowed: this database login is {own.username}'s; it cannot act as {username}",
            EXIT_NOT_ALLOWED,
        )
    if username == OPERATOR.username:
        return OPERATOR
    return person(db, username, "--user")


def named_rm(db: Database, username: str, option: str = "--rm") -> int:
    """The id of the RM a command is about (``--rm``): an active relationship manager."""
    return person(db, username, option, rm=True).id


def guarded(func: F) -> F:
    """Turns the errors a user can meet into a message and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from rmdesk.services.common.access import AccessDenied
        from rmdesk.services.common.progress import Cancelled
        from rmdesk.services.data.importing import ImportRejected

        try:
            return func(*args, **kwargs)
        except ImportRejected as exc:
            click.echo(exc.report(), err=True)
            fail(
                f"{exc.problems.total} problem(s) in the input; nothing was imported", EXIT_REJECTED
            )
        except AccessDenied as exc:
            fail(f"not allowed: {exc.en}", EXIT_NOT_ALLOWED)
        except (Cancelled, KeyboardInterrupt):
            fail("cancelled; nothing was written", EXIT_CANCELLED)
        except SystemExit:
            raise
        except Exception as exc:  # the last line of defence: a message, not a traceback
            if os.environ.get("RMDESK_DEBUG"):
                raise
            from sqlalchemy.exc import SQLAlchemyError

            if isinstance(exc, SQLAlchemyError):
                fail(f"database error: {getattr(exc, 'orig', exc)}", EXIT_DATABASE)
            fail(f"{exc.__class__.__name__}: {exc} (set RMDESK_DEBUG=1 for details)", EXIT_ERROR)

    return wrapper  # type: ignore[return-value]  # same signature as func, for click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rmdesk-cli")
def main() -> None:
    """rmdesk: the relationship manager's workstation, from the command line."""


@main.command()
@with_db
@click.option(
    "--admin",
    "admin_name",
    default="admin",
    show_default=True,
    help="User name of the first administrator.",
)
@click.option(
    "--admin-password",
    envvar="RMDESK_ADMIN_PASSWORD",
    help="Password for the first administrator (asked for if not given).",
)
@guarded
def init(db: Database, admin_name: str, admin_password: str | None) -> None:
    """Create or upgrade the database schema and make sure an administrator exists."""
    from rmdesk.services.accounts import users

    click.echo(f"database {db.display_url}: schema up to date")
    if db.backup:
        click.echo(f"backup of the previous file: {db.backup}")
    if users.has_admin(db.engine):
        click.echo("an administrator exists")
        return
    password = _password(
        admin_password,
        f"password for {admin_name}",
        "no administrator yet: give --admin-password or RMDESK_ADMIN_PASSWORD",
    )
    try:
        users.create_admin(db.engine, admin_name, password, who=operator(db))
    except users.UserError as exc:
        fail(str(exc), EXIT_USAGE)
    click.echo(f"administrator {admin_name!r} created")


@main.command()
@with_db
@click.option("--clients", default=10_000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option(
    "--language",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Names and places in Chinese or English.",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Business date (default: the end of last month).",
)
@click.option("--quiet", is_flag=True)
@guarded
def demo(
    db: Database, clients: int, seed: int, language: str, as_of: dt.datetime | None, quiet: bool
) -> None:
    """Fill an empty database with the demo bank (deterministic for a seed and date).

    A database that holds any user or client is refused (exit 3): the demo users' password
    is published.
    """
    from rmdesk.services.data.demo_bank import DemoSpec, NotEmpty, build

    spec = DemoSpec(
        clients=clients, seed=seed, language=language, as_of=as_of.date() if as_of else None
    )
    bar = Bar(quiet)
    started = time.perf_counter()
    try:
        result = build(db.engine, spec, empty_only=True, progress=bar, who=operator(db))
    except NotEmpty as exc:
        fail(
            f"{exc}; give --db a new file or an empty database. Nothing was written", EXIT_REJECTED
        )
    bar.close()
    _print_counts(result.counts, time.perf_counter() - started)


@main.command(name="import")
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
    _print_counts(result.counts, time.perf_counter() - started)


@main.command()
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


@main.command()
@with_db
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@guarded
def info(db: Database, as_json: bool) -> None:
    """Show the database, its schema version and what it holds."""
    from rmdesk.services.admin.database_info import describe

    d = describe(db)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "url": d.url,
                    "dialect": d.dialect,
                    "schema_version": d.schema_version,
                    "schema_head": d.schema_head,
                    "counts": d.counts,
                    "meta": d.meta,
                    "imports": d.imports,
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
        return
    click.echo(f"database:       {d.url} ({d.dialect})")
    state = "up to date" if d.up_to_date else f"behind (head {d.schema_head})"
    click.echo(f"schema version: {d.schema_version} ({state})")
    if "as_of" in d.meta:
        click.echo(f"as of:          {d.meta['as_of']} (from {d.meta.get('as_of_source', '?')})")
    click.echo("rows:")
    for name, count in d.counts.items():
        click.echo(f"  {name:<22}{count:>12,}")
    if d.imports:
        click.echo("last imports:")
        for b in d.imports:
            click.echo(f"  #{b['id']} {b['source']:<16} {b['finished_at'][:19]}  {b['path']}")


@main.command()
@with_db
@click.argument("username")
@click.option("--password", envvar="RMDESK_NEW_PASSWORD", help="The new password.")
@guarded
def passwd(db: Database, username: str, password: str | None) -> None:
    """Set a user's password (imported RMs have none until one is set)."""
    from rmdesk.services.accounts import users

    new = _password(
        password, f"new password for {username}", "give --password or RMDESK_NEW_PASSWORD"
    )
    try:
        users.set_password(db.engine, username, new, who=operator(db))
    except users.UserError as exc:
        fail(str(exc), EXIT_NOT_FOUND if "no user" in str(exc) else EXIT_USAGE)
    click.echo(f"password of {username} set")


def _password(given: str | None, prompt: str, missing: str) -> str:
    """The password given, else asked for twice at a terminal; a script must give it."""
    if given is not None:
        return given
    if not sys.stdin.isatty():
        fail(missing, EXIT_USAGE)
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))


def _print_counts(counts: dict[str, int], seconds: float) -> None:
    parts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items() if v)
    click.echo(f"done in {seconds:.1f} s: {parts}")


# The engine's, the planner's and the scorecards' commands live in their own modules and
# register themselves on ``main`` when imported, which must come after ``main``.
from rmdesk import cli_engine, cli_plan, cli_print, cli_safety, cli_scorecard  # noqa: E402, F401

if __name__ == "__main__":  # pragma: no cover
    main()
