"""The log-in dialog: user name, password and the interface language.

It opens at once; the database opens in the background meanwhile, and "Log in" is enabled when
it is ready. Checking the password runs off the GUI thread (Argon2 is slow on purpose).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from rmdesk.tasks import Runner, step_text

if TYPE_CHECKING:  # the dialog shows before SQLAlchemy and the services load (app.py)
    from rmdesk.db import Database
    from rmdesk.services.common.access import Account

LANGUAGES = (("zh_CN", "中文"), ("en", "English"))


class LoginDialog(QDialog):
    logged_in = Signal(object)  # the Account
    language_chosen = Signal(str)

    def __init__(
        self,
        runner: Runner,
        language: str,
        parent: QWidget | None = None,
        *,
        language_locked: bool = False,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.db: Database | None = None
        #: why the database did not open, once it has not
        self.database_error: str | None = None
        self.setObjectName("LoginDialog")
        self.setWindowTitle(self.tr("rmdesk — Log in"))
        title = QLabel(self.tr("Relationship manager's workstation"), self)
        title.setStyleSheet("font-size: 16pt; font-weight: bold; margin-bottom: 8px;")
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(language), 0))
        self.language.currentIndexChanged.connect(
            lambda _i: self.language_chosen.emit(self.language.currentData())
        )
        if language_locked:  # IT's settings say which language this computer's rmdesk speaks
            self.language.setEnabled(False)
            self.language.setToolTip(self.tr("Set by your IT department"))
        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.database = QLabel(self.tr("Opening the database…"), self)
        self.database.setObjectName("database")
        self.database.setWordWrap(True)
        self.database.setStyleSheet("color: #616161;")

        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Language"), self.language)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.login_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.login_button.setText(self.tr("Log in"))
        self.login_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Quit"))
        self.buttons.accepted.connect(self.log_in)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.database)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.username.setFocus()

    def set_database(self, db: Database) -> None:
        self.db = db
        self.database_error = None
        self.database.setText(self.tr("Database: %1").replace("%1", db.display_url))
        self.login_button.setEnabled(True)

    def opening_progress(self, done: int, total: int, text: str) -> None:
        """How far a long first start has got (the demo bank being made), under the form."""
        if self.db is not None or self.database_error is not None:
            return
        if not text or text == "opening the database":  # the first step: said as it is
            self.database.setText(self.tr("Opening the database…"))
            return
        step = step_text(text) + (f" {done * 100 // total} %" if total else "")
        self.database.setText(self.tr("Opening the database: %1").replace("%1", step))

    def database_failed(self, message: str, *, alert: bool = False) -> None:
        """The database did not open: said under the form; with ``alert`` (an address that can
        never work, such as a malformed URL) also in a message box, as it needs fixing first."""
        self.database_error = message
        self.database.setText(message)
        self.database.setStyleSheet("color: #c62828;")
        if alert:
            QMessageBox.critical(
                self,
                self.tr("rmdesk — Database"),
                self.tr("rmdesk cannot use this database address. Correct it and start again.")
                + "\n\n"
                + message,
            )

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;")

    def log_in(self) -> None:
        db = self.db
        if db is None:
            return
        username, password = self.username.text(), self.password.text()
        if not username.strip():
            self.show_message(self.tr("Enter your user name."))
            self.username.setFocus()
            return
        self.login_button.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        self.message.setStyleSheet("")
        from rmdesk.services.accounts.users import authenticate

        self.runner.run(
            self.tr("Logging in"),
            lambda _p: authenticate(db.engine, username, password),
            self._accepted,
            self._refused,
            write=True,
            cancellable=False,
        )

    def _accepted(self, account: Account) -> None:
        self.logged_in.emit(account)
        self.accept()

    def _refused(self, exc: BaseException, _trace: str) -> None:
        from rmdesk.services.accounts.users import LoginError

        self.login_button.setEnabled(True)
        if isinstance(exc, LoginError) and exc.reason == "closed":
            self.show_message(self.tr("This account is closed. Ask an administrator."))
        elif isinstance(exc, LoginError) and exc.reason == "locked" and exc.until is not None:
            self.show_message(
                self.tr(
                    "Too many wrong passwords: this account is locked until %1. Try again then, "
                    "or ask an administrator to unlock it."
                ).replace("%1", exc.until.astimezone().strftime("%H:%M"))
            )
        elif isinstance(exc, LoginError):
            self.show_message(self.tr("The user name or the password is wrong."))
        else:
            self.show_message(str(exc))
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
