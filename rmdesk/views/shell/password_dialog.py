"""File › Change password…: the user's current password, the new one twice.

The check runs off the GUI thread (Argon2 is slow on purpose). A refusal names the field and
keeps what was typed in the others; a wrong current password counts as a wrong log-in.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.accounts.users import PasswordChangeError, change_password
from rmdesk.views.widgets.context import ViewContext, error_handler


class ChangePasswordDialog(QDialog):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("ChangePasswordDialog")
        self.setWindowTitle(self.tr("Change password"))
        self.current = self._field()
        self.new = self._field()
        self.repeat = self._field()
        form = QFormLayout()
        form.addRow(self.tr("Current password"), self.current)
        form.addRow(self.tr("New password"), self.new)
        form.addRow(self.tr("New password again"), self.repeat)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("At least 8 characters. Five wrong passwords lock the account."), self)
        )
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _field(self) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def submit(self) -> None:
        engine, who = self.ctx.db.engine, self.ctx.user
        current, new, repeat = self.current.text(), self.new.text(), self.repeat.text()
        self.buttons.setEnabled(False)
        show_error = error_handler(self)

        def refused(exc: BaseException, trace: str) -> None:
            self.buttons.setEnabled(True)
            if not isinstance(exc, PasswordChangeError):
                show_error(exc, trace)
                return
            texts = {
                "wrong": self.tr("The current password is wrong."),
                "locked": self.tr(
                    "Too many wrong passwords: the account is locked for 15 minutes."
                ),
                "short": self.tr("The new password needs at least 8 characters."),
                "same": self.tr("The new password is the current one."),
                "differ": self.tr("The two new passwords differ."),
            }
            self.message.setText(texts.get(exc.code, str(exc)))
            field = {"current": self.current, "new": self.new, "repeat": self.repeat}[exc.field]
            field.clear()
            field.setFocus()

        self.ctx.runner.run(
            self.tr("Changing the password"),
            lambda _p: change_password(engine, current, new, repeat, who=who),
            lambda _r: self.accept(),
            refused,
            write=True,
            cancellable=False,
        )
