"""The administrator's screens driven as an administrator would, checked in the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from rmdesk.db import Database
from rmdesk.models import AuditEntry, User
from rmdesk.services.accounts.users import LoginError, authenticate, branch_id
from rmdesk.services.admin import pricing
from rmdesk.services.branch import scorecard
from rmdesk.services.common import parameters
from rmdesk.services.common.access import OPERATOR, system
from rmdesk.views.admin.forms import BranchDialog, PasswordDialog, UserDialog
from rmdesk.views.admin.parameters import ParametersModel
from rmdesk.views.admin.view import AdminView
from tests.gui.conftest import context_for
from tests.gui.table_driver import rows


def _view(qtbot: QtBot, db: Database, language: str = "en") -> AdminView:
    view = AdminView(context_for(db, "admin", language=language))
    qtbot.addWidget(view)
    view.refresh()
    return view


def _users(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(User)).scalar_one())


def test_every_tab_is_filled(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    assert [view.tabText(i) for i in range(view.count())] == [
        "Users and branches",
        "Products and pricing",
        "Engine parameters",
        "KPI weights and targets",
        "Suggestion models",
        "Audit trail",
    ]
    assert view.users.users_table.model_.rowCount() == 36
    assert view.users.branches_table.model_.rowCount() == 5
    assert view.users.count.text() == "36 of 36 users"
    assert view.catalogue.products.model_.rowCount() == 16
    view.catalogue.select_product("CASA")
    assert view.catalogue.versions.model_.rowCount() == 1
    assert view.parameters.model.rowCount() == len(parameters.DEFAULTS.as_dict())
    assert view.kpis.table.model_.rowCount() == 13
    assert view.kpis.total.text() == "Total weight: 100.00"
    assert view.kpis.scope.count() == 6  # the bank and five branches
    # the latest run's models: every product it valued, each with how its likelihood was found
    qtbot.waitUntil(lambda: view.models.table.model_.rowCount() > 0)
    shown = rows(view.models.table)
    methods = {"take-up model", "pooled model (product family)", "look-alike", "co-occurrence",
               "popularity"}  # fmt: skip
    assert shown and all(r["method"] in methods for r in shown)
    assert all(r["why"] == "" for r in shown if r["method"] == "take-up model")
    # the demo's campaigns: the products offered show their answers and response model
    offered = [r for r in shown if (r["offers"] or 0) > 0]
    assert offered and all(r["response"] for r in offered)
    assert view.models.summary.text().startswith("Scoring run #")
    # the data tab plugs in from outside, and its writes are passed on
    extra = QWidget()
    assert view.add_tab(extra, "Data") == 6
    with qtbot.waitSignal(view.changed):
        view.users.changed.emit()


def test_add_a_user_who_can_then_log_in(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    tab = view.users
    qtbot.mouseClick(tab.add_user_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, UserDialog) and dialog.isVisible()
    dialog.username.setText("rm31")
    dialog.display_name.setText("赵敏")
    dialog.branch.setCurrentIndex(
        dialog.branch.findData(branch_id(scored_db.engine, "BJ-HD", who=OPERATOR))
    )
    dialog.visits.setValue(6)
    dialog.password.setText("welcome-2026")
    dialog.repeat.setText("welcome-2026")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert tab.dialog is None
    account = authenticate(scored_db.engine, "rm31", "welcome-2026")
    assert account.is_rm and account.display_name == "赵敏"
    assert account.branch_id == branch_id(scored_db.engine, "BJ-HD", who=OPERATOR)
    assert tab.users_table.model_.rowCount() == 37
    row = tab.users_table.current_row()
    assert row is not None and row.username == "rm31" and row.visits_per_day == 6
    assert tab.status.text() == "User rm31 added"


@pytest.mark.parametrize(
    ("fill", "message", "field"),
    [
        ({"password": "short"}, "password: a password needs at least 8 characters", "password"),
        ({"branch": None}, "branch: a relationship manager needs a branch", "branch"),
        ({"username": "RM01"}, "user name: 'rm01' is taken", "username"),
        ({"repeat": "something-else"}, "The two passwords differ", None),
    ],
)
def test_a_bad_user_form_says_why_and_writes_nothing(
    qtbot: QtBot, scored_db: Database, fill: dict[str, str | None], message: str, field: str | None
) -> None:
    view = _view(qtbot, scored_db)
    before = _users(scored_db)
    dialog = view.users.add_user()
    assert isinstance(dialog, UserDialog)
    values = {"username": "rm31", "password": "welcome-2026"} | fill
    values.setdefault("repeat", values["password"])
    dialog.username.setText(str(values["username"]))
    dialog.display_name.setText("赵敏")
    dialog.password.setText(str(values["password"]))
    dialog.repeat.setText(str(values["repeat"]))
    branch = fill.get("branch", "BJ-CY")
    dialog.branch.setCurrentIndex(
        0
        if branch is None
        else dialog.branch.findData(branch_id(scored_db.engine, branch, who=OPERATOR))
    )
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert view.users.dialog is dialog and dialog.isVisible()  # still open, input kept
    assert dialog.message.text() == message and not dialog.message.isHidden()
    assert dialog.display_name.text() == "赵敏" and dialog.ok.isEnabled()
    if field is not None:
        assert dialog.focusWidget() is dialog.fields[field]  # the cursor is where the fault is
    assert _users(scored_db) == before
    dialog.reject()


def test_edit_a_user_and_a_stale_edit_is_refused(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    tab = view.users
    assert tab.select_user("rm05")
    first = tab.edit_user()
    assert isinstance(first, UserDialog) and first.username.text() == "rm05"
    assert not first.username.isEnabled()
    # meanwhile another administrator changes rm05 (in a second window on the same database)
    other = _view(qtbot, scored_db)
    other.users.select_user("rm05")
    second = other.users.edit_user()
    assert isinstance(second, UserDialog)
    second.visits.setValue(7)
    second.submit()
    assert other.users.dialog is None
    first.display_name.setText("新名字")
    first.submit()
    assert "changed by someone else" in first.message.text() and first.isVisible()
    row = tab.users_table.current_row()  # the list was reloaded: reopening edits what is there
    assert row is not None and row.username == "rm05" and row.visits_per_day == 7
    with scored_db.engine.connect() as conn:
        name, visits = conn.execute(
            select(User.display_name, User.visits_per_day).where(User.username == "rm05")
        ).one()
    assert name != "新名字" and visits == 7


def test_close_and_reopen_an_account(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    tab = view.users
    asked: list[str] = []
    tab.confirm = lambda q: asked.append(q) or True  # type: ignore[method-assign]
    assert tab.select_user("rm07")
    assert tab.active_button.text() == "Close account"
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(tab.active_button, Qt.MouseButton.LeftButton)
    assert asked and "rm07" in asked[0] and "clients stay with them" in asked[0]
    with pytest.raises(LoginError, match="closed"):
        authenticate(scored_db.engine, "rm07", "rmdesk")
    row = tab.users_table.current_row()
    assert row is not None and row.username == "rm07" and not row.active
    assert tab.active_button.text() == "Reopen account"
    qtbot.mouseClick(tab.active_button, Qt.MouseButton.LeftButton)
    assert authenticate(scored_db.engine, "rm07", "rmdesk").username == "rm07"
    # the administrator cannot close their own account
    tab.select_user("admin")
    qtbot.mouseClick(tab.active_button, Qt.MouseButton.LeftButton)
    assert tab.status.text() == "you cannot close your own account"


def test_reset_a_password(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    tab = view.users
    tab.select_user("head2")
    dialog = tab.reset_password()
    assert isinstance(dialog, PasswordDialog)
    dialog.password.setText("short")
    dialog.repeat.setText("short")
    dialog.submit()
    assert "at least 8 characters" in dialog.message.text()
    dialog.password.setText("brand-new-pass")
    dialog.repeat.setText("brand-new-pass")
    dialog.submit()
    assert tab.dialog is None
    assert authenticate(scored_db.engine, "head2", "brand-new-pass").is_head
    with pytest.raises(LoginError):
        authenticate(scored_db.engine, "head2", "rmdesk")


def test_add_and_edit_a_branch(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    tab = view.users
    dialog = tab.add_branch()
    assert isinstance(dialog, BranchDialog)
    dialog.code.setText("BJ-CY")
    dialog.name.setText("新支行")
    dialog.submit()
    assert "'BJ-CY' is taken" in dialog.message.text()
    dialog.code.setText("B06")
    dialog.district.setText("通州区")
    dialog.submit()
    assert tab.branches_table.model_.rowCount() == 6
    assert view.kpis.scope.count() == 6  # the other tabs reload on refresh, not on their own
    edit = tab.edit_branch()
    assert isinstance(edit, BranchDialog) and edit.code.text() == "B06"
    edit.name.setText("通州支行")
    edit.submit()
    row = tab.branches_table.current_row()
    assert row is not None and row["name"] == "通州支行" and row.district == "通州区"
    with scored_db.engine.connect() as conn:
        actions = conn.execute(
            select(AuditEntry.action).where(AuditEntry.entity == "branches")
        ).scalars()
        assert list(actions) == ["create_branch", "update_branch"]


def test_add_a_pricing_version(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    tab = view.catalogue
    assert tab.select_product("TD12")
    dialog = tab.new_version()
    assert dialog is not None
    assert dialog.boxes["client_rate"].value() == pytest.approx(1.5)  # 0.0150 as percent
    dialog.submit()
    assert dialog.message.text() == "Change at least one figure"
    dialog.boxes["client_rate"].setValue(1.65)
    dialog.boxes["cost_to_serve_minor"].setValue(2.5)  # yuan
    dialog.valid_from.setDate(dialog.valid_from.date().addMonths(1))
    dialog.note.setText("利率调整")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    versions = pricing.versions(scored_db.engine, "TD12", who=OPERATOR)
    assert versions["version"].tolist() == [1, 2]
    new = versions.iloc[-1]
    assert new["client_rate"] == Decimal("0.0165")
    assert new["cost_to_serve_minor"] == 250
    assert new["ftp_rate"] == versions.iloc[0]["ftp_rate"]  # untouched figures carried over
    assert new["valid_from"] == dt.date(2027, 1, 1) and new["note"] == "利率调整"
    assert new["changed_by"] == "admin"
    assert tab.versions.model_.rowCount() == 2
    row = tab.products.current_row()
    assert row is not None and row.code == "TD12" and row.pricing_version == 2


def test_change_a_parameter(qtbot: QtBot, scored_db: Database, qtmodeltester: object) -> None:
    view = _view(qtbot, scored_db)
    tab = view.parameters
    qtmodeltester.check(tab.model)  # type: ignore[attr-defined]
    assert not tab.save_button.isEnabled()
    assert tab.edit("card_utilisation", "0.75")
    assert tab.edit("cadence_days", "A: 21, B: 60, C: 180, D: 365")
    assert tab.edit("strong_suggestion_minor", "2500")  # yuan
    assert not tab.edit("plan_weeks", "four")
    assert tab.status.text() == (
        'Weeks a proposed plan covers: "four" is not a value of this kind; write it like 4'
    )
    # typed into the value cell's editor, as the administrator does
    cell = tab.model.index(tab.model.names.index("dormant_months"), ParametersModel.VALUE)
    tab.table.setCurrentIndex(cell)
    tab.table.edit(cell)
    editor = tab.table.indexWidget(cell) or tab.table.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "6"
    editor.setText("9")
    tab.table.itemDelegate().commitData.emit(editor)  # what Enter or leaving the cell does
    assert tab.model.pending["dormant_months"] == 9
    assert tab.save_button.isEnabled()
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    stored = parameters.load(scored_db.engine)
    assert stored.card_utilisation == 0.75
    assert stored.cadence_days == {"A": 21, "B": 60, "C": 180, "D": 365}
    assert stored.strong_suggestion_minor == 250_000 and stored.dormant_months == 9
    assert not tab.model.pending and not tab.save_button.isEnabled()
    # a bad value is refused by the engine's own check, and the edit is kept to correct
    assert tab.edit("tier_shares", "A: 0.5, B: 0.5, C: 0.5, D: 0.05")
    tab.save()
    assert "tier_shares" in tab.status.text() and "add up to 1" in tab.status.text()
    assert "tier_shares" in tab.model.pending
    assert parameters.load(scored_db.engine).tier_shares == parameters.DEFAULTS.tier_shares
    tab.table.setCurrentIndex(tab.model.index(tab.model.names.index("card_utilisation"), 2))
    tab.use_default()
    assert tab.model.pending["card_utilisation"] == 0.80
    qtmodeltester.check(tab.model)  # type: ignore[attr-defined]


def test_every_parameter_is_named_and_shown_with_its_group(
    qtbot: QtBot, scored_db: Database, chinese: QLocale
) -> None:
    view = _view(qtbot, scored_db, language="zh_CN")
    model = view.parameters.model
    assert sorted(model.names) == sorted(parameters.DEFAULTS.as_dict())
    groups = [model.index(r, ParametersModel.GROUP).data() for r in range(model.rowCount())]
    runs = [g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g]
    assert len(runs) == len(set(groups)) == 6  # each group's rows together
    for row, name in enumerate(model.names):
        shown = model.index(row, ParametersModel.NAME).data()
        assert shown != name and not shown.isascii(), (name, shown)  # translated, not the key
    row = model.names.index("backdate_days")
    assert model.index(row, ParametersModel.NAME).data() == "记录联系时最多可往前补记的天数"
    # the decline reasons in their Chinese words, typed back with a Chinese keyboard's marks
    row = model.names.index("decline_cooloff_by_reason")
    shown = model.index(row, ParametersModel.VALUE).data()
    assert shown.startswith("已在他行办理: 365, 不感兴趣: 180") and "_" not in shown
    assert view.parameters.edit("decline_cooloff_by_reason", "不感兴趣：90，Other: 30")
    assert model.pending["decline_cooloff_by_reason"] == {"not_interested": 90, "other": 30}
    assert not view.parameters.edit("decline_cooloff_by_reason", "太贵: 30")
    assert "太贵" in view.parameters.status.text()
    # a choice of words: in the screen's language, typed in either
    row = model.names.index("phones_on_paper")
    assert model.index(row, ParametersModel.VALUE).data() == "隐藏"
    assert view.parameters.edit("phones_on_paper", "完整")
    assert model.pending["phones_on_paper"] == "whole"
    assert view.parameters.edit("phones_on_paper", "Masked")  # back to the stored value
    assert "phones_on_paper" not in model.pending
    assert model.index(row, ParametersModel.VALUE).data() == "隐藏"


def test_set_a_kpi_weight(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    tab = view.kpis
    b03 = branch_id(scored_db.engine, "BJ-XC", who=OPERATOR)
    tab.scope.setCurrentIndex(tab.scope.findData(b03))
    assert tab.select_kpi("visit_completion")
    assert tab.target.value() == pytest.approx(90.0)  # percent
    tab.weight.setValue(15)
    tab.default_target.setChecked(False)
    tab.target.setValue(85)
    tab.penalty.setValue(0.1)
    tab.valid_from.setDate(QDate(2026, 12, 1))
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    rules = scorecard.weights(scored_db.engine, b03, dt.date(2026, 12, 1), who=OPERATOR).set_index(
        "kpi"
    )
    visit = rules.loc["visit_completion"]
    assert (visit.weight, visit.target, visit.penalty) == (15.0, 0.85, 0.1)
    assert visit.source == "branch"
    # the bank's rule is untouched; the table shows the branch's rules from that day
    bank = scorecard.weights(scored_db.engine, None, dt.date(2026, 12, 1), who=OPERATOR).set_index(
        "kpi"
    )
    assert bank.loc["visit_completion", "weight"] == 10.0
    row = tab.table.current_row()
    assert row is not None and row.kpi == "visit_completion" and row.source == "branch"
    assert tab.total.text() == "Total weight: 105.00"
    # contribution's target is typed in yuan
    tab.select_kpi("contribution")
    assert tab.target.value() == pytest.approx(60_000)


def test_chinese_labels(qtbot: QtBot, scored_db: Database, chinese: QLocale) -> None:
    view = _view(qtbot, scored_db, language="zh_CN")
    assert view.tabText(0) == "用户与支行"
    assert view.tabText(3) == "考核权重与目标"
    header = view.users.users_table.model_.headerData(0, Qt.Orientation.Horizontal)
    assert header == "用户名"
    assert view.users.count.text() == "共 36 个用户，显示 36 个"
    view.users.select_user("head1")
    assert (
        view.users.users_table.model_.index(view.users.users_table.currentIndex().row(), 2).data()
        == "支行行长"
    )
    dialog = view.users.add_user()
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
    assert "用户名" in labels and "每日走访数" in labels
    dialog.username.setText("rm31")
    dialog.display_name.setText("赵敏")
    dialog.password.setText("welcome-2026")
    dialog.repeat.setText("welcome-2026")
    dialog.branch.setCurrentIndex(0)
    dialog.submit()
    assert dialog.message.text() == "所属支行：客户经理必须属于一个支行"
    dialog.reject()
    name = view.parameters.model.index(0, ParametersModel.NAME).data()
    assert name == "各层级贡献度占比（从高到低）"
    assert view.kpis.table.model_.index(0, 0).data() == "贡献度"
    assert view.catalogue.products.model_.headerData(1, Qt.Orientation.Horizontal) == "产品"
    qtbot.waitUntil(lambda: view.models.table.model_.rowCount() > 0)
    chinese_methods = {"办理预测模型", "同类产品合并模型", "相似客户模型", "持有组合", "产品普及度"}
    assert {r["method"] for r in rows(view.models.table)} <= chinese_methods


def test_the_audit_trail_tab_searches_and_checks_the_chain(
    qtbot: QtBot, scored_db: Database
) -> None:
    from sqlalchemy import select, update

    from rmdesk.models import AuditEntry
    from rmdesk.services.common import audit

    with scored_db.engine.begin() as conn:
        audit.record(conn, system("rm05"), "export", "client", 42, {"to": "x.xlsx"})
    view = _view(qtbot, scored_db)
    view.setCurrentWidget(view.audit)
    view.audit.refresh()
    tab = view.audit
    assert tab.table.model_.rowCount() >= 1 and "entries" in tab.summary.text()
    tab.actor.setText("rm05")
    tab.search()
    rows = [tab.table.model_.row_at(r) for r in range(tab.table.model_.rowCount())]
    assert [(r["actor"], r["action"], r["entity_id"]) for r in rows] == [("rm05", "export", "42")]
    # read as a sentence naming the client; the entry as stored one click away
    from rmdesk.models import Client

    with scored_db.engine.connect() as conn:
        number, name = conn.execute(
            select(Client.external_id, Client.name).where(Client.id == 42)
        ).one()
    assert tab.table.model_.index(0, 4).data() == f"rm05 exported client {number} {name}"
    tab.table.selectRow(0)
    assert tab.raw.toPlainText().startswith("#") and '"to"' in tab.raw.toPlainText()
    tab.verify()
    assert "whole" in tab.summary.text()
    with scored_db.engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.actor == "rm05").values(actor="rm06"))
    tab.verify()
    assert "broken at entry" in tab.summary.text()
