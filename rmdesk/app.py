"""rmdesk, the desktop app: the composition root.

Start-up phases, in order:
1. read the command line (``--db``, ``--lang``) and the settings (the computer's file, IT's,
   and the user's); start the log file;
2. make the QApplication, pick the language (settings, else the system's), install its
   translation, and make sure Chinese can be drawn (the bundled CJK font if the system has none);
3. build the task runner and show the log-in dialog at once;
4. in the background: open the database (migrating it, the SQLite file backed up first); on the
   very first start of the local database, create it with the demo bank and score it, so the
   book opens ranked, with flags, suggestions and a visit plan (never where IT's settings name
   the bank's database);
5. on log-in, build the main window for the user's role (``ViewContext``: runner, formats,
   database, account, language) and load its views in the background.
Switching the language saves it and rebuilds the window; logging out returns to the dialog.
Nothing else builds services or reads settings; everything is passed in from here.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from rmdesk import __version__, resources, secrets, support
from rmdesk.opening import prepare_database, warm_up, warm_up_failed
from rmdesk.settings import (
    Settings,
    SettingsError,
    config_path,
    load,
    local_database_url,
    save,
    system_config_path,
)
from rmdesk.tasks import Runner, TaskRunner
from rmdesk.views.shell.login_dialog import LoginDialog

if TYPE_CHECKING:  # loaded behind the log-in dialog (warm_up), not before it
    from rmdesk.db import Database
    from rmdesk.services.common.access import Account
    from rmdesk.services.common.progress import Progress
    from rmdesk.views.shell.main_window import MainWindow

log = logging.getLogger("rmdesk")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="rmdesk", description="The RM's workstation.")
    parser.add_argument("--db", help="database URL or SQLite file (default: the local demo)")
    parser.add_argument("--lang", choices=["zh_CN", "en"], help="interface language")
    parser.add_argument("--version", action="version", version=f"rmdesk {__version__}")
    parser.add_argument(
        "--check-start",
        metavar="REPORT",
        help="start, open the database, show the log-in dialog, write what was seen to REPORT"
        " (JSON, and a picture of the dialog beside it) and quit: for IT after an install",
    )
    parser.add_argument(
        "--check-user",
        metavar="NAME",
        help="with --check-start: also log in as NAME (the password in RMDESK_CHECK_PASSWORD)"
        " and wait for the book",
    )
    parser.add_argument(
        "--check-typing",
        metavar="SECONDS",
        type=float,
        default=0.0,
        help="with --check-user: press Log in no sooner than this after the start",
    )
    return parser.parse_args(list(argv))


def choose_language(cli: str | None, settings: Settings) -> str:
    """--lang, else the settings, else the system's; a language IT locks is not changed."""
    chosen = settings.language if settings.is_locked("language") else cli or settings.language
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


class SettingsFile:
    """The settings file, for the screens that change settings (the database connection)."""

    def __init__(self, store: Callable[[Settings], None] = save) -> None:
        self._store = store

    def load(self) -> Settings:
        return load()

    def save(self, settings: Settings) -> None:
        self._store(settings)


