"""The planner's dialogs: propose a plan, move, cancel and complete visits.

Each dialog only gathers what the user types and hands it back through ``values()``/``reason()``;
the planner view runs the change and, when the service refuses it, opens the dialog again filled
with what the user had typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.visits.screen import Day
from rmdesk.views.widgets.buttons import ok_cancel
from rmdesk.views.widgets.dates import date_edit as _date_edit
from rmdesk.views.widgets.dates import pydate, qdate


class ProposeDialog(QDialog):
    """From which day and for how many weeks to propose the RM's visits."""

    def __init__(
        self, start: dt.date, weeks: int, today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Propose a visit plan"))
        self.start = _date_edit(start, self)
        self.start.setObjectName("start")
        self.start.setMinimumDate(qdate(today))
        self.weeks = QSpinBox(self)
        self.weeks.setObjectName("weeks")
        self.weeks.setRange(1, 12)
        self.weeks.setValue(weeks)
        self.weeks.setSuffix(self.tr(" weeks"))
        note = QLabel(
            self.tr(
                "Clients due for contact fill the working days, most urgent first, grouped by "
                "district. The proposed visits from the first day on are replaced; planned, "
                "done and cancelled visits are kept."
            ),
            self,
        )
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("First day"), self.start)
        form.addRow(self.tr("Length"), self.weeks)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(ok_cancel(self))
        self.setMinimumWidth(420)

    def values(self) -> tuple[dt.date, int]:
        return pydate(self.start.date()), self.weeks.value()


class MoveDialog(QDialog):
    """A day to move visits to: a calendar with non-working days shaded, the past closed."""

    def __init__(
        self,
        count: int,
        chosen: dt.date,
        today: dt.date,
        days: Callable[[dt.date, dt.date], list[Day]],
        parent: QWidget | None = None,
    ) -> None:
        """``days(first, last)`` gives the calendar's days (working or not, holiday names)."""
        super().__init__(parent)
        self._days = days
        self._known: dict[dt.date, Day] = {}
        self.setWindowTitle(self.tr("Move visits"))
        title = self.tr("Move %1 visit(s) to:").replace("%1", str(count))
        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName("calendar")
        self.calendar.setMinimumDate(qdate(today))
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.note = QLabel(self)
        self.note.setObjectName("note")
        self.note.setWordWrap(True)
        self.calendar.currentPageChanged.connect(self._shade)
        self.calendar.selectionChanged.connect(self._describe)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(title, self))
        layout.addWidget(self.calendar)
        layout.addWidget(self.note)
        layout.addWidget(ok_cancel(self))
        self.calendar.setSelectedDate(qdate(max(chosen, today)))
        self._shade(self.calendar.yearShown(), self.calendar.monthShown())
        self._describe()

    def _shade(self, year: int, month: int) -> None:
        """Grey the non-working days of the month shown and the days around it."""
        first = dt.date(year, month, 1) - dt.timedelta(days=7)
        last = dt.date(year + month // 12, month % 12 + 1, 1) + dt.timedelta(days=14)
        working, off = QTextCharFormat(), QTextCharFormat()
        working.setForeground(QBrush(QColor("#000000")))  # a worked weekend (调休) is not red
        off.setBackground(QBrush(QColor("#e4e4e4")))
        off.setForeground(QBrush(QColor("#b71c1c")))
        for day in self._days(first, last):
            self._known[day.on] = day
            self.calendar.setDateTextFormat(qdate(day.on), working if day.working else off)
        self._describe()

    def _describe(self) -> None:
        day = self.value()
        known = self._known.get(day)
        text = self.calendar.locale().toString(qdate(day), "dddd yyyy-MM-dd")
        if known is not None and not known.working:
            why = known.holiday or self.tr("weekend")
            text += " — " + self.tr("not a working day (%1)").replace("%1", why)
        elif known is not None and known.made_working:
            text += " — " + self.tr("a weekend day worked in exchange for a holiday")
        self.note.setText(text)

    def value(self) -> dt.date:
        return pydate(self.calendar.selectedDate())


class CancelDialog(QDialog):
    """Why visits are cancelled: a usual reason or the user's own words."""

    def __init__(self, count: int, draft: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Cancel visits"))
        self.reason_box = QComboBox(self)
        self.reason_box.setObjectName("reason")
        self.reason_box.setEditable(True)
        self.reason_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for text in (
            self.tr("Client unavailable"),
            self.tr("Client asked to postpone"),
            self.tr("Contacted by phone instead"),
            self.tr("Client no longer needs a visit"),
        ):
            self.reason_box.addItem(text)
        self.reason_box.setEditText(draft)
        line = self.reason_box.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("Say why (kept with the visit)"))
        self.buttons = ok_cancel(self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(draft.strip()))
        self.reason_box.editTextChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Cancel %1 visit(s). Reason:").replace("%1", str(count))))
        layout.addWidget(self.reason_box)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)

    def reason(self) -> str:
        return self.reason_box.currentText().strip()
