"""Contribution month by month, for a client's breakdown, a brief's chart and the scorecards.

The database groups the facts by (key, product, month); pandas applies each month's pricing
version. The key is a holding, a client, an RM or a branch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Literal

import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from rmdesk.models import Base
from rmdesk.services.common import formatting, frames
from rmdesk.services.common.access import Account, guarded
from rmdesk.services.engine.contribution import (
    COMPONENTS,
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
        lines = _words(None, 0, 0)
        return Breakdown(client_id, as_of, currency, by_month, products, 0, 0, lines, name)
    sums = detail.groupby("month")[[*COMPONENTS, "contribution", "balance"]].sum()
    by_month = months.merge(sums, left_on="month", right_index=True, how="left").fillna(0.0)
    current = detail[detail["month"] >= window.current_start]
    names = pd.DataFrame(info, columns=["key", "currency", "code", "name_zh", "name_en"])
    current = current.merge(names, on="key")
    products = current.groupby(["code", "name_zh", "name_en"], as_index=False).agg(
        **{c: (c, "sum") for c in [*COMPONENTS, "contribution"]},
        balance=("balance", "sum"),
        months=("month", "nunique"),
        versions=("version", lambda v: ",".join(str(int(x)) for x in sorted(set(v)))),
    )
    products = products.sort_values("contribution", ascending=False, ignore_index=True)
    rates = pricing.drop_duplicates(["code", "version"]).set_index(["code", "version"])
    total = round(float(current["contribution"].sum()))
    previous = round(
        float(detail.loc[detail["month"] < window.current_start, "contribution"].sum())
    )
    lines = _words(products.assign(currency=currency), total, previous, rates)
    return Breakdown(client_id, as_of, currency, by_month, products, total, previous, lines, name)


def _words(
    products: pd.DataFrame | None,
    total: int,
    previous: int,
    rates: pd.DataFrame | None = None,
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"zh": [], "en": []}
    if products is None or products.empty:
        out["zh"].append("近12个月没有任何账户的月度数据，贡献度为0。")
        out["en"].append(
            "No monthly figures for any account in the last 12 months: contribution 0."
        )
        return out
    cur = str(products["currency"].iloc[0])
    for lang in formatting.LANGUAGES:

        def m(x: float, lang: str = lang) -> str:
            return formatting.money(x, cur, lang)

        def p(x: float, lang: str = lang) -> str:
            return formatting.percent(x, lang, 2)

        growth = (total - previous) / previous if previous > 0 else None
        if lang == "zh":
            head = f"近12个月贡献度 {m(total)}（前12个月 {m(previous)}"
            head += f"，增长 {p(growth)}）。" if growth is not None else "）。"
        else:
            head = f"Trailing-12-month contribution {m(total)} (previous 12 months {m(previous)}"
            head += f", growth {p(growth)})." if growth is not None else ")."
        out[lang].append(head)
        for rec in products.to_dict("records"):
            row = SimpleNamespace(**{str(k): v for k, v in rec.items()})
            avg = row.balance / max(row.months, 1)
            version = str(row.versions).split(",")[-1]
            r = rates.loc[(row.code, int(version))] if rates is not None else None
            name = row.name_zh if lang == "zh" else row.name_en
            bits = []
            if row.deposit_margin and r is not None:
                spread = p(float(r["ftp_rate"] - r["client_rate"]))
                bits.append(
                    f"存款利差 {m(row.deposit_margin)}（日均 {m(avg)} × FTP−客户利率 {spread}）"
                    if lang == "zh"
                    else f"deposit margin {m(row.deposit_margin)} (average {m(avg)} × "
                    f"FTP − client rate {spread})"
                )
            if row.loan_margin and r is not None:
                spread = p(float(r["client_rate"] - r["ftp_rate"]))
                bits.append(
                    f"贷款利差 {m(row.loan_margin)}（日均 {m(avg)} × 客户利率−FTP {spread}）"
                    if lang == "zh"
                    else f"loan margin {m(row.loan_margin)} (average {m(avg)} × "
                    f"client rate − FTP {spread})"
                )
            if row.fees:
                bits.append(f"手续费 {m(row.fees)}" if lang == "zh" else f"fees {m(row.fees)}")
            if row.cost:
                bits.append(
                    f"服务成本 −{m(row.cost)}（{row.months}个月）"
                    if lang == "zh"
                    else f"cost to serve −{m(row.cost)} ({row.months} months)"
                )
            if row.expected_loss and r is not None:
                bits.append(
                    f"预期损失 −{m(row.expected_loss)}（PD {p(float(r['pd']))} × "
                    f"LGD {p(float(r['lgd']))}）"
                    if lang == "zh"
                    else f"expected loss −{m(row.expected_loss)} (PD {p(float(r['pd']))} × "
                    f"LGD {p(float(r['lgd']))})"
                )
            sep = "；" if lang == "zh" else "; "
            label = f"定价版本 v{row.versions}" if lang == "zh" else f"pricing v{row.versions}"
            out[lang].append(
                f"{name} ({row.code}, {label}): {m(row.contribution)} = " + sep.join(bits)
            )
    return out
