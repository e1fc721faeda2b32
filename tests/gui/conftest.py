"""GUI tests: offscreen Qt, work run immediately on the GUI thread, translations compiled."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from rmdesk import resources
from rmdesk.db import Database, open_database
from rmdesk.services.demo_bank import DemoSpec, build
from rmdesk.tasks import ImmediateRunner
from tests.conftest import Databases


@pytest.fixture(scope="session")
def compiled_translations() -> Path:
    """The zh_CN catalogue compiled from its .ts (as `make` does), so tests see real strings."""
    folder = resources.translations_dir()
    ts = folder / "rmdesk_zh_CN.ts"
    qm = folder / "rmdesk_zh_CN.qm"
    if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
        lrelease = Path(sys.executable).with_name("pyside6-lrelease")
        subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


@pytest.fixture(scope="module")
def demo_db(module_databases: Databases) -> Iterator[Database]:
    db = open_database(module_databases.new("sqlite"))
    build(db.engine, DemoSpec(clients=1_500, as_of=dt.date(2026, 10, 31)))
    yield db
    db.dispose()


@pytest.fixture
def runner() -> ImmediateRunner:
    return ImmediateRunner()


@pytest.fixture
def english(qapp: object) -> Iterator[None]:
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
