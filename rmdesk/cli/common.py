"""What every rmdesk-cli command shares: --db, who acts, exit codes, errors as messages.

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
import os
import sys
import time
import unicodedata
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from rmdesk import secrets
from rmdesk.db import Database, DatabaseError, database_error, open_database, resolve_url
from rmdesk.services.common.access import OPERATOR, AccessDenied, Account
from rmdesk.settings import SettingsError, config_path, load, local_database_url

if TYPE_CHECKING:
    from rmdesk.services.branch.scorecard import Period
    from rmdesk.services.clients.ids import ClientRef

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


DATE = click.DateTime(["%Y-%m-%d"])


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


def always_mask_phones() -> bool:
    """This computer's settings mask phone numbers on paper whatever the bank's parameter says
    (IT's ``print_masking``); read after ``with_db`` has read the settings once."""
    try:
        return load().mask_phones_on_paper
    except SettingsError as exc:
        fail(str(exc), EXIT_ERROR)
        raise  # not reached: fail exits


#: who each open database's login is, asked once per engine and forgotten with it (an id() key
#: would be reused by the next database opened after one is freed, and hand it a stale person)
_operators: weakref.WeakKeyDictionary[Any, Account] = weakref.WeakKeyDictionary()


def operator(db: Database) -> Account:
    """Who the command line acts as when no ``--user`` is given: on a person's own PostgreSQL
    login, that person (the server has said who they are); else the operator (``cli``), who
    holds the database's own credentials and so an administrator's reach."""
    from rmdesk.services.accounts.users import session_account

    known = _operators.get(db.engine)
    if known is None:
        known = _operators[db.engine] = session_account(db.engine) or OPERATOR
    return known


def person(db: Database, username: str, option: str = "--user", *, rm: bool = False) -> Account:
    """The user a command names (``option`` says where, for the message): they must exist and
    be active, and with ``rm`` be a relationship manager; otherwise exit 5 naming them. Every
    name rmdesk-cli takes for a person comes through here."""
    from rmdesk.services.accounts import users

    row = users.person(db.engine, username, who=operator(db))
    if row is None:
        fail(f"no user {username!r} ({option})", EXIT_NOT_FOUND)
    assert row is not None
    if not row.active:
        fail(
            f"the account {username!r} is closed ({option}); a closed account cannot act or be "
            "acted for",
            EXIT_NOT_FOUND,
        )
    if rm and row.role != "rm":
        fail(
            f"{username!r} is not a relationship manager ({option}; role {row.role})",
            EXIT_NOT_FOUND,
        )
    return users.account(db.engine, row.id)


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
            said = database_error(exc)
            if said is not None:
                fail(f"database error: {said}", EXIT_DATABASE)
            fail(f"{exc.__class__.__name__}: {exc} (set RMDESK_DEBUG=1 for details)", EXIT_ERROR)

    return wrapper  # type: ignore[return-value]  # same signature as func, for click


def ask_password(given: str | None, prompt: str, missing: str) -> str:
    """The password given, else asked for twice at a terminal; a script must give it."""
    if given is not None:
        return given
    if not sys.stdin.isatty():
        fail(missing, EXIT_USAGE)
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))


def print_counts(counts: dict[str, int], seconds: float) -> None:
    parts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items() if v)
    click.echo(f"done in {seconds:.1f} s: {parts}")


def date_of(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def day_text(value: Any) -> str:
    """A date, datetime or pandas Timestamp as YYYY-MM-DD; a missing one as '-'."""
    import pandas as pd

    if value is None or pd.isna(value):
        return "-"
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value.isoformat())


def count_text(value: Any) -> str:
    """A count that may be missing (pandas' NA) as text; a missing one as '-'."""
    import pandas as pd

    return "-" if value is None or pd.isna(value) else str(int(value))


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(text_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [cell + " " * (w - text_width(cell)) for cell, w in zip(row, widths, strict=True)]
        click.echo("  ".join(cells).rstrip())


def branch_of(db: Database, code: str) -> int:
    from rmdesk.services.accounts import users

    try:
        found = users.branch_id(db.engine, code, who=operator(db))
    except users.UserError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    return found


def period_of(text: str | None) -> Period:
    from rmdesk.services.branch.scorecard import Period

    if not text:
        last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        return Period.containing(last_month)
    try:
        return Period.parse(text)
    except ValueError as exc:
        fail(f"--period: {exc}", EXIT_USAGE)
    raise AssertionError  # fail() does not return


def clients_named(db: Database, written: Sequence[str]) -> dict[str, ClientRef]:
    """The clients named on the command line: exit 5 for an id that is not there, 2 for one
    in several sources (the message says how to write each)."""
    from rmdesk.services.clients.ids import ClientIdError, find_clients

    try:
        found = find_clients(db.engine, written, who=operator(db))
    except ClientIdError as exc:
        fail(str(exc), EXIT_USAGE if exc.ambiguous else EXIT_NOT_FOUND)
    return found
