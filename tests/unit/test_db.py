"""Database URLs before anything is opened: bare paths, precedence, malformed URLs named with where
they came from, and the schema head the quick check knows."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmdesk.db import (
    BadUrl,
    check_url,
    head_revision,
    normalise_url,
    open_database,
    resolve_url,
)


def test_bare_paths_become_sqlite_urls_and_postgres_gets_psycopg(tmp_path: Path) -> None:
    assert normalise_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_url_precedence_cli_then_environment_then_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RMDESK_DATABASE_URL", "postgresql://env/db")
    assert resolve_url("postgresql://cli/db", "sqlite:///s", lambda: "sqlite:///d").endswith(
        "cli/db"
    )
    assert resolve_url(None, "sqlite:///s", lambda: "sqlite:///d").endswith("env/db")
    monkeypatch.delenv("RMDESK_DATABASE_URL")
    assert resolve_url(None, "sqlite:///s", lambda: "sqlite:///d") == "sqlite:///s"
    assert resolve_url(None, None, lambda: "sqlite:///d") == "sqlite:///d"


#: malformed URLs, each with the words its message must hold
MALFORMED = [
    ("postgresql://a:s3cret@host:notaport/x", "the port must be a number, not 'notaport'"),
    ("postgresql://a:s3cret@host:99999/x", "from 1 to 65535"),
    ("postgresql://a:s3cret@host:/x", "the port must be a number"),
    ("foo://", "names 'foo'"),
    ("postgresql://[::1", "IPv6 address"),
    ("", "is empty"),
    ("   ", "is empty"),
    ("mysql://u:s3cret@h/db", "names 'mysql'"),
    ("postgresql+psycopg2://u:s3cret@h/db", "names 'postgresql+psycopg2'"),
    ("postgresql://u:s3@cret@h/db", '"@" in the password'),
    ("sqlite://", "names no file"),
    ("://x", "is not a URL"),
]


@pytest.mark.parametrize(("url", "words"), MALFORMED)
def test_a_malformed_url_is_refused_with_where_it_came_from(url: str, words: str) -> None:
    with pytest.raises(BadUrl) as refused:
        check_url(url, "given by --db")
    message = str(refused.value)
    assert message.startswith("The database URL given by --db") and words in message
    assert "s3cret" not in message and "cret" not in message


def test_a_folder_or_a_path_through_a_file_is_not_a_database_file(tmp_path: Path) -> None:
    with pytest.raises(BadUrl, match="is a folder"):
        check_url(str(tmp_path))
    (tmp_path / "plain").write_text("x")
    with pytest.raises(BadUrl, match="plain is a file, not a folder"):
        check_url(f"sqlite:///{tmp_path / 'plain' / 'x.db'}")
    with pytest.raises(BadUrl, match="is a folder"):
        open_database(str(tmp_path))  # opening checks too: no traceback from SQLite or mkdir
    assert check_url(str(tmp_path / "new" / "x.db")).endswith("/new/x.db")  # made at opening
    assert check_url("postgresql://u:pw@[::1]:5432/db") == "postgresql+psycopg://u:pw@[::1]:5432/db"


def test_resolving_names_the_option_the_variable_or_the_settings_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    default = lambda: "sqlite:///d"  # noqa: E731 (a one-line stand-in for the local file)
    with pytest.raises(BadUrl, match="given by --db is empty"):
        resolve_url("", None, default)  # an empty --db is not the local file
    monkeypatch.setenv("RMDESK_DATABASE_URL", "foo://")
    with pytest.raises(BadUrl, match="in RMDESK_DATABASE_URL"):
        resolve_url(None, "sqlite:///s", default)
    monkeypatch.setenv("RMDESK_DATABASE_URL", "")
    with pytest.raises(BadUrl, match="in RMDESK_DATABASE_URL is empty"):
        resolve_url(None, None, default)
    monkeypatch.delenv("RMDESK_DATABASE_URL")
    settings = tmp_path / "settings.toml"
    with pytest.raises(BadUrl, match=f"in the settings file {settings} .*port"):
        resolve_url(None, "postgresql://u@h:x/db", default, settings_file=settings)
    assert resolve_url(None, "", default, settings_file=settings) == "sqlite:///d"  # not set


def test_the_quick_schema_check_knows_the_newest_migration() -> None:
    """A database at SCHEMA_HEAD opens without Alembic: the constant must be Alembic's head."""
    from rmdesk.db import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD
