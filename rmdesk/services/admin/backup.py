"""Backing up and restoring a local (SQLite) rmdesk database, and counting what a database holds.

A backup is taken by rmdesk.sqlite_backup (the one copy routine, also used before a migration):
SQLite's online backup API, so it is consistent even while the app is writing, owner-only, and
checked (``PRAGMA integrity_check``, and that it is an rmdesk database of a schema this version
knows) before it is kept. A restore checks the backup the same way; it refuses while
any other program has the database open (naming them where the system tells), and otherwise
holds SQLite's exclusive lock on the database from before it keeps the old content as
``NAME.before-restore-STAMP`` until the backup has been written into it, in one transaction: no
other connection can commit in between, so nothing anybody saw committed is lost. Every file is
its owner's only (rmdesk.local_files). A shared PostgreSQL database is backed up with the
server's own tools (pg_dump / pg_restore), as docs/security.md describes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, func, select

from rmdesk import local_files, sqlite_backup
from rmdesk.db import SCHEMA_HEAD, known_revision
from rmdesk.models import Base
from rmdesk.services.admin.open_files import Holder, holders
from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.sqlite_backup import BackupError, check_file, read_only, unreadable

__all__ = ["BackupError", "DatabaseInUse", "backup_sqlite", "restore_sqlite", "table_counts"]

#: seconds to wait for other connections' transactions to end before a restore gives up
LOCK_WAIT = 1.0


class DatabaseInUse(BackupError):
    """Another connection has the database open; ``holders`` are the processes the system
    names (none where it cannot tell, e.g. another account's process or another computer)."""

    def __init__(self, database: Path, found: list[Holder]) -> None:
        if found:
            who = "; ".join(str(h) for h in found)
            message = f"{database}: open in another program; close it and restore again: {who}"
        else:
            message = (
                f"{database}: in use by another connection (which program could not be seen: "
                "another account's, or on another computer); close every rmdesk that has it "
                "open and restore again"
            )
        super().__init__(message)
        self.holders = found


@open_to(ADMINS)
def table_counts(engine: Engine, *, who: Account) -> dict[str, int]:
    """Rows in each of rmdesk's tables."""
    with engine.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in sorted(Base.metadata.tables.items())
        }


def _check(path: Path) -> str:
    """Integrity and schema of a SQLite file; returns its schema revision."""
    check_file(path)
    return _revision(path)


def _revision(path: Path) -> str:
    """The schema revision of an rmdesk database file, refused unless this version knows it."""
    conn = read_only(path)
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: not an rmdesk database (no schema version)") from exc
    finally:
        conn.close()
    if not revision or not known_revision(str(revision[0])):
        raise BackupError(
            f"{path}: schema version {revision[0] if revision else '?'} is not one this version "
            f"of rmdesk knows (it knows up to {SCHEMA_HEAD})"
        )
    return str(revision[0])


def backup_sqlite(database: Path, target: Path) -> Path:
    """Copy the live database file to ``target`` (which must not exist yet)."""
    if not database.exists():
        raise BackupError(f"{database}: no such database file")
    if target.exists():
        raise BackupError(f"{target}: already exists; choose another name")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such folder")
    return sqlite_backup.copy_database(database, target, check=_revision)


@contextmanager
def exclusive(database: Path, *, wait: float = LOCK_WAIT) -> Iterator[sqlite3.Connection]:
    """A connection that alone has ``database`` open, holding SQLite's exclusive lock until it
    is closed: nobody else reads or commits meanwhile. Refuses (``DatabaseInUse``) when another
    process has the file open, or another connection keeps the lock from it for ``wait`` s.

    With the lock, the write-ahead log is written back into the file and the file leaves WAL
    mode, so that everything committed is in the file itself and nothing replays a stale log;
    it returns to WAL mode before the lock is let go.
    """
    sidecars = [Path(f"{database}{s}") for s in local_files.SQLITE_SIDECARS]
    found = holders([database, *sidecars])
    if found:  # named before anything is touched
        raise DatabaseInUse(database, found)
    local_files.prepare_database(database)
    conn = sqlite3.connect(database, timeout=wait, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")  # locks are kept until the connection ends
        try:
            # in WAL mode every open connection holds a shared lock on the file while it is
            # open, idle or not; the exclusive lock is had only when there is no other
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseInUse(database, holders([database, *sidecars])) from exc
            raise BackupError(unreadable(database, exc)) from exc
        if mode != "delete":
            raise DatabaseInUse(database, holders([database, *sidecars]))
        yield conn
        conn.execute("PRAGMA journal_mode=WAL")
        # In exclusive locking mode a finished transaction's rollback journal is kept with its
        # header zeroed (never replayed), but it still holds old pages: it goes, under the lock.
        with contextlib.suppress(OSError):  # Windows: open, so kept; it is never replayed
            Path(f"{database}-journal").unlink(missing_ok=True)
    finally:
        conn.close()


def _kept_name(database: Path) -> Path:
    stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    kept = database.with_name(f"{database.name}.before-restore-{stamp}")
    n = 1
    while kept.exists():  # two restores in one second keep both copies
        n += 1
        kept = database.with_name(f"{database.name}.before-restore-{stamp}-{n}")
    return kept


def restore_sqlite(
    backup: Path, database: Path, *, replace: bool = False, wait: float = LOCK_WAIT
) -> Path | None:
    """Put ``backup``'s content in ``database``; returns where its old content was kept.

    An existing database is replaced only with ``replace``, and only while nobody else has it
    open (``DatabaseInUse`` names who does). From before its content is kept until the backup is
    in it, the database is locked to everyone else; the backup is written into it in one
    transaction, so a crash leaves either the old content or the new.
    """
    if not backup.exists():
        raise BackupError(f"{backup}: no such backup file")
    _check(backup)
    if database.exists() and not replace:
        raise BackupError(_exists(database))
    kept, began = None, False
    try:
        with exclusive(database, wait=wait) as live:
            began = not database.stat().st_size  # an empty file: this restore made it
            if not began:
                if not replace:  # made by someone else since it was looked at
                    raise BackupError(_exists(database))
                # read under the lock, through SQLite's own file handle (closing another
                # handle on the file would drop this process's locks)
                kept = sqlite_backup.copy_database(live, _kept_name(database), check=_revision)
            src = read_only(backup)
            try:
                src.backup(live)  # one write transaction on the locked database
            finally:
                src.close()
            result = live.execute("PRAGMA quick_check").fetchone()
            if not result or result[0] != "ok":
                raise BackupError(f"{database}: the restored file fails its check: {result}")
    except BaseException:
        if began:  # a database this restore began is not left half made
            for path in (database, *(Path(f"{database}{s}") for s in local_files.SQLITE_SIDECARS)):
                path.unlink(missing_ok=True)
        raise
    return kept


def _exists(database: Path) -> str:
    return f"{database}: exists; give --replace to put the backup in its place"
