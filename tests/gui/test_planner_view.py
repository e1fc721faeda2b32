"""The visit planner view: rm01's proposed plan from Monday 2026-11-02 (the scored demo bank),
driven as the RM and a branch head would, and checked in the database afterwards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from PySide6.QtCore import QItemSelectionModel, QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from rmdesk.db import Database
from rmdesk.models import Client, Interaction, Role, User, Visit, VisitStatus
from rmdesk.services.accounts.users import account, user_id
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.visits import actions as visit_actions
from rmdesk.services.visits.planner import overdue_contacts
from rmdesk.services.visits.transitions import PERSON_ACTIONS, STATUSES, TRANSITIONS
from rmdesk.views.planner.calendar import NON_WORKING, STATUS_COLOURS, STATUS_MARKS, VisitItem
from rmdesk.views.planner.dialogs import CancelDialog
from rmdesk.views.planner.view import PlannerView
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.visit_dialogs import CompleteDialog
from tests.gui.conftest import TODAY, context_for

D = dt.date
SUNDAY = D(2026, 11, 8)
NEW_YEAR = D(2027, 1, 1)


class Boxes:
    """Message boxes answered without showing them: what was said, what was asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton):
        self.warnings: list[str] = []
        self.questions: list[str] = []
        self.answer = answer

        def warning(_parent: Any, _title: str, text: str, *_a: Any) -> Any:
            self.warnings.append(text)
            return QMessageBox.StandardButton.Ok

        def question(_parent: Any, _title: str, text: str, *_a: Any) -> Any:
            self.questions.append(text)
            return self.answer

        monkeypatch.setattr(QMessageBox, "warning", warning)
        monkeypatch.setattr(QMessageBox, "question", question)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    return Boxes(monkeypatch, QMessageBox.StandardButton.No)


def _view(qtbot: QtBot, db: Database, user: str = "rm01", language: str = "en") -> PlannerView:
    view = PlannerView(context_for(db, user, language=language))
    qtbot.addWidget(view)
    view.refresh()
    return view


def _visits(db: Database, username: str = "rm01") -> dict[int, Any]:
    """The user's visits as stored, by id."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(Visit).where(Visit.user_id == user_id(db.engine, username, who=OPERATOR))
        ).all()
    return {int(r.id): r for r in rows}


def _select(view: PlannerView, *cells: tuple[int, int]) -> list[VisitItem]:
    """Select week cells (row, day column) as a click and Ctrl+click would."""
    selection = view.week.selectionModel()
    selection.clearSelection()
    for row, column in cells:
        index = view.week_model.index(row, column)
        selection.select(index, QItemSelectionModel.SelectionFlag.Select)
    return view.selected_visits()


def _when_dialog_opens(kind: type[QDialog], fill: Any) -> None:
    """Fill and accept the dialog a button is about to open (its exec() runs the event loop)."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, kind)
        fill(dialog)
        dialog.accept()

    QTimer.singleShot(0, answer)


