"""The table every view uses: a FrameModel in a QTableView, sortable, exportable to Excel.

Double-click or Enter on a row emits ``row_activated`` with that row of the frame. The context
menu and Ctrl+Shift+E write the rows as shown (filter and sort order kept) to an .xlsx file,
off the GUI thread, ID, account and phone numbers masked (by column key, as every export);
the export is written to the audit log like every other export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableView,
    QWidget,
)

from rmdesk.services.data.exporting import write_rows
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.frame_model import Column, FrameModel

#: export the table as shown (the File menu's action has it in the main window)
EXPORT_KEY = QKeySequence("Ctrl+Shift+E")


class DataTable(QTableView):
    row_activated = Signal(object)  # the pandas Series of the row

    def __init__(
        self,
        ctx: ViewContext | None,
        columns: list[Column],
        context: str,
        name: str,
        parent: QWidget | None = None,
    ) -> None:
        """``context`` is the translation context of the column titles; ``name`` names exports."""
        super().__init__(parent)
        self.ctx = ctx
        self.name = name
        self.model_ = FrameModel(columns, context, self)
        self.setModel(self.model_)
        # no sort until the user clicks a header: frames come in the services' order (a rank)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        # fit columns to the rows in view only: measuring every row of a big table takes seconds
        self.horizontalHeader().setResizeContentsPrecision(0)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.doubleClicked.connect(self._activated)
        # one shortcut, one owner: in the main window its File menu's action exports the table
        # in focus; in a dialog (no such action there) the key reaches the table itself
        self.export_action = QAction(self.tr("Export to Excel…") + "\tCtrl+Shift+E", self)
        self.export_action.triggered.connect(self.export_dialog)

    # --- data ----------------------------------------------------------------------------
    def set_frame(self, frame: pd.DataFrame, codes: dict[str, np.ndarray] | None = None) -> None:
        first = self.model_.rowCount() == 0 and len(frame) > 0
        self.model_.set_frame(frame, codes)
        if first:
            self.resizeColumnsToContents()

    def current_row(self) -> pd.Series | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self.model_.row_at(index.row())

    def selected_rows(self) -> list[pd.Series]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.model_.row_at(r) for r in rows]

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activated(self.currentIndex())
            return
        if QKeySequence(event.keyCombination()) == EXPORT_KEY:
            self.export_dialog()
            return
        super().keyPressEvent(event)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.row_activated.emit(self.model_.row_at(index.row()))

    def _menu(self, point: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.export_action)
        menu.exec(self.viewport().mapToGlobal(point))

    # --- export ------------------------------------------------------------------------------
    def shown_rows(self) -> tuple[list[str], list[list[Any]]]:
        """The header titles and the rows as shown: filter and order kept, numbers as numbers."""
        model = self.model_
        titles = [
            str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(len(model.columns))
        ]
        rows = []
        for r in range(model.rowCount()):
            record = model.row_at(r)
            row: list[Any] = []
            for c, column in enumerate(model.columns):
                value = record[column.key]
                if column.numeric and not pd.isna(value):
                    row.append(value / 100 if column.money else value)
                else:
                    row.append(model.index(r, c).data() or "")
            rows.append(row)
        return titles, rows

    def _written(self, rows: int, path: Path) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            message = self.tr("%1 rows written to %2").replace("%1", str(rows))
            window.statusBar().showMessage(message.replace("%2", str(path)), 8000)

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export to Excel"),
            f"{self.name}.xlsx",
            self.tr("Excel workbook (*.xlsx)"),
        )
        if path:
            self.export_to(Path(path if path.endswith(".xlsx") else path + ".xlsx"))

    def export_to(self, path: Path) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        titles, rows = self.shown_rows()
        keys = [c.key for c in self.model_.columns]  # the titles are translated; keys mask
        engine, user = ctx.db.engine, ctx.user
        ctx.runner.run(
            self.tr("Exporting"),
            lambda p: write_rows(
                engine,
                self.name,
                titles,
                rows,
                len(rows),
                "xlsx",
                path,
                keys=keys,
                progress=p,
                who=user,
            ),
            lambda n: self._written(n, path),
            error_handler(self),
            write=True,
            window=self.window(),
        )
