"""The branch head's scorecards: the RM ranking, one RM's KPIs, the trend, the Pareto curve and
the clients behind a KPI (docs/scorecard.md defines every number)."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.branch import review as branch_review
from rmdesk.services.branch.review import BranchPareto
from rmdesk.services.branch.scorecard import KPIS, Period, kpi_clients, scorecards, weights
from rmdesk.views.branch.charts import draw_pareto, draw_trend, draw_waiting
from rmdesk.views.branch.columns import drill_columns, unit_format
from rmdesk.views.widgets.charts import ChartCanvas
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.formatting import Formats
from rmdesk.views.widgets.frame_model import Column
from rmdesk.views.widgets.printouts import print_scorecard

CTX = "ScorecardPanel"


def _ranking_columns(ctx: ViewContext) -> list[Column]:
    """The RM ranking: rank, RM, score, then every KPI's value."""
    fmt = ctx.formats
    return [
        Column("rank", QT_TRANSLATE_NOOP("ScorecardPanel", "Rank"), fmt.integer, numeric=True),
        Column("display_name", QT_TRANSLATE_NOOP("ScorecardPanel", "Relationship manager")),
        Column(
            "score",
            QT_TRANSLATE_NOOP("ScorecardPanel", "Score"),
            lambda v: fmt.number(v, 1),
            True,
        ),
    ] + [
        Column(
            k.key,
            ctx.text(k.zh, k.en),
            unit_format(fmt, k.unit),
            numeric=True,
            money=k.unit == "minor",
        )
        for k in KPIS
    ]


def _kpi_columns(fmt: Formats) -> list[Column]:
    """One RM's KPIs: value, target, attainment, weight and points."""
    return [
        Column("name", QT_TRANSLATE_NOOP("ScorecardPanel", "KPI")),
        Column("value_text", QT_TRANSLATE_NOOP("ScorecardPanel", "Value"), numeric=True),
        Column("target_text", QT_TRANSLATE_NOOP("ScorecardPanel", "Target"), numeric=True),
        Column(
            "attainment",
            QT_TRANSLATE_NOOP("ScorecardPanel", "Attainment"),
            fmt.percent,
            True,
        ),
        Column(
            "weight",
            QT_TRANSLATE_NOOP("ScorecardPanel", "Weight"),
            lambda v: fmt.number(v, 0 if float(v).is_integer() else 2),
            True,
        ),
        Column(
            "points",
            QT_TRANSLATE_NOOP("ScorecardPanel", "Points"),
            lambda v: fmt.number(v),
            True,
        ),
    ]