def test_an_rm_sees_the_week_in_route_order(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    assert view.rm_combo.isHidden()  # an RM plans only for themselves
    assert view.span() == (TODAY, D(2026, 11, 8))
    stored = [v for v in _visits(scored_db).values() if TODAY <= v.planned_on <= SUNDAY]
    assert stored and {v.status for v in stored} == {"proposed"}
    model = view.week_model
    for column in range(7):
        day = TODAY + dt.timedelta(days=column)
        expected = sorted((v for v in stored if v.planned_on == day), key=lambda v: v.slot)
        shown = [model.visit_at(row, column) for row in range(model.rowCount())]
        shown_ids = [item.visit_id for item in shown if item is not None]
        assert shown_ids == [v.id for v in expected], day
        for row, item in enumerate(i for i in shown if i is not None):
            text = model.index(row, column).data()
            assert item.name in text and "Proposed" in text
            assert item.district is None or item.district in text
    # Saturday and Sunday: no visits, shaded, marked in the header
    assert all(model.visit_at(r, 5) is None for r in range(model.rowCount()))
    background = model.index(0, 6).data(Qt.ItemDataRole.BackgroundRole)
    assert background.color().name() == NON_WORKING
    assert "Day off" in model.headerData(6, Qt.Orientation.Horizontal)
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() != NON_WORKING
    # the proposed plan beside it: every proposed visit from today on
    proposed = {v.id for v in _visits(scored_db).values() if v.status == "proposed"}
    assert set(view.proposed.model_.frame["visit_id"]) == proposed
    assert view.tabs.tabText(0) == f"Proposed plan ({len(proposed)})"


def test_the_planner_opens_on_the_week_of_the_next_visit(qtbot: QtBot, scored_db: Database) -> None:
    """A week with nothing still to come (the plan starts next week) is not where the RM
    lands: the planner opens on the week of the next visit."""
    with scored_db.engine.begin() as conn:
        early = conn.execute(
            select(Visit.id, Visit.planned_on).where(Visit.planned_on <= SUNDAY)
        ).all()
        for visit_id, day in early:
            conn.execute(
                update(Visit)
                .where(Visit.id == visit_id)
                .values(planned_on=day + dt.timedelta(days=14))
            )
    view = _view(qtbot, scored_db)
    assert view.span() == (TODAY + dt.timedelta(days=14), D(2026, 11, 22))
    assert any(
        view.week_model.visit_at(r, c) is not None
        for r in range(view.week_model.rowCount())
        for c in range(7)
    )
    view.go(-1)  # a week the RM chooses is shown, empty or not
    assert view.span() == (TODAY + dt.timedelta(days=7), D(2026, 11, 15))


def test_holidays_and_worked_weekends_in_the_week(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    view.show_day(D(2026, 10, 8))  # the week after National Day; Saturday 10-10 is worked
    model = view.week_model
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert header[0].startswith("Mon 5 Oct") and "National Day" in header[0]
    assert "Working day" in header[5]  # 调休: Saturday 10 October is a working day
    assert model.index(0, 5).data(Qt.ItemDataRole.BackgroundRole) is None  # not shaded
    assert model.index(0, 6).data(Qt.ItemDataRole.BackgroundRole).color().name() == NON_WORKING
    view.go(1)
    assert view.span()[0] == D(2026, 10, 12)
    view.go_today()
    assert view.span()[0] == TODAY


def test_a_branch_head_chooses_one_of_the_branch_rms(qtbot: QtBot, scored_db: Database) -> None:
    head = account(scored_db.engine, user_id(scored_db.engine, "head1", who=OPERATOR))
    with scored_db.engine.connect() as conn:
        branch_rms = conn.execute(
            select(User.id, User.username)
            .where(User.branch_id == head.branch_id, User.role == Role.RM)
            .order_by(User.username)
        ).all()
    view = _view(qtbot, scored_db, "head1")
    combo = view.rm_combo
    assert not combo.isHidden()
    assert [combo.itemData(i) for i in range(combo.count())] == [r.id for r in branch_rms]
    assert all(r.username in combo.itemText(i) for i, r in enumerate(branch_rms))
    rm01 = user_id(scored_db.engine, "rm01", who=OPERATOR)
    assert rm01 in [r.id for r in branch_rms]
    combo.setCurrentIndex(combo.findData(rm01))
    assert view.rm_id == rm01
    assert view.week_model.visit_at(0, 0) is not None  # rm01's plan
    other = next(r.id for r in branch_rms if r.id != rm01)
    combo.setCurrentIndex(combo.findData(other))
    assert view.data is not None and view.data.rm_id == other
    assert len(view.proposed.model_.frame) == 0  # nobody proposed a plan for this RM yet
    assert len(view.overdue.model_.frame) > 0


def test_accept_one_visit_then_all(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    (item,) = _select(view, (1, 0))
    assert view.accept_button.isEnabled() and view.complete_button.isEnabled()
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(view.accept_button, Qt.MouseButton.LeftButton)
    stored = _visits(scored_db)
    assert (stored[item.visit_id].status, stored[item.visit_id].version) == ("planned", 2)
    assert sum(v.status == "planned" for v in stored.values()) == 1
    assert "1 visit(s) accepted" in view.message.text()
    assert "Planned" in view.week_model.index(1, 0).data()  # the screen reloaded
    left = len(view.proposed.model_.frame)
    assert left == sum(v.status == "proposed" for v in stored.values())
    qtbot.mouseClick(view.accept_all_button, Qt.MouseButton.LeftButton)
    assert {v.status for v in _visits(scored_db).values()} == {"planned"}
    assert f"{left} visit(s) accepted" in view.message.text()
    assert len(view.proposed.model_.frame) == 0 and not view.accept_all_button.isEnabled()


def test_move_a_visit_to_another_day(qtbot: QtBot, scored_db: Database, boxes: Boxes) -> None:
    view = _view(qtbot, scored_db)
    (item,) = _select(view, (0, 0))
    visits = _visits(scored_db)
    # a later day of the plan that has visits already: the moved one goes after them
    day = max(v.planned_on for v in visits.values() if v.planned_on > TODAY)
    last_slot = max(v.slot for v in visits.values() if v.planned_on == day)
    assert last_slot >= 1
    dialog = view.plan_actions.move_dialog([item])
    assert dialog.calendar.minimumDate().toPython() == TODAY  # the past cannot be picked
    assert view.plan_actions.move_to(day)
    moved = _visits(scored_db)[item.visit_id]
    assert (moved.planned_on, moved.status, moved.slot) == (day, "planned", last_slot + 1)
    assert boxes.questions == [] and boxes.warnings == []


def test_a_move_to_a_sunday_or_holiday_or_the_past_is_refused(
    qtbot: QtBot, scored_db: Database, boxes: Boxes
) -> None:
    view = _view(qtbot, scored_db)
    (item,) = _select(view, (0, 0))
    before = _visits(scored_db)
    dialog = view.plan_actions.move_dialog([item])
    dialog.calendar.setSelectedDate(SUNDAY)
    assert "not a working day" in dialog.note.text()
    assert not view.plan_actions.move_to(SUNDAY)  # the RM said no
    assert "not a working day" in boxes.questions[0]
    assert "Not moved" in view.message.text()
    assert not view.plan_actions.move_to(NEW_YEAR)
    assert "New Year's Day" in boxes.questions[1]
    view.plan_actions.move_to(D(2026, 10, 30))  # the past: the service refuses it
    assert "in the past" in boxes.warnings[0]
    assert _visits(scored_db) == before
    boxes.answer = QMessageBox.StandardButton.Yes  # the RM knows the client will see them
    assert view.plan_actions.move_to(SUNDAY)
    assert _visits(scored_db)[item.visit_id].planned_on == SUNDAY


def test_cancel_visits_with_a_reason(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    items = _select(view, (0, 1), (2, 1))
    dialog = view.plan_actions.cancel_dialog(len(items))
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # a reason is required
    dialog.reason_box.setCurrentIndex(0)
    assert ok.isEnabled() and dialog.reason() == "Client unavailable"
    with qtbot.waitSignal(view.changed):
        view.plan_actions.cancel_with(dialog.reason())
    stored = _visits(scored_db)
    for item in items:
        assert (stored[item.visit_id].status, stored[item.visit_id].notes) == (
            "cancelled",
            "Client unavailable",
        )
    assert "2 visit(s) cancelled" in view.message.text()
    assert view.week_model.index(0, 1).data(Qt.ItemDataRole.FontRole).strikeOut()


def test_complete_a_visit_logs_the_contact_and_plans_the_follow_up(
    qtbot: QtBot, scored_db: Database
) -> None:
    view = _view(qtbot, scored_db)
    (item,) = _select(view, (0, 0))
    dialog = view.plan_actions.complete_dialog(item)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no outcome yet
    qtbot.keyClicks(dialog.outcome, "Agreed to renew the deposit")
    qtbot.keyClicks(dialog.next_step, "Send the rate sheet")
    dialog.notes.setPlainText("Met at the office")
    dialog.follow_up.setChecked(True)
    dialog.follow_up_on.setDate(D(2026, 11, 20))
    assert ok.isEnabled()
    with qtbot.waitSignal(view.changed):
        view.plan_actions.complete_with(item, dialog.values())
    done = _visits(scored_db)[item.visit_id]
    assert (done.status, done.outcome, done.next_step, done.follow_up_on) == (
        "done",
        "Agreed to renew the deposit",
        "Send the rate sheet",
        D(2026, 11, 20),
    )
    with scored_db.engine.connect() as conn:
        contact = conn.execute(
            select(Interaction).where(Interaction.visit_id == item.visit_id)
        ).one()
    assert (contact.channel, contact.client_id, contact.outcome, contact.notes) == (
        "visit",
        item.client_id,
        "Agreed to renew the deposit",
        "Met at the office",
    )
    assert contact.occurred_at.date() in (TODAY, TODAY - dt.timedelta(days=1))  # UTC of today
    follow = [v for v in _visits(scored_db).values() if v.purpose == "follow_up"]
    assert [(v.client_id, v.planned_on, v.status) for v in follow] == [
        (item.client_id, D(2026, 11, 20), "planned")
    ]
    assert "Done" in view.week_model.index(0, 0).data()
    assert not view.plan_actions.drafts  # nothing left to offer again


def test_a_visit_changed_elsewhere_is_refused_reloaded_and_the_input_kept(
    qtbot: QtBot, scored_db: Database, boxes: Boxes
) -> None:
    view = _view(qtbot, scored_db)
    (item,) = _select(view, (0, 2))
    rm01 = user_id(scored_db.engine, "rm01", who=OPERATOR)
    # another session accepts the visit after this screen read it
    visit_actions.accept(
        scored_db.engine, item.visit_id, version=item.version, who=account(scored_db.engine, rm01)
    )
    view.plan_actions.cancel_with("客户出差", [item])
    assert "changed by someone else" in boxes.warnings[0]
    assert _visits(scored_db)[item.visit_id].status == "planned"  # not cancelled
    fresh = view.week_model.visit_at(0, 2)
    assert fresh is not None and (fresh.version, fresh.status) == (2, "planned")  # reloaded
    assert view.plan_actions.cancel_dialog(1).reason_box.currentText() == "客户出差"
    # the same for a completion: the visit is moved elsewhere after the screen reloaded
    visit_actions.move(
        scored_db.engine,
        item.visit_id,
        item.planned_on,
        version=2,
        today=TODAY,
        who=account(scored_db.engine, rm01),
    )
    dialog = view.plan_actions.complete_dialog(fresh)
    dialog.outcome.setText("同意续存")  # typed with an input method, not key by key
    view.plan_actions.complete_with(fresh, dialog.values())
    assert "version 3, you had version 2" in boxes.warnings[1]
    assert _visits(scored_db)[item.visit_id].status == "planned"
    newest = view.week_model.visit_at(0, 2)
    assert newest is not None and newest.version == 3  # reloaded after the refusal
    assert view.plan_actions.complete_dialog(newest).outcome.text() == "同意续存"
    # with the reloaded version the change goes through and the draft is dropped
    view.plan_actions.complete_with(newest, view.plan_actions.complete_dialog(newest).values())
    assert _visits(scored_db)[item.visit_id].status == "done"
    assert list(view.plan_actions.drafts) == ["cancel"]  # the completion's draft is gone


def test_export_ics_has_one_event_per_planned_visit(
    qtbot: QtBot, scored_db: Database, tmp_path: Path
) -> None:
    view = _view(qtbot, scored_db)
    _select(view, (0, 0), (1, 0), (2, 3))
    qtbot.mouseClick(view.accept_button, Qt.MouseButton.LeftButton)
    first, last = view.plan_actions.export_span()
    assert (first, last) == (TODAY, TODAY + dt.timedelta(days=27))  # plan_weeks: 4
    target = tmp_path / "plan.ics"
    view.plan_actions.export_ics_to(target)
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    planned = {
        v.id for v in _visits(scored_db).values() if v.status == "planned" and v.planned_on <= last
    }
    assert len(planned) == 3
    assert sorted(str(e["UID"]) for e in events) == sorted(f"visit-{i}@rmdesk" for i in planned)
    assert all(str(e["STATUS"]) == "CONFIRMED" for e in events)  # proposed visits stay out
    # each where the client is, with how to reach them (numbers masked, as on paper)
    with scored_db.engine.connect() as conn:
        addresses = dict(
            conn.execute(
                select(Visit.id, Client.address)
                .join(Client, Client.id == Visit.client_id)
                .where(Visit.id.in_(planned))
            ).all()
        )
    for e in events:
        visit = int(str(e["UID"]).split("-")[1].split("@")[0])
        if addresses[visit]:
            assert str(e["LOCATION"]).startswith(addresses[visit])
        assert "***" in str(e["DESCRIPTION"]) or "未登记" in str(e["DESCRIPTION"])
    assert "3 planned visits" in view.message.text()


def test_the_overdue_list_matches_the_service(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    shown = view.overdue.model_.frame
    expected = overdue_contacts(
        scored_db.engine,
        rm_id=user_id(scored_db.engine, "rm01", who=OPERATOR),
        today=TODAY,
        who=OPERATOR,
    )
    assert len(shown) > 0 and len(shown) == len(expected)
    assert shown["client_id"].tolist() == expected["client_id"].tolist()
    assert shown["days_overdue"].fillna(-1).tolist() == expected["days_overdue"].fillna(-1).tolist()
    column = [c.key for c in view.overdue.model_.columns].index("days_overdue")
    late = expected.dropna(subset=["days_overdue"]).iloc[0]
    row = shown.index[shown["client_id"] == late["client_id"]][0]
    shown_days = view.overdue.model_.index(int(row), column).data()
    assert shown_days == view.ctx.formats.integer(late["days_overdue"])
    assert view.tabs.tabText(1) == f"Overdue contacts ({len(expected)})"
    with qtbot.waitSignal(view.client_requested) as opened:
        view.overdue.doubleClicked.emit(view.overdue.model_.index(0, 0))
    assert opened.args == [int(shown["client_id"].iloc[0])]


def test_double_click_opens_the_client_and_the_month_shows_the_days(
    qtbot: QtBot, scored_db: Database
) -> None:
    view = _view(qtbot, scored_db)
    item = view.week_model.visit_at(0, 1)
    assert item is not None
    view.show()
    qtbot.waitExposed(view)
    at = view.week.visualRect(view.week_model.index(0, 1)).center()
    with qtbot.waitSignal(view.client_requested) as opened:
        # a double-click is a press and release, then the double-click event
        qtbot.mouseClick(view.week.viewport(), Qt.MouseButton.LeftButton, pos=at)
        qtbot.mouseDClick(view.week.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert opened.args == [item.client_id]
    view.week.setCurrentIndex(view.week_model.index(1, 2))
    with qtbot.waitSignal(view.client_requested) as opened:
        qtbot.keyClick(view.week, Qt.Key.Key_Return)
    assert opened.args == [view.week_model.visit_at(1, 2).client_id]
    qtbot.mouseClick(view.month_button, Qt.MouseButton.LeftButton)
    assert view.mode == "month" and view.span() == (D(2026, 10, 26), D(2026, 12, 6))
    model = view.month_model
    assert model.rowCount() == 6
    cell = model.index_of_day(D(2026, 11, 3))
    day_visits = [v for v in _visits(scored_db).values() if v.planned_on == D(2026, 11, 3)]
    text = cell.data()
    assert text.startswith("3") and all("○" in line for line in text.split("\n")[1:])
    view.month.selectionModel().select(cell, QItemSelectionModel.SelectionFlag.Select)
    assert {v.visit_id for v in view.selected_visits()} == {v.id for v in day_visits}
    view.month.activated.emit(cell)  # a day opens its week
    assert view.mode == "week" and view.span()[0] == TODAY
    view.set_mode("month")
    view.go(1)
    assert view.span()[0] == D(2026, 11, 30) and "December 2026" in view.period.text()


def test_propose_a_plan_for_an_rm_without_one(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db, "head1")
    rm02 = user_id(scored_db.engine, "rm02", who=OPERATOR)
    view.rm_combo.setCurrentIndex(view.rm_combo.findData(rm02))
    assert _visits(scored_db, "rm02") == {}
    assert view.data is not None and view.data.plan_start == TODAY
    with qtbot.waitSignal(view.changed):
        view.plan_actions.propose(TODAY, 2)
    stored = _visits(scored_db, "rm02")
    assert stored and {v.status for v in stored.values()} == {"proposed"}
    assert max(v.planned_on for v in stored.values()) <= TODAY + dt.timedelta(days=13)
    assert set(view.proposed.model_.frame["visit_id"]) == set(stored)
    assert f"{len(stored)} visits proposed" in view.message.text()


def test_chinese_labels(qtbot: QtBot, scored_db: Database, chinese: QLocale) -> None:
    view = _view(qtbot, scored_db, language="zh_CN")
    assert view.accept_button.text() == "接受"
    assert view.complete_button.toolTip() == "适用于建议、已计划或未完成的走访"
    assert view.tabs.tabText(0).startswith("建议计划")
    header = view.week_model.headerData(0, Qt.Orientation.Horizontal)
    assert header.startswith("11月2日") and "周一" in header
    assert "建议" in view.week_model.index(0, 0).data()
    assert "休息" in view.week_model.headerData(6, Qt.Orientation.Horizontal)
    titles = [
        view.proposed.model_.headerData(c, Qt.Orientation.Horizontal)
        for c in range(view.proposed.model_.columnCount())
    ]
    assert titles[:3] == ["日期", "顺序", "客户"]
    reasons = view.proposed.model_.frame["reason"]
    assert any("联系" in r for r in reasons)  # the planner's reason in Chinese
    view.set_mode("month")
    assert view.period.text() == "2026年11月"


def test_the_calendar_models_pass_the_model_tester(
    qtbot: QtBot, scored_db: Database, qtmodeltester: Any
) -> None:
    view = _view(qtbot, scored_db)
    qtmodeltester.check(view.week_model)
    view.set_mode("month")
    qtmodeltester.check(view.month_model)


def test_the_buttons_open_the_dialogs_and_act_on_the_list_selection(
    qtbot: QtBot, scored_db: Database
) -> None:
    view = _view(qtbot, scored_db)
    _select(view, (0, 0))
    view.proposed.selectRow(2)  # choosing in the list replaces the calendar's selection
    (item,) = view.selected_visits()
    assert item.visit_id == int(view.proposed.model_.frame["visit_id"].iloc[2])
    assert not view.week.selectionModel().hasSelection()
    _when_dialog_opens(CancelDialog, lambda d: d.reason_box.setEditText("客户出国"))
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    cancelled = _visits(scored_db)[item.visit_id]
    assert (cancelled.status, cancelled.notes) == ("cancelled", "客户出国")

    (other,) = _select(view, (1, 1))
    _when_dialog_opens(CompleteDialog, lambda d: d.outcome.setText("同意开通白金信用卡"))
    qtbot.mouseClick(view.complete_button, Qt.MouseButton.LeftButton)
    assert _visits(scored_db)[other.visit_id].outcome == "同意开通白金信用卡"


def _cells(view: PlannerView) -> dict[int, tuple[int, int]]:
    """Where each visit of the week on screen is: visit id -> (row, column)."""
    model = view.week_model
    return {
        item.visit_id: (row, column)
        for row in range(model.rowCount())
        for column in range(model.columnCount())
        if (item := model.visit_at(row, column)) is not None
    }


def test_the_action_buttons_are_the_transition_table(qtbot: QtBot, scored_db: Database) -> None:
    """One button per action a person takes in ``visits.transitions``, in its order, each
    enabled exactly for a visit in a status the table takes it from."""
    view = _view(qtbot, scored_db)
    assert tuple(view.action_buttons) == PERSON_ACTIONS
    chosen = dict(zip(list(_cells(view))[: len(VisitStatus)], VisitStatus, strict=True))
    with scored_db.engine.begin() as conn:
        for visit_id, status in chosen.items():
            conn.execute(update(Visit).where(Visit.id == visit_id).values(status=status))
    view.refresh()
    cells = _cells(view)
    for visit_id, status in chosen.items():
        (item,) = _select(view, cells[visit_id])
        assert item.status == status.value
        enabled = {a for a, b in view.action_buttons.items() if b.isEnabled()}
        assert enabled == {a for a in PERSON_ACTIONS if status in TRANSITIONS[a].before}, status
    done, missed = (next(v for v, s in chosen.items() if s == x) for x in ("done", "missed"))
    _select(view, cells[done])
    assert not any(b.isEnabled() for b in view.action_buttons.values())  # done is final
    _select(view, cells[missed])
    view.plan_actions.cancel_with("客户出差")  # the table has no cancel from missed
    assert view.message.text() == "Select a proposed or planned visit first."
    # several visits: the actions taken for many are enabled, the one taken for one is not
    _select(view, *(cells[v] for v, s in chosen.items() if s in ("proposed", "planned")))
    assert view.move_button.isEnabled() and not view.complete_button.isEnabled()
    assert view.complete_button.toolTip() == "For a proposed, planned or missed visit"
    assert view.accept_button.toolTip() == "For a proposed visit"


def test_every_status_of_the_table_has_its_colour_mark_and_label() -> None:
    """A status added to ``visits.transitions`` cannot go unnoticed on the calendar."""
    statuses = [s.value for s in STATUSES]
    assert list(STATUS_COLOURS) == list(STATUS_MARKS) == statuses
    assert list(labels.VISIT_STATUSES) == statuses


def test_a_companys_name_fits_its_calendar_cell() -> None:
    """The week's cells drop a company's city and legal form (the tooltip keeps it whole)."""
    from rmdesk.views.planner.calendar import short_name

    assert short_name("北京凯旋金利文化传媒有限公司") == "凯旋金利文化传媒"
    assert short_name("北京宏远永安餐饮股份有限公司") == "宏远永安餐饮"
    assert short_name("Beijing Kaixuan Media Co., Ltd.") == "Beijing Kaixuan Media"
    assert short_name("王伟") == "王伟"
