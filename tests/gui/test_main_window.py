"""The main window and the book: log in, ranked book, filters, sort, language, layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError

from rmdesk import secrets
from rmdesk.app import Shell
from rmdesk.db import SCHEMA_HEAD, Database, DatabaseError
from rmdesk.services.accounts.users import authenticate
from rmdesk.settings import Settings
from rmdesk.tasks import ImmediateRunner
from rmdesk.views.shell.main_window import MainWindow
from rmdesk.views.widgets.frame_model import Column, FrameModel
from tests.conftest import MemoryKeyring
from tests.gui.conftest import context_for


def _window(qtbot: QtBot, db: Database, user: str = "rm01", **kw: object) -> MainWindow:
    window = MainWindow(context_for(db, user, **kw))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.refresh()
    window.tabs.setCurrentWidget(window.book)  # the book loads when it is first shown
    return window


def _column(window: MainWindow, key: str) -> int:
    return [c.key for c in window.book.model.columns].index(key)


@pytest.mark.smoke
def test_an_rm_sees_their_book_ranked_by_contribution(qtbot: QtBot, scored_db: Database) -> None:
    window = _window(qtbot, scored_db)
    model = window.book.model
    rows = [model.row_at(r) for r in range(model.rowCount())]
    assert 20 < len(rows) < 100  # rm01's book, not the bank's 1,500
    assert {r["rm"] for r in rows} == {rows[0]["rm"]}
    contribution = [r["contribution_minor"] for r in rows]
    assert contribution == sorted(contribution, reverse=True)
    assert [r["rank_book"] for r in rows[:3]] == [1, 2, 3]
    header = window.book.table.horizontalHeader()
    assert header.sortIndicatorSection() == _column(window, "contribution_minor")
    # what the RM needs at a glance is on the row
    top = {model.columns[c].key: model.index(0, c).data() for c in range(model.columnCount())}
    assert top["tier"] == rows[0]["tier"] and top["contribution_minor"]
    assert top["growth"][0] in "▲▼"
    assert "rm" not in top  # an RM's own book has no RM column
    assert any(r["top_suggestion_en"] for r in rows)
    assert any(r["open_flags"] for r in rows)


def test_filters_by_tier_flag_and_overdue_contact(qtbot: QtBot, scored_db: Database) -> None:
    window = _window(qtbot, scored_db)
    book, model = window.book, window.book.model
    total = model.rowCount()
    tiers = [book.tier.itemData(i) for i in range(1, book.tier.count())]
    assert tiers and tiers == sorted(tiers)
    book.tier.setCurrentIndex(1)
    assert 0 < model.rowCount() < total
    assert {model.row_at(r)["tier"] for r in range(model.rowCount())} == {tiers[0]}
    book.tier.setCurrentIndex(0)
    book.flags.setCurrentIndex(book.flags.findData("any"))
    flagged = model.rowCount()
    assert 0 < flagged < total
    assert all(model.row_at(r)["open_flags"] > 0 for r in range(flagged))
    book.flags.setCurrentIndex(0)
    book.overdue.setChecked(True)
    assert all(model.row_at(r)["contact_overdue"] for r in range(model.rowCount()))
    assert f"of {total}" in book.count.text()
    book.overdue.setChecked(False)
    assert model.rowCount() == total


def test_clicking_a_header_sorts_by_that_column(qtbot: QtBot, scored_db: Database) -> None:
    window = _window(qtbot, scored_db, "head1")
    window.tabs.setCurrentWidget(window.book)  # a head starts on the branch dashboard
    model = window.book.model
    window.book.table.sortByColumn(_column(window, "products"), Qt.SortOrder.AscendingOrder)
    counts = [model.row_at(r)["products"] for r in range(model.rowCount())]
    assert counts == sorted(counts)
    assert len({model.row_at(r)["rm"] for r in range(model.rowCount())}) == 6  # the branch


def test_search_filters_as_you_type(qtbot: QtBot, scored_db: Database) -> None:
    window = _window(qtbot, scored_db)
    book = window.book
    total = book.model.rowCount()
    target = book.model.row_at(5)
    qtbot.keyClicks(book.search, target["external_id"])
    qtbot.waitUntil(lambda: book.model.rowCount() == 1, timeout=2000)
    assert book.model.row_at(0)["name"] == target["name"]
    book.search.clear()
    qtbot.waitUntil(lambda: book.model.rowCount() == total, timeout=2000)


def test_enter_in_the_search_opens_the_first_match(qtbot: QtBot, scored_db: Database) -> None:
    """Typing a client's number and pressing Enter at once opens that client: the search is
    applied without waiting for the pause after typing."""
    window = _window(qtbot, scored_db)
    book = window.book
    target = book.model.row_at(7)
    book.search.setText(str(target["external_id"]))
    with qtbot.waitSignal(book.client_requested, timeout=2000) as opened:
        qtbot.keyClick(book.search, Qt.Key.Key_Return)
    assert opened.args == [int(target["client_id"])]


def test_headers_and_codes_in_chinese(qtbot: QtBot, scored_db: Database, chinese: object) -> None:
    window = _window(qtbot, scored_db, language="zh_CN")
    model = window.book.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:6] == ["排名", "客户名称", "客户号", "客户等级", "近12个月贡献", "贡献趋势"]
    segment = _column(window, "segment")
    segments = {model.index(r, segment).data() for r in range(model.rowCount())}
    assert segments <= {"大众客户", "富裕客户", "私人银行", "小微企业", "公司客户"}
    suggestion = model.columns[_column(window, "top_suggestion_zh")]
    assert suggestion.key == "top_suggestion_zh"
    assert window.windowTitle() == "rmdesk — 客户经理工作台"
    assert [window.tabs.tabText(i) for i in range(2)] == ["今日工作台", "我的客户"]
    # a client never contacted says so, not a blank date
    last = _column(window, "last_contact")
    never = [r for r in range(model.rowCount()) if pd.isna(model.row_at(r)["last_contact"])]
    assert never, "the demo book has clients never contacted"
    assert {model.index(r, last).data() for r in never} == {"从未联系"}


def test_the_frame_model_passes_the_model_tester(qtmodeltester: object) -> None:
    frame = pd.DataFrame({"a": ["x", None, "y"], "n": [3, 1, np.nan]})
    model = FrameModel(
        [Column("a", "A"), Column("n", "N", numeric=True, color=lambda v: "red")], "Test"
    )
    model.set_frame(frame)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [model.row_at(r)["n"] for r in range(2)] == [3, 1]  # missing values last
    assert pd.isna(model.row_at(2)["n"])
    assert model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole).name() == "#ff0000"
    model.set_mask(np.array([True, False, True]))
    assert model.rowCount() == 2
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def _shell(qapp: QApplication, db: Database, saved: list[Settings], layout: QSettings) -> Shell:
    shell = Shell(
        qapp, ImmediateRunner(), Settings(), "en", store_settings=saved.append, layout=layout
    )
    shell.database_ready(db)
    return shell


def test_log_in_switch_language_and_log_out(
    qtbot: QtBot,
    qapp: QApplication,
    scored_db: Database,
    compiled_translations: Path,
    tmp_path: Path,
) -> None:
    saved: list[Settings] = []
    layout = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    shell = _shell(qapp, scored_db, saved, layout)
    dialog = shell.show_login()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "rm01")
    qtbot.keyClicks(dialog.password, "wrong password")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert shell.window is None and "wrong" in dialog.message.text()
    assert dialog.password.text() == "" and dialog.username.text() == "rm01"
    qtbot.keyClicks(dialog.password, "rmdesk")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    window = shell.window
    assert window is not None and window.ctx.user.username == "rm01"
    qtbot.addWidget(window)
    assert window.tabs.currentWidget() is window.views["today"]  # the day starts on Today
    window.tabs.setCurrentWidget(window.book)
    assert window.book.model.rowCount() > 0
    assert window.windowTitle().startswith("rmdesk — Relationship")

    window.choose_language("zh_CN")  # the Language menu
    chinese = shell.window
    assert chinese is not None and chinese is not window
    qtbot.addWidget(chinese)
    assert chinese.windowTitle() == "rmdesk — 客户经理工作台"
    chinese.tabs.setCurrentWidget(chinese.book)
    assert chinese.ctx.language == "zh_CN" and chinese.book.model.rowCount() > 0
    assert [s.language for s in saved] == ["zh_CN"]

    chinese.logout_requested.emit()
    assert shell.window is None and shell.dialog is not None
    qtbot.addWidget(shell.dialog)
    assert shell.dialog.login_button.text() == "登录"
    shell.switch_language("en")
    assert shell.dialog.login_button.text() == "Log in"


def test_the_window_remembers_its_layout(qtbot: QtBot, scored_db: Database, tmp_path: Path) -> None:
    layout = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    first = MainWindow(context_for(scored_db, "rm01"), layout)
    qtbot.addWidget(first)
    first.resize(760, 520)
    first.book.table.setColumnWidth(1, 333)
    first.close()
    second = MainWindow(context_for(scored_db, "rm01"), layout)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (760, 520)
    assert second.book.table.columnWidth(1) == 333


def test_score_now_rescores_the_rms_book_and_reloads(qtbot: QtBot, scored_db: Database) -> None:
    from sqlalchemy import func, select

    from rmdesk.models import ScoringRun

    window = _window(qtbot, scored_db)
    with scored_db.engine.connect() as conn:
        runs = conn.execute(select(func.count()).select_from(ScoringRun)).scalar_one()
    window.score_action.trigger()
    with scored_db.engine.connect() as conn:
        last = conn.execute(
            select(ScoringRun.scope, ScoringRun.actor).order_by(ScoringRun.id.desc())
        ).first()
        assert conn.execute(select(func.count()).select_from(ScoringRun)).scalar_one() == runs + 1
    assert last is not None and last.actor == "rm01" and "rm01" in last.scope
    said = window.statusBar().currentMessage()
    assert "Scored" in said
    # the demo bank's free services (mobile banking, payroll) earn nothing to value them by
    assert "products were suggested to nobody" in said
    assert window.score_action.isEnabled()


def _tabs(window: MainWindow) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_each_role_gets_its_views_built_when_first_shown(qtbot: QtBot, scored_db: Database) -> None:
    rm = _window(qtbot, scored_db, "rm01")
    assert _tabs(rm) == ["Today", "My clients", "Visit plan"]
    planner = rm.views["planner"]
    assert getattr(planner, "view", None) is None  # not built until shown
    rm.tabs.setCurrentWidget(planner)
    assert type(getattr(planner, "view", None)).__name__ == "PlannerView"

    head = _window(qtbot, scored_db, "head1")
    assert _tabs(head) == ["Today", "Branch", "Clients", "Visit plan"]
    head.tabs.setCurrentWidget(head.views["branch"])
    assert type(getattr(head.views["branch"], "view", None)).__name__ == "BranchView"

    admin = _window(qtbot, scored_db, "admin")
    assert _tabs(admin) == ["Clients", "Branches", "Administration"]
    assert admin.book.model.rowCount() == 1_500  # the bank
    admin.tabs.setCurrentWidget(admin.views["admin"])
    built = getattr(admin.views["admin"], "view", None)
    assert built is not None and type(built).__name__ == "AdminView"


def test_double_click_in_the_book_opens_the_client(qtbot: QtBot, scored_db: Database) -> None:
    window = _window(qtbot, scored_db)
    table = window.book.table
    top = window.book.model.row_at(0)
    table.doubleClicked.emit(window.book.model.index(0, 1))
    client = window.client_view
    assert client is not None and window.tabs.currentWidget() is client
    assert _tabs(window)[-1] == "Client"
    assert client.client_id == int(top["client_id"])  # type: ignore[attr-defined]
    from sqlalchemy import select

    from rmdesk.models import AuditEntry

    with scored_db.engine.connect() as conn:
        views = conn.execute(
            select(AuditEntry.entity_id).where(AuditEntry.action == "view")
        ).scalars()
        assert list(views) == [str(top["client_id"])]  # opened once, audited once


def test_the_log_in_dialog_says_when_an_account_is_locked(
    qtbot: QtBot, qapp: QApplication, scored_db: Database, tmp_path: Path
) -> None:
    from rmdesk.services.accounts.users import LOCK_AFTER

    layout = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    shell = _shell(qapp, scored_db, [], layout)
    dialog = shell.show_login()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "rm02")
    for _ in range(LOCK_AFTER):
        qtbot.keyClicks(dialog.password, "wrong password")
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        assert "wrong" in dialog.message.text()
    qtbot.keyClicks(dialog.password, "rmdesk")  # the right password, too late
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert shell.window is None
    assert "locked until" in dialog.message.text() and "administrator" in dialog.message.text()


def test_an_rm_changes_their_password(qtbot: QtBot, scored_db: Database) -> None:
    from rmdesk.services.accounts.users import authenticate
    from rmdesk.views.shell.password_dialog import ChangePasswordDialog

    window = MainWindow(context_for(scored_db, "rm03"))
    qtbot.addWidget(window)
    window.password_action.trigger()
    (dialog,) = window.findChildren(ChangePasswordDialog)
    qtbot.keyClicks(dialog.current, "rmdesk")
    qtbot.keyClicks(dialog.new, "new-password-1")
    qtbot.keyClicks(dialog.repeat, "new-password-2")
    dialog.submit()
    assert "differ" in dialog.message.text() and dialog.repeat.text() == ""
    assert dialog.current.text() == "rmdesk"  # what was typed elsewhere is kept
    qtbot.keyClicks(dialog.repeat, "new-password-1")
    dialog.submit()
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted
    assert authenticate(scored_db.engine, "rm03", "new-password-1").username == "rm03"


def test_a_database_password_is_asked_for_tried_and_kept(
    qtbot: QtBot,
    qapp: QApplication,
    scored_db: Database,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server refuses the kept (or missing) password: rmdesk asks, tries again with the
    answer, and keeps it in the keyring once it has worked, never in the settings."""
    bare = "postgresql+psycopg://rm01@db.bank:5432/rmdesk"
    memory_keyring.kept[("rmdesk", bare)] = "old"  # kept, but changed on the server since
    tried: list[str] = []

    def prepare(url: str, _settings: Settings, _progress: object) -> Database:
        tried.append(url)
        if not url.endswith(":n3w@db.bank:5432/rmdesk"):
            refused = OperationalError(
                "connect", {}, Exception('password authentication failed for user "rm01"')
            )
            raise DatabaseError("Cannot open the database") from refused
        return scored_db

    asked: list[str] = []

    def answer(_parent: object, _title: str, label: str, _echo: object) -> tuple[str, bool]:
        asked.append(label)
        return "n3w", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    shell = Shell(qapp, ImmediateRunner(), Settings(), "en", store_settings=lambda _s: None)
    shell.prepare = prepare
    dialog = shell.show_login()
    qtbot.addWidget(dialog)
    shell.open_database(secrets.recall(bare))
    assert tried == [
        "postgresql+psycopg://rm01:old@db.bank:5432/rmdesk",
        "postgresql+psycopg://rm01:n3w@db.bank:5432/rmdesk",
    ]
    assert len(asked) == 1 and "rm01@db.bank" in asked[0] and "n3w" not in asked[0]
    assert shell.db is scored_db and memory_keyring.kept == {("rmdesk", bare): "n3w"}
    # declining leaves the refusal on the log-in screen
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a: ("", False)))
    shell.open_database("postgresql+psycopg://rm01@db.bank:5432/other")
    assert "Cannot open the database" in dialog.database.text()


