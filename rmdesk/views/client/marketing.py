"""The panels of the client view where the RM acts: potential (suggestions and flags) and
marketing (contact history, logging a contact, the client's tasks, visits).

The panels show and ask; the writes themselves are made by ``ClientView`` through the runner.
``outcome_requested`` / ``action_requested`` carry the code of the button pressed.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.clients.profile import ClientProfile
from rmdesk.services.engine import risk_flags, suggestions
from rmdesk.views.client.dialogs import ContactForm
from rmdesk.views.client.panels import RED
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.formatting import Formats
from rmdesk.views.widgets.frame_model import Column
from rmdesk.views.widgets.task_actions import TaskActions, TaskRef

SEVERITY_COLOURS = {"high": RED, "medium": "#ef6c00", "low": "#607d8b"}
#: the words on the button of each outcome; which buttons there are, and when each is enabled,
#: is the services' table (``suggestions.OUTCOME_FROM``)
OUTCOME_BUTTONS = {
    "pitched": QT_TRANSLATE_NOOP("SuggestionsBox", "Pitched"),
    "accepted": QT_TRANSLATE_NOOP("SuggestionsBox", "Accepted"),
    "declined": QT_TRANSLATE_NOOP("SuggestionsBox", "Declined…"),
    "not_now": QT_TRANSLATE_NOOP("SuggestionsBox", "Not now"),
    "reopened": QT_TRANSLATE_NOOP("SuggestionsBox", "Undo last outcome"),
}


def _select(table: DataTable, key: str, value: Any) -> None:
    """Select the row whose ``key`` is ``value`` (after a reload), else the first row."""
    model = table.model_
    row = 0
    for r in range(model.rowCount()):
        if model.row_at(r)[key] == value:
            row = r
            break
    if model.rowCount():
        table.selectRow(row)


class SuggestionsBox(QGroupBox):
    """Cross-sell suggestions with their reasons, expected value and the outcome buttons."""

    outcome_requested = Signal(str)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Suggestions"))
        self.ctx = ctx
        fmt = ctx.formats
        self.table = DataTable(
            ctx,
            [
                Column("rank", QT_TRANSLATE_NOOP("ClientView", "Rank"), fmt.integer, numeric=True),
                Column(
                    "name_zh" if ctx.zh else "name_en", QT_TRANSLATE_NOOP("ClientView", "Product")
                ),
                Column(
                    "expected_value_minor",
                    QT_TRANSLATE_NOOP("ClientView", "Expected value"),
                    fmt.money,
                    numeric=True,
                    money=True,
                ),
                Column(
                    "likelihood",
                    QT_TRANSLATE_NOOP("ClientView", "Likelihood"),
                    fmt.percent,
                    numeric=True,
                ),
                Column(
                    "status",
                    QT_TRANSLATE_NOOP("ClientView", "Status"),
                    lambda c: labels.label(labels.SUGGESTION_STATUSES, c),
                ),
                Column(
                    "reason_zh" if ctx.zh else "reason_en",
                    QT_TRANSLATE_NOOP("ClientView", "Reason"),
                ),
            ],
            "ClientView",
            "client-suggestions",
            self,
        )
        self.table.setObjectName("suggestions")
        self.reason = QLabel(self)
        self.reason.setObjectName("suggestion_reason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for code in suggestions.OUTCOME_FROM:
            button = QPushButton(self.tr(str(OUTCOME_BUTTONS[code])), self)
            button.setObjectName(f"outcome_{code}")
            button.clicked.connect(partial(self.outcome_requested.emit, code))
            row.addWidget(button)
            self.buttons[code] = button
        row.addStretch(1)
        self.empty = QLabel(self.tr("No suggestions for this client."), self)
        self.empty.setStyleSheet("color: #616161;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reason)
        layout.addLayout(row)
        self.table.selectionModel().selectionChanged.connect(self._selected)

    def show_profile(self, p: ClientProfile, keep: int | None) -> None:
        self.table.set_frame(p.suggestions)
        self.empty.setVisible(p.suggestions.empty)
        _select(self.table, "id", keep)
        self._selected()

    def current(self) -> pd.Series | None:
        rows = self.table.selected_rows()
        return rows[0] if rows else None

    def _selected(self, *_: Any) -> None:
        row = self.current()
        self.reason.setText(
            "" if row is None else str(row["reason_zh" if self.ctx.zh else "reason_en"])
        )
        offered = suggestions.outcomes_from(str(row["status"])) if row is not None else ()
        for code, button in self.buttons.items():
            button.setEnabled(code in offered)


def _flag_columns(ctx: ViewContext) -> list[Column]:
    """The client's flags, in the interface language."""
    fmt = ctx.formats
    return [
        Column(
            "severity",
            QT_TRANSLATE_NOOP("ClientView", "Severity"),
            labels.severity,
        ),
        Column("rule_zh" if ctx.zh else "rule_en", QT_TRANSLATE_NOOP("ClientView", "Flag")),
        Column(
            "status",
            QT_TRANSLATE_NOOP("ClientView", "Status"),
            lambda c: labels.label(labels.FLAG_STATUSES, c),
        ),
        Column(
            "evidence" if ctx.zh else "evidence_en",
            QT_TRANSLATE_NOOP("ClientView", "Evidence"),
        ),
        Column("raised_on", QT_TRANSLATE_NOOP("ClientView", "Raised"), fmt.date),
        Column("due_on", QT_TRANSLATE_NOOP("ClientView", "Handle by"), fmt.date),
        Column("snoozed_until", QT_TRANSLATE_NOOP("ClientView", "Quiet until"), fmt.date),
        Column("reason", QT_TRANSLATE_NOOP("ClientView", "Reason")),
    ]


