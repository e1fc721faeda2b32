"""``rmdesk --check-start REPORT``: does rmdesk start on this computer? For IT after an install.

The app starts as it always does (settings, language, fonts, the database opened and migrated in
the background, the log-in dialog), and when the database is ready or has failed, or after
``TIMEOUT_S``, it writes what it saw to REPORT (JSON) and a picture of the log-in dialog beside
it (REPORT with ``.png``), then quits: exit 0 if the dialog showed, the database opened and
Chinese can be drawn, else 1. The packaging test runs it on the frozen build.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase, QRawFont
from PySide6.QtWidgets import QApplication, QLabel

from rmdesk import __version__
from rmdesk.db import Database
from rmdesk.views.shell.login_dialog import LoginDialog

log = logging.getLogger(__name__)
TIMEOUT_S = 300.0
POLL_MS = 100
#: the characters the check asks a font for: the product's name as the log-in dialog says it
CHINESE = "客户经理工作台"


def chinese_drawable(app: QApplication) -> dict[str, Any]:
    """Whether the application's font, or one Qt falls back to, has glyphs for Chinese."""
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    raw = QRawFont.fromFont(app.font(), QFontDatabase.WritingSystem.SimplifiedChinese)
    in_font = raw.isValid() and all(raw.supportsCharacter(ch) for ch in CHINESE)
    return {
        "app_font": app.font().family(),
        "app_font_has_chinese": in_font,
        "chinese_families": len(families),
        "drawable": in_font or bool(families),
    }


class Shell(Protocol):
    """What the check reads of the app's shell (rmdesk.app.Shell)."""

    dialog: LoginDialog | None
    db: Database | None
    language: str


class StartCheck:
    """Watches the shell until the database is ready or failed, then reports and quits."""

    def __init__(self, app: QApplication, shell: Shell, report: Path) -> None:
        self.app, self.shell, self.report = app, shell, report
        self.started = time.monotonic()
        #: the exit code, once the report is written
        self.code: int | None = None
        self.timer = QTimer(app)
        self.timer.timeout.connect(self._poll)
        self.timer.start(POLL_MS)

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
        if self.shell.db is None and not failed and waited < TIMEOUT_S:
            return
        self.code = self.write(failed, waited)
        self._poll()

    def write(self, failed: bool, waited: float) -> int:
        dialog = self.shell.dialog
        picture = self.report.with_suffix(".png")
        shown = dialog is not None and dialog.isVisible()
        if dialog is not None:
            dialog.grab().save(str(picture))
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
        }
        ok = shown and db is not None and fonts["drawable"]
        found["ok"] = ok
        self.report.write_text(json.dumps(found, ensure_ascii=False, indent=2), encoding="utf-8")
        log.info("start check written to %s: %s", self.report, "ok" if ok else "failed")
        return 0 if ok else 1
