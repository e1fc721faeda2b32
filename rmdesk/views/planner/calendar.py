"""The visit plan as a calendar: a week (one column a day, the visits in route order down it)
and a month (one cell a day). Both are table models over what ``services.visit_views`` read;
non-working days (weekends, holidays, but not the 调休 working weekends) are shaded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from rmdesk.services.visits.calendar import purpose_label
from rmdesk.services.visits.screen import Day
from rmdesk.views.widgets import labels

# Strings here are in one context, "PlannerCalendar": a method's ``self.tr`` would look them up
# under the subclass's name while lupdate files them under the class that holds the method.
Index = QModelIndex | QPersistentModelIndex
VISIT_ROLE = Qt.ItemDataRole.UserRole + 10  # the VisitItem of a week cell
DAY_ROLE = Qt.ItemDataRole.UserRole + 11  # the date of a cell or column
VISITS_ROLE = Qt.ItemDataRole.UserRole + 12  # the VisitItems of a month cell

STATUS_COLOURS = {
    "proposed": "#fff3cd",
    "planned": "#d6e9ff",
    "done": "#dcf2dc",
    "cancelled": "#ececec",
    "missed": "#f9d9d9",
}
#: a mark per status for the month's compact lines; the legend under the calendar explains them
STATUS_MARKS = {"proposed": "○", "planned": "●", "done": "✓", "cancelled": "✕", "missed": "!"}
NON_WORKING = "#e4e4e4"
OTHER_MONTH = "#9e9e9e"
MONTH_LINES = 4  # visits listed in a month cell before "+N"


@dataclass(frozen=True)
class VisitItem:
    """One visit as the screen holds it; ``version`` goes with every action on it."""

    visit_id: int
    client_id: int
    external_id: str
    name: str
    tier: str | None
    district: str | None
    planned_on: dt.date
    slot: int
    status: str
    purpose: str | None
    reason: str
    outcome: str | None
    notes: str | None
    next_step: str | None
    version: int

    @classmethod
    def from_row(cls, row: Any) -> VisitItem:
        """From a row of ``visit_views.rm_visits`` (a pandas Series or a named tuple)."""

        def text(value: Any) -> str | None:
            return None if value is None or pd.isna(value) else str(value)

        return cls(
            visit_id=int(row.visit_id),
            client_id=int(row.client_id),
            external_id=str(row.external_id),
            name=str(row["name"] if isinstance(row, pd.Series) else row.name),
            tier=text(row.tier),
            district=text(row.district),
            planned_on=pd.Timestamp(row.planned_on).date(),
            slot=int(row.slot),
            status=str(row.status),
            purpose=text(row.purpose),
            reason=text(row.reason) or "",
            outcome=text(row.outcome),
            notes=text(row.notes),
            next_step=text(row.next_step),
            version=int(row.version),
        )


#: what a company's name starts and ends with that a calendar cell can do without (the full
#: name is in the cell's tooltip and everywhere else): the city, the legal form
_CITY = re.compile(r"^(北京市|北京|上海市|上海)")
_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团|\s*(Co\.,?\s*)?Ltd\.?)$")


def short_name(name: str) -> str:
    """A company's name as a calendar cell shows it (北京凯旋金利文化传媒有限公司 → 凯旋金利
    文化传媒); a person's name, or a short one, as it is."""
    if len(name) <= 8:
        return name
    shorter = _FORM.sub("", _CITY.sub("", name)).strip(" ,")
    return shorter or name


def by_day(frame: pd.DataFrame) -> dict[dt.date, list[VisitItem]]:
    """The visits of a frame grouped by day, each day in route order (the frame's order)."""
    days: dict[dt.date, list[VisitItem]] = {}
    for row in frame.itertuples(index=False):
        item = VisitItem.from_row(row)
        days.setdefault(item.planned_on, []).append(item)
    return days


def status_text(status: str) -> str:
    return labels.label(labels.VISIT_STATUSES, status)


def visit_tooltip(item: VisitItem, language: str) -> str:
    """Who, why and what came of it: for a tooltip and the details line."""
    head = f"{item.name} ({item.external_id})"
    parts = [
        head,
        " · ".join(
            p
            for p in (
                item.tier
                and QCoreApplication.translate("PlannerCalendar", "Tier %1").replace(
                    "%1", item.tier
                ),
                item.district,
                purpose_label(item.purpose, language),
                status_text(item.status),
            )
            if p
        ),
    ]
    if item.reason:
        parts.append(item.reason)
    for extra in (item.outcome, item.notes, item.next_step):
        if extra:
            parts.append(extra)
    return "\n".join(parts)


