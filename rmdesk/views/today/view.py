"""Today (今日工作台): the first screen of an RM and of a branch head.

The RM's: the day's visits in route order (where, how to reach, why, what to offer), the tasks
due and overdue, the new and high flags per client, the maturities and birthdays ahead. The
head's: their own tasks, the branch's overdue tasks and visits, the new high flags by RM and
the RMs without contacts lately. Every row opens its client (double-click or Enter); tasks are
done, snoozed, moved, handed over or cancelled in place and a visit recorded as done. The
agenda is the services' (``visits.today``), the same as ``rmdesk-cli today`` prints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.visits import actions as visit_actions
from rmdesk.services.visits import today as agenda
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.dates import date_edit, pydate, qdate
from rmdesk.views.widgets.frame_model import Column
from rmdesk.views.widgets.printouts import print_day_pack
from rmdesk.views.widgets.task_actions import TaskActions, TaskRef
from rmdesk.views.widgets.task_dialogs import DayDialog
from rmdesk.views.widgets.visit_dialogs import CompleteDialog, clock_on

C = "TodayView"
DATE_KINDS = {
    "maturity": QT_TRANSLATE_NOOP("TodayView", "Maturity"),
    "birthday": QT_TRANSLATE_NOOP("TodayView", "Birthday"),
    "anniversary": QT_TRANSLATE_NOOP("TodayView", "Anniversary"),
}


def _frame(items: list[Any], columns: list[str]) -> pd.DataFrame:
    if not items:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame([dataclasses.asdict(i) for i in items])


class Section(QGroupBox):
    """One list of the agenda: a titled table with its count and its buttons."""

    def __init__(
        self, ctx: ViewContext, title: str, columns: list[Column], name: str, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.title_text = title
        self.table = DataTable(ctx, columns, C, f"today-{name}", self)
        self.table.setObjectName(f"{name}_table")
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        self.set_frame(pd.DataFrame(columns=[c.key for c in columns]))

    def set_frame(self, frame: pd.DataFrame, total: int | None = None) -> None:
        self.table.set_frame(frame)
        count = len(frame) if total is None else total
        self.setTitle(
            f"{self.title_text}（{count}）" if self.zh() else f"{self.title_text} ({count})"
        )

    def zh(self) -> bool:
        return bool(self.table.ctx and self.table.ctx.zh)

    def button(self, text: str, slot: Callable[[], None], name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def current(self) -> pd.Series | None:
        return self.table.current_row()


class TodayView(QWidget):
    client_requested = Signal(int)
    changed = Signal()
    loaded = Signal()  # the day's agenda is on screen

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.head = ctx.user.is_head
        self.day = ctx.today
        self.tasks = TaskActions(ctx, self)
        self.tasks.changed.connect(self._task_changed)
        self.heading = QLabel(self)
        self.heading.setObjectName("today_heading")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.date = date_edit(self.day, self)
        self.date.setObjectName("today_date")
        self.date.dateChanged.connect(self._date_chosen)
        back = QPushButton(self.tr("Today"), self)
        back.setObjectName("today_back")
        back.clicked.connect(lambda: self.date.setDate(qdate(self.ctx.today)))
        reload_ = QPushButton(self.tr("Refresh"), self)
        reload_.clicked.connect(self.refresh)
        self.message = QLabel(self)
        self.message.setObjectName("today_message")
        bar = QHBoxLayout()
        bar.addWidget(self.heading)
        bar.addSpacing(16)
        bar.addWidget(self.date)
        bar.addWidget(back)
        bar.addWidget(reload_)
        bar.addSpacing(16)
        bar.addWidget(self.message, 1)
        self.sections: dict[str, Section] = {}
        body = self._head_body() if self.head else self._rm_body()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(bar)
        layout.addWidget(body, 1)
        self.data: agenda.Agenda | agenda.BranchAgenda | None = None

    # --- the layouts ---------------------------------------------------------------------
    def _section(self, key: str, title: str, columns: list[Column], parent: QWidget) -> Section:
        section = Section(self.ctx, title, columns, key, parent)
        section.table.row_activated.connect(
            lambda row: (
                self.client_requested.emit(int(row["client_id"]))
                if "client_id" in row and pd.notna(row["client_id"])
                else None
            )
        )
        self.sections[key] = section
        return section

    def _task_columns(self, assignee: bool) -> list[Column]:
        fmt = self.ctx.formats
        columns = [
            Column("due_on", QT_TRANSLATE_NOOP("TodayView", "Due"), fmt.date),
            Column("days_late", QT_TRANSLATE_NOOP("TodayView", "Late"), self._late, numeric=True,
                   color=lambda v: "#c62828" if v and int(v) > 0 else None),
            Column("name", QT_TRANSLATE_NOOP("TodayView", "Client")),
            Column("title", QT_TRANSLATE_NOOP("TodayView", "Task")),
        ]  # fmt: skip
        if assignee:
            columns.insert(3, Column("assignee", QT_TRANSLATE_NOOP("TodayView", "For")))
        return columns

    def _late(self, days: Any) -> str:
        n = int(days) if days is not None and pd.notna(days) else 0
        if n <= 0:
            return self.tr("due today")
        return labels.counted(n, self.tr("1 day"), self.tr("%1 days"))

    def _flag_columns(self, rm: bool) -> list[Column]:
        columns = [
            Column("severity", QT_TRANSLATE_NOOP("TodayView", "Severity"), labels.severity,
                   color=lambda v: "#c62828" if v == "high" else None),
            Column("name", QT_TRANSLATE_NOOP("TodayView", "Client")),
            Column("rules", QT_TRANSLATE_NOOP("TodayView", "Flags")),
        ]  # fmt: skip
        if rm:
            columns.insert(0, Column("rm", QT_TRANSLATE_NOOP("TodayView", "RM")))
        return columns

    def _task_buttons(self, section: Section) -> None:
        for text, action, name in (
            (self.tr("Done…"), self.tasks.complete, "task_done"),
            (self.tr("Snooze…"), self.tasks.snooze, "task_snooze"),
            (self.tr("Move…"), self.tasks.move, "task_move"),
            (self.tr("Hand to…"), self.tasks.assign, "task_assign"),
            (self.tr("Cancel task…"), self.tasks.cancel, "task_cancel"),
        ):
            section.button(text, partial(self._on_task, section, action), name)
        section.buttons.addStretch(1)

    def _rm_body(self) -> QWidget:
        fmt = self.ctx.formats
        split = QSplitter(Qt.Orientation.Vertical, self)
        visits = self._section(
            "visits",
            self.tr("Visits today"),
            [
                Column("time", QT_TRANSLATE_NOOP("TodayView", "Time"), lambda t: f"{t:%H:%M}"),
                Column("name", QT_TRANSLATE_NOOP("TodayView", "Client")),
                Column("purpose", QT_TRANSLATE_NOOP("TodayView", "Purpose")),
                Column(
                    "status",
                    QT_TRANSLATE_NOOP("TodayView", "Status"),
                    lambda v: labels.label(labels.VISIT_STATUSES, v),
                    color=lambda v: "#2e7d32" if v == "done" else None,
                ),
                Column("mobile", QT_TRANSLATE_NOOP("TodayView", "Mobile")),
                Column("phone", QT_TRANSLATE_NOOP("TodayView", "Phone")),
                Column("place", QT_TRANSLATE_NOOP("TodayView", "Address")),
                Column("offer", QT_TRANSLATE_NOOP("TodayView", "To offer")),
                Column("reason", QT_TRANSLATE_NOOP("TodayView", "Why")),
            ],
            split,
        )
        visits.button(self.tr("Record the visit…"), self._complete_visit, "visit_complete")
        visits.button(self.tr("Move the visit…"), self._move_visit, "visit_move")
        visits.button(self.tr("Open the client"), lambda: self._open("visits"), "visit_open")
        visits.buttons.addStretch(1)
        visits.button(self.tr("Print the day's briefs…"), self._print_pack, "day_pack")
        row = QSplitter(Qt.Orientation.Horizontal, split)
        tasks = self._section("tasks", self.tr("Tasks due"), self._task_columns(False), row)
        self._task_buttons(tasks)
        self._section("flags", self.tr("New and high flags"), self._flag_columns(False), row)
        self._section(
            "dates",
            self.tr("Maturities and dates ahead"),
            [
                Column("on", QT_TRANSLATE_NOOP("TodayView", "Date"), fmt.date),
                Column("kind", QT_TRANSLATE_NOOP("TodayView", "What"), self._kind),
                Column("name", QT_TRANSLATE_NOOP("TodayView", "Client")),
                Column("what", QT_TRANSLATE_NOOP("TodayView", "Detail")),
            ],
            row,
        )
        row.setSizes([440, 460, 450])
        split.addWidget(visits)
        split.addWidget(row)
        split.setSizes([220, 420])
        return split

    def _head_body(self) -> QWidget:
        split = QSplitter(Qt.Orientation.Vertical, self)
        top = QSplitter(Qt.Orientation.Horizontal, split)
        mine = self._section("tasks", self.tr("My tasks"), self._task_columns(False), top)
        self._task_buttons(mine)
        late = self._section(
            "overdue_tasks", self.tr("Overdue tasks in the branch"), self._task_columns(True), top
        )
        self._task_buttons(late)
        bottom = QSplitter(Qt.Orientation.Horizontal, split)
        self._section(
            "new_high_flags", self.tr("New high flags by RM"), self._flag_columns(True), bottom
        )
        self._section(
            "overdue_visits",
            self.tr("Overdue and missed visits"),
            [
                Column("rm", QT_TRANSLATE_NOOP("TodayView", "RM")),
                Column(
                    "planned_on",
                    QT_TRANSLATE_NOOP("TodayView", "Planned on"),
                    self.ctx.formats.date,
                ),
                Column("name", QT_TRANSLATE_NOOP("TodayView", "Client")),
                Column("status_text", QT_TRANSLATE_NOOP("TodayView", "Status")),
                Column("purpose", QT_TRANSLATE_NOOP("TodayView", "Purpose")),
            ],
            bottom,
        )
        self._section(
            "quiet_rms",
            self.tr("RMs with no contact lately"),
            [
                Column("name", QT_TRANSLATE_NOOP("TodayView", "RM")),
                Column(
                    "last_contact",
                    QT_TRANSLATE_NOOP("TodayView", "Last contact"),
                    self._last_contact,
                ),
            ],
            bottom,
        )
        bottom.setSizes([520, 520, 300])
        split.addWidget(top)
        split.addWidget(bottom)
        return split

    @staticmethod
    def _kind(code: object) -> str:
        source = DATE_KINDS.get(str(code))
        return QCoreApplication.translate("TodayView", str(source)) if source else str(code)

    def _last_contact(self, day: Any) -> str:
        if day is None or (not isinstance(day, dt.date) and pd.isna(day)):
            return self.tr("never")
        return self.ctx.formats.date(day)

    # --- loading ----------------------------------------------------------------------------
    def _date_chosen(self) -> None:
        self.day = pydate(self.date.date())
        self.refresh()

    def refresh(self) -> None:
        engine, who, day, language = self.ctx.db.engine, self.ctx.user, self.day, self.ctx.language

        def work(_p: object) -> agenda.Agenda | agenda.BranchAgenda:
            if self.head:
                assert who.branch_id is not None
                return agenda.branch_agenda(engine, who.branch_id, day, language=language, who=who)
            return agenda.rm_agenda(engine, who.id, day, language=language, who=who)

        self.ctx.runner.run(self.tr("Loading the day"), work, self._show, error_handler(self))

    def _show(self, data: agenda.Agenda | agenda.BranchAgenda) -> None:
        self.data = data
        fmt = self.ctx.formats
        if isinstance(data, agenda.BranchAgenda):
            self.heading.setText(
                self.tr("%1 · %2").replace("%1", data.branch).replace("%2", fmt.date(data.on))
            )
            self._show_branch(data)
            self.loaded.emit()
            return
        self.heading.setText(
            self.tr("%1 · %2").replace("%1", data.person).replace("%2", fmt.date(data.on))
        )
        visits = _frame(data.visits, ["client_id", "time", "name"])
        if len(visits):
            visits["place"] = [
                " · ".join(p for p in (v.district, v.address) if p) for v in data.visits
            ]
            sep = "、" if self.ctx.zh else ", "
            visits["offer"] = [sep.join(v.offers) for v in data.visits]
        self.sections["visits"].set_frame(visits)
        self.sections["tasks"].set_frame(_frame(data.tasks, ["client_id", "due_on"]))
        self.sections["flags"].set_frame(self._flag_frame(data.flags), data.flags_total)
        self.sections["dates"].set_frame(_frame(data.dates, ["client_id", "on"]))
        self.loaded.emit()

    def _flag_frame(self, groups: list[agenda.ClientFlags]) -> pd.DataFrame:
        sep = "、" if self.ctx.zh else "; "
        rows = [
            {
                "client_id": g.client_id,
                "rm": g.rm,
                "severity": g.severity,
                "name": g.name,
                "rules": sep.join(f.rule for f in g.flags),
                "priority": g.priority,
            }
            for g in groups
        ]
        return pd.DataFrame(
            rows, columns=["client_id", "rm", "severity", "name", "rules", "priority"]
        )

    def _show_branch(self, data: agenda.BranchAgenda) -> None:
        self.sections["tasks"].set_frame(_frame(data.tasks, ["client_id", "due_on"]))
        self.sections["overdue_tasks"].set_frame(_frame(data.overdue_tasks, ["client_id"]))
        self.sections["new_high_flags"].set_frame(self._flag_frame(data.new_high_flags))
        visits = _frame(data.overdue_visits, ["client_id", "name"])
        if len(visits):
            visits["rm"] = [data.visit_rms.get(v.visit_id, "") for v in data.overdue_visits]
            visits["status_text"] = [
                labels.label(labels.VISIT_STATUSES, v.status) for v in data.overdue_visits
            ]
        self.sections["overdue_visits"].set_frame(visits)
        quiet = _frame(data.quiet_rms, ["user_id", "name", "last_contact"])
        self.sections["quiet_rms"].set_frame(quiet)

    # --- acting ------------------------------------------------------------------------------
    def _open(self, key: str) -> None:
        row = self.sections[key].current()
        if row is None:
            self.message.setText(self.tr("Choose a row first."))
            return
        self.client_requested.emit(int(row["client_id"]))

    def _on_task(self, section: Section, action: Callable[[TaskRef], None]) -> None:
        row = section.current()
        if row is None:
            self.message.setText(self.tr("Choose a task first."))
            return
        action(
            TaskRef(
                int(row["task_id"]),
                int(row["version"]),
                int(row["client_id"]),
                str(row["name"]),
                str(row["title"]),
                row["due_on"],
                str(row["assignee"]),
            )
        )

    def _task_changed(self) -> None:
        self.changed.emit()
        self.refresh()

    def _complete_visit(self) -> None:
        row = self.sections["visits"].current()
        if row is None:
            self.message.setText(self.tr("Choose a visit first."))
            return
        dialog = CompleteDialog(str(row["name"]), self.day, self.ctx.today, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        engine, who, today = self.ctx.db.engine, self.ctx.user, self.ctx.today
        self._write(
            self.tr("Recording the visit"),
            lambda: visit_actions.complete(
                engine,
                int(row["visit_id"]),
                version=int(row["version"]),
                outcome=values.outcome,
                notes=values.notes,
                next_step=values.next_step,
                follow_up_on=values.follow_up_on,
                at=values.at(today),
                now=clock_on(today),
                who=who,
            ),
            self.tr("Visit to %1 recorded as done.").replace("%1", str(row["name"])),
        )

    def _move_visit(self) -> None:
        """Another day for the chosen visit (it becomes planned, last in that day's route)."""
        row = self.sections["visits"].current()
        if row is None:
            self.message.setText(self.tr("Choose a visit first."))
            return
        today = self.ctx.today
        dialog = DayDialog(
            self.tr("Move the visit to %1").replace("%1", str(row["name"])),
            self.tr("New day"),
            self.day + dt.timedelta(days=1),
            today,
            self,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        day, engine, who = dialog.value(), self.ctx.db.engine, self.ctx.user
        self._write(
            self.tr("Moving the visit"),
            lambda: visit_actions.move(
                engine, int(row["visit_id"]), day, version=int(row["version"]), today=today, who=who
            ),
        )

    def _write(self, title: str, work: Callable[[], object], said: str = "") -> None:
        """A change from this screen: then the day again, and the other views told."""

        def done(_r: object) -> None:
            self.message.setText(said)
            self.changed.emit()
            self.refresh()

        def failed(exc: BaseException, trace: str) -> None:
            self.refresh()
            error_handler(self)(exc, trace)

        self.ctx.runner.run(
            title, lambda _p: work(), done, failed, write=True, window=self.window()
        )

    def _print_pack(self) -> None:
        if not self.sections["visits"].table.model_.rowCount():
            self.message.setText(self.tr("No visits on this day to print."))
            return
        print_day_pack(self.ctx, self, self.ctx.user.id, self.day)
