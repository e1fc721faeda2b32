"""Opening the database: one code path for a local SQLite file and a shared PostgreSQL.

``open_database`` makes the engine (foreign keys and WAL on SQLite), backs up a SQLite file
before a migration, runs Alembic migrations to head, and hands back a session factory.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    any_,
    bindparam,
    create_engine,
    event,
    inspect,
    literal,
    make_url,
    text,
)
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from rmdesk import local_files, sqlite_backup

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: the newest migration's revision (a test checks it against Alembic's head). A database at this
#: revision opens without loading Alembic at all, which saves a second at every start.
SCHEMA_HEAD = "0015"
ENV_URL = "RMDESK_DATABASE_URL"
WRITE_OPTION = "rmdesk_writer"


class DatabaseError(Exception):
    """The database cannot be opened or migrated; the message is meant for a user."""


class BadUrl(DatabaseError):
    """A database URL rmdesk cannot use, whatever the server says: the message names where it
    came from and what is wrong, never its password. ``code`` is "bad_url" or "unsupported"."""

    def __init__(self, message: str, code: str = "bad_url") -> None:
        super().__init__(message)
        self.code = code


#: the databases and drivers rmdesk ships with, by backend
DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}
SUPPORTED = (
    "rmdesk works with PostgreSQL (postgresql://USER@HOST:PORT/DATABASE) "
    "or a SQLite file (its path, or sqlite:///PATH)"
)


def normalise_url(url: str) -> str:
    """Accept the URL forms people write and pick the driver rmdesk ships with (psycopg 3)."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if "://" not in url:  # a bare path means a SQLite file
        return "sqlite:///" + str(Path(url).expanduser().resolve())
    return url


