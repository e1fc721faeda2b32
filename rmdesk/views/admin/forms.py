"""The administrator's forms: a message line that names what is wrong, a dialog that saves
before it closes, and the user, password and branch forms.

Dialogs are opened with ``open()``, never ``exec()``: OK emits ``submitted``, the owner saves in
the background and calls ``accept()`` only when the save succeeded, so a refused form keeps what
the administrator typed, says what is wrong and puts the cursor in the field at fault.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.accounts import users
from rmdesk.services.admin import directory
from rmdesk.services.admin.directory import DirectoryError
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext


class FormMessage(QLabel):
    """The line under a form that says why it was not saved (or that it was)."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("message")
        self.setWordWrap(True)
        self.hide()

    def show_error(self, exc: BaseException) -> None:
        if isinstance(exc, DirectoryError):
            text = self.ctx.text(exc.zh, exc.en)
        else:
            text = self.tr("Not saved: %1").replace("%1", self.ctx.said(exc))
        self.show_problem(text)

    def show_problem(self, text: str) -> None:
        self._show(text, "#c62828")

    def show_info(self, text: str) -> None:
        self._show(text, "#2e7d32")

    def _show(self, text: str, colour: str) -> None:
        self.setText(text)
        self.setStyleSheet(f"color: {colour};")
        self.show()

    def clear(self) -> None:
        self.setText("")
        self.hide()


