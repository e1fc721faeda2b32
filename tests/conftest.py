"""Test set-up shared by every folder: a fixed environment and databases on SQLite and PostgreSQL.

Database tests take ``db_url`` (or one of the seeded fixtures) and run once per database.
PostgreSQL comes from $RMDESK_TEST_PG_URL; when $CI is true a missing server fails the run
instead of skipping those tests. Each test gets its own database, copied from one migrated
template (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL).
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# A fixed world for every test: no screen, one time zone, one locale, no real user settings.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["TZ"] = "Asia/Shanghai"
os.environ["LANG"] = "C.UTF-8"
os.environ.pop("RMDESK_DATABASE_URL", None)
time.tzset()

import keyring  # noqa: E402 (as above)
import psycopg  # noqa: E402 (after the environment is fixed)
from keyring.backend import KeyringBackend  # noqa: E402 (as above)
from keyring.errors import PasswordDeleteError  # noqa: E402 (as above)
from sqlalchemy import make_url  # noqa: E402 (as above)

from rmdesk.db import open_database  # noqa: E402 (as above)

ROOT = Path(__file__).resolve().parent.parent


def _shared_data() -> Path:
    """The public data sets: $RMDESK_DATA_DIR, else ../shared/data beside the checkout."""
    candidates = [
        os.environ.get("RMDESK_DATA_DIR"),
        ROOT.parent / "shared" / "data",
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "berka" / "trans.asc").exists():
            return Path(candidate)
    raise RuntimeError(
        "the public data sets (berka/, bank_marketing/) were not found; set RMDESK_DATA_DIR"
    )


DATA = _shared_data()
BERKA = DATA / "berka"
BANK_MARKETING = DATA / "bank_marketing" / "bank-full.csv"
BACKENDS = ["sqlite", "postgresql"]
_counter = itertools.count()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings and the local database live in a fresh folder for every test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("RMDESK_HOME", str(home))
    return home


class MemoryKeyring(KeyringBackend):
    """A system keyring that lives for one test: tests never touch a real user's keyring."""

    priority = 1  # type: ignore[assignment]  # keyring declares it as a class property

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.kept.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test has an empty keyring of its own."""
    before = keyring.get_keyring()
    kept = MemoryKeyring()
    keyring.set_keyring(kept)
    yield kept
    keyring.set_keyring(before)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_admin_url() -> str | None:
    """The PostgreSQL server to test against, or None (a failure instead, under CI)."""
    url = os.environ.get("RMDESK_TEST_PG_URL")
    if not url:
        if _in_ci():
            pytest.fail("CI needs PostgreSQL: set RMDESK_TEST_PG_URL", pytrace=False)
        return None
    try:
        with psycopg.connect(url, connect_timeout=5):
            pass
    except psycopg.OperationalError as exc:
        if _in_ci():
            pytest.fail(f"CI needs PostgreSQL at {url}: {exc}", pytrace=False)
        return None
    return url


def _pg_url(admin_url: str, database: str) -> str:
    url = make_url(admin_url).set(database=database)
    return url.render_as_string(hide_password=False)


def _pg_exec(admin_url: str, sql: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def templates(
    tmp_path_factory: pytest.TempPathFactory, pg_admin_url: str | None
) -> Iterator[dict[str, str]]:
    """One migrated, empty database per backend, to copy for each test."""
    made: dict[str, str] = {}
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    open_database(str(path)).dispose()
    made["sqlite"] = str(path)
    tpl = f"rmdesk_tpl_{os.getpid()}"
    if pg_admin_url:
        _pg_exec(pg_admin_url, f"DROP DATABASE IF EXISTS {tpl} WITH (FORCE)")
        _pg_exec(pg_admin_url, f"CREATE DATABASE {tpl}")
        open_database(_pg_url(pg_admin_url, tpl)).dispose()
        made["postgresql"] = tpl
    yield made
    if pg_admin_url:
        _pg_exec(pg_admin_url, f"DROP DATABASE IF EXISTS {tpl} WITH (FORCE)")


class Databases:
    """Makes fresh databases for a test (or a module) and drops them afterwards."""

    def __init__(self, folder: Path, templates: dict[str, str], admin: str | None) -> None:
        self.folder, self.templates, self.admin = folder, templates, admin
        self.dropped: list[str] = []

    def new(self, backend: str, *, migrated: bool = True) -> str:
        n = next(_counter)
        if backend == "sqlite":
            target = self.folder / f"db{n}.sqlite3"
            if migrated:
                shutil.copy(self.templates["sqlite"], target)
            return str(target)
        if self.admin is None:
            if _in_ci():
                pytest.fail("PostgreSQL is missing", pytrace=False)
            pytest.skip("PostgreSQL not available (set RMDESK_TEST_PG_URL)")
        name = f"rmdesk_t_{os.getpid()}_{n}"
        template = f" TEMPLATE {self.templates['postgresql']}" if migrated else ""
        _pg_exec(self.admin, f"CREATE DATABASE {name}{template}")
        self.dropped.append(name)
        return _pg_url(self.admin, name)

    def drop_all(self) -> None:
        for name in self.dropped:
            assert self.admin is not None
            _pg_exec(self.admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def databases(
    tmp_path: Path, templates: dict[str, str], pg_admin_url: str | None
) -> Iterator[Databases]:
    made = Databases(tmp_path, templates, pg_admin_url)
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def module_databases(
    tmp_path_factory: pytest.TempPathFactory, templates: dict[str, str], pg_admin_url: str | None
) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("module"), templates, pg_admin_url)
    yield made
    made.drop_all()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(databases: Databases, backend: str) -> str:
    """A fresh, migrated, empty database on each backend."""
    return databases.new(backend)


@pytest.fixture(scope="session")
def secured(
    tmp_path_factory: pytest.TempPathFactory, templates: dict[str, str], pg_admin_url: str | None
) -> Iterator[Any]:
    """One scored demo bank on PostgreSQL with row-level security and a login of its own for
    six of its people (tests/secured_bank.py), shared by the tests that play them."""
    from tests.secured_bank import bank_fixture

    made = Databases(tmp_path_factory.mktemp("secured"), templates, pg_admin_url)
    try:
        yield from bank_fixture(made, pg_admin_url)
    finally:
        made.drop_all()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How the attacks on the shared database ended, per role (docs/security.md quotes it)."""
    from tests.secured_bank import TRIED, summary

    if TRIED:
        terminalreporter.write_sep("-", "attacks on PostgreSQL with each person's own login")
        terminalreporter.write_line(summary())
