"""The client view's figures: contribution (its parts, per product, the 24-month chart) and
performance (where deposits and loans stand and how they moved).

The chart draws the 24 months of ``contribution_detail.client_breakdown`` as bars and the
client's deposit and loan balances (``client_profile``) as lines on a second axis.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.clients.contribution_detail import Breakdown
from rmdesk.services.clients.profile import BalanceTrend, ClientProfile
from rmdesk.views.client.panels import DASH, GREEN, RED, Facts, growth_text, month_text
from rmdesk.views.widgets.charts import ChartCanvas
from rmdesk.views.widgets.context import ViewContext
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.frame_model import Column


class ContributionChart(ChartCanvas):
    """24 months: contribution as bars, deposit and loan balances as lines on a second axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, width=8, height=3.2)
        self.setMinimumHeight(240)

    def draw_months(self, months: pd.DataFrame, balances: pd.DataFrame, currency: str) -> None:
        fig = self.figure
        fig.clear()
        ax = fig.add_subplot(111)
        x = np.arange(len(months))
        values = months["contribution"].to_numpy(dtype="float64") / 100
        ax.bar(
            x,
            values,
            color=[GREEN if v >= 0 else RED for v in values],
            alpha=0.8,
            label=self.tr("Contribution"),
        )
        right = ax.twinx()
        right.plot(
            x,
            balances["deposits_minor"].to_numpy(dtype="float64") / 100,
            color="#1565c0",
            marker="o",
            markersize=3,
            label=self.tr("Deposits and investments (average balance)"),
        )
        right.plot(
            x,
            balances["loans_minor"].to_numpy(dtype="float64") / 100,
            color="#ef6c00",
            marker="s",
            markersize=3,
            label=self.tr("Loans (average balance)"),
        )
        names = [month_text(m) for m in months["month"]]
        ticks = list(range(len(names) - 1, -1, -3))[::-1]  # every third month, the last included
        ax.set_xticks(ticks, [names[i] for i in ticks], fontsize=8)
        ax.set_xlim(-0.6, len(names) - 0.4)
        amount = FuncFormatter(lambda v, _pos: f"{v:,.0f}")
        ax.yaxis.set_major_formatter(amount)
        right.yaxis.set_major_formatter(amount)
        ax.tick_params(axis="y", labelsize=8)
        right.tick_params(axis="y", labelsize=8)
        ax.set_ylabel(self.tr("Contribution per month (%1)").replace("%1", currency), fontsize=8)
        right.set_ylabel(self.tr("Average balance (%1)").replace("%1", currency), fontsize=8)
        ax.axhline(0, color="#9e9e9e", linewidth=0.8)
        handles, texts = ax.get_legend_handles_labels()
        more, more_texts = right.get_legend_handles_labels()
        ax.legend(handles + more, texts + more_texts, loc="upper left", fontsize=8)
        self.draw_idle()  # type: ignore[no-untyped-call]


