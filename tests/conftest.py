"""Test set-up shared by every folder: a fixed environment, the public data sets, databases on
SQLite and PostgreSQL, and demo banks built once per run.

Tests are in folders by kind, each marked with its folder's name: tests/unit (no database, no
Qt), tests/db (services on both databases), tests/gui (pytest-qt, offscreen), tests/e2e (the real
programs as subprocesses), tests/stress (concurrency, crashes, fuzzing), tests/package (the
frozen build and the .deb, built once per run in the background: tests/package_build.py).
``--backend sqlite`` keeps only the SQLite half of the database tests (as ``make check`` does).

Database tests take ``db_url`` (or ``demo_bank``, or one of the seeded fixtures) and run once per
database; each gets its own database, copied from a migrated template or from a demo bank built
once in the run (tests/databases.py, tests/demo_banks.py).
"""

from __future__ import annotations

import os
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

import keyring  # noqa: E402 (after the environment is fixed)
from keyring.backend import KeyringBackend  # noqa: E402 (as above)
from keyring.errors import PasswordDeleteError  # noqa: E402 (as above)

from tests.databases import BACKENDS, Databases, Server, Templates, in_ci  # noqa: E402 (as above)
from tests.demo_banks import DemoBank, DemoBanks, Recipe  # noqa: E402 (as above)

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("unit", "db", "gui", "e2e", "stress", "package")
__all__ = ["BACKENDS", "ROOT", "Databases", "MemoryKeyring", "Recipe"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        action="append",
        choices=BACKENDS,
        help="run the database tests on this database only (repeat for several; default: all)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with its folder's kind; leave out the backends not asked for."""
    tests = ROOT / "tests"
    for item in items:
        parts = item.path.relative_to(tests).parts if item.path.is_relative_to(tests) else ()
        if parts and parts[0] in KINDS:
            item.add_marker(parts[0])
    chosen = config.getoption("backend")
    if not chosen:
        return
    left_out = set(BACKENDS) - set(chosen)
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        on = {v for v in params.values() if isinstance(v, str) and v in BACKENDS}
        (drop if on & left_out else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_collection_finish(session: pytest.Session) -> None:
    """A run with packaging tests starts building the package now, beside the other tests."""
    from tests import package_build

    if any(item.get_closest_marker("package") for item in session.items):
        package_build.started = package_build.Build()


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests import package_build

    if package_build.started is not None:
        package_build.started.close()
        package_build.started = None


def data_set(relative: str) -> Path:
    """A public data set: under $RMDESK_DATA_DIR, else ../shared/data beside the checkout.
    Missing: a skip saying where it was looked for (a failure under CI)."""
    given = os.environ.get("RMDESK_DATA_DIR")
    folders = [Path(given)] if given else []
    folders.append(ROOT.parent / "shared" / "data")
    for folder in folders:
        if (folder / relative).exists():
            return folder / relative
    message = (
        f"the public data set {relative} is not in {' or '.join(map(str, folders))}: "
        "set RMDESK_DATA_DIR to the folder holding berka/ and bank_marketing/"
    )
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def berka_dir() -> Path:
    """The PKDD'99 (Berka) bank's files: account.asc, trans.asc, ..."""
    return data_set("berka/trans.asc").parent


@pytest.fixture(scope="session")
def bank_marketing_csv() -> Path:
    """The UCI bank-marketing file."""
    return data_set("bank_marketing/bank-full.csv")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings and the local database live in a fresh folder for every test; the computer's
    settings file is one in it too (none unless a test writes it), never /etc's."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("RMDESK_HOME", str(home))
    monkeypatch.setenv("RMDESK_SYSTEM_SETTINGS", str(home / "system-settings.toml"))
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


@pytest.fixture(scope="session")
def pg_server(pytestconfig: pytest.Config) -> Server:
    chosen = pytestconfig.getoption("backend")
    return Server(wanted=not chosen or "postgresql" in chosen)


@pytest.fixture(scope="session")
def pg_admin_url(pg_server: Server) -> str | None:
    """The PostgreSQL server to test against, or None (a failure instead, under CI)."""
    return pg_server.admin_url()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory, pg_server: Server) -> Iterator[Templates]:
    """One migrated, empty database per backend, to copy for each test (made on first use)."""
    made = Templates(tmp_path_factory.mktemp("template"), pg_server)
    yield made
    made.drop_all()


@pytest.fixture
def databases(tmp_path: Path, templates: Templates) -> Iterator[Databases]:
    made = Databases(tmp_path, templates)
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def module_databases(
    tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("module"), templates)
    yield made
    made.drop_all()


@pytest.fixture(scope="session")
def demo_banks(
    tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[DemoBanks]:
    """The demo banks of this run, each built once per backend (tests/demo_banks.py)."""
    built = Databases(tmp_path_factory.mktemp("demo_banks"), templates)
    yield DemoBanks(built)
    built.drop_all()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(databases: Databases, backend: str) -> str:
    """A fresh, migrated, empty database on each backend."""
    return databases.new(backend)


@pytest.fixture
def demo_bank(demo_banks: DemoBanks, databases: Databases, backend: str) -> DemoBank:
    """Copies of demo banks on each backend, fresh for this test: ``demo_bank(300)`` holds 300
    clients with data to 2026-10-31, ``demo_bank(300, scored_on=MONDAY)`` is scored too; the
    keywords are those of tests.demo_banks.Recipe. Returns the copy's URL."""

    def copy(clients: int, **recipe: Any) -> str:
        return demo_banks.copy(Recipe(clients, **recipe), backend, databases)

    return copy


@pytest.fixture(scope="session")
def secured(
    tmp_path_factory: pytest.TempPathFactory, demo_banks: DemoBanks, pg_server: Server
) -> Iterator[Any]:
    """One scored demo bank on PostgreSQL with row-level security and a login of its own for
    six of its people (tests/secured_bank.py), shared by the tests that play them."""
    from tests.secured_bank import RECIPE, bank_fixture

    made = Databases(tmp_path_factory.mktemp("secured"), demo_banks.databases.templates)
    try:
        url = demo_banks.copy(RECIPE, "postgresql", made)
        yield from bank_fixture(url, pg_server.required())
    finally:
        made.drop_all()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How the attacks on the shared database ended, per role (docs/security.md quotes it)."""
    from tests.secured_bank import TRIED, summary

    if TRIED:
        terminalreporter.write_sep("-", "attacks on PostgreSQL with each person's own login")
        terminalreporter.write_line(summary())
