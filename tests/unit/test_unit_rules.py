"""The rules of tests/unit hold (tests/unit/conftest.py): a test here that opens a database, asks
for a database or Qt fixture, or imports Qt fails, saying where it belongs."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine

from tests.unit import conftest as rules


def test_opening_a_database_fails_the_test(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="opened a database: it belongs in tests/db"):
        create_engine("sqlite://")
    with pytest.raises(pytest.fail.Exception, match="opened a database"):
        sqlite3.connect(tmp_path / "x.sqlite3")
    assert not (tmp_path / "x.sqlite3").exists()


def _item(path: Path, *fixtures: str) -> SimpleNamespace:
    return SimpleNamespace(nodeid=f"{path.name}::test_x", fixturenames=list(fixtures), path=path)


def test_database_and_qt_fixtures_and_qt_imports_are_refused(tmp_path: Path) -> None:
    plain = tmp_path / "test_plain.py"
    plain.write_text("import os\nfrom rmdesk.services.common import masking\n")
    rules.pytest_runtest_setup(_item(plain, "tmp_path", "monkeypatch"))  # nothing to refuse
    for fixture in ("db_url", "demo_bank", "secured", "qtbot"):
        with pytest.raises(pytest.fail.Exception, match=f"asks for {fixture}: it belongs in"):
            rules.pytest_runtest_setup(_item(plain, "tmp_path", fixture))
    qt = tmp_path / "test_qt.py"
    qt.write_text(
        "import os\nfrom PySide6.QtCore import Qt\n\ndef test_x():\n"
        "    from rmdesk import views\n    import rmdesk.tasks\n"
    )
    assert rules.qt_imports(qt) == ("PySide6.QtCore", "rmdesk.views", "rmdesk.tasks")
    with pytest.raises(pytest.fail.Exception, match=r"test_qt\.py imports PySide6\.QtCore"):
        rules.pytest_runtest_setup(_item(qt))
