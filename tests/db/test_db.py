"""Opening databases: URLs, SQLite pragmas, foreign keys, migrations up and down, backups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from rmdesk.db import (
    BadUrl,
    DatabaseError,
    check_url,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    migrate,
    normalise_url,
    open_database,
    resolve_url,
)
from rmdesk.models import Base


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


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "a.sqlite3"))
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_foreign_keys_are_enforced(db_url: str) -> None:
    db = open_database(db_url)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO holdings (source, external_id, client_id, product_id, currency, "
                "attributes) VALUES ('t', 'h1', 999, 999, 'CNY', '{}')"
            )
        )
    db.dispose()


def test_migrations_upgrade_from_empty_match_the_model_and_downgrade_to_nothing(
    databases, backend: str
) -> None:
    url = databases.new(backend, migrated=False)
    engine = make_engine(url)
    assert current_revision(engine) is None
    migrate(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"the migrations and the model disagree: {diff}"
    downgrade(engine, "base")
    left = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert left == set()
    assert current_revision(engine) is None
    migrate(engine)  # and up again
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_sqlite_file_is_backed_up_before_it_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(str(path))
    migrate(engine)
    downgrade(engine, "base")  # a file at an older revision (here: the empty one)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE keepsake (x INTEGER)")
    engine.dispose()
    db = open_database(str(path))
    assert db.backup is not None and db.backup.exists()
    assert db.backup.name.startswith("old.sqlite3.before-head-")
    import sqlite3

    with sqlite3.connect(db.backup) as copy:
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master")}
    assert "keepsake" in tables
    db.dispose()


def test_a_database_that_cannot_be_reached_gives_a_readable_error() -> None:
    with pytest.raises(DatabaseError, match="Cannot open the database"):
        open_database("postgresql://nobody@127.0.0.1:1/none")


def test_money_is_stored_exactly_as_integers(db_url: str) -> None:
    big = 9_007_199_254_740_993  # above 2**53: a float would lose the last unit
    db = open_database(db_url)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO products (code, name_zh, name_en, family, active, version) "
                "VALUES ('P', '产品', 'Product', 'deposit', true, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO product_pricing (product_id, version, valid_from, ftp_rate, "
                "client_rate, fee_monthly_minor, fee_rate, cost_to_serve_minor, pd, lgd) "
                "VALUES (1, 1, :d, 0.0123456, 0.001, :big, 0, 1, 0, 0)"
            ),
            {"d": dt.date(2024, 1, 1), "big": big},
        )
        fee, rate = conn.execute(
            text("SELECT fee_monthly_minor, ftp_rate FROM product_pricing")
        ).one()
    assert fee == big
    assert str(rate).startswith("0.0123456")
    money_types = {
        str(c.type)
        for t in Base.metadata.tables.values()
        for c in t.columns
        if c.name.endswith("_minor")
    }
    assert money_types == {"BIGINT"}
    db.dispose()


def test_an_unknown_enum_value_is_refused_by_the_database(db_url: str) -> None:
    db = open_database(db_url)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, display_name, role, active, visits_per_day, "
                "version) VALUES ('x', 'X', 'emperor', true, 4, 1)"
            )
        )
    db.dispose()


def test_the_quick_schema_check_knows_the_newest_migration() -> None:
    """A database at SCHEMA_HEAD opens without Alembic: the constant must be Alembic's head."""
    from rmdesk.db import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD


def test_opening_an_up_to_date_database_does_not_load_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    open_database(str(tmp_path / "x.sqlite3")).dispose()
    code = (
        "import sys; from rmdesk.db import open_database; "
        f"open_database({str(tmp_path / 'x.sqlite3')!r}).dispose(); "
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
