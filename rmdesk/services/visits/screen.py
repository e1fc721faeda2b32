"""What the planner screen shows and does in bulk: whose plan a user may open, an RM's visits
over a range of days with their clients, the days themselves, and one action on many visits.

The rules stay where they are: scheduling in ``visit_planner``, each change to a visit in
``visit_actions`` (with its version check), working days in ``visit_calendar``. This module only
reads for the screen and repeats an action over a selection, collecting what was refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import holidays
import pandas as pd
from sqlalchemy import Engine, func, select

from rmdesk.models import Base, Role, VisitStatus
from rmdesk.services.common import parameters
from rmdesk.services.common.access import Account, guarded
from rmdesk.services.common.progress import NullProgress, Progress
from rmdesk.services.visits import actions as visit_actions
from rmdesk.services.visits.calendar import reason_text, working_days
from rmdesk.services.visits.planner import overdue_contacts

__all__ = [
    "VISIT_COLUMNS",
    "BatchResult",
    "Day",
    "PlannerData",
    "PlannerRm",
    "accept_visits",
    "calendar_days",
    "cancel_visits",
    "first_working_day",
    "move_visits",
    "planner_data",
    "planner_rms",
    "rm_visits",
]

T = Base.metadata.tables
VISIT_COLUMNS = [
    "visit_id",
    "client_id",
    "external_id",
    "name",
    "tier",
    "district",
    "planned_on",
    "slot",
    "status",
    "purpose",
    "reason",
    "outcome",
    "notes",
    "next_step",
    "follow_up_on",
    "version",
]


# --- whose plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannerRm:
    """An RM whose plan the user may open."""

    id: int
    username: str
    display_name: str
    branch_name: str | None


@guarded("user")
def planner_rms(engine: Engine, *, who: Account) -> list[PlannerRm]:
    """The RMs whose plans ``who`` may open: an RM their own, a branch head the branch's
    active RMs, an administrator every active RM (by branch, then user name)."""
    users, branches = T["users"], T["branches"]
    query = (
        select(users.c.id, users.c.username, users.c.display_name, branches.c.name)
        .outerjoin(branches, branches.c.id == users.c.branch_id)
        .order_by(branches.c.name, users.c.username)
    )
    if who.is_rm:
        query = query.where(users.c.id == who.id)
    elif who.is_head:
        query = query.where(
            users.c.role == Role.RM,
            users.c.active.is_(True),
            users.c.branch_id == who.branch_id,
        )
    elif who.is_admin:
        query = query.where(users.c.role == Role.RM, users.c.active.is_(True))
    else:  # a role the planner does not know sees nobody's plan
        return []
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [PlannerRm(int(r[0]), str(r[1]), str(r[2]), r[3]) for r in rows]


# --- the days --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """One calendar day as the planner sees it."""

    on: dt.date
    working: bool
    #: the public holiday's name in the asked language (also days off given for a 调休)
    holiday: str | None = None
    #: a weekend day made a working day (调休上班)
    made_working: bool = False


def _holiday_language(language: str) -> str:
    return "zh_CN" if language.lower().startswith("zh") else "en_US"


def calendar_days(start: dt.date, end: dt.date, country: str, language: str) -> list[Day]:
    """Every day from ``start`` to ``end``: working or not (the planner's own rule, from
    ``visit_calendar.working_days``) and the holiday's name where there is one."""
    if end < start:
        return []
    working = set(working_days(start, end, country))  # raises first for an unknown country
    names = holidays.country_holidays(
        country, years=range(start.year, end.year + 1), language=_holiday_language(language)
    )
    days = []
    day = start
    while day <= end:
        name = names.get(day)
        days.append(
            Day(
                on=day,
                working=day in working,
                holiday=str(name) if name else None,
                made_working=day in working and day.weekday() >= 5,
            )
        )
        day += dt.timedelta(days=1)
    return days


def first_working_day(on_or_after: dt.date, country: str) -> dt.date:
    """The first working day from ``on_or_after`` on (a plan proposed today starts there)."""
    days = working_days(on_or_after, on_or_after + dt.timedelta(days=31), country)
    return days[0] if days else on_or_after


# --- the visits ------------------------------------------------------------------------------


