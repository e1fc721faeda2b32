"""The main window: for now the client list of the database, searchable and sortable."""

from __future__ import annotations

import logging

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QToolBar,
)

from rmdesk.db import Database
from rmdesk.services.book import client_book, search_mask
from rmdesk.services.progress import Cancelled
from rmdesk.tasks import Runner
from rmdesk.views import labels
from rmdesk.views.formatting import Formats
from rmdesk.views.frame_model import Column, FrameModel


def book_columns(fmt: Formats) -> list[Column]:
    return [
        Column("name", QT_TRANSLATE_NOOP("Book", "Name")),
        Column("external_id", QT_TRANSLATE_NOOP("Book", "Client ID")),
        Column("kind", QT_TRANSLATE_NOOP("Book", "Type"), labels.kind),
        Column("segment", QT_TRANSLATE_NOOP("Book", "Segment"), labels.segment),
        Column("branch", QT_TRANSLATE_NOOP("Book", "Branch")),
        Column("rm", QT_TRANSLATE_NOOP("Book", "Relationship manager")),
        Column("district", QT_TRANSLATE_NOOP("Book", "District")),
        Column("products", QT_TRANSLATE_NOOP("Book", "Products"), fmt.integer, numeric=True),
        Column("deposits_minor", QT_TRANSLATE_NOOP("Book", "Deposits"), fmt.money, numeric=True),
        Column("loans_minor", QT_TRANSLATE_NOOP("Book", "Loans"), fmt.money, numeric=True),
        Column("currency", QT_TRANSLATE_NOOP("Book", "Currency")),
        Column("kyc_due", QT_TRANSLATE_NOOP("Book", "KYC review due"), fmt.date),
        Column("status", QT_TRANSLATE_NOOP("Book", "Status"), labels.status),
    ]


log = logging.getLogger(__name__)
DEFAULT_SORT = 8  # deposits


class MainWindow(QMainWindow):
    def __init__(self, runner: Runner, formats: Formats) -> None:
        super().__init__()
        self.runner = runner
        self.formats = formats
        self.db: Database | None = None
        self._loaded_once = False
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("rmdesk — Relationship manager's workstation"))
        self.model = FrameModel(book_columns(formats), "Book", self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.setCentralWidget(self.table)

        bar = QToolBar(self.tr("Search"), self)
        bar.setObjectName("SearchBar")
        bar.setMovable(False)
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Search by name or client ID"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(360)
        bar.addWidget(self.search)
        self.count = QLabel(self)
        bar.addWidget(self.count)
        self.addToolBar(bar)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.apply_search)
        self.search.textChanged.connect(self._debounce.start)

        find = QAction(self.tr("Find"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.search.setFocus)
        self.addAction(find)
        quit_ = QAction(self.tr("Quit"), self)
        quit_.setShortcut(QKeySequence.StandardKey.Quit)
        quit_.triggered.connect(self.close)
        self.addAction(quit_)
        self.db_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.db_label)
        self.statusBar().showMessage(self.tr("Opening the database…"))
        self.resize(1280, 760)

    # --- data --------------------------------------------------------------------------
    def attach(self, db: Database) -> None:
        self.db = db
        self.db_label.setText(db.display_url)
        self.reload()

    def reload(self) -> None:
        db = self.db
        if db is None:
            return
        self.statusBar().showMessage(self.tr("Loading clients…"))
        self.runner.run(
            self.tr("Loading clients"),
            lambda _p: client_book(db.engine),
            self.show_book,
            self.show_error,
            window=self,
            cancellable=False,
        )

    def show_book(self, frame: pd.DataFrame) -> None:
        self.model.set_frame(frame)
        log.info("book on screen: %d clients", len(frame))
        if not self._loaded_once:
            # first load: the biggest deposits first, until contribution ranks the book
            self._loaded_once = True
            self.table.sortByColumn(DEFAULT_SORT, Qt.SortOrder.DescendingOrder)
        self.apply_search()
        self.table.resizeColumnsToContents()
        self.statusBar().showMessage(
            self.tr("Clients: %1").replace("%1", self.formats.integer(len(frame))), 5000
        )

    def apply_search(self) -> None:
        self.model.set_mask(search_mask(self.model.frame, self.search.text()))
        shown = self.formats.integer(self.model.rowCount())
        self.count.setText("  " + self.tr("Shown: %1").replace("%1", shown))

    def show_error(self, exc: BaseException, _trace: str) -> None:
        if isinstance(exc, Cancelled):
            self.statusBar().showMessage(self.tr("Cancelled"), 5000)
            return
        self.statusBar().clearMessage()
        QMessageBox.critical(self, self.tr("rmdesk"), str(exc))
