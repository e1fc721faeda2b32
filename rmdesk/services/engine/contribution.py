"""Client contribution (客户贡献度): margins, fees, cost to serve and expected loss, per month.

Per holding and month, with the pricing version valid in that month (docs/contribution.md):
    deposit margin = average balance × (FTP rate − client rate) / 12          (deposits)
    loan margin    = average balance × (client rate − FTP rate) / 12          (loans and cards)
    fees           = fees and commissions booked in the month
    cost to serve  = the product's cost per holding per month
    expected loss  = average balance × PD × LGD / 12                          (loans and cards)
    contribution   = deposit margin + loan margin + fees − cost to serve − expected loss
A client's contribution is the sum over their holdings of the trailing 12 months; growth compares
it with the 12 months before. Tiers cut the bank's clients by cumulative share of positive
contribution; ranks order clients in their RM's book, their branch and the bank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from rmdesk.models import Base
from rmdesk.services.common import frames
from rmdesk.services.common.parameters import Parameters
from rmdesk.services.engine.facts_pass import month_start

T = Base.metadata.tables
COMPONENTS = ["deposit_margin", "loan_margin", "fees", "cost", "expected_loss"]
#: growth is a percentage of the 12 months before only from this base (¥1,000): against a few
#: yuan a change reads as thousands of per cent and says nothing (docs/contribution.md)
GROWTH_MIN_BASE_MINOR = 100_000
DEPOSIT_FAMILIES = {"deposit"}
CREDIT_FAMILIES = {"loan", "card"}


def pricing_table(conn: Connection) -> pd.DataFrame:
    """Every pricing version with its product, as floats for computing (exact in the database)."""
    p, prod = T["product_pricing"], T["products"]
    result = conn.execute(
        select(
            p.c.product_id,
            prod.c.code,
            prod.c.family,
            p.c.version,
            p.c.valid_from,
            p.c.ftp_rate,
            p.c.client_rate,
            p.c.cost_to_serve_minor,
            p.c.pd,
            p.c.lgd,
            p.c.fee_monthly_minor,
            p.c.fee_rate,
        ).join(prod, prod.c.id == p.c.product_id)
    )
    frame = frames.frame(result)
    for col in ["ftp_rate", "client_rate", "pd", "lgd", "fee_rate"]:
        frame[col] = frame[col].astype("float64")
    frame["valid_month"] = [month_start(d) for d in frame["valid_from"]]
    return frame.sort_values(["product_id", "valid_month", "version"], ignore_index=True)


def versions_at(pricing: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """Per product, the version valid in ``month``; before a product's first version, its first."""
    valid = pricing[pricing["valid_month"] <= month]
    latest = valid.groupby("product_id").tail(1)
    first = pricing.groupby("product_id").head(1)
    missing = first[~first["product_id"].isin(latest["product_id"])]
    return pd.concat([latest, missing]).set_index("product_id")


def monthly_rates(rates: pd.DataFrame, family: pd.Series) -> pd.DataFrame:
    """Monthly margin and loss rates per row, by product family."""
    ftp, client = rates["ftp_rate"].to_numpy(), rates["client_rate"].to_numpy()
    deposit = family.isin(DEPOSIT_FAMILIES).to_numpy()
    credit = family.isin(CREDIT_FAMILIES).to_numpy()
    return pd.DataFrame(
        {
            "deposit_rate": np.where(deposit, (ftp - client) / 12, 0.0),
            "loan_rate": np.where(credit, (client - ftp) / 12, 0.0),
            "loss_rate": np.where(credit, rates["pd"].to_numpy() * rates["lgd"].to_numpy() / 12, 0),
            "cost": rates["cost_to_serve_minor"].to_numpy(dtype="float64"),
        },
        index=rates.index,
    )


@dataclass
class HoldingContribution:
    frame: pd.DataFrame  # one row per holding: client_id, product_id, parts for cur and prev
    versions: dict[str, list[int]]  # product code -> pricing versions used


