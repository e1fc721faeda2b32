"""A read-only Qt table over a pandas DataFrame that sorts and filters with numpy.

Sorting computes one index permutation (``numpy.argsort`` on the column, stable, missing values
last) instead of letting a proxy call ``lessThan`` a million times; filtering is a boolean mask.
Cells are formatted only when Qt asks for them, so a 100,000-row book costs nothing to show.

Sorting and filtering move Qt's persistent indexes with their rows of the frame, so the view's
selection and current row stay on the clients the user chose (the views' actions read them);
a row filtered out drops from the selection. The cost grows with the rows selected only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
#: the layout signals' overload that carries a hint: "only rows moved" lets the selection model
#: keep one persistent index a selected row instead of one a selected cell (PySide6's stubs do
#: not know that a signal is indexed by its overload)
_LAYOUT_ARGS = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")


@dataclass(frozen=True)
class Column:
    """A column: the frame's key, its title as a source text (translated in ``context``)."""

    key: str
    title: object  # a QT_TRANSLATE_NOOP source text
    format: Callable[[Any], str] = str
    numeric: bool = False
    #: minor units (fen, cents): exported to Excel in major units
    money: bool = False
    #: the text colour for a value (a colour name such as "#c62828"), or None for the default
    color: Callable[[Any], str | None] | None = None
    #: what a missing value says (a QT_TRANSLATE_NOOP source text in the model's context), e.g.
    #: "Never contacted" for a last contact there never was; empty: a blank cell
    missing: object = ""


class FrameModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], context: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.context = context
        self.frame = pd.DataFrame(columns=[c.key for c in columns])
        self._order = np.arange(0)  # visible rows, as positions in the frame
        self._sorted = np.arange(0)  # all rows in sort order
        self._mask: np.ndarray | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        # per column, filled on first use: the cells as a plain object array (pandas' own
        # element access costs microseconds a cell), and the codes text columns sort by
        self._cells: dict[str, np.ndarray] = {}
        self._codes: dict[str, np.ndarray] = {}

    # --- data in -----------------------------------------------------------------------
    def set_frame(self, frame: pd.DataFrame, codes: dict[str, np.ndarray] | None = None) -> None:
        """Show ``frame``; ``codes`` are text columns' sort codes made off the GUI thread
        (``sort_codes``), so that the first click on such a header is as quick as the next."""
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self._cells = {}
        self._codes = dict(codes or {})
        self._sorted = np.arange(len(self.frame))
        self._mask = None
        if self._sort is not None:
            self._sorted = self._permutation(*self._sort)
        self._order = self._sorted
        self.endResetModel()

    def row_at(self, row: int) -> pd.Series:
        return self.frame.iloc[int(self._order[row])]

    # --- sort and filter -----------------------------------------------------------------
    def _permutation(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        values = self.frame[self.columns[column].key]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            keys = (
                values.to_numpy(dtype="float64", na_value=np.nan)
                if not pd.api.types.is_datetime64_any_dtype(values)
                else values.to_numpy(dtype="datetime64[ns]").astype("int64").astype("float64")
            )
            missing = values.isna().to_numpy()
        else:
            key = self.columns[column].key
            if key not in self._codes:
                self._codes[key] = text_codes(values)
            codes = self._codes[key]
            keys = codes.astype("float64")
            missing = codes < 0
        if order == Qt.SortOrder.DescendingOrder:
            keys = -keys
        keys = np.where(missing, np.inf, keys)  # missing last either way
        return np.argsort(keys, kind="stable")

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        self._sorted = self._permutation(column, order)
        self._show(self._shown())

    def set_mask(self, mask: np.ndarray | None) -> None:
        """Show only rows where ``mask`` (aligned with the frame) is true; None shows all."""
        self._mask = mask
        self._show(self._shown())

    def _shown(self) -> np.ndarray:
        """The rows to show: the sort order through the mask."""
        return self._sorted if self._mask is None else self._sorted[self._mask[self._sorted]]

    def _show(self, order: np.ndarray) -> None:
        """Show the rows ``order`` (positions in the frame) in place of those shown, keeping every
        persistent index (the view's selection, its current row, an open editor) on its row of
        the frame; an index on a row no longer shown becomes invalid, so drops from the selection.

        The rows newly shown are first appended, then one layout change puts every row in place
        (the hidden ones last), then the hidden ones are removed from the end: no layout change
        alters the row count, which Qt's selection model does not follow when the whole table of
        over 1,000 cells is selected."""
        before = self._order
        shown = np.zeros(len(self.frame), dtype=bool)
        shown[before] = True
        coming = order[~shown[order]]
        shown[:] = False
        shown[order] = True
        going = before[~shown[before]]
        if len(coming):
            self.beginInsertRows(QModelIndex(), len(before), len(before) + len(coming) - 1)
            self._order = np.concatenate([before, coming])
            self.endInsertRows()
        self._relayout(np.concatenate([order, going]), len(order))
        if len(going):
            self.beginRemoveRows(QModelIndex(), len(order), len(order) + len(going) - 1)
            self._order = order
            self.endRemoveRows()

    def _relayout(self, order: np.ndarray, kept: int) -> None:
        """One layout change to ``order`` (as many rows as now) that moves each persistent index
        with its row; indexes on rows past the first ``kept`` become invalid."""
        hint = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
        about, changed = self.layoutAboutToBeChanged, self.layoutChanged
        about[_LAYOUT_ARGS].emit([], hint)  # type: ignore[index]  # see _LAYOUT_ARGS
        before, self._order = self._order, order
        old = self.persistentIndexList()
        if old:
            # frame position -> new row (-1: to be hidden), then each index's old row through it
            row_of = np.full(len(self.frame), -1, dtype=np.int64)
            row_of[order[:kept]] = np.arange(kept)
            rows = row_of[before[[i.row() for i in old]]].tolist()
            hidden = QModelIndex()
            new = [
                self.createIndex(r, i.column()) if r >= 0 else hidden
                for i, r in zip(old, rows, strict=True)
            ]
            self.changePersistentIndexList(old, new)
        changed[_LAYOUT_ARGS].emit([], hint)  # type: ignore[index]  # see _LAYOUT_ARGS

    # --- Qt model interface --------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._order)):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._cell(column.key, index.row())
            if _missing(value):
                return (
                    QCoreApplication.translate(self.context, str(column.missing))
                    if column.missing
                    else ""
                )
            return column.format(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.color is not None:
            value = self._cell(column.key, index.row())
            name = None if _missing(value) else column.color(value)
            return QColor(name) if name else None
        return None

    def _cell(self, key: str, row: int) -> Any:
        cells = self._cells.get(key)
        if cells is None:
            cells = self._cells[key] = _plain(self.frame[key])
        value = cells[self._order[row]]
        if isinstance(value, np.datetime64):
            return pd.Timestamp(value)  # NaT becomes pd.NaT, shown empty
        return value

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return QCoreApplication.translate(self.context, str(self.columns[section].title))
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None


def _plain(values: pd.Series) -> np.ndarray:
    """A column as a numpy array that is quick to index: numbers stay numbers (missing ones NaN),
    text becomes Python strings (arrow-backed text costs microseconds a cell to read)."""
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values.to_numpy()
    if pd.api.types.is_numeric_dtype(values):
        if values.hasnans or isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
            return values.to_numpy(dtype="float64", na_value=np.nan)
        return values.to_numpy()
    return values.to_numpy(dtype=object)


def text_codes(values: pd.Series) -> np.ndarray:
    """Codes that sort a text column (missing values get -1)."""
    codes, _ = pd.factorize(values.astype("object"), sort=True)
    return np.asarray(codes)


def sort_codes(frame: pd.DataFrame, columns: list[Column]) -> dict[str, np.ndarray]:
    """The sort codes of ``columns``' text columns, for ``FrameModel.set_frame`` (any thread)."""
    return {
        c.key: text_codes(frame[c.key])
        for c in columns
        if c.key in frame.columns
        and not pd.api.types.is_numeric_dtype(frame[c.key])
        and not pd.api.types.is_datetime64_any_dtype(frame[c.key])
    }


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value  # NaN