class _CalendarModel(QAbstractTableModel):
    """Seven columns, Monday first; the rows are slots (week) or weeks (month)."""

    def __init__(self, locale: QLocale, language: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.locale = locale
        self.language = language
        self.days: dict[dt.date, Day] = {}
        self.visits: dict[dt.date, list[VisitItem]] = {}
        self.first = dt.date(2000, 1, 3)  # a Monday
        self.today = dt.date(2000, 1, 3)

    def set_plan(
        self,
        first: dt.date,
        days: list[Day],
        visits: dict[dt.date, list[VisitItem]],
        today: dt.date,
    ) -> None:
        self.beginResetModel()
        self.first = first
        self.days = {d.on: d for d in days}
        self.visits = visits
        self.today = today
        self.endResetModel()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else 7

    def _working(self, day: dt.date) -> bool:
        known = self.days.get(day)
        return known.working if known is not None else day.weekday() < 5

    def _day_note(self, day: dt.date) -> str:
        """The holiday's name, or that a weekend day is worked (调休)."""
        known = self.days.get(day)
        if known is None:
            return ""
        if known.holiday:
            return known.holiday
        if known.made_working:
            return QCoreApplication.translate("PlannerCalendar", "Working day")
        return ""

    def _qdate(self, day: dt.date) -> QDate:
        return QDate(day.year, day.month, day.day)


class WeekModel(_CalendarModel):
    """One column a day; down each column that day's visits in route order."""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        if parent.isValid():
            return 0
        return max([len(v) for d, v in self.visits.items() if self._in_week(d)] + [1])

    def _in_week(self, day: dt.date) -> bool:
        return 0 <= (day - self.first).days < 7

    def day_of(self, column: int) -> dt.date:
        return self.first + dt.timedelta(days=column)

    def visit_at(self, row: int, column: int) -> VisitItem | None:
        day_visits = self.visits.get(self.day_of(column), [])
        return day_visits[row] if 0 <= row < len(day_visits) else None

    def index_of(self, visit_id: int) -> QModelIndex:
        for column in range(7):
            for row, item in enumerate(self.visits.get(self.day_of(column), [])):
                if item.visit_id == visit_id:
                    return self.index(row, column)
        return QModelIndex()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.visit_at(index.row(), index.column()) is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self.rowCount()):
            return None
        day = self.day_of(index.column())
        item = self.visit_at(index.row(), index.column())
        if role == DAY_ROLE:
            return day
        if role == Qt.ItemDataRole.BackgroundRole:
            if item is not None:
                return QBrush(QColor(STATUS_COLOURS.get(item.status, "#ffffff")))
            return None if self._working(day) else QBrush(QColor(NON_WORKING))
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            where = " · ".join(p for p in (item.district, status_text(item.status)) if p)
            return f"{item.slot}. {short_name(item.name)}\n{where}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return visit_tooltip(item, self.language)
        if role == Qt.ItemDataRole.FontRole and item.status in ("cancelled", "missed"):
            font = QFont()
            font.setStrikeOut(item.status == "cancelled")
            font.setItalic(item.status == "missed")
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == VISIT_ROLE:
            return item
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < 7:
            return None
        day = self.day_of(section)
        if role == Qt.ItemDataRole.DisplayRole:
            label = self.locale.toString(
                self._qdate(day), QCoreApplication.translate("PlannerCalendar", "ddd d MMM")
            )
            note = self._day_note(day) or (
                QCoreApplication.translate("PlannerCalendar", "Day off")
                if not self._working(day)
                else ""
            )
            return label + "\n" + note
        if role == Qt.ItemDataRole.FontRole and day == self.today:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and not self._working(day):
            return QBrush(QColor("#b71c1c"))
        if role == DAY_ROLE:
            return day
        return None


class MonthModel(_CalendarModel):
    """One cell a day, Monday first, the weeks that touch the month; a cell lists its visits."""

    def __init__(self, locale: QLocale, language: str, parent: Any = None) -> None:
        super().__init__(locale, language, parent)
        self.month = (2000, 1)
        self.weeks = 0

    def set_month(
        self,
        month: tuple[int, int],
        first: dt.date,
        weeks: int,
        days: list[Day],
        visits: dict[dt.date, list[VisitItem]],
        today: dt.date,
    ) -> None:
        self.month, self.weeks = month, weeks
        self.set_plan(first, days, visits, today)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else self.weeks

    def day_at(self, row: int, column: int) -> dt.date:
        return self.first + dt.timedelta(days=7 * row + column)

    def index_of_day(self, day: dt.date) -> QModelIndex:
        offset = (day - self.first).days
        if 0 <= offset < 7 * self.weeks:
            return self.index(offset // 7, offset % 7)
        return QModelIndex()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self.weeks):
            return None
        day = self.day_at(index.row(), index.column())
        items = self.visits.get(day, [])
        if role == Qt.ItemDataRole.DisplayRole:
            head = str(day.day)
            note = self._day_note(day)
            if note:
                head += "  " + note
            lines = [head]
            for item in items[:MONTH_LINES]:
                lines.append(f"{STATUS_MARKS.get(item.status, '?')} {short_name(item.name)}")
            if len(items) > MONTH_LINES:
                lines.append(
                    QCoreApplication.translate("PlannerCalendar", "+%1 more").replace(
                        "%1", str(len(items) - MONTH_LINES)
                    )
                )
            return "\n".join(lines)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.BackgroundRole and not self._working(day):
            return QBrush(QColor(NON_WORKING))
        if role == Qt.ItemDataRole.ForegroundRole and (day.year, day.month) != self.month:
            return QBrush(QColor(OTHER_MONTH))
        if role == Qt.ItemDataRole.FontRole and day == self.today:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and items:
            return "\n".join(
                f"{item.slot}. {item.name} · {item.district or ''} · {status_text(item.status)}"
                for item in items
            )
        if role == DAY_ROLE:
            return day
        if role == VISITS_ROLE:
            return list(items)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < 7:
            return self.locale.dayName(section + 1, QLocale.FormatType.ShortFormat)
        if orientation == Qt.Orientation.Vertical and 0 <= section < self.weeks:
            return str(self.day_at(section, 0).isocalendar().week)
        return None


def calendar_table(model: QAbstractTableModel, row_height: int, parent: QWidget) -> QTableView:
    """A table for a calendar model: columns share the width, rows are ``row_height`` high."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    table.setWordWrap(True)
    table.setCornerButtonEnabled(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setDefaultSectionSize(row_height)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    return table
