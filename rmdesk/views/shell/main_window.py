"""The main window: the logged-in user's views in tabs, chosen by role.

An RM starts the day on Today and works in their book, the client view and the visit planner;
a branch head starts on their Today too and also has the branch dashboard; an administrator has
the admin screens and the bank's book. The window wires the views together (a view asks for a
client, the client view opens; a view changed data, the book reloads), owns the menus and
shortcuts, and remembers its layout.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.common.access import scope_of
from rmdesk.views.client.book import BookView
from rmdesk.views.shell.login_dialog import LANGUAGES
from rmdesk.views.shell.password_dialog import ChangePasswordDialog
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.printouts import print_day_pack

if TYPE_CHECKING:
    from rmdesk.services.engine.scoring import ScoreResult
    from rmdesk.views.admin.connection import SettingsStore
    from rmdesk.views.client.view import ClientView

LAYOUT_VERSION = 1


class LazyView(QWidget):
    """A tab that builds its view the first time it is refreshed (that is, first shown)."""

    def __init__(
        self,
        factory: Callable[[], QWidget],
        built: Callable[[QWidget], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._factory, self._built = factory, built
        self.view: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.view is None:
            self.view = self._factory()
            self._layout.addWidget(self.view)
            self._built(self.view)
        return self.view

    def refresh(self) -> None:
        self.ensure().refresh()  # type: ignore[attr-defined]


class MainWindow(QMainWindow):
    language_requested = Signal(str)
    logout_requested = Signal()

    def __init__(
        self,
        ctx: ViewContext,
        layout: QSettings | None = None,
        settings_store: SettingsStore | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.layout_store = layout
        self.settings_store = settings_store
        self._stale: set[QWidget] = set()
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("rmdesk — Relationship manager's workstation"))
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.views: dict[str, QWidget] = {}
        self.client_view: ClientView | None = None

        if ctx.user.is_rm or ctx.user.is_head:  # an RM's and a head's day starts on Today

            def today() -> QWidget:
                from rmdesk.views.today.view import TodayView

                return TodayView(ctx)

            self.add_view("today", today, self.tr("Today"))
        self.book = BookView(ctx, self)
        title = self.tr("My clients") if ctx.user.is_rm else self.tr("Clients")
        self.add_view("book", self.book, title)
        self._role_views()

        self.tabs.currentChanged.connect(self._tab_shown)
        self._menus()
        user = ctx.user
        who = f"{user.display_name} · {labels.label(labels.ROLES, user.role)}"
        if user.branch_name:
            who += f" · {user.branch_name}"
        self.user_label = QLabel(who, self)
        self.statusBar().addWidget(self.user_label)
        self.db_label = QLabel(ctx.db.display_url, self)
        self.statusBar().addPermanentWidget(self.db_label)
        self.resize(1280, 760)
        self.restore_layout()

    # --- views ---------------------------------------------------------------------------
    def add_view(self, key: str, view: QWidget | Callable[[], QWidget], title: str) -> None:
        """Add a tab. A factory is called when the tab is first shown (a view's module and its
        charts load only when that view is used). A view's ``client_requested`` opens the
        client; its ``changed`` marks the other views for reloading."""
        tab = view if isinstance(view, QWidget) else LazyView(view, self._connect, self)
        tab.setObjectName(tab.objectName() or key)
        self.views[key] = tab
        self.tabs.addTab(tab, title)
        if isinstance(view, QWidget):
            self._connect(view)

    def _connect(self, view: QWidget) -> None:
        requested = getattr(view, "client_requested", None)
        if requested is not None:
            requested.connect(self.open_client)
        changed = getattr(view, "changed", None)
        if changed is not None:
            changed.connect(self.data_changed)

    def _role_views(self) -> None:
        """The tabs besides the book that this user's role works in."""
        ctx = self.ctx

        def branch() -> QWidget:
            from rmdesk.views.branch.view import BranchView

            return BranchView(ctx)

        def planner() -> QWidget:
            from rmdesk.views.planner.view import PlannerView

            return PlannerView(ctx)

        def admin() -> QWidget:
            from rmdesk.views.admin.data import AdminDataTab
            from rmdesk.views.admin.view import AdminView

            view = AdminView(ctx)
            if self.settings_store is not None:
                view.add_tab(AdminDataTab(ctx, self.settings_store, view), self.tr("Data"))
            return view

        if ctx.user.is_head:  # after Today, the branch dashboard, then the clients
            self.tabs.removeTab(self.tabs.indexOf(self.book))
            self.add_view("branch", branch, self.tr("Branch"))
            self.tabs.addTab(self.book, self.tr("Clients"))
        elif ctx.user.is_admin:
            self.add_view("branch", branch, self.tr("Branches"))
        if ctx.user.is_rm or ctx.user.is_head:
            self.add_view("planner", planner, self.tr("Visit plan"))
        if ctx.user.is_admin:
            self.add_view("admin", admin, self.tr("Administration"))

    def open_client(self, client_id: int) -> None:
        """Show one client in the client tab (made on first use: it brings in the charts)."""
        if self.client_view is None:
            from rmdesk.views.client.view import ClientView

            self.client_view = ClientView(self.ctx, self)
            self.client_view.setObjectName("client")
            self.client_view.changed.connect(self.data_changed)
        view = self.client_view
        if self.tabs.indexOf(view) < 0:
            self.tabs.addTab(view, self.tr("Client"))
        view.show_client(client_id)
        self.tabs.setCurrentWidget(view)

    def refresh(self) -> None:
        """Reload the views: the one on screen now, each other one when it is next shown."""
        self._stale = set(self.views.values())
        self._tab_shown()

    def data_changed(self) -> None:
        """Something was written: every other view reloads when it is next shown."""
        sender = self.sender()
        self._stale = {
            tab for tab in self.views.values() if getattr(tab, "view", tab) is not sender
        }
        self._tab_shown()

    def _tab_shown(self, _index: int = -1) -> None:
        view = self.tabs.currentWidget()
        if view in self._stale:
            self._stale.discard(view)
            view.refresh()  # type: ignore[attr-defined]

    # --- menus and shortcuts -------------------------------------------------------------
    def _action(
        self, text: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu(self.tr("&File"))
        self.export_action = self._action(
            self.tr("Export the table to Excel…"), self.export_current, "Ctrl+Shift+E"
        )
        file.addAction(self.export_action)
        if self.ctx.user.is_rm:
            self.day_pack_action = self._action(
                self.tr("Print the next working day's visits…"),
                lambda: print_day_pack(self.ctx, self, self.ctx.user.id),
                "Ctrl+Shift+P",
            )
            file.addAction(self.day_pack_action)
        file.addSeparator()
        self.password_action = self._action(self.tr("Change password…"), self.change_password)
        # on a person's own database login the database holds the password (or the bank's
        # directory does): there is no rmdesk password to change, and logging out quits
        self.password_action.setVisible(not self.ctx.own_login)
        file.addAction(self.password_action)
        logout = self._action(self.tr("Log out"), self.logout_requested.emit, "Ctrl+Shift+L")
        logout.setVisible(not self.ctx.own_login)
        file.addAction(logout)
        file.addAction(self._action(self.tr("Quit"), self.close, "Ctrl+Q"))
        view = bar.addMenu(self.tr("&View"))
        view.addAction(self._action(self.tr("Refresh"), self.refresh, "F5"))
        view.addAction(self._action(self.tr("Find a client"), self.focus_search, "Ctrl+F"))
        view.addSeparator()
        for i in range(self.tabs.count()):
            view.addAction(
                self._action(
                    self.tabs.tabText(i), partial(self.tabs.setCurrentIndex, i), f"Ctrl+{i + 1}"
                )
            )
        language = bar.addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        for code, name in LANGUAGES:
            action = QAction(name, self, checkable=True)
            action.setChecked(code == self.ctx.language)
            action.triggered.connect(lambda _c=False, code=code: self.choose_language(code))
            group.addAction(action)
            language.addAction(action)
        if "language" in self.ctx.locked:  # IT's settings say which language this computer speaks
            language.setEnabled(False)
            language.setToolTip(self.tr("Set by your IT department"))
        tools = bar.addMenu(self.tr("&Tools"))
        self.score_action = self._action(self.tr("Score now"), self.score_now, "Ctrl+Shift+R")
        # scoring stages and writes scores, flags and suggestions for the bank: the database
        # owner's work (the nightly job); a person's own database login may not (security.md)
        self.score_action.setVisible(not self.ctx.own_login)
        tools.addAction(self.score_action)
        tools.menuAction().setVisible(self.score_action.isVisible())  # no empty menu
        help_ = bar.addMenu(self.tr("&Help"))
        help_.addAction(self._action(self.tr("Keyboard shortcuts"), self.show_shortcuts, "F1"))
        about = QAction(self.tr("About rmdesk"), self)
        about.setObjectName("about")
        about.triggered.connect(self.show_about)
        about.setEnabled(self.ctx.about is not None)
        help_.addAction(about)

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self.ctx, self)
        dialog.open()

    def score_now(self) -> None:
        """Re-run contribution, flags and suggestions for what this user sees, in the background."""
        from rmdesk.services.common.in_process import run_in_process

        user, url, today = self.ctx.user, self.ctx.db.url, self.ctx.today
        scope = scope_of(user)
        rm, branch = scope.rm_name, scope.branch_code
        self.score_action.setEnabled(False)

        def done(result: ScoreResult) -> None:
            self.score_action.setEnabled(True)
            message = labels.counted(
                result.clients,
                self.tr("Scored 1 client"),
                self.tr("Scored %1 clients"),
                self.ctx.formats.integer(result.clients),
            )
            if result.counts.get("incremental"):  # a run of only what changed (scale.md)
                message += self.tr("; %1 recomputed, the others unchanged").replace(
                    "%1", self.ctx.formats.integer(result.counts.get("recomputed", 0))
                )
            nobody = len(result.counts.get("not_suggested", {}))
            if nobody:  # said, not hidden (docs/cross-sell.md, "When nothing comes out")
                message += self.tr("; %1 products were suggested to nobody").replace(
                    "%1", self.ctx.formats.integer(nobody)
                )
            self.statusBar().showMessage(message, 10_000)
            self.refresh()

        def failed(exc: BaseException, trace: str) -> None:
            self.score_action.setEnabled(True)
            error_handler(self)(exc, trace)

        self.ctx.runner.run(
            self.tr("Scoring"),
            # in a process of its own: scikit-learn and pandas on a thread would freeze the window
            lambda p: run_in_process(
                "rmdesk.services.engine.scoring:score_database",  # imported by the child only
                url,
                rm=rm,
                branch=branch,
                today=today,
                progress=p,
                who=user,
            ),
            done,
            failed,
            write=True,
            window=self,
        )

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.book)
        self.book.search.setFocus()
        self.book.search.selectAll()

    def export_current(self) -> None:
        current = self.tabs.currentWidget()
        if current is None:
            return
        focused = self.focusWidget()
        tables = current.findChildren(DataTable)
        table = focused if isinstance(focused, DataTable) and focused in tables else None
        table = table or next((t for t in tables if t.isVisible()), None)
        if table is not None:
            table.export_dialog()

    def choose_language(self, code: str) -> None:
        if code != self.ctx.language:
            self.language_requested.emit(code)

    def show_shortcuts(self) -> None:
        lines = [
            (action.shortcut().toString(QKeySequence.SequenceFormat.NativeText), action.text())
            for action in self.actions()
            if not action.shortcut().isEmpty()
        ]
        text = "\n".join(f"{keys}\t{what}" for keys, what in lines)
        QMessageBox.information(self, self.tr("Keyboard shortcuts"), text)

    def show_about(self) -> None:
        from rmdesk.views.shell.about import AboutDialog

        if self.ctx.about is not None:
            AboutDialog(self.ctx.about(), self).open()

    # --- layout ----------------------------------------------------------------------------
    def restore_layout(self) -> None:
        store = self.layout_store
        if store is None or store.value("layout_version") != str(LAYOUT_VERSION):
            return
        geometry = store.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = store.value("state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        header = store.value(f"book_header/{self.ctx.user.role}")
        if isinstance(header, QByteArray):
            self.book.table.horizontalHeader().restoreState(header)
        tab = store.value("tab")
        if tab is not None and str(tab).isdigit() and int(str(tab)) < self.tabs.count():
            self.tabs.setCurrentIndex(int(str(tab)))

    def save_layout(self) -> None:
        store = self.layout_store
        if store is None:
            return
        store.setValue("layout_version", str(LAYOUT_VERSION))
        store.setValue("geometry", self.saveGeometry())
        store.setValue("state", self.saveState())
        header = self.book.table.horizontalHeader().saveState()
        store.setValue(f"book_header/{self.ctx.user.role}", header)
        store.setValue("tab", str(min(self.tabs.currentIndex(), len(self.views) - 1)))
        store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        super().closeEvent(event)
