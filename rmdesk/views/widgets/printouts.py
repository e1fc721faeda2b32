"""The documents the app prints, each made off the GUI thread and shown in the print preview:
a client's brief, an RM's visit-day pack, a branch's (or one RM's) scorecard report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from rmdesk.services.branch.scorecard_kpis import Period
from rmdesk.services.common import parameters
from rmdesk.services.common.access import scope_of
from rmdesk.services.printing import brief, day_pack, scorecard_report
from rmdesk.services.visits.screen import first_working_day
from rmdesk.views.widgets.context import ViewContext
from rmdesk.views.widgets.pdf_preview import PdfPreview, Printout, make_printout

Shown = Callable[[PdfPreview], None]
Refused = Callable[[BaseException], bool]


def _refusal(parent: QWidget, kinds: tuple[type[Exception], ...]) -> Refused:
    """Show a service's refusal (no visits that day, a client out of scope) as a plain note."""

    def failed(exc: BaseException) -> bool:
        if isinstance(exc, kinds):
            QMessageBox.information(
                parent, QCoreApplication.translate("Printouts", "Nothing to print"), str(exc)
            )
            return True
        return False

    return failed


def print_brief(
    ctx: ViewContext,
    parent: QWidget,
    client_id: int,
    external_id: str,
    *,
    visit_on: dt.date | None = None,
    purpose: str | None = None,
    shown: Shown | None = None,
) -> None:
    """The client's brief (for the visit given, if any) in the interface language."""
    engine, language, today = ctx.db.engine, ctx.language, ctx.today
    rm_id = scope_of(ctx.user).rm_id

    def make(path: Path) -> Printout:
        pages = brief.write_brief(
            engine,
            client_id,
            path,
            language=language,
            today=today,
            visit_on=visit_on,
            purpose=purpose,
            rm_id=rm_id,
            always_mask_phones=ctx.always_mask_phones,
            who=ctx.user,
        )
        title = QCoreApplication.translate("Printouts", "Client brief: %1").replace(
            "%1", external_id
        )
        return Printout(
            path, title, f"brief-{external_id}.pdf", pages, "client", client_id, "brief"
        )

    make_printout(
        ctx,
        parent,
        QCoreApplication.translate("Printouts", "Making the client brief"),
        make,
        shown=shown,
        failed=_refusal(parent, (brief.BriefError,)),
    )


def print_day_pack(
    ctx: ViewContext,
    parent: QWidget,
    rm_id: int,
    day: dt.date | None = None,
    *,
    shown: Shown | None = None,
) -> None:
    """The RM's visit-day pack for ``day`` (default: the next working day after today): a
    cover in route order, then every client's brief."""
    engine, language, today = ctx.db.engine, ctx.language, ctx.today

    def make(path: Path) -> Printout:
        nonlocal day
        if day is None:
            country = parameters.load(engine).holiday_country
            day = first_working_day(today + dt.timedelta(days=1), country)
        pack = day_pack.write_day_pack(
            engine,
            rm_id,
            day,
            path,
            language=language,
            today=today,
            always_mask_phones=ctx.always_mask_phones,
            who=ctx.user,
        )
        title = QCoreApplication.translate("Printouts", "Visit-day pack: %1").replace(
            "%1", day.isoformat()
        )
        name = f"visits-{day.isoformat()}.pdf"
        return Printout(path, title, name, pack.pages, "user", rm_id, "day_pack")

    make_printout(
        ctx,
        parent,
        QCoreApplication.translate("Printouts", "Making the visit-day pack"),
        make,
        shown=shown,
        failed=_refusal(parent, (day_pack.DayPackError,)),
    )


def print_scorecard(
    ctx: ViewContext,
    parent: QWidget,
    branch_id: int,
    period: Period,
    *,
    rm_id: int | None = None,
    shown: Shown | None = None,
) -> None:
    """The branch's scorecard report for ``period``, or one RM's page."""
    engine, language, today = ctx.db.engine, ctx.language, ctx.today

    def make(path: Path) -> Printout:
        pages = scorecard_report.write_report(
            engine,
            branch_id,
            period,
            path,
            language=language,
            rm_id=rm_id,
            today=today,
            who=ctx.user,
        )
        title = QCoreApplication.translate("Printouts", "Scorecard report: %1").replace(
            "%1", str(period)
        )
        entity, entity_id = ("user", rm_id) if rm_id is not None else ("branch", branch_id)
        name = f"scorecard-{period}{'' if rm_id is None else f'-{rm_id}'}.pdf"
        return Printout(path, title, name, pages, entity, entity_id, "scorecard_report")

    make_printout(
        ctx,
        parent,
        QCoreApplication.translate("Printouts", "Making the scorecard report"),
        make,
        shown=shown,
        failed=_refusal(parent, (scorecard_report.ReportError,)),
    )


__all__ = ["PdfPreview", "print_brief", "print_day_pack", "print_scorecard"]
