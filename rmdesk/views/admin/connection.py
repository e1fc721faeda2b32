"""The administrator's database connection: test a server or file, save it for the next start.

Shows the current database; "Test connection" reaches a URL off the GUI thread (nothing is
migrated or created) and "Save" keeps it for the next start, through an injected
``SettingsStore``.
"""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rmdesk import secrets
from rmdesk.services.admin import connection
from rmdesk.services.admin.connection import ConnectionReport, UrlError, check_connection, parse_url
from rmdesk.services.common.progress import Progress
from rmdesk.settings import Settings
from rmdesk.views.admin.imports import set_message
from rmdesk.views.widgets.context import ViewContext

log = logging.getLogger(__name__)


class SettingsStore(Protocol):
    """Where the database setting is kept: the composition root passes rmdesk.settings' file."""

    def load(self) -> Settings: ...

    def save(self, settings: Settings) -> None: ...


def _connection_text(source: object) -> str:
    """A source text marked with QT_TRANSLATE_NOOP("AdminConnectionPanel", ...), translated."""
    return QCoreApplication.translate("AdminConnectionPanel", str(source))


class AdminConnectionPanel(QWidget):
    """The database this rmdesk uses, a URL to try, and saving it for the next start."""

    def __init__(
        self, ctx: ViewContext, store: SettingsStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.store = store
        self._busy = False
        #: the last "Test connection" result, and the text it was for
        self.last_report: ConnectionReport | None = None
        self._tested_text = ""
        #: IT's settings lock the database: nothing here may change it
        self._locked = False
        self._build_fields()
        self._lay_out()
        self._connect_signals()
        self.refresh()

    def _build_fields(self) -> None:
        """What is in use, the address to try, its buttons and the result line."""
        self.current = QLabel(self)
        self.current.setObjectName("current")
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved = QLabel(self)
        self.saved.setObjectName("saved")
        self.saved.setWordWrap(True)
        self.environment = QLabel(self)
        self.environment.setObjectName("environment")
        self.environment.setWordWrap(True)
        self.url = QLineEdit(self)
        self.url.setObjectName("url")
        self.url.setPlaceholderText(
            self.tr("postgresql://user@server:5432/rmdesk, or the path of a SQLite file")
        )
        self.url.setClearButtonEnabled(True)
        self.file_button = QPushButton(self.tr("SQLite file…"), self)
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_button.setObjectName("test")
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("save")
        self.local_button = QPushButton(self.tr("Use the local database"), self)
        self.local_button.setObjectName("local")
        self.result = QLabel(self)
        self.result.setObjectName("result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

    def _lay_out(self) -> None:
        """The database in use above, another one to try below with a note on what saving does."""
        now = QGroupBox(self.tr("In use"), self)
        now_form = QFormLayout(now)
        now_form.addRow(self.tr("Current database:"), self.current)
        now_form.addRow(self.tr("Saved for the next start:"), self.saved)
        now_form.addRow(self.environment)

        other = QGroupBox(self.tr("Another database"), self)
        other_layout = QVBoxLayout(other)
        where = QHBoxLayout()
        where.addWidget(QLabel(self.tr("Database:"), self))
        where.addWidget(self.url, 1)
        where.addWidget(self.file_button)
        other_layout.addLayout(where)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.local_button)
        other_layout.addLayout(buttons)
        other_layout.addWidget(self.result)
        note = QLabel(
            self.tr(
                "Testing only connects and reads the schema version; it changes nothing. "
                "A saved database is used from the next start of rmdesk, which creates or "
                "upgrades its tables then (a SQLite file is backed up first). A password in "
                "the address is kept in the system keyring, never in the settings file."
            ),
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        other_layout.addWidget(note)

        layout = QVBoxLayout(self)
        layout.addWidget(now)
        layout.addWidget(other)
        layout.addStretch(1)

    def _connect_signals(self) -> None:
        self.url.textChanged.connect(self._update_buttons)
        self.url.returnPressed.connect(self.test_connection)
        self.file_button.clicked.connect(self._choose_file)
        self.test_button.clicked.connect(self.test_connection)
        self.save_button.clicked.connect(self.save)
        self.local_button.clicked.connect(self.use_local)

    def refresh(self) -> None:
        db = self.ctx.db
        kind = self.tr("SQLite file") if db.is_sqlite else self.tr("PostgreSQL server")
        self.current.setText(f"{db.display_url}  ({kind})")
        self._show_saved()
        override = connection.overridden_by_environment()
        self.environment.setVisible(override is not None)
        if override is not None:
            self.environment.setText(
                self.tr(
                    "RMDESK_DATABASE_URL is set on this computer (%1): it wins over the saved "
                    "database."
                ).replace("%1", override)
            )
        self._update_buttons()

    def _show_saved(self) -> None:
        try:
            settings = self.store.load()
        except Exception as exc:  # a damaged settings file is shown, not raised
            self.saved.setText(self.tr("cannot read the settings: %1").replace("%1", str(exc)))
            return
        url = settings.database_url
        shown = connection.safe_display(url) if url else self.tr("the local database (default)")
        self._locked = settings.is_locked("database_url")
        if self._locked:  # IT's file names the database: it is shown, and cannot be changed here
            shown += "\n" + self.tr(
                "Set by your IT department in %1: it cannot be changed here."
            ).replace("%1", str(settings.system_file))
        self.saved.setText(shown)
        # where IT names the bank's database there is no local demo to go back to
        self.local_button.setVisible(not settings.bank_database)

    def _update_buttons(self) -> None:
        has_text = bool(self.url.text().strip())
        self.test_button.setEnabled(has_text and not self._busy)  # testing changes nothing
        self.save_button.setEnabled(has_text and not self._busy and not self._locked)
        self.local_button.setEnabled(not self._locked)

    def _choose_file(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Choose or name a SQLite file"),
            "",
            self.tr("SQLite database (*.sqlite3 *.sqlite *.db);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if chosen:
            self.url.setText(chosen)

    # --- test ------------------------------------------------------------------------------
    def test_connection(self) -> None:
        """Try the database in the field off the GUI thread; the result is shown in words."""
        text = self.url.text()
        if self._busy or not text.strip():
            return
        self._busy = True
        self._update_buttons()
        set_message(self.result, self.tr("Connecting…"))

        def work(_progress: Progress) -> ConnectionReport:
            return check_connection(text)

        self.ctx.runner.run(
            self.tr("Testing the connection"),
            work,
            lambda report: self._tested(text, report),
            self._test_failed,
            window=self,
            cancellable=False,
        )

    def _tested(self, text: str, report: ConnectionReport) -> None:
        self._busy = False
        self.last_report, self._tested_text = report, text
        set_message(self.result, self.describe(report), "ok" if _usable(report) else "error")
        self._update_buttons()

    def _test_failed(self, exc: BaseException, trace: str) -> None:
        self._busy = False
        log.error("connection test failed: %s\n%s", exc, trace)
        set_message(
            self.result,
            self.tr("The test itself failed: %1").replace("%1", str(exc) or type(exc).__name__),
            "error",
        )
        self._update_buttons()

    def describe(self, report: ConnectionReport) -> str:
        """The report in words, in the interface language."""
        if not report.ok:
            reason = _connection_text(PROBLEMS.get(report.problem, PROBLEMS[connection.OTHER]))
            lines = [reason, self.tr("Details: %1").replace("%1", report.detail)]
            return "\n".join(lines)
        if report.new_file:
            return self.tr(
                "The file %1 does not exist yet: rmdesk will create a new database there at its "
                "next start."
            ).replace("%1", report.url)
        if report.backend == "postgresql":
            first = self.tr("Connected to PostgreSQL %1 at %2.")
        else:
            first = self.tr("Opened the SQLite file (SQLite %1) %2.")
        lines = [first.replace("%1", report.server_version).replace("%2", report.url)]
        revision = report.schema_revision or ""
        if report.up_to_date:
            lines.append(self.tr("Schema revision %1: up to date.").replace("%1", revision))
        elif report.foreign:
            lines.append(
                self.tr(
                    "It holds %1 tables but no rmdesk schema: probably another program's "
                    "database. Choose another one."
                ).replace("%1", str(report.tables))
            )
        elif report.newer_schema:
            lines.append(
                self.tr(
                    "Schema revision %1 was made by a newer rmdesk: this version cannot use it."
                ).replace("%1", revision)
            )
        elif report.schema_revision is None:
            lines.append(
                self.tr("The database is empty: rmdesk will create its tables at the next start.")
            )
        else:
            lines.append(
                self.tr(
                    "Schema revision %1: rmdesk will migrate it to %2 at the next start "
                    "(migration needed)."
                )
                .replace("%1", revision)
                .replace("%2", report.schema_head)
            )
        return "\n".join(lines)

    # --- save ------------------------------------------------------------------------------
    def save(self) -> None:
        """Keep the database in the field for the next start (the settings, through the store)."""
        text = self.url.text()
        try:
            url = parse_url(text)
        except UrlError as exc:
            problem = PROBLEMS.get(exc.code, PROBLEMS[connection.BAD_URL])
            set_message(self.result, _connection_text(problem), "error")
            return
        bare, password = secrets.without_password(url)
        kept = ""
        if password is not None:  # never into the settings file: the keyring, or asked
            try:
                secrets.remember(url)
                kept = self.tr("The password is kept in the system keyring.")
            except secrets.NoKeyring:
                kept = self.tr(
                    "This computer has no keyring to keep the password in: rmdesk will ask "
                    "for it at each start."
                )
        if self._store(bare):
            message = self.tr(
                "Saved. rmdesk will use %1 from its next start: restart rmdesk to switch."
            ).replace("%1", connection.safe_display(url))
            if kept:
                message += " " + kept
            tested = self.last_report if self._tested_text == text else None
            if tested is not None and not _usable(tested):
                message += " " + self.tr("Note: the last test of this database failed.")
            set_message(self.result, message, "ok")

    def use_local(self) -> None:
        """Go back to the local database at the next start."""
        if self._store(""):
            set_message(
                self.result,
                self.tr(
                    "Saved. rmdesk will use the local database from its next start: restart "
                    "rmdesk to switch."
                ),
                "ok",
            )

    def _store(self, url: str) -> bool:
        try:
            settings = self.store.load()
            settings.database_url = url
            self.store.save(settings)
        except Exception as exc:  # the settings file cannot be read or written: say so
            log.error("saving the database setting failed: %s", exc)
            set_message(
                self.result,
                self.tr("The setting could not be saved: %1").replace("%1", str(exc)),
                "error",
            )
            return False
        self._show_saved()
        return True


def _usable(report: ConnectionReport) -> bool:
    return report.ok and not report.newer_schema and not report.foreign


PROBLEMS = {
    connection.BAD_URL: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel",
        "This is not a database address. Write e.g. postgresql://user@server:5432/rmdesk, "
        "or the path of a SQLite file.",
    ),
    connection.UNSUPPORTED: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel", "rmdesk works with a PostgreSQL server or a SQLite file only."
    ),
    connection.UNREACHABLE: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel",
        "Cannot reach the database: check the server name and port, and that the server is "
        "running and accepts connections from this computer.",
    ),
    connection.TIMEOUT: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel",
        "The server did not answer in time: check the server name, the port and the network.",
    ),
    connection.LOGIN: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel", "The server refused the user name or password."
    ),
    connection.NO_DATABASE: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel",
        "The server has no database of that name: ask its administrator to create it.",
    ),
    connection.NOT_A_DATABASE: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel", "The file is not a SQLite database."
    ),
    connection.OTHER: QT_TRANSLATE_NOOP("AdminConnectionPanel", "The connection failed."),
}
