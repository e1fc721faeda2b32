"""The administrator's screens as tabs: users and branches, products and pricing, engine
parameters, KPI weights and targets, how the suggestion models graded themselves, the audit
trail. Other parts (the data tab: imports and the database) are
added by the main window with ``add_tab``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QTabWidget, QWidget

from rmdesk.views.admin.audit import AuditTab
from rmdesk.views.admin.catalogue import CatalogueTab
from rmdesk.views.admin.kpis import KpiTab
from rmdesk.views.admin.models import ModelsTab
from rmdesk.views.admin.parameters import ParametersTab
from rmdesk.views.admin.users import UsersTab
from rmdesk.views.widgets.context import ViewContext


@runtime_checkable
class Refreshable(Protocol):
    def refresh(self) -> None: ...


class AdminView(QTabWidget):
    """Emits ``changed`` after any write in any of its tabs."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("AdminView")
        self.setDocumentMode(True)
        self.users = UsersTab(ctx, self)
        self.catalogue = CatalogueTab(ctx, self)
        self.parameters = ParametersTab(ctx, self)
        self.kpis = KpiTab(ctx, self)
        self.audit = AuditTab(ctx, self)
        self.models = ModelsTab(ctx, self)
        self.add_tab(self.users, self.tr("Users and branches"))
        self.add_tab(self.catalogue, self.tr("Products and pricing"))
        self.add_tab(self.parameters, self.tr("Engine parameters"))
        self.add_tab(self.kpis, self.tr("KPI weights and targets"))
        self.add_tab(self.models, self.tr("Suggestion models"))
        self.add_tab(self.audit, self.tr("Audit trail"))

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a tab and return its index. Its ``changed`` signal, if it has one, is passed on
        as this view's, and its ``refresh()`` is called with the other tabs'."""
        index = self.addTab(widget, title)
        changed = getattr(widget, "changed", None)
        if isinstance(changed, SignalInstance):
            changed.connect(self.changed)
        return index

    def refresh(self) -> None:
        for index in range(self.count()):
            tab = self.widget(index)
            if isinstance(tab, Refreshable):
                tab.refresh()
