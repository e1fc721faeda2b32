"""The branch's open risk flags across every RM's book, filterable by severity, RM and rule
(the rules of the registry, ``risk_rules.RULES``, in its order)."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from rmdesk.services.branch import flags as branch_flags
from rmdesk.services.branch.review import branch_rms
from rmdesk.services.engine import risk_rules
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.frame_model import Column


class FlagsPanel(QWidget):
    """Open flags of one branch; double-click opens the client."""

    client_requested = Signal(int)
    #: how many open flags the branch has, after each load
    loaded = Signal(int)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        fmt = ctx.formats
        self.branch_id: int | None = None
        self.severity = QComboBox(self)
        self.severity.addItem(self.tr("All severities"), "")
        for code in ("high", "medium", "low"):
            self.severity.addItem(labels.severity(code), code)
        self.rm = QComboBox(self)
        self.rm.addItem(self.tr("All relationship managers"), None)
        self.rm.setMinimumContentsLength(12)
        self.rule = QComboBox(self)
        self.rule.setObjectName("rule_filter")
        self.rule.addItem(self.tr("All rules"), "")
        for r in risk_rules.RULES:
            self.rule.addItem(r.name_zh if ctx.zh else r.name_en, r.code)
        self.count = QLabel(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Severity:"), self))
        bar.addWidget(self.severity)
        bar.addSpacing(12)
        bar.addWidget(QLabel(self.tr("Relationship manager:"), self))
        bar.addWidget(self.rm)
        bar.addSpacing(12)
        bar.addWidget(QLabel(self.tr("Rule:"), self))
        bar.addWidget(self.rule)
        bar.addSpacing(12)
        bar.addWidget(self.count, 1)
        rule = "rule_zh" if ctx.zh else "rule_en"
        evidence = "evidence" if ctx.zh else "evidence_en"
        self.table = DataTable(
            ctx,
            [
                Column("severity", QT_TRANSLATE_NOOP("FlagsPanel", "Severity"), labels.severity),
                Column(rule, QT_TRANSLATE_NOOP("FlagsPanel", "Rule")),
                Column("client", QT_TRANSLATE_NOOP("FlagsPanel", "Client")),
                Column("external_id", QT_TRANSLATE_NOOP("FlagsPanel", "Client ID")),
                Column("rm", QT_TRANSLATE_NOOP("FlagsPanel", "Relationship manager")),
                Column(
                    "status",
                    QT_TRANSLATE_NOOP("FlagsPanel", "Status"),
                    lambda v: labels.label(labels.FLAG_STATUSES, v),
                ),
                Column("raised_on", QT_TRANSLATE_NOOP("FlagsPanel", "Raised on"), fmt.date),
                Column("due_on", QT_TRANSLATE_NOOP("FlagsPanel", "Due on"), fmt.date),
                Column(evidence, QT_TRANSLATE_NOOP("FlagsPanel", "Evidence")),
            ],
            "FlagsPanel",
            "branch-flags",
            self,
        )
        self.table.setToolTip(self.tr("Double-click a flag to open the client"))
        self.table.row_activated.connect(
            lambda row: self.client_requested.emit(int(row["client_id"]))
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.severity.currentIndexChanged.connect(self.apply_filter)
        self.rm.currentIndexChanged.connect(self.apply_filter)
        self.rule.currentIndexChanged.connect(self.apply_filter)

    def load(self, branch_id: int) -> None:
        self.branch_id = branch_id
        engine = self.ctx.db.engine

        def work(_p: object) -> tuple[pd.DataFrame, pd.DataFrame]:
            return branch_flags.open_flags(engine, branch_id, who=self.ctx.user), branch_rms(
                engine, branch_id, who=self.ctx.user
            )

        self.ctx.runner.run(
            self.tr("Loading the branch's risk flags"),
            work,
            lambda got: self._show(*got),
            error_handler(self),
            window=self.window(),
        )

    def _show(self, flags: pd.DataFrame, rms: pd.DataFrame) -> None:
        chosen = self.rm.currentData()
        self.rm.blockSignals(True)
        self.rm.clear()
        self.rm.addItem(self.tr("All relationship managers"), None)
        for rm in rms.to_dict("records"):
            self.rm.addItem(f"{rm['display_name']} ({rm['username']})", int(rm["rm_id"]))
        found = self.rm.findData(chosen) if chosen is not None else 0
        self.rm.setCurrentIndex(max(found, 0))
        self.rm.blockSignals(False)
        self.table.set_frame(flags)
        self.apply_filter()
        self.loaded.emit(len(flags))

    def apply_filter(self) -> None:
        """Show the flags of the chosen severity, RM and rule."""
        frame = self.table.model_.frame
        severity = str(self.severity.currentData() or "")
        rule = str(self.rule.currentData() or "")
        rm_id = self.rm.currentData()
        mask = branch_flags.flag_mask(
            frame,
            severity=severity or None,
            rm_id=None if rm_id is None else int(rm_id),
            rule=rule or None,
        )
        self.table.model_.set_mask(mask)
        text = self.tr("Shown: %1 of %2 open flags")
        shown = self.ctx.formats.integer(self.table.model_.rowCount())
        self.count.setText(
            text.replace("%1", shown).replace("%2", self.ctx.formats.integer(len(frame)))
        )
