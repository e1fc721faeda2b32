"""Which other programs have a file open: named before a database is replaced under them.

On Linux every process's open files are links in ``/proc/PID/fd``; a process of another account
is visible only to root, so an empty answer does not prove that nobody has the file open (the
restore takes SQLite's exclusive lock as well, which every platform honours). Elsewhere there is
no such list and the answer is always empty.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
_SHOWN = 120  # characters of a command line in a message


@dataclass(frozen=True)
class Holder:
    """A process that has the file open: its id, program, command line and account."""

    pid: int
    program: str
    command: str
    user: str

    def __str__(self) -> str:
        return f"pid {self.pid} ({self.command or self.program}, user {self.user})"


def holders(paths: Iterable[Path], proc: Path = PROC) -> list[Holder]:
    """The other processes that have any of ``paths`` open, by pid (not this process)."""
    wanted = {os.path.realpath(p) for p in paths}
    if not (proc / "self" / "fd").is_dir():
        return []
    found = []
    me = os.getpid()
    with os.scandir(proc) as processes:
        for entry in processes:
            if entry.name.isdigit() and int(entry.name) != me and wanted & _open(entry.path):
                found.append(_describe(Path(entry.path)))
    return sorted(found, key=lambda h: h.pid)


def _open(process: str) -> set[str]:
    """What a process has open; nothing for one that is gone or another account's."""
    found = set()
    try:
        with os.scandir(Path(process) / "fd") as fds:
            for fd in fds:
                with contextlib.suppress(OSError):  # closed since it was listed
                    found.add(str(Path(fd.path).readlink()))
    except OSError:
        pass
    return found


def _describe(process: Path) -> Holder:
    def read(name: str) -> str:
        try:
            return (process / name).read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""

    command = " ".join(read("cmdline").replace("\0", " ").split())
    if len(command) > _SHOWN:
        command = command[: _SHOWN - 1] + "…"
    return Holder(int(process.name), read("comm").strip(), command, _owner(process))


def _owner(process: Path) -> str:
    try:
        uid = process.stat().st_uid
    except OSError:
        return "?"
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)
