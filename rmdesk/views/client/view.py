"""The client view: one client organised by the 7P of client analysis.

概况 Profile, 忠诚度 Loyalty, 利润贡献 Contribution, 业绩 Performance, 潜力 Potential, 产品
Products, 营销 Marketing, under a header with the key figures. It opens when the RM
double-clicks a client in the book (``show_client``). The RM acts here on flags
(acknowledge, resolve, dismiss with a reason, snooze), records suggestion outcomes and logs
contacts; every write goes through the runner's writer lane, then the client is read again
and ``changed`` tells the other views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.clients import profile as client_profile
from rmdesk.services.clients.contribution_detail import Breakdown, client_breakdown
from rmdesk.services.clients.profile import ClientProfile, ProfileError
from rmdesk.services.common import parameters
from rmdesk.services.common.access import AccessDenied, scope_of
from rmdesk.services.common.progress import Progress
from rmdesk.services.engine import risk_flags, suggestions
from rmdesk.services.visits import contacts
from rmdesk.services.visits.contacts import ContactError
from rmdesk.views.client.contribution import ContributionPanel, PerformancePanel
from rmdesk.views.client.dialogs import DeclineDialog, FlagActionDialog
from rmdesk.views.client.marketing import MarketingPanel, PotentialPanel
from rmdesk.views.client.panels import Header, LoyaltyPanel, ProductsPanel, ProfilePanel
from rmdesk.views.widgets.context import ViewContext, error_handler
from rmdesk.views.widgets.printouts import print_brief


@dataclass
class Loaded:
    profile: ClientProfile
    breakdown: Breakdown


class ClientView(QWidget):
    changed = Signal()
    loaded = Signal(int)  # the client id, once it is on screen

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("ClientView")
        self.client_id: int | None = None
        self.data: Loaded | None = None
        self.header = Header(ctx, self)
        self.placeholder = QLabel(self.tr("Double-click a client in the book to open it."), self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("client_tabs")
        self.profile = ProfilePanel(ctx, self)
        self.loyalty = LoyaltyPanel(ctx, self)
        self.contribution = ContributionPanel(ctx, self)
        self.performance = PerformancePanel(ctx, self)
        self.potential = PotentialPanel(ctx, self)
        self.products = ProductsPanel(ctx, self)
        self.marketing = MarketingPanel(ctx, self)
        for panel, title in (
            (self.profile, self.tr("Profile")),
            (self.loyalty, self.tr("Loyalty")),
            (self.contribution, self.tr("Contribution")),
            (self.performance, self.tr("Performance")),
            (self.potential, self.tr("Potential")),
            (self.products, self.tr("Products")),
            (self.marketing, self.tr("Marketing")),
        ):
            self.tabs.addTab(panel, title)
        self.suggestions = self.potential.suggestions
        self.flags = self.potential.flags
        self.form = self.marketing.form
        self.suggestions.outcome_requested.connect(self.record_outcome)
        self.flags.action_requested.connect(self.flag_button)
        self.form.submitted.connect(self.log_contact)
        self.marketing.task_actions.changed.connect(self._task_changed)
        self.print_button = QPushButton(self.tr("Print brief…"), self)
        self.print_button.setObjectName("print_brief")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setToolTip(
            self.tr("A PDF brief to take to the visit (Ctrl+P): preview, print or save")
        )
        self.print_button.clicked.connect(self.print_brief)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self._showing(False)

    def _showing(self, on: bool) -> None:
        self.placeholder.setVisible(not on)
        self.header.setVisible(on)
        self.print_button.setVisible(on)
        self.tabs.setVisible(on)

    # --- reading ---------------------------------------------------------------------------
    def show_client(self, client_id: int) -> None:
        """Open ``client_id``: note the view in the audit trail, then read the client."""
        if client_id != self.client_id:
            self.form.clear()
            self.tabs.setCurrentIndex(0)
        self.client_id = client_id
        engine, who = self.ctx.db.engine, self.ctx.user
        self.ctx.runner.run(
            self.tr("Opening the client"),
            lambda _p: client_profile.record_view(engine, client_id, who=who),
            lambda _r: self.refresh(),
            self._failed,
            write=True,
        )

    def _failed(self, exc: BaseException, trace: str) -> None:
        if isinstance(exc, ProfileError | AccessDenied):  # said in the interface language
            self._warn(self.ctx.text(exc.zh, exc.en))
        else:
            error_handler(self)(exc, trace)

    def refresh(self) -> None:
        """Read the client shown again (after a write here or elsewhere)."""
        client_id = self.client_id
        if client_id is None:
            return
        ctx = self.ctx
        scope = scope_of(ctx.user)
        rm_id, branch_id = scope.rm_id, scope.branch_id
        engine, today = ctx.db.engine, ctx.today

        def work(_progress: Progress) -> Loaded:
            profile = client_profile.load(
                engine,
                client_id,
                today=today,
                rm_id=rm_id,
                branch_id=branch_id,
                who=self.ctx.user,
            )
            return Loaded(
                profile, client_breakdown(engine, client_id, profile.as_of, who=self.ctx.user)
            )

        ctx.runner.run(self.tr("Reading the client"), work, self._loaded, self._failed, window=self)

    def _loaded(self, data: Loaded) -> None:
        if data.profile.client_id != self.client_id:
            return  # an older read finished after the RM opened another client
        keep_suggestion = self._current_id(self.suggestions.current())
        keep_flag = self._current_id(self.flags.current())
        self.data = data
        p = data.profile
        self.header.show_profile(p)
        self.profile.show_profile(p)
        self.loyalty.show_profile(p)
        self.contribution.show_profile(p, data.breakdown)
        self.performance.show_profile(p)
        self.suggestions.show_profile(p, keep_suggestion)
        self.flags.show_profile(p, keep_flag)
        self.products.show_profile(p)
        self.marketing.show_profile(p)
        self._showing(True)
        self.loaded.emit(p.client_id)

    def next_visit(self) -> tuple[dt.date | None, str | None]:
        """The client's next planned or proposed visit from today: its day and purpose."""
        if self.data is None:
            return None, None
        visits = self.data.profile.visits
        if visits.empty:
            return None, None
        ahead = visits[
            visits["status"].isin(["planned", "proposed"])
            & (visits["planned_on"] >= pd.Timestamp(self.ctx.today))
        ].sort_values("planned_on")
        if ahead.empty:
            return None, None
        first = ahead.iloc[0]
        purpose = first["purpose_zh" if self.ctx.zh else "purpose_en"] or None
        return first["planned_on"].date(), purpose

    def print_brief(self) -> None:
        """Make the client's brief for the next visit and open it in the print preview."""
        if self.data is None:
            return
        p = self.data.profile
        visit_on, purpose = self.next_visit()
        print_brief(self.ctx, self, p.client_id, p.external_id, visit_on=visit_on, purpose=purpose)

    @staticmethod
    def _current_id(row: Any) -> int | None:
        return None if row is None else int(row["id"])

    # --- writing ---------------------------------------------------------------------------
    def _write(self, title: str, work: Callable[[], object]) -> None:
        def done(_result: object) -> None:
            self.changed.emit()
            self.refresh()

        self.ctx.runner.run(
            title,
            lambda _p: work(),
            done,
            error_handler(self),
            write=True,
            window=self,
        )

    def _warn(self, text: str) -> None:
        QMessageBox.warning(self, self.tr("rmdesk"), text)

    def record_outcome(self, outcome: str, note: str = "") -> None:
        """Record pitched / accepted / declined (asking why) / not now for the selected
        suggestion, or undo its last outcome (reopened)."""
        row = self.suggestions.current()
        if row is None:
            self._warn(self.tr("Select a suggestion first."))
            return
        reason = None
        if outcome == "declined":
            dialog = DeclineDialog(self.ctx, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            reason, note = dialog.values()
        engine = self.ctx.db.engine
        sid, version = int(row["id"]), int(row["version"])
        self._write(
            self.tr("Recording the outcome"),
            lambda: suggestions.record_outcome(
                engine,
                sid,
                outcome,
                reason=reason,
                note=note.strip() or None,
                version=version,
                who=self.ctx.user,
            ),
        )

    def flag_button(self, action: str) -> None:
        """A lifecycle button: dismiss and snooze ask for a reason / a date first."""
        if action in ("dismiss", "snooze"):
            titles = {"dismiss": self.tr("Dismiss the flag"), "snooze": self.tr("Snooze the flag")}
            quiet = parameters.load(self.ctx.db.engine).dismiss_quiet_days
            dialog = FlagActionDialog(
                action, self.ctx.today, titles[action], self, quiet_days=quiet
            )
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            reason, until = dialog.values()
            self.act_on_flag(action, reason=reason, until=until)
        else:
            self.act_on_flag(action)

    def act_on_flag(self, action: str, *, reason: str = "", until: dt.date | None = None) -> None:
        """Acknowledge, resolve, dismiss (a reason is required) or snooze the selected flag."""
        row = self.flags.current()
        if row is None:
            self._warn(self.tr("Select a flag first."))
            return
        if action == "dismiss" and not reason.strip():
            self._warn(self.tr("Say why the flag is dismissed: a reason is required."))
            return
        if action == "snooze" and (until is None or until <= self.ctx.today):
            self._warn(self.tr("Choose a day after today to snooze the flag until."))
            return
        ctx = self.ctx
        engine = ctx.db.engine
        flag_id, version = int(row["id"]), int(row["version"])
        self._write(
            self.tr("Updating the flag"),
            lambda: risk_flags.act(
                engine,
                flag_id,
                action,
                version=version,
                reason=reason.strip() or None,
                until=until,
                today=ctx.today,
                who=self.ctx.user,
            ),
        )

    def _task_changed(self) -> None:
        self.changed.emit()
        self.refresh()

    def log_contact(self) -> None:
        """Log the contact in the form; bad input is named under the form and nothing is written."""
        if self.client_id is None:
            return
        contact = self.form.contact(self.client_id)
        engine = self.ctx.db.engine
        self.form.message.clear()
        show_error = error_handler(self)

        def failed(exc: BaseException, trace: str) -> None:
            if isinstance(exc, ContactError):
                self.form.message.setText(self.ctx.text(exc.zh, exc.en))
                self.form.focus_field(exc.field)
            else:
                show_error(exc, trace)

        def work() -> int:
            return contacts.log_contact(engine, contact, who=self.ctx.user)

        def done(_result: object) -> None:
            self.form.clear()
            self.changed.emit()
            self.refresh()

        self.ctx.runner.run(
            self.tr("Logging the contact"),
            lambda _p: work(),
            done,
            failed,
            write=True,
            window=self,
        )