class FormDialog(QDialog):
    """A form with OK and Cancel: OK emits ``submitted``; the owner saves and calls ``accept``."""

    submitted = Signal()

    def __init__(self, ctx: ViewContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.form = QFormLayout()
        self.message = FormMessage(ctx, self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(QCoreApplication.translate("AdminForms", "Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            QCoreApplication.translate("AdminForms", "Cancel")
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self.fields: dict[str, QWidget] = {}

    def add_row(self, key: str, title: str, widget: QWidget) -> None:
        widget.setObjectName(key)
        self.fields[key] = widget
        self.form.addRow(title, widget)

    def check(self) -> str | None:
        """A problem the form can see by itself (before asking the database), or None."""
        return None

    def submit(self) -> None:
        problem = self.check()
        if problem:
            self.message.show_problem(problem)
            return
        self.message.clear()
        self.ok.setEnabled(False)  # until the save answers
        self.submitted.emit()

    def failed(self, exc: BaseException) -> None:
        """The save was refused: say why, point at the field, keep the input."""
        self.ok.setEnabled(True)
        self.message.show_error(exc)
        field = self.fields.get(getattr(exc, "field", ""))
        if field is not None and field.isEnabled():
            field.setFocus()


def _password_box() -> QLineEdit:
    box = QLineEdit()
    box.setEchoMode(QLineEdit.EchoMode.Password)
    return box


class UserDialog(FormDialog):
    """Add a user (with a first password) or edit one (name, role, branch, visits per day)."""

    def __init__(
        self,
        ctx: ViewContext,
        branches: pd.DataFrame,
        row: pd.Series | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = self.tr("Add a user") if row is None else self.tr("Edit user %1")
        super().__init__(ctx, title.replace("%1", "" if row is None else str(row.username)), parent)
        self.user_id: int | None = None if row is None else int(row.id)
        self.version: int | None = None if row is None else int(row.version)
        self.username = QLineEdit(self)
        self.username.setPlaceholderText(self.tr("Letters and digits, e.g. rm31"))
        self.display_name = QLineEdit(self)
        self.role = QComboBox(self)
        for code in labels.ROLES:
            self.role.addItem(labels.label(labels.ROLES, code), code)
        self.branch = QComboBox(self)
        self.branch.addItem(self.tr("(no branch)"), None)
        for bid, code, name in zip(branches["id"], branches["code"], branches["name"], strict=True):
            self.branch.addItem(f"{code} {name}", int(bid))
        self.visits = QSpinBox(self)
        self.visits.setRange(directory.MIN_VISITS, directory.MAX_VISITS)
        self.visits.setValue(4)
        self.visits.setToolTip(self.tr("How many visits the planner may put in one working day"))
        self.add_row("username", self.tr("User name"), self.username)
        self.add_row("display_name", self.tr("Name"), self.display_name)
        self.add_row("role", self.tr("Role"), self.role)
        self.add_row("branch", self.tr("Branch"), self.branch)
        self.add_row("visits_per_day", self.tr("Visits per day"), self.visits)
        self.password = _password_box()
        self.repeat = _password_box()
        if row is None:
            self.password.setPlaceholderText(
                self.tr("At least %1 characters").replace("%1", str(users.MIN_PASSWORD))
            )
            self.add_row("password", self.tr("Password"), self.password)
            self.add_row("repeat", self.tr("Repeat the password"), self.repeat)
            self.role.setCurrentIndex(self.role.findData("rm"))
        else:
            self.username.setText(str(row.username))
            self.username.setEnabled(False)  # the log-in name does not change
            self.display_name.setText(str(row.display_name))
            self.role.setCurrentIndex(max(self.role.findData(str(row.role)), 0))
            branch = None if pd.isna(row.branch_id) else int(row.branch_id)
            self.branch.setCurrentIndex(max(self.branch.findData(branch), 0))
            self.visits.setValue(int(row.visits_per_day))

    def check(self) -> str | None:
        if self.user_id is None and self.password.text() != self.repeat.text():
            return self.tr("The two passwords differ")
        return None

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "display_name": self.display_name.text(),
            "role": self.role.currentData(),
            "branch_id": self.branch.currentData(),
            "visits_per_day": self.visits.value(),
        }
        if self.user_id is None:
            values |= {"username": self.username.text(), "password": self.password.text()}
        return values


class PasswordDialog(FormDialog):
    def __init__(self, ctx: ViewContext, username: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("New password for %1").replace("%1", username), parent)
        self.username = username
        self.password = _password_box()
        self.password.setPlaceholderText(
            self.tr("At least %1 characters").replace("%1", str(users.MIN_PASSWORD))
        )
        self.repeat = _password_box()
        self.add_row("password", self.tr("New password"), self.password)
        self.add_row("repeat", self.tr("Repeat the password"), self.repeat)

    def check(self) -> str | None:
        if self.password.text() != self.repeat.text():
            return self.tr("The two passwords differ")
        return None


class BranchDialog(FormDialog):
    def __init__(
        self, ctx: ViewContext, row: pd.Series | None = None, parent: QWidget | None = None
    ) -> None:
        title = self.tr("Add a branch") if row is None else self.tr("Edit branch %1")
        super().__init__(ctx, title.replace("%1", "" if row is None else str(row.code)), parent)
        self.branch_id: int | None = None if row is None else int(row.id)
        self.code = QLineEdit(self)
        self.name = QLineEdit(self)
        self.district = QLineEdit(self)
        self.region = QLineEdit(self)
        self.add_row("code", self.tr("Branch code"), self.code)
        self.add_row("name", self.tr("Branch name"), self.name)
        self.add_row("district", self.tr("District"), self.district)
        self.add_row("region", self.tr("Region"), self.region)
        if row is not None:
            self.code.setText(str(row.code))
            self.code.setEnabled(False)  # the bank's extracts refer to branches by code
            self.code.setToolTip(self.tr("The code is the key in the bank's extracts"))
            self.name.setText(str(row["name"]))
            self.district.setText("" if pd.isna(row.district) else str(row.district))
            self.region.setText("" if pd.isna(row.region) else str(row.region))

    def values(self) -> dict[str, Any]:
        values = {
            "name": self.name.text(),
            "district": self.district.text(),
            "region": self.region.text(),
        }
        if self.branch_id is None:
            values["code"] = self.code.text()
        return values
