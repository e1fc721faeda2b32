"""The RM's changes to the visit plan, behind the planner view's buttons.

Each change goes to the services with the version of each visit as the screen read it. When the
service refuses (someone else changed the visit, a day in the past, an empty reason), the view
reloads and the message is shown; what the user typed is kept in ``drafts`` and offered again
when the dialog is next opened. A non-working day is asked about before a move: the service
allows it, since the RM knows whether the client will see them then (docs/visit-planner.md §6).

The actions know their screen only as a ``PlannerHost`` (what they read and call on it) and the
widget that parents their dialogs, so this module never imports the view that holds them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QWidget

from rmdesk.services.visits import actions as visit_actions
from rmdesk.services.visits.calendar import export_ics
from rmdesk.services.visits.planner import propose_plan
from rmdesk.services.visits.screen import (
    BatchResult,
    Day,
    PlannerData,
    PlannerRm,
    accept_visits,
    calendar_days,
    cancel_visits,
    first_working_day,
    move_visits,
)
from rmdesk.services.visits.transitions import STATUSES, TRANSITIONS
from rmdesk.views.planner.calendar import VisitItem, status_text
from rmdesk.views.planner.dialogs import CancelDialog, MoveDialog, ProposeDialog
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.printouts import print_day_pack
from rmdesk.views.widgets.visit_dialogs import CompleteDialog, CompletionInput, clock_on

#: the words on the button of each action a person takes on visits; which buttons there are,
#: and when each is enabled, is the services' table (``visits.transitions``)
ACTION_BUTTONS = {
    "accept": QT_TRANSLATE_NOOP("PlannerView", "Accept"),
    "move": QT_TRANSLATE_NOOP("PlannerView", "Move…"),
    "cancel": QT_TRANSLATE_NOOP("PlannerView", "Cancel visit…"),
    "complete": QT_TRANSLATE_NOOP("PlannerView", "Record as done…"),
}


def takes(action: str, items: list[VisitItem]) -> list[VisitItem]:
    """The visits among ``items`` whose status allows ``action`` (the services' table)."""
    before = TRANSITIONS[action].before
    return [v for v in items if v.status in before]


class PlannerHost(Protocol):
    """What the actions need from the screen that holds them (the planner view)."""

    ctx: ViewContext
    #: where the outcome of an action is said
    message: QLabel
    #: the RM whose plan is shown, None when there is none
    rm_id: int | None
    #: the RMs that may be chosen
    rms: list[PlannerRm]
    #: the day the period shown is built around
    anchor: dt.date
    #: the plan as last loaded
    data: PlannerData | None

    def refresh(self) -> None:
        """Read the plan again and show it."""

    def selected_visits(self) -> list[VisitItem]:
        """The visits the actions apply to."""

    def selected_day(self) -> dt.date | None:
        """The calendar day selected, if any."""

    def span(self) -> tuple[dt.date, dt.date]:
        """The first and last day shown."""


class PlannerActions(QObject):
    """Accept, move, cancel, complete, propose and export for one planner screen."""

    changed = Signal()  # a write changed the plan

    def __init__(self, host: PlannerHost, parent: QWidget) -> None:
        """``host`` is read and called; ``parent`` owns the actions and parents their
        dialogs (for the planner view, both are the view)."""
        super().__init__(parent)
        self.host = host
        self.widget = parent
        self.ctx = host.ctx
        #: what the user typed for a change the service refused, offered again on the next try
        self.drafts: dict[str, Any] = {}

    def _statuses(self, action: str) -> str:
        """The statuses ``action`` is taken from, in words: "proposed, planned or missed"."""
        names = [status_text(s).lower() for s in STATUSES if s in TRANSITIONS[action].before]
        if len(names) < 2:
            return "".join(names)
        return self.tr(", ").join(names[:-1]) + self.tr(" or ") + names[-1]

    def possible_for(self, action: str) -> str:
        """The tooltip of an action's button: which visits it is for, from the table."""
        return self.tr("For a %1 visit").replace("%1", self._statuses(action))

    def select_first(self, action: str) -> str:
        """What to say when nothing selected allows ``action``."""
        return self.tr("Select a %1 visit first.").replace("%1", self._statuses(action))

    def _run_write(self, title: str, work: Any, done: Any) -> None:
        window = self.widget.window()
        self.ctx.runner.run(title, work, done, self._failed, write=True, window=window)

    def _failed(self, exc: BaseException, trace: str) -> None:
        """A refused change: reload (the visit may have changed), then say why."""
        self.host.refresh()
        error_handler(self.widget)(exc, trace)

    def _batch_done(self, result: BatchResult, items: list[VisitItem], done_text: str) -> None:
        names = {v.visit_id: v.name for v in items}
        self.host.message.setText(done_text.replace("%1", str(len(result.done))))
        if result.done:
            self.changed.emit()
        self.host.refresh()
        if result.refused:
            head = self.tr("%1 of %2 visit(s) were not changed:")
            lines = [f"{names.get(vid, vid)}: {why}" for vid, why in result.refused[:10]]
            QMessageBox.warning(
                self.widget,
                self.tr("Visit plan"),
                head.replace("%1", str(len(result.refused))).replace("%2", str(len(items)))
                + "\n\n"
                + "\n".join(lines),
            )

    def accept_selected(self) -> None:
        self.accept(takes("accept", self.host.selected_visits()))

    def selected(self, action: str) -> None:
        """Take ``action`` (one of the table's person actions) on the selected visits."""
        {
            "accept": self.accept_selected,
            "move": self.move_selected,
            "cancel": self.cancel_selected,
            "complete": self.complete_selected,
        }[action]()

    def accept_all(self) -> None:
        if self.host.data is not None:
            self.accept(
                [VisitItem.from_row(r) for r in self.host.data.proposed.itertuples(index=False)]
            )

    def accept(self, items: list[VisitItem]) -> None:
        """Take proposed visits into the plan."""
        if not items:
            self.host.message.setText(self.select_first("accept"))
            return
        engine = self.ctx.db.engine
        refs = [(v.visit_id, v.version) for v in items]
        self._run_write(
            self.tr("Accepting visits"),
            lambda p: accept_visits(engine, refs, progress=p, who=self.ctx.user),
            lambda r: self._batch_done(r, items, self.tr("%1 visit(s) accepted.")),
        )

    def _days(self, first: dt.date, last: dt.date) -> list[Day]:
        country = self.host.data.holiday_country if self.host.data is not None else "CN"
        return calendar_days(first, last, country, self.ctx.language)

    def move_dialog(self, items: list[VisitItem]) -> MoveDialog:
        chosen = self.drafts.get("move") or items[0].planned_on
        return MoveDialog(len(items), chosen, self.ctx.today, self._days, self.widget)

    def move_selected(self) -> None:
        items = takes("move", self.host.selected_visits())
        if items:
            dialog = self.move_dialog(items)
            if dialog.exec():
                self.move_to(dialog.value(), items)

    def move_to(self, day: dt.date, items: list[VisitItem] | None = None) -> bool:
        """Move visits to ``day``; a non-working day is asked about first (the RM decides).

        Returns whether the move was sent to the service (which refuses a day in the past).
        """
        items = takes("move", self.host.selected_visits()) if items is None else items
        if not items:
            self.host.message.setText(self.select_first("move"))
            return False
        self.drafts["move"] = day
        known = self._days(day, day)[0]
        if day >= self.ctx.today and not known.working:
            why = known.holiday or self.ctx.formats.locale.dayName(day.isoweekday())
            question = (
                self.tr("%1 is not a working day (%2). Move the visit(s) there anyway?")
                .replace("%1", self.ctx.formats.date(day))
                .replace("%2", why)
            )
            answer = QMessageBox.question(
                self.widget,
                self.tr("Visit plan"),
                question,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.host.message.setText(
                    self.tr("Not moved: %1 is not a working day.").replace(
                        "%1", self.ctx.formats.date(day)
                    )
                )
                return False
        engine, today = self.ctx.db.engine, self.ctx.today
        refs = [(v.visit_id, v.version) for v in items]

        def done(result: BatchResult) -> None:
            if not result.refused:
                self.drafts.pop("move", None)
            self._batch_done(result, items, self.tr("%1 visit(s) moved."))

        self._run_write(
            self.tr("Moving visits"),
            lambda p: move_visits(engine, refs, day, today=today, progress=p, who=self.ctx.user),
            done,
        )
        return True

    def cancel_dialog(self, count: int) -> CancelDialog:
        return CancelDialog(count, str(self.drafts.get("cancel", "")), self.widget)

    def cancel_selected(self) -> None:
        items = takes("cancel", self.host.selected_visits())
        if items:
            dialog = self.cancel_dialog(len(items))
            if dialog.exec():
                self.cancel_with(dialog.reason(), items)

    def cancel_with(self, reason: str, items: list[VisitItem] | None = None) -> None:
        items = takes("cancel", self.host.selected_visits()) if items is None else items
        if not items:
            self.host.message.setText(self.select_first("cancel"))
            return
        self.drafts["cancel"] = reason
        engine = self.ctx.db.engine
        refs = [(v.visit_id, v.version) for v in items]

        def done(result: BatchResult) -> None:
            if not result.refused:
                self.drafts.pop("cancel", None)
            self._batch_done(result, items, self.tr("%1 visit(s) cancelled."))

        self._run_write(
            self.tr("Cancelling visits"),
            lambda p: cancel_visits(engine, refs, reason=reason, progress=p, who=self.ctx.user),
            done,
        )

    def complete_dialog(self, item: VisitItem) -> CompleteDialog:
        draft = self.drafts.get(f"complete:{item.visit_id}")
        return CompleteDialog(item.name, item.planned_on, self.ctx.today, draft, self.widget)

    def complete_selected(self) -> None:
        items = takes("complete", self.host.selected_visits())
        if len(items) == 1:
            dialog = self.complete_dialog(items[0])
            if dialog.exec():
                self.complete_with(items[0], dialog.values())

    def complete_with(self, item: VisitItem, values: CompletionInput) -> None:
        """Record ``item`` as done: the service also logs the contact and plans a follow-up."""
        key = f"complete:{item.visit_id}"
        self.drafts[key] = values
        at = values.at(self.ctx.today)
        engine = self.ctx.db.engine

        def done(_result: visit_actions.Completion) -> None:
            self.drafts.pop(key, None)
            text = self.tr("Visit to %1 recorded as done.").replace("%1", item.name)
            if values.follow_up_on is not None:
                text += " " + self.tr("Follow-up planned on %1.").replace(
                    "%1", self.ctx.formats.date(values.follow_up_on)
                )
            self.host.message.setText(text)
            self.changed.emit()
            self.host.refresh()

        self._run_write(
            self.tr("Recording the visit"),
            lambda _p: visit_actions.complete(
                engine,
                item.visit_id,
                version=item.version,
                outcome=values.outcome,
                notes=values.notes,
                next_step=values.next_step,
                follow_up_on=values.follow_up_on,
                at=at,
                now=clock_on(self.ctx.today),
                who=self.ctx.user,
            ),
            done,
        )

    def propose_dialog(self) -> None:
        if self.host.data is None:
            return
        dialog = ProposeDialog(
            self.host.data.plan_start, self.host.data.plan_weeks, self.ctx.today, self.widget
        )
        if dialog.exec():
            self.propose(*dialog.values())

    def propose(self, start: dt.date, weeks: int) -> None:
        """Propose the chosen RM's visits for ``weeks`` weeks from ``start``."""
        if self.host.rm_id is None:
            return
        engine, rm_id = self.ctx.db.engine, self.host.rm_id

        def done(frame: Any) -> None:
            end = start + dt.timedelta(days=7 * weeks - 1)
            text = (
                self.tr("%1 visits proposed from %2 to %3; %4 clients due did not fit.")
                .replace("%1", self.ctx.formats.integer(len(frame)))
                .replace("%2", self.ctx.formats.date(start))
                .replace("%3", self.ctx.formats.date(end))
                .replace("%4", self.ctx.formats.integer(len(frame.attrs.get("unplaced", []))))
            )
            self.host.message.setText(text)
            self.host.anchor = start
            self.changed.emit()
            self.host.refresh()

        self._run_write(
            self.tr("Proposing a visit plan"),
            lambda _p: propose_plan(engine, rm_id, start=start, weeks=weeks, who=self.ctx.user),
            done,
        )

    def export_span(self) -> tuple[dt.date, dt.date]:
        """From today for the plan's weeks, or to the end of what is shown if that is later."""
        weeks = self.host.data.plan_weeks if self.host.data is not None else 4
        last = max(self.ctx.today + dt.timedelta(days=7 * weeks - 1), self.host.span()[1])
        return self.ctx.today, last

    def export_dialog(self) -> None:
        if self.host.rm_id is None:
            return
        rm = next((r.username for r in self.host.rms if r.id == self.host.rm_id), "plan")
        path, _ = QFileDialog.getSaveFileName(
            self.widget,
            self.tr("Export the visit plan"),
            f"visit-plan-{rm}.ics",
            self.tr("Calendar (*.ics)"),
        )
        if path:
            self.export_ics_to(Path(path if path.lower().endswith(".ics") else path + ".ics"))

    def export_ics_to(self, path: Path) -> None:
        """Write the RM's planned visits (from today) to an .ics file any calendar reads."""
        if self.host.rm_id is None:
            return
        engine, rm_id, language = self.ctx.db.engine, self.host.rm_id, self.ctx.language
        first, last = self.export_span()

        def done(events: int) -> None:
            self.host.message.setText(
                self.tr("%1 planned visits from %2 to %3 written to %4")
                .replace("%1", self.ctx.formats.integer(events))
                .replace("%2", self.ctx.formats.date(first))
                .replace("%3", self.ctx.formats.date(last))
                .replace("%4", str(path))
            )

        self._run_write(
            self.tr("Exporting the visit plan"),
            lambda _p: export_ics(
                engine,
                rm_id,
                path,
                start=first,
                end=last,
                language=language,
                always_mask_phones=self.ctx.always_mask_phones,
                who=self.ctx.user,
            ),
            done,
        )

    # --- the day pack ---------------------------------------------------------------------
    def pack_day(self) -> dt.date:
        """The day a day pack is for: the selected visits' or calendar day, else the next
        working day after today."""
        items = self.host.selected_visits()
        if items:
            return items[0].planned_on
        day = self.host.selected_day()
        if day is not None:
            return day
        data = self.host.data
        country = data.holiday_country if data is not None else "CN"
        return first_working_day(self.ctx.today + dt.timedelta(days=1), country)

    def print_day_pack(self, day: dt.date | None = None) -> None:
        """Make the RM's visit-day pack and open it in the print preview."""
        if self.host.rm_id is None:
            return
        print_day_pack(self.ctx, self.widget, self.host.rm_id, day or self.pack_day())
