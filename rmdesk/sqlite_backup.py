"""The one way rmdesk copies a SQLite database: the copy before a migration, ``rmdesk-cli
backup``, and the copy of the old content a restore keeps.

The copy is taken with SQLite's online backup API, so it is consistent even while the app is
writing (committed work still in the -wal file is in it), into an owner-only ``NAME.part`` in an
owner-only folder (rmdesk.local_files). It leaves WAL mode, so the copy is one file, and passes
``PRAGMA integrity_check`` (and the caller's own check, if any) before it is moved to its name:
a copy that cannot be read back is never kept. Below the services, so that ``rmdesk.db`` and
``services/admin/backup.py`` share it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from rmdesk import local_files


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why, naming the file."""


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the SQLite file ``path`` (never creates it)."""
    return sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro", uri=True)


def unreadable(database: Path, exc: Exception) -> str:
    """What to say when ``database`` cannot be read."""
    return (
        f"{database}: cannot be read ({exc}); if it is damaged, move it aside with its -wal and "
        "-shm files and restore to the same name"
    )


def integrity_problem(conn: sqlite3.Connection) -> str | None:
    """What ``PRAGMA integrity_check`` finds wrong with an open database, or None."""
    found = [str(row[0]) for row in conn.execute("PRAGMA integrity_check(5)").fetchall()]
    return None if found == ["ok"] else "; ".join(found) or "no answer"


def check_file(path: Path) -> None:
    """Refuse (``BackupError``) a file that is not a SQLite database or fails its integrity
    check; the message names the file."""
    try:
        conn = read_only(path)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot be opened: {exc}") from exc
    try:
        problem = integrity_problem(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a SQLite database: {exc}") from exc
    finally:
        conn.close()
    if problem is not None:
        raise BackupError(f"{path}: the integrity check failed: {problem}")


def copy_database(
    source: Path | sqlite3.Connection,
    target: Path,
    *,
    check: Callable[[Path], object] | None = None,
) -> Path:
    """Copy ``source`` (a database file, or an open connection to one) to ``target``; returns
    ``target``. An existing ``target`` is replaced, only once the copy is whole and checked.

    ``check`` (given the finished copy before it gets its name) may refuse it by raising; the
    integrity check always runs first. A source that cannot be read, and a copy that fails a
    check, raise ``BackupError`` naming the source; nothing is left behind either way.
    """
    name = source if isinstance(source, Path) else Path(_file_of(source))
    if isinstance(source, Path) and not source.is_file():
        raise BackupError(f"{source}: no such database file")
    local_files.make_private_dir(target.parent)
    part = target.with_name(target.name + ".part")
    try:
        local_files.create_private(part)
        try:
            _backup(source, part)
        except sqlite3.DatabaseError as exc:
            raise BackupError(unreadable(name, exc)) from exc
        try:
            check_file(part)
        except BackupError as exc:
            raise BackupError(f"{name}: its copy is not sound, so it was not kept: {exc}") from exc
        if check is not None:
            check(part)
        part.replace(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return target


def _backup(source: Path | sqlite3.Connection, part: Path) -> None:
    src = source if isinstance(source, sqlite3.Connection) else read_only(source)
    dst = sqlite3.connect(part)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal/-shm left beside it
    finally:
        dst.close()
        if src is not source:
            src.close()


def _file_of(conn: sqlite3.Connection) -> str:
    """The file an open connection reads (for messages)."""
    for _seq, schema, file in conn.execute("PRAGMA database_list"):
        if schema == "main":
            return str(file)
    return "the database"
