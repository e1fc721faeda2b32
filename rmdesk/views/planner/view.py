"""The visit planner (走访计划): an RM's visits by week or month, the proposed plan, the clients
overdue for contact, and the RM's actions on visits.

An RM sees their own plan; a branch head picks one of the branch's RMs, an administrator any RM.
The rules are the services': ``visit_planner`` proposes, ``visit_actions`` changes one visit
against the version the screen read (a visit someone else changed meanwhile is refused and the
screen reloads, keeping what the user typed for the next try), ``visit_calendar`` knows the
working days and writes the .ics file; ``visit_views`` reads for this screen. The action buttons,
and when each is enabled, are the transition table's (``visits.transitions``).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QDate,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.common.access import scope_of
from rmdesk.services.visits.screen import (
    PlannerData,
    PlannerRm,
    planner_data,
    planner_rms,
)
from rmdesk.services.visits.transitions import PERSON_ACTIONS, TRANSITIONS
from rmdesk.views.planner.actions import ACTION_BUTTONS, PlannerActions
from rmdesk.views.planner.calendar import (
    DAY_ROLE,
    STATUS_COLOURS,
    STATUS_MARKS,
    VISIT_ROLE,
    VISITS_ROLE,
    MonthModel,
    VisitItem,
    WeekModel,
    by_day,
    calendar_table,
    status_text,
    visit_tooltip,
)
from rmdesk.views.planner.columns import overdue_columns, plan_columns
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.data_table import DataTable

log = logging.getLogger(__name__)


class PlannerView(QWidget):
    client_requested = Signal(int)
    changed = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("PlannerView")
        self.rms: list[PlannerRm] = []
        self.rm_id: int | None = scope_of(ctx.user).rm_id
        self.mode = "week"
        self.anchor = ctx.today
        self.data: PlannerData | None = None
        self._source = "calendar"  # the selection the actions apply to: "calendar" or "list"
        self._loads = 0  # only the latest load is shown (an older one may finish after it)
        self._to_next_visit = True  # open on the next visit's week if this one has none to come
        self.plan_actions = PlannerActions(self, self)
        self._build_toolbar()
        self._build_action_buttons()
        self._build_calendar()
        self._build_lists()
        self._lay_out()
        self._connect_signals()
        self._update_actions()

    def _build_toolbar(self) -> None:
        """The RM chooser, week or month, the period shown and the plan's own buttons."""
        self.rm_combo = QComboBox(self)
        self.rm_combo.setObjectName("rm")
        self.rm_combo.setMinimumWidth(180)
        self.rm_label = QLabel(self.tr("Relationship manager"), self)
        chooser = not self.ctx.user.is_rm
        self.rm_combo.setVisible(chooser)
        self.rm_label.setVisible(chooser)
        self.week_button = self._tool(self.tr("Week"), checkable=True)
        self.month_button = self._tool(self.tr("Month"), checkable=True)
        self.week_button.setChecked(True)
        group = QButtonGroup(self)
        group.setExclusive(True)
        group.addButton(self.week_button)
        group.addButton(self.month_button)
        self.prev_button = self._tool("◀", tip=self.tr("Previous"))
        self.today_button = self._tool(self.tr("Today"))
        self.next_button = self._tool("▶", tip=self.tr("Next"))
        self.period = QLabel(self)
        self.period.setObjectName("period")
        self.period.setStyleSheet("font-weight: bold")
        self.propose_button = QPushButton(self.tr("Propose plan…"), self)
        self.export_button = QPushButton(self.tr("Export to calendar (.ics)…"), self)
        self.pack_button = QPushButton(self.tr("Print day pack…"), self)
        self.pack_button.setObjectName("print_day_pack")
        self.pack_button.setToolTip(
            self.tr(
                "The visits of the selected day (or of the next working day): a cover in route "
                "order, then every client's brief"
            )
        )

    def _build_action_buttons(self) -> None:
        """The buttons that act on the selected visits: one per action of the transition table
        a person takes, in its order (they are connected in ``_connect_signals``)."""
        self.action_buttons: dict[str, QPushButton] = {}
        for action in PERSON_ACTIONS:
            button = QPushButton(self.tr(str(ACTION_BUTTONS[action])), self)
            button.setObjectName(f"visit_{action}")
            button.setToolTip(self.plan_actions.possible_for(action))
            self.action_buttons[action] = button
        self.accept_button = self.action_buttons["accept"]
        self.accept_all_button = QPushButton(self.tr("Accept all proposed"), self)
        self.move_button = self.action_buttons["move"]
        self.cancel_button = self.action_buttons["cancel"]
        self.complete_button = self.action_buttons["complete"]
        self.open_button = QPushButton(self.tr("Open client"), self)

    def _build_calendar(self) -> None:
        """The week and the month, one shown at a time, with the legend and the details."""
        locale = self.ctx.formats.locale
        self.week_model = WeekModel(locale, self.ctx.language, self)
        self.month_model = MonthModel(locale, self.ctx.language, self)
        self.week = calendar_table(self.week_model, 46, self)
        self.week.setObjectName("week")
        self.week.verticalHeader().setVisible(False)
        self.month = calendar_table(self.month_model, 96, self)
        self.month.setObjectName("month")
        rows = self.month.verticalHeader()
        rows.setMinimumSectionSize(64)  # a day number and two visits
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)  # six weeks fit without scrolling
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.week)
        self.stack.addWidget(self.month)
        legend = "   ".join(
            f"<span style='background:{STATUS_COLOURS[s]}'>&nbsp;{STATUS_MARKS[s]}&nbsp;</span> "
            f"{status_text(s)}"
            for s in STATUS_COLOURS
        )
        self.legend = QLabel(legend, self)
        self.details = QLabel(self)
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMinimumHeight(54)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

    def _build_lists(self) -> None:
        """The proposed plan and the overdue contacts as tabs, and the message line."""
        ctx = self.ctx
        self.proposed = DataTable(ctx, plan_columns(ctx), "PlannerView", "proposed-plan", self)
        self.proposed.setObjectName("proposed")
        self.overdue = DataTable(ctx, overdue_columns(ctx), "PlannerView", "overdue-contacts", self)
        self.overdue.setObjectName("overdue")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.proposed, self.tr("Proposed plan"))
        self.tabs.addTab(self.overdue, self.tr("Overdue contacts"))
        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        for widget in (self.rm_label, self.rm_combo, self.week_button, self.month_button):
            top.addWidget(widget)
        top.addSpacing(12)
        for widget in (self.prev_button, self.today_button, self.next_button, self.period):
            top.addWidget(widget)
        top.addStretch(1)
        for button in (self.propose_button, self.export_button, self.pack_button):
            top.addWidget(button)
        actions = QHBoxLayout()
        for action, button in self.action_buttons.items():
            actions.addWidget(button)
            if action == "accept":
                actions.addWidget(self.accept_all_button)
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.stack, 1)
        column.addWidget(self.legend)
        column.addWidget(self.details)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

    def _connect_signals(self) -> None:
        actions = self.plan_actions
        actions.changed.connect(self.changed)
        self.rm_combo.currentIndexChanged.connect(self._rm_chosen)
        self.week_button.clicked.connect(lambda: self.set_mode("week"))
        self.month_button.clicked.connect(lambda: self.set_mode("month"))
        self.prev_button.clicked.connect(lambda: self.go(-1))
        self.next_button.clicked.connect(lambda: self.go(1))
        self.today_button.clicked.connect(self.go_today)
        self.propose_button.clicked.connect(actions.propose_dialog)
        self.export_button.clicked.connect(actions.export_dialog)
        self.pack_button.clicked.connect(lambda: actions.print_day_pack())
        for action, button in self.action_buttons.items():
            button.clicked.connect(partial(actions.selected, action))
        self.accept_all_button.clicked.connect(actions.accept_all)
        self.open_button.clicked.connect(self.open_selected)
        for table in (self.week, self.month):
            table.selectionModel().selectionChanged.connect(self._calendar_selected)
            table.customContextMenuRequested.connect(self._menu)
        # activated: a double-click (or the platform's click) and Enter on the current cell
        self.week.activated.connect(self._week_activated)
        self.month.activated.connect(self._month_activated)
        for table in (self.proposed, self.overdue):
            table.row_activated.connect(lambda r: self.client_requested.emit(int(r.client_id)))
        self.proposed.selectionModel().selectionChanged.connect(self._list_selected)

    def _tool(self, text: str, *, checkable: bool = False, tip: str = "") -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setCheckable(checkable)
        button.setToolTip(tip)
        button.setAutoRaise(not checkable)
        return button

    # --- the period shown ------------------------------------------------------------------
    def span(self) -> tuple[dt.date, dt.date]:
        """The first and last day on screen: a week, or the weeks that touch the month."""
        if self.mode == "week":
            first = self.anchor - dt.timedelta(days=self.anchor.weekday())
            return first, first + dt.timedelta(days=6)
        start = self.anchor.replace(day=1)
        end = (start + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        return start - dt.timedelta(days=start.weekday()), end + dt.timedelta(6 - end.weekday())

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.week_button.setChecked(mode == "week")
        self.month_button.setChecked(mode == "month")
        self.stack.setCurrentWidget(self.week if mode == "week" else self.month)
        self.refresh()

    def go(self, step: int) -> None:
        """One week or month back (-1) or on (+1)."""
        if self.mode == "week":
            self.anchor += dt.timedelta(days=7 * step)
        else:
            month = self.anchor.year * 12 + self.anchor.month - 1 + step
            self.anchor = dt.date(month // 12, month % 12 + 1, 1)
        self.refresh()

    def go_today(self) -> None:
        self.anchor = self.ctx.today
        self.refresh()

    def show_day(self, day: dt.date, mode: str = "week") -> None:
        self.anchor = day
        self.set_mode(mode)

    def _rm_chosen(self, index: int) -> None:
        rm_id = self.rm_combo.itemData(index)
        if rm_id is not None and rm_id != self.rm_id:
            self.rm_id = int(rm_id)
            self.plan_actions.drafts.clear()
            self.anchor, self._to_next_visit = self.ctx.today, True
            self.refresh()

    # --- loading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        engine, user, ctx = self.ctx.db.engine, self.ctx.user, self.ctx
        first, last = self.span()
        chosen = self.rm_id
        self._loads += 1
        token = self._loads

        def work(progress: Any) -> tuple[list[PlannerRm], PlannerData | None]:
            rms = planner_rms(engine, who=user)
            ids = [rm.id for rm in rms]
            rm_id = chosen if chosen in ids else (ids[0] if ids else None)
            if rm_id is None:
                return rms, None
            data = planner_data(
                engine,
                rm_id,
                start=first,
                end=last,
                today=ctx.today,
                language=ctx.language,
                progress=progress,
                who=self.ctx.user,
            )
            return rms, data

        self.ctx.runner.run(
            self.tr("Loading the visit plan"),
            work,
            lambda loaded: self._show(loaded) if token == self._loads else None,
            error_handler(self),
            window=self.window(),
            cancellable=False,
        )

    def _show(self, loaded: tuple[list[PlannerRm], PlannerData | None]) -> None:
        rms, data = loaded
        keep = {v.visit_id for v in self.selected_visits()}
        self.rms, self.data = rms, data
        self.rm_id = data.rm_id if data is not None else None
        self.rm_combo.blockSignals(True)
        self.rm_combo.clear()
        for rm in rms:
            text = f"{rm.display_name} ({rm.username})"
            if self.ctx.user.is_admin and rm.branch_name:
                text = f"{rm.branch_name} · {text}"
            self.rm_combo.addItem(text, rm.id)
        self.rm_combo.setCurrentIndex(self.rm_combo.findData(self.rm_id))
        self.rm_combo.blockSignals(False)
        if data is None:
            self.message.setText(
                self.tr("There is no relationship manager whose plan you can open.")
            )
            self._update_actions()
            return
        if self._to_next_visit:
            self._to_next_visit = False
            if data.next_visit is not None and data.next_visit > data.end:
                self.anchor = data.next_visit
                self.refresh()
                return
        visits = by_day(data.visits)
        first, last = data.start, data.end
        if self.mode == "week":
            self.week_model.set_plan(first, data.days, visits, self.ctx.today)
            self.period.setText(
                self.tr("%1 – %2")
                .replace("%1", self.ctx.formats.date(first))
                .replace("%2", self.ctx.formats.date(last))
            )
            for visit_id in keep:
                index = self.week_model.index_of(visit_id)
                if index.isValid():
                    self.week.selectionModel().select(
                        index, QItemSelectionModel.SelectionFlag.Select
                    )
        else:
            weeks = ((last - first).days + 1) // 7
            month = (self.anchor.year, self.anchor.month)
            self.month_model.set_month(month, first, weeks, data.days, visits, self.ctx.today)
            shown = QDate(self.anchor.year, self.anchor.month, 1)
            self.period.setText(self.ctx.formats.locale.toString(shown, self.tr("MMMM yyyy")))
        self.proposed.set_frame(data.proposed)
        self.overdue.set_frame(data.overdue)
        self.tabs.setTabText(
            0,
            self.tr("Proposed plan (%1)").replace(
                "%1", self.ctx.formats.integer(len(data.proposed))
            ),
        )
        self.tabs.setTabText(
            1,
            self.tr("Overdue contacts (%1)").replace(
                "%1", self.ctx.formats.integer(len(data.overdue))
            ),
        )
        self._update_actions()
        log.info("visit plan on screen: rm %s, %s to %s, %d visits", data.rm_id, first, last,
                 len(data.visits))  # fmt: skip

    # --- selection --------------------------------------------------------------------------
    def selected_visits(self) -> list[VisitItem]:
        """The visits the actions apply to: the calendar's selection, or the proposed list's."""
        if self._source == "list":
            return [VisitItem.from_row(row) for row in self.proposed.selected_rows()]
        items: list[VisitItem] = []
        if self.mode == "week":
            for index in self.week.selectionModel().selectedIndexes():
                item = index.data(VISIT_ROLE)
                if isinstance(item, VisitItem):
                    items.append(item)
        else:
            for index in self.month.selectionModel().selectedIndexes():
                items.extend(index.data(VISITS_ROLE) or [])
        return sorted(items, key=lambda v: (v.planned_on, v.slot, v.visit_id))

    def selected_day(self) -> dt.date | None:
        """The calendar day selected (the first, if more), or None."""
        table = self.week if self.mode == "week" else self.month
        selected = table.selectionModel().selectedIndexes()
        if not selected:
            return None
        index = selected[0]
        if self.mode == "week":
            return self.week_model.day_of(index.column())
        return self.month_model.day_at(index.row(), index.column())

    def _calendar_selected(self) -> None:
        self._source = "calendar"
        self.proposed.selectionModel().blockSignals(True)
        self.proposed.clearSelection()
        self.proposed.selectionModel().blockSignals(False)
        self._update_actions()

    def _list_selected(self) -> None:
        self._source = "list"
        for table in (self.week, self.month):
            table.selectionModel().blockSignals(True)
            table.clearSelection()
            table.selectionModel().blockSignals(False)
        self._update_actions()

    def _update_actions(self) -> None:
        items = self.selected_visits()
        statuses = {v.status for v in items}
        loaded = self.data is not None
        for action, button in self.action_buttons.items():
            rule = TRANSITIONS[action]
            fits = bool(statuses & {s.value for s in rule.before})
            button.setEnabled(fits if rule.many else len(items) == 1 and fits)
        self.accept_all_button.setEnabled(
            loaded and self.data is not None and len(self.data.proposed) > 0
        )
        self.open_button.setEnabled(len({v.client_id for v in items}) == 1)
        self.propose_button.setEnabled(loaded)
        self.export_button.setEnabled(loaded)
        if len(items) == 1:
            item = items[0]
            when = self.tr("%1, stop %2").replace("%1", self.ctx.formats.date(item.planned_on))
            text = visit_tooltip(item, self.ctx.language).split("\n")
            self.details.setText(
                "\n".join([f"{text[0]} — {when.replace('%2', str(item.slot))}", *text[1:]])
            )
        elif items:
            self.details.setText(
                labels.counted(
                    len(items), self.tr("1 visit selected"), self.tr("%1 visits selected")
                )
            )
        else:
            self.details.setText(self.tr("Select a visit to see why it is planned."))

    def _week_activated(self, index: QModelIndex) -> None:
        item = index.data(VISIT_ROLE)
        if isinstance(item, VisitItem):
            self.client_requested.emit(item.client_id)

    def _month_activated(self, index: QModelIndex) -> None:
        day = index.data(DAY_ROLE)
        if isinstance(day, dt.date):
            self.show_day(day, "week")

    def open_selected(self) -> None:
        items = self.selected_visits()
        if items:
            self.client_requested.emit(items[0].client_id)

    def _menu(self, point: QPoint) -> None:
        table = self.sender()
        if not isinstance(table, QTableView):
            return
        menu = QMenu(self)
        for button in (self.open_button, *self.action_buttons.values()):
            action = menu.addAction(button.text())
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
        menu.exec(table.viewport().mapToGlobal(point))
