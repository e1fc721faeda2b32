"""Administration, audit trail: search who did what, and check that nothing was changed.

Filters: user, action, what it was done to (client, user, branch …) and its id, and a span of
days. The newest entries come first, up to ``audit.SEARCH_LIMIT``, with how many match in all;
the table exports to Excel like any other (which is itself audited). "Check the chain" walks
the hash chain (``audit.verify_chain``) and says whether any entry was changed or deleted.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, QModelIndex
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.common import audit
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.frame_model import Column

CTX = "AdminAudit"


def audit_columns(ctx: ViewContext) -> list[Column]:
    """Who did what, in a sentence; the stored codes and the raw detail stay searchable and
    show under the table for the entry chosen."""
    return [
        Column("at", QT_TRANSLATE_NOOP("AdminAudit", "When"), ctx.formats.datetime),
        Column("actor", QT_TRANSLATE_NOOP("AdminAudit", "User")),
        Column("login", QT_TRANSLATE_NOOP("AdminAudit", "Database login")),
        Column("action", QT_TRANSLATE_NOOP("AdminAudit", "Action")),
        Column(
            "what_zh" if ctx.zh else "what_en", QT_TRANSLATE_NOOP("AdminAudit", "What happened")
        ),
    ]


class AuditTab(QWidget):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("AuditTab")
        self.actor = QLineEdit(self)
        self.actor.setPlaceholderText(self.tr("any user"))
        self.action = QComboBox(self)
        self.action.setEditable(True)
        self.action.setMinimumContentsLength(12)
        self.entity = QComboBox(self)
        self.entity.setEditable(True)
        self.entity.setMinimumContentsLength(10)
        self.entity_id = QLineEdit(self)
        self.entity_id.setPlaceholderText(self.tr("any id"))
        self.since = QDateEdit(self)
        self.until = QDateEdit(self)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        today = QDate.currentDate()  # the trail is in real time, not the planning day
        self.since.setDate(today.addDays(-30))
        self.until.setDate(today)
        self.search_button = QPushButton(self.tr("Search"), self)
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.verify_button = QPushButton(self.tr("Check the chain"), self)
        self.verify_button.setToolTip(
            self.tr("Check that no entry was changed or deleted since it was written")
        )
        self.verify_button.clicked.connect(self.verify)
        self.actor.returnPressed.connect(self.search)
        self.entity_id.returnPressed.connect(self.search)
        self.summary = QLabel(self)
        self.table = DataTable(ctx, audit_columns(ctx), CTX, "audit", self)
        # the raw entry of the one chosen: its codes and its detail as stored
        self.raw = QPlainTextEdit(self)
        self.raw.setObjectName("audit_raw")
        self.raw.setReadOnly(True)
        self.raw.setMaximumHeight(110)
        self.raw.setPlaceholderText(self.tr("Choose an entry to see it as stored"))
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        bar = QHBoxLayout()
        for label, widget in (
            (self.tr("User"), self.actor),
            (self.tr("Action"), self.action),
            (self.tr("About"), self.entity),
            (self.tr("Id"), self.entity_id),
            (self.tr("From"), self.since),
            (self.tr("To"), self.until),
        ):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(widget)
        bar.addWidget(self.search_button)
        bar.addStretch(1)
        bar.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.raw)

    def refresh(self) -> None:
        engine = self.ctx.db.engine
        self.ctx.runner.run(
            self.tr("Reading the audit trail"),
            lambda _p: audit.choices(engine, who=self.ctx.user),
            self._show_choices,
            error_handler(self),
            window=self.window(),
            cancellable=False,
        )

    def _show_choices(self, found: tuple[list[str], list[str]]) -> None:
        for combo, names in zip((self.action, self.entity), found, strict=True):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(["", *names])
            combo.setCurrentText(current)
            combo.blockSignals(False)
        self.search()

    def search(self) -> None:
        engine = self.ctx.db.engine
        since: dt.date = self.since.date().toPython()  # type: ignore[assignment]
        until: dt.date = self.until.date().toPython()  # type: ignore[assignment]
        actor, action = self.actor.text() or None, self.action.currentText() or None
        entity, entity_id = self.entity.currentText() or None, self.entity_id.text() or None
        self.ctx.runner.run(
            self.tr("Searching the audit trail"),
            lambda _p: audit.search(
                engine,
                person=actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                since=since,
                until=until,
                who=self.ctx.user,
            ),
            self._show,
            error_handler(self),
            window=self.window(),
        )

    def _show(self, found: tuple[pd.DataFrame, int]) -> None:
        frame, total = found
        self.table.set_frame(frame)
        text = labels.counted(
            total, self.tr("1 entry"), self.tr("%1 entries"), self.ctx.formats.integer(total)
        )
        if total > len(frame):
            text = (
                self.tr("the newest %1 of %2 entries")
                .replace("%1", self.ctx.formats.integer(len(frame)))
                .replace("%2", self.ctx.formats.integer(total))
            )
        self.summary.setText(text)

    def _chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The entry as stored: action, what it is about, its id, and its detail."""
        if not current.isValid():
            self.raw.clear()
            return
        row = self.table.model_.row_at(current.row())
        about = f"{row['entity'] or ''} {row['entity_id'] or ''}".strip()
        self.raw.setPlainText(f"#{row['id']} · {row['action']} · {about}\n{row['detail'] or ''}")

    def verify(self) -> None:
        engine = self.ctx.db.engine

        def work(_p: object) -> int | None:
            with engine.begin() as conn:  # entries people added are chained first, and kept so
                return audit.verify_chain(conn)

        self.ctx.runner.run(
            self.tr("Checking the audit trail"),
            work,
            self._verified,
            error_handler(self),
            window=self.window(),
        )

    def _verified(self, broken: int | None) -> None:
        if broken is None:
            self.summary.setText(self.tr("The chain is whole: no entry was changed or deleted."))
            self.summary.setStyleSheet("color: #2e7d32;")
        else:
            self.summary.setText(
                self.tr(
                    "The chain is broken at entry %1: it, or the one before it, was changed or "
                    "deleted after it was written."
                ).replace("%1", str(broken))
            )
            self.summary.setStyleSheet("color: #c62828; font-weight: bold;")
