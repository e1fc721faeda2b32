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


# --- the computer's settings, set by IT -------------------------------------------------------
CENTRAL = """\
database_url = "postgresql://db.bank.example/rmdesk"
language = "zh_CN"
print_masking = "masked"
locked = ["database_url", "print_masking"]
"""


def _central(tmp_path: Path, text: str = CENTRAL) -> Path:
    path = tmp_path / "system.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_computers_file_gives_what_the_user_has_not_chosen(tmp_path: Path) -> None:
    loaded = s.load(tmp_path / "none.toml", system=_central(tmp_path))
    assert loaded.database_url == "postgresql://db.bank.example/rmdesk"
    assert loaded.language == "zh_CN"
    assert loaded.mask_phones_on_paper and loaded.bank_database
    assert loaded.is_locked("database_url") and not loaded.is_locked("language")


def test_a_user_cannot_override_what_it_locks_but_may_the_rest(tmp_path: Path) -> None:
    own = tmp_path / "own.toml"
    own.write_text(
        'database_url = "sqlite:////tmp/mine.sqlite3"\nprint_masking = ""\nlanguage = "en"\n',
        encoding="utf-8",
    )
    loaded = s.load(own, system=_central(tmp_path))
    assert loaded.database_url == "postgresql://db.bank.example/rmdesk"  # locked
    assert loaded.print_masking == "masked"  # locked
    assert loaded.language == "en"  # not locked: the user's choice


def test_an_empty_value_in_an_older_users_file_hides_nothing(tmp_path: Path) -> None:
    """Older versions wrote every setting, empty ones too: database_url = "" must not send a
    bank's desktop to the demo database when IT names the bank's and does not lock it."""
    own = tmp_path / "own.toml"
    own.write_text('schema_version = 2\nlanguage = ""\ndatabase_url = ""\ndemo_clients = 10000\n')
    loaded = s.load(own, system=_central(tmp_path, 'database_url = "postgresql://db/rmdesk"\n'))
    assert loaded.database_url == "postgresql://db/rmdesk"


def test_saving_keeps_only_the_users_own_choices(tmp_path: Path) -> None:
    own, system = tmp_path / "own.toml", _central(tmp_path)
    loaded = s.load(own, system=system)
    loaded.language = "en"
    loaded.database_url = "postgresql://elsewhere/db"  # locked: not written
    s.save(loaded, own)
    text = own.read_text()
    assert 'language = "en"' in text
    assert "database_url" not in text and "print_masking" not in text
    again = s.load(own, system=system)
    assert (again.language, again.database_url) == ("en", "postgresql://db.bank.example/rmdesk")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('databse_url = "postgresql://db/rmdesk"', "unknown setting 'databse_url'"),
        ('locked = ["databse_url"]', "unknown setting 'databse_url'"),
        ('locked = "database_url"', "locked must be a list"),
        ('print_masking = "whole"', 'print_masking must be "masked" or empty'),
        ("demo_clients = 0", "demo_clients must be between"),
        ("demo_clients = true", "demo_clients must be a whole number"),
        ("language = 1", "language must be text in quotes"),
    ],
)
def test_a_bad_computers_file_names_itself_and_the_setting(
    tmp_path: Path, content: str, message: str
) -> None:
    system = _central(tmp_path, content)
    with pytest.raises(s.SettingsError, match=message) as caught:
        s.load(tmp_path / "none.toml", system=system)
    assert str(system) in str(caught.value)


def test_the_computers_file_is_found_where_it_is_said_to_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(s.SYSTEM_ENV, str(tmp_path / "it.toml"))
    assert s.system_config_path() == tmp_path / "it.toml"
    monkeypatch.delenv(s.SYSTEM_ENV)
    expected = "settings.toml"
    assert s.system_config_path().name == expected
    assert s.system_config_path().parent.name == "rmdesk"


def test_the_sample_it_is_given_is_a_valid_computers_file() -> None:
    sample = Path(__file__).resolve().parents[2] / "packaging" / "settings.sample.toml"
    values, locked = s.load_central(sample)
    assert values["database_url"].startswith("postgresql://")
    assert values["print_masking"] == "masked"
    assert locked == {"database_url", "print_masking"}


@pytest.mark.parametrize("kind", ["folder", "pipe", "device", "huge", "latin1"])
def test_what_is_no_settings_file_is_refused_without_reading_it_whole(
    tmp_path: Path, kind: str
) -> None:
    import os

    path = tmp_path / "settings.toml"
    if kind == "folder":
        path.mkdir()
    elif kind == "pipe":
        os.mkfifo(path)  # opening it would block until a writer came
    elif kind == "device":
        path.symlink_to("/dev/zero")  # reading it would never end
    elif kind == "huge":
        path.write_text("# padding\n" * 100_000)
    else:
        path.write_bytes('language = "zh_CN" # 客户\n'.encode("gb18030"))
    for read in (lambda: s.load(path), lambda: s.load(tmp_path / "none.toml", system=path)):
        with pytest.raises(s.SettingsError, match="cannot read the settings") as caught:
            read()
        assert str(path) in str(caught.value)
