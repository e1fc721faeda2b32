"""``rmdesk --check-start REPORT``: does rmdesk start on this computer? For IT after an install.

The app starts as it always does (settings, language, fonts, the database opened and migrated in
the background, the log-in dialog), and when the database is ready or has failed, or after
``TIMEOUT_S``, it writes what it saw to REPORT (JSON) and a picture of the log-in dialog beside
it (REPORT with ``.png``), then quits: exit 0 if the dialog showed, the database opened and
Chinese can be drawn, else 1. The packaging test runs it on the frozen build.

With ``--check-user NAME`` (the password in ``RMDESK_CHECK_PASSWORD``, never on the command
line) it also logs in as NAME, as a person would after typing for ``--check-typing`` seconds,
and waits for the book: IT's proof that a desktop reaches the bank's data, and what
bench/app.py times (the ``marks``).
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel

from rmdesk import __version__

if TYPE_CHECKING:  # SQLAlchemy loads behind the dialog, as in every start
    from rmdesk.db import Database
    from rmdesk.views.shell.login_dialog import LoginDialog

log = logging.getLogger(__name__)
TIMEOUT_S = 300.0
POLL_MS = 5


def chinese_drawable(app: QApplication) -> dict[str, Any]:
    """The application's font and the fonts Qt knows that draw Simplified Chinese (the bundled
    one among them where the system has none, app.ensure_cjk_font)."""
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    return {
        "app_font": app.font().family(),
        "chinese_families": len(families),
        "drawable": bool(families),
    }


class Shell(Protocol):
    """What the check reads of the app's shell (rmdesk.app.Shell)."""

    dialog: LoginDialog | None
    db: Database | None
    language: str
    window: Any


class StartCheck:
    """Watches the shell until the database is ready or failed (and, with ``user``, until that
    user is logged in and their book is on screen), then reports and quits.

    ``marks`` are wall-clock times (``time.time()``), so that a caller who started the process
    can tell how long each step took from its own clock: the dialog painted, the database
    ready, Log in pressed, the first screen on screen (Today for an RM), the book opened and
    on screen.
    """

    def __init__(
        self,
        app: QApplication,
        shell: Shell,
        report: Path,
        *,
        user: str | None = None,
        password: str = "",
        typing_s: float = 0.0,
    ) -> None:
        self.app, self.shell, self.report = app, shell, report
        self.user, self.password, self.typing_s = user, password, typing_s
        self.started = time.monotonic()
        self.marks: dict[str, float] = {}
        self.watching = False
        self.refused = False
        #: the exit code, once the report is written
        self.code: int | None = None
        self.timer = QTimer(app)
        self.timer.timeout.connect(self._poll)
        self.timer.start(POLL_MS)
        QTimer.singleShot(0, lambda: self._mark("dialog_painted"))

    def _mark(self, name: str) -> None:
        self.marks.setdefault(name, time.time())

    def _poll(self) -> None:
        if self.code is not None:
            # said at each tick until it takes: an alert may have run its own event loop
            # before the app's began, where an exit would be lost
            while (modal := QApplication.activeModalWidget()) is not None:
                modal.close()
            self.app.exit(self.code)
            return
        dialog = self.shell.dialog
        failed = dialog is not None and dialog.database_error is not None
        waited = time.monotonic() - self.started
        if self.shell.db is not None:
            self._mark("database_ready")
        if self.shell.db is None and not failed and waited < TIMEOUT_S:
            return
        logging_in = (
            self.user
            and self.shell.db is not None
            and "book_painted" not in self.marks
            and not self.refused
        )
        if logging_in and waited < TIMEOUT_S:
            self._log_in(waited)
            return
        self.code = self.write(failed, waited)
        self._poll()

    def _log_in(self, waited: float) -> None:
        """Type the name and password and press Log in, as a person does, once they would
        have finished typing; then wait for the book."""
        dialog = self.shell.dialog
        if "login_pressed" not in self.marks:
            if dialog is None or waited < self.typing_s or not dialog.login_button.isEnabled():
                return
            dialog.username.setText(self.user or "")
            dialog.password.setText(self.password)
            self.picture = dialog.grab()
            self._mark("login_pressed")
            dialog.login_button.click()
            return
        window = self.shell.window
        if window is None:
            # refused (a wrong password, a closed account): the button is back, nobody is in
            self.refused = dialog is not None and dialog.login_button.isEnabled()
            return
        if not self.watching:  # the first screen (Today for an RM or a head, else the book)
            first = window.tabs.currentWidget()
            first = getattr(first, "view", None) or first
            if not hasattr(first, "loaded"):  # a lazy tab not built yet
                return
            self.watching = True
            first.loaded.connect(lambda *_: QTimer.singleShot(0, self._first_screen))
            if getattr(first, "data", None) is not None:  # shown already, as it was built
                QTimer.singleShot(0, self._first_screen)

    def _first_screen(self) -> None:
        """The first screen is painted; then the book, as a person opens it next."""
        if "first_screen_painted" in self.marks:
            return
        self._mark("first_screen_painted")
        window = self.shell.window
        book = window.book
        book.first_page.connect(lambda _n: QTimer.singleShot(0, lambda: self._mark("book_first")))
        book.loaded.connect(lambda _n: QTimer.singleShot(0, lambda: self._mark("book_painted")))
        self._mark("book_opened")
        if window.tabs.currentWidget() is book:  # already loaded with the first screen
            self._mark("book_first")
            self._mark("book_painted")
        else:
            window.tabs.setCurrentWidget(book)

    def write(self, failed: bool, waited: float) -> int:
        dialog = self.shell.dialog
        picture = self.report.with_suffix(".png")
        shown = dialog is not None and (dialog.isVisible() or "login_pressed" in self.marks)
        grabbed = getattr(self, "picture", None) or (dialog.grab() if dialog else None)
        if grabbed is not None:
            grabbed.save(str(picture))
        fonts = chinese_drawable(self.app)
        db = self.shell.db
        found: dict[str, Any] = {
            "version": __version__,
            "language": self.shell.language,
            "dialog_shown": shown,
            "title": dialog.windowTitle() if dialog is not None else "",
            "texts": [] if dialog is None else [w.text() for w in dialog.findChildren(QLabel)],
            "database": None if db is None else db.display_url,
            "database_error": None if dialog is None else dialog.database_error,
            "seconds": round(waited, 2),
            "fonts": fonts,
            "picture": str(picture),
            "marks": self.marks,
        }
        ok = shown and db is not None and fonts["drawable"]
        if self.user:
            window = self.shell.window
            found["user"] = self.user
            found["logged_in"] = window is not None
            found["book_rows"] = window.book.model.rowCount() if window is not None else 0
            ok = ok and window is not None and "book_painted" in self.marks
        found["ok"] = ok
        self.report.write_text(json.dumps(found, ensure_ascii=False, indent=2), encoding="utf-8")
        log.info("start check written to %s: %s", self.report, "ok" if ok else "failed")
        return 0 if ok else 1
