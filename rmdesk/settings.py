"""The one declaration of rmdesk's settings: typed, with defaults, a schema version and upgrades.

Settings live in a TOML file in the user's config directory (platformdirs), or under
``$RMDESK_HOME`` when that is set (tests and portable installs). Qt's QSettings keeps only
window geometry.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import tomli_w
from platformdirs import user_config_dir

from rmdesk import local_files, secrets
from rmdesk.local_files import APP, HOME_ENV, data_dir

log = logging.getLogger(__name__)
SCHEMA_VERSION = 2
LANGUAGES = ("zh_CN", "en")


@dataclass
class Settings:
    schema_version: int = SCHEMA_VERSION
    #: "zh_CN", "en", or "" for the system's language
    language: str = ""
    #: a SQLAlchemy/PostgreSQL URL, or "" for the local demo database
    database_url: str = ""
    #: clients in the demo bank made on first start
    demo_clients: int = 10_000


def config_path() -> Path:
    home = os.environ.get(HOME_ENV)
    base = Path(home) if home else Path(user_config_dir(APP, appauthor=False))
    return base / "settings.toml"


def local_database_path() -> Path:
    return data_dir() / "rmdesk.sqlite3"


def local_database_url() -> str:
    return "sqlite:///" + str(local_database_path())


def _password_to_keyring(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 2 keeps no password: one in the database address moves to the system keyring
    (or, where there is none, is dropped and asked for at start)."""
    url = str(raw.get("database_url", ""))
    bare, password = secrets.without_password(url)
    if password is not None:
        try:
            secrets.remember(url)
        except secrets.NoKeyring:
            log.warning("no system keyring: the database password will be asked for at start")
    return raw | {"database_url": bare}


# Each upgrade takes the stored mapping of one version to the next.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _password_to_keyring}


class SettingsError(Exception):
    """The settings file cannot be read; the message names the file and the problem."""


def load(path: Path | None = None) -> Settings:
    """The settings in ``path``, upgraded to the current schema; defaults if there is no file."""
    path = path or config_path()
    if not path.exists():
        return Settings()
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise SettingsError(f"{path}: cannot read the settings: {exc}") from exc
    version = int(raw.get("schema_version", 1))
    if version > SCHEMA_VERSION:
        raise SettingsError(f"{path}: written by a newer rmdesk (settings version {version})")
    upgraded = version < SCHEMA_VERSION
    while version < SCHEMA_VERSION:
        raw = UPGRADES[version](raw)
        version += 1
    raw["schema_version"] = SCHEMA_VERSION
    known = {f.name: f.type for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known}
    settings = Settings(**values)
    if settings.language and settings.language not in LANGUAGES:
        raise SettingsError(f"{path}: language must be one of {', '.join(LANGUAGES)} or empty")
    if upgraded:  # written back at once: an older file may hold what this version keeps elsewhere
        save(settings, path)
    return settings


def save(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically (a crash mid-write leaves the old file), owner-only."""
    path = path or config_path()
    local_files.make_private_dir(path.parent)
    stored = asdict(settings)
    stored["database_url"] = secrets.without_password(settings.database_url)[0]  # never kept
    tmp = path.with_suffix(".tmp")
    with local_files.open_private(tmp, "w", encoding="utf-8") as fh:  # owner-only, like the data
        fh.write(tomli_w.dumps(stored))
    tmp.replace(path)
