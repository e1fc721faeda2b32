"""rmdesk, the desktop app: the composition root.

Start-up phases, in order:
1. read the command line (``--db``, ``--lang``) and the settings file;
2. make the QApplication, pick the language (settings, else the system's), install its
   translation, and make sure Chinese can be drawn (the bundled CJK font if the system has none);
3. build the task runner and the main window, and show the window at once;
4. in the background: open the database (migrating it, the SQLite file backed up first); on the
   very first start of the local database, create it with the demo bank;
5. hand the database to the window, which loads the client list in the background.
Nothing else builds services or reads settings; everything is passed in from here.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from rmdesk import resources
from rmdesk.db import Database, is_sqlite, open_database, resolve_url
from rmdesk.services.progress import Progress
from rmdesk.settings import Settings, SettingsError, load, local_database_path, local_database_url
from rmdesk.tasks import TaskRunner
from rmdesk.views.formatting import Formats
from rmdesk.views.main_window import MainWindow

log = logging.getLogger("rmdesk")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="rmdesk", description="The RM's workstation.")
    parser.add_argument("--db", help="database URL or SQLite file (default: the local demo)")
    parser.add_argument("--lang", choices=["zh_CN", "en"], help="interface language")
    return parser.parse_args(list(argv))


def choose_language(cli: str | None, settings: Settings) -> str:
    chosen = cli or settings.language
    if chosen:
        return chosen
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def install_language(app: QApplication, language: str) -> QLocale:
    """Load rmdesk's and Qt's own translations for ``language``; returns its locale."""
    locale = (
        QLocale(QLocale.Language.Chinese, QLocale.Country.China)
        if language == "zh_CN"
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    )
    QLocale.setDefault(locale)
    if language != "en":
        for name, folder in (
            ("rmdesk", str(resources.translations_dir())),
            ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        ):
            translator = QTranslator(app)
            if translator.load(f"{name}_{language}", folder):
                app.installTranslator(translator)
            elif name == "rmdesk":
                log.warning(
                    "no compiled %s translation in %s (run `make translations`)", language, folder
                )
    return locale


def ensure_cjk_font(app: QApplication) -> None:
    """Use the bundled WenQuanYi Micro Hei when the system has no Simplified Chinese font."""
    if QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        return
    font_id = QFontDatabase.addApplicationFont(str(resources.path(resources.CJK_FONT)))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if families:
        font = QFont(families[0])
        font.setPointSize(app.font().pointSize())
        app.setFont(font)


def prepare_database(url: str, settings: Settings, progress: Progress) -> Database:
    """Open (and migrate) the database; a new local file gets the demo bank."""
    from rmdesk.services.demo_bank import DemoSpec, build

    first_start = (
        is_sqlite(url) and url == local_database_url() and not local_database_path().exists()
    )
    progress.report(0, 1, "opening the database")
    db = open_database(url)
    if first_start:
        try:
            build(
                db.engine, DemoSpec(clients=settings.demo_clients), actor="app", progress=progress
            )
        except BaseException:
            db.dispose()
            local_database_path().unlink(missing_ok=True)  # a half-made demo is not kept
            raise
    return db


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("rmdesk")
    app.setOrganizationName("rmdesk")
    try:
        settings = load()
    except SettingsError as exc:
        QMessageBox.critical(None, "rmdesk", str(exc))
        return 1
    locale = install_language(app, choose_language(args.lang, settings))
    ensure_cjk_font(app)
    runner = TaskRunner(app)
    window = MainWindow(runner, Formats(locale))
    window.show()
    url = resolve_url(args.db, settings.database_url or None, local_database_url)
    opened: list[Database] = []

    def attach(db: Database) -> None:
        opened.append(db)
        window.attach(db)

    runner.run(
        QCoreApplication.translate("App", "Opening the database"),
        lambda progress: prepare_database(url, settings, progress),
        attach,
        window.show_error,
        write=True,
        window=window,
    )
    code = app.exec()
    runner.wait()
    for db in opened:
        db.dispose()
    return int(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
