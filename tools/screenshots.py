"""Screenshots of the main screens in both languages at the common sizes, for docs/screenshots.

Run under a virtual X display, on a scored demo bank with a fixed date:
    xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python tools/screenshots.py [SCREEN...]
Screens: login, today, today-head, book, client, planner, branch, admin, day-pack-preview,
admin-audit, admin-models, admin-parameters, score-now
(default: all).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from rmdesk.app import SettingsFile, Shell, ensure_cjk_font, install_language
from rmdesk.db import Database, open_database
from rmdesk.services.accounts.users import account, user_id
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data import demo_history
from rmdesk.services.data.demo_bank import DemoSpec, build
from rmdesk.services.engine.scoring import score
from rmdesk.services.visits.planner import plan_everyone
from rmdesk.settings import Settings
from rmdesk.tasks import ImmediateRunner
from rmdesk.views.shell.login_dialog import LoginDialog
from rmdesk.views.shell.main_window import MainWindow
from rmdesk.views.widgets.context import ViewContext
from rmdesk.views.widgets.formatting import Formats
from rmdesk.views.widgets.pdf_preview import PdfPreview

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZES = [(1366, 768), (1920, 1080)]
AS_OF, TODAY = dt.date(2026, 10, 31), dt.date(2026, 11, 2)


def _settle(app: QApplication) -> None:
    for _ in range(10):
        app.processEvents()


def _window(db: Database, username: str, language: str, locale: object) -> MainWindow:
    ctx = ViewContext(
        ImmediateRunner(),
        Formats(locale),  # type: ignore[arg-type]
        db,
        account(db.engine, user_id(db.engine, username, who=OPERATOR)),
        language=language,
        today=TODAY,
    )
    window = MainWindow(ctx, None, SettingsFile(lambda _s: None))
    window.refresh()
    return window


def _book(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.book)


def _client(window: MainWindow) -> None:
    """The highest-ranked client with an open flag and a suggestion: every panel has something
    to show."""
    window.tabs.setCurrentWidget(window.book)  # loaded when shown (Today comes first)
    model = window.book.model
    row = next(
        r
        for r in range(model.rowCount())
        if model.row_at(r)["open_flags"] > 0 and isinstance(model.row_at(r)["top_suggestion"], str)
    )
    window.open_client(int(model.row_at(row)["client_id"]))


def _client_tab(index: int) -> Callable[[MainWindow], None]:
    def show(window: MainWindow) -> None:
        _client(window)
        assert window.client_view is not None
        window.client_view.tabs.setCurrentIndex(index)

    return show


def _tab(key: str) -> Callable[[MainWindow], None]:
    def show(window: MainWindow) -> None:
        window.tabs.setCurrentWidget(window.views[key])

    return show


def _day_pack(window: MainWindow) -> QWidget:
    """File › Print the next working day's visits: the print preview it opens."""
    window.day_pack_action.trigger()
    (preview,) = window.findChildren(PdfPreview)
    preview.resize(980, window.height() - 40)
    return preview


def _admin_audit(window: MainWindow) -> None:
    """Administration › Audit trail, after a chain check."""
    window.tabs.setCurrentWidget(window.views["admin"])
    admin = window.views["admin"].ensure()  # type: ignore[attr-defined]
    admin.setCurrentWidget(admin.audit)
    admin.audit.refresh()
    admin.audit.verify()


def _admin_models(window: MainWindow) -> None:
    """Administration › Suggestion models: the latest run's backtests."""
    window.tabs.setCurrentWidget(window.views["admin"])
    admin = window.views["admin"].ensure()  # type: ignore[attr-defined]
    admin.setCurrentWidget(admin.models)
    admin.models.refresh()


def _admin_parameters(window: MainWindow) -> None:
    """Administration › Engine parameters, scrolled to the scoring run's own (parts, sample)."""
    window.tabs.setCurrentWidget(window.views["admin"])
    admin = window.views["admin"].ensure()  # type: ignore[attr-defined]
    admin.setCurrentWidget(admin.parameters)
    admin.parameters.refresh()
    table, model = admin.parameters.table, admin.parameters.model
    row = model.names.index("partition_clients")
    table.scrollTo(model.index(row, 0))
    table.selectRow(row)


