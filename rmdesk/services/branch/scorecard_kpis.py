"""The scorecard's KPIs (考核指标), per RM and period, counted in the database.

Each KPI is one SQLAlchemy Core query whose rows (one per client, holding, outcome, visit, flag
or training record) are both the drill-down and, grouped by RM in the database, the KPI: the
number an RM sees and the clients behind it come from the same rows. Contribution comes from
``contribution_detail.monthly_contribution``. Times are stored in UTC; a time counts on its
business date in the local time zone. The definitions are written out in docs/scorecard.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Select,
    and_,
    case,
    cast,
    func,
    or_,
)
from sqlalchemy import select as sql_select

from rmdesk.models import Base, ClientStatus, ProductFamily, VisitStatus
from rmdesk.services.branch.credit import credited
from rmdesk.services.clients.contribution_detail import monthly_contribution
from rmdesk.services.engine.facts_pass import add_months

T = Base.metadata.tables
DEPOSITS = (ProductFamily.DEPOSIT, ProductFamily.INVESTMENT)
CREDIT = (ProductFamily.LOAN, ProductFamily.CARD)
NPL_DAYS = 90  # days past due from which a loan or card balance is non-performing
PeriodKind = Literal["month", "quarter"]


# --- periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar month ("2026-10") or quarter ("2026Q3") that a scorecard covers."""

    kind: PeriodKind
    year: int
    number: int  # the month 1-12, or the quarter 1-4

    def __post_init__(self) -> None:
        top = 12 if self.kind == "month" else 4
        if self.kind not in ("month", "quarter") or not 1 <= self.number <= top:
            raise ValueError(f"no such period: {self.kind} {self.number} of {self.year}")
        if not 1 <= self.year <= 9998:
            raise ValueError(f"no such period: year {self.year}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """A month as 2026-10 or a quarter as 2026Q3 (also 2026-Q3, 2026q3)."""
        raw = text.strip()
        month = re.fullmatch(r"(\d{4})-(\d{1,2})", raw)
        if month and 1 <= int(month[2]) <= 12:
            return cls("month", int(month[1]), int(month[2]))
        quarter = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", raw)
        if quarter:
            return cls("quarter", int(quarter[1]), int(quarter[2]))
        raise ValueError(
            f"{text!r} is not a period: write a month as 2026-10 or a quarter as 2026Q3"
        )

    @classmethod
    def containing(cls, day: dt.date, kind: PeriodKind = "month") -> Period:
        """The month or quarter that ``day`` falls in."""
        number = day.month if kind == "month" else (day.month - 1) // 3 + 1
        return cls(kind, day.year, number)

    @property
    def length(self) -> int:
        """Months in the period: 1 or 3."""
        return 1 if self.kind == "month" else 3

    @property
    def start(self) -> dt.date:
        first = self.number if self.kind == "month" else 3 * self.number - 2
        return dt.date(self.year, first, 1)

    @property
    def end(self) -> dt.date:
        """The period's last day."""
        return add_months(self.start, self.length) - dt.timedelta(days=1)

    @property
    def months(self) -> list[dt.date]:
        """The first day of each month in the period."""
        return [add_months(self.start, n) for n in range(self.length)]

    @property
    def last_month(self) -> dt.date:
        return self.months[-1]

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period.containing(self.start - dt.timedelta(days=1), self.kind)

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.number:02d}"
        return f"{self.year:04d}Q{self.number}"


# --- the catalogue of KPIs -----------------------------------------------------------------


@dataclass(frozen=True)
class KpiInfo:
    """What a KPI measures; ``per_month`` targets are multiplied by the months in the period."""

    key: str
    zh: str
    en: str
    unit: Literal["minor", "ratio", "count", "points", "per_client"]
    lower_is_better: bool = False
    per_month: bool = False