class ContributionPanel(QWidget):
    """利润贡献: the trailing-12-month contribution, its parts, per product and by month."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        fmt = ctx.formats
        self.facts = Facts(
            [
                ("deposit_margin", self.tr("Deposit margin")),
                ("loan_margin", self.tr("Loan margin")),
                ("fees", self.tr("Fees and commissions")),
                ("cost", self.tr("Cost to serve")),
                ("expected_loss", self.tr("Expected loss")),
                ("total", self.tr("Contribution, 12 months")),
                ("previous", self.tr("The 12 months before")),
                ("growth", self.tr("Growth")),
            ],
            columns=4,
            parent=self,
        )
        name = "name_zh" if ctx.zh else "name_en"

        def money(key: str, title: object) -> Column:
            return Column(key, title, fmt.money, numeric=True, money=True)

        self.products = DataTable(
            ctx,
            [
                Column(name, QT_TRANSLATE_NOOP("ClientView", "Product")),
                Column("versions", QT_TRANSLATE_NOOP("ClientView", "Pricing versions")),
                money("deposit_margin", QT_TRANSLATE_NOOP("ClientView", "Deposit margin")),
                money("loan_margin", QT_TRANSLATE_NOOP("ClientView", "Loan margin")),
                money("fees", QT_TRANSLATE_NOOP("ClientView", "Fees")),
                money("cost", QT_TRANSLATE_NOOP("ClientView", "Cost to serve")),
                money("expected_loss", QT_TRANSLATE_NOOP("ClientView", "Expected loss")),
                money("contribution", QT_TRANSLATE_NOOP("ClientView", "12-month contribution")),
            ],
            "ClientView",
            "client-contribution",
            self,
        )
        self.products.setObjectName("contribution_products")
        self.lines = QPlainTextEdit(self)
        self.lines.setObjectName("contribution_lines")
        self.lines.setReadOnly(True)
        self.chart = ContributionChart(self)
        self.chart.setObjectName("contribution_chart")
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.products)
        split.addWidget(self.lines)
        split.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(self.facts)
        layout.addWidget(self.chart, 3)
        layout.addWidget(split, 2)

    def show_profile(self, p: ClientProfile, breakdown: Breakdown) -> None:
        fmt, put = self.ctx.formats, self.facts.put
        parts = p.components or {}
        for key in ("deposit_margin", "loan_margin", "fees"):
            put(key, fmt.money(parts[key]) if key in parts else "")
        for key in ("cost", "expected_loss"):
            put(key, fmt.money(-parts[key]) if key in parts else "", warn=False)
        put("total", fmt.money(breakdown.total_minor), warn=breakdown.total_minor < 0)
        put("previous", fmt.money(breakdown.previous_minor))
        put("growth", growth_text(p.growth, fmt))
        self.products.set_frame(breakdown.products)
        self.lines.setPlainText("\n".join(breakdown.lines["zh" if self.ctx.zh else "en"]))
        self.chart.draw_months(breakdown.months, p.balances, p.currency)


class PerformancePanel(QWidget):
    """业绩: where deposits and loans stand and how they moved over 24 months."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        box = QGroupBox(self.tr("Balance trend"), self)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(28)
        heads = [
            self.tr("Latest month"),
            self.tr("3 months before"),
            self.tr("Change"),
            self.tr("12 months before"),
            self.tr("Change"),
            self.tr("12-month average"),
        ]
        for c, text in enumerate(heads, 1):
            head = QLabel(text, box)
            head.setStyleSheet("color: #616161;")
            grid.addWidget(head, 0, c, Qt.AlignmentFlag.AlignRight)
        self.cells: dict[str, list[QLabel]] = {}
        for r, (key, title) in enumerate(
            (("deposits", self.tr("Deposits and investments")), ("loans", self.tr("Loans"))), 1
        ):
            grid.addWidget(QLabel(title, box), r, 0)
            cells = []
            for c in range(1, 7):
                cell = QLabel(DASH, box)
                cell.setObjectName(f"{key}_{c}")
                cell.setAlignment(Qt.AlignmentFlag.AlignRight)
                grid.addWidget(cell, r, c)
                cells.append(cell)
            self.cells[key] = cells
        grid.setColumnStretch(7, 1)
        fmt = ctx.formats
        self.months = DataTable(
            ctx,
            [
                Column("month", QT_TRANSLATE_NOOP("ClientView", "Month"), month_text),
                Column(
                    "deposits_minor",
                    QT_TRANSLATE_NOOP("ClientView", "Deposits and investments (average balance)"),
                    fmt.money,
                    numeric=True,
                    money=True,
                ),
                Column(
                    "loans_minor",
                    QT_TRANSLATE_NOOP("ClientView", "Loans (average balance)"),
                    fmt.money,
                    numeric=True,
                    money=True,
                ),
            ],
            "ClientView",
            "client-balances",
            self,
        )
        self.months.setObjectName("balance_months")
        self.months.horizontalHeader().setStretchLastSection(False)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(self.months, 1)

    def _row(self, key: str, trend: BalanceTrend) -> None:
        fmt = self.ctx.formats
        cells = self.cells[key]
        texts = [
            fmt.money_whole(trend.latest_minor),
            fmt.money_whole(trend.three_months_ago_minor),
            growth_text(trend.change_3m, fmt),
            fmt.money_whole(trend.year_ago_minor),
            growth_text(trend.change_12m, fmt),
            fmt.money_whole(trend.average_12m_minor),
        ]
        for cell, text in zip(cells, texts, strict=True):
            cell.setText(text)
        for cell, change in ((cells[2], trend.change_3m), (cells[4], trend.change_12m)):
            cell.setStyleSheet("" if change is None else f"color: {GREEN if change >= 0 else RED};")

    def show_profile(self, p: ClientProfile) -> None:
        self._row("deposits", p.deposits_trend)
        self._row("loans", p.loans_trend)
        self.months.set_frame(p.balances.iloc[::-1].reset_index(drop=True))
