"""The rows behind each scorecard KPI, as SQLAlchemy Core queries: one row per client,
holding, outcome, visit, flag or training record. Grouped by RM in the database they are the
KPI; listed, they are its drill-down (docs/scorecard.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    union_all,
)
from sqlalchemy import select as sql_select

from rmdesk.models import Base, ClientStatus, ProductFamily, VisitStatus
from rmdesk.services.branch.periods import Period

T = Base.metadata.tables
DEPOSITS = (ProductFamily.DEPOSIT, ProductFamily.INVESTMENT)
CREDIT = (ProductFamily.LOAN, ProductFamily.CARD)
NPL_DAYS = 90  # days past due from which a loan or card balance is non-performing


@dataclass(frozen=True)
class Scope:
    """What the queries look at: a period, the RMs, and the business date for 'in the past'."""

    period: Period
    rm_ids: tuple[int, ...]
    today: dt.date
    dialect: str
    #: clients handed over that count in this period for someone other than their RM now
    #: (client id, RM), by the handover rule of services/branch/credit.py
    credited: tuple[tuple[int, int | None], ...] = ()

    @property
    def before(self) -> Period:
        return self.period.previous()

    @property
    def utc_offset(self) -> dt.timedelta:
        """The local time zone's offset from UTC in the period (business dates are local)."""
        noon = dt.datetime.combine(self.period.end, dt.time(12)).astimezone()
        return noon.utcoffset() or dt.timedelta(0)

    def local_date(self, column: Any) -> ColumnElement[dt.date]:
        """The local business date of a stored UTC time, the same on SQLite and PostgreSQL."""
        seconds = int(self.utc_offset.total_seconds())
        if self.dialect == "sqlite":  # stored as UTC text without a zone
            return func.date(column, f"{seconds:+d} seconds", type_=Date)
        utc = func.timezone("UTC", column, type_=DateTime())
        return cast(utc + dt.timedelta(seconds=seconds), Date)


def clients_of(scope: Scope) -> ColumnElement[bool]:
    """The clients counting for the scope's RMs in the period (index-friendly on rm_id)."""
    c = T["clients"]
    held = c.c.rm_id.in_(scope.rm_ids)
    if not scope.credited:
        return held
    moved = [cid for cid, _rm in scope.credited]
    gained = [cid for cid, rm in scope.credited if rm in scope.rm_ids]
    kept = and_(held, c.c.id.not_in(moved))
    return or_(kept, c.c.id.in_(gained)) if gained else kept


def holder_of(scope: Scope) -> Any:
    """The RM a client counts for in the period: its RM now, unless handed over since."""
    c = T["clients"]
    if not scope.credited:
        return c.c.rm_id
    return case(dict(scope.credited), value=c.c.id, else_=c.c.rm_id)


def client_columns(scope: Scope) -> list[Any]:
    """The RM and the client that every drill-down row starts with."""
    c = T["clients"]
    return [holder_of(scope).label("rm_id"), c.c.id.label("client_id"), c.c.external_id, c.c.name]


def balance_rows(scope: Scope) -> Select[Any]:
    """Deposit, investment, loan and card balances in the last month of this and the last period."""
    f, h, c, p = T["monthly_facts"], T["holdings"], T["clients"], T["products"]
    months = (scope.period.last_month, scope.before.last_month)
    return (
        sql_select(
            *client_columns(scope),
            h.c.id.label("holding_id"),
            p.c.code.label("product"),
            p.c.family,
            f.c.month,
            f.c.avg_balance_minor.label("balance_minor"),
            f.c.days_past_due,
        )
        .select_from(
            f.join(h, h.c.id == f.c.holding_id)
            .join(c, c.c.id == h.c.client_id)
            .join(p, p.c.id == h.c.product_id)
        )
        .where(clients_of(scope), f.c.month.in_(months), p.c.family.in_([*DEPOSITS, *CREDIT]))
    )


def new_client_rows(scope: Scope) -> Select[Any]:
    """Clients of the RM onboarded in the period."""
    c, p = T["clients"], scope.period
    return sql_select(*client_columns(scope), c.c.onboarded_on).where(
        clients_of(scope), c.c.onboarded_on.between(p.start, p.end)
    )


def lost_client_rows(scope: Scope) -> Select[Any]:
    """Clients whose every holding is closed, the last of them in the period."""
    c, h, p = T["clients"], T["holdings"], scope.period
    return (
        sql_select(
            *client_columns(scope),
            func.count(h.c.id).label("holdings"),
            func.max(h.c.closed_on).label("last_closed_on"),
        )
        .join(h, h.c.client_id == c.c.id)
        .where(clients_of(scope))
        .group_by(holder_of(scope), c.c.id, c.c.external_id, c.c.name)
        .having(func.count(h.c.id) == func.count(h.c.closed_on))
        .having(func.max(h.c.closed_on).between(p.start, p.end))
    )


def active_client_rows(scope: Scope) -> Select[Any]:
    """Active clients (onboarded by the period's end) with open holdings and KYC at its end."""
    c, h, end = T["clients"], T["holdings"], scope.period.end
    is_open = and_(
        (h.c.opened_on.is_(None)) | (h.c.opened_on <= end),
        (h.c.closed_on.is_(None)) | (h.c.closed_on > end),
    )
    # a correlated count: one index lookup per client, whatever the planner's statistics say
    held = sql_select(func.count()).where(h.c.client_id == c.c.id, is_open).scalar_subquery()
    kyc_ok = (c.c.kyc_due.is_(None)) | (c.c.kyc_due >= end)
    return sql_select(
        *client_columns(scope),
        held.label("open_holdings"),
        c.c.kyc_due,
        case((kyc_ok, 1), else_=0).label("kyc_ok"),
    ).where(
        clients_of(scope),
        c.c.status == ClientStatus.ACTIVE,
        (c.c.onboarded_on.is_(None)) | (c.c.onboarded_on <= end),
    )


