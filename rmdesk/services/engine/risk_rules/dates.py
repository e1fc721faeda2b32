"""Rules on dates: a KYC review overdue (compliance), a term deposit or loan maturing soon
(events, per holding), and a client not contacted within the tier's cadence (engagement)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.engine.risk_rules.base import Facts, Found, Param, Rule, Words


def _kyc(f: Facts) -> Found:
    c = f.c
    kyc = pd.to_datetime(c["kyc_due"])
    hit = c[kyc.notna() & (kyc < f.day)]
    late = (f.day - pd.to_datetime(hit["kyc_due"])).dt.days
    return Found(
        hit,
        pd.DataFrame({"due": hit["kyc_due"].astype(str), "days": late}),
        np.where(late > 365, "high", "medium"),
    )


def _maturing(families: list[str]) -> Callable[[Facts], Found]:
    """Open holdings of ``families`` that mature within ``maturity_days`` of the data date."""

    def find(f: Facts) -> Found:
        h = f.h
        maturity = pd.to_datetime(h["maturity_on"])
        soon = (
            f.is_open
            & maturity.notna()
            & (maturity >= f.day)
            & (maturity <= f.day + pd.Timedelta(days=f.p.maturity_days))
        )
        hit = h[soon & h["family"].isin(families)]
        return Found(
            hit,
            pd.DataFrame(
                {
                    "on": hit["maturity_on"].astype(str),
                    "days": (pd.to_datetime(hit["maturity_on"]) - f.day).dt.days,
                    "amount": hit["bal_last"],
                }
            ),
        )

    return find


def _td_says(d: Mapping[str, Any], w: Words) -> tuple[str, str]:
    return (
        f"定期存款 {w.money(d['amount'], 'zh')} 将于 {d['on']} 到期（{d['days']} 天后）。",
        f"Term deposit of {w.money(d['amount'], 'en')} matures on {d['on']} (in {d['days']} days).",
    )


def _loan_says(d: Mapping[str, Any], w: Words) -> tuple[str, str]:
    return (
        f"贷款将于 {d['on']} 到期（{d['days']} 天后），余额 {w.money(d['amount'], 'zh')}。",
        f"Loan matures on {d['on']} (in {d['days']} days), {w.money(d['amount'], 'en')} "
        "outstanding.",
    )


def _no_contact(f: Facts) -> Found:
    """Days since the last contact (or onboarding) beyond the tier's cadence; a tier without
    a cadence of its own gets the longest."""
    c, p = f.c, f.p
    longest = max(p.cadence_days.values())
    cadence = pd.Series(
        [p.cadence_days.get(str(t), longest) for t in c["tier"]], index=c.index, dtype="int64"
    )
    last = pd.to_datetime(c["last_contact"])
    reference = last.fillna(pd.to_datetime(c["onboarded_on"]))
    overdue = (f.day - reference).dt.days - cadence
    # flagged past the cadence and a grace (half of it by default): the planner plans the
    # contact from the cadence itself; the flag is for a relationship left to lapse
    hit_mask = overdue > (cadence * p.no_contact_grace).round()
    hit = c[hit_mask]
    return Found(
        hit,
        pd.DataFrame(
            {
                "last": last[hit_mask].dt.date.astype(str).where(last[hit_mask].notna(), ""),
                "cadence": cadence[hit_mask].astype("int64"),
                "overdue": overdue[hit_mask].astype("int64"),
                "tier": hit["tier"],
            }
        ),
        # a lapse is the planner's to fix (it plans the contact); only a top-tier client left
        # past twice the cadence is a risk to the relationship worth a medium flag
        np.where(
            (overdue[hit_mask] > cadence[hit_mask])
            & ((hit["tier"] == p.tier_names()[0]) | (p.no_contact_escalates == "all")),
            "medium",
            "low",
        ),
    )


def _no_contact_says(d: Mapping[str, Any], _w: Words) -> tuple[str, str]:
    return (
        (f"上次联系 {d['last']}" if d["last"] else "从未联系")
        + f"，{d['tier']}类客户应每 {d['cadence']} 天联系一次，已超期 {d['overdue']} 天。",
        (f"Last contact {d['last']}" if d["last"] else "Never contacted")
        + f"; tier {d['tier']} clients are contacted every {d['cadence']} days: "
        f"{d['overdue']} days overdue.",
    )


MATURITY = Param("days ahead", "maturity_days")
RULES = (
    Rule(
        "KYC_OVERDUE",
        "compliance",
        "medium",
        "KYC复核逾期",
        "KYC review overdue",
        "the KYC review date has passed",
        (),
        _kyc,
        lambda d, _w: (
            f"KYC复核应于 {d['due']} 完成，已逾期 {d['days']} 天。",
            f"KYC review was due on {d['due']}: {d['days']} days overdue.",
        ),
        escalates="high after a year",
    ),
    Rule(
        "TD_MATURING",
        "event",
        "low",
        "定期存款即将到期",
        "Term deposit maturing",
        "an open term deposit matures within 60 days",
        (MATURITY,),
        _maturing(["deposit"]),
        _td_says,
        per="holding",
    ),
    Rule(
        "LOAN_MATURING",
        "event",
        "low",
        "贷款即将到期",
        "Loan maturing",
        "an open loan matures within 60 days",
        (MATURITY,),
        _maturing(["loan"]),
        _loan_says,
        per="holding",
    ),
    Rule(
        "NO_CONTACT",
        "engagement",
        "low",
        "超期未联系",
        "No contact within cadence",
        "no contact within the tier's cadence (A 30, B 90, C 180, D 365 days) and half of it "
        "again, counted from the last contact on any channel, or from onboarding for a client "
        "never contacted",
        (
            Param("days between contacts, by tier", "cadence_days"),
            Param("grace, as a share of the cadence", "no_contact_grace"),
            Param("whose flag turns medium (top tier or all)", "no_contact_escalates"),
        ),
        _no_contact,
        _no_contact_says,
        escalates="medium past twice the cadence, for the top tier (A) only",
    ),
)
