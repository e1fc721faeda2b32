"""Today, the first screen of an RM and a head: what it lists is the agenda of the services,
every row opens its client, and tasks are closed, snoozed and handed over in place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QLocale, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QGroupBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from rmdesk.db import Database
from rmdesk.models import Client, Task
from rmdesk.services.accounts.users import account, user_id
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.visits import tasks
from rmdesk.services.visits.today import rm_agenda
from rmdesk.views.shell.main_window import MainWindow
from rmdesk.views.today.view import TodayView
from rmdesk.views.widgets.task_dialogs import DayDialog, NoteDialog
from tests.gui.conftest import TODAY, context_for


def _when_dialog_opens(kind: type[QDialog], fill: Any) -> None:
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, kind)
        fill(dialog)
        dialog.accept()

    QTimer.singleShot(0, answer)


def _task(db: Database, username: str, title: str, due: dt.date) -> int:
    rm = account(db.engine, user_id(db.engine, username, who=OPERATOR))
    with db.engine.connect() as conn:
        client = conn.execute(
            select(Client.id).where(Client.rm_id == rm.id).order_by(Client.id).limit(1)
        ).scalar_one()
    return tasks.add(db.engine, client, title, due, who=rm, today=due)


def _select(view: TodayView, key: str, column: str, value: object) -> int:
    table = view.sections[key].table
    model = table.model_
    for row in range(model.rowCount()):
        if model.row_at(row)[column] == value:
            table.selectRow(row)
            return row
    raise AssertionError(f"{value!r} not in {key}")


def test_today_is_the_rms_first_screen_and_lists_the_agenda(
    qtbot: QtBot, scored_db: Database
) -> None:
    ctx = context_for(scored_db, "rm01")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.tabs.currentWidget() is window.views["today"]
    window.refresh()
    view = window.views["today"].ensure()  # type: ignore[attr-defined]
    assert isinstance(view, TodayView)
    agenda = rm_agenda(scored_db.engine, ctx.user.id, TODAY, language="en", who=ctx.user)
    visits = view.sections["visits"].table.model_
    assert [visits.row_at(r)["visit_id"] for r in range(visits.rowCount())] == [
        v.visit_id for v in agenda.visits
    ]
    assert agenda.visits, "the scored bank plans rm01's visits from TODAY"
    assert view.sections["tasks"].table.model_.rowCount() == len(agenda.tasks)
    assert view.sections["flags"].title().endswith(f"({agenda.flags_total})")
    # a row opens its client
    with qtbot.waitSignal(view.client_requested) as opened:
        view.sections["visits"].table.row_activated.emit(visits.row_at(0))
    assert opened.args == [agenda.visits[0].client_id]


def test_a_task_is_done_and_another_snoozed_in_place(qtbot: QtBot, scored_db: Database) -> None:
    done_id = _task(scored_db, "rm01", "Call about the renewal", TODAY)
    later_id = _task(scored_db, "rm01", "Send the rate sheet", TODAY)
    view = TodayView(context_for(scored_db, "rm01"))
    qtbot.addWidget(view)
    view.refresh()
    before = view.sections["tasks"].table.model_.rowCount()
    _select(view, "tasks", "task_id", done_id)
    _when_dialog_opens(NoteDialog, lambda d: d.note.setText("Renewed for a year"))
    with qtbot.waitSignal(view.changed):
        view.findChild(QPushButton, "task_done").click()
    _select(view, "tasks", "task_id", later_id)
    _when_dialog_opens(DayDialog, lambda d: d.day.setDate(d.day.minimumDate().addDays(2)))
    with qtbot.waitSignal(view.changed):
        view.findChild(QPushButton, "task_snooze").click()
    with scored_db.engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(Task).where(Task.id.in_([done_id, later_id])))}
    assert (rows[done_id].status, rows[done_id].note) == ("done", "Renewed for a year")
    assert rows[later_id].snoozed_until == TODAY + dt.timedelta(days=3)
    assert view.sections["tasks"].table.model_.rowCount() == before - 2


def test_the_heads_today_in_chinese(qtbot: QtBot, scored_db: Database, chinese: QLocale) -> None:
    late = _task(scored_db, "rm01", "补交材料", TODAY - dt.timedelta(days=5))
    view = TodayView(context_for(scored_db, "head1", language="zh_CN"))
    qtbot.addWidget(view)
    view.refresh()
    titles = [g.title() for g in view.findChildren(QGroupBox)]
    assert any(t.startswith("支行逾期待办（") for t in titles), titles
    assert any(t.startswith("近期无联系记录的客户经理（") for t in titles), titles
    row = _select(view, "overdue_tasks", "task_id", late)
    model = view.sections["overdue_tasks"].table.model_
    texts = [model.index(row, c).data() for c in range(model.columnCount())]
    assert "5 天" in texts and "补交材料" in texts
    buttons = {b.text() for b in view.findChildren(QPushButton)}
    assert {"完成…", "暂缓…", "转交…", "回到今天"} <= buttons


def test_a_visit_is_moved_and_another_recorded_in_place(qtbot: QtBot, scored_db: Database) -> None:
    from rmdesk.models import Interaction, Visit
    from rmdesk.services.visits import actions as visit_actions
    from rmdesk.views.widgets.visit_dialogs import CompleteDialog

    ctx = context_for(scored_db, "rm01")
    view = TodayView(ctx)
    qtbot.addWidget(view)
    view.refresh()
    model = view.sections["visits"].table.model_
    assert model.rowCount() >= 2
    first, second = model.row_at(0), model.row_at(1)
    visit_actions.accept(  # a proposed visit is accepted before it is recorded
        scored_db.engine, int(second["visit_id"]), version=int(second["version"]), who=ctx.user
    )
    view.refresh()
    _select(view, "visits", "visit_id", first["visit_id"])
    _when_dialog_opens(DayDialog, lambda d: d.day.setDate(d.day.minimumDate().addDays(3)))
    with qtbot.waitSignal(view.changed):
        view.findChild(QPushButton, "visit_move").click()
    _select(view, "visits", "visit_id", second["visit_id"])
    _when_dialog_opens(CompleteDialog, lambda d: d.outcome.setText("Renewed the deposit"))
    with qtbot.waitSignal(view.changed):
        view.findChild(QPushButton, "visit_complete").click()
    with scored_db.engine.connect() as conn:
        moved = conn.execute(select(Visit).where(Visit.id == int(first["visit_id"]))).one()
        done = conn.execute(select(Visit).where(Visit.id == int(second["visit_id"]))).one()
        logged = conn.execute(
            select(Interaction).where(Interaction.visit_id == int(second["visit_id"]))
        ).one()
    assert (moved.planned_on, moved.status) == (TODAY + dt.timedelta(days=3), "planned")
    assert (done.status, done.outcome, logged.channel) == ("done", "Renewed the deposit", "visit")
    assert "recorded as done" in view.message.text()
    remaining = {
        model.row_at(r)["visit_id"]: model.row_at(r)["status"] for r in range(model.rowCount())
    }
    assert first["visit_id"] not in remaining  # moved to another day, off today's list
    assert remaining[second["visit_id"]] == "done"  # done, it stays: the day's progress shows
