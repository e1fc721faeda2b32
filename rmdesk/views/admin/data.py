"""The administrator's data page: imports checked before anything is written, and the database.

``AdminDataTab`` holds two pages: *Imports* (admin_imports.py) and *Database connection*
(admin_connection.py), whose settings come through an injected ``SettingsStore``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from rmdesk.views.admin.connection import AdminConnectionPanel, SettingsStore
from rmdesk.views.admin.imports import AdminImportPanel
from rmdesk.views.widgets.context import ViewContext

__all__ = ["AdminConnectionPanel", "AdminDataTab", "AdminImportPanel", "SettingsStore"]


class AdminDataTab(QWidget):
    """The admin's data page: imports and the database connection, as two tabs."""

    #: rows were imported: the book and everything computed from it may have changed
    changed = Signal()

    def __init__(
        self, ctx: ViewContext, settings_store: SettingsStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("admin_data")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("admin_data_tabs")
        self.imports = AdminImportPanel(ctx, self)
        self.imports.setObjectName("imports")
        self.connection = AdminConnectionPanel(ctx, settings_store, self)
        self.connection.setObjectName("connection")
        if ctx.own_login:  # imports stage data and change constraints: the owner's work
            note = QLabel(
                self.tr(
                    "Imports run with the database owner's login (the nightly job, or "
                    "rmdesk-cli import --db with the owner's address): a person's own database "
                    "login may not stage data or change the tables' constraints."
                ),
                self,
            )
            note.setObjectName("imports_owner_only")
            note.setWordWrap(True)
            self.imports.hide()
            self.tabs.addTab(note, self.tr("Imports"))
        else:
            self.tabs.addTab(self.imports, self.tr("Imports"))
        self.tabs.addTab(self.connection, self.tr("Database connection"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.imports.changed.connect(self.changed)

    def refresh(self) -> None:
        self.connection.refresh()
