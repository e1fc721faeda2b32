"""Administration, users and branches: who may log in, in which role and branch, at what capacity.

The lists come from ``services.directory``; every change goes through it (validated, audited,
users locked on their version). The forms are in ``admin_forms``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.accounts import users
from rmdesk.services.admin import directory
from rmdesk.services.admin.directory import StaleEdit
from rmdesk.views.admin.forms import (
    BranchDialog,
    FormDialog,
    FormMessage,
    PasswordDialog,
    UserDialog,
)
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.frame_model import Column

CLOSED_GREY = "#9e9e9e"


def _active(value: Any) -> str:
    return (
        QCoreApplication.translate("AdminUsers", "Active")
        if value
        else QCoreApplication.translate("AdminUsers", "Closed")
    )


def user_columns(ctx: ViewContext) -> list[Column]:
    fmt = ctx.formats
    return [
        Column("username", QT_TRANSLATE_NOOP("AdminUsers", "User name")),
        Column("display_name", QT_TRANSLATE_NOOP("AdminUsers", "Name")),
        Column(
            "role", QT_TRANSLATE_NOOP("AdminUsers", "Role"), lambda v: labels.label(labels.ROLES, v)
        ),
        Column("branch", QT_TRANSLATE_NOOP("AdminUsers", "Branch")),
        Column(
            "visits_per_day",
            QT_TRANSLATE_NOOP("AdminUsers", "Visits per day"),
            fmt.integer,
            numeric=True,
        ),
        Column("clients", QT_TRANSLATE_NOOP("AdminUsers", "Clients"), fmt.integer, numeric=True),
        Column(
            "active",
            QT_TRANSLATE_NOOP("AdminUsers", "Status"),
            _active,
            color=lambda v: None if v else CLOSED_GREY,
        ),
    ]


def branch_columns(ctx: ViewContext) -> list[Column]:
    return [
        Column("code", QT_TRANSLATE_NOOP("AdminUsers", "Code")),
        Column("name", QT_TRANSLATE_NOOP("AdminUsers", "Branch")),
        Column(
            "users",
            QT_TRANSLATE_NOOP("AdminUsers", "Active users"),
            ctx.formats.integer,
            numeric=True,
        ),
        Column("district", QT_TRANSLATE_NOOP("AdminUsers", "District")),
        Column("region", QT_TRANSLATE_NOOP("AdminUsers", "Region")),
    ]


def _button(text: str, name: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    return button


class UsersTab(QWidget):
    """Users above, branches below; each with its buttons."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("UsersTab")
        self.dialog: FormDialog | None = None  # the form open now, if any
        self._select_user: str | None = None  # to select once the lists are reloaded
        self._select_branch: str | None = None
        self.branches = pd.DataFrame(columns=["id", "code", "name", "district", "region"])

        self.users_table = DataTable(ctx, user_columns(ctx), "AdminUsers", "users", self)
        self.users_table.setObjectName("users")
        self.users_table.row_activated.connect(lambda _row: self.edit_user())
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Find a user by name, user name or branch"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_search)
        self.count = QLabel(self)
        self.add_user_button = _button(self.tr("Add user…"), "add_user", self)
        self.edit_user_button = _button(self.tr("Edit…"), "edit_user", self)
        self.active_button = _button(self.tr("Close account"), "toggle_active", self)
        self.password_button = _button(self.tr("Reset password…"), "reset_password", self)
        self.add_user_button.clicked.connect(self.add_user)
        self.edit_user_button.clicked.connect(self.edit_user)
        self.active_button.clicked.connect(self.toggle_active)
        self.password_button.clicked.connect(self.reset_password)
        self.users_table.selectionModel().currentRowChanged.connect(self._user_buttons)

        self.branches_table = DataTable(ctx, branch_columns(ctx), "AdminUsers", "branches", self)
        self.branches_table.setObjectName("branches")
        self.branches_table.row_activated.connect(lambda _row: self.edit_branch())
        self.add_branch_button = _button(self.tr("Add branch…"), "add_branch", self)
        self.edit_branch_button = _button(self.tr("Edit…"), "edit_branch", self)
        self.add_branch_button.clicked.connect(self.add_branch)
        self.edit_branch_button.clicked.connect(self.edit_branch)
        self.branches_table.selectionModel().currentRowChanged.connect(self._branch_buttons)
        self.status = FormMessage(ctx, self)

        people = QGroupBox(self.tr("Users"), self)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.count)
        bar.addStretch(1)
        for button in (
            self.add_user_button,
            self.edit_user_button,
            self.active_button,
            self.password_button,
        ):
            bar.addWidget(button)
        box = QVBoxLayout(people)
        box.addLayout(bar)
        box.addWidget(self.users_table)
        places = QGroupBox(self.tr("Branches"), self)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.add_branch_button)
        bar.addWidget(self.edit_branch_button)
        box = QVBoxLayout(places)
        box.addLayout(bar)
        box.addWidget(self.branches_table)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(people)
        split.addWidget(places)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.status)
        layout.addWidget(split)
        self._user_buttons()
        self._branch_buttons()

    # --- data ----------------------------------------------------------------------------
    def refresh(self) -> None:
        engine = self.ctx.db.engine
        self.ctx.runner.run(
            self.tr("Loading users and branches"),
            lambda _p: (
                directory.list_users(engine, who=self.ctx.user),
                directory.list_branches(engine, who=self.ctx.user),
            ),
            self._show,
            error_handler(self),
            window=self.window(),
            cancellable=False,
        )

    def _show(self, lists: tuple[pd.DataFrame, pd.DataFrame]) -> None:
        people, self.branches = lists
        chosen = self.users_table.current_row()
        place = self.branches_table.current_row()
        user = self._select_user or (None if chosen is None else str(chosen.username))
        branch = self._select_branch or (None if place is None else str(place.code))
        self._select_user = self._select_branch = None
        self.users_table.set_frame(people)
        self.branches_table.set_frame(self.branches)
        self.apply_search()
        if user:
            self.select_user(user)
        if branch:
            self.select_branch(branch)
        self._user_buttons()
        self._branch_buttons()

    def apply_search(self) -> None:
        model = self.users_table.model_
        frame = model.frame
        text = self.search.text().strip().lower()
        if not text or "username" not in frame.columns:
            model.set_mask(None)
        else:
            hay = (
                frame["username"].astype(str)
                + " "
                + frame["display_name"].astype(str)
                + " "
                + frame["branch"].fillna("").astype(str)
            ).str.lower()
            model.set_mask(hay.str.contains(text, regex=False).to_numpy())
        shown = self.ctx.formats.integer(model.rowCount())
        total = self.ctx.formats.integer(len(frame))
        self.count.setText(self.tr("%1 of %2 users").replace("%1", shown).replace("%2", total))
        self._user_buttons()  # the user chosen may be hidden now: then there is none to act on

    def select_user(self, username: str) -> bool:
        model = self.users_table.model_
        for r in range(model.rowCount()):
            if model.row_at(r).username == username:
                self.users_table.selectRow(r)
                self.users_table.setCurrentIndex(model.index(r, 0))
                return True
        return False

    def select_branch(self, code: str) -> bool:
        model = self.branches_table.model_
        for r in range(model.rowCount()):
            if model.row_at(r).code == code:
                self.branches_table.setCurrentIndex(model.index(r, 0))
                return True
        return False

    def _user_buttons(self, *_args: object) -> None:
        row = self.users_table.current_row()
        for button in (self.edit_user_button, self.active_button, self.password_button):
            button.setEnabled(row is not None)
        closed = row is not None and not bool(row.active)
        self.active_button.setText(
            self.tr("Reopen account") if closed else self.tr("Close account")
        )

    def _branch_buttons(self, *_args: object) -> None:
        self.edit_branch_button.setEnabled(self.branches_table.current_row() is not None)

    def _saved(self, dialog: FormDialog, message: str) -> None:
        dialog.accept()
        self.status.show_info(message)
        self.refresh()
        self.changed.emit()

    def _open(self, dialog: FormDialog, save: Any) -> FormDialog:
        self.dialog = dialog
        dialog.submitted.connect(lambda: save(dialog))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()
        return dialog

    def _closed(self, dialog: FormDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    # --- users ---------------------------------------------------------------------------
    def add_user(self) -> FormDialog:
        return self._open(UserDialog(self.ctx, self.branches, None, self), self.save_user)

    def edit_user(self) -> FormDialog | None:
        row = self.users_table.current_row()
        if row is None:
            return None
        return self._open(UserDialog(self.ctx, self.branches, row, self), self.save_user)

    def save_user(self, dialog: UserDialog) -> None:
        engine, values = self.ctx.db.engine, dialog.values()
        who = self.ctx.user
        user_id, version = dialog.user_id, dialog.version
        if user_id is None:
            name = str(values["username"]).strip()
            message = self.tr("User %1 added").replace("%1", name)

            def work(_p: object) -> object:
                return directory.create_user(engine, who=who, **values)

        else:
            name = dialog.username.text()
            message = self.tr("User %1 saved").replace("%1", name)

            def work(_p: object) -> object:
                assert user_id is not None and version is not None
                return directory.update_user(engine, user_id, version=version, who=who, **values)

        def done(_result: object) -> None:
            self._select_user = name
            self._saved(dialog, message)

        self.ctx.runner.run(
            self.tr("Saving the user"), work, done, lambda exc, _t: self._user_refused(dialog, exc),
            write=True, window=self.window(),
        )  # fmt: skip

    def _user_refused(self, dialog: FormDialog, exc: BaseException) -> None:
        dialog.failed(exc)
        if isinstance(exc, StaleEdit):  # reload, so that opening the user again edits what is there
            self.refresh()

    def confirm(self, question: str) -> bool:
        """Ask before closing an account (tests replace this)."""
        answer = QMessageBox.question(self, self.tr("Users"), question)
        return answer == QMessageBox.StandardButton.Yes

    def toggle_active(self) -> None:
        row = self.users_table.current_row()
        if row is None:
            return
        active = not bool(row.active)
        if not active:
            question = self.tr("Close the account of %1? They will not be able to log in.")
            held = int(row.clients)
            if held:
                question += " " + self.tr("Their %1 clients stay with them until handed over.")
            question = question.replace("%1", str(row.username), 1).replace("%1", str(held))
            if not self.confirm(question):
                return
        self.set_active(row, active)

    def set_active(self, row: pd.Series, active: bool) -> None:
        engine = self.ctx.db.engine
        user_id, version, name = int(row.id), int(row.version), str(row.username)
        message = (
            self.tr("Account %1 reopened") if active else self.tr("Account %1 closed")
        ).replace("%1", name)

        def done(_version: object) -> None:
            self.status.show_info(message)
            self.refresh()
            self.changed.emit()

        self.ctx.runner.run(
            self.tr("Saving the user"),
            lambda _p: directory.set_active(
                engine, user_id, active, version=version, who=self.ctx.user
            ),
            done,
            self._refused,
            write=True,
            window=self.window(),
        )

    def _refused(self, exc: BaseException, _trace: str) -> None:
        self.status.show_error(exc)
        self.refresh()  # a stale row: show what is there now

    def reset_password(self) -> FormDialog | None:
        row = self.users_table.current_row()
        if row is None:
            return None
        return self._open(PasswordDialog(self.ctx, str(row.username), self), self.save_password)

    def save_password(self, dialog: PasswordDialog) -> None:
        engine = self.ctx.db.engine
        name, password = dialog.username, dialog.password.text()
        message = self.tr("New password set for %1").replace("%1", name)
        self.ctx.runner.run(
            self.tr("Saving the password"),
            lambda _p: users.set_password(engine, name, password, who=self.ctx.user),
            lambda _r: self._saved(dialog, message),
            lambda exc, _t: dialog.failed(exc),
            write=True,
            window=self.window(),
        )

    # --- branches ------------------------------------------------------------------------
    def add_branch(self) -> FormDialog:
        return self._open(BranchDialog(self.ctx, None, self), self.save_branch)

    def edit_branch(self) -> FormDialog | None:
        row = self.branches_table.current_row()
        if row is None:
            return None
        return self._open(BranchDialog(self.ctx, row, self), self.save_branch)

    def save_branch(self, dialog: BranchDialog) -> None:
        engine, values = self.ctx.db.engine, dialog.values()
        who = self.ctx.user
        branch_id = dialog.branch_id
        code = dialog.code.text().strip()
        message = self.tr("Branch %1 saved").replace("%1", code)

        def work(_p: object) -> object:
            if branch_id is None:
                return directory.create_branch(engine, who=who, **values)
            directory.update_branch(engine, branch_id, who=who, **values)
            return branch_id

        def done(_result: object) -> None:
            self._select_branch = code
            self._saved(dialog, message)

        self.ctx.runner.run(
            self.tr("Saving the branch"), work, done, lambda exc, _t: dialog.failed(exc),
            write=True, window=self.window(),
        )  # fmt: skip
