"""The planner's two lists (the proposed plan, the clients overdue for contact): their columns."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from rmdesk.services.visits.calendar import purpose_label
from rmdesk.views.widgets.context import ViewContext
from rmdesk.views.widgets.frame_model import Column


def plan_columns(ctx: ViewContext) -> list[Column]:
    """The proposed plan's list."""
    fmt = ctx.formats
    return [
        Column("planned_on", QT_TRANSLATE_NOOP("PlannerView", "Day"), fmt.date),
        Column("slot", QT_TRANSLATE_NOOP("PlannerView", "Stop"), fmt.integer, numeric=True),
        Column("name", QT_TRANSLATE_NOOP("PlannerView", "Client")),
        Column("tier", QT_TRANSLATE_NOOP("PlannerView", "Tier")),
        Column("district", QT_TRANSLATE_NOOP("PlannerView", "District")),
        Column(
            "purpose",
            QT_TRANSLATE_NOOP("PlannerView", "Purpose"),
            lambda code: purpose_label(code, ctx.language),
        ),
        Column("reason", QT_TRANSLATE_NOOP("PlannerView", "Reason")),
    ]


def overdue_columns(ctx: ViewContext) -> list[Column]:
    """The clients overdue for contact."""
    fmt = ctx.formats
    return [
        Column("name", QT_TRANSLATE_NOOP("PlannerView", "Client")),
        Column("external_id", QT_TRANSLATE_NOOP("PlannerView", "Client ID")),
        Column("tier", QT_TRANSLATE_NOOP("PlannerView", "Tier")),
        Column("days_overdue", QT_TRANSLATE_NOOP("PlannerView", "Days overdue"), fmt.integer, True),
        Column("last_contact", QT_TRANSLATE_NOOP("PlannerView", "Last contact"), fmt.date),
        Column("due_on", QT_TRANSLATE_NOOP("PlannerView", "Due"), fmt.date),
        Column("next_visit_on", QT_TRANSLATE_NOOP("PlannerView", "Next visit"), fmt.date),
    ]
