"""Driving a DataTable as the user does: clicks (with Ctrl or Shift) on rows, clicks on headers,
Enter on the current row; and reading back which rows of the frame are where."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from rmdesk.db import Database
from rmdesk.models import AuditEntry
from rmdesk.views.widgets.data_table import DataTable


def rows(table: DataTable) -> list[Any]:
    """The rows as shown, in order."""
    model = table.model_
    return [model.row_at(r) for r in range(model.rowCount())]


def row_of(table: DataTable, key: str, value: Any) -> int:
    """Where the row whose ``key`` is ``value`` is shown now."""
    return next(r for r, row in enumerate(rows(table)) if row[key] == value)


def column(table: DataTable, key: str) -> int:
    return [c.key for c in table.model_.columns].index(key)


def click_row(
    qtbot: QtBot,
    table: DataTable,
    row: int,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """A click on a row (Ctrl+click adds it to the selection), as the user makes it."""
    index = table.model_.index(row, 0)
    table.scrollTo(index)
    centre = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, centre)


def click_rows(qtbot: QtBot, table: DataTable, key: str, values: list[Any]) -> None:
    """Click the first row with ``key`` == values[0], Ctrl+click the others."""
    for n, value in enumerate(values):
        modifier = Qt.KeyboardModifier.ControlModifier if n else Qt.KeyboardModifier.NoModifier
        click_row(qtbot, table, row_of(table, key, value), modifier)


def click_header(qtbot: QtBot, table: DataTable, key: str) -> None:
    """A click on a column's header: the table sorts by it (a second click flips the order)."""
    header = table.horizontalHeader()
    section = column(table, key)
    table.scrollTo(table.model_.index(0, section))
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorSection() == section


def sort_moving(
    qtbot: QtBot, table: DataTable, key: str, chosen: str, value: Any, *, chosen_at: int
) -> None:
    """Click ``key``'s header (twice if need be) until the row whose ``chosen`` is ``value``
    stands elsewhere than before and than at ``chosen_at``, the row where the user chose it:
    a sort that leaves it there would not show a selection that stayed on the row number."""
    avoid = {row_of(table, chosen, value), chosen_at}
    for _ in range(2):
        click_header(qtbot, table, key)
        if row_of(table, chosen, value) not in avoid:
            return
    raise AssertionError(f"sorting by {key} does not move the row with {chosen} {value}")


def press_enter(qtbot: QtBot, table: DataTable) -> None:
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)


def clients_opened(db: Database) -> list[int]:
    """The clients whose opening was written to the audit trail, in order."""
    with db.engine.connect() as conn:
        found = conn.execute(
            select(AuditEntry.entity_id)
            .where(AuditEntry.action == "view", AuditEntry.entity == "client")
            .order_by(AuditEntry.id)
        ).scalars()
        return [int(e) for e in found]
