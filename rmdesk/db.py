"""Opening the database: one code path for a local SQLite file and a shared PostgreSQL.

``open_database`` makes the engine (foreign keys and WAL on SQLite), backs up a SQLite file
before a migration, runs Alembic migrations to head, and hands back a session factory.
"""

from __future__ import annotations

import datetime as dt
import os
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
    create_engine,
    event,
    inspect,
    literal,
    make_url,
    text,
)
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: the newest migration's revision (a test checks it against Alembic's head). A database at this
#: revision opens without loading Alembic at all, which saves a second at every start.
SCHEMA_HEAD = "0004"
ENV_URL = "RMDESK_DATABASE_URL"
WRITE_OPTION = "rmdesk_writer"


class DatabaseError(Exception):
    """The database cannot be opened or migrated; the message is meant for a user."""


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
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def among(conn: Connection, column: ColumnElement[Any], ids: Iterable[int]) -> ColumnElement[bool]:
    """``column IN ids``, for the thousands of ids of a batch.

    On PostgreSQL it is ``column = ANY(array)`` with one parameter: the driver parses every
    parameter of a statement, and with one per id that parsing costs more than the query.
    """
    values = [int(i) for i in ids]
    if conn.dialect.name == "postgresql":
        return column == any_(literal(values, ARRAY(BigInteger)))
    return column.in_(values)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for a bulk writer: all of it is kept or none of it.

    On SQLite the write lock is taken at BEGIN; on PostgreSQL writers take their turn on the
    lock of the empty ``write_locks`` table (two imports, an import and a scoring run, an RM's
    change and the nightly run never interleave). Unlike an advisory lock, which any login may
    take and keep for as long as it stays connected, a table lock lasts one transaction.
    """
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("LOCK TABLE write_locks IN EXCLUSIVE MODE")
            yield conn


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
    """Copy a SQLite file with the online backup API; returns the copy's path."""
    path = engine.url.database
    if not path or path == ":memory:" or not Path(path).exists():
        return None
    stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    target = Path(f"{path}.{suffix}-{stamp}.bak")
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


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
        backup = backup_sqlite(engine, f"before-{revision}")  # a file with something in it
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

    url = normalise_url(url)
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


def resolve_url(cli_url: str | None, settings_url: str | None, default: Callable[[], str]) -> str:
    """--db wins, then RMDESK_DATABASE_URL, then the settings, then the local demo file."""
    for candidate in (cli_url, os.environ.get(ENV_URL), settings_url):
        if candidate:
            return normalise_url(candidate)
    return normalise_url(default())