KPIS: tuple[KpiInfo, ...] = (
    KpiInfo("contribution", "贡献度", "Contribution", "minor", per_month=True),
    KpiInfo("contribution_growth", "贡献度增长", "Contribution growth", "ratio", per_month=True),
    KpiInfo("deposits_growth", "存款及AUM增长", "Deposits and AUM growth", "ratio", per_month=True),
    KpiInfo("loans_growth", "贷款增长", "Loans growth", "ratio", per_month=True),
    KpiInfo("new_clients", "新增客户", "New clients", "count", per_month=True),
    KpiInfo("lost_clients", "流失客户", "Lost clients", "count", True, per_month=True),
    KpiInfo("products_per_client", "户均产品数", "Products per client", "per_client"),
    KpiInfo("conversion", "营销转化率", "Suggestion conversion", "ratio"),
    KpiInfo("visit_completion", "走访计划完成率", "Visit plan completion", "ratio"),
    KpiInfo("flags_on_time", "预警按期处理率", "Flags handled on time", "ratio"),
    KpiInfo("kyc_compliance", "KYC合规率", "KYC compliance", "ratio"),
    KpiInfo("training_points", "培训积分", "Training points", "points", per_month=True),
    KpiInfo("npl_ratio", "不良率", "Non-performing ratio", "ratio", lower_is_better=True),
)
KPI_KEYS: list[str] = [k.key for k in KPIS]
KPI_INFO: dict[str, KpiInfo] = {k.key: k for k in KPIS}
#: KPIs counted from the monthly facts: no value while the period's last month is not loaded.
FACT_KPIS = ("contribution", "contribution_growth", "deposits_growth", "loans_growth", "npl_ratio")


def check_kpi(kpi: str) -> KpiInfo:
    """The KPI called ``kpi``; a ValueError naming the known ones otherwise."""
    if kpi not in KPI_INFO:
        raise ValueError(f"unknown KPI {kpi!r}: use one of {', '.join(KPI_KEYS)}")
    return KPI_INFO[kpi]


# --- the rows behind each KPI --------------------------------------------------------------


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


def _clients_of(scope: Scope) -> ColumnElement[bool]:
    """The clients counting for the scope's RMs in the period (index-friendly on rm_id)."""
    c = T["clients"]
    held = c.c.rm_id.in_(scope.rm_ids)
    if not scope.credited:
        return held
    moved = [cid for cid, _rm in scope.credited]
    gained = [cid for cid, rm in scope.credited if rm in scope.rm_ids]
    kept = and_(held, c.c.id.not_in(moved))
    return or_(kept, c.c.id.in_(gained)) if gained else kept


def _holder(scope: Scope) -> Any:
    """The RM a client counts for in the period: its RM now, unless handed over since."""
    c = T["clients"]
    if not scope.credited:
        return c.c.rm_id
    return case(dict(scope.credited), value=c.c.id, else_=c.c.rm_id)


def _client_cols(scope: Scope) -> list[Any]:
    """The RM and the client that every drill-down row starts with."""
    c = T["clients"]
    return [_holder(scope).label("rm_id"), c.c.id.label("client_id"), c.c.external_id, c.c.name]


