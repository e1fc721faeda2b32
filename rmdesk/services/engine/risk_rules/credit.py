"""Credit rules: days past due, arrears, overdrafts, penalty interest, card utilisation.

Each is per holding (a client with two cards past due has two flags). An open high-severity
flag of these rules blocks new credit suggestions (docs/cross-sell.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from rmdesk.services.engine.risk_rules.base import Facts, Found, Param, Rule, Words


def _dpd_band(band: int) -> Callable[[Facts], Found]:
    """Open loans and cards whose days past due in the last month fall in ``dpd_levels``'
    band ``band`` (from that level up to the next one; the last band has no top)."""

    def find(f: Facts) -> Found:
        h = f.h
        dpd = h["dpd_last"].where(h["family"].isin(["loan", "card"]) & f.is_open & f.current, 0)
        levels = f.p.dpd_levels
        low = levels[band]
        high = levels[band + 1] if band + 1 < len(levels) else None
        hit = h[(dpd >= low) & ((dpd < high) if high is not None else True)]
        return Found(hit, pd.DataFrame({"days": hit["dpd_last"]}))

    return find


def _past_due(d: Mapping[str, Any], _w: Words) -> tuple[str, str]:
    return f"本月逾期 {d['days']} 天。", f"{d['days']} days past due this month."


def _non_performing(d: Mapping[str, Any], _w: Words) -> tuple[str, str]:
    return (
        f"本月逾期 {d['days']} 天，已达不良标准。",
        f"{d['days']} days past due this month: non-performing.",
    )


def _arrears(f: Facts) -> Found:
    h = f.h
    loans = h[(h["family"] == "loan") & f.is_open]
    hit = loans[loans["arrears_months"] >= f.p.arrears_months]
    return Found(hit, pd.DataFrame({"months": hit["arrears_months"]}))


def _overdraft(f: Facts) -> Found:
    h = f.h
    hit = h[h["overdraft_months"] >= f.p.overdraft_months]
    return Found(hit, pd.DataFrame({"months": hit["overdraft_months"]}))


def _penalty(f: Facts) -> Found:
    h = f.h
    hit = h[(h["penalty_recent"] > 0) & (h["penalty_recent"] >= f.p.penalty_min_minor)]
    return Found(hit, pd.DataFrame({"amount": hit["penalty_recent"]}))


def _utilisation(f: Facts) -> Found:
    h = f.h
    cards = h[(h["family"] == "card") & f.is_open & f.current & (h["limit_minor"] > 0)]
    util = cards["bal_last"] / cards["limit_minor"]
    hit = cards[util >= f.p.card_utilisation]
    return Found(
        hit,
        pd.DataFrame(
            {
                "utilisation": (hit["bal_last"] / hit["limit_minor"]).round(4),
                "balance": hit["bal_last"],
                "limit": hit["limit_minor"],
            }
        ),
    )


def _utilisation_says(d: Mapping[str, Any], w: Words) -> tuple[str, str]:
    return (
        f"额度使用率 {w.percent(d['utilisation'], 'zh')}（欠款 {w.money(d['balance'], 'zh')}，"
        f"额度 {w.money(d['limit'], 'zh')}）。",
        f"Utilisation {w.percent(d['utilisation'], 'en')} ({w.money(d['balance'], 'en')} drawn "
        f"of {w.money(d['limit'], 'en')}).",
    )


DPD_FROM, DPD_TO = "days past due from", "days past due below"
RULES = (
    Rule(
        "DPD_1",
        "credit",
        "low",
        "逾期1天以上",
        "1+ days past due",
        "an open loan or card is 1–29 days past due in the last month",
        (Param(DPD_FROM, "dpd_levels", 0), Param(DPD_TO, "dpd_levels", 1)),
        _dpd_band(0),
        _past_due,
        per="holding",
    ),
    Rule(
        "DPD_30",
        "credit",
        "medium",
        "逾期30天以上",
        "30+ days past due",
        "30–89 days past due in the last month",
        (Param(DPD_FROM, "dpd_levels", 1), Param(DPD_TO, "dpd_levels", 2)),
        _dpd_band(1),
        _past_due,
        per="holding",
    ),
    Rule(
        "DPD_90",
        "credit",
        "high",
        "逾期90天以上",
        "90+ days past due",
        "90 or more days past due in the last month (non-performing)",
        (Param(DPD_FROM, "dpd_levels", 2),),
        _dpd_band(2),
        _non_performing,
        per="holding",
    ),
    Rule(
        "LOAN_ARREARS",
        "credit",
        "high",
        "贷款持续拖欠",
        "Loan in arrears",
        "an open loan was past due in ≥ 2 of the last 3 months",
        (Param("months past due of the last 3", "arrears_months"),),
        _arrears,
        lambda d, _w: (
            f"近3个月中有 {d['months']} 个月逾期。",
            f"In arrears in {d['months']} of the last 3 months.",
        ),
        per="holding",
    ),
    Rule(
        "OVERDRAFT",
        "credit",
        "medium",
        "反复透支",
        "Recurring overdraft",
        "a holding was overdrawn in ≥ 3 of the last 6 months",
        (Param("months overdrawn of the last 6", "overdraft_months"),),
        _overdraft,
        lambda d, _w: (
            f"近6个月中有 {d['months']} 个月透支。",
            f"Overdrawn in {d['months']} of the last 6 months.",
        ),
        per="holding",
    ),
    Rule(
        "PENALTY_INTEREST",
        "credit",
        "medium",
        "产生罚息",
        "Penalty interest charged",
        "penalty interest of at least ¥100 charged in the last 3 months",
        (Param("least penalty in 3 months (minor units)", "penalty_min_minor"),),
        _penalty,
        lambda d, w: (
            f"近3个月产生罚息 {w.money(d['amount'], 'zh')}。",
            f"Penalty interest of {w.money(d['amount'], 'en')} in the last 3 months.",
        ),
        per="holding",
    ),
    Rule(
        "CARD_UTILISATION",
        "credit",
        "medium",
        "信用卡额度使用率高",
        "High card utilisation",
        "an open card's last-month balance ≥ 80 % of its limit",
        (Param("share of the limit drawn", "card_utilisation"),),
        _utilisation,
        _utilisation_says,
        per="holding",
    ),
)
