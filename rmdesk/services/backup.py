"""Backing up and restoring a local (SQLite) rmdesk database, and counting what a database holds.

A backup is taken with SQLite's online backup API, so it is consistent even while the app is
writing, and checked (``PRAGMA integrity_check``) before it is kept. A restore checks the backup
the same way and that it is an rmdesk database of a schema this version knows, copies it beside
the target and moves it into place only when complete; a file it replaces is kept as
``NAME.before-restore-STAMP``. A shared PostgreSQL database is backed up with the server's own
tools (pg_dump / pg_restore), as docs/security.md describes.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, func, select

from rmdesk.db import SCHEMA_HEAD, known_revision
from rmdesk.models import Base
from rmdesk.services.access import ADMINS, Account, open_to


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why, naming the file."""


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
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot be opened: {exc}") from exc
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()
        if not result or result[0] != "ok":
            raise BackupError(f"{path}: the integrity check failed: {result[0] if result else ''}")
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error as exc:
            raise BackupError(f"{path}: not an rmdesk database (no schema version)") from exc
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a SQLite database: {exc}") from exc
    finally:
        conn.close()
    if not revision or not known_revision(str(revision[0])):
        raise BackupError(
            f"{path}: schema version {revision[0] if revision else '?'} is not one this version "
            f"of rmdesk knows (it knows up to {SCHEMA_HEAD})"
        )
    return str(revision[0])


def _copy(source: Path, target: Path) -> None:
    """``source`` to ``target`` with the online backup API, via a temporary file."""
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(part)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        _check(part)
        part.replace(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def backup_sqlite(database: Path, target: Path) -> Path:
    """Copy the live database file to ``target`` (which must not exist yet)."""
    if not database.exists():
        raise BackupError(f"{database}: no such database file")
    if target.exists():
        raise BackupError(f"{target}: already exists; choose another name")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such folder")
    _copy(database, target)
    return target


def restore_sqlite(backup: Path, database: Path, *, replace: bool = False) -> Path | None:
    """Put ``backup`` in place as ``database``; returns where the file it replaced was kept.

    An existing database is replaced only with ``replace``; the app must not have it open.
    """
    if not backup.exists():
        raise BackupError(f"{backup}: no such backup file")
    _check(backup)
    kept = None
    if database.exists():
        if not replace:
            raise BackupError(f"{database}: exists; give --replace to put the backup in its place")
        stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        kept = database.with_name(f"{database.name}.before-restore-{stamp}")
        src, dst = sqlite3.connect(database), sqlite3.connect(kept)
        try:  # through the backup API: whatever is still in the write-ahead log comes along
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        for suffix in ("-wal", "-shm"):  # a stale log must not be replayed onto the backup
            Path(str(database) + suffix).unlink(missing_ok=True)
    _copy(backup, database)
    return kept
