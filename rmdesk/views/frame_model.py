"""A read-only Qt table over a pandas DataFrame that sorts and filters with numpy.

Sorting computes one index permutation (``numpy.argsort`` on the column, stable, missing values
last) instead of letting a proxy call ``lessThan`` a million times; filtering is a boolean mask.
Cells are formatted only when Qt asks for them, so a 100,000-row book costs nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


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

    # --- data in -----------------------------------------------------------------------
    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
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
            codes, _ = pd.factorize(values.astype("object"), sort=True)
            keys = codes.astype("float64")
            missing = codes < 0
        if order == Qt.SortOrder.DescendingOrder:
            keys = -keys
        keys = np.where(missing, np.inf, keys)  # missing last either way
        return np.argsort(keys, kind="stable")

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._sorted = self._permutation(column, order)
        self._apply_mask()
        self.layoutChanged.emit()

    def set_mask(self, mask: np.ndarray | None) -> None:
        """Show only rows where ``mask`` (aligned with the frame) is true; None shows all."""
        self.beginResetModel()
        self._mask = mask
        self._apply_mask()
        self.endResetModel()

    def _apply_mask(self) -> None:
        self._order = self._sorted if self._mask is None else self._sorted[self._mask[self._sorted]]

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
            value = self.frame[column.key].iat[int(self._order[index.row()])]
            if _missing(value):
                return ""
            return column.format(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.color is not None:
            value = self.frame[column.key].iat[int(self._order[index.row()])]
            name = None if _missing(value) else column.color(value)
            return QColor(name) if name else None
        return None

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


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value  # NaN