class Shell:
    """What runs between log-in and quit: the dialog, the window, language and log-out."""

    def __init__(
        self,
        app: QApplication,
        runner: Runner,
        settings: Settings,
        language: str,
        *,
        store_settings: Callable[[Settings], None] = save,
        layout: QSettings | None = None,
    ) -> None:
        self.app, self.runner, self.settings = app, runner, settings
        self.store_settings = store_settings
        self.layout = layout
        self.language = language
        self.locale = install_language(app, language)
        self.db: Database | None = None
        self.account: Account | None = None
        self.dialog: LoginDialog | None = None
        self.window: MainWindow | None = None
        self.url = ""
        #: the session was started by the database's own authentication (no rmdesk password)
        self.own_login = False
        #: opens and prepares the database (replaced in tests)
        self.prepare: Callable[[str, Settings, Progress], Database] = prepare_database

    # --- log-in ------------------------------------------------------------------------
    def show_login(self) -> LoginDialog:
        dialog = LoginDialog(
            self.runner, self.language, language_locked=self.settings.is_locked("language")
        )
        dialog.logged_in.connect(self.start)
        dialog.language_chosen.connect(self.switch_language)
        dialog.rejected.connect(self._dialog_closed)
        if self.db is not None:
            dialog.set_database(self.db)
        if self.layout is not None:  # the last user's name, as most log-in screens do
            dialog.username.setText(str(self.layout.value("last_user", "")))
            if dialog.username.text():
                dialog.password.setFocus()
        self.dialog = dialog
        dialog.show()
        return dialog

    def _dialog_closed(self) -> None:
        if self.window is None:
            self.app.quit()

    def database_ready(self, db: Database) -> None:
        log.info("database ready: %s", db.display_url)
        self.db = db
        if self.dialog is not None:
            self.dialog.set_database(db)
        self.runner.run("warm-up", lambda _p: warm_up(db), lambda _r: None, warm_up_failed)
        if not db.is_sqlite:  # a person's own login: the server has said who this is
            from rmdesk.services.accounts.users import open_session, session_account

            def own(_progress: Progress) -> Account | None:
                found = session_account(db.engine)
                return None if found is None else open_session(db.engine, found)

            self.runner.run(
                QCoreApplication.translate("App", "Opening your session"),
                own,
                self.own_session,
                self.database_failed,
                window=self.dialog,
            )

    def own_session(self, account: Account | None) -> None:
        """On a person's own database login the app asks no second password: the session
        starts as the user PostgreSQL authenticated (docs/security.md)."""
        if account is None:
            return
        log.info("signed in by the database as %s", account.username)
        self.own_login = True
        self.start(account)
        if self.dialog is not None:
            self.dialog.close()

    def open_chosen_database(self, cli_url: str | None) -> None:
        """Open the database ``--db``, RMDESK_DATABASE_URL or the settings name (else the local
        file); a malformed URL is shown in the dialog, naming where it came from. Which one it
        is, and its kept password, are found off the GUI thread too (SQLAlchemy reads the
        address, the keyring may ask D-Bus): the dialog is up before either loads."""
        settings = self.settings

        def chosen() -> str:
            from rmdesk.db import resolve_url

            url = resolve_url(
                cli_url,
                settings.database_url,
                local_database_url,
                settings_file=settings.file_of("database_url") or config_path(),
                locked=settings.is_locked("database_url"),
            )
            return secrets.recall(url)  # the password, if one is kept, from the keyring

        self.open_database(chosen)

    def open_database(self, url: str | Callable[[], str], *, remember: bool = False) -> None:
        """Open (and prepare) the database off the GUI thread; the dialog hears how it went,
        and shows the progress of a long first start (the demo bank) under its form, where it
        does not stop anyone typing their name and password meanwhile.

        ``remember``: the password in ``url`` was typed just now and goes to the system
        keyring once it has worked (never to the settings file).
        """

        def work(progress: Progress) -> Database:
            self.url = url() if callable(url) else url
            return self.prepare(self.url, self.settings, progress)

        def ready(db: Database) -> None:
            if remember:
                try:
                    secrets.remember(self.url)
                except secrets.NoKeyring as exc:  # asked again at the next start
                    log.info("no keyring to keep the database password in: %s", exc)
            self.database_ready(db)

        task = self.runner.run(
            QCoreApplication.translate("App", "Opening the database"),
            work,
            ready,
            self.database_failed,
            write=True,
        )
        signals = getattr(task, "signals", None)  # a TaskRunner's task (tests run at once)
        if signals is not None and self.dialog is not None:
            signals.progress.connect(self.dialog.opening_progress)

    def database_failed(self, exc: BaseException, _trace: str) -> None:
        from rmdesk.db import BadUrl
        from rmdesk.services.admin.connection import login_refused  # alembic: not at start-up

        log.error("cannot open the database: %s", exc)
        if login_refused(exc) and self.ask_password():
            return
        message = str(exc)
        if isinstance(exc, BadUrl) and exc.code == "locked":
            message = QCoreApplication.translate(
                "App",
                "The database is set by your IT department (%1) and cannot be changed here:"
                " start rmdesk without --db and without RMDESK_DATABASE_URL.",
            ).replace("%1", str(self.settings.system_file))
        if self.dialog is not None:
            self.dialog.database_failed(message, alert=isinstance(exc, BadUrl))

    def ask_password(self) -> bool:
        """The server wants a password rmdesk does not have (or has a wrong one): ask for it,
        and try again with it. False if the user declines."""
        from rmdesk.db import redact

        secrets.forget(self.url)  # a kept password that failed is not kept
        bare, _old = secrets.without_password(self.url)
        shown = secrets.login_name(bare) or redact(bare)
        password, given = QInputDialog.getText(
            self.dialog,
            QCoreApplication.translate("App", "Database password"),
            QCoreApplication.translate("App", "The password for %1:").replace("%1", shown),
            QLineEdit.EchoMode.Password,
        )
        if not given or not password:
            return False
        self.open_database(secrets.with_password(bare, password), remember=True)
        return True

    # --- the session -------------------------------------------------------------------
    def start(self, account: Account) -> MainWindow:
        from rmdesk.views.shell.main_window import MainWindow
        from rmdesk.views.widgets.context import ViewContext
        from rmdesk.views.widgets.formatting import Formats

        assert self.db is not None
        log.info("logged in: %s (%s)", account.username, account.role)
        self.account = account
        if self.layout is not None:
            self.layout.setValue("last_user", account.username)
        ctx = ViewContext(
            self.runner,
            Formats(self.locale),
            self.db,
            account,
            language=self.language,
            own_login=self.own_login,
            always_mask_phones=self.settings.mask_phones_on_paper,
            locked=self.settings.locked,
            about=self.about,
        )
        window = MainWindow(ctx, self.layout, SettingsFile(self.store_settings))
        window.language_requested.connect(self.switch_language)
        window.logout_requested.connect(self.log_out)
        old, self.window = self.window, window
        window.refresh()  # the book's query starts on its worker before the window paints
        window.show()
        if old is not None:
            old.close()
            old.deleteLater()
        return window

    def about(self) -> list[tuple[str, str]]:
        """What Help › About shows and "copy diagnostic information" copies (support.py)."""
        from PySide6 import __version__ as pyside

        from rmdesk.db import SCHEMA_HEAD, current_revision

        db, account = self.db, self.account
        schema = ""
        if db is not None:
            try:
                schema = current_revision(db.engine) or ""
            except Exception as exc:
                log.warning("About: cannot read the schema version: %s", support.where(exc))
        return support.facts(
            database_kind=(
                "" if db is None else "SQLite file" if db.is_sqlite else "PostgreSQL server"
            ),
            database_address="" if db is None else db.display_url,
            schema=schema,
            schema_head=SCHEMA_HEAD,
            settings_files=[
                ("settings (IT)", self.settings.system_file or system_config_path()),
                ("settings (user)", self.settings.user_file or config_path()),
            ],
            locked=self.settings.locked,
            language=self.language,
            user="" if account is None else account.username,
            extra=[("Qt", f"PySide6 {pyside}")],
        )

    def switch_language(self, language: str) -> None:
        """Save the choice, install its translation, and rebuild what is on screen in it."""
        self.settings.language = language
        self.store_settings(self.settings)
        for translator in self.app.findChildren(QTranslator):
            self.app.removeTranslator(translator)
            translator.deleteLater()
        self.language = language
        self.locale = install_language(self.app, language)
        if self.window is not None and self.account is not None:
            self.start(self.account)
        elif self.dialog is not None:
            old = self.dialog
            old.rejected.disconnect(self._dialog_closed)
            name = old.username.text()
            geometry = old.geometry()
            self.show_login()
            assert self.dialog is not None
            self.dialog.username.setText(name)
            self.dialog.setGeometry(geometry)
            old.close()
            old.deleteLater()

    def log_out(self) -> None:
        window, self.window, self.account = self.window, None, None
        if self.own_login:  # the database login is the person: logging out ends the app
            if window is not None:
                window.close()
            self.app.quit()
            return
        self.show_login()
        if window is not None:
            window.close()
            window.deleteLater()


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # background work runs in spawned processes (frozen builds)
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logged = support.start_logging("rmdesk")
    log.info(
        "rmdesk %s starting (%s, Python %s, log %s)",
        __version__,
        "frozen" if getattr(sys, "frozen", False) else "from source",
        sys.version.split()[0],
        logged,
    )
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("rmdesk")
    app.setOrganizationName("rmdesk")
    app.setWindowIcon(QIcon(str(resources.path(resources.ICON))))
    try:
        settings = load()
    except SettingsError as exc:
        log.error("cannot read the settings: %s", exc)
        QMessageBox.critical(None, "rmdesk", str(exc))
        return 1
    ensure_cjk_font(app)
    app.setQuitOnLastWindowClosed(True)
    runner = TaskRunner(app)
    layout = QSettings(str(config_path().with_name("layout.ini")), QSettings.Format.IniFormat)
    shell = Shell(app, runner, settings, choose_language(args.lang, settings), layout=layout)
    shell.show_login()
    if args.check_start:  # watching before the database opens: a bad address alerts at once
        from rmdesk.start_check import StartCheck

        check = StartCheck(  # noqa: F841 - kept while it runs
            app,
            shell,
            Path(args.check_start),
            user=args.check_user,
            password=os.environ.get("RMDESK_CHECK_PASSWORD", ""),
            typing_s=args.check_typing,
        )
    shell.open_chosen_database(args.db)
    code = app.exec()
    runner.wait()
    if shell.db is not None:
        shell.db.dispose()
    return int(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
