"""The branch view's charts, drawn on a ChartCanvas's figure: an RM's score trend, the Pareto curve.

The numbers come ready from services.branch_review; these functions only draw, with labels in
the interface language.
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.ticker import PercentFormatter
from PySide6.QtCore import QCoreApplication

from rmdesk.services.branch.review import BranchPareto
from rmdesk.views.widgets.charts import ChartCanvas

RM_COLOUR = "#1f5fa8"
BRANCH_COLOUR = "#9a9a9a"
MARK_COLOUR = "#c0392b"


def draw_trend(canvas: ChartCanvas, trend: pd.DataFrame, rm_name: str) -> None:
    """An RM's score per period with the branch's average; ``trend`` from ``rm_trend``."""
    figure = canvas.figure
    figure.clear()
    axes = figure.add_subplot()
    x = list(range(len(trend)))
    axes.plot(
        x,
        trend["branch_average"],
        color=BRANCH_COLOUR,
        linestyle="--",
        linewidth=1.2,
        label=QCoreApplication.translate("BranchCharts", "Branch average"),
    )
    axes.plot(x, trend["score"], color=RM_COLOUR, marker="o", markersize=4, label=rm_name)
    for i, (score, rank) in enumerate(zip(trend["score"], trend["rank"], strict=True)):
        if not (pd.isna(score) or pd.isna(rank)):
            axes.annotate(
                f"{int(rank)}",
                (i, score),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=7,
                color=RM_COLOUR,
            )
    step = max(1, math.ceil(len(x) / 6))
    axes.set_xticks(x[::step], list(trend["period"])[::step], fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.set_ylabel(QCoreApplication.translate("BranchCharts", "Score"), fontsize=9)
    axes.set_title(
        QCoreApplication.translate("BranchCharts", "Score and rank in the branch: %1").replace(
            "%1", rm_name
        ),
        fontsize=10,
    )
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=8, loc="best", frameon=False)
    canvas.draw_idle()  # type: ignore[no-untyped-call]


def draw_waiting(canvas: ChartCanvas) -> None:
    """A note on an empty chart while its numbers load."""
    figure = canvas.figure
    figure.clear()
    figure.text(
        0.5,
        0.5,
        QCoreApplication.translate("BranchCharts", "Loading…"),
        ha="center",
        va="center",
        color=BRANCH_COLOUR,
    )
    canvas.draw_idle()  # type: ignore[no-untyped-call]


def draw_pareto(canvas: ChartCanvas, shape: BranchPareto, as_of: str) -> None:
    """Cumulative share of contribution against share of clients, the 20 % point marked."""
    figure = canvas.figure
    figure.clear()
    axes = figure.add_subplot()
    curve = shape.curve
    axes.plot([0, 1], [0, 1], color=BRANCH_COLOUR, linestyle=":", linewidth=1)
    axes.plot(
        curve["client_share"],
        curve["contribution_share"],
        color=RM_COLOUR,
        label=QCoreApplication.translate("BranchCharts", "Contribution"),
    )
    if shape.clients:
        axes.axvline(0.2, color=MARK_COLOUR, linestyle="--", linewidth=0.8)
        axes.axhline(shape.top_share, color=MARK_COLOUR, linestyle="--", linewidth=0.8)
        axes.plot([0.2], [shape.top_share], "o", color=MARK_COLOUR, markersize=5)
        note = QCoreApplication.translate(
            "BranchCharts", "Top 20% of clients: %1 of contribution"
        ).replace("%1", f"{shape.top_share:.0%}")
        axes.annotate(
            note,
            (0.2, shape.top_share),
            textcoords="offset points",
            xytext=(8, -16),
            fontsize=8,
            color=MARK_COLOUR,
        )
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.05)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes.tick_params(labelsize=8)
    axes.set_xlabel(QCoreApplication.translate("BranchCharts", "Share of clients"), fontsize=9)
    axes.set_ylabel(QCoreApplication.translate("BranchCharts", "Share of contribution"), fontsize=9)
    title = QCoreApplication.translate("BranchCharts", "Pareto: %1 clients, 12 months to %2")
    axes.set_title(title.replace("%1", str(shape.clients)).replace("%2", as_of), fontsize=10)
    axes.grid(alpha=0.3)
    canvas.draw_idle()  # type: ignore[no-untyped-call]
