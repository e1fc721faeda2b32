"""Input in the client view: the form to log a contact, the dialog that asks why a flag is
dismissed or until when it is snoozed, and the one that asks why a client declined.

They hand their values over as plain data (``ContactForm.contact``, ``FlagActionDialog.values``,
``DeclineDialog.values``) so tests can fill them and read them without opening a modal dialog.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.engine import suggestions
from rmdesk.services.engine.risk_flags import MAX_QUIET_DAYS
from rmdesk.services.visits.contacts import CHANNELS, NewContact
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.buttons import ok_cancel
from rmdesk.views.widgets.context import ViewContext
from rmdesk.views.widgets.dates import pydate, qdate

ERROR_STYLE = "color: #c62828;"


class ContactForm(QWidget):
    """Log a contact: channel, when, purpose, outcome, notes, the next step and its due date."""

    submitted = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.channel = QComboBox(self)
        self.channel.setObjectName("contact_channel")
        self.channel.addItem(self.tr("Choose…"), "")
        for code in CHANNELS:
            self.channel.addItem(labels.label(labels.CHANNELS, code), code)
        self.occurred_at = QDateTimeEdit(self)
        self.occurred_at.setObjectName("contact_at")
        self.occurred_at.setCalendarPopup(True)
        self.occurred_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.purpose = QLineEdit(self)
        self.purpose.setObjectName("contact_purpose")
        self.purpose.setMaxLength(200)
        self.purpose.setPlaceholderText(self.tr("e.g. maturity of the term deposit"))
        self.outcome = QLineEdit(self)
        self.outcome.setObjectName("contact_outcome")
        self.outcome.setMaxLength(200)
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("contact_notes")
        self.notes.setMaximumHeight(60)
        self.next_step = QLineEdit(self)
        self.next_step.setObjectName("contact_next_step")
        self.has_due = QCheckBox(self.tr("Due by"), self)
        self.has_due.setObjectName("contact_has_due")
        self.due = QDateEdit(self)
        self.due.setObjectName("contact_due")
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setEnabled(False)
        self.has_due.toggled.connect(self.due.setEnabled)
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due)
        due_row.addStretch(1)
        self.message = QLabel(self)
        self.message.setObjectName("contact_message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.save = QPushButton(self.tr("Log contact"), self)
        self.save.setObjectName("contact_save")
        self.save.clicked.connect(self.submitted)
        form = QFormLayout()
        form.addRow(self.tr("Channel"), self.channel)
        form.addRow(self.tr("Date and time"), self.occurred_at)
        form.addRow(self.tr("Purpose"), self.purpose)
        form.addRow(self.tr("Outcome"), self.outcome)
        form.addRow(self.tr("Notes"), self.notes)
        form.addRow(self.tr("Next step"), self.next_step)
        form.addRow("", due_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.save, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        self.clear()

    def clear(self) -> None:
        """An empty form, dated now, with the next step due in a week."""
        self.channel.setCurrentIndex(0)
        self.occurred_at.setDateTime(QDateTime.currentDateTime())
        for edit in (self.purpose, self.outcome, self.next_step):
            edit.clear()
        self.notes.clear()
        self.has_due.setChecked(False)
        self.due.setDate(QDate.currentDate().addDays(7))
        self.message.clear()

    def set_channel(self, code: str) -> None:
        self.channel.setCurrentIndex(max(self.channel.findData(code), 0))

    def contact(self, client_id: int) -> NewContact:
        """The form's values as a contact to log (the service checks them)."""
        moment = self.occurred_at.dateTime().toPython()
        assert isinstance(moment, dt.datetime)
        return NewContact(
            client_id=client_id,
            channel=str(self.channel.currentData() or ""),
            occurred_at=moment.astimezone(),  # a local time, with the PC's zone
            purpose=self.purpose.text(),
            outcome=self.outcome.text(),
            notes=self.notes.toPlainText(),
            next_step=self.next_step.text(),
            next_step_due=pydate(self.due.date()) if self.has_due.isChecked() else None,
        )

    def focus_field(self, field: str) -> None:
        widget = {
            "channel": self.channel,
            "occurred_at": self.occurred_at,
            "purpose": self.purpose,
            "outcome": self.outcome,
            "next_step": self.next_step,
            "next_step_due": self.due,
        }.get(field)
        if widget is not None:
            widget.setFocus()


class FlagActionDialog(QDialog):
    """Dismiss: why (required) and until when the flag stays quiet (the default is the
    ``dismiss_quiet_days`` parameter). Snooze: until when, and why (optional)."""

    def __init__(
        self,
        action: str,
        today: dt.date,
        title: str,
        parent: QWidget | None = None,
        *,
        quiet_days: int = 90,
    ) -> None:
        super().__init__(parent)
        self.action = action
        self.setWindowTitle(title)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("flag_reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(80)
        self.until = QDateEdit(self)
        self.until.setObjectName("flag_until")
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("yyyy-MM-dd")
        self.until.setMinimumDate(qdate(today + dt.timedelta(days=1)))
        self.until.setMaximumDate(qdate(today + dt.timedelta(days=MAX_QUIET_DAYS)))
        days = 14 if action == "snooze" else min(max(quiet_days, 1), MAX_QUIET_DAYS)
        self.until.setDate(qdate(today + dt.timedelta(days=days)))
        form = QFormLayout()
        if action == "snooze":
            form.addRow(self.tr("Snooze until"), self.until)
            form.addRow(self.tr("Reason (optional)"), self.reason)
        else:
            form.addRow(self.tr("Reason"), self.reason)
            form.addRow(self.tr("Quiet until"), self.until)
        self.buttons = ok_cancel(self)
        if action == "dismiss":  # a dismissal says why
            ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setEnabled(False)
            self.reason.textChanged.connect(
                lambda: ok.setEnabled(bool(self.reason.toPlainText().strip()))
            )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(420, 200)

    def values(self) -> tuple[str, dt.date | None]:
        """The reason and the date the flag stays quiet until."""
        return self.reason.toPlainText().strip(), pydate(self.until.date())


class DeclineDialog(QDialog):
    """Asks why the client declined: one of the services' reasons (``suggestions.REASONS``),
    in the interface language, and an optional note."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Why did the client decline?"))
        self.reason = QComboBox(self)
        self.reason.setObjectName("decline_reason")
        for code in suggestions.REASONS:
            self.reason.addItem(suggestions.reason_label(code, zh=ctx.zh), code)
        self.note = QLineEdit(self)
        self.note.setObjectName("decline_note")
        form = QFormLayout()
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Note (optional)"), self.note)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, str]:
        """The reason's code and the note."""
        return str(self.reason.currentData()), self.note.text().strip()
