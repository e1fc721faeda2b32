"""Acting on a task where it is shown (Today, the client view): done, snooze, move, hand over,
cancel, and adding one for a client. Each asks what it needs, runs the service off the GUI
thread, and on a refusal says why (in the interface's language) and offers the dialog again
with what was typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from rmdesk.services.visits import tasks
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.task_dialogs import AssignDialog, DayDialog, NewTaskDialog, NoteDialog


@dataclass(frozen=True)
class TaskRef:
    """The task a person picked, as the screen showed it."""

    task_id: int
    version: int
    client_id: int
    client: str
    title: str
    due_on: dt.date
    assignee: str


class TaskActions(QObject):
    """The task actions of one screen; ``changed`` after each change that landed."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, widget: QWidget) -> None:
        super().__init__(widget)
        self.ctx, self.widget = ctx, widget

    def _run(self, title: str, work: Callable[[], Any]) -> None:
        self.ctx.runner.run(
            title,
            lambda _p: work(),
            lambda _r: self.changed.emit(),
            self._failed,
            write=True,
            window=self.widget.window(),
        )

    def _failed(self, exc: BaseException, trace: str) -> None:
        self.changed.emit()  # the task may have changed: show it as it is now
        error_handler(self.widget)(exc, trace)

    def complete(self, task: TaskRef) -> None:
        self._close(
            task,
            tasks.complete,
            self.tr("Task done: %1"),
            self.tr("What came of it (optional):"),
            required=False,
        )

    def cancel(self, task: TaskRef) -> None:
        self._close(
            task,
            tasks.cancel,
            self.tr("Cancel the task: %1"),
            self.tr("Why is it dropped?"),
            required=True,
        )

    def _close(
        self, task: TaskRef, close: Callable[..., int], title: str, label: str, *, required: bool
    ) -> None:
        """Done or cancelled: a note (what came of it, or why), then the service."""
        dialog = NoteDialog(
            title.replace("%1", task.title), label, required=required, parent=self.widget
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        note, engine, who = dialog.value(), self.ctx.db.engine, self.ctx.user
        self._run(
            self.tr("Saving the task"),
            lambda: close(engine, task.task_id, task.version, note=note, who=who),
        )

    def snooze(self, task: TaskRef) -> None:
        today = self.ctx.today
        dialog = DayDialog(
            self.tr("Snooze the task"),
            self.tr("Keep it off Today until"),
            today + dt.timedelta(days=1),
            today + dt.timedelta(days=1),
            self.widget,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        until, engine, who = dialog.value(), self.ctx.db.engine, self.ctx.user
        self._run(
            self.tr("Saving the task"),
            lambda: tasks.snooze(engine, task.task_id, task.version, until, today=today, who=who),
        )

    def move(self, task: TaskRef) -> None:
        today = self.ctx.today
        dialog = DayDialog(
            self.tr("Move the task"), self.tr("Due on"), task.due_on, today, self.widget
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        due, engine, who = dialog.value(), self.ctx.db.engine, self.ctx.user
        self._run(
            self.tr("Saving the task"),
            lambda: tasks.reschedule(engine, task.task_id, task.version, due, today=today, who=who),
        )

    def assign(self, task: TaskRef) -> None:
        engine, who = self.ctx.db.engine, self.ctx.user
        people = tasks.assignees(engine, task.client_id, who=who)
        dialog = AssignDialog(people, task.assignee, self.widget)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        to = dialog.value()
        self._run(
            self.tr("Saving the task"),
            lambda: tasks.reassign(engine, task.task_id, task.version, to, who=who),
        )

    def add(self, client_id: int, client: str) -> None:
        engine, who, today = self.ctx.db.engine, self.ctx.user, self.ctx.today
        people = tasks.assignees(engine, client_id, who=who)
        dialog = NewTaskDialog(client, today, people, who.id, self.widget)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        title, due, to = dialog.values()
        self._run(
            self.tr("Saving the task"),
            lambda: tasks.add(engine, client_id, title, due, assign_to=to, today=today, who=who),
        )
