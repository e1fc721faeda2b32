"""Handover (客户移交): choose clients of the branch and a receiving RM, preview, confirm.

The rule (who may, what moves, what stays) is services.handover's, written out in
docs/handover.md. Nothing is written until the preview has been confirmed, and a change made
meanwhile by someone else refuses the confirmation.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.branch import handover
from rmdesk.services.branch.review import branch_rms
from rmdesk.services.clients.book import client_book, search_mask
from rmdesk.services.common.access import AccessDenied
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.formatting import Formats
from rmdesk.views.widgets.frame_model import Column

ERROR_STYLE = "color: #b03a2e;"
DONE_STYLE = "color: #1e7b34;"


def _client_columns(fmt: Formats) -> list[Column]:
    """The clients that may be handed over."""
    return [
        Column("name", QT_TRANSLATE_NOOP("HandoverPanel", "Client")),
        Column("external_id", QT_TRANSLATE_NOOP("HandoverPanel", "Client ID")),
        Column("rm", QT_TRANSLATE_NOOP("HandoverPanel", "Relationship manager")),
        Column("tier", QT_TRANSLATE_NOOP("HandoverPanel", "Tier")),
        Column(
            "contribution_minor",
            QT_TRANSLATE_NOOP("HandoverPanel", "Contribution, 12 months"),
            fmt.money_whole,
            numeric=True,
            money=True,
        ),
        Column(
            "open_flags",
            QT_TRANSLATE_NOOP("HandoverPanel", "Open flags"),
            fmt.integer,
            numeric=True,
        ),
        Column("next_visit_on", QT_TRANSLATE_NOOP("HandoverPanel", "Next visit"), fmt.date),
        Column("segment", QT_TRANSLATE_NOOP("HandoverPanel", "Segment"), labels.segment),
    ]


def _moving_columns(fmt: Formats) -> list[Column]:
    """The clients a previewed handover moves."""
    return [
        Column("name", QT_TRANSLATE_NOOP("HandoverPanel", "Client")),
        Column("from_rm", QT_TRANSLATE_NOOP("HandoverPanel", "From")),
        Column(
            "contribution_minor",
            QT_TRANSLATE_NOOP("HandoverPanel", "Contribution, 12 months"),
            fmt.money_whole,
            numeric=True,
            money=True,
        ),
        Column(
            "open_flags",
            QT_TRANSLATE_NOOP("HandoverPanel", "Open flags"),
            fmt.integer,
            numeric=True,
        ),
        Column(
            "visits",
            QT_TRANSLATE_NOOP("HandoverPanel", "Visits moving"),
            fmt.integer,
            numeric=True,
        ),
        Column(
            "tasks",
            QT_TRANSLATE_NOOP("HandoverPanel", "Tasks moving"),
            fmt.integer,
            numeric=True,
        ),
    ]


class HandoverPanel(QWidget):
    """Clients of one RM (or the whole branch) on the left, the handover form on the right."""

    client_requested = Signal(int)
    #: a handover was written (services.handover.Handover)
    handed_over = Signal(object)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.branch_id: int | None = None
        self.plan: handover.Preview | None = None
        split = QSplitter(self)
        split.addWidget(self._build_clients())
        split.addWidget(self._build_form())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([780, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(split, 1)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._connect_signals()

    def _build_clients(self) -> QWidget:
        """The left side: whose clients, a search, and the clients to choose from."""
        self.from_rm = QComboBox(self)
        self.from_rm.setMinimumContentsLength(14)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search by name or client ID"))
        self.search.setClearButtonEnabled(True)
        self.count = QLabel(self)
        pick = QHBoxLayout()
        pick.addWidget(QLabel(self.tr("From:"), self))
        pick.addWidget(self.from_rm)
        pick.addWidget(self.search, 1)
        pick.addWidget(self.count)
        self.select_all = QPushButton(self.tr("Select all shown"), self)
        pick.addWidget(self.select_all)
        self.clients = DataTable(
            self.ctx, _client_columns(self.ctx.formats), "HandoverPanel", "handover-clients", self
        )
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(pick)
        left_layout.addWidget(self.clients, 1)
        return left

    def _build_form(self) -> QWidget:
        """The right side: to whom and why, preview and confirm, and what would move."""
        self.to_rm = QComboBox(self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("e.g. RM moved to another branch"))
        self.preview_button = QPushButton(self.tr("Preview"), self)
        self.confirm_button = QPushButton(self.tr("Confirm handover"), self)
        self.confirm_button.setEnabled(False)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.moving = DataTable(
            self.ctx, _moving_columns(self.ctx.formats), "HandoverPanel", "handover-preview", self
        )
        form = QFormLayout()
        form.addRow(self.tr("Selected:"), self._selected_label())
        form.addRow(self.tr("To:"), self.to_rm)
        form.addRow(self.tr("Reason:"), self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.confirm_button)
        buttons.addStretch(1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(form)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.message)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.moving, 1)
        return right

    def _connect_signals(self) -> None:
        self.clients.row_activated.connect(
            lambda row: self.client_requested.emit(int(row["client_id"]))
        )
        self._debounce.timeout.connect(self.apply_search)
        self.search.textChanged.connect(self._debounce.start)
        self.from_rm.currentIndexChanged.connect(lambda _i: self.load_clients())
        self.clients.selectionModel().selectionChanged.connect(self._selection_changed)
        self.to_rm.currentIndexChanged.connect(lambda _i: self._invalidate())
        self.reason.textChanged.connect(self._reason_changed)
        self.select_all.clicked.connect(self.clients.selectAll)
        self.preview_button.clicked.connect(self.preview)
        self.confirm_button.clicked.connect(self.confirm)

    def _selected_label(self) -> QLabel:
        self.selected = QLabel(self.tr("no client chosen"), self)
        return self.selected

    # --- loading -------------------------------------------------------------------------
    def load(self, branch_id: int) -> None:
        """The branch's RMs in both choosers, then the clients of the one chosen."""
        self.branch_id = branch_id
        engine = self.ctx.db.engine
        self.ctx.runner.run(
            self.tr("Loading the branch's relationship managers"),
            lambda _p: branch_rms(engine, branch_id, who=self.ctx.user),
            self._show_rms,
            error_handler(self),
            window=self.window(),
        )

    def _show_rms(self, rms: pd.DataFrame) -> None:
        chosen_from, chosen_to = self.from_rm.currentData(), self.to_rm.currentData()
        for combo in (self.from_rm, self.to_rm):
            combo.blockSignals(True)
            combo.clear()
        self.from_rm.addItem(self.tr("Every RM of the branch"), None)
        self.to_rm.addItem(self.tr("Choose the receiving RM…"), None)
        for rm in rms.to_dict("records"):
            name = f"{rm['display_name']} ({rm['username']})"
            n = int(rm["clients"])
            count = labels.counted(
                n, self.tr("1 client"), self.tr("%1 clients"), self.ctx.formats.integer(n)
            )
            self.from_rm.addItem(f"{name}, {count}", int(rm["rm_id"]))
            self.to_rm.addItem(name, int(rm["rm_id"]))
        for combo, chosen in ((self.from_rm, chosen_from), (self.to_rm, chosen_to)):
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen is not None else 0)
            combo.blockSignals(False)
        self.load_clients()

    def load_clients(self) -> None:
        """The clients of the RM chosen under "From" (or of the whole branch)."""
        if self.branch_id is None:
            return
        engine, branch, today = self.ctx.db.engine, self.branch_id, self.ctx.today
        rm = self.from_rm.currentData()
        rm_id = None if rm is None else int(rm)
        self.ctx.runner.run(
            self.tr("Loading clients"),
            lambda _p: client_book(
                engine, rm_id=rm_id, branch_id=branch, today=today, who=self.ctx.user
            ),
            self._show_clients,
            error_handler(self),
            window=self.window(),
        )

    def _show_clients(self, book: pd.DataFrame) -> None:
        self.clients.set_frame(book)
        self.apply_search()

    def apply_search(self) -> None:
        self.clients.model_.set_mask(search_mask(self.clients.model_.frame, self.search.text()))
        shown = self.ctx.formats.integer(self.clients.model_.rowCount())
        self.count.setText(self.tr("Shown: %1").replace("%1", shown))
        self._selection_changed()

    # --- choosing ------------------------------------------------------------------------
    def chosen_ids(self) -> list[int]:
        return [int(r["client_id"]) for r in self.clients.selected_rows()]

    def choose(self, client_ids: list[int]) -> None:
        """Select these clients in the list (those shown; as a user would with Ctrl+click)."""
        wanted = set(client_ids)
        model, selection = self.clients.model_, self.clients.selectionModel()
        selection.clear()
        for r in range(model.rowCount()):
            if int(model.row_at(r)["client_id"]) in wanted:
                selection.select(
                    model.index(r, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )

    def _selection_changed(self, *_args: object) -> None:
        n = len(self.chosen_ids())
        text = (
            labels.counted(
                n, self.tr("1 client"), self.tr("%1 clients"), self.ctx.formats.integer(n)
            )
            if n
            else self.tr("no client chosen")
        )
        self.selected.setText(text)
        self._invalidate()

    def _invalidate(self) -> None:
        """Any change after a preview asks for a new preview before confirming."""
        if self.plan is not None:
            self.plan = None
            self.summary.clear()
            self.moving.set_frame(self.moving.model_.frame.iloc[0:0])
        self.confirm_button.setEnabled(False)

    def _reason_changed(self, text: str) -> None:
        self.confirm_button.setEnabled(self.plan is not None and bool(text.strip()))
        if self.plan is not None and text.strip():
            self.message.clear()

    def _say(self, text: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text)

    def _refused(self, exc: BaseException, trace: str) -> None:
        if isinstance(exc, handover.HandoverError | AccessDenied):
            self._say(self.ctx.text(exc.zh, exc))
            return
        error_handler(self)(exc, trace)

    # --- preview and confirm -------------------------------------------------------------
    def preview(self) -> None:
        """Work out what the handover will move, and offer to confirm it."""
        ids, to = self.chosen_ids(), self.to_rm.currentData()
        self._invalidate()
        self.message.clear()
        if not ids:
            self._say(self.tr("Choose the clients to hand over."))
            return
        if to is None:
            self._say(self.tr("Choose the receiving RM."))
            return
        engine, today = self.ctx.db.engine, self.ctx.today
        self.ctx.runner.run(
            self.tr("Preparing the handover"),
            lambda _p: handover.preview(engine, ids, int(to), today=today, who=self.ctx.user),
            self._show_preview,
            self._refused,
            window=self.window(),
        )

    def _show_preview(self, plan: handover.Preview) -> None:
        fmt = self.ctx.formats
        text = self.tr(
            "%1 to %2: contribution %3 (12 months), %4 open flags; %5 visits and %6 "
            "open tasks will move."
        )
        values = [
            labels.counted(
                plan.count, self.tr("1 client"), self.tr("%1 clients"), fmt.integer(plan.count)
            ),
            plan.to_rm,
            fmt.money_whole(plan.contribution_minor),
            fmt.integer(plan.open_flags),
            fmt.integer(plan.visits),
            fmt.integer(int(plan.clients["tasks"].sum())),
        ]
        for n, value in enumerate(values, 1):
            text = text.replace(f"%{n}", value)
        self.summary.setText(text)
        self.moving.set_frame(plan.clients)
        self.plan = plan
        self.confirm_button.setEnabled(bool(self.reason.text().strip()))
        if not self.reason.text().strip():
            self._say(self.tr("Give a reason to confirm the handover."))

    def confirm(self) -> None:
        """Write the handover previewed (refused if a client changed since the preview)."""
        plan = self.plan
        if plan is None:
            return
        engine, today = self.ctx.db.engine, self.ctx.today
        ids, reason, versions = list(plan.versions), self.reason.text(), plan.versions

        def done(result: handover.Handover) -> None:
            text = self.tr("%1 handed over to %2; %3 visits moved with them.")
            n = len(result.client_ids)
            text = text.replace(
                "%1",
                labels.counted(
                    n, self.tr("1 client"), self.tr("%1 clients"), self.ctx.formats.integer(n)
                ),
            )
            text = text.replace("%2", plan.to_rm)
            text = text.replace("%3", self.ctx.formats.integer(len(result.visit_ids)))
            self.reason.blockSignals(True)
            self.reason.clear()
            self.reason.blockSignals(False)
            self._invalidate()
            self.message.setStyleSheet(DONE_STYLE)
            self.message.setText(text)
            self.handed_over.emit(result)
            self.load(self.branch_id or 0)

        self.confirm_button.setEnabled(False)
        self.ctx.runner.run(
            self.tr("Handing over clients"),
            lambda _p: handover.reassign(
                engine,
                ids,
                plan.to_rm_id,
                reason=reason,
                today=today,
                versions=versions,
                who=self.ctx.user,
            ),
            done,
            self._refused,
            write=True,
            window=self.window(),
        )
