"""Administration, products and pricing: the catalogue, each product's pricing versions, a new one.

Pricing is never edited in place: a change is a new version from a date (``services.pricing``),
so last year's contribution can always be recomputed as it was. Rates are entered as percentages
and money in yuan; the service stores annual fractions and fen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.admin import directory, pricing, products
from rmdesk.views.admin.forms import FormDialog, FormMessage
from rmdesk.views.admin.product_dialog import ProductDialog, kinds_label, risk_label
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.dates import qdate
from rmdesk.views.widgets.frame_model import Column

FAMILIES = {
    "deposit": QT_TRANSLATE_NOOP("AdminCatalogue", "Deposit"),
    "loan": QT_TRANSLATE_NOOP("AdminCatalogue", "Loan"),
    "card": QT_TRANSLATE_NOOP("AdminCatalogue", "Card"),
    "investment": QT_TRANSLATE_NOOP("AdminCatalogue", "Investment"),
    "insurance": QT_TRANSLATE_NOOP("AdminCatalogue", "Insurance"),
    "service": QT_TRANSLATE_NOOP("AdminCatalogue", "Service"),
}
#: the pricing fields as the form shows them: (field, title, percent?, lowest value)
FIELDS: list[tuple[str, object, bool, float]] = [
    ("ftp_rate", QT_TRANSLATE_NOOP("AdminCatalogue", "FTP rate"), True, -100.0),
    ("client_rate", QT_TRANSLATE_NOOP("AdminCatalogue", "Client rate"), True, -100.0),
    ("fee_rate", QT_TRANSLATE_NOOP("AdminCatalogue", "Fee rate on balance"), True, 0.0),
    ("fee_monthly_minor", QT_TRANSLATE_NOOP("AdminCatalogue", "Monthly fee"), False, 0.0),
    (
        "cost_to_serve_minor",
        QT_TRANSLATE_NOOP("AdminCatalogue", "Cost to serve a month"),
        False,
        0.0,
    ),
    ("pd", QT_TRANSLATE_NOOP("AdminCatalogue", "PD (a year)"), True, 0.0),
    ("lgd", QT_TRANSLATE_NOOP("AdminCatalogue", "LGD"), True, 0.0),
]
RATE_DECIMALS = 4  # in percent: 2.3456 %


def _family(code: Any) -> str:
    source = FAMILIES.get(str(code))
    return QCoreApplication.translate("AdminCatalogue", str(source)) if source else str(code)


def _yes(value: Any) -> str:
    return (
        QCoreApplication.translate("AdminCatalogue", "Yes")
        if value
        else QCoreApplication.translate("AdminCatalogue", "No")
    )


def pricing_columns(ctx: ViewContext, *, product: bool) -> list[Column]:
    """The pricing figures' columns; ``product`` adds what the catalogue list shows first."""
    fmt = ctx.formats

    def rate(value: Any) -> str:
        return fmt.percent(value, 2)

    def segments(value: Any) -> str:
        codes = [c.strip() for c in str(value).split(",") if c.strip()]
        if not codes:
            return QCoreApplication.translate("AdminCatalogue", "All")
        return ("、" if ctx.zh else ", ").join(labels.segment(c) for c in codes)

    columns: list[Column] = []
    if product:
        columns += [
            Column("code", QT_TRANSLATE_NOOP("AdminCatalogue", "Code")),
            Column(
                "name_zh" if ctx.zh else "name_en", QT_TRANSLATE_NOOP("AdminCatalogue", "Product")
            ),
            Column("family", QT_TRANSLATE_NOOP("AdminCatalogue", "Family"), _family),
            Column(
                "term_months",
                QT_TRANSLATE_NOOP("AdminCatalogue", "Term (months)"),
                fmt.integer,
                numeric=True,
            ),
            Column("active", QT_TRANSLATE_NOOP("AdminCatalogue", "On sale"), _yes),
            Column(
                "pricing_version",
                QT_TRANSLATE_NOOP("AdminCatalogue", "Pricing version"),
                fmt.integer,
                numeric=True,
            ),
        ]
    else:
        columns.append(
            Column(
                "version",
                QT_TRANSLATE_NOOP("AdminCatalogue", "Version"),
                fmt.integer,
                numeric=True,
            )
        )
    columns += [
        Column("valid_from", QT_TRANSLATE_NOOP("AdminCatalogue", "Valid from"), fmt.date),
        Column("ftp_rate", QT_TRANSLATE_NOOP("AdminCatalogue", "FTP rate"), rate, numeric=True),
        Column(
            "client_rate", QT_TRANSLATE_NOOP("AdminCatalogue", "Client rate"), rate, numeric=True
        ),
        Column(
            "fee_rate",
            QT_TRANSLATE_NOOP("AdminCatalogue", "Fee rate on balance"),
            rate,
            numeric=True,
        ),
        Column(
            "fee_monthly_minor",
            QT_TRANSLATE_NOOP("AdminCatalogue", "Monthly fee"),
            fmt.money,
            numeric=True,
            money=True,
        ),
        Column(
            "cost_to_serve_minor",
            QT_TRANSLATE_NOOP("AdminCatalogue", "Cost to serve a month"),
            fmt.money,
            numeric=True,
            money=True,
        ),
        Column("pd", QT_TRANSLATE_NOOP("AdminCatalogue", "PD (a year)"), rate, numeric=True),
        Column("lgd", QT_TRANSLATE_NOOP("AdminCatalogue", "LGD"), rate, numeric=True),
    ]
    if product:
        columns += [
            Column("segments", QT_TRANSLATE_NOOP("AdminCatalogue", "For segments"), segments),
            Column("client_kinds", QT_TRANSLATE_NOOP("AdminCatalogue", "For"), kinds_label),
            Column(
                "risk_level",
                QT_TRANSLATE_NOOP("AdminCatalogue", "Risk grade"),
                lambda value: risk_label(ctx, value),
            ),
        ]
    else:
        columns += [
            Column("changed_by", QT_TRANSLATE_NOOP("AdminCatalogue", "Changed by")),
            Column("note", QT_TRANSLATE_NOOP("AdminCatalogue", "Note")),
        ]
    return columns


