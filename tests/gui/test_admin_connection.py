"""The admin's data page, its database half: the current database shown without its password,
trying a server or a file, saving the URL through the settings; the page in Chinese; imports on
an administrator's own login said to be the owner's (the imports: test_admin_data.py)."""

from __future__ import annotations

import dataclasses
import os
import socket
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from rmdesk.db import Database, head_revision
from rmdesk.settings import Settings
from tests.conftest import MemoryKeyring
from tests.gui.conftest import context_for
from tests.gui.test_admin_data import (
    GOOD_CLIENTS,
    PG_URL,
    FakeStore,
    click,
    make_tab,
    write,
)


def test_the_current_database_is_shown_without_its_password(
    qtbot: QtBot, scored_db: Database
) -> None:
    secret = dataclasses.replace(scored_db, url="postgresql+psycopg://rm:s3cret@db.bank:5432/rm")
    ctx = dataclasses.replace(context_for(scored_db, "admin"), db=secret)
    store = FakeStore(Settings(database_url="postgresql://rm:hunter2@other:5432/rm"))
    tab = make_tab(qtbot, ctx, store)
    panel = tab.connection
    assert "postgresql+psycopg://rm:***@db.bank:5432/rm" in panel.current.text()
    assert "***@other" in panel.saved.text()
    words = " ".join(label.text() for label in tab.findChildren(QLabel))
    assert "s3cret" not in words and "hunter2" not in words


def test_test_connection_on_the_postgresql_server(qtbot: QtBot, scored_db: Database) -> None:
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.connection
    panel.url.setText(PG_URL)
    click(qtbot, panel.test_button)
    report = panel.last_report
    assert report is not None
    if not report.ok and report.problem == "unreachable" and not os.environ.get("CI"):
        pytest.skip(f"no PostgreSQL server at {PG_URL}")
    assert report.ok, report.detail
    assert report.server_version[0].isdigit()
    shown = panel.result.text()
    assert f"Connected to PostgreSQL {report.server_version}" in shown
    if report.schema_revision is None:
        assert "rmdesk will create its tables" in shown
    elif report.up_to_date:
        assert f"Schema revision {head_revision()}: up to date." in shown
    assert panel.result.property("kind") == "ok"


def test_a_wrong_port_is_said_in_words(qtbot: QtBot, scored_db: Database) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.connection
    panel.url.setText(f"postgresql://postgres:pw@127.0.0.1:{port}/test")
    click(qtbot, panel.test_button)
    shown = panel.result.text()
    assert shown.startswith("Cannot reach the database: check the server name and port")
    assert "Connection refused" in shown
    assert "Traceback" not in shown and "pw@" not in shown
    assert panel.result.property("kind") == "error"
    assert panel.test_button.isEnabled()


def test_a_sqlite_file_is_tested_without_creating_it(
    qtbot: QtBot, scored_db: Database, tmp_path: Path
) -> None:
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.connection
    target = tmp_path / "branch.sqlite3"
    panel.url.setText(str(target))
    click(qtbot, panel.test_button)
    assert "does not exist yet" in panel.result.text()
    assert not target.exists()
    panel.url.setText(scored_db.engine.url.database or "")
    click(qtbot, panel.test_button)
    assert "Opened the SQLite file" in panel.result.text()
    assert f"Schema revision {head_revision()}: up to date." in panel.result.text()


def test_save_writes_the_url_through_the_store(
    qtbot: QtBot, scored_db: Database, memory_keyring: MemoryKeyring
) -> None:
    store = FakeStore(Settings(language="zh_CN", demo_clients=500))
    tab = make_tab(qtbot, context_for(scored_db, "admin"), store)
    panel = tab.connection
    assert not panel.save_button.isEnabled()
    panel.url.setText("postgres://rm:pw@db.bank:5432/rmdesk")
    click(qtbot, panel.save_button)
    assert len(store.saved) == 1
    saved = store.saved[0]
    # the password goes to the system keyring, never into the settings
    assert saved.database_url == "postgresql+psycopg://rm@db.bank:5432/rmdesk"
    assert memory_keyring.kept == {("rmdesk", saved.database_url): "pw"}
    assert saved.language == "zh_CN" and saved.demo_clients == 500  # the rest kept
    assert "restart rmdesk" in panel.result.text() and "system keyring" in panel.result.text()
    assert "pw@" not in panel.result.text()
    assert panel.saved.text() == "postgresql+psycopg://rm@db.bank:5432/rmdesk"
    # a computer without a keyring: saved without the password, which is asked for at start
    keyring.set_keyring(NoBackend())
    panel.url.setText("postgres://rm:other@db2.bank/rmdesk")
    click(qtbot, panel.save_button)
    assert store.saved[-1].database_url == "postgresql+psycopg://rm@db2.bank/rmdesk"
    assert "ask for it at each start" in panel.result.text()

    click(qtbot, panel.local_button)
    assert store.saved[-1].database_url == ""
    assert panel.saved.text() == "the local database (default)"


