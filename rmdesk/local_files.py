"""The local database's folder and the files rmdesk writes: readable by their owner only.

The local SQLite file, its -wal and -shm, its backups, the copies kept before a migration or a
restore, and the exports and printed documents rmdesk writes all hold clients' data; on a shared
computer no other account may read them. Folders rmdesk makes for them are 0700 and files 0600,
set when they are created (a file is never written first and closed down afterwards); an older
install's files are tightened when rmdesk opens the database. On Windows the mode bits mean
nothing (the profile's ACLs keep files private), so the chmod calls are skipped there.
"""

from __future__ import annotations

import glob
import logging
import os
from pathlib import Path
from typing import IO, Any

from platformdirs import user_data_dir

log = logging.getLogger(__name__)
APP = "rmdesk"
#: a folder for the settings and the local database instead of the user's (tests, portable use)
HOME_ENV = "RMDESK_HOME"
POSIX = os.name == "posix"
FILE_MODE = 0o600
DIR_MODE = 0o700
#: files beside a database that SQLite keeps while it is open
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")


def tighten(path: Path, mode: int) -> None:
    """Take every permission beyond ``mode`` off ``path`` (never adds one); a file that is not
    ours to change is logged and left, so opening a database never fails on it."""
    if not POSIX:
        return
    try:
        current = path.stat().st_mode & 0o777
        if current & ~mode:
            path.chmod(current & mode)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("%s: cannot make it private to its owner: %s", path, exc)


def make_private_dir(folder: Path) -> None:
    """Make ``folder`` and any missing parents as owner-only folders; existing ones are left."""
    missing = []
    at = folder.absolute()
    while not at.exists() and at != at.parent:
        missing.append(at)
        at = at.parent
    for made in reversed(missing):
        made.mkdir(mode=DIR_MODE, exist_ok=True)
        if POSIX:  # mkdir's mode passes through the umask; make sure of it
            made.chmod(DIR_MODE)


def create_private(path: Path) -> None:
    """Create ``path`` empty and owner-only (or empty an existing one and make it so), for a
    writer that then opens it by name: opening an existing file keeps its mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        if POSIX:  # O_CREAT's mode is not applied to a file that was already there
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def open_private(path: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """``open(path, mode)`` for writing, the file created owner-only."""
    create_private(path)
    return path.open(mode, **kwargs)


def kept_copies(database: Path) -> list[Path]:
    """The copies rmdesk keeps beside ``database``: before a migration or a restore, and the
    backups ``rmdesk-cli backup`` names by default."""
    folder, name = database.parent, glob.escape(database.name)
    return [
        *folder.glob(f"{name}.before-*"),
        *folder.glob(f"{glob.escape(database.stem)}-*.backup.sqlite3"),
    ]


def data_dir() -> Path:
    """The local data folder: the local database and its copies (``$RMDESK_HOME`` if set)."""
    home = os.environ.get(HOME_ENV)
    return Path(home) if home else Path(user_data_dir(APP, appauthor=False))


def _is_data_dir(folder: Path) -> bool:
    try:
        return folder.resolve() == data_dir().resolve()
    except OSError:
        return False


def prepare_database(database: Path) -> None:
    """Before SQLite opens ``database``: its folder made owner-only if rmdesk makes it, the local
    data folder tightened, a new file created owner-only (SQLite gives its -wal and -shm the
    database file's mode), and an older install's file, -wal, -shm and kept copies tightened."""
    folder = database.parent
    make_private_dir(folder)
    if _is_data_dir(folder):
        tighten(folder, DIR_MODE)
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    except OSError as exc:  # SQLite says it better when it tries to open the file
        log.warning("%s: cannot create it: %s", database, exc)
    for path in (database, *(Path(f"{database}{s}") for s in SQLITE_SIDECARS)):
        tighten(path, FILE_MODE)
    for kept in kept_copies(database):
        tighten(kept, FILE_MODE)
