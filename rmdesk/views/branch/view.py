"""The branch head's view (支行行长): RM scorecards, the branch's risk flags, client handover.

A branch head sees their own branch (``ctx.user.branch_id``); an administrator chooses one.
Three tabs: ``ScorecardPanel`` (ranking, KPIs, trend and Pareto charts, drill-down),
``FlagsPanel`` (open flags across the branch) and ``HandoverPanel`` (reassign clients).
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from rmdesk.services.branch.review import branches
from rmdesk.views.branch.flags_panel import FlagsPanel
from rmdesk.views.branch.handover import HandoverPanel
from rmdesk.views.branch.scorecards import ScorecardPanel
from rmdesk.views.widgets.context import ViewContext, error_handler


class BranchView(QWidget):
    """What a branch head reviews and changes in the branch."""

    client_requested = Signal(int)
    #: clients were handed over: books and lists that show them should reload
    changed = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("BranchView")
        self.ctx = ctx
        self.branch_id: int | None = None if ctx.user.is_admin else ctx.user.branch_id

        self.title = QLabel(self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.branch = QComboBox(self)
        self.branch.setMinimumContentsLength(10)
        self.branch.setVisible(ctx.user.is_admin)
        self.branch.currentIndexChanged.connect(self._branch_chosen)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.branch)
        header.addStretch(1)

        self.scorecards = ScorecardPanel(ctx, self)
        self.flags = FlagsPanel(ctx, self)
        self.handover = HandoverPanel(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.scorecards, self.tr("Scorecards"))
        self.tabs.addTab(self.flags, self.tr("Risk flags"))
        self.tabs.addTab(self.handover, self.tr("Handover"))
        for panel in (self.scorecards, self.flags, self.handover):
            panel.client_requested.connect(self.client_requested)
        self.flags.loaded.connect(self._flags_counted)
        self.handover.handed_over.connect(self._handed_over)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        if ctx.user.is_admin:
            self.title.setText(self.tr("Branch:"))
        else:
            self.title.setText(
                self.tr("Branch: %1").replace("%1", ctx.user.branch_name or self.tr("none"))
            )

    # --- data ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """(Re)load everything: for an administrator the branches first."""
        if self.ctx.user.is_admin and self.branch.count() == 0:
            engine = self.ctx.db.engine
            self.ctx.runner.run(
                self.tr("Loading branches"),
                lambda _p: branches(engine, who=self.ctx.user),
                self._show_branches,
                error_handler(self),
                window=self.window(),
            )
            return
        self._load()

    def _show_branches(self, frame: pd.DataFrame) -> None:
        self.branch.blockSignals(True)
        for row in frame.to_dict("records"):
            self.branch.addItem(f"{row['name']} ({row['code']})", int(row["branch_id"]))
        self.branch.blockSignals(False)
        if len(frame):
            self.branch.setCurrentIndex(0)
            self._branch_chosen(0)

    def _branch_chosen(self, index: int) -> None:
        if index >= 0 and self.branch.itemData(index) is not None:
            self.branch_id = int(self.branch.itemData(index))
            self._load()

    def set_branch(self, branch_id: int) -> None:
        """An administrator looks at another branch (a branch head's is fixed)."""
        if not self.ctx.user.is_admin:
            return
        found = self.branch.findData(branch_id)
        if found >= 0:
            self.branch.setCurrentIndex(found)

    def _load(self) -> None:
        if self.branch_id is None:
            self.title.setText(self.tr("No branch: your account is not assigned to one."))
            return
        self.scorecards.load(self.branch_id)
        self.flags.load(self.branch_id)
        self.handover.load(self.branch_id)

    def _flags_counted(self, n: int) -> None:
        text = self.tr("Risk flags (%1)").replace("%1", self.ctx.formats.integer(n))
        self.tabs.setTabText(self.tabs.indexOf(self.flags), text)

    def _handed_over(self, _result: object) -> None:
        if self.branch_id is not None:
            self.scorecards.reload()
            self.flags.load(self.branch_id)
        self.changed.emit()
