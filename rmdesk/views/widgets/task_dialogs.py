"""The small dialogs of tasks: add one, pick a day (snooze, move), write a note (done,
cancel), hand it to someone. Each only gathers what is typed; the service checks it, and the
caller opens the dialog again with what was typed when the service refuses it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.visits.tasks import TITLE_MAX, Assignee
from rmdesk.views.widgets.buttons import ok_cancel
from rmdesk.views.widgets.dates import date_edit, pydate, qdate


class NewTaskDialog(QDialog):
    """A task for one client: what, by when, for whom."""

    def __init__(
        self,
        client: str,
        today: dt.date,
        people: list[Assignee],
        mine: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New task for %1").replace("%1", client))
        self.title = QLineEdit(self)
        self.title.setObjectName("task_title")
        self.title.setMaxLength(TITLE_MAX)
        self.title.setPlaceholderText(self.tr("What is to be done"))
        self.due = date_edit(today + dt.timedelta(days=1), self)
        self.due.setObjectName("task_due")
        self.due.setMinimumDate(qdate(today))
        self.due.setMaximumDate(qdate(today + dt.timedelta(days=366)))
        self.person = QComboBox(self)
        self.person.setObjectName("task_person")
        for p in people:
            self.person.addItem(p.name, p.user_id)
        self.person.setCurrentIndex(max(self.person.findData(mine), 0))
        form = QFormLayout()
        form.addRow(self.tr("Task"), self.title)
        form.addRow(self.tr("Due on"), self.due)
        form.addRow(self.tr("For"), self.person)
        self.buttons = ok_cancel(self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.title.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def values(self) -> tuple[str, dt.date, int]:
        return self.title.text().strip(), pydate(self.due.date()), int(self.person.currentData())


class DayDialog(QDialog):
    """One day for a task: snooze it until, or move it to."""

    def __init__(
        self, title: str, label: str, day: dt.date, first: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.day = date_edit(max(day, first), self)
        self.day.setObjectName("task_day")
        self.day.setMinimumDate(qdate(first))
        self.day.setMaximumDate(qdate(first + dt.timedelta(days=365)))
        form = QFormLayout()
        form.addRow(label, self.day)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self))
        self.setMinimumWidth(320)

    def value(self) -> dt.date:
        return pydate(self.day.date())


class NoteDialog(QDialog):
    """A note on closing a task: what came of it (may be empty), or why it is dropped (not)."""

    def __init__(
        self, title: str, label: str, *, required: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.note = QLineEdit(self)
        self.note.setObjectName("task_note")
        self.note.setMaxLength(500)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(label, self))
        layout.addWidget(self.note)
        buttons = ok_cancel(self)
        layout.addWidget(buttons)
        if required:
            ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setEnabled(False)
            self.note.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        self.setMinimumWidth(380)

    def value(self) -> str:
        return self.note.text().strip()


class AssignDialog(QDialog):
    """Whom to hand a task to: the client's RM or a head of its branch."""

    def __init__(self, people: list[Assignee], current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Hand the task to"))
        self.person = QComboBox(self)
        self.person.setObjectName("task_person")
        for p in people:
            self.person.addItem(p.name, p.user_id)
        self.person.setCurrentIndex(max(self.person.findText(current), 0))
        form = QFormLayout()
        form.addRow(self.tr("For"), self.person)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self))
        self.setMinimumWidth(320)

    def value(self) -> int:
        return int(self.person.currentData())
