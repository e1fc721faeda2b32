"""The shared database's password: in the system keyring, never in the settings file."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from click.testing import CliRunner
from keyring.backends.fail import Keyring as NoBackend

from rmdesk import secrets
from rmdesk import settings as s
from rmdesk.cli import main
from tests.conftest import MemoryKeyring

URL = "postgresql+psycopg://rm01:s3cret%40x@db.bank:5432/rmdesk"
BARE = "postgresql+psycopg://rm01@db.bank:5432/rmdesk"


def test_a_password_goes_to_the_keyring_and_comes_back(memory_keyring: MemoryKeyring) -> None:
    assert secrets.without_password(URL) == (BARE, "s3cret@x")
    assert secrets.remember(URL) == BARE
    assert memory_keyring.kept == {("rmdesk", BARE): "s3cret@x"}
    assert secrets.recall(BARE) == URL
    assert secrets.recall("postgresql+psycopg://rm02@db.bank:5432/rmdesk").endswith(
        "rm02@db.bank:5432/rmdesk"
    )
    assert secrets.recall("sqlite:////tmp/x.sqlite3") == "sqlite:////tmp/x.sqlite3"
    secrets.forget(BARE)
    assert secrets.recall(BARE) == BARE
    secrets.forget(BARE)  # nothing kept: no error


def test_without_a_keyring_nothing_is_stored() -> None:
    keyring.set_keyring(NoBackend())
    with pytest.raises(secrets.NoKeyring):
        secrets.remember(URL)
    assert secrets.recall(BARE) == BARE  # the app will ask


def test_the_settings_file_never_holds_a_password(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    s.save(s.Settings(database_url=URL), path)
    text = path.read_text()
    assert "s3cret" not in text and BARE in text


def test_an_older_settings_file_gives_its_password_to_the_keyring(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(f'schema_version = 1\ndatabase_url = "{URL}"\n')
    loaded = s.load(path)
    assert loaded.database_url == BARE
    assert memory_keyring.kept[("rmdesk", BARE)] == "s3cret@x"
    text = path.read_text()  # written back at once, without it
    assert "s3cret" not in text and "schema_version = 2" in text


def test_the_command_line_connects_with_the_kept_password(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str) -> object:
        opened.append(url)
        raise SystemExit(0)

    monkeypatch.setattr("rmdesk.cli.common.open_database", fake_open)
    secrets.remember(URL)
    CliRunner().invoke(main, ["info", "--db", BARE])
    assert opened == [URL]