def outcome_rows(scope: Scope) -> Select[Any]:
    """Suggestion outcomes recorded in the period on the RM's clients; an undo (``reopened``)
    and the outcome it took back are neither counted (docs/cross-sell.md, "Outcomes")."""
    o, c, p, u = T["suggestion_outcomes"], T["clients"], T["products"], T["users"]
    day = scope.local_date(o.c.at)
    after = T["suggestion_outcomes"].alias("after")
    next_one = (
        sql_select(after.c.outcome)
        .where(after.c.suggestion_id == o.c.suggestion_id, after.c.id > o.c.id)
        .order_by(after.c.id)
        .limit(1)
        .scalar_subquery()
    )
    return (
        sql_select(
            holder_of(scope).label("rm_id"),
            o.c.id.label("outcome_id"),
            c.c.id.label("client_id"),
            c.c.external_id,
            c.c.name,
            p.c.code.label("product"),
            o.c.outcome,
            day.label("recorded_on"),
            u.c.username.label("recorded_by"),
            case((o.c.outcome == "accepted", 1), else_=0).label("accepted"),
        )
        .select_from(
            o.join(c, c.c.id == o.c.client_id)
            .join(p, p.c.id == o.c.product_id)
            .outerjoin(u, u.c.id == o.c.user_id)
        )
        .where(
            clients_of(scope),
            day.between(scope.period.start, scope.period.end),
            o.c.outcome != "reopened",
            or_(next_one.is_(None), next_one != "reopened"),
        )
    )


def visit_rows(scope: Scope) -> Any:
    """The RM's visits planned in the period and tasks due in it (docs/scorecard.md, "Visits
    and tasks done"): a visit is ``counted`` when done, missed or overdue and ``done`` when
    done; a task is counted when done or overdue and done when closed by its due day (a
    cancelled task, or one not yet due, is not counted)."""
    v, c, t, p = T["visits"], T["clients"], T["tasks"], scope.period
    counted = case(
        (v.c.status.in_([VisitStatus.DONE, VisitStatus.MISSED]), 1),
        (and_(v.c.status == VisitStatus.PLANNED, v.c.planned_on < scope.today), 1),
        else_=0,
    )
    visits = (
        sql_select(
            v.c.user_id.label("rm_id"),
            literal("visit").label("kind"),
            v.c.id.label("visit_id"),
            c.c.id.label("client_id"),
            c.c.external_id,
            c.c.name,
            v.c.planned_on,
            cast(v.c.status, String).label("status"),
            counted.label("counted"),
            case((v.c.status == VisitStatus.DONE, 1), else_=0).label("done"),
        )
        .join(c, c.c.id == v.c.client_id)
        .where(v.c.user_id.in_(scope.rm_ids), v.c.planned_on.between(p.start, p.end))
    )
    closed = scope.local_date(t.c.closed_at)
    tasks = (
        sql_select(
            t.c.user_id.label("rm_id"),
            literal("task").label("kind"),
            t.c.id.label("visit_id"),
            c.c.id.label("client_id"),
            c.c.external_id,
            c.c.name,
            t.c.due_on.label("planned_on"),
            cast(t.c.status, String).label("status"),
            case(
                (t.c.status == "done", 1),
                (and_(t.c.status == "open", t.c.due_on < scope.today), 1),
                else_=0,
            ).label("counted"),
            case((and_(t.c.status == "done", closed <= t.c.due_on), 1), else_=0).label("done"),
        )
        .join(c, c.c.id == t.c.client_id)
        .where(t.c.user_id.in_(scope.rm_ids), t.c.due_on.between(p.start, p.end))
    )
    return union_all(visits, tasks)


def flag_rows(scope: Scope) -> Select[Any]:
    """Flags on the RM's clients due in the period, with the first time a person handled them.

    Handled = the first event with an actor (not the system) on or after the day the flag was
    last raised. ``counted`` leaves out flags not yet handled whose deadline is still ahead.
    """
    f, e, c, p = T["risk_flags"], T["risk_flag_events"], T["clients"], scope.period
    day = scope.local_date(e.c.at)
    first_on = (
        sql_select(func.min(day))
        .where(e.c.flag_id == f.c.id, e.c.actor_id.is_not(None), day >= f.c.raised_on)
        .scalar_subquery()
    )
    flags = (
        sql_select(
            holder_of(scope).label("rm_id"),
            f.c.id.label("flag_id"),
            c.c.id.label("client_id"),
            c.c.external_id,
            c.c.name,
            f.c.rule_code,
            f.c.severity,
            f.c.raised_on,
            f.c.due_on,
            first_on.label("first_handled_on"),
        )
        .join(c, c.c.id == f.c.client_id)
        .where(clients_of(scope), f.c.due_on.between(p.start, p.end))
        .subquery()
    )
    on_time = and_(
        flags.c.first_handled_on.is_not(None), flags.c.first_handled_on <= flags.c.due_on
    )
    return sql_select(
        *flags.c,
        case((on_time, 1), else_=0).label("on_time"),
        case((on_time, 1), (flags.c.due_on < scope.today, 1), else_=0).label("counted"),
    )


def training_rows(scope: Scope) -> Select[Any]:
    """Training points the RM earned in the period."""
    t, p = T["training_points"], scope.period
    return sql_select(
        t.c.user_id.label("rm_id"),
        t.c.id.label("training_id"),
        t.c.earned_on,
        t.c.course,
        t.c.points,
    ).where(t.c.user_id.in_(scope.rm_ids), t.c.earned_on.between(p.start, p.end))
