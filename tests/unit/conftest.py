"""tests/unit holds what needs no database and no Qt: pure functions, rules on small frames,
formatting, parsing. It runs in seconds, so it is kept that way by a machine: a test here fails
at once, saying where it belongs, if it asks for a database or Qt fixture, if its module imports
Qt or the interface, or if it opens a database (a SQLAlchemy engine, sqlite3, psycopg).
"""

from __future__ import annotations

import ast
import sqlite3
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import Engine

#: fixtures that bring a database or Qt (tests/conftest.py, tests/gui/conftest.py, pytest-qt)
DATABASE_FIXTURES = frozenset(
    {"db_url", "databases", "module_databases", "backend", "templates", "pg_server",
     "pg_admin_url", "demo_bank", "demo_banks", "secured", "scored_db", "scored_template"}
)  # fmt: skip
QT_FIXTURES = frozenset({"qtbot", "qapp", "qtmodeltester", "qtlog", "chinese", "english"})
#: modules a unit test may not import: Qt and what is built on it
QT_MODULES = ("PySide6", "pytestqt", "rmdesk.views", "rmdesk.app", "rmdesk.tasks", "rmdesk.launch")
ELSEWHERE = "it belongs in tests/db (a database) or tests/gui (Qt)"


def _is_qt(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in QT_MODULES)


@cache
def qt_imports(path: Path) -> tuple[str, ...]:
    """The Qt modules (and rmdesk's Qt layers) a test module imports, anywhere in it."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _is_qt(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found += [node.module] if _is_qt(node.module) else [n for n in names if _is_qt(n)]
    return tuple(dict.fromkeys(found))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture is made: no database or Qt fixture, no Qt import."""
    asked = set(getattr(item, "fixturenames", ()))
    if wrong := sorted(asked & (DATABASE_FIXTURES | QT_FIXTURES)):
        pytest.fail(f"{item.nodeid} asks for {', '.join(wrong)}: {ELSEWHERE}", pytrace=False)
    if imported := qt_imports(item.path):
        pytest.fail(f"{item.path.name} imports {', '.join(imported)}: {ELSEWHERE}", pytrace=False)


@pytest.fixture(autouse=True)
def _no_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Making an engine or connecting to a database fails the test (BaseException: no
    ``except Exception`` in the code under test can hide it)."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        pytest.fail(f"a unit test opened a database: {ELSEWHERE}", pytrace=False)

    monkeypatch.setattr(Engine, "__init__", refuse)
    monkeypatch.setattr(sqlite3, "connect", refuse)
    monkeypatch.setattr(psycopg, "connect", refuse)
    yield
