"""The branch head's actions act on the rows chosen, whatever sort and filter came after the
choice: a handover moves the clients chosen, Enter on a flag opens that flag's client, the RM
report prints the RM chosen. Checked in the database (clients' RMs, the audit trail)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from rmdesk.db import Database
from rmdesk.models import AuditEntry, Client
from rmdesk.services.accounts.users import user_id
from rmdesk.services.common.access import OPERATOR
from rmdesk.views.branch.view import BranchView
from rmdesk.views.shell.main_window import MainWindow
from rmdesk.views.widgets.pdf_preview import PdfPreview
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


def _view(qtbot: QtBot, db: Database) -> BranchView:
    view = BranchView(context_for(db, "head1"))
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    view.refresh()
    return view


def _rms_of(db: Database, clients: list[int]) -> dict[int, int]:
    with db.engine.connect() as conn:
        found = conn.execute(select(Client.id, Client.rm_id).where(Client.id.in_(clients))).all()
        return {int(c): int(rm) for c, rm in found}


def test_a_handover_after_sorting_and_searching_moves_the_clients_chosen(
    qtbot: QtBot, scored_db: Database
) -> None:
    view = _view(qtbot, scored_db)
    view.tabs.setCurrentWidget(view.handover)
    panel, table = view.handover, view.handover.clients
    rm01, rm02 = (user_id(scored_db.engine, u, who=OPERATOR) for u in ("rm01", "rm02"))
    panel.from_rm.setCurrentIndex(panel.from_rm.findData(rm01))
    book = rows(table)
    everyone = [int(r["client_id"]) for r in book]
    a, b = book[1], book[4]
    click_rows(qtbot, table, "client_id", [a["client_id"], b["client_id"]])
    chosen = {int(a["client_id"]), int(b["client_id"])}
    assert set(panel.chosen_ids()) == chosen

    sort_moving(qtbot, table, "name", "client_id", a["client_id"], chosen_at=1)
    assert set(panel.chosen_ids()) == chosen
    sort_moving(qtbot, table, "open_flags", "client_id", b["client_id"], chosen_at=4)
    assert set(panel.chosen_ids()) == chosen
    assert panel.selected.text() == "2 clients"

    # a search that hides b: b leaves the choice, a stays chosen
    qtbot.keyClicks(panel.search, str(a["external_id"]))
    qtbot.waitUntil(lambda: table.model_.rowCount() < len(book), timeout=2000)
    assert int(b["client_id"]) not in {int(r["client_id"]) for r in rows(table)}
    assert panel.chosen_ids() == [int(a["client_id"])]
    assert panel.selected.text() == "1 client"
    panel.search.clear()
    qtbot.waitUntil(lambda: table.model_.rowCount() == len(book), timeout=2000)
    assert panel.chosen_ids() == [int(a["client_id"])]  # b is back, not chosen
    click_row(
        qtbot,
        table,
        row_of(table, "client_id", b["client_id"]),
        Qt.KeyboardModifier.ControlModifier,
    )
    sort_moving(qtbot, table, "contribution_minor", "client_id", a["client_id"], chosen_at=1)
    assert set(panel.chosen_ids()) == chosen

    panel.to_rm.setCurrentIndex(panel.to_rm.findData(rm02))
    qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
    assert panel.plan is not None and set(panel.plan.versions) == chosen
    qtbot.keyClicks(panel.reason, "rebalancing the books")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    held = _rms_of(scored_db, everyone)
    assert {c for c, rm in held.items() if rm == rm02} == chosen
    assert {c for c, rm in held.items() if rm == rm01} == set(everyone) - chosen


def test_enter_on_a_flag_after_sorting_and_filtering_opens_that_flags_client(
    qtbot: QtBot, scored_db: Database
) -> None:
    window = MainWindow(context_for(scored_db, "head1"))
    qtbot.addWidget(window)
    window.show()
    window.refresh()
    window.tabs.setCurrentWidget(window.views["branch"])  # after Today, the dashboard
    view = window.views["branch"].ensure()  # type: ignore[attr-defined]
    assert isinstance(view, BranchView)
    view.tabs.setCurrentWidget(view.flags)
    flags, table = view.flags, view.flags.table
    shown = rows(table)
    high = [r for r in shown if r["severity"] == "high"]
    flag = high[len(high) // 2]  # a high flag among others, not the first row
    assert len({r["client_id"] for r in shown}) > 2
    at = row_of(table, "flag_id", flag["flag_id"])
    click_row(qtbot, table, at)
    sort_moving(qtbot, table, "client", "flag_id", flag["flag_id"], chosen_at=at)
    flags.severity.setCurrentIndex(flags.severity.findData("high"))  # the filter keeps it
    assert 1 < table.model_.rowCount() < len(shown)
    sort_moving(qtbot, table, "external_id", "flag_id", flag["flag_id"], chosen_at=at)
    current = table.current_row()
    assert current is not None and current["flag_id"] == flag["flag_id"]
    before = clients_opened(scored_db)
    press_enter(qtbot, table)
    assert window.tabs.currentWidget() is window.client_view
    assert clients_opened(scored_db) == [*before, int(flag["client_id"])]


def test_the_rm_report_after_sorting_prints_the_rm_chosen(
    qtbot: QtBot, scored_db: Database
) -> None:
    view = _view(qtbot, scored_db)
    cards = view.scorecards
    ranking = rows(cards.ranking)
    chosen: Any = ranking[4]
    click_row(qtbot, cards.ranking, 4)
    sort_moving(qtbot, cards.ranking, "display_name", "rm_id", chosen["rm_id"], chosen_at=4)
    assert cards.selected_rm_id() == chosen["rm_id"]
    assert str(chosen["display_name"]) in cards.kpi_title.text()
    qtbot.mouseClick(cards.print_rm_button, Qt.MouseButton.LeftButton)
    (preview,) = [d for d in view.window().findChildren(PdfPreview) if d.isVisible()]
    preview.reject()
    with scored_db.engine.connect() as conn:
        printed = conn.execute(
            select(AuditEntry.entity, AuditEntry.entity_id).where(AuditEntry.action == "print")
        ).all()
    assert [tuple(p) for p in printed] == [("user", str(chosen["rm_id"]))]
