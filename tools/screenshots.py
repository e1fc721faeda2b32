"""Screenshots of the main screens in both languages at the common sizes, for docs/screenshots.

Run under a virtual X display, on the demo bank with a fixed date:
    xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python tools/screenshots.py
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication

from rmdesk.app import ensure_cjk_font, install_language
from rmdesk.db import open_database
from rmdesk.services.demo_bank import DemoSpec, build
from rmdesk.tasks import ImmediateRunner
from rmdesk.views.formatting import Formats
from rmdesk.views.main_window import MainWindow

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZES = [(1366, 768), (1920, 1080)]


def main() -> None:
    app = QApplication(sys.argv[:1])
    ensure_cjk_font(app)
    folder = Path(tempfile.mkdtemp())
    db = open_database(str(folder / "demo.sqlite3"))
    build(db.engine, DemoSpec(clients=10_000, as_of=dt.date(2026, 10, 31)))
    OUT.mkdir(parents=True, exist_ok=True)
    for language in ("zh_CN", "en"):
        for t in app.findChildren(QTranslator):
            QCoreApplication.removeTranslator(t)
        locale = install_language(app, language)
        for width, height in SIZES:
            window = MainWindow(ImmediateRunner(), Formats(locale))
            window.resize(width, height)
            window.show()
            window.attach(db)
            for _ in range(5):
                app.processEvents()
            path = OUT / f"book-{language}-{width}x{height}.png"
            window.grab().save(str(path))
            print(path)
            window.close()
    db.dispose()


if __name__ == "__main__":
    main()