def balance_rows(scope: Scope) -> Select[Any]:
    """Deposit, investment, loan and card balances in the last month of this and the last period."""
    f, h, c, p = T["monthly_facts"], T["holdings"], T["clients"], T["products"]
    months = (scope.period.last_month, scope.before.last_month)
    return (
        sql_select(
            *_client_cols(scope),
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
        .where(_clients_of(scope), f.c.month.in_(months), p.c.family.in_([*DEPOSITS, *CREDIT]))
    )


def new_client_rows(scope: Scope) -> Select[Any]:
    """Clients of the RM onboarded in the period."""
    c, p = T["clients"], scope.period
    return sql_select(*_client_cols(scope), c.c.onboarded_on).where(
        _clients_of(scope), c.c.onboarded_on.between(p.start, p.end)
    )


def lost_client_rows(scope: Scope) -> Select[Any]:
    """Clients whose every holding is closed, the last of them in the period."""
    c, h, p = T["clients"], T["holdings"], scope.period
    return (
        sql_select(
            *_client_cols(scope),
            func.count(h.c.id).label("holdings"),
            func.max(h.c.closed_on).label("last_closed_on"),
        )
        .join(h, h.c.client_id == c.c.id)
        .where(_clients_of(scope))
        .group_by(_holder(scope), c.c.id, c.c.external_id, c.c.name)
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
        *_client_cols(scope),
        held.label("open_holdings"),
        c.c.kyc_due,
        case((kyc_ok, 1), else_=0).label("kyc_ok"),
    ).where(
        _clients_of(scope),
        c.c.status == ClientStatus.ACTIVE,
        (c.c.onboarded_on.is_(None)) | (c.c.onboarded_on <= end),
    )


def outcome_rows(scope: Scope) -> Select[Any]:
    """Suggestion outcomes recorded in the period on the RM's clients."""
    o, c, p, u = T["suggestion_outcomes"], T["clients"], T["products"], T["users"]
    day = scope.local_date(o.c.at)
    return (
        sql_select(
            _holder(scope).label("rm_id"),
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
        .where(_clients_of(scope), day.between(scope.period.start, scope.period.end))
    )


def visit_rows(scope: Scope) -> Select[Any]:
    """The RM's visits planned in the period; ``counted`` when done, missed or overdue."""
    v, c, p = T["visits"], T["clients"], scope.period
    counted = case(
        (v.c.status.in_([VisitStatus.DONE, VisitStatus.MISSED]), 1),
        (and_(v.c.status == VisitStatus.PLANNED, v.c.planned_on < scope.today), 1),
        else_=0,
    )
    return (
        sql_select(
            v.c.user_id.label("rm_id"),
            v.c.id.label("visit_id"),
            c.c.id.label("client_id"),
            c.c.external_id,
            c.c.name,
            v.c.planned_on,
            v.c.status,
            counted.label("counted"),
            case((v.c.status == VisitStatus.DONE, 1), else_=0).label("done"),
        )
        .join(c, c.c.id == v.c.client_id)
        .where(v.c.user_id.in_(scope.rm_ids), v.c.planned_on.between(p.start, p.end))
    )


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
            _holder(scope).label("rm_id"),
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
        .where(_clients_of(scope), f.c.due_on.between(p.start, p.end))
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


# --- per RM --------------------------------------------------------------------------------


def _frame(conn: Connection, query: Select[Any]) -> pd.DataFrame:
    result = conn.execute(query)
    rows = [tuple(r) for r in result.fetchall()]  # plain tuples: pandas builds these faster
    return pd.DataFrame.from_records(rows, columns=list(result.keys()))


def _grouped(conn: Connection, rows: Select[Any], **sums: Any) -> pd.DataFrame:
    """Sums over ``rows`` grouped by RM in the database; one float column per keyword."""
    sub = rows.subquery()
    columns = [
        func.sum(expr(sub)).label(name) if callable(expr) else func.count().label(name)
        for name, expr in sums.items()
    ]
    frame = _frame(conn, sql_select(sub.c.rm_id, *columns).group_by(sub.c.rm_id))
    frame = frame.set_index("rm_id")
    return frame.astype("float64")


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den where den > 0, NaN elsewhere."""
    n, d = num.to_numpy(dtype="float64"), den.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.Series(np.where(d > 0, n / d, np.nan), index=num.index)


def _growth(cur: pd.Series, prev: pd.Series) -> pd.Series:
    """(cur − prev) / prev where prev > 0, NaN elsewhere."""
    return _ratio(cur - prev, prev)


def _month_in(frame: pd.DataFrame, period: Period) -> pd.Series:
    return frame["month"].isin(period.months)


def contribution_by_rm(conn: Connection, scope: Scope) -> pd.DataFrame:
    """Contribution this period and the last, per RM, in minor units (floats)."""
    start, end = scope.before.months[0], scope.period.last_month
    monthly = monthly_contribution(conn, start, end, by="rm", rm_ids=list(scope.rm_ids))
    if scope.credited:  # handed-over clients move from their RM now to the one credited
        ids = [cid for cid, _rm in scope.credited]
        moved = monthly_contribution(conn, start, end, by="client", client_ids=ids)
        c = T["clients"]
        now = dict(conn.execute(sql_select(c.c.id, c.c.rm_id).where(c.c.id.in_(ids))).all())
        monthly = pd.concat(
            [
                monthly,
                moved.assign(key=moved["key"].map(now), contribution=-moved["contribution"]),
                moved.assign(key=moved["key"].map(dict(scope.credited))),
            ],
            ignore_index=True,
        )
    out = pd.DataFrame(index=pd.Index(scope.rm_ids, name="rm_id"))
    for name, period in (("cur", scope.period), ("prev", scope.before)):
        part = monthly[_month_in(monthly, period)]
        sums = part.groupby("key")["contribution"].sum()
        out[name] = sums.reindex(out.index).fillna(0.0).astype("float64")
    return out


def kpi_values(conn: Connection, scope: Scope) -> pd.DataFrame:
    """Every KPI for every RM of the scope: one row per RM id, NaN where a KPI has no value."""
    out = pd.DataFrame(index=pd.Index(scope.rm_ids, name="rm_id"))

    def fill(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.reindex(out.index).fillna(0.0)

    money = contribution_by_rm(conn, scope)
    cur, prev = money["cur"].round(), money["prev"].round()
    out["contribution"] = cur.astype("Int64")
    out["contribution_growth"] = _growth(cur, prev)

    last, before = scope.period.last_month, scope.before.last_month
    dep, cred = DEPOSITS, CREDIT

    def bal(month: dt.date, families: tuple[ProductFamily, ...], npl: bool = False) -> Any:
        def expr(s: Any) -> Any:
            cond = and_(s.month == month, s.family.in_(families))
            if npl:
                cond = and_(cond, s.days_past_due >= NPL_DAYS)
            return case((cond, s.balance_minor), else_=0)

        return lambda sub: expr(sub.c)

    b = fill(
        _grouped(
            conn,
            balance_rows(scope),
            dep_cur=bal(last, dep),
            dep_prev=bal(before, dep),
            cred_cur=bal(last, cred),
            cred_prev=bal(before, cred),
            npl=bal(last, cred, npl=True),
        )
    )
    out["deposits_growth"] = _growth(b["dep_cur"], b["dep_prev"])
    out["loans_growth"] = _growth(b["cred_cur"], b["cred_prev"])

    out["new_clients"] = fill(_grouped(conn, new_client_rows(scope), n=None))["n"].astype("int64")
    out["lost_clients"] = fill(_grouped(conn, lost_client_rows(scope), n=None))["n"].astype("int64")
    active = fill(
        _grouped(
            conn,
            active_client_rows(scope),
            n=None,
            held=lambda s: s.c.open_holdings,
            kyc=lambda s: s.c.kyc_ok,
            kyc_known=lambda s: case((s.c.kyc_due.is_not(None), 1), else_=0),
        )
    )
    out["products_per_client"] = _ratio(active["held"], active["n"])
    conv = fill(_grouped(conn, outcome_rows(scope), n=None, ok=lambda s: s.c.accepted))
    out["conversion"] = _ratio(conv["ok"], conv["n"])
    visits = fill(
        _grouped(conn, visit_rows(scope), done=lambda s: s.c.done, n=lambda s: s.c.counted)
    )
    out["visit_completion"] = _ratio(visits["done"], visits["n"])
    flags = fill(
        _grouped(conn, flag_rows(scope), ok=lambda s: s.c.on_time, n=lambda s: s.c.counted)
    )
    out["flags_on_time"] = _ratio(flags["ok"], flags["n"])
    # a book where no client has a review date on file (data without KYC) has no value
    out["kyc_compliance"] = _ratio(active["kyc"], active["n"]).where(active["kyc_known"] > 0)
    points = fill(_grouped(conn, training_rows(scope), p=lambda s: s.c.points))
    out["training_points"] = points["p"].astype("int64")
    out["npl_ratio"] = _ratio(b["npl"], b["cred_cur"])
    if not facts_loaded(conn, scope.period.last_month):
        for kpi in FACT_KPIS:  # the month is not in the data yet: no value
            blank = np.nan if out[kpi].dtype == "float64" else pd.NA
            out[kpi] = pd.Series(blank, index=out.index, dtype=out[kpi].dtype)
    return out[KPI_KEYS]


def facts_loaded(conn: Connection, month: dt.date) -> bool:
    """Whether the bank has any monthly facts for ``month``."""
    f = T["monthly_facts"]
    found = conn.execute(sql_select(f.c.id).where(f.c.month == month).limit(1)).first()
    return found is not None


# --- drill-down ----------------------------------------------------------------------------

_ROWS = {
    "new_clients": new_client_rows,
    "lost_clients": lost_client_rows,
    "products_per_client": active_client_rows,
    "kyc_compliance": active_client_rows,
    "conversion": outcome_rows,
    "visit_completion": visit_rows,
    "flags_on_time": flag_rows,
    "training_points": training_rows,
}
_ORDER = {
    "new_clients": ["onboarded_on", "client_id"],
    "lost_clients": ["last_closed_on", "client_id"],
    "products_per_client": ["client_id"],
    "kyc_compliance": ["client_id"],
    "conversion": ["recorded_on", "outcome_id"],
    "visit_completion": ["planned_on", "visit_id"],
    "flags_on_time": ["due_on", "flag_id"],
    "training_points": ["earned_on", "training_id"],
}
_FLAGS = ("kyc_ok", "accepted", "counted", "done", "on_time")


def kpi_rows(conn: Connection, scope: Scope, kpi: str) -> pd.DataFrame:
    """The rows behind one KPI for the scope's RMs; summing them gives the KPI."""
    check_kpi(kpi)
    if kpi in ("contribution", "contribution_growth"):
        return _contribution_rows(conn, scope)
    if kpi in ("deposits_growth", "loans_growth", "npl_ratio"):
        return _balance_detail(conn, scope, kpi)
    frame = _frame(conn, _ROWS[kpi](scope))
    for col in _FLAGS:
        if col in frame:
            frame[col] = frame[col].astype(bool)
    for col in ("points", "open_holdings"):
        if col in frame:
            frame[col] = frame[col].astype("int64")
    return frame.sort_values(_ORDER[kpi], ignore_index=True).drop(columns="rm_id")


def _client_names(conn: Connection, scope: Scope) -> pd.DataFrame:
    c = T["clients"]
    return _frame(
        conn,
        sql_select(c.c.id.label("client_id"), c.c.external_id, c.c.name).where(_clients_of(scope)),
    )


def _contribution_rows(conn: Connection, scope: Scope) -> pd.DataFrame:
    start, end = scope.before.months[0], scope.period.last_month
    names = _client_names(conn, scope)
    ids = [int(i) for i in names["client_id"]]
    monthly = monthly_contribution(conn, start, end, by="client", client_ids=ids)
    for name, period in (("contribution", scope.period), ("previous", scope.before)):
        part = monthly[_month_in(monthly, period)]
        sums = part.groupby("key")["contribution"].sum().rename(name)
        names = names.merge(sums, left_on="client_id", right_index=True, how="left")
        names[name] = names[name].astype("float64").fillna(0.0)
    held = (names["contribution"] != 0) | (names["previous"] != 0)
    names = names[held].assign(change=lambda f: f["contribution"] - f["previous"])
    return names.sort_values(["contribution", "client_id"], ascending=[False, True]).reset_index(
        drop=True
    )


def _balance_detail(conn: Connection, scope: Scope, kpi: str) -> pd.DataFrame:
    rows = _frame(conn, balance_rows(scope))
    rows["family"] = rows["family"].astype(str)
    rows["balance_minor"] = rows["balance_minor"].astype("int64")
    last, before = scope.period.last_month, scope.before.last_month
    if kpi == "npl_ratio":
        credit = rows[(rows["month"] == last) & rows["family"].isin([str(x) for x in CREDIT])]
        credit = credit.assign(non_performing=credit["days_past_due"] >= NPL_DAYS)
        cols = ["holding_id", "client_id", "external_id", "name", "product", "balance_minor"]
        return credit[[*cols, "days_past_due", "non_performing"]].sort_values(
            ["non_performing", "balance_minor", "holding_id"],
            ascending=[False, False, True],
            ignore_index=True,
        )
    families = DEPOSITS if kpi == "deposits_growth" else CREDIT
    rows = rows[rows["family"].isin([str(x) for x in families])]
    keys = ["client_id", "external_id", "name"]
    out = rows[keys].drop_duplicates("client_id")
    for name, month in (("balance_minor", last), ("previous_minor", before)):
        sums = rows[rows["month"] == month].groupby("client_id")["balance_minor"].sum().rename(name)
        out = out.merge(sums, left_on="client_id", right_index=True, how="left")
        out[name] = out[name].fillna(0).astype("int64")
    out["change_minor"] = out["balance_minor"] - out["previous_minor"]
    return out.sort_values(["change_minor", "client_id"], ignore_index=True)


def scope_for(conn: Connection, period: Period, rm_ids: Sequence[int], today: dt.date) -> Scope:
    moved = credited(conn, period.start, period.end)
    return Scope(
        period,
        tuple(int(r) for r in rm_ids),
        today,
        conn.dialect.name,
        tuple(sorted(moved.items())),
    )
