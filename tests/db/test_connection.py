"""Trying a database before using it: version and schema read, failures in words, no change."""

from __future__ import annotations

import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from rmdesk.db import head_revision
from rmdesk.services.admin import connection
from rmdesk.services.admin.connection import check_connection
from tests.conftest import Databases
from tests.helpers import rows


def test_a_migrated_database_is_reached_and_up_to_date(db_url: str, backend: str) -> None:
    report = check_connection(db_url)
    assert report.ok, report.detail
    assert report.backend == backend
    assert report.server_version[0].isdigit()  # "15.4", or the SQLite library's "3.45.1"
    assert report.schema_revision == report.schema_head == head_revision()
    assert report.up_to_date and not report.needs_migration and not report.newer_schema
    assert report.tables > 10
    assert not report.problem and not report.detail


def test_an_empty_database_needs_migration_and_is_left_empty(
    databases: Databases, backend: str
) -> None:
    url = databases.new(backend, migrated=False)
    if backend == "sqlite":
        sqlite3.connect(url).close()  # an empty file, as a new shared database would be
    report = check_connection(url)
    assert report.ok, report.detail
    assert report.schema_revision is None and report.tables == 0
    assert report.needs_migration and not report.up_to_date and not report.foreign
    # testing migrates nothing: still no tables afterwards
    again = check_connection(url)
    assert again.tables == 0 and again.schema_revision is None


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    target = tmp_path / "new" / "bank.sqlite3"
    report = check_connection(str(target))
    assert report.ok and report.new_file and report.needs_migration
    assert report.backend == "sqlite"
    assert not target.exists() and not target.parent.exists()


def test_a_schema_from_a_newer_rmdesk_is_recognised(databases: Databases, backend: str) -> None:
    url = databases.new(backend)
    if backend == "sqlite":
        with sqlite3.connect(url) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
    else:
        import psycopg

        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
    report = check_connection(url)
    assert report.ok and report.schema_revision == "9999"
    assert report.newer_schema and not report.needs_migration and not report.up_to_date


def test_another_programs_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    report = check_connection(str(path))
    assert report.ok and report.foreign and report.tables == 1


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just words\n" * 100)
    report = check_connection(str(path))
    assert not report.ok
    assert report.problem == connection.NOT_A_DATABASE
    assert "not a database" in report.detail
    assert path.read_text().startswith("not a database")  # left as it was


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_wrong_port_is_a_readable_failure_and_hides_the_password(closed_port: int) -> None:
    report = check_connection(f"postgresql://rm:s3cret@127.0.0.1:{closed_port}/bank")
    assert not report.ok
    assert report.problem == connection.UNREACHABLE
    assert "refused" in report.detail.lower()
    assert "Traceback" not in report.detail and "\n" not in report.detail
    assert report.url == f"postgresql+psycopg://rm:***@127.0.0.1:{closed_port}/bank"
    assert "s3cret" not in report.detail


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and then never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(4)
        yield int(s.getsockname()[1])


def test_a_server_that_never_answers_times_out_quickly(silent_server: int) -> None:
    started = time.monotonic()
    report = check_connection(f"postgresql://rm@127.0.0.1:{silent_server}/bank", timeout=2)
    assert time.monotonic() - started < 10
    assert not report.ok and report.problem == connection.TIMEOUT


def test_failures_on_a_real_server(pg_admin_url: str | None) -> None:
    if pg_admin_url is None:
        pytest.skip("PostgreSQL not available (set RMDESK_TEST_PG_URL)")
    url = make_url(pg_admin_url)
    missing = check_connection(url.set(database="rmdesk_no_such_db").render_as_string(False))
    assert missing.problem == connection.NO_DATABASE
    assert "rmdesk_no_such_db" in missing.detail
    nobody = check_connection(url.set(username="rmdesk_nobody").render_as_string(False))
    assert nobody.problem == connection.LOGIN


def test_checking_writes_nothing_to_a_migrated_database(db_url: str) -> None:
    before = rows(db_url, "SELECT version_num FROM alembic_version")
    check_connection(db_url)
    assert rows(db_url, "SELECT version_num FROM alembic_version") == before
