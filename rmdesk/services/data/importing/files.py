"""Which paths an importer may open: regular files within the size limit, nothing else.

A named pipe blocks whoever opens it for reading, a device such as /dev/zero never ends, a
folder is not a file; each is refused from its status (``os.stat``) before anything opens it.
The size limit is checked the same way, so a huge or sparse file is refused without a read.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from rmdesk.services.data.importing.limits import MAX_FILE_BYTES, size
from rmdesk.services.data.importing.problems import Problems

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
# Opening a FIFO that a race put in place of the checked file must not block: O_NONBLOCK makes
# open return at once (it changes nothing for a regular file); fstat then sees what was opened.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def kind_of(mode: int) -> str:
    """What a file of this mode is, in words."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


def _refusal(path: Path, status: os.stat_result) -> str | None:
    if not stat.S_ISREG(status.st_mode):
        return f"{path} is {kind_of(status.st_mode)}, not a regular file; give a file"
    if status.st_size > MAX_FILE_BYTES:
        return (
            f"{path} is {size(status.st_size)}, more than the limit of "
            f"{size(MAX_FILE_BYTES)} per file (file size)"
        )
    return None


def check_file(path: Path, problems: Problems, name: str | None = None) -> os.stat_result | None:
    """The status of ``path`` if an importer may read it; else a problem and None. Never opens."""
    name = name or path.name
    try:
        status = path.stat()  # follows links: a link to /dev/zero is a character device
    except FileNotFoundError:
        problems.add(name, None, None, f"{path}: no such file")
        return None
    except OSError as exc:
        problems.add(name, None, None, f"cannot read {path}: {exc.strerror or exc}")
        return None
    refusal = _refusal(path, status)
    if refusal:
        problems.add(name, None, None, refusal)
        return None
    return status


def open_file(path: Path, problems: Problems, name: str | None = None) -> BinaryIO | None:
    """``path`` opened for reading in binary, after ``check_file``; else a problem and None."""
    name = name or path.name
    if check_file(path, problems, name) is None:
        return None
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        problems.add(name, None, None, f"cannot read {path}: {exc.strerror or exc}")
        return None
    refusal = _refusal(path, os.fstat(fd))
    if refusal:  # replaced between the check and the opening
        os.close(fd)
        problems.add(name, None, None, refusal)
        return None
    return os.fdopen(fd, "rb")


def sha256_of(files: Iterable[tuple[str | None, Path]], problems: Problems) -> str:
    """One SHA-256 over (label, file) pairs in the given order, the label (if any) before the
    contents; files are read in blocks.

    A file that may not be read is a problem (and the digest is empty): the import stops there,
    before anything else reads it.
    """
    digest = hashlib.sha256()
    for label, path in files:
        fh = open_file(path, problems)
        if fh is None:
            continue
        if label is not None:
            digest.update(label.encode())
        with fh:
            while block := fh.read(1 << 20):
                digest.update(block)
    return "" if problems else digest.hexdigest()
