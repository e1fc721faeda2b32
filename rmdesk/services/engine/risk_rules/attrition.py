"""Attrition rules, per client: balances falling, salary stopped, dormant, recent closures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.engine.risk_rules.base import Facts, Found, Param, Rule, Words


def _balance_drop(f: Facts) -> Found:
    """Deposits and investments of the last month against the average of the 3 before."""
    h, p = f.h, f.p
    funds = h[h["family"].isin(["deposit", "investment"])]
    prior_avg = funds["bal_prior3"] / 3
    per_client = (
        pd.DataFrame(
            {"client_id": funds["client_id"], "last": funds["bal_last"], "prior": prior_avg}
        )
        .groupby("client_id", as_index=False)[["last", "prior"]]
        .sum()
    )
    drop = 1 - per_client["last"] / per_client["prior"].where(per_client["prior"] > 0)
    hit = per_client[(per_client["prior"] >= p.balance_drop_min_minor) & (drop >= p.balance_drop)]
    return Found(
        hit,
        pd.DataFrame(
            {
                "last": hit["last"].round().astype("int64"),
                "prior_average": hit["prior"].round().astype("int64"),
                "drop": drop[hit.index].round(4),
            }
        ),
    )


def _balance_drop_says(d: Mapping[str, Any], w: Words) -> tuple[str, str]:
    return (
        f"存款及理财日均余额 {w.money(d['last'], 'zh')}，较前3个月平均 "
        f"{w.money(d['prior_average'], 'zh')} 下降 {w.percent(d['drop'], 'zh')}。",
        f"Deposits and investments average {w.money(d['last'], 'en')}, down "
        f"{w.percent(d['drop'], 'en')} on the previous 3 months' "
        f"{w.money(d['prior_average'], 'en')}.",
    )


def _salary_stopped(f: Facts) -> Found:
    """The gap itself (``salary_gap_months``) is counted into ``salary_recent`` by facts_pass."""
    salary = f.h.groupby("client_id", as_index=False).agg(
        regular=("salary_months", "max"), recent=("salary_recent", "sum")
    )
    hit = salary[(salary["regular"] >= f.p.salary_months) & (salary["recent"] == 0)]
    return Found(hit, pd.DataFrame({"months": hit["regular"]}))


def _dormant(f: Facts) -> Found:
    """The window (``dormant_months``) is counted into the transactions by facts_pass."""
    txns = f.h.groupby("client_id", as_index=False).agg(
        recent=("txn_recent", "sum"), before=("txn_before", "sum")
    )
    hit = txns[(txns["recent"] == 0) & (txns["before"] > 0)]
    return Found(hit, pd.DataFrame({"before": hit["before"]}))


def _closures(f: Facts) -> Found:
    h = f.h
    closed = pd.to_datetime(h["closed_on"])
    recent = h[
        closed.notna() & (closed <= f.day) & (closed > f.day - pd.Timedelta(days=f.p.closure_days))
    ]
    closures = recent.groupby("client_id", as_index=False).agg(
        count=("holding_id", "size"), codes=("code", lambda s: ",".join(sorted(set(s))))
    )
    severity = np.where(closures["count"] >= 2, "medium", "low")
    return Found(closures, closures[["count", "codes"]], severity)


RULES = (
    Rule(
        "BALANCE_DROP",
        "attrition",
        "medium",
        "存款余额大幅下降",
        "Balances falling",
        "the client's deposit and investment balances in the last month are ≥ 30 % below the "
        "average of the 3 months before, and that average was at least 10,000.00",
        (
            Param("drop on the 3 months before", "balance_drop"),
            Param("smallest average that counts", "balance_drop_min_minor"),
        ),
        _balance_drop,
        _balance_drop_says,
    ),
    Rule(
        "SALARY_STOPPED",
        "attrition",
        "high",
        "代发工资或养老金停止入账",
        "Salary or pension stopped",
        "salary or pension arrived in each of 3 months in a row and in none of the last 2",
        (
            Param("months in a row before", "salary_months"),
            Param("months without it", "salary_gap_months"),
        ),
        _salary_stopped,
        lambda d, _w: (
            f"此前连续 {d['months']} 个月有工资或养老金入账，近期已停止。",
            f"Salary or pension arrived for {d['months']} months in a row and has stopped.",
        ),
    ),
    Rule(
        "DORMANT",
        "attrition",
        "low",
        "账户休眠",
        "Dormant",
        "no transactions in the last 6 months after some in the 6 before",
        (Param("months without transactions", "dormant_months"),),
        _dormant,
        lambda d, _w: (
            f"近6个月无交易（此前6个月有 {d['before']} 笔）。",
            f"No transactions in the last 6 months ({d['before']} in the 6 before).",
        ),
    ),
    Rule(
        "CLOSURES",
        "attrition",
        "low",
        "近期销户",
        "Recent closures",
        "accounts closed in the last 90 days",
        (Param("days back", "closure_days"),),
        _closures,
        lambda d, _w: (
            f"近期销户 {d['count']} 个（{d['codes']}）。",
            f"{d['count']} account(s) closed recently ({d['codes']}).",
        ),
        escalates="medium for 2 or more",
    ),
)
