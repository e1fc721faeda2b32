"""Trying a database before the app is pointed at it: can it be reached, and what schema is in it.

The administrator's connection screen calls ``check_connection`` off the GUI thread. It connects
once with a short time-out, reads the server version and the schema revision, and changes
nothing: no migration, no tables, and no new SQLite file (rmdesk creates that at its next start).
Failures come back as a report with a ``problem`` code and the driver's words, never an exception.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, inspect, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from rmdesk.db import (
    ENV_URL,
    MIGRATIONS_DIR,
    BadUrl,
    check_url,
    head_revision,
    hide_password,
    normalise_url,
    redact,
)

#: Seconds to wait for a PostgreSQL server before giving up.
CONNECT_TIMEOUT = 5

# What went wrong, as codes a screen can put into the user's language.
BAD_URL = "bad_url"
UNSUPPORTED = "unsupported"
UNREACHABLE = "unreachable"
TIMEOUT = "timeout"
LOGIN = "login"
NO_DATABASE = "no_database"
NOT_A_DATABASE = "not_a_database"
OTHER = "other"


class UrlError(ValueError):
    """The text is not a database rmdesk can use; the message says why, ``code`` what."""

    def __init__(self, message: str, code: str = BAD_URL) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ConnectionReport:
    """What one connection attempt found. ``url`` never shows a password."""

    url: str
    backend: str = ""
    ok: bool = False
    #: e.g. "15.4" for PostgreSQL, the SQLite library's version for a file
    server_version: str = ""
    #: the Alembic revision stored in the database; None for a new, empty database
    schema_revision: str | None = None
    schema_head: str = ""
    #: the revision is one this version of rmdesk knows (False: made by a newer rmdesk)
    revision_known: bool = True
    #: tables in the database (a non-rmdesk database has tables but no revision)
    tables: int = 0
    #: a SQLite file that does not exist yet (rmdesk creates it at the next start)
    new_file: bool = False
    #: one of the codes above when ``ok`` is False
    problem: str = ""
    #: the driver's own words for the failure, whitespace collapsed
    detail: str = ""

    @property
    def up_to_date(self) -> bool:
        return self.ok and self.schema_revision == self.schema_head

    @property
    def needs_migration(self) -> bool:
        """rmdesk will create or upgrade the schema when it next opens this database."""
        return self.ok and self.revision_known and self.schema_revision != self.schema_head

    @property
    def newer_schema(self) -> bool:
        """The schema was made by a newer rmdesk: this version cannot use it."""
        return self.ok and not self.revision_known

    @property
    def foreign(self) -> bool:
        """It has tables but none of rmdesk's schema history: probably another program's."""
        return self.ok and self.schema_revision is None and self.tables > 0


def parse_url(text: str) -> str:
    """The URL rmdesk would use for ``text`` (a PostgreSQL URL or a SQLite file path).

    Raises ``UrlError`` for empty text, text that is not a URL, or a database rmdesk does not
    support: the check is ``db.check_url``, the one both programs make at start.
    """
    try:
        return check_url(text)
    except BadUrl as exc:
        raise UrlError(str(exc), exc.code) from exc


def safe_display(text: str) -> str:
    """``text`` as a URL with any password hidden, for showing; the text itself if not a URL."""
    try:
        return redact(normalise_url(text))
    except (ArgumentError, ValueError):  # not even a URL: still hide what looks like a password
        return hide_password(text)


def overridden_by_environment() -> str | None:
    """The database given by ``RMDESK_DATABASE_URL``, which wins over the saved setting."""
    value = os.environ.get(ENV_URL)
    return safe_display(value) if value else None


def check_connection(text: str, *, timeout: int = CONNECT_TIMEOUT) -> ConnectionReport:
    """Connect to the database ``text`` names, read its version and schema; change nothing."""
    head = head_revision()
    try:
        url = parse_url(text)
    except UrlError as exc:
        return ConnectionReport(
            safe_display(text), problem=exc.code, detail=str(exc), schema_head=head
        )
    parsed = make_url(url)
    shown = redact(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and _missing_file(parsed):
        return ConnectionReport(shown, backend, ok=True, schema_head=head, new_file=True)
    connect_args: dict[str, object] = {}
    if backend == "postgresql":
        connect_args["connect_timeout"] = timeout
    else:
        connect_args["timeout"] = timeout  # seconds to wait for a locked file
    engine = create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    try:
        with engine.connect() as conn:
            info = conn.dialect.server_version_info or ()
            version = ".".join(str(part) for part in info)
            revision = MigrationContext.configure(conn).get_current_revision()
            tables = len(inspect(conn).get_table_names())
    except SQLAlchemyError as exc:
        words = _words(exc)
        return ConnectionReport(
            shown, backend, problem=_classify(words), detail=words, schema_head=head
        )
    finally:
        engine.dispose()
    return ConnectionReport(
        shown,
        backend,
        ok=True,
        server_version=version,
        schema_revision=revision,
        schema_head=head,
        revision_known=revision is None or _known(revision),
        tables=tables,
    )


def _missing_file(url: URL) -> bool:
    database = url.database or ""
    return database != ":memory:" and not Path(database).exists()


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(revision) is not None
    except CommandError:  # a revision none of this version's migrations made
        return False


def _words(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc)
    return re.sub(r"\s+", " ", text).strip()


def _classify(words: str) -> str:
    lower = words.lower()
    if "timeout expired" in lower or "timed out" in lower:
        return TIMEOUT
    if "password authentication failed" in lower or "no password supplied" in lower:
        return LOGIN
    if re.search(r'role ".*" does not exist', lower):
        return LOGIN
    if re.search(r'database ".*" does not exist', lower):
        return NO_DATABASE
    if "file is not a database" in lower:
        return NOT_A_DATABASE
    if (
        "connection refused" in lower
        or "could not translate host name" in lower
        or "name or service not known" in lower
        or "unable to open database file" in lower
        or "no route to host" in lower
    ):
        return UNREACHABLE
    return OTHER


def login_refused(exc: BaseException) -> bool:
    """Whether opening the database failed for want of the right password (so asking for one
    could help), from the exception or the database error it came from."""
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    words = _words(cause) if isinstance(cause, SQLAlchemyError) else str(cause)
    lower = words.lower()
    return "password authentication failed" in lower or "no password supplied" in lower
