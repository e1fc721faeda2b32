"""The book of business: clients ranked by contribution, with instant search and filters.

An RM sees their own book, a branch head the branch, an administrator the bank. The frame comes
from ``services.book.client_book`` already ranked; filters are one numpy mask
(``services.book.book_mask``) applied inside the table model, so a 100,000-row book filters and
sorts without a proxy model.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.clients.book import book_mask, client_book
from rmdesk.services.common.access import scope_of
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.frame_model import Column, sort_codes

log = logging.getLogger(__name__)
#: the rows a book shows first, while the rest loads (a screen holds some 25)
FIRST_PAGE = 200

SEVERITY_COLOURS = {"high": "#c62828", "medium": "#ef6c00", "low": "#607d8b"}
TIER_COLOURS = {"A": "#1b5e20", "B": "#2e7d32", "C": "#5d4037", "D": "#757575"}


def book_columns(ctx: ViewContext) -> list[Column]:
    """The book's columns; who is allowed to see whose clients decides RM and branch columns."""
    fmt = ctx.formats
    suggestion = "top_suggestion_zh" if ctx.zh else "top_suggestion_en"
    columns = [
        Column("rank_book", QT_TRANSLATE_NOOP("Book", "Rank"), fmt.integer, numeric=True),
        Column("name", QT_TRANSLATE_NOOP("Book", "Name")),
        Column("external_id", QT_TRANSLATE_NOOP("Book", "Client ID")),
        Column("tier", QT_TRANSLATE_NOOP("Book", "Tier"), color=TIER_COLOURS.get),
        Column(
            "contribution_minor",
            QT_TRANSLATE_NOOP("Book", "Contribution (12 months)"),
            fmt.money_whole,
            numeric=True,
            money=True,
            color=lambda v: "#c62828" if v < 0 else None,
        ),
        Column(
            "growth",
            QT_TRANSLATE_NOOP("Book", "Trend"),
            fmt.formatter.growth,
            numeric=True,
            color=lambda v: "#2e7d32" if v >= 0 else "#c62828",
        ),
        Column("open_flags", QT_TRANSLATE_NOOP("Book", "Flags"), fmt.integer, numeric=True),
        Column(
            "worst_severity",
            QT_TRANSLATE_NOOP("Book", "Worst flag"),
            labels.severity,
            color=SEVERITY_COLOURS.get,
        ),
        Column("next_visit_on", QT_TRANSLATE_NOOP("Book", "Next visit"), fmt.date),
        Column(
            "last_contact",
            QT_TRANSLATE_NOOP("Book", "Last contact"),
            fmt.date,
            missing=QT_TRANSLATE_NOOP("Book", "Never contacted"),
        ),
        Column(
            "contact_due",
            QT_TRANSLATE_NOOP("Book", "Contact due"),
            fmt.date,
            color=lambda v: "#c62828" if v < pd.Timestamp(ctx.today) else None,
        ),
        Column(suggestion, QT_TRANSLATE_NOOP("Book", "Top suggestion")),
        Column(
            "top_suggestion_value_minor",
            QT_TRANSLATE_NOOP("Book", "Expected value"),
            fmt.money_whole,
            numeric=True,
            money=True,
        ),
        Column("segment", QT_TRANSLATE_NOOP("Book", "Segment"), labels.segment),
        Column("kind", QT_TRANSLATE_NOOP("Book", "Type"), labels.kind),
    ]
    if not ctx.user.is_rm:
        columns.append(Column("rm", QT_TRANSLATE_NOOP("Book", "Relationship manager")))
    if ctx.user.is_admin:
        columns.append(Column("branch", QT_TRANSLATE_NOOP("Book", "Branch")))
    columns += [
        Column("district", QT_TRANSLATE_NOOP("Book", "District")),
        Column("products", QT_TRANSLATE_NOOP("Book", "Products"), fmt.integer, numeric=True),
        Column(
            "deposits_minor",
            QT_TRANSLATE_NOOP("Book", "Deposits and investments (AUM)"),
            fmt.money,
            numeric=True,
            money=True,
        ),
        Column(
            "loans_minor", QT_TRANSLATE_NOOP("Book", "Loans"), fmt.money, numeric=True, money=True
        ),
        Column("currency", QT_TRANSLATE_NOOP("Book", "Currency")),
        Column("kyc_due", QT_TRANSLATE_NOOP("Book", "KYC review due"), fmt.date),
        Column("status", QT_TRANSLATE_NOOP("Book", "Status"), labels.status),
    ]
    return columns