def redact(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def hide_password(text: str) -> str:
    """``text`` with any password hidden, even when it is not a URL that can be read: all
    between "user:" and the last "@" goes (a password written with a bare "@" goes whole)."""
    return re.sub(r"(://[^:/@]*:).*@", r"\1***@", text.strip())


def check_url(text: str, origin: str = "") -> str:
    """``text`` as the URL rmdesk connects with (see ``normalise_url``), or ``BadUrl``.

    The one check of a database URL, for every way one is given (``--db``, the environment,
    the settings, the connection screen): ``origin`` says which, for the message ("given by
    --db", "in the settings file PATH"). Nothing is connected to or created.
    """
    where = f"The database URL {origin}" if origin else "The database URL"
    if not text.strip():
        raise BadUrl(f"{where} is empty; {SUPPORTED}")
    shown = hide_password(text)
    url = normalise_url(text)

    def bad(problem: str, code: str = "bad_url") -> BadUrl:
        return BadUrl(f"{where} ({shown}) {problem}", code)

    if "://" in text and not url.startswith("sqlite"):
        from urllib.parse import urlsplit

        try:
            _ = urlsplit(url).port  # reading the port checks it
        except ValueError as exc:
            raise bad(f"is not valid: {_split_problem(str(exc))}") from exc
    try:
        parsed = make_url(url)
    except ValueError as exc:  # SQLAlchemy reads an empty port as int("")
        raise bad("is not valid: the port must be a number") from exc
    except ArgumentError as exc:
        raise bad(f"is not a URL: {SUPPORTED}") from exc
    backend, _, driver = parsed.drivername.partition("+")
    if backend not in DRIVERS or (driver and driver != DRIVERS[backend]):
        raise bad(
            f"names {parsed.drivername!r}, which rmdesk cannot use; {SUPPORTED}", "unsupported"
        )
    if backend == "postgresql" and parsed.host and "@" in parsed.host:
        raise bad('is not valid: an "@" in the password must be written %40')
    if backend == "sqlite":
        _check_sqlite_file(parsed.database, bad)
    return url


def _split_problem(message: str) -> str:
    if "Port could not be cast" in message:
        given = message.rsplit(" as ", 1)[-1]
        return f"the port must be a number, not {given}"
    if "out of range" in message:
        return "the port must be a number from 1 to 65535"
    if "IPv6" in message:
        return "an IPv6 address must be written in brackets, e.g. [::1]:5432"
    return message


def _check_sqlite_file(database: str | None, bad: Callable[[str], BadUrl]) -> None:
    """A SQLite URL must name a file that is, or can be made, a database."""
    if not database or database == ":memory:":
        raise bad("names no file; give the path of the SQLite file")
    path = Path(database).expanduser()
    if path.is_dir():
        raise bad("is a folder, not a database file")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise bad(f"cannot be made: {parent} is a file, not a folder")
            break


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for an in-memory database or a URL of another kind."""
    if not is_sqlite(url):
        return None
    database = make_url(normalise_url(url)).database
    return Path(database) if database and database != ":memory:" else None


def database_name(url: str) -> str | None:
    """The database a URL names (PostgreSQL's database, SQLite's file), or None (also for a
    URL that cannot be read)."""
    try:
        return make_url(normalise_url(url)).database or None
    except ArgumentError:
        return None


def database_error(exc: BaseException) -> str | None:
    """What the database said, when ``exc`` is an error from it; else None."""
    from sqlalchemy.exc import SQLAlchemyError

    return str(getattr(exc, "orig", exc)) if isinstance(exc, SQLAlchemyError) else None


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # pysqlite's own transaction handling skips BEGIN before DDL and cannot take a write lock
    # up front; rmdesk turns it off and emits BEGIN itself (see _sqlite_on_begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # A writer that reads before it writes (ids, upserts) asks for the write lock at BEGIN,
    # so two writers queue on busy_timeout instead of failing half-way with "database is locked".
    mode = conn.get_execution_options().get(WRITE_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if mode else "BEGIN")


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    u = make_url(url)
    if is_sqlite(u):
        if u.database and u.database != ":memory:":  # owner-only folder and files
            local_files.prepare_database(Path(u.database))
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    # at most 8 connections, within the 10 a person's own login may hold (row_security.py)
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=3)


def among(conn: Connection, column: ColumnElement[Any], ids: Iterable[int]) -> ColumnElement[bool]:
    """``column IN ids``, for the thousands of ids of a batch.

    On PostgreSQL it is ``column = ANY(array)`` with one parameter: the driver parses every
    parameter of a statement, and with one per id that parsing costs more than the query. On
    SQLite the ids are written into the statement: it takes at most 32,766 parameters, fewer
    than the holdings of a few thousand clients may be.
    """
    values = [int(i) for i in ids]
    if conn.dialect.name == "postgresql":
        return column == any_(literal(values, ARRAY(BigInteger)))
    return written_in(column, values)


def written_in(column: ColumnElement[Any], ids: Iterable[int]) -> ColumnElement[bool]:
    """``column IN (1, 2, ...)`` with the ids written into the statement, on any database (for
    a statement built before its connection is known): no limit on their number, nothing for
    the driver to send one by one."""
    values = [int(i) for i in ids]
    return column.in_(bindparam("ids", values, expanding=True, literal_execute=True, unique=True))


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for a bulk writer: all of it is kept or none of it.

    On SQLite the write lock is taken at BEGIN. On PostgreSQL writers take their turn on the
    lock of the empty ``write_locks`` table: the owner's and administrators' writers (imports,
    scoring, the nightly run) in SHARE ROW EXCLUSIVE mode, one at a time and never beside a
    person's change; a person's own login in ROW EXCLUSIVE mode, beside other people's. Unlike
    an advisory lock, which any login may take and keep while it stays connected, a table lock
    lasts one transaction; and a writer gives up after ``LOCK_WAIT`` (``LOCK_WAIT_OWNER``)
    instead of waiting for ever on a session that holds it (docs/security.md).
    """
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                owns = _owns_writes(conn)
                wait = LOCK_WAIT_OWNER if owns else LOCK_WAIT
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{wait}'")
                mode = "SHARE ROW EXCLUSIVE" if owns else "ROW EXCLUSIVE"
                conn.exec_driver_sql(f"LOCK TABLE write_locks IN {mode} MODE")
            yield conn


#: how long a person's writer waits for a lock on PostgreSQL before it gives up with a message
LOCK_WAIT = "30s"
#: how long the owner's (the nightly run, imports) waits: long enough for the watchdog to end
#: a person's session that holds it up (pg-security watchdog, every minute)
LOCK_WAIT_OWNER = "5min"


def _owns_writes(conn: Connection) -> bool:
    """Whether this login writes the bank's data wholesale (the owner, an administrator):
    asked once per database connection."""
    key = "rmdesk_owns_writes"
    if key not in conn.info:
        conn.info[key] = bool(
            conn.exec_driver_sql("SELECT has_table_privilege('write_locks', 'UPDATE')").scalar()
        )
    return bool(conn.info[key])


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this version's schema revisions (an older one migrates)."""
    from alembic.script import ScriptDirectory

    return any(
        r.revision == revision for r in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()
    )


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema's revision as stored in alembic_version; None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return found[0] if len(found) == 1 else None


def backup_sqlite(engine: Engine, suffix: str) -> Path | None:
    """Copy a SQLite file beside it as ``NAME.SUFFIX-STAMP.bak`` (rmdesk.sqlite_backup: online,
    owner-only, checked before it is kept); returns the copy's path, None for no file."""
    path = engine.url.database
    if not path or path == ":memory:" or not Path(path).exists():
        return None
    stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    return sqlite_backup.copy_database(Path(path), Path(f"{path}.{suffix}-{stamp}.bak"))


def may_change_schema(engine: Engine) -> bool:
    """Whether this login may migrate: always on SQLite; on PostgreSQL, the schema's owner
    (it can create in the schema and write the version), never a person's own login."""
    if is_sqlite(engine.url):
        return True
    with engine.connect() as conn:
        return bool(
            conn.exec_driver_sql(
                "SELECT has_schema_privilege(current_schema(), 'CREATE') AND ("
                " to_regclass('alembic_version') IS NULL"
                " OR has_table_privilege('alembic_version', 'UPDATE'))"
            ).scalar()
        )


def migrate(engine: Engine, revision: str = "head") -> Path | None:
    """Bring the schema to ``revision``; a SQLite file is backed up first when anything changes.

    A login that may not change the schema (a person's own PostgreSQL login) never tries: if
    the schema is behind, it says so and stops (``DatabaseError``).
    """
    current = current_revision(engine)
    if revision == "head" and current == SCHEMA_HEAD:
        return None
    if not may_change_schema(engine):
        login = engine.url.username or "this login"
        raise DatabaseError(
            f"The database {redact(str(engine.url.render_as_string(hide_password=False)))} is "
            f"at schema version {current or 'none (it is empty)'} and this rmdesk needs "
            f"{SCHEMA_HEAD}. The login {login} may not change the schema: ask the database's "
            "owner to run `rmdesk-cli init --db URL` with the owner's login, then start again."
        )
    from alembic import command

    if revision == "head" and current == head_revision():
        return None
    backup = None
    if is_sqlite(engine.url) and (current is not None or inspect(engine).get_table_names()):
        try:  # a file with something in it is copied first, or not migrated at all
            backup = backup_sqlite(engine, f"before-{revision}")
        except sqlite_backup.BackupError as exc:
            raise DatabaseError(
                f"The database was not migrated: no sound copy of it: {exc}"
            ) from exc
    command.upgrade(alembic_config(engine), revision)
    return backup


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


@dataclass
class Database:
    """An open database: the engine, a session factory and where it is."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    backup: Path | None = None

    @property
    def display_url(self) -> str:
        return redact(self.url)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, migrate_schema: bool = True) -> Database:
    """Open (and by default migrate) the database at ``url``; errors are ``DatabaseError``."""
    from sqlalchemy.exc import SQLAlchemyError

    url = check_url(url)
    engine: Engine | None = None
    try:
        engine = make_engine(url)
        with engine.connect():
            pass
        backup = migrate(engine) if migrate_schema else None
    except (DatabaseError, SQLAlchemyError) as exc:
        if engine is not None:  # nothing left open behind a refusal
            engine.dispose()
        if isinstance(exc, DatabaseError):
            raise
        raise DatabaseError(
            f"Cannot open the database {redact(url)}: {exc.__class__.__name__}: "
            f"{str(exc.orig if hasattr(exc, 'orig') else exc).strip()}"
        ) from exc
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False), backup)


def resolve_url(
    cli_url: str | None,
    settings_url: str | None,
    default: Callable[[], str],
    *,
    settings_file: Path | None = None,
    locked: bool = False,
) -> str:
    """--db wins, then RMDESK_DATABASE_URL, then the settings, then the local demo file.

    Each is checked (``check_url``): a malformed one is ``BadUrl`` naming where it came from,
    never a silent step to the next. ``--db ""`` and an empty RMDESK_DATABASE_URL are errors
    (a script meant for one database must not write to another); an empty setting means
    the local demo file, as it always has. ``locked``: the computer's settings file (IT's)
    names the database and locks it; --db or RMDESK_DATABASE_URL is then refused, not obeyed.
    """
    if locked:
        for origin, given in (("--db", cli_url), (ENV_URL, os.environ.get(ENV_URL))):
            if given is not None:
                raise BadUrl(
                    f"The database is set by your IT department in {settings_file} and locked:"
                    f" {origin} cannot change it",
                    "locked",
                )
    for origin, candidate in (
        ("given by --db", cli_url),
        (f"in {ENV_URL}", os.environ.get(ENV_URL)),
        (f"in the settings file {settings_file or ''}".rstrip(), settings_url or None),
    ):
        if candidate is not None:
            return check_url(candidate, origin)
    return check_url(default(), "of the local database")