def test_a_malformed_database_url_is_a_message_in_the_log_in_dialog(
    qtbot: QtBot, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A URL that can never work (from --db or the settings) is said in a message box naming
    where it came from, with the password hidden; nothing is tried, no traceback."""
    boxes: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _p, _t, text, *_r: boxes.append(text))
    )
    settings = Settings(database_url="postgresql://a:s3cret@host:notaport/x")
    shell = Shell(qapp, ImmediateRunner(), settings, "en", store_settings=lambda _s: None)
    tried: list[str] = []
    shell.prepare = lambda url, _s, _p: tried.append(url)  # type: ignore[assignment,func-returns-value]
    dialog = shell.show_login()
    qtbot.addWidget(dialog)
    shell.open_chosen_database(None)
    assert len(boxes) == 1 and "in the settings file" in boxes[0] and "settings.toml" in boxes[0]
    assert "notaport" in boxes[0] and "s3cret" not in boxes[0]
    assert "notaport" in dialog.database.text() and not dialog.login_button.isEnabled()
    shell.open_chosen_database("foo://")  # --db wins, and is checked the same way
    assert "given by --db (foo://)" in boxes[1] and tried == []


def test_ctrl_shift_e_exports_the_table_once_in_the_window_and_in_a_dialog(
    qtbot: QtBot, scored_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One owner for the key: the File menu's action in the main window (the table in focus),
    the table itself where there is no such action (a dialog): never both, never ambiguous."""
    from PySide6.QtWidgets import QDialog, QVBoxLayout

    from rmdesk.views.widgets.data_table import DataTable

    exported: list[DataTable] = []
    monkeypatch.setattr(DataTable, "export_dialog", lambda self: exported.append(self))
    window = _window(qtbot, scored_db)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    window.book.table.setFocus()
    window.export_action.trigger()  # the menu's action exports the focused table
    assert exported == [window.book.table]
    qtbot.keyClick(
        window.book.table,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    # exactly one export (an ambiguous key would export nothing; two owners, twice)
    assert exported == [window.book.table, window.book.table]
    dialog = QDialog()
    qtbot.addWidget(dialog)
    table = DataTable(None, [], "Test", "test", dialog)
    QVBoxLayout(dialog).addWidget(table)
    qtbot.keyClick(
        table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert exported[-1] is table


def test_help_about_shows_the_version_database_and_log_and_copies_them(
    qtbot: QtBot, qapp: QApplication, scored_db: Database, tmp_path: Path
) -> None:
    from rmdesk import __version__, support
    from rmdesk.views.shell.about import AboutDialog

    layout = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    shell = _shell(qapp, scored_db, [], layout)
    window = shell.start(authenticate(scored_db.engine, "rm01", "rmdesk"))
    qtbot.addWidget(window)
    window.show_about()
    about = window.findChild(AboutDialog)
    assert about is not None
    shown = {label.objectName(): label.text() for label in about.findChildren(QLabel)}
    assert shown["about:rmdesk"] == __version__
    assert shown["about:schema"].startswith(SCHEMA_HEAD)
    assert shown["about:database"] == "SQLite file"
    assert shown["about:log"] == str(support.log_path())
    assert shown["about:user"] == "rm01"
    qtbot.mouseClick(about.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert f"rmdesk: {__version__}" in copied and f"log: {support.log_path()}" in copied
    assert "database: SQLite file" in copied and "Copied" in about.copied.text()


def test_what_it_settings_lock_the_screens_do_not_offer(
    qtbot: QtBot, qapp: QApplication, scored_db: Database
) -> None:
    locked = Settings(language="en", locked=frozenset({"language"}))
    shell = Shell(qapp, ImmediateRunner(), locked, "en", store_settings=lambda _s: None)
    shell.database_ready(scored_db)
    dialog = shell.show_login()
    qtbot.addWidget(dialog)
    assert not dialog.language.isEnabled()
    window = shell.start(authenticate(scored_db.engine, "rm01", "rmdesk"))
    qtbot.addWidget(window)
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    language = [m for m in menus if "中文" in [a.text() for a in m.actions()]]
    assert len(language) == 1 and not language[0].isEnabled()
    assert window.ctx.locked == frozenset({"language"})


def test_no_demo_bank_is_made_where_it_settings_name_the_banks_database() -> None:
    from sqlalchemy import text

    from rmdesk.app import prepare_database
    from rmdesk.services.common.progress import NullProgress
    from rmdesk.settings import local_database_path, local_database_url

    bank = "postgresql://db.bank/rmdesk"
    settings = Settings(database_url=bank, central={"database_url": bank})
    db = prepare_database(local_database_url(), settings, NullProgress())  # as with --db
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM clients")).scalar() == 0
    finally:
        db.dispose()
    assert local_database_path().exists()  # an empty, migrated file: no demo bank in it


def test_the_book_shows_its_first_page_then_the_whole_book(
    qtbot: QtBot, scored_db: Database
) -> None:
    from rmdesk.views.client.book import FIRST_PAGE, BookView

    ctx = context_for(scored_db, "admin")
    book = BookView(ctx)
    qtbot.addWidget(book)
    seen: list[tuple[str, int]] = []
    book.first_page.connect(lambda n: seen.append(("first", n)))
    book.loaded.connect(lambda n: seen.append(("whole", n)))
    book.refresh()
    assert seen[0] == ("first", FIRST_PAGE) and seen[1][0] == "whole" and seen[1][1] > FIRST_PAGE
    assert book.model.rowCount() == seen[1][1]
    seen.clear()
    book.refresh()  # later reloads keep what is on screen until the whole book is read
    assert [s[0] for s in seen] == ["whole"]
