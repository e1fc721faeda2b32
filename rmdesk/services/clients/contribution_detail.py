"""Contribution month by month, for a client's breakdown, a brief's chart and the scorecards.

The database groups the facts by (key, product, month); pandas applies each month's pricing
version. The key is a holding, a client, an RM or a branch.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from rmdesk.models import Base
from rmdesk.services.clients import reconcile
from rmdesk.services.common import formatting, frames
from rmdesk.services.common.access import Account, guarded
from rmdesk.services.engine.contribution import (
    COMPONENTS,
    GROWTH_MIN_BASE_MINOR,
    monthly_rates,
    pricing_table,
    versions_at,
)
from rmdesk.services.engine.facts_pass import Window
from rmdesk.services.engine.scoring import data_date

T = Base.metadata.tables
Key = Literal["holding", "client", "rm", "branch"]


def monthly_contribution(
    conn: Connection,
    start: dt.date,
    end: dt.date,
    *,
    by: Key = "client",
    client_ids: list[int] | None = None,
    rm_ids: list[int] | None = None,
) -> pd.DataFrame:
    """Contribution parts per key and month for months in [start, end] (first days of months)."""
    f, h, c = T["monthly_facts"], T["holdings"], T["clients"]
    key_col = {
        "holding": h.c.id,
        "client": h.c.client_id,
        "rm": c.c.rm_id,
        "branch": c.c.branch_id,
    }[by]
    query = (
        select(
            key_col.label("key"),
            h.c.product_id,
            f.c.month,
            func.sum(f.c.avg_balance_minor).label("balance"),
            func.sum(f.c.fees_minor).label("fees"),
            func.count().label("n"),
        )
        .select_from(f.join(h, h.c.id == f.c.holding_id).join(c, c.c.id == h.c.client_id))
        .where(f.c.month >= start, f.c.month <= end)
        .group_by(key_col, h.c.product_id, f.c.month)
    )
    if client_ids is not None:
        query = query.where(h.c.client_id.in_(client_ids))
    if rm_ids is not None:
        query = query.where(c.c.rm_id.in_(rm_ids))
    result = conn.execute(query)
    rows = frames.frame(result)
    columns = ["key", "month", *COMPONENTS, "contribution"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    pricing = pricing_table(conn)
    parts = []
    for month, group in rows.groupby("month"):
        version = versions_at(pricing, month)  # type: ignore[arg-type]
        rates = version.reindex(group["product_id"]).fillna(0.0)
        family = pricing.drop_duplicates("product_id").set_index("product_id")["family"]
        fam = group["product_id"].map(family).fillna("service")
        r = monthly_rates(rates.reset_index(drop=True), fam.reset_index(drop=True))
        bal = group["balance"].to_numpy(dtype="float64")
        part = pd.DataFrame(
            {
                "key": group["key"].to_numpy(),
                "month": month,
                "product_id": group["product_id"].to_numpy(),
                "version": rates["version"].to_numpy(),
                "balance": bal,
                "n": group["n"].to_numpy(dtype="int64"),
                "deposit_margin": bal * r["deposit_rate"].to_numpy(),
                "loan_margin": bal * r["loan_rate"].to_numpy(),
                "fees": group["fees"].to_numpy(dtype="float64"),
                "cost": group["n"].to_numpy(dtype="float64") * r["cost"].to_numpy(),
                "expected_loss": bal * r["loss_rate"].to_numpy(),
            }
        )
        parts.append(part)
    detail = pd.concat(parts, ignore_index=True)
    detail["contribution"] = (
        detail["deposit_margin"]
        + detail["loan_margin"]
        + detail["fees"]
        - detail["cost"]
        - detail["expected_loss"]
    )
    if by == "holding":
        return detail.sort_values(["key", "month"], ignore_index=True)
    out = detail.groupby(["key", "month"], as_index=False)[[*COMPONENTS, "contribution"]].sum()
    return out[columns]


@dataclass
class Breakdown:
    """How a client's contribution was computed, in numbers and in words."""

    client_id: int
    as_of: dt.date
    currency: str
    months: pd.DataFrame  # month, parts, contribution, balance (the 24 months)
    products: pd.DataFrame  # per product over the trailing 12 months, with pricing versions
    total_minor: int
    previous_minor: int
    lines: dict[str, list[str]] = field(default_factory=dict)  # "zh" / "en": sentences
    name: str = ""  # the client's name


