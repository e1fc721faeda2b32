"""Administration, a product's place in the catalogue: who it is for, its risk grade, its pitch.

What the engine does with them is docs/suitability.md; the service (``services.admin.products``)
checks the values, keeps the product's version and records the change in the audit trail.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from rmdesk.services.common import product_fields
from rmdesk.views.admin.forms import FormDialog
from rmdesk.views.widgets.context import ViewContext

KINDS = {
    "": QT_TRANSLATE_NOOP("AdminCatalogue", "Individuals and companies"),
    "individual": QT_TRANSLATE_NOOP("AdminCatalogue", "Individuals only"),
    "corporate": QT_TRANSLATE_NOOP("AdminCatalogue", "Companies only"),
}


def _stored(value: Any) -> str:
    """A stored text as the form holds it: missing values are empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def kinds_label(value: Any) -> str:
    """Who a product is for, as the catalogue list shows it."""
    source = KINDS.get(_stored(value), _stored(value))
    return QCoreApplication.translate("AdminCatalogue", str(source))


def risk_label(ctx: ViewContext, value: Any) -> str:
    """A risk grade with its name (R2 稳健型), or nothing."""
    names = product_fields.RISK_LEVELS.get(_stored(value))
    return ctx.text(*names) if names else ""


class ProductDialog(FormDialog):
    """Who a product may be suggested to, its risk grade and the lines an RM says about it."""

    def __init__(self, ctx: ViewContext, product: pd.Series, parent: QWidget | None = None) -> None:
        name = str(product.name_zh if ctx.zh else product.name_en)
        title = self.tr("Suitability and pitch of %1").replace("%1", f"{product.code} {name}")
        super().__init__(ctx, title, parent)
        self.code = str(product.code)
        self.version = int(product.version)
        self.initial = {f: _stored(product[f]) for f in product_fields.FIELDS}
        self.kinds = QComboBox(self)
        for code, source in KINDS.items():
            self.kinds.addItem(QCoreApplication.translate("AdminCatalogue", str(source)), code)
        self.kinds.setCurrentIndex(max(0, self.kinds.findData(self.initial["client_kinds"])))
        self.add_row("client_kinds", self.tr("For"), self.kinds)
        self.risk = QComboBox(self)
        self.risk.addItem(self.tr("No risk grade"), "")
        for code, names in product_fields.RISK_LEVELS.items():
            self.risk.addItem(ctx.text(*names), code)
        self.risk.setCurrentIndex(max(0, self.risk.findData(self.initial["risk_level"])))
        self.add_row("risk_level", self.tr("Risk grade"), self.risk)
        self.pitches: dict[str, QPlainTextEdit] = {}
        for field, title_ in (
            ("pitch_zh", self.tr("Pitch (Chinese)")),
            ("pitch_en", self.tr("Pitch (English)")),
        ):
            box = QPlainTextEdit(self)
            box.setPlainText(self.initial[field])
            box.setTabChangesFocus(True)
            box.setFixedHeight(96)
            self.pitches[field] = box
            self.add_row(field, title_, box)
        hint = QLabel(
            self.tr(
                "A graded product is suggested to an individual only with a valid risk "
                "assessment of at least the same level (C3 for R3). Pitch: one sentence a line, "
                "at most %1 lines."
            ).replace("%1", str(product_fields.PITCH_MAX_LINES)),
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #616161;")
        self.form.addRow(hint)

    def values(self) -> dict[str, str]:
        out = {
            "client_kinds": str(self.kinds.currentData() or ""),
            "risk_level": str(self.risk.currentData() or ""),
        }
        return out | {f: box.toPlainText() for f, box in self.pitches.items()}

    def changes(self) -> dict[str, str]:
        """The fields that differ from what was stored (the service cleans and checks them)."""
        return {f: v for f, v in self.values().items() if v.strip() != self.initial[f].strip()}

    def check(self) -> str | None:
        if not self.changes():
            return self.tr("Change at least one field")
        return None