def _first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _date(value: Any) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class PricingDialog(FormDialog):
    """A new pricing version for one product, starting from its current figures."""

    def __init__(self, ctx: ViewContext, product: pd.Series, parent: QWidget | None = None) -> None:
        name = str(product.name_zh if ctx.zh else product.name_en)
        title = self.tr("New pricing for %1").replace("%1", f"{product.code} {name}")
        super().__init__(ctx, title, parent)
        self.code = str(product.code)
        self.current: dict[str, Any] = {f: product[f] for f, *_ in FIELDS}
        self.latest = _date(product.valid_from)
        self.valid_from = QDateEdit(self)
        self.valid_from.setCalendarPopup(True)
        self.valid_from.setDisplayFormat("yyyy-MM-dd")
        start = _first_of_next_month(ctx.today)
        if self.latest is not None:
            start = max(start, self.latest)
            self.valid_from.setMinimumDate(qdate(self.latest))
        self.valid_from.setDate(qdate(start))
        self.add_row("valid_from", self.tr("Valid from"), self.valid_from)
        self.boxes: dict[str, QDoubleSpinBox] = {}
        self.initial: dict[str, float] = {}
        for field, title_, percent, lowest in FIELDS:
            box = QDoubleSpinBox(self)
            box.setAccelerated(True)
            if percent:
                box.setDecimals(RATE_DECIMALS)
                box.setRange(lowest, 100.0)
                box.setSingleStep(0.05)
                box.setSuffix(" %")
            else:
                box.setDecimals(2)
                box.setRange(0.0, 1_000_000_000.0)
                box.setSingleStep(1.0)
                box.setSuffix(" " + self.tr("yuan"))
            value = self.current[field]
            if value is not None and not pd.isna(value):
                box.setValue(float(value) * 100 if percent else int(value) / 100)
            self.boxes[field] = box
            self.initial[field] = box.value()
            self.add_row(field, QCoreApplication.translate("AdminCatalogue", str(title_)), box)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Why the pricing changes (kept with the version)"))
        self.add_row("note", self.tr("Note"), self.note)
        hint = QLabel(
            self.tr("Rates are annual. The version applies from the month of its date."), self
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #616161;")
        self.form.addRow(hint)

    def changes(self) -> dict[str, Any]:
        """The fields whose figure differs from the current version, in the service's units."""
        out: dict[str, Any] = {}
        for field, _title, percent, _lowest in FIELDS:
            box = self.boxes[field]
            if box.value() == self.initial[field]:  # untouched: the stored figure stays exact
                continue
            shown = Decimal(str(round(box.value(), RATE_DECIMALS if percent else 2)))
            out[field] = shown / 100 if percent else int(shown * 100)
        return out

    def date(self) -> dt.date:
        d = self.valid_from.date()
        return dt.date(d.year(), d.month(), d.day())

    def check(self) -> str | None:
        if not self.changes():
            return self.tr("Change at least one figure")
        return None


class CatalogueTab(QWidget):
    """Products above with their current pricing; the selected product's versions below."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("CatalogueTab")
        self.dialog: PricingDialog | None = None
        self._select: str | None = None
        self.products = DataTable(
            ctx, pricing_columns(ctx, product=True), "AdminCatalogue", "products", self
        )
        self.products.setObjectName("products")
        self.products.row_activated.connect(lambda _row: self.new_version())
        self.products.selectionModel().currentRowChanged.connect(self._product_chosen)
        self.versions = DataTable(
            ctx, pricing_columns(ctx, product=False), "AdminCatalogue", "pricing", self
        )
        self.versions.setObjectName("versions")
        self.new_button = QPushButton(self.tr("New pricing version…"), self)
        self.new_button.setObjectName("new_version")
        self.new_button.clicked.connect(self.new_version)
        self.edit_button = QPushButton(self.tr("Suitability and pitch…"), self)
        self.edit_button.setObjectName("edit_product")
        self.edit_button.clicked.connect(self.edit_product)
        self.product_dialog: ProductDialog | None = None
        self.status = FormMessage(ctx, self)
        self.versions_box = QGroupBox(self.tr("Pricing versions"), self)

        top = QGroupBox(self.tr("Products and current pricing"), self)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.new_button)
        box = QVBoxLayout(top)
        box.addLayout(bar)
        box.addWidget(self.products)
        box = QVBoxLayout(self.versions_box)
        box.addWidget(self.versions)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(self.versions_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.status)
        layout.addWidget(split)
        self.new_button.setEnabled(False)
        self.edit_button.setEnabled(False)

    def refresh(self) -> None:
        engine = self.ctx.db.engine
        self.ctx.runner.run(
            self.tr("Loading the product catalogue"),
            lambda _p: directory.list_products(engine, who=self.ctx.user),
            self._show,
            error_handler(self),
            window=self.window(),
            cancellable=False,
        )

    def _show(self, frame: pd.DataFrame) -> None:
        row = self.products.current_row()
        chosen = self._select or (None if row is None else str(row.code))
        self._select = None
        self.products.set_frame(frame.assign(segments=frame["segments"].fillna("")))
        if chosen is not None:
            self.select_product(chosen)
        self._product_chosen()

    def select_product(self, code: str) -> bool:
        model = self.products.model_
        for r in range(model.rowCount()):
            if model.row_at(r).code == code:
                self.products.setCurrentIndex(model.index(r, 0))
                return True
        return False

    def _product_chosen(self, *_args: object) -> None:
        row = self.products.current_row()
        self.new_button.setEnabled(row is not None)
        self.edit_button.setEnabled(row is not None)
        if row is None:
            self.versions.set_frame(self.versions.model_.frame.iloc[0:0])
            self.versions_box.setTitle(self.tr("Pricing versions"))
            return
        code, engine = str(row.code), self.ctx.db.engine
        name = str(row.name_zh if self.ctx.zh else row.name_en)
        self.versions_box.setTitle(self.tr("Pricing versions of %1").replace("%1", name))
        self.ctx.runner.run(
            self.tr("Loading pricing versions"),
            lambda _p: pricing.versions(engine, code, who=self.ctx.user),
            self.versions.set_frame,
            error_handler(self),
            window=self.window(),
            cancellable=False,
        )

    def new_version(self) -> PricingDialog | None:
        row = self.products.current_row()
        if row is None:
            return None
        dialog = PricingDialog(self.ctx, row, self)
        self.dialog = dialog
        dialog.submitted.connect(lambda: self.save(dialog))
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()
        return dialog

    def _closed(self, dialog: PricingDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def save(self, dialog: PricingDialog) -> None:
        engine = self.ctx.db.engine
        code, changes, valid_from = dialog.code, dialog.changes(), dialog.date()
        note = dialog.note.text().strip() or None

        def done(version: object) -> None:
            dialog.accept()
            text = self.tr("%1: pricing version %2 from %3").replace("%1", code)
            text = text.replace("%2", str(version)).replace("%3", self.ctx.formats.date(valid_from))
            self.status.show_info(text)
            self._select = code
            self.refresh()
            self.changed.emit()

        self.ctx.runner.run(
            self.tr("Saving the pricing"),
            lambda _p: pricing.change(
                engine,
                code,
                changes,
                valid_from=valid_from,
                note=note,
                who=self.ctx.user,
            ),
            done,
            lambda exc, _t: dialog.failed(exc),
            write=True,
            window=self.window(),
        )

    def edit_product(self) -> ProductDialog | None:
        """Who the selected product is for, its risk grade and its pitch lines."""
        row = self.products.current_row()
        if row is None:
            return None
        dialog = ProductDialog(self.ctx, row, self)
        self.product_dialog = dialog
        dialog.submitted.connect(lambda: self.save_product(dialog))
        dialog.finished.connect(lambda _r: self._product_closed(dialog))
        dialog.open()
        return dialog

    def _product_closed(self, dialog: ProductDialog) -> None:
        if self.product_dialog is dialog:
            self.product_dialog = None
        dialog.deleteLater()

    def save_product(self, dialog: ProductDialog) -> None:
        engine, code, changes = self.ctx.db.engine, dialog.code, dialog.changes()

        def done(_changed: object) -> None:
            dialog.accept()
            self.status.show_info(self.tr("%1: saved").replace("%1", code))
            self._select = code
            self.refresh()
            self.changed.emit()

        self.ctx.runner.run(
            self.tr("Saving the product"),
            lambda _p: products.change(
                engine, code, changes, version=dialog.version, who=self.ctx.user
            ),
            done,
            lambda exc, _t: dialog.failed(exc),
            write=True,
            window=self.window(),
        )
