"""Administration, KPI weights and targets: the scorecard's rules for the bank or one branch.

The table shows every KPI's weight, target and penalty in force on a date, and where each comes
from (the documented default, a bank-wide rule or the branch's own). Below it, the selected KPI
is given a new weight, target and penalty from a date (``scorecard.set_weight``, audited).
Targets are typed in the KPI's unit: yuan for contribution, percent for ratios.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.admin import directory
from rmdesk.services.branch import scorecard
from rmdesk.services.branch.scorecard_kpis import KPI_INFO, KpiInfo
from rmdesk.views.admin.forms import FormMessage
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.dates import pydate, qdate
from rmdesk.views.widgets.frame_model import Column

SOURCES = {
    "default": QT_TRANSLATE_NOOP("AdminKpis", "Default"),
    "bank": QT_TRANSLATE_NOOP("AdminKpis", "Bank-wide"),
    "branch": QT_TRANSLATE_NOOP("AdminKpis", "This branch"),
}


def _source(code: Any) -> str:
    source = SOURCES.get(str(code))
    return QCoreApplication.translate("AdminKpis", str(source)) if source else str(code)


def _day(edit: QDateEdit) -> dt.date:
    return pydate(edit.date())


def shown_target(ctx: ViewContext, info: KpiInfo, target: float) -> str:
    """A target in its unit: yuan, percent or a number; per-month targets say so."""
    fmt = ctx.formats
    if info.unit == "minor":
        text = fmt.money_whole(target)
    elif info.unit == "ratio":
        text = fmt.percent(target, 2)
    else:
        text = fmt.number(target, 2 if target != int(target) else 0)
    if info.per_month:
        text = QCoreApplication.translate("AdminKpis", "%1 a month").replace("%1", text)
    return text


def kpi_columns(ctx: ViewContext) -> list[Column]:
    fmt = ctx.formats

    def name(key: Any) -> str:
        info = KPI_INFO.get(str(key))
        return ctx.text(info.zh, info.en) if info else str(key)

    def yes(value: Any) -> str:
        return QCoreApplication.translate("AdminKpis", "Yes") if value else ""

    return [
        Column("kpi", QT_TRANSLATE_NOOP("AdminKpis", "KPI"), name),
        Column(
            "weight",
            QT_TRANSLATE_NOOP("AdminKpis", "Weight"),
            lambda v: fmt.number(v, 2),
            numeric=True,
        ),
        Column("target_shown", QT_TRANSLATE_NOOP("AdminKpis", "Target")),
        Column(
            "penalty",
            QT_TRANSLATE_NOOP("AdminKpis", "Penalty"),
            lambda v: fmt.number(v, 2),
            numeric=True,
        ),
        Column("lower_is_better", QT_TRANSLATE_NOOP("AdminKpis", "Lower is better"), yes),
        Column("source", QT_TRANSLATE_NOOP("AdminKpis", "Set by"), _source),
        Column("valid_from", QT_TRANSLATE_NOOP("AdminKpis", "Since"), fmt.date),
    ]


class KpiTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("KpiTab")
        self._build_bar()
        self._build_editor()
        self._lay_out()
        self._connect_signals()
        self.editor.setEnabled(False)

    def _build_bar(self) -> None:
        """Whose weights, in force on which day, their total, the table and the status line."""
        ctx = self.ctx
        self.scope = QComboBox(self)
        self.scope.setObjectName("scope")
        self.scope.addItem(self.tr("The whole bank"), None)
        self.on = QDateEdit(self)
        self.on.setObjectName("on")
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setDate(qdate(ctx.today))
        self.total = QLabel(self)
        self.total.setObjectName("total")
        self.table = DataTable(ctx, kpi_columns(ctx), "AdminKpis", "kpi-weights", self)
        self.table.setObjectName("weights")
        self.status = FormMessage(ctx, self)

    def _build_editor(self) -> None:
        """The form that changes the selected KPI from a day on."""
        self.editor = QGroupBox(self.tr("Change the selected KPI"), self)
        self.kpi_name = QLabel(self)
        self.kpi_name.setStyleSheet("font-weight: bold;")
        self.weight = QDoubleSpinBox(self)
        self.weight.setObjectName("weight")
        self.weight.setRange(0.0, 1000.0)
        self.weight.setDecimals(2)
        self.weight.setToolTip(self.tr("Relative weight; 0 leaves the KPI out of the score"))
        self.target = QDoubleSpinBox(self)
        self.target.setObjectName("target")
        self.target.setRange(0.0, 1_000_000_000.0)
        self.default_target = QCheckBox(self.tr("The default target"), self)
        self.default_target.setObjectName("default_target")
        self.target_unit = QLabel(self)
        self.penalty = QDoubleSpinBox(self)
        self.penalty.setObjectName("penalty")
        self.penalty.setRange(0.0, 10.0)
        self.penalty.setDecimals(2)
        self.penalty.setSingleStep(0.05)
        self.penalty.setToolTip(self.tr("Points off for each point of attainment below target"))
        self.valid_from = QDateEdit(self)
        self.valid_from.setObjectName("valid_from")
        self.valid_from.setCalendarPopup(True)
        self.valid_from.setDisplayFormat("yyyy-MM-dd")
        start = (self.ctx.today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        self.valid_from.setDate(qdate(start))
        self.for_label = QLabel(self)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("save")
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(self.target_unit)
        target_row.addWidget(self.default_target)
        form = QFormLayout(self.editor)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for box in (self.weight, self.target, self.penalty, self.valid_from):
            box.setMinimumWidth(150)
        form.addRow(self.tr("KPI"), self.kpi_name)
        form.addRow(self.tr("Weight"), self.weight)
        form.addRow(self.tr("Target"), target_row)
        form.addRow(self.tr("Penalty"), self.penalty)
        form.addRow(self.tr("From"), self.valid_from)
        form.addRow(self.tr("For"), self.for_label)
        form.addRow("", self.save_button)
        self.for_label.setWordWrap(True)

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Weights for"), self))
        bar.addWidget(self.scope)
        bar.addSpacing(12)
        bar.addWidget(QLabel(self.tr("In force on"), self))
        bar.addWidget(self.on)
        bar.addStretch(1)
        bar.addWidget(self.total)
        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addWidget(self.editor, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addLayout(body, 1)

    def _connect_signals(self) -> None:
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.default_target.toggled.connect(lambda on: self.target.setEnabled(not on))
        self.save_button.clicked.connect(self.save)
        self.scope.currentIndexChanged.connect(self.load)
        self.on.dateChanged.connect(self.load)

    # --- data ----------------------------------------------------------------------------
    def refresh(self) -> None:
        engine = self.ctx.db.engine
        self.ctx.runner.run(
            self.tr("Loading the branches"),
            lambda _p: directory.list_branches(engine, who=self.ctx.user),
            self._branches,
            error_handler(self),
            window=self.window(),
            cancellable=False,
        )

    def _branches(self, branches: pd.DataFrame) -> None:
        chosen = self.scope.currentData()
        self.scope.blockSignals(True)
        while self.scope.count() > 1:
            self.scope.removeItem(1)
        for bid, code, name in zip(branches["id"], branches["code"], branches["name"], strict=True):
            self.scope.addItem(f"{code} {name}", int(bid))
        self.scope.setCurrentIndex(max(self.scope.findData(chosen), 0) if chosen else 0)
        self.scope.blockSignals(False)
        self.load()

    def branch_id(self) -> int | None:
        data = self.scope.currentData()
        return None if data is None else int(data)

    def load(self) -> None:
        engine, branch, on = self.ctx.db.engine, self.branch_id(), _day(self.on)
        self.ctx.runner.run(
            self.tr("Loading the KPI weights"),
            lambda _p: scorecard.weights(engine, branch, on, who=self.ctx.user),
            self._show,
            error_handler(self),
            window=self.window(),
            cancellable=False,
        )

    def _show(self, frame: pd.DataFrame) -> None:
        row = self.table.current_row()
        chosen = None if row is None else str(row.kpi)
        frame = frame.assign(
            target_shown=[
                shown_target(self.ctx, KPI_INFO[k], float(t))
                for k, t in zip(frame["kpi"], frame["target"], strict=True)
            ]
        )
        self.table.set_frame(frame)
        total = self.ctx.formats.number(float(frame["weight"].sum()), 2)
        self.total.setText(self.tr("Total weight: %1").replace("%1", total))
        scope = self.scope.currentText()
        self.for_label.setText(scope)
        if chosen is not None:
            self.select_kpi(chosen)
        self._chosen()

    def select_kpi(self, kpi: str) -> bool:
        model = self.table.model_
        for r in range(model.rowCount()):
            if model.row_at(r).kpi == kpi:
                self.table.setCurrentIndex(model.index(r, 0))
                return True
        return False

    def _chosen(self, *_args: object) -> None:
        row = self.table.current_row()
        self.editor.setEnabled(row is not None)
        if row is None:
            self.kpi_name.setText("")
            return
        info = KPI_INFO[str(row.kpi)]
        self.kpi_name.setText(self.ctx.text(info.zh, info.en))
        self.weight.setValue(float(row.weight))
        self.penalty.setValue(float(row.penalty))
        unit, decimals, scale = self._unit(info)
        self.target.setDecimals(decimals)
        self.target.setValue(float(row.target) * scale)
        self.target_unit.setText(unit)
        self.default_target.setChecked(str(row.source) == "default")

    def _unit(self, info: KpiInfo) -> tuple[str, int, float]:
        """The target's unit as typed: its label, decimals and the factor from stored values."""
        month = self.tr(" a month") if info.per_month else ""
        if info.unit == "minor":
            return self.tr("yuan") + month, 0, 0.01
        if info.unit == "ratio":
            return "%" + month, 2, 100.0
        return month.strip(), 2, 1.0

    def save(self) -> None:
        row = self.table.current_row()
        if row is None:
            return
        kpi = str(row.kpi)
        info = KPI_INFO[kpi]
        _unit, decimals, scale = self._unit(info)
        target: Decimal | None = None
        if not self.default_target.isChecked():
            target = Decimal(str(round(self.target.value(), decimals))) / Decimal(str(scale))
        engine, branch = self.ctx.db.engine, self.branch_id()
        weight = Decimal(str(round(self.weight.value(), 2)))
        penalty = Decimal(str(round(self.penalty.value(), 2)))
        valid_from = _day(self.valid_from)

        def done(_row_id: object) -> None:
            text = self.tr("%1: saved from %2").replace("%1", self.ctx.text(info.zh, info.en))
            self.status.show_info(text.replace("%2", self.ctx.formats.date(valid_from)))
            self.on.blockSignals(True)
            self.on.setDate(qdate(valid_from))  # show the rules as they will be
            self.on.blockSignals(False)
            self.load()
            self.changed.emit()

        self.ctx.runner.run(
            self.tr("Saving the KPI weight"),
            lambda _p: scorecard.set_weight(
                engine,
                kpi,
                weight=weight,
                target=target,
                penalty=penalty,
                branch_id=branch,
                valid_from=valid_from,
                who=self.ctx.user,
            ),
            done,
            lambda exc, _t: self.status.show_error(exc),
            write=True,
            window=self.window(),
        )
