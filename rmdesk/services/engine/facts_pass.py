"""One pass over the monthly facts, in the database, giving every figure scoring needs per holding.

The heavy aggregation runs as one SQLAlchemy Core GROUP BY that works the same on SQLite and
PostgreSQL: conditional sums over the 24 months before the data date, split by the pricing
periods that fall inside them. Python receives one row per holding, never the facts themselves.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    Select,
    and_,
    cast,
    func,
    select,
)

from rmdesk.db import among
from rmdesk.models import Base
from rmdesk.services.common import frames
from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.common.parameters import Parameters
from rmdesk.services.engine.parts import Part

T = Base.metadata.tables


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    """The months a run looks at: the trailing 12 (current) and the 12 before (previous)."""

    as_of: dt.date

    @property
    def last(self) -> dt.date:
        return month_start(self.as_of)

    @property
    def current_start(self) -> dt.date:
        return add_months(self.last, -11)

    @property
    def previous_start(self) -> dt.date:
        return add_months(self.last, -23)

    def back(self, n: int) -> dt.date:
        """The first day of the month n months before the last one."""
        return add_months(self.last, -n)


def pricing_periods(conn: Connection, window: Window) -> list[dt.date]:
    """Start dates of the pricing periods inside the window (a period starts at any new version)."""
    pricing = T["product_pricing"]
    starts = conn.execute(
        select(pricing.c.valid_from)
        .where(pricing.c.valid_from > window.previous_start, pricing.c.valid_from <= window.last)
        .distinct()
    ).scalars()
    return [
        window.previous_start,
        *sorted({month_start(s) for s in starts} - {window.previous_start}),
    ]


@open_to(ADMINS)
def holding_features(
    engine: Engine,
    window: Window,
    params: Parameters,
    periods: list[dt.date],
    *,
    parts: int | None = None,
    part: Part | None = None,
    who: Account,
) -> pd.DataFrame:
    """One row per holding with facts in the window: sums per (window half, pricing period) and
    the recent-month figures the risk rules read.

    The pass is split into ``parts`` ranges of holdings run side by side on their own
    connections (one per core by default): the database does the work, and both SQLite and
    PostgreSQL run separate readers in parallel. ``part``: the holdings of those clients only.
    """
    f = T["monthly_facts"]
    query = _features_query(window, params, periods)
    with engine.connect() as conn:
        if part is None or part.everyone:
            low, high = conn.execute(
                select(func.min(f.c.holding_id), func.max(f.c.holding_id))
            ).one()
        elif part.ids is not None:  # a few thousand clients anywhere in the bank
            return _typed(frames.read(conn, _of_holdings(conn, query, part)))
        else:
            low, high = part.holding_range(conn)
            query = query.where(f.c.holding_id.in_(part.holdings()))
        if low is None:
            return _typed(frames.read(conn, query.where(f.c.holding_id.is_(None))))
    n = max(1, min(parts or (os.cpu_count() or 1), 8))
    step = (high - low) // n + 1
    ranges = [(low + i * step, min(high, low + (i + 1) * step - 1)) for i in range(n)]

    def run(bounds: tuple[int, int]) -> pd.DataFrame:
        within = query.where(f.c.holding_id.between(bounds[0], bounds[1]))
        with engine.connect() as conn:
            return frames.read(conn, within, block=BLOCK, then=_typed)

    if n == 1:
        return run(ranges[0])
    with ThreadPoolExecutor(max_workers=n) as pool:
        pieces = list(pool.map(run, ranges))
    return pd.concat([p for p in pieces if len(p)] or pieces[:1], ignore_index=True)


def _of_holdings(conn: Connection, query: Select[Any], part: Part) -> Select[Any]:
    """``query`` on the facts of the holdings of a part of a few thousand clients ``ids``, by
    holding id (the facts' index): the clients of a nightly run are spread over the whole range
    of ids, and a range with a subquery would have the database read every fact in it."""
    f = T["monthly_facts"]
    held = list(conn.execute(part.holdings()).scalars())
    return query.where(among(conn, f.c.holding_id, held))


#: the rows of a pass turned into a frame at a time: a part's holdings as Python objects (some
#: forty numbers each) would take ten times their frame
BLOCK = 20_000

#: the figures read at each cut date of the take-up models (engine/take_up), per holding:
#: the balance in the cut's month and six months before it, and six months' flows up to it
CUT_FIGURES = ("bal", "bal6", "sal", "cred", "deb", "txn", "od", "dpd")
#: the cuts: 0 = the data date, 1 = one horizon before it, 2 = two horizons before it
CUTS = (0, 1, 2)


def cut_month(window: Window, horizon: int, k: int) -> dt.date:
    """The month of cut ``k``: the data date's month, less ``k`` horizons."""
    return add_months(window.last, -k * horizon)


@open_to(ADMINS)
def cut_figures(
    engine: Engine, window: Window, horizon: int, *, part: Part | None = None, who: Account
) -> pd.DataFrame:
    """One row per holding with the ``cut{k}_{figure}`` of every cut: the balance in the cut's
    month and six months before it, and six months' salary, turnover, transactions, months
    overdrawn and months in arrears up to the cut's month; nothing after it.

    One query per cut, side by side on their own connections: each reads only its seven months
    (through the month index), so the passes together read about the facts of 21 months once,
    where conditions per figure in the main pass would test every fact 24 times.
    """

    f = T["monthly_facts"]

    def run(k: int) -> pd.DataFrame:
        query = _cut_query(window, horizon, k)
        with engine.connect() as conn:
            if part is not None and part.ids is not None:
                query = _of_holdings(conn, query, part)
            elif part is not None and not part.everyone:
                low, high = part.holding_range(conn)
                query = query.where(
                    f.c.holding_id.between(low, high), f.c.holding_id.in_(part.holdings())
                )
            frame = frames.read(conn, query, block=BLOCK, then=_counted)
        return frame.set_index("holding_id").add_prefix(f"cut{k}_")

    with ThreadPoolExecutor(max_workers=len(CUTS)) as pool:
        pieces = list(pool.map(run, CUTS))
    wide = pd.concat(pieces, axis=1, join="outer").fillna(0).astype("int64")
    wide.index.name = "holding_id"
    return wide.reset_index()


def _cut_query(window: Window, horizon: int, k: int) -> Select[*tuple[Any, ...]]:
    f = T["monthly_facts"]
    m = f.c.month
    at = cut_month(window, horizon, k)
    before = add_months(at, -6)
    six = m > before

    return (
        select(
            f.c.holding_id,
            _sum_if(m == at, f.c.avg_balance_minor).label("bal"),
            _sum_if(m == before, f.c.avg_balance_minor).label("bal6"),
            _sum_if(six, f.c.salary_inflow_minor).label("sal"),
            _sum_if(six, f.c.credit_turnover_minor).label("cred"),
            _sum_if(six, f.c.debit_turnover_minor).label("deb"),
            _sum_if(six, f.c.txn_count).label("txn"),
            _count_if(and_(six, f.c.overdraft_days > 0)).label("od"),
            _count_if(and_(six, f.c.days_past_due > 0)).label("dpd"),
        )
        .where(m >= before, m <= at)
        .group_by(f.c.holding_id)
    )


def _sum_if(cond: ColumnElement[bool], value: ColumnElement[Any]) -> ColumnElement[Any]:
    """The sum of ``value`` over the facts where ``cond`` holds (NULL where none does: the
    frames fill it with 0). A FILTER clause, not a CASE in the sum: the database skips the
    aggregate for the other facts, and a pass of some forty such sums over every fact is most
    of a data month's first run (docs/benchmarks.md). As a BIGINT: PostgreSQL sums a BIGINT
    column as NUMERIC, which the driver hands over as a ``Decimal`` of about 100 bytes, four
    times an ``int``, for each of a part's holdings and some forty sums (amounts in minor units
    over 24 months are far inside a BIGINT)."""
    return cast(func.sum(value).filter(cond), BigInteger)


def _count_if(cond: ColumnElement[bool]) -> ColumnElement[Any]:
    """The number of facts where ``cond`` holds (as ``_sum_if``)."""
    return func.count().filter(cond)


def _counted(frame: pd.DataFrame) -> pd.DataFrame:
    """A cut's figures as integers (none: 0)."""
    figures = [c for c in frame.columns if c != "holding_id"]
    frame[figures] = frame[figures].fillna(0).astype("int64")
    return frame


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    numeric = [c for c in frame.columns if c not in ("holding_id", "last_month")]
    frame[numeric] = frame[numeric].fillna(0).astype("int64")
    return frame


def _features_query(
    window: Window, params: Parameters, periods: list[dt.date]
) -> Select[*tuple[Any, ...]]:
    f = T["monthly_facts"]
    m = f.c.month
    last = window.last
    cols: list[ColumnElement[object]] = [f.c.holding_id]

    bounds = [*periods, add_months(last, 1)]
    for half, (lo, hi) in {
        "cur": (window.current_start, add_months(last, 1)),
        "prev": (window.previous_start, window.current_start),
    }.items():
        for p in range(len(periods)):
            a, b = max(lo, bounds[p]), min(hi, bounds[p + 1])
            if a >= b:
                continue
            inside = and_(m >= a, m < b)
            cols += [
                _sum_if(inside, f.c.avg_balance_minor).label(f"bal_{half}_{p}"),
                _sum_if(inside, f.c.fees_minor).label(f"fees_{half}_{p}"),
                _count_if(inside).label(f"n_{half}_{p}"),
            ]
    recent3 = m >= window.back(2)
    recent6 = m >= window.back(5)
    gap = params.salary_gap_months
    regular = and_(m >= window.back(gap + params.salary_months - 1), m < window.back(gap - 1))
    dormant_from = window.back(params.dormant_months - 1)
    before_dormant = and_(m >= window.back(2 * params.dormant_months - 1), m < dormant_from)
    cols += [
        func.max(m).filter(m <= last).label("last_month"),
        _sum_if(m == last, f.c.avg_balance_minor).label("bal_last"),
        _sum_if(and_(m >= window.back(3), m < last), f.c.avg_balance_minor).label("bal_prior3"),
        func.max(f.c.days_past_due).filter(m == last).label("dpd_last"),
        _count_if(and_(recent3, f.c.days_past_due > 0)).label("arrears_months"),
        _count_if(and_(recent6, f.c.overdraft_days > 0)).label("overdraft_months"),
        _sum_if(recent3, f.c.penalty_interest_minor).label("penalty_recent"),
        _sum_if(m >= window.back(gap - 1), f.c.salary_inflow_minor).label("salary_recent"),
        _count_if(and_(regular, f.c.salary_inflow_minor > 0)).label("salary_months"),
        _sum_if(m >= dormant_from, f.c.txn_count).label("txn_recent"),
        _sum_if(before_dormant, f.c.txn_count).label("txn_before"),
    ]
    # No WHERE on the month: every sum above is already bounded, and a range condition makes
    # SQLite walk the month index instead of reading the table in holding order (2.5x slower).
    return select(*cols).group_by(f.c.holding_id)
