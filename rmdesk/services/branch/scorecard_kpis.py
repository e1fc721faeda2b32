"""The scorecard's KPIs (考核指标), per RM and period, counted in the database.

Each KPI is one SQLAlchemy Core query whose rows (one per client, holding, outcome, visit, flag
or training record) are both the drill-down and, grouped by RM in the database, the KPI: the
number an RM sees and the clients behind it come from the same rows. Contribution comes from
``contribution_detail.monthly_contribution``. Times are stored in UTC; a time counts on its
business date in the local time zone. The definitions are written out in docs/scorecard.md.
The queries are in ``kpi_queries``, the periods in ``periods``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Select,
    and_,
    case,
    func,
)
from sqlalchemy import select as sql_select

from rmdesk.models import ProductFamily
from rmdesk.services.branch.credit import credited
from rmdesk.services.branch.kpi_queries import (
    CREDIT,
    DEPOSITS,
    NPL_DAYS,
    Scope,
    T,
    active_client_rows,
    balance_rows,
    clients_of,
    flag_rows,
    lost_client_rows,
    new_client_rows,
    outcome_rows,
    training_rows,
    visit_rows,
)
from rmdesk.services.branch.periods import Period as Period
from rmdesk.services.branch.periods import PeriodKind as PeriodKind
from rmdesk.services.clients.contribution_detail import monthly_contribution

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
    KpiInfo("visit_completion", "走访及待办完成率", "Visits and tasks done", "ratio"),
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
#: each drill-down's order: what weighs on the score first (a client out of KYC, a visit not
#: done, a flag handled late), then the newest; (columns, ascending)
_ORDER: dict[str, tuple[list[str], list[bool]]] = {
    "new_clients": (["onboarded_on", "client_id"], [False, True]),
    "lost_clients": (["last_closed_on", "client_id"], [False, True]),
    "products_per_client": (["open_holdings", "client_id"], [True, True]),
    "kyc_compliance": (["kyc_ok", "client_id"], [True, True]),
    "conversion": (["recorded_on", "outcome_id"], [False, False]),
    "visit_completion": (["done", "planned_on", "visit_id"], [True, False, True]),
    "flags_on_time": (["on_time", "due_on", "flag_id"], [True, False, True]),
    "training_points": (["earned_on", "training_id"], [False, True]),
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
    columns, ascending = _ORDER[kpi]
    return frame.sort_values(columns, ascending=ascending, ignore_index=True).drop(columns="rm_id")


def _client_names(conn: Connection, scope: Scope) -> pd.DataFrame:
    c = T["clients"]
    return _frame(
        conn,
        sql_select(c.c.id.label("client_id"), c.c.external_id, c.c.name).where(clients_of(scope)),
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
