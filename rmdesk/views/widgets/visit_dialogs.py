"""Recording a visit as done: the dialog the planner and Today share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rmdesk.views.widgets.buttons import ok_cancel
from rmdesk.views.widgets.dates import date_edit as _date_edit
from rmdesk.views.widgets.dates import pydate, qdate

OUTCOME_LENGTH = 200  # visits.outcome is String(200)


@dataclass(frozen=True)
class CompletionInput:
    """What the RM records for a visit that took place."""

    visited_on: dt.date
    outcome: str
    notes: str | None = None
    next_step: str | None = None
    follow_up_on: dt.date | None = None

    def at(self, today: dt.date) -> dt.datetime:
        """When the visit took place: now, for a visit today; midday of an earlier day."""
        now = clock_on(today)
        if self.visited_on == today:
            return now
        return dt.datetime.combine(self.visited_on, dt.time(12, tzinfo=now.tzinfo))


def clock_on(today: dt.date) -> dt.datetime:
    """The local wall-clock time, on the views' ``today`` (a fixed day in tests)."""
    now = dt.datetime.now().astimezone()
    return dt.datetime.combine(today, now.timetz())


class CompleteDialog(QDialog):
    """Record a visit as done: when, what came of it, notes, next step, a follow-up visit."""

    def __init__(
        self,
        client: str,
        planned_on: dt.date,
        today: dt.date,
        draft: CompletionInput | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Record the visit to %1").replace("%1", client))
        self.visited_on = _date_edit(min(planned_on, today), self)
        self.visited_on.setObjectName("visited_on")
        self.visited_on.setMaximumDate(qdate(today))
        self.outcome = QLineEdit(self)
        self.outcome.setObjectName("outcome")
        self.outcome.setMaxLength(OUTCOME_LENGTH)
        self.outcome.setPlaceholderText(self.tr("What came of it, in a few words"))
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.next_step = QLineEdit(self)
        self.next_step.setObjectName("next_step")
        self.follow_up = QCheckBox(self.tr("Plan a follow-up visit on"), self)
        self.follow_up.setObjectName("follow_up")
        self.follow_up_on = _date_edit(today + dt.timedelta(days=14), self)
        self.follow_up_on.setObjectName("follow_up_on")
        self.follow_up_on.setMinimumDate(qdate(today))
        self.follow_up_on.setEnabled(False)
        self.follow_up.toggled.connect(self.follow_up_on.setEnabled)
        follow = QHBoxLayout()
        follow.addWidget(self.follow_up)
        follow.addWidget(self.follow_up_on, 1)
        form = QFormLayout()
        form.addRow(self.tr("Visited on"), self.visited_on)
        form.addRow(self.tr("Outcome"), self.outcome)
        form.addRow(self.tr("Notes"), self.notes)
        form.addRow(self.tr("Next step"), self.next_step)
        form.addRow(follow)
        self.buttons = ok_cancel(self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.outcome.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        if draft is not None:
            self.visited_on.setDate(qdate(draft.visited_on))
            self.outcome.setText(draft.outcome)
            self.notes.setPlainText(draft.notes or "")
            self.next_step.setText(draft.next_step or "")
            if draft.follow_up_on is not None:
                self.follow_up.setChecked(True)
                self.follow_up_on.setDate(qdate(draft.follow_up_on))

    def values(self) -> CompletionInput:
        notes = self.notes.toPlainText().strip()
        step = self.next_step.text().strip()
        return CompletionInput(
            visited_on=pydate(self.visited_on.date()),
            outcome=self.outcome.text().strip(),
            notes=notes or None,
            next_step=step or None,
            follow_up_on=pydate(self.follow_up_on.date()) if self.follow_up.isChecked() else None,
        )