class BookView(QWidget):
    client_requested = Signal(int)
    loaded = Signal(int)  # rows in the book, once it is on screen
    first_page = Signal(int)  # the first rows, on screen while the rest loads

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("BookView")
        self.table = DataTable(ctx, book_columns(ctx), "Book", "book", self)
        self.table.setObjectName("book")
        self.table.row_activated.connect(lambda row: self.client_requested.emit(int(row.client_id)))
        self.model = self.table.model_

        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Search by name, client ID, phone or ID number"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.tier = QComboBox(self)
        self.tier.setObjectName("tier")
        self.tier.addItem(self.tr("All tiers"), "")
        self.segment = QComboBox(self)
        self.segment.setObjectName("segment")
        self.segment.addItem(self.tr("All segments"), "")
        for code in labels.SEGMENTS:
            self.segment.addItem(labels.segment(code), code)
        self.flags = QComboBox(self)
        self.flags.setObjectName("flags")
        self.flags.addItem(self.tr("Flags: all clients"), "")
        self.flags.addItem(self.tr("With open flags"), "any")
        self.flags.addItem(self.tr("Medium or high flags"), "medium")
        self.flags.addItem(self.tr("High flags"), "high")
        self.overdue = QCheckBox(self.tr("Contact overdue"), self)
        self.overdue.setObjectName("overdue")
        self.count = QLabel(self)
        self.count.setObjectName("count")

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.search, 2)
        for widget in (self.tier, self.segment, self.flags, self.overdue):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.open_first_match)
        for combo in (self.tier, self.segment, self.flags):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.overdue.toggled.connect(self.apply_filters)
        self._sorted_once = False
        self._loaded_once = False

    # --- data ----------------------------------------------------------------------------
    def scope(self) -> dict[str, int]:
        """Whose clients this user sees: an RM their own, a branch head the branch."""
        return scope_of(self.ctx.user).ids()

    def refresh(self) -> None:
        """Load the book on a worker. The first time, its first page (the clients of highest
        contribution) comes first, from a narrow query, and the rest behind it."""
        engine, scope, today, who = self.ctx.db.engine, self.scope(), self.ctx.today, self.ctx.user
        columns = self.model.columns
        first_time, self._loaded_once = not self._loaded_once, True
        self.count.setText(self.tr("Loading…"))

        def load(first: int | None) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
            frame = client_book(engine, today=today, first=first, who=who, **scope)
            return frame, sort_codes(frame, columns)  # text sort codes made here, not on click

        def whole() -> None:
            self.ctx.runner.run(
                self.tr("Loading the book"),
                lambda _p: load(None),
                lambda loaded: self.show_book(*loaded),
                error_handler(self),
                window=self.window(),
                cancellable=False,
            )

        if not first_time:
            whole()
            return

        def first_shown(loaded: tuple[pd.DataFrame, dict[str, np.ndarray]]) -> None:
            self.show_book(*loaded, partial=True)
            whole()

        self.ctx.runner.run(
            self.tr("Loading the book"),
            lambda _p: load(FIRST_PAGE),
            first_shown,
            error_handler(self),
            cancellable=False,
        )

    def show_book(
        self,
        frame: pd.DataFrame,
        codes: dict[str, np.ndarray] | None = None,
        *,
        partial: bool = False,
    ) -> None:
        """Put ``frame`` on screen; ``partial``: only its first page, the rest still loading."""
        tiers = sorted(t for t in frame["tier"].dropna().unique())
        chosen = self.tier.currentData()
        self.tier.blockSignals(True)
        while self.tier.count() > 1:
            self.tier.removeItem(1)
        for tier in tiers:
            self.tier.addItem(self.tr("Tier %1").replace("%1", str(tier)), str(tier))
        self.tier.setCurrentIndex(max(self.tier.findData(chosen), 0))
        self.tier.blockSignals(False)
        self.table.set_frame(frame, codes)
        if not self._sorted_once:  # ranked by contribution, the indicator on that column
            self._sorted_once = True
            column = [c.key for c in self.model.columns].index("contribution_minor")
            self.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
        self.apply_filters()
        if partial:
            shown = self.tr("Loading… the first %1 shown")
            self.count.setText(shown.replace("%1", self.ctx.formats.integer(len(frame))))
            self.first_page.emit(len(frame))
            return
        log.info("book on screen: %d clients", len(frame))
        self.loaded.emit(len(frame))

    def open_first_match(self) -> None:
        """Enter in the search box opens the first client the search shows, in the order on
        screen (the filter is applied first, without waiting for the pause after typing)."""
        self._debounce.stop()
        self.apply_filters()
        if self.model.rowCount():
            self.client_requested.emit(int(self.model.row_at(0)["client_id"]))

    def apply_filters(self) -> None:
        frame = self.model.frame
        if "contact_overdue" not in frame.columns:  # not loaded yet
            return
        self.model.set_mask(
            book_mask(
                frame,
                text=self.search.text(),
                tier=self.tier.currentData() or None,
                segment=self.segment.currentData() or None,
                flags=self.flags.currentData() or None,
                overdue=self.overdue.isChecked(),
            )
        )
        shown, total = self.model.rowCount(), len(frame)
        text = self.tr("%1 of %2 clients").replace("%1", self.ctx.formats.integer(shown))
        self.count.setText(text.replace("%2", self.ctx.formats.integer(total)))
