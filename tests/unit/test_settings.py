"""The settings file: defaults, a round trip, and clear errors for a bad or newer file."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmdesk import settings as s


def test_defaults_without_a_file(tmp_path: Path) -> None:
    assert s.load(tmp_path / "none.toml") == s.Settings()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    s.save(s.Settings(language="en", database_url="postgresql://h/db", demo_clients=500), path)
    assert s.load(path) == s.Settings(
        language="en", database_url="postgresql://h/db", demo_clients=500
    )


def test_files_live_under_rmdesk_home(_isolated_home: Path) -> None:
    assert s.config_path() == _isolated_home / "settings.toml"
    assert s.local_database_url() == f"sqlite:///{_isolated_home / 'rmdesk.sqlite3'}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("language = ", "cannot read the settings"),
        ("schema_version = 99", "newer rmdesk"),
        ('language = "fr"', "language must be one of"),
    ],
)
def test_a_bad_file_names_itself(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(content)
    with pytest.raises(s.SettingsError, match=message) as caught:
        s.load(path)
    assert str(path) in str(caught.value)


def test_an_older_file_is_upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('schema_version = 1\nlang = "en"\n')
    monkeypatch.setattr(s, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(s.UPGRADES, 1, lambda raw: {"language": raw.pop("lang"), **raw})
    assert s.load(path).language == "en"