@guarded("client", "client_id")
def client_breakdown(
    engine: Engine, client_id: int, as_of: dt.date | None, *, who: Account
) -> Breakdown:
    """How client ``client_id``'s contribution was computed as of ``as_of`` (None: the date the
    facts describe)."""
    if as_of is None:
        with engine.connect() as conn:
            as_of = data_date(conn)
    window = Window(as_of)
    h, prod = T["holdings"], T["products"]
    with engine.connect() as conn:
        detail = monthly_contribution(
            conn, window.previous_start, window.last, by="holding", client_ids=[client_id]
        )
        info = conn.execute(
            select(h.c.id, h.c.currency, prod.c.code, prod.c.name_zh, prod.c.name_en)
            .join(prod, prod.c.id == h.c.product_id)
            .where(h.c.client_id == client_id)
        ).all()
        pricing = pricing_table(conn)
        c = T["clients"]
        name = str(conn.execute(select(c.c.name).where(c.c.id == client_id)).scalar() or "")
    currency = info[0].currency if info else "CNY"
    months = pd.DataFrame({"month": [window.back(n) for n in range(23, -1, -1)]})
    if detail.empty:
        by_month = months.assign(**{c: 0.0 for c in [*COMPONENTS, "contribution", "balance"]})
        products = pd.DataFrame(
            columns=["code", "name_zh", "name_en", "versions", *COMPONENTS, "contribution"]
        )
        lines = _words([], 0, 0, currency)
        return Breakdown(client_id, as_of, currency, by_month, products, 0, 0, lines, name)
    sums = detail.groupby("month")[[*COMPONENTS, "contribution", "balance"]].sum()
    by_month = months.merge(sums, left_on="month", right_index=True, how="left").fillna(0.0)
    names = pd.DataFrame(info, columns=["key", "currency", "code", "name_zh", "name_en"])
    detail = detail.merge(names, on="key")
    current = detail[detail["month"] >= window.current_start]
    explained = reconcile.lines(current, pricing)
    products = reconcile.per_product(explained)
    total = sum(line.contribution for line in explained)
    previous = reconcile.total(detail[detail["month"] < window.current_start])
    lines = _words(explained, total, previous, currency)
    return Breakdown(client_id, as_of, currency, by_month, products, total, previous, lines, name)


def _words(
    explained: list[reconcile.Line], total: int, previous: int, currency: str
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"zh": [], "en": []}
    if not explained:
        out["zh"].append("近12个月没有任何账户的月度数据，贡献度为0。")
        out["en"].append(
            "No monthly figures for any account in the last 12 months: contribution 0."
        )
        return out
    for lang in formatting.LANGUAGES:
        m = functools.partial(formatting.money, currency=currency, language=lang)
        growth = (total - previous) / previous if previous >= GROWTH_MIN_BASE_MINOR else None
        if lang == "zh":
            head = f"近12个月贡献度 {m(total)}（前12个月 {m(previous)}"
            head += (
                f"，增长 {formatting.percent(growth, lang, 2)}）" if growth is not None else "）"
            )
            head += "，为下列各项之和；每项四舍五入到分，合计等于各项之和。"
        else:
            head = f"Trailing-12-month contribution {m(total)} (previous 12 months {m(previous)}"
            head += (
                f", growth {formatting.percent(growth, 'en', 2)})" if growth is not None else ")"
            )
            head += ": the sum of the lines below; each part is rounded to the cent once and "
            head += "the totals are the sums of the parts shown."
        out[lang].append(head)
        out[lang] += [text for line in explained for text in reconcile.words(line, currency, lang)]
    return out
