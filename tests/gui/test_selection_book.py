"""Enter in the book opens the client chosen, whatever sort and filters came after the choice;
a filter that hides that client leaves nothing to open. Checked in the audit trail."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from rmdesk.db import Database
from rmdesk.views.shell.main_window import MainWindow
from tests.gui.conftest import context_for
from tests.gui.table_driver import click_row, clients_opened, press_enter, row_of, rows, sort_moving


def test_enter_after_sorting_and_filtering_opens_the_client_chosen(
    qtbot: QtBot, scored_db: Database
) -> None:
    window = MainWindow(context_for(scored_db, "rm01"))
    qtbot.addWidget(window)
    window.show()
    window.refresh()
    window.tabs.setCurrentWidget(window.book)  # after Today, the book
    book, table = window.book, window.book.table
    shown = rows(table)
    chosen = shown[7]
    client = int(chosen["client_id"])
    click_row(qtbot, table, 7)
    sort_moving(qtbot, table, "name", "client_id", client, chosen_at=7)
    book.tier.setCurrentIndex(book.tier.findData(str(chosen["tier"])))  # keeps the client
    assert 1 < book.model.rowCount() < len(shown)
    sort_moving(qtbot, table, "external_id", "client_id", client, chosen_at=7)
    current = table.current_row()
    assert current is not None and int(current["client_id"]) == client

    # a filter that hides the client: Enter opens nobody
    other = next(t for t in range(1, book.tier.count()) if book.tier.itemData(t) != chosen["tier"])
    book.tier.setCurrentIndex(other)
    assert table.current_row() is None and table.selected_rows() == []
    press_enter(qtbot, table)
    assert window.client_view is None and clients_opened(scored_db) == []

    book.tier.setCurrentIndex(0)  # the client is back, not chosen: choose again, sort, open
    at = row_of(table, "client_id", client)
    click_row(qtbot, table, at)
    sort_moving(qtbot, table, "contribution_minor", "client_id", client, chosen_at=at)
    press_enter(qtbot, table)
    assert window.tabs.currentWidget() is window.client_view
    assert clients_opened(scored_db) == [client]
