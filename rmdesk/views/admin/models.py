"""Administration, suggestion models: how each product's suggestions were found in the latest
scoring run, with the model's out-of-time backtest beside its fallback's (docs/cross-sell.md).
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from rmdesk.services.engine import model_report
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.frame_model import Column

CTX = "AdminModels"


def model_columns(ctx: ViewContext) -> list[Column]:
    def figure(x: float | None) -> str:
        return "" if x is None or x != x else ctx.formats.number(x, 3)

    def count(x: float | None) -> str:
        return "" if x is None or x != x else ctx.formats.number(x, 0)

    return [
        Column("code", QT_TRANSLATE_NOOP("AdminModels", "Code")),
        Column("name", QT_TRANSLATE_NOOP("AdminModels", "Product")),
        Column("method", QT_TRANSLATE_NOOP("AdminModels", "Likelihood from")),
        Column("rate", QT_TRANSLATE_NOOP("AdminModels", "Take-up rate"), ctx.formats.percent,
               numeric=True),
        Column("take_ups", QT_TRANSLATE_NOOP("AdminModels", "Take-ups"), numeric=True),
        Column("auc", QT_TRANSLATE_NOOP("AdminModels", "AUC"), figure, numeric=True),
        Column("fallback_auc", QT_TRANSLATE_NOOP("AdminModels", "Fallback AUC"), figure,
               numeric=True),
        Column("lift_top_decile", QT_TRANSLATE_NOOP("AdminModels", "Lift, top 10%"), figure,
               numeric=True),
        Column("brier", QT_TRANSLATE_NOOP("AdminModels", "Brier score"), figure, numeric=True),
        Column("calibration_error", QT_TRANSLATE_NOOP("AdminModels", "Calibration error"),
               figure, numeric=True),
        Column("why", QT_TRANSLATE_NOOP("AdminModels", "Why not a model")),
        Column("offers", QT_TRANSLATE_NOOP("AdminModels", "Offers answered"), count,
               numeric=True),
        Column("acceptance_rate", QT_TRANSLATE_NOOP("AdminModels", "Acceptance rate"),
               ctx.formats.percent, numeric=True),
        Column("response_auc", QT_TRANSLATE_NOOP("AdminModels", "Response AUC"), figure,
               numeric=True),
        Column("response", QT_TRANSLATE_NOOP("AdminModels", "Response model")),
    ]  # fmt: skip


class ModelsTab(QWidget):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("ModelsTab")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = DataTable(ctx, model_columns(ctx), CTX, "suggestion-models", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        engine = self.ctx.db.engine
        self.ctx.runner.run(
            self.tr("Reading the suggestion models"),
            lambda _p: model_report.latest(engine, who=self.ctx.user),
            self._show,
            error_handler(self),
            window=self.window(),
            cancellable=False,
        )

    def _show(self, report: model_report.ModelReport) -> None:
        zh = self.ctx.zh
        frame = pd.DataFrame(
            [
                {
                    "code": r.code,
                    "name": r.name_zh if zh else r.name_en,
                    "method": r.method_label(zh),
                    "rate": r.rate,
                    "take_ups": r.take_ups,
                    "auc": r.auc,
                    "fallback_auc": r.fallback_auc,
                    "lift_top_decile": r.lift_top_decile,
                    "brier": r.brier,
                    "calibration_error": r.calibration_error,
                    "why": r.why_label(zh),
                    "offers": r.offers or None,
                    "acceptance_rate": r.acceptance_rate,
                    "response_auc": r.response_auc,
                    "response": r.response_label(zh),
                }
                for r in report.rows
            ],
            columns=[c.key for c in model_columns(self.ctx)],
        )
        self.table.set_frame(frame)
        if report.run_id is None:
            self.summary.setText(self.tr("No scoring run yet."))
        else:
            self.summary.setText(
                self.tr(
                    "Scoring run #%1, data as of %2. Each product's model was trained on an "
                    "earlier window and tested on the next one; it is used only where it beats "
                    "its fallback. Where clients' answers to offers are known, a response model "
                    "trained on the earlier offers and tested on the latest re-ranks the product "
                    "if it beats the acceptance rate."
                )
                .replace("%1", str(report.run_id))
                .replace("%2", self.ctx.formats.date(report.as_of))
            )
