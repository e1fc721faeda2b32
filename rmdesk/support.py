"""What a bank's support desk needs when something goes wrong: a log file and a diagnostic text.

The log (``<data folder>/logs/rmdesk.log``; ``rmdesk-cli.log`` for the command line) rotates at
1 MB and keeps five older files, owner-only like the database. It holds what happened and where,
never a password and no client data beyond ids (docs/deploy.md, "Logs"):

- every line passes ``scrub``, which blanks a password in a database address
  (``postgresql://rm01:***@host/db``) and any ``password=…``;
- a failure is logged by where it happened (``where``: the exception's kind and the code's
  frames), not by its message: a message shown to a user may name a client or repeat a value
  from an imported file.

``diagnostics`` is the text of Help › About's "copy diagnostic information": version, schema,
database kind and address (redacted), settings files, the log's path, platform and libraries.
Nothing here imports Qt; the app passes in what only Qt knows (its version).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import re
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path

from rmdesk import __version__, local_files
from rmdesk.local_files import data_dir

#: one file's size before it rotates, and how many older files are kept
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+(?=@)", re.I)
_KEY_PASSWORD = re.compile(r"(?P<head>\b(?:password|passwd|pwd)\s*[=:]\s*)\S+", re.I)


def log_path(program: str = "rmdesk") -> Path:
    return data_dir() / "logs" / f"{program}.log"


def scrub(text: str) -> str:
    """``text`` with any password in it blanked: in a URL's user part and after password=."""
    text = _URL_PASSWORD.sub(r"\g<head>***", text)
    return _KEY_PASSWORD.sub(r"\g<head>***", text)


def where(exc: BaseException) -> str:
    """An exception's kind and the frames it came through, without its message (which may name
    a client); the exceptions it was raised from or during, likewise."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        lines = [f"{kind}"] + [f"  at {f.filename}:{f.lineno} in {f.name}" for f in frames]
        parts.append("\n".join(lines))
        current = current.__cause__ or current.__context__
    return "\ncaused by ".join(parts)


class ScrubbingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """To whatever ``sys.stderr`` is when a line is written (a test runner swaps it)."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are created owner-only (they sit beside the database)."""

    def _open(self):  # type: ignore[no-untyped-def]  # logging's own signature is untyped
        path = Path(self.baseFilename)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, local_files.FILE_MODE)
        local_files.tighten(path, local_files.FILE_MODE)
        return os.fdopen(fd, self.mode.replace("w", "a"), encoding=self.encoding)


def start_logging(program: str, *, console_level: int | None = logging.INFO) -> Path | None:
    """Log to the rotating file and, from ``console_level`` up, to stderr, both scrubbed.
    Returns the file, or None when it cannot be written (said on stderr; rmdesk runs on)."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):  # started once per process
        if getattr(handler, "_rmdesk", False):
            root.removeHandler(handler)
            handler.close()
    formatter = ScrubbingFormatter(FORMAT)
    handlers: list[logging.Handler] = []
    if console_level is not None and sys.stderr is not None:  # none in a windowed Windows app
        console = CurrentStderr()
        console.setLevel(console_level)
        handlers.append(console)
    path: Path | None = log_path(program)
    try:
        assert path is not None
        local_files.make_private_dir(path.parent)
        handlers.append(
            PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, delay=False)
        )
    except OSError as exc:
        path = None
        if sys.stderr is not None:
            print(f"rmdesk: cannot write the log file: {exc}", file=sys.stderr)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler._rmdesk = True  # type: ignore[attr-defined]  # ours, to replace on a restart
        root.addHandler(handler)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    _log_uncaught()
    return path


def _log_uncaught() -> None:
    """An exception nobody caught is logged by where it happened before Python reports it."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        logging.getLogger("rmdesk").critical("uncaught: %s", where(exc))
        previous(kind, exc, tb)  # type: ignore[arg-type]

    if getattr(sys.excepthook, "_rmdesk", False):
        return
    hook._rmdesk = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def facts(
    *,
    program: str = "rmdesk",
    database_kind: str = "",
    database_address: str = "",
    schema: str = "",
    schema_head: str = "",
    settings_files: Iterable[tuple[str, Path]] = (),
    locked: Iterable[str] = (),
    language: str = "",
    user: str = "",
    extra: Iterable[tuple[str, str]] = (),
) -> list[tuple[str, str]]:
    """What a support ticket needs, as (name, value) pairs; no password, no client. Empty
    values are left out."""
    lines = [
        ("rmdesk", __version__),
        ("build", "frozen package" if getattr(sys, "frozen", False) else "from source"),
        ("program", sys.executable),
        ("platform", platform.platform()),
        ("python", platform.python_version()),
        ("database", database_kind),
        ("database address", scrub(database_address)),
        ("schema", schema),
        ("schema of this version", schema_head if schema else ""),
        ("language", language),
        ("user", user),
        ("log", str(log_path(program))),
    ]
    for name, path in settings_files:
        lines.append((name, f"{path} ({'present' if path.exists() else 'none'})"))
    lines.append(("locked by IT", ", ".join(sorted(locked)) or "nothing"))
    lines += list(extra)
    return [(name, value) for name, value in lines if value != ""]


def diagnostics(pairs: Iterable[tuple[str, str]]) -> str:
    """The pairs as the text "copy diagnostic information" puts on the clipboard: one
    "name: value" a line, in English whatever the interface language, so that a support desk
    reads every desktop's alike."""
    return "\n".join(f"{name}: {value}" for name, value in pairs)
