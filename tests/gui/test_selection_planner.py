"""The planner's buttons act on the proposed visits chosen in the list, whatever sort came after
the choice (the lists have no filter), and Enter on an overdue contact opens that client.
Checked in the database: the visits' statuses, the audit trail of clients opened."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from rmdesk.db import Database
from rmdesk.models import Visit
from rmdesk.services.accounts.users import user_id
from rmdesk.services.common.access import OPERATOR
from rmdesk.views.planner.dialogs import CancelDialog
from rmdesk.views.planner.view import PlannerView
from rmdesk.views.shell.main_window import MainWindow
from tests.gui.conftest import context_for
from tests.gui.table_driver import (
    click_row,
    click_rows,
    clients_opened,
    press_enter,
    row_of,
    rows,
    sort_moving,
)


def _view(qtbot: QtBot, db: Database) -> PlannerView:
    view = PlannerView(context_for(db, "rm01"))
    qtbot.addWidget(view)
    view.resize(1366, 900)
    view.show()
    view.refresh()
    return view


def _statuses(db: Database) -> dict[int, tuple[str, str | None]]:
    rm01 = user_id(db.engine, "rm01", who=OPERATOR)
    with db.engine.connect() as conn:
        found = conn.execute(
            select(Visit.id, Visit.status, Visit.notes).where(Visit.user_id == rm01)
        )
        return {int(i): (str(s), n) for i, s, n in found}


def test_accept_and_cancel_after_sorting_act_on_the_visits_chosen(
    qtbot: QtBot, scored_db: Database
) -> None:
    view = _view(qtbot, scored_db)
    table = view.proposed
    before = _statuses(scored_db)
    shown = rows(table)
    assert len(shown) > 6
    chosen = [int(shown[1]["visit_id"]), int(shown[5]["visit_id"])]
    click_rows(qtbot, table, "visit_id", chosen)
    sort_moving(qtbot, table, "name", "visit_id", chosen[0], chosen_at=1)
    sort_moving(qtbot, table, "district", "visit_id", chosen[1], chosen_at=5)
    assert sorted(v.visit_id for v in view.selected_visits()) == sorted(chosen)
    assert view.accept_button.isEnabled()
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(view.accept_button, Qt.MouseButton.LeftButton)
    after = _statuses(scored_db)
    assert {v for v in after if after[v] != before[v]} == set(chosen)
    assert {after[v][0] for v in chosen} == {"planned"}

    # one more, cancelled through the dialog
    left = rows(table)
    other = int(left[len(left) // 2]["visit_id"])
    at = row_of(table, "visit_id", other)
    click_row(qtbot, table, at)
    sort_moving(qtbot, table, "reason", "visit_id", other, chosen_at=at)
    [item] = view.selected_visits()
    assert item.visit_id == other

    def answer() -> None:
        dialog: Any = QApplication.activeModalWidget()
        assert isinstance(dialog, CancelDialog)
        dialog.reason_box.setEditText("客户出差")
        dialog.accept()

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    final = _statuses(scored_db)
    assert {v for v in final if final[v] != after[v]} == {other}
    assert final[other] == ("cancelled", "客户出差")


def test_enter_on_an_overdue_contact_after_sorting_opens_that_client(
    qtbot: QtBot, scored_db: Database
) -> None:
    window = MainWindow(context_for(scored_db, "rm01"))
    qtbot.addWidget(window)
    window.show()
    window.refresh()
    window.tabs.setCurrentWidget(window.views["planner"])  # built and loaded when shown
    view = window.views["planner"].ensure()  # type: ignore[attr-defined]
    assert isinstance(view, PlannerView)
    view.tabs.setCurrentWidget(view.overdue)
    table = view.overdue
    shown = rows(table)
    assert len(shown) > 3
    client = int(shown[2]["client_id"])
    click_row(qtbot, table, 2)
    sort_moving(qtbot, table, "name", "client_id", client, chosen_at=2)
    sort_moving(qtbot, table, "days_overdue", "client_id", client, chosen_at=2)
    before = clients_opened(scored_db)
    press_enter(qtbot, table)
    assert window.tabs.currentWidget() is window.client_view
    assert clients_opened(scored_db) == [*before, client]
