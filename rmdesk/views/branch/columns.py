"""Columns of the branch head's scorecard tables: KPI values by unit, the drill-down's columns.

Titles are in the ScorecardPanel translation context, where the tables show them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from rmdesk.views.widgets import labels
from rmdesk.views.widgets.formatting import Formats
from rmdesk.views.widgets.frame_model import Column

Format = Callable[[Any], str]
CTX = "ScorecardPanel"


def unit_format(fmt: Formats, unit: str) -> Format:
    """How a KPI of this unit is written (as the printed scorecard writes it): money in whole
    yuan, ratios as percentages…"""
    kpi = fmt.formatter.kpi
    return lambda v: kpi(v, unit)


def drill_columns(fmt: Formats, frame: pd.DataFrame) -> list[Column]:
    """The columns of a KPI's drill-down that the frame has, in the frame's order (ids hidden)."""

    money = fmt.money

    def yes_no(v: Any) -> str:
        if bool(v):
            return QCoreApplication.translate("ScorecardPanel", "Yes")
        return QCoreApplication.translate("ScorecardPanel", "No")

    def label_of(table: dict[str, object]) -> Format:
        return lambda v: labels.label(table, v)

    known: dict[str, tuple[object, Format, bool, bool]] = {
        "external_id": (QT_TRANSLATE_NOOP("ScorecardPanel", "Client ID"), str, False, False),
        "name": (QT_TRANSLATE_NOOP("ScorecardPanel", "Client"), str, False, False),
        "contribution": (QT_TRANSLATE_NOOP("ScorecardPanel", "Contribution"), money, True, True),
        "previous": (QT_TRANSLATE_NOOP("ScorecardPanel", "Previous period"), money, True, True),
        "change": (QT_TRANSLATE_NOOP("ScorecardPanel", "Change"), money, True, True),
        "product": (QT_TRANSLATE_NOOP("ScorecardPanel", "Product"), str, False, False),
        "balance_minor": (QT_TRANSLATE_NOOP("ScorecardPanel", "Balance"), money, True, True),
        "previous_minor": (
            QT_TRANSLATE_NOOP("ScorecardPanel", "Previous balance"),
            money,
            True,
            True,
        ),
        "change_minor": (QT_TRANSLATE_NOOP("ScorecardPanel", "Change"), money, True, True),
        "days_past_due": (
            QT_TRANSLATE_NOOP("ScorecardPanel", "Days past due"),
            fmt.integer,
            True,
            False,
        ),
        "non_performing": (
            QT_TRANSLATE_NOOP("ScorecardPanel", "Non-performing"),
            yes_no,
            False,
            False,
        ),
        "onboarded_on": (QT_TRANSLATE_NOOP("ScorecardPanel", "Onboarded"), fmt.date, False, False),
        "holdings": (QT_TRANSLATE_NOOP("ScorecardPanel", "Holdings"), fmt.integer, True, False),
        "last_closed_on": (
            QT_TRANSLATE_NOOP("ScorecardPanel", "Last closed"),
            fmt.date,
            False,
            False,
        ),
        "open_holdings": (
            QT_TRANSLATE_NOOP("ScorecardPanel", "Open holdings"),
            fmt.integer,
            True,
            False,
        ),
        "kyc_due": (QT_TRANSLATE_NOOP("ScorecardPanel", "KYC review due"), fmt.date, False, False),
        "kyc_ok": (QT_TRANSLATE_NOOP("ScorecardPanel", "KYC in order"), yes_no, False, False),
        "outcome": (
            QT_TRANSLATE_NOOP("ScorecardPanel", "Outcome"),
            label_of(labels.SUGGESTION_STATUSES),
            False,
            False,
        ),
        "recorded_on": (QT_TRANSLATE_NOOP("ScorecardPanel", "Recorded on"), fmt.date, False, False),
        "recorded_by": (QT_TRANSLATE_NOOP("ScorecardPanel", "Recorded by"), str, False, False),
        "accepted": (QT_TRANSLATE_NOOP("ScorecardPanel", "Accepted"), yes_no, False, False),
        "planned_on": (QT_TRANSLATE_NOOP("ScorecardPanel", "Planned on"), fmt.date, False, False),
        "status": (
            QT_TRANSLATE_NOOP("ScorecardPanel", "Status"),
            label_of(labels.VISIT_STATUSES),
            False,
            False,
        ),
        "counted": (QT_TRANSLATE_NOOP("ScorecardPanel", "Counted"), yes_no, False, False),
        "done": (QT_TRANSLATE_NOOP("ScorecardPanel", "Done"), yes_no, False, False),
        "rule_code": (QT_TRANSLATE_NOOP("ScorecardPanel", "Rule"), str, False, False),
        "severity": (
            QT_TRANSLATE_NOOP("ScorecardPanel", "Severity"),
            labels.severity,
            False,
            False,
        ),
        "raised_on": (QT_TRANSLATE_NOOP("ScorecardPanel", "Raised on"), fmt.date, False, False),
        "due_on": (QT_TRANSLATE_NOOP("ScorecardPanel", "Due on"), fmt.date, False, False),
        "first_handled_on": (
            QT_TRANSLATE_NOOP("ScorecardPanel", "First handled"),
            fmt.date,
            False,
            False,
        ),
        "on_time": (QT_TRANSLATE_NOOP("ScorecardPanel", "On time"), yes_no, False, False),
        "earned_on": (QT_TRANSLATE_NOOP("ScorecardPanel", "Earned on"), fmt.date, False, False),
        "course": (QT_TRANSLATE_NOOP("ScorecardPanel", "Course"), str, False, False),
        "points": (
            QT_TRANSLATE_NOOP("ScorecardPanel", "Points earned"),
            fmt.integer,
            True,
            False,
        ),
    }
    columns = []
    for key in frame.columns:
        if str(key) in known:
            title, form, numeric, is_money = known[str(key)]
            columns.append(Column(str(key), title, form, numeric=numeric, money=is_money))
    return columns