def _score_now(window: MainWindow) -> None:
    """An administrator's Score now after a day's contacts and outcomes: the bank's run of only
    what changed, its status-bar message."""
    window.tabs.setCurrentWidget(window.views["admin"])
    window.score_now()


SCREENS: dict[str, tuple[str, Callable[[MainWindow], QWidget | None]]] = {
    "today": ("rm01", _tab("today")),
    "today-head": ("head1", _tab("today")),
    "book": ("rm01", _book),
    "client": ("rm01", _client),
    "client-contribution": ("rm01", _client_tab(2)),
    "client-potential": ("rm01", _client_tab(4)),
    "client-marketing": ("rm01", _client_tab(6)),
    "planner": ("rm01", _tab("planner")),
    "branch": ("head1", _tab("branch")),
    "admin": ("admin", _tab("admin")),
    "day-pack-preview": ("rm01", _day_pack),
    "admin-audit": ("admin", _admin_audit),
    "admin-models": ("admin", _admin_models),
    "admin-parameters": ("admin", _admin_parameters),
    "score-now": ("admin", _score_now),
}


def _save(widget: QWidget, name: str) -> None:
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def main(wanted: list[str]) -> None:
    os.environ["RMDESK_HOME"] = tempfile.mkdtemp()  # never the user's own settings
    app = QApplication(sys.argv[:1])
    ensure_cjk_font(app)
    folder = Path(tempfile.mkdtemp())
    db = open_database(str(folder / "demo.sqlite3"))
    build(db.engine, DemoSpec(clients=10_000, as_of=AS_OF), who=OPERATOR)
    score(db.engine, as_of=AS_OF, today=TODAY, who=OPERATOR)
    demo_history.fill(db.engine, who=OPERATOR)
    plan_everyone(db.engine, start=TODAY, who=OPERATOR)
    OUT.mkdir(parents=True, exist_ok=True)
    for language in ("zh_CN", "en"):
        for t in app.findChildren(QTranslator):
            QCoreApplication.removeTranslator(t)
        locale = install_language(app, language)
        if "login" in wanted:
            dialog = LoginDialog(ImmediateRunner(), language)
            dialog.set_database(db)
            dialog.username.setText("rm01")
            dialog.show()
            _settle(app)
            _save(dialog, f"login-{language}")
            dialog.close()
        if "db-password" in wanted:  # the question at start when the server wants a password
            shell = Shell(app, ImmediateRunner(), Settings(), language, store_settings=print)
            shell.url = "postgresql+psycopg://rm01@db.bank:5432/rmdesk"

            def grab(name: str = f"db-password-{language}") -> None:
                asked = app.activeModalWidget()
                assert asked is not None
                _settle(app)
                _save(asked, name)
                asked.close()

            QTimer.singleShot(500, grab)
            shell.ask_password()
        if "about" in wanted:  # Help › About, with what a support ticket is given
            window = _window(db, "rm01", language, locale)
            shell = Shell(app, ImmediateRunner(), Settings(), language, store_settings=print)
            shell.db, shell.account = db, window.ctx.user
            window.ctx.about = shell.about
            window.show_about()
            about = app.activeModalWidget() or window.findChild(QWidget, "AboutDialog")
            assert about is not None
            _settle(app)
            _save(about, f"about-{language}")
            about.close()
            window.close()
        for screen, (username, show) in SCREENS.items():
            if screen not in wanted:
                continue
            for width, height in SIZES:
                window = _window(db, username, language, locale)
                window.resize(width, height)
                window.show()
                shown = show(window) or window
                _settle(app)
                _save(shown, f"{screen}-{language}-{width}x{height}")
                if shown is not window:
                    shown.close()
                window.close()
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1:] or ["login", "db-password", *SCREENS])
