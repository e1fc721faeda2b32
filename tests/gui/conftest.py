"""GUI tests: offscreen Qt, work run immediately on the GUI thread, translations compiled."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QMessageBox

from rmdesk import resources
from rmdesk.db import Database, open_database
from rmdesk.services.accounts.users import account, user_id
from rmdesk.services.common.access import OPERATOR
from rmdesk.tasks import ImmediateRunner
from rmdesk.views.widgets.context import ViewContext
from rmdesk.views.widgets.formatting import Formats
from tests.demo_banks import DemoBanks, Recipe


@pytest.fixture(autouse=True)
def _no_unexpected_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message box no test asked for fails the test at once (offscreen, it would wait for a
    click forever); tests that expect one replace these again."""

    def unexpected(_parent: object, title: object, text: object, *_rest: object) -> None:
        pytest.fail(f"unexpected message box: {title}: {text}")

    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(unexpected))


@pytest.fixture(scope="session")
def compiled_translations() -> Path:
    """The zh_CN catalogue compiled from its .ts files (as `make` does): tests see real strings."""
    folder = resources.translations_dir()
    sources = sorted((folder / "zh_CN").glob("*.ts"))
    qm = folder / "rmdesk_zh_CN.qm"
    if not qm.exists() or qm.stat().st_mtime < max(ts.stat().st_mtime for ts in sources):
        lrelease = Path(sys.executable).with_name("pyside6-lrelease")
        subprocess.run([str(lrelease), "-silent", *map(str, sources), "-qm", str(qm)], check=True)
    return qm


@pytest.fixture
def chinese(qapp: object, compiled_translations: Path) -> Iterator[QLocale]:
    """The interface in Chinese for one test: rmdesk's catalogue installed, zh_CN the locale."""
    translator = QTranslator()
    assert translator.load("rmdesk_zh_CN", str(resources.translations_dir()))
    QCoreApplication.installTranslator(translator)
    locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    QLocale.setDefault(locale)
    yield locale
    QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))


@pytest.fixture
def runner() -> ImmediateRunner:
    return ImmediateRunner()


@pytest.fixture
def english(qapp: object) -> Iterator[None]:
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield


#: The day the GUI tests live on: the Monday after the scored demo bank's data date.
TODAY = dt.date(2026, 11, 2)
AS_OF = dt.date(2026, 10, 31)


#: A 1,500-client demo bank, scored and with a proposed plan for rm01 (the GUI tests' bank)
SCORED = Recipe(1_500, as_of=AS_OF, scored_on=TODAY, plan=("rm01", TODAY, None))


@pytest.fixture(scope="session")
def scored_template(demo_banks: DemoBanks) -> Path:
    """The scored 1,500-client bank on SQLite, made once per run."""
    return Path(demo_banks.source(SCORED, "sqlite"))


@pytest.fixture
def scored_db(scored_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the scored demo bank for one test (tests may write to it)."""
    path = tmp_path / "scored.sqlite3"
    shutil.copy(scored_template, path)
    db = open_database(str(path))
    yield db
    db.dispose()


def context_for(
    db: Database, username: str, *, language: str = "en", today: dt.date = TODAY
) -> ViewContext:
    """A ViewContext for ``username`` with the immediate runner (work runs at once)."""
    locale = (
        QLocale(QLocale.Language.Chinese, QLocale.Country.China)
        if language == "zh_CN"
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    )
    return ViewContext(
        ImmediateRunner(),
        Formats(locale),
        db,
        account(db.engine, user_id(db.engine, username, who=OPERATOR)),
        language=language,
        today=today,
    )