class ScorecardPanel(QWidget):
    """Period chooser, RM ranking, KPI table, charts and drill-down for one branch."""

    client_requested = Signal(int)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.branch_id: int | None = None
        self.card = pd.DataFrame()
        self.rules: pd.DataFrame | None = None
        self.trend: pd.DataFrame | None = None
        self.shape: BranchPareto | None = None
        self.loaded_period: Period | None = None
        self._generation = 0
        bar = self._build_bar()
        self.ranking = DataTable(ctx, _ranking_columns(ctx), CTX, "scorecards", self)
        self.ranking.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(self._build_kpis())
        lower.addWidget(self._build_right())
        lower.setStretchFactor(0, 2)
        lower.setStretchFactor(1, 3)
        lower.setSizes([520, 840])
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.ranking)
        split.addWidget(lower)
        split.setStretchFactor(1, 1)
        split.setSizes([178, 500])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self._fill_periods()
        self._connect_signals()

    def _build_bar(self) -> QHBoxLayout:
        """The period chooser, what the period holds, and the two print buttons."""
        self.kind = QComboBox(self)
        self.kind.addItem(self.tr("Month"), "month")
        self.kind.addItem(self.tr("Quarter"), "quarter")
        self.period = QComboBox(self)
        self.period.setMinimumContentsLength(14)
        self.summary = QLabel(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Period:"), self))
        bar.addWidget(self.kind)
        bar.addWidget(self.period)
        bar.addSpacing(16)
        bar.addWidget(self.summary, 1)
        self.print_branch_button = QPushButton(self.tr("Print branch report…"), self)
        self.print_branch_button.setObjectName("print_branch_report")
        self.print_branch_button.setToolTip(
            self.tr("The period's ranking, KPIs and charts, then a page per RM (PDF)")
        )
        self.print_rm_button = QPushButton(self.tr("Print RM report…"), self)
        self.print_rm_button.setObjectName("print_rm_report")
        self.print_rm_button.setToolTip(self.tr("The selected RM's scorecard page (PDF)"))
        bar.addWidget(self.print_branch_button)
        bar.addWidget(self.print_rm_button)
        return bar

    def _build_kpis(self) -> QWidget:
        """The chosen RM's KPIs, with a title above and notes below."""
        self.kpi_title = QLabel(self)
        self.kpi_title.setWordWrap(True)
        self.kpis = DataTable(self.ctx, _kpi_columns(self.ctx.formats), CTX, "kpis", self)
        self.kpis.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        header = self.kpis.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.kpis.setToolTip(self.tr("Double-click a KPI to see the clients behind it"))
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.kpi_title)
        left_layout.addWidget(self.kpis, 1)
        left_layout.addWidget(self.notes)
        return left

    def _build_right(self) -> QTabWidget:
        """The trend and Pareto charts, and the clients behind a KPI, as two tabs."""
        self.trend_canvas = ChartCanvas(self, width=5, height=3)
        self.pareto_canvas = ChartCanvas(self, width=5, height=3)
        charts = QWidget(self)
        charts_layout = QHBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addWidget(self.trend_canvas)
        charts_layout.addWidget(self.pareto_canvas)
        self.drill_title = QLabel(self.tr("Double-click a KPI to see the clients behind it"), self)
        self.drill_title.setWordWrap(True)
        self.drill = self._new_drill_table([])
        drill = QWidget(self)
        self._drill_layout = QVBoxLayout(drill)
        self._drill_layout.setContentsMargins(0, 0, 0, 0)
        self._drill_layout.addWidget(self.drill_title)
        self._drill_layout.addWidget(self.drill, 1)
        self.right = QTabWidget(self)
        self.right.addTab(charts, self.tr("Charts"))
        self.right.addTab(drill, self.tr("Clients behind the KPI"))
        return self.right

    def _connect_signals(self) -> None:
        self.print_branch_button.clicked.connect(lambda: self.print_report(rm=False))
        self.print_rm_button.clicked.connect(lambda: self.print_report(rm=True))
        self.ranking.selectionModel().currentRowChanged.connect(self._rm_changed)
        self.kpis.row_activated.connect(lambda row: self.drill_down(str(row["kpi"])))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())

    # --- periods -------------------------------------------------------------------------
    def _fill_periods(self) -> None:
        kind = str(self.kind.currentData())
        periods = branch_review.recent_periods(
            self.ctx.today,
            "quarter" if kind == "quarter" else "month",
            24 if kind == "month" else 8,
        )
        self.period.blockSignals(True)
        self.period.clear()
        for n, period in enumerate(periods):
            text = str(period)
            if n == 0:
                text = self.tr("%1 (so far)").replace("%1", text)
            self.period.addItem(text, str(period))
        self.period.setCurrentIndex(1)  # the last complete one
        self.period.blockSignals(False)

    def _kind_changed(self, _index: int) -> None:
        self._fill_periods()
        self.reload()

    def current_period(self) -> Period:
        return Period.parse(str(self.period.currentData()))

    def set_period(self, text: str) -> None:
        """Show the scorecards of a period ("2026-10" or "2026Q3") if the chooser offers it."""
        period = Period.parse(text)
        self.kind.setCurrentIndex(0 if period.kind == "month" else 1)
        found = self.period.findData(str(period))
        if found >= 0:
            self.period.setCurrentIndex(found)

    # --- loading -------------------------------------------------------------------------
    def load(self, branch_id: int) -> None:
        """Show a branch: its scorecards for the chosen period, the trend and its Pareto curve."""
        self.branch_id = branch_id
        self.shape = None
        draw_waiting(self.pareto_canvas)
        self.reload()
        engine = self.ctx.db.engine
        self.ctx.runner.run(
            self.tr("Loading the branch's contribution"),
            lambda _p: branch_review.branch_pareto(engine, branch_id, who=self.ctx.user),
            lambda shape: self._show_pareto(branch_id, shape),
            error_handler(self),
            window=None,  # the chart says it is loading; no progress dialog in the way
        )

    def reload(self) -> None:
        """Load the chosen period's scorecards and the trend leading to it."""
        if self.branch_id is None:
            return
        self._generation += 1
        generation, branch, period = self._generation, self.branch_id, self.current_period()
        engine, today = self.ctx.db.engine, self.ctx.today
        self.trend = None

        def cards(_p: object) -> tuple[pd.DataFrame, pd.DataFrame]:
            card = scorecards(engine, period, branch_id=branch, today=today, who=self.ctx.user)
            return card, weights(engine, branch, on=period.end, who=self.ctx.user)

        self.ctx.runner.run(
            self.tr("Loading scorecards"),
            cards,
            lambda got: self._show_cards(generation, period, *got),
            error_handler(self),
            window=self.window(),
        )
        periods = branch_review.trend_periods(period)
        draw_waiting(self.trend_canvas)
        self.ctx.runner.run(
            self.tr("Loading score trends"),
            lambda _p: branch_review.branch_trend(
                engine, branch, periods, today=today, who=self.ctx.user
            ),
            lambda trend: self._show_trend(generation, trend),
            error_handler(self),
            window=None,  # a few seconds for a year of scorecards: the chart says it is loading
        )

    def _show_cards(
        self, generation: int, period: Period, card: pd.DataFrame, rules: pd.DataFrame
    ) -> None:
        if generation != self._generation:
            return
        previous = self.selected_rm_id()
        self.card, self.rules, self.loaded_period = card, rules, period
        self.ranking.set_frame(card)
        text = self.tr("%1 relationship managers, %2, ranked by weighted score")
        self.summary.setText(text.replace("%1", str(len(card))).replace("%2", str(period)))
        if card.empty:
            self._show_rm(None)
            return
        ids = [int(r) for r in card["rm_id"]]
        self.select_rm(previous if previous in ids else ids[0])

    def _show_trend(self, generation: int, trend: pd.DataFrame) -> None:
        if generation != self._generation:
            return
        self.trend = trend
        self._draw_trend()

    def _show_pareto(self, branch_id: int, shape: BranchPareto) -> None:
        if branch_id != self.branch_id:  # another branch was chosen meanwhile
            return
        self.shape = shape
        as_of = self.ctx.formats.date(shape.as_of) if shape.as_of else "—"
        draw_pareto(self.pareto_canvas, shape, as_of)

    # --- one RM --------------------------------------------------------------------------
    def print_report(self, *, rm: bool) -> None:
        """The branch's scorecard report for the period shown, or the selected RM's page."""
        branch_id = self.branch_id
        if branch_id is None:
            return
        rm_id = self.selected_rm_id() if rm else None
        if rm and rm_id is None:
            return
        print_scorecard(self.ctx, self, branch_id, self.current_period(), rm_id=rm_id)

    def selected_rm_id(self) -> int | None:
        row = self.ranking.current_row()
        return None if row is None else int(row["rm_id"])

    def select_rm(self, rm_id: int) -> None:
        model = self.ranking.model_
        for r in range(model.rowCount()):
            if int(model.row_at(r)["rm_id"]) == rm_id:
                self.ranking.selectRow(r)
                self._show_rm(model.row_at(r))
                return

    def _rm_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show_rm(self.ranking.model_.row_at(current.row()))

    def _show_rm(self, row: pd.Series | None) -> None:
        if row is None or self.rules is None or self.loaded_period is None:
            self.kpis.set_frame(pd.DataFrame(columns=["kpi", "name"]))
            self.kpi_title.clear()
            self.notes.clear()
            self.trend_canvas.clear()
            return
        fmt, period = self.ctx.formats, self.loaded_period
        points = branch_review.kpi_points(row.to_dict(), self.rules, period)
        shown = points.assign(
            name=[
                self.ctx.text(z, e)
                for z, e in zip(points["name_zh"], points["name_en"], strict=True)
            ],
            value_text=[
                "" if v is None or pd.isna(v) else unit_format(fmt, u)(v)
                for v, u in zip(points["value"], points["unit"], strict=True)
            ],
            target_text=[
                ("≤ " if low else "") + unit_format(fmt, u)(t)
                for t, u, low in zip(
                    points["target"], points["unit"], points["lower_is_better"], strict=True
                )
            ],
        )
        self.kpis.set_frame(shown)
        score = "—" if pd.isna(row["score"]) else fmt.number(row["score"], 1)
        title = self.tr("%1 (%2), %3: score %4, rank %5 of %6")
        for n, value in enumerate(
            [row["display_name"], row["username"], str(period), score, str(row["rank"])], 1
        ):
            title = title.replace(f"%{n}", str(value))
        self.kpi_title.setText(title.replace("%6", str(len(self.card))))
        self.notes.setText(self.ctx.text(row["notes_zh"], row["notes"]))
        self._draw_trend()

    def _draw_trend(self) -> None:
        rm_id = self.selected_rm_id()
        if self.trend is None or rm_id is None:
            return
        row = self.ranking.current_row()
        name = "" if row is None else str(row["display_name"])
        draw_trend(self.trend_canvas, branch_review.rm_trend(self.trend, rm_id), name)

    # --- drill-down ----------------------------------------------------------------------
    def _new_drill_table(self, columns: list[Column]) -> DataTable:
        table = DataTable(self.ctx, columns, CTX, "kpi-clients", self)
        table.row_activated.connect(self._client_activated)
        return table

    def drill_down(self, kpi: str) -> None:
        """List the clients (holdings, visits, flags, courses) behind the selected RM's KPI."""
        row = self.ranking.current_row()
        if row is None or self.loaded_period is None:
            return
        rm_id, period = int(row["rm_id"]), self.loaded_period
        engine, today = self.ctx.db.engine, self.ctx.today
        info = {k.key: k for k in KPIS}[kpi]
        title = self.tr("%1 of %2, %3: %4 rows").replace("%1", self.ctx.text(info.zh, info.en))
        title = title.replace("%2", str(row["display_name"])).replace("%3", str(period))

        def show(frame: pd.DataFrame) -> None:
            table = self._new_drill_table(drill_columns(self.ctx.formats, frame))
            self._drill_layout.replaceWidget(self.drill, table)
            self.drill.deleteLater()
            self.drill = table
            table.set_frame(frame)
            self.drill_title.setText(title.replace("%4", self.ctx.formats.integer(len(frame))))
            self.right.setCurrentIndex(1)

        self.ctx.runner.run(
            self.tr("Loading the clients behind the KPI"),
            lambda _p: kpi_clients(engine, rm_id, period, kpi, today=today, who=self.ctx.user),
            show,
            error_handler(self),
            window=self.window(),
        )

    def _client_activated(self, row: pd.Series) -> None:
        if "client_id" in row and not pd.isna(row["client_id"]):
            self.client_requested.emit(int(row["client_id"]))
