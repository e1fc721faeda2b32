"""The one declaration of rmdesk's settings: typed, with defaults, a schema version and upgrades.

Settings come from two TOML files, read in this order (docs/deploy.md, "Central settings"):

1. the computer's, set by the bank's IT: ``/etc/rmdesk/settings.toml`` on Linux,
   ``%PROGRAMDATA%\\rmdesk\\settings.toml`` on Windows (``$RMDESK_SYSTEM_SETTINGS`` names another
   file: tests, a portable install). It may name the bank's database, the language and the
   print masking, and lists under ``locked`` what a user may not change;
2. the user's own, in the user's config directory (platformdirs), or under ``$RMDESK_HOME``
   when that is set. A value here wins over the computer's, unless the computer's locks it.

The user's file keeps only what the user chose: a value the computer's file gives is not copied
into it. Qt's QSettings keeps only window geometry.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w
from platformdirs import user_config_dir

from rmdesk import local_files, secrets
from rmdesk.local_files import APP, HOME_ENV, data_dir

log = logging.getLogger(__name__)
SCHEMA_VERSION = 2
LANGUAGES = ("zh_CN", "en")
#: names the computer's settings file instead of the system's place (tests, portable installs)
SYSTEM_ENV = "RMDESK_SYSTEM_SETTINGS"
#: "masked": this computer prints phone numbers masked whatever the bank's parameter
#: ``phones_on_paper`` says; "": as the parameter says. A settings file can only make paper
#: stricter than the bank's parameter, never less strict.
PRINT_MASKING = ("", "masked")


@dataclass
class Settings:
    schema_version: int = SCHEMA_VERSION
    #: "zh_CN", "en", or "" for the system's language
    language: str = ""
    #: a SQLAlchemy/PostgreSQL URL, or "" for the local demo database
    database_url: str = ""
    #: clients in the demo bank made on first start
    demo_clients: int = 10_000
    #: phone numbers on paper from this computer: "masked" always, "" as the bank's parameter
    print_masking: str = ""
    #: what the computer's file sets (read from it, never saved in the user's file)
    central: dict[str, Any] = field(default_factory=dict, repr=False)
    #: the settings the computer's file locks: the user's file and screens cannot change them
    locked: frozenset[str] = frozenset()
    #: the two files read (for messages that say where a value came from)
    system_file: Path | None = field(default=None, compare=False, repr=False)
    user_file: Path | None = field(default=None, compare=False, repr=False)
    #: the settings the user's own file gave (and that were used)
    user_set: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def is_locked(self, name: str) -> bool:
        return name in self.locked

    def file_of(self, name: str) -> Path | None:
        """The file the setting's value came from; None for a default."""
        if name in self.user_set:
            return self.user_file
        return self.system_file if name in self.central else None

    @property
    def bank_database(self) -> bool:
        """The computer's file names the bank's database: no demo bank is ever made here."""
        return bool(self.central.get("database_url"))

    @property
    def mask_phones_on_paper(self) -> bool:
        """This computer masks phone numbers on paper whatever the bank's parameter says."""
        return self.print_masking == "masked"


#: the settings a file may hold (the dataclass's own bookkeeping excluded)
NAMES = ("language", "database_url", "demo_clients", "print_masking")
#: what each is, for checking a file's values, and how a message says it
_TYPES: dict[str, tuple[type, str]] = {
    "language": (str, "text in quotes"),
    "database_url": (str, "text in quotes"),
    "demo_clients": (int, "a whole number"),
    "print_masking": (str, "text in quotes"),
}


def system_config_path() -> Path:
    """The computer's settings file, set by IT (it need not exist)."""
    named = os.environ.get(SYSTEM_ENV)
    if named:
        return Path(named)
    if os.name == "nt":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / APP / "settings.toml"
    return Path("/etc") / APP / "settings.toml"


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


#: a settings file is a few lines; anything larger is not one (and is not read whole)
MAX_FILE_BYTES = 64_000


def _read(path: Path) -> dict[str, Any]:
    """The file's settings; a device, a pipe or a folder in its place, a file too large to be
    settings, text that is not UTF-8 or not TOML: ``SettingsError`` naming the file."""
    try:
        if not path.is_file():  # checked before opening: a pipe would block, /dev/zero never end
            raise SettingsError(f"{path}: cannot read the settings: not a regular file")
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise SettingsError(
                f"{path}: cannot read the settings: larger than {MAX_FILE_BYTES:,} bytes"
            )
        raw: dict[str, Any] = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise SettingsError(f"{path}: cannot read the settings: {exc}") from exc
    return raw