def test_save_refuses_what_is_not_a_database(qtbot: QtBot, scored_db: Database) -> None:
    store = FakeStore()
    tab = make_tab(qtbot, context_for(scored_db, "admin"), store)
    panel = tab.connection
    panel.url.setText("mysql://rm@db.bank/rmdesk")
    click(qtbot, panel.save_button)
    assert store.saved == []
    assert "PostgreSQL server or a SQLite file only" in panel.result.text()


def test_a_settings_file_that_cannot_be_written(qtbot: QtBot, scored_db: Database) -> None:
    class Broken(FakeStore):
        def save(self, settings: Settings) -> None:
            raise PermissionError("settings.toml: permission denied")

    tab = make_tab(qtbot, context_for(scored_db, "admin"), Broken())
    panel = tab.connection
    panel.url.setText("postgresql://rm@db.bank/rmdesk")
    click(qtbot, panel.save_button)
    assert panel.result.text() == (
        "The setting could not be saved: settings.toml: permission denied"
    )


def test_the_page_speaks_chinese(
    qtbot: QtBot, scored_db: Database, chinese: object, tmp_path: Path
) -> None:
    tab = make_tab(qtbot, context_for(scored_db, "admin", language="zh_CN"))
    assert [tab.tabs.tabText(i) for i in range(tab.tabs.count())] == ["数据导入", "数据库连接"]
    panel = tab.imports
    assert panel.check_button.text() == "检查"
    assert panel.import_button.text() == "导入"
    assert panel.kind.itemText(0).startswith("本行数据")
    headers = [
        panel.problem_table.model_.headerData(c, Qt.Orientation.Horizontal) for c in range(4)
    ]
    assert headers == ["文件", "行", "列", "问题"]
    folder = write(tmp_path / "good", "clients.csv", GOOD_CLIENTS)
    panel.set_input("generic", folder)
    click(qtbot, panel.check_button)
    assert panel.summary_table.model_.index(0, 0).data() == "客户"
    assert panel.status.text() == "未发现问题：2 户客户可以导入。"
    assert tab.connection.test_button.text() == "测试连接"
    assert tab.connection.save_button.text() == "保存"


def test_on_an_administrators_own_login_imports_are_said_to_be_the_owners(
    qtbot: QtBot, scored_db: Database
) -> None:
    """A person's own database login may not stage data or change constraints: the import
    form is not offered there; the tab says where imports run instead."""
    ctx = dataclasses.replace(context_for(scored_db, "admin"), own_login=True)
    tab = make_tab(qtbot, ctx)
    titles = [tab.tabs.tabText(i) for i in range(tab.tabs.count())]
    assert titles == ["Imports", "Database connection"]
    note = tab.tabs.widget(0)
    assert isinstance(note, QLabel) and "owner's login" in note.text()
    assert tab.tabs.indexOf(tab.imports) == -1


def test_a_database_it_settings_lock_is_shown_and_cannot_be_changed_here(
    qtbot: QtBot, scored_db: Database, tmp_path: Path
) -> None:
    system = tmp_path / "etc" / "settings.toml"
    store = FakeStore(
        Settings(
            database_url="postgresql://db.bank/rmdesk",
            central={"database_url": "postgresql://db.bank/rmdesk"},
            locked=frozenset({"database_url"}),
            system_file=system,
        )
    )
    tab = make_tab(qtbot, context_for(scored_db, "admin"), store)
    panel = tab.connection
    assert "db.bank/rmdesk" in panel.saved.text()
    assert str(system) in panel.saved.text() and "IT department" in panel.saved.text()
    panel.url.setText(str(tmp_path / "other.sqlite3"))
    assert panel.test_button.isEnabled()  # trying another database changes nothing
    assert not panel.save_button.isEnabled()
    assert panel.local_button.isHidden()  # a bank's desktop has no demo to go back to
    assert store.saved == []