def per_holding(
    features: pd.DataFrame,
    holdings: pd.DataFrame,
    pricing: pd.DataFrame,
    periods: list[dt.date],
) -> HoldingContribution:
    """Contribution parts per holding for the current and the previous 12 months."""
    frame = features.merge(holdings[["holding_id", "client_id", "product_id"]], on="holding_id")
    products = pricing.drop_duplicates("product_id").set_index("product_id")["family"]
    family = frame["product_id"].map(products).fillna("service")
    codes = pricing.drop_duplicates("product_id").set_index("product_id")["code"]
    used: dict[str, set[int]] = {}
    out = pd.DataFrame({"holding_id": frame["holding_id"], "client_id": frame["client_id"]})
    out["product_id"] = frame["product_id"]
    for half in ("cur", "prev"):
        parts = {c: np.zeros(len(frame)) for c in COMPONENTS}
        for p, start in enumerate(periods):
            if f"bal_{half}_{p}" not in frame:
                continue
            bal = frame[f"bal_{half}_{p}"].to_numpy(dtype="float64")
            n = frame[f"n_{half}_{p}"].to_numpy(dtype="float64")
            version = versions_at(pricing, start)
            rates = monthly_rates(version.reindex(frame["product_id"]).fillna(0.0), family)
            parts["deposit_margin"] += bal * rates["deposit_rate"].to_numpy()
            parts["loan_margin"] += bal * rates["loan_rate"].to_numpy()
            parts["fees"] += frame[f"fees_{half}_{p}"].to_numpy(dtype="float64")
            parts["cost"] += n * rates["cost"].to_numpy()
            parts["expected_loss"] += bal * rates["loss_rate"].to_numpy()
            held = frame.loc[n > 0, "product_id"].unique()
            for product_id in held:
                if product_id in version.index:
                    code = str(codes.get(product_id, product_id))
                    used.setdefault(code, set()).add(int(version["version"].loc[product_id]))
        for c in COMPONENTS:
            out[f"{c}_{half}"] = parts[c]
        out[f"contribution_{half}"] = (
            parts["deposit_margin"]
            + parts["loan_margin"]
            + parts["fees"]
            - parts["cost"]
            - parts["expected_loss"]
        )
    return HoldingContribution(out, {k: sorted(v) for k, v in sorted(used.items())})


def per_client(holding: pd.DataFrame, clients: pd.DataFrame) -> pd.DataFrame:
    """Sum the holdings to clients; every client in ``clients`` appears, with zeros if need be."""
    sums = holding.drop(columns=["holding_id", "product_id"]).groupby("client_id").sum()
    frame = clients[["client_id", "rm_id", "branch_id"]].merge(
        sums, left_on="client_id", right_index=True, how="left"
    )
    value_cols = [c for c in sums.columns]
    values = frame[value_cols].fillna(0.0).to_numpy(dtype="float64")
    # each part rounded to the fen once, half away from zero; the contribution is the rounded
    # parts combined, so parts and totals add up wherever they are shown (clients.reconcile)
    rounded = np.sign(values) * np.floor(np.abs(values) + 0.5)
    frame[value_cols] = rounded.astype("int64")
    for half in ("cur", "prev"):
        if f"contribution_{half}" in frame:
            frame[f"contribution_{half}"] = (
                frame[f"deposit_margin_{half}"]
                + frame[f"loan_margin_{half}"]
                + frame[f"fees_{half}"]
                - frame[f"cost_{half}"]
                - frame[f"expected_loss_{half}"]
            )
    frame["growth"] = growth(frame)
    return frame