def _check(path: Path, values: dict[str, Any]) -> None:
    """Each value of the right kind and among the allowed ones; the message names the setting."""
    for name, value in values.items():
        kind, said = _TYPES[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise SettingsError(f"{path}: {name} must be {said}, not {value!r}")
    if values.get("language") and values["language"] not in LANGUAGES:
        raise SettingsError(f"{path}: language must be one of {', '.join(LANGUAGES)} or empty")
    if values.get("print_masking", "") not in PRINT_MASKING:
        raise SettingsError(f'{path}: print_masking must be "masked" or empty')
    if "demo_clients" in values and not 1 <= values["demo_clients"] <= 1_000_000:
        raise SettingsError(f"{path}: demo_clients must be between 1 and 1,000,000")


def load_central(path: Path | None = None) -> tuple[dict[str, Any], frozenset[str]]:
    """The computer's settings and what they lock; nothing if there is no such file.

    IT's file is read strictly: an unknown setting or lock is an error naming it (a misspelt
    ``database_url`` must not quietly leave a bank's desktops on the demo database).
    """
    path = path or system_config_path()
    if not path.exists():
        return {}, frozenset()
    raw = _read(path)
    raw.pop("schema_version", None)
    locked = raw.pop("locked", [])
    if not isinstance(locked, list) or not all(isinstance(n, str) for n in locked):
        raise SettingsError(f"{path}: locked must be a list of setting names")
    for name in [*raw, *locked]:
        if name not in NAMES:
            raise SettingsError(
                f"{path}: unknown setting {name!r} (known: {', '.join(NAMES)}, locked)"
            )
    _check(path, raw)
    return raw, frozenset(locked)


def load(path: Path | None = None, *, system: Path | None = None) -> Settings:
    """The settings: the computer's file, then the user's ``path`` (upgraded to the current
    schema) over it, except where the computer's file locks a setting; defaults where neither
    says."""
    system = system or system_config_path()
    central, locked = load_central(system)
    # an empty value in the user's file is no choice (older versions wrote every setting, empty
    # ones too): it does not hide what the computer's file says
    own = {k: v for k, v in _load_own(path or config_path()).items() if v != ""}
    for name in sorted(locked & own.keys()):
        log.warning("the setting %s is locked by %s; the user's value is not used", name, system)
    used = {k: v for k, v in own.items() if k not in locked}
    return Settings(
        **(central | used),
        central=central,
        locked=locked,
        system_file=system,
        user_file=path or config_path(),
        user_set=frozenset(used),
    )


def _load_own(path: Path) -> dict[str, Any]:
    """The user's file as a mapping of known settings, upgraded (and written back) if older."""
    if not path.exists():
        return {}
    raw = _read(path)
    version = int(raw.get("schema_version", 1))
    if version > SCHEMA_VERSION:
        raise SettingsError(f"{path}: written by a newer rmdesk (settings version {version})")
    upgraded = version < SCHEMA_VERSION
    while version < SCHEMA_VERSION:
        raw = UPGRADES[version](raw)
        version += 1
    values = {k: v for k, v in raw.items() if k in NAMES}
    _check(path, values)
    if upgraded:  # written back at once: an older file may hold what this version keeps elsewhere
        _write(values, path)
    return values


def save(settings: Settings, path: Path | None = None) -> None:
    """Write the user's own choices atomically (a crash mid-write leaves the old file),
    owner-only: what the computer's file gives, or locks, is not written."""
    own = {
        name: getattr(settings, name)
        for name in NAMES
        if name not in settings.locked
        and not (name in settings.central and settings.central[name] == getattr(settings, name))
    }
    _write(own, path or config_path())


def _write(values: dict[str, Any], path: Path) -> None:
    local_files.make_private_dir(path.parent)
    stored: dict[str, Any] = {"schema_version": SCHEMA_VERSION} | values
    if "database_url" in stored:
        stored["database_url"] = secrets.without_password(stored["database_url"])[0]  # never kept
    tmp = path.with_suffix(".tmp")
    with local_files.open_private(tmp, "w", encoding="utf-8") as fh:  # owner-only, like the data
        fh.write(tomli_w.dumps(stored))
    tmp.replace(path)