@guarded("scope", "rm_id")
def rm_visits(
    engine: Engine,
    rm_id: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    statuses: Sequence[VisitStatus] | None = None,
    language: str = "zh_CN",
    who: Account,
) -> pd.DataFrame:
    """An RM's visits from ``start`` to ``end`` (either open), day by day in route order, with
    the client's name, tier and district and the reason in ``language``; ``version`` is what an
    action on the visit must name."""
    visits, clients, scores = T["visits"], T["clients"], T["client_scores"]
    query = (
        select(
            visits.c.id.label("visit_id"),
            visits.c.client_id,
            clients.c.external_id,
            clients.c.name,
            scores.c.tier,
            visits.c.district,
            clients.c.district.label("client_district"),
            visits.c.planned_on,
            visits.c.slot,
            visits.c.status,
            visits.c.purpose,
            visits.c.reason,
            visits.c.outcome,
            visits.c.notes,
            visits.c.next_step,
            visits.c.follow_up_on,
            visits.c.version,
        )
        .join(clients, clients.c.id == visits.c.client_id)
        .outerjoin(scores, scores.c.client_id == visits.c.client_id)
        .where(visits.c.user_id == rm_id)
        .order_by(visits.c.planned_on, visits.c.slot, visits.c.id)
    )
    if start is not None:
        query = query.where(visits.c.planned_on >= start)
    if end is not None:
        query = query.where(visits.c.planned_on <= end)
    if statuses is not None:
        query = query.where(visits.c.status.in_(list(statuses)))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = [
        {
            "visit_id": r.visit_id,
            "client_id": r.client_id,
            "external_id": r.external_id,
            "name": r.name,
            "tier": r.tier,
            # a visit keeps the district it was planned for; older rows fall back to the client's
            "district": r.district or r.client_district,
            "planned_on": r.planned_on,
            "slot": r.slot,
            "status": VisitStatus(r.status).value,
            "purpose": r.purpose,
            "reason": reason_text(r.reason, language),
            "outcome": r.outcome,
            "notes": r.notes,
            "next_step": r.next_step,
            "follow_up_on": r.follow_up_on,
            "version": r.version,
        }
        for r in rows
    ]
    frame = pd.DataFrame(records, columns=VISIT_COLUMNS)
    for col in ("visit_id", "client_id", "slot", "version"):
        frame[col] = frame[col].astype("int64")
    for col in ("planned_on", "follow_up_on"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


@dataclass
class PlannerData:
    """Everything the planner screen shows for one RM and one stretch of days."""

    rm_id: int
    start: dt.date
    end: dt.date
    days: list[Day]
    #: the RM's visits in every status from ``start`` to ``end``
    visits: pd.DataFrame
    #: the RM's proposed visits from today on: the plan waiting for the RM's word
    proposed: pd.DataFrame
    #: the RM's clients overdue for contact (``visit_planner.overdue_contacts``)
    overdue: pd.DataFrame
    plan_weeks: int
    holiday_country: str
    #: where a plan proposed today starts: the first working day from today
    plan_start: dt.date
    #: the day of the RM's next visit still to come, from today (None: nothing planned)
    next_visit: dt.date | None = None


@guarded("scope", "rm_id")
def planner_data(
    engine: Engine,
    rm_id: int,
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    language: str,
    progress: Progress | None = None,
    who: Account,
) -> PlannerData:
    """The screen's data in one go, so that it is loaded off the GUI thread in one task."""
    progress = progress or NullProgress()
    params = parameters.load(engine)
    progress.report(0, 3, "visits")
    shown = rm_visits(engine, rm_id, start=start, end=end, language=language, who=who)
    progress.report(1, 3, "proposed plan")
    proposed = rm_visits(
        engine,
        rm_id,
        start=today,
        statuses=[VisitStatus.PROPOSED],
        language=language,
        who=who,
    )
    progress.report(2, 3, "overdue contacts")
    overdue = overdue_contacts(engine, rm_id=rm_id, today=today, params=params, who=who)
    progress.report(3, 3)
    v = T["visits"]
    with engine.connect() as conn:
        next_visit = conn.execute(
            select(func.min(v.c.planned_on)).where(
                v.c.user_id == rm_id,
                v.c.planned_on >= today,
                v.c.status.in_([VisitStatus.PLANNED, VisitStatus.PROPOSED]),
            )
        ).scalar()
    return PlannerData(
        rm_id=rm_id,
        start=start,
        end=end,
        days=calendar_days(start, end, params.holiday_country, language),
        visits=shown,
        proposed=proposed,
        overdue=overdue,
        plan_weeks=params.plan_weeks,
        holiday_country=params.holiday_country,
        plan_start=first_working_day(today, params.holiday_country),
        next_visit=next_visit,
    )


# --- one action on many visits ---------------------------------------------------------------


@dataclass
class BatchResult:
    """Which visits an action changed and, for the others, the service's reason in words."""

    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    #: the user stopped it: the visits in ``done`` were changed, the rest were not tried
    stopped: bool = False


def _each(
    visits: Sequence[tuple[int, int]],
    act: Callable[[int, int], object],
    progress: Progress | None,
) -> BatchResult:
    """``act(visit_id, version)`` on each visit, each in its own transaction.

    A refusal (a stale version, a status that does not allow it) does not stop the others:
    each visit is a separate decision, and the user is told which ones did not go through.
    """
    progress = progress or NullProgress()
    result = BatchResult()
    for i, (visit_id, version) in enumerate(visits):
        if progress.cancelled():
            result.stopped = True
            break
        progress.report(i, len(visits))
        try:
            act(visit_id, version)
        except visit_actions.PlanError as exc:
            result.refused.append((visit_id, str(exc)))
        else:
            result.done.append(visit_id)
    progress.report(len(visits), len(visits))
    return result


@guarded("visit", "visits")
def accept_visits(
    engine: Engine,
    visits: Sequence[tuple[int, int]],
    *,
    progress: Progress | None = None,
    who: Account,
) -> BatchResult:
    """Accept each (visit id, version): proposed → planned."""
    return _each(
        visits,
        lambda vid, version: visit_actions.accept(engine, vid, version=version, who=who),
        progress,
    )


@guarded("visit", "visits")
def move_visits(
    engine: Engine,
    visits: Sequence[tuple[int, int]],
    new_date: dt.date,
    *,
    today: dt.date,
    progress: Progress | None = None,
    who: Account,
) -> BatchResult:
    """Move each (visit id, version) to ``new_date``; each goes last in that day's route."""
    return _each(
        visits,
        lambda vid, version: visit_actions.move(
            engine,
            vid,
            new_date,
            version=version,
            today=today,
            who=who,
        ),
        progress,
    )


@guarded("visit", "visits")
def cancel_visits(
    engine: Engine,
    visits: Sequence[tuple[int, int]],
    *,
    reason: str,
    progress: Progress | None = None,
    who: Account,
) -> BatchResult:
    """Cancel each (visit id, version) with the same reason."""
    if not reason.strip():  # one message, not one per visit
        raise visit_actions.PlanError("Say why the visit is cancelled.", "请填写取消走访的原因。")
    return _each(
        visits,
        lambda vid, version: visit_actions.cancel(
            engine,
            vid,
            version=version,
            reason=reason,
            who=who,
        ),
        progress,
    )