def growth(frame: pd.DataFrame) -> np.ndarray[Any, Any]:
    """The change of contribution on the 12 months before, NaN where those were below
    ``GROWTH_MIN_BASE_MINOR``."""
    cur = frame["contribution_cur"].to_numpy(dtype="float64")
    prev = frame["contribution_prev"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(prev >= GROWTH_MIN_BASE_MINOR, (cur - prev) / prev, np.nan)


def rank_within(frame: pd.DataFrame, value: str, group: str | None) -> pd.Series:
    """1 = the highest value; ties go to the lower client id so ranks are a permutation."""
    order = frame.sort_values([value, "client_id"], ascending=[False, True])
    if group is None:
        ranks = pd.Series(np.arange(1, len(order) + 1), index=order.index)
    else:
        ranks = order.groupby(group, dropna=False).cumcount() + 1
    return ranks.reindex(frame.index).astype("Int64")


def assign_tiers(values: np.ndarray, params: Parameters) -> tuple[np.ndarray, np.ndarray]:
    """Tier and cumulative share for each value (contribution), bank-wide.

    Positive values are sorted from the largest; a client's tier is the first whose cumulative
    share bound lies above the share the clients before it already make. Zero or negative
    contribution is in the last tier with a cumulative share of 1.
    """
    names = params.tier_names()
    bounds = np.cumsum(list(params.tier_shares.values()))
    bounds[-1] = np.inf  # rounding never pushes a positive client past the last tier
    n = len(values)
    tiers = np.full(n, names[-1], dtype=object)
    share = np.ones(n)
    positive = values > 0
    total = values[positive].sum()
    if total > 0:
        idx = np.flatnonzero(positive)
        order = idx[np.argsort(-values[idx], kind="stable")]
        cum = np.cumsum(values[order]) / total
        before = np.concatenate([[0.0], cum[:-1]]) + 1e-12  # a share exactly on a bound moves on
        tiers[order] = np.asarray(names, dtype=object)[np.searchsorted(bounds, before, "right")]
        share[order] = np.minimum(cum, 1.0)
    return tiers, share


def rank_and_tier(frame: pd.DataFrame, params: Parameters) -> pd.DataFrame:
    out = frame.copy()
    out["rank_bank"] = rank_within(out, "contribution_cur", None)
    out["rank_book"] = rank_within(out, "contribution_cur", "rm_id")
    out.loc[out["rm_id"].isna(), "rank_book"] = pd.NA
    out["rank_branch"] = rank_within(out, "contribution_cur", "branch_id")
    out.loc[out["branch_id"].isna(), "rank_branch"] = pd.NA
    tiers, share = assign_tiers(out["contribution_cur"].to_numpy(dtype="float64"), params)
    out["tier"] = tiers
    out["cumulative_share"] = share
    return out


def pareto(values: np.ndarray | pd.Series, top: float = 0.20) -> dict[str, float]:
    """What share of positive contribution the top ``top`` of clients make, and the curve."""
    v = np.sort(np.asarray(values, dtype="float64"))[::-1]
    if len(v) == 0:
        return {"clients": 0, "top_share": 0.0, "top": top}
    positive_total = v[v > 0].sum()
    k = max(1, int(np.ceil(len(v) * top)))
    top_sum = v[:k][v[:k] > 0].sum()
    return {
        "clients": float(len(v)),
        "top": top,
        "top_share": float(top_sum / positive_total) if positive_total > 0 else 0.0,
        "negative_clients": float((v < 0).sum()),
    }


def pareto_curve(values: np.ndarray | pd.Series, points: int = 101) -> pd.DataFrame:
    """Cumulative share of clients (largest first) against cumulative share of contribution."""
    v = np.sort(np.asarray(values, dtype="float64"))[::-1]
    total = v[v > 0].sum()
    if len(v) == 0 or total <= 0:
        return pd.DataFrame({"client_share": [0.0, 1.0], "contribution_share": [0.0, 0.0]})
    cum = np.concatenate([[0.0], np.cumsum(v) / total])
    x = np.linspace(0, 1, points)
    y = np.interp(x * len(v), np.arange(len(v) + 1), cum)
    return pd.DataFrame({"client_share": x, "contribution_share": y})