def _flag_history_columns(fmt: Formats) -> list[Column]:
    """The selected flag's history."""
    return [
        Column("at", QT_TRANSLATE_NOOP("ClientView", "When"), fmt.datetime),
        Column("actor", QT_TRANSLATE_NOOP("ClientView", "By")),
        Column(
            "from_status",
            QT_TRANSLATE_NOOP("ClientView", "From"),
            lambda c: labels.label(labels.FLAG_STATUSES, c),
        ),
        Column(
            "to_status",
            QT_TRANSLATE_NOOP("ClientView", "To"),
            lambda c: labels.label(labels.FLAG_STATUSES, c),
        ),
        Column(
            "note",
            QT_TRANSLATE_NOOP("ClientView", "Note"),
            labels.flag_note,
        ),
    ]


class FlagsBox(QGroupBox):
    """Risk flags, open first: evidence, status, the lifecycle buttons and the flag's history."""

    action_requested = Signal(str)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Risk flags"))
        self.ctx = ctx
        self.events = pd.DataFrame()
        self.table = DataTable(ctx, _flag_columns(ctx), "ClientView", "client-flags", self)
        self.table.setObjectName("flags")
        self.history = DataTable(
            ctx, _flag_history_columns(ctx.formats), "ClientView", "client-flag-history", self
        )
        self.history.setObjectName("flag_history")
        self.evidence = QLabel(self)
        self.evidence.setObjectName("flag_evidence")
        self.evidence.setWordWrap(True)
        row = self._build_buttons()
        self.empty = QLabel(self.tr("No risk flags for this client."), self)
        self.empty.setStyleSheet("color: #616161;")
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.history)
        split.setSizes([700, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        layout.addWidget(self.evidence)
        layout.addLayout(row)
        self.table.selectionModel().selectionChanged.connect(self._selected)

    def _build_buttons(self) -> QHBoxLayout:
        """A button for each step of a flag's lifecycle; each asks for its action."""
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for code, text in (
            ("acknowledge", self.tr("Acknowledge")),
            ("resolve", self.tr("Resolve")),
            ("dismiss", self.tr("Dismiss…")),
            ("snooze", self.tr("Snooze…")),
        ):
            button = QPushButton(text, self)
            button.setObjectName(f"flag_{code}")
            button.clicked.connect(partial(self.action_requested.emit, code))
            row.addWidget(button)
            self.buttons[code] = button
        row.addStretch(1)
        return row

    def show_profile(self, p: ClientProfile, keep: int | None) -> None:
        self.events = p.flag_events.assign(actor=p.flag_events["actor"].fillna(self.tr("System")))
        self.table.set_frame(p.flags)
        self.empty.setVisible(p.flags.empty)
        _select(self.table, "id", keep)
        self._selected()

    def current(self) -> pd.Series | None:
        rows = self.table.selected_rows()
        return rows[0] if rows else None

    def _selected(self, *_: Any) -> None:
        row = self.current()
        if row is None:
            self.evidence.clear()
            self.history.set_frame(self.events.iloc[0:0])
        else:
            colour = SEVERITY_COLOURS.get(str(row["severity"]), "")
            self.evidence.setStyleSheet(f"color: {colour};")
            self.evidence.setText(str(row["evidence" if self.ctx.zh else "evidence_en"]))
            events = self.events
            self.history.set_frame(
                events[events["flag_id"] == row["id"]] if len(events) else events
            )
        for code, button in self.buttons.items():
            allowed = [s.value for s in risk_flags.ALLOWED[code]]
            button.setEnabled(row is not None and row["status"] in allowed)


class PotentialPanel(QSplitter):
    """潜力: what to offer the client, and the risks to watch."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.suggestions = SuggestionsBox(ctx, self)
        self.flags = FlagsBox(ctx, self)
        self.addWidget(self.suggestions)
        self.addWidget(self.flags)


class MarketingPanel(QWidget):
    """营销: every contact in one history, logging a new one, and the visits planned."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        fmt = ctx.formats
        history = QGroupBox(self.tr("Contact history"), self)
        self.contacts = DataTable(
            ctx,
            [
                Column("occurred_at", QT_TRANSLATE_NOOP("ClientView", "When"), fmt.datetime),
                Column(
                    "channel",
                    QT_TRANSLATE_NOOP("ClientView", "Channel"),
                    lambda c: labels.label(labels.CHANNELS, c),
                ),
                Column("purpose", QT_TRANSLATE_NOOP("ClientView", "Purpose")),
                Column("outcome", QT_TRANSLATE_NOOP("ClientView", "Outcome")),
                Column("next_step", QT_TRANSLATE_NOOP("ClientView", "Next step")),
                Column("next_step_due", QT_TRANSLATE_NOOP("ClientView", "Due"), fmt.date),
                Column("user", QT_TRANSLATE_NOOP("ClientView", "By")),
                Column("notes", QT_TRANSLATE_NOOP("ClientView", "Notes")),
            ],
            "ClientView",
            "client-contacts",
            self,
        )
        self.contacts.setObjectName("contacts")
        QVBoxLayout(history).addWidget(self.contacts)
        visits = QGroupBox(self.tr("Visits"), self)
        self.visits = DataTable(
            ctx,
            [
                Column("planned_on", QT_TRANSLATE_NOOP("ClientView", "Day"), fmt.date),
                Column(
                    "status",
                    QT_TRANSLATE_NOOP("ClientView", "Status"),
                    lambda c: labels.label(labels.VISIT_STATUSES, c),
                ),
                Column(
                    "purpose_zh" if ctx.zh else "purpose_en",
                    QT_TRANSLATE_NOOP("ClientView", "Purpose"),
                ),
                Column(
                    "reason_zh" if ctx.zh else "reason_en",
                    QT_TRANSLATE_NOOP("ClientView", "Why"),
                ),
                Column("user", QT_TRANSLATE_NOOP("ClientView", "By")),
                Column("outcome", QT_TRANSLATE_NOOP("ClientView", "Outcome")),
            ],
            "ClientView",
            "client-visits",
            self,
        )
        self.visits.setObjectName("visits")
        QVBoxLayout(visits).addWidget(self.visits)
        new = QGroupBox(self.tr("Log a contact"), self)
        self.form = ContactForm(ctx, new)
        QVBoxLayout(new).addWidget(self.form)
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(history)
        left.addWidget(visits)
        left.setSizes([400, 200])
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(new)
        right.addWidget(self._tasks_box(ctx))
        layout = QHBoxLayout(self)
        layout.addWidget(left, 3)
        layout.addWidget(right, 2)
        self.profile: ClientProfile | None = None

    def _tasks_box(self, ctx: ViewContext) -> QGroupBox:
        """The client's open tasks, and acting on them; ``task_actions.changed`` after a change."""
        box = QGroupBox(self.tr("Open tasks"), self)
        self.tasks = DataTable(
            ctx,
            [
                Column("due_on", QT_TRANSLATE_NOOP("ClientView", "Due"), ctx.formats.date),
                Column("title", QT_TRANSLATE_NOOP("ClientView", "Task")),
                Column("assignee", QT_TRANSLATE_NOOP("ClientView", "For")),
            ],
            "ClientView",
            "client-tasks",
            box,
        )
        self.tasks.setObjectName("tasks")
        self.task_actions = TaskActions(ctx, self)
        row = QHBoxLayout()
        for text, name, act in (
            (self.tr("New task…"), "task_new", self._new_task),
            (self.tr("Done…"), "task_done", partial(self._on_task, self.task_actions.complete)),
            (self.tr("Snooze…"), "task_snooze", partial(self._on_task, self.task_actions.snooze)),
            (self.tr("Move…"), "task_move", partial(self._on_task, self.task_actions.move)),
            (self.tr("Hand to…"), "task_assign", partial(self._on_task, self.task_actions.assign)),
            (
                self.tr("Cancel task…"),
                "task_cancel",
                partial(self._on_task, self.task_actions.cancel),
            ),
        ):
            button = QPushButton(text, box)
            button.setObjectName(name)
            button.clicked.connect(act)
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.tasks, 1)
        layout.addLayout(row)
        return box

    def _new_task(self) -> None:
        if self.profile is not None:
            self.task_actions.add(self.profile.client_id, self.profile.name)

    def _on_task(self, act: Any) -> None:
        row = self.tasks.current_row()
        if row is None or self.profile is None:
            return
        act(
            TaskRef(
                int(row["task_id"]),
                int(row["version"]),
                self.profile.client_id,
                self.profile.name,
                str(row["title"]),
                row["due_on"],
                str(row["assignee"]),
            )
        )

    def show_profile(self, p: ClientProfile) -> None:
        self.profile = p
        self.contacts.set_frame(p.contacts)
        self.visits.set_frame(p.visits)
        self.tasks.set_frame(p.tasks)
