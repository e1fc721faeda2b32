"""The shared database's password: kept in the system keyring, never in the settings file.

The settings keep the database address without its password. When one is given (the
administrator's connection screen, or an older settings file that held one), it goes to the
system keyring (Windows Credential Manager, macOS Keychain, the Secret Service on Linux) under
the service "rmdesk" and the address, and is put back into the address only in memory, when
connecting. Where the machine has no keyring, nothing is stored: the app asks at each start.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

SERVICE = "rmdesk"
log = logging.getLogger(__name__)


class NoKeyring(RuntimeError):
    """This machine has no system keyring to keep a password in."""


def _parse(url: str) -> URL | None:
    # SQLAlchemy only when an address is read: the settings are read before the log-in dialog
    # shows, and SQLAlchemy loads behind it (app.py, "Start-up phases")
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return None


def _key(url: URL) -> str:
    """The keyring entry's name: the address without its password."""
    return url._replace(password=None).render_as_string(hide_password=False)  # set() keeps it


def without_password(url: str) -> tuple[str, str | None]:
    """``url`` with its password taken out, and the password (None if it had none)."""
    parsed = _parse(url)
    if parsed is None or parsed.password is None:
        return url, None
    return _key(parsed), str(parsed.password)


def remember(url: str) -> str:
    """Put the password in ``url`` (if any) into the keyring; returns the address to store,
    without it. ``NoKeyring`` if there is a password and nowhere safe to keep it."""
    import keyring
    from keyring.errors import KeyringError

    bare, password = without_password(url)
    if password is None:
        return url
    try:
        keyring.set_password(SERVICE, bare, password)
    except KeyringError as exc:
        raise NoKeyring(str(exc)) from exc
    return bare


def recall(url: str) -> str:
    """``url`` with its password from the keyring, when it has none of its own and one is kept."""
    parsed = _parse(url)
    if (
        parsed is None
        or parsed.password is not None
        or not parsed.drivername.startswith("postgresql")
    ):
        return url
    import keyring
    from keyring.errors import KeyringError

    try:
        password = keyring.get_password(SERVICE, _key(parsed))
    except KeyringError as exc:  # no keyring here: the app will ask
        log.info("no keyring to read the database password from: %s", exc)
        return url
    if password is None:
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


def forget(url: str) -> None:
    """Remove the password kept for ``url`` (the address changed, or it was wrong)."""
    parsed = _parse(url)
    if parsed is None:
        return
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError, KeyringError):  # nothing kept: fine
        keyring.delete_password(SERVICE, _key(parsed))


def with_password(url: str, password: str) -> str:
    """``url`` carrying ``password`` (in memory only)."""
    parsed = _parse(url)
    if parsed is None:
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


def login_name(url: str) -> str | None:
    """``user@host:port/database``, how a person names a database login; None if not a URL."""
    parsed = _parse(url)
    if parsed is None or not parsed.host:
        return None
    port = f":{parsed.port}" if parsed.port else ""
    user = f"{parsed.username}@" if parsed.username else ""
    return f"{user}{parsed.host}{port}/{parsed.database or ''}"
