"""The risk rule catalogue (风险预警规则) and its evaluation on one data date.

Each rule has a code, a category, a severity, the parameters it reads and an evidence sentence in
Chinese and English with the numbers that triggered it. Rules are evaluated with pandas on the
per-holding figures of ``facts_pass`` (one row per holding), the holdings, the clients and the
last contact per client. docs/risk-flags.md lists them with their thresholds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common import formatting
from rmdesk.services.common.parameters import Parameters


@dataclass(frozen=True)
class Rule:
    code: str
    category: str  # credit | attrition | compliance | event | engagement
    severity: str  # the usual severity; some rules escalate (see evidence_data["severity"])
    name_zh: str
    name_en: str
    parameters: tuple[str, ...]


RULES: list[Rule] = [
    Rule("DPD_1", "credit", "low", "逾期1天以上", "1+ days past due", ("dpd_levels",)),
    Rule("DPD_30", "credit", "medium", "逾期30天以上", "30+ days past due", ("dpd_levels",)),
    Rule("DPD_90", "credit", "high", "逾期90天以上", "90+ days past due", ("dpd_levels",)),
    Rule("LOAN_ARREARS", "credit", "high", "贷款持续拖欠", "Loan in arrears", ("arrears_months",)),
    Rule("OVERDRAFT", "credit", "medium", "反复透支", "Recurring overdraft", ("overdraft_months",)),
    Rule("PENALTY_INTEREST", "credit", "medium", "产生罚息", "Penalty interest charged", ()),
    Rule(
        "CARD_UTILISATION",
        "credit",
        "medium",
        "信用卡额度使用率高",
        "High card utilisation",
        ("card_utilisation",),
    ),
    Rule(
        "BALANCE_DROP",
        "attrition",
        "medium",
        "存款余额大幅下降",
        "Balances falling",
        ("balance_drop", "balance_drop_min_minor"),
    ),
    Rule(
        "SALARY_STOPPED",
        "attrition",
        "high",
        "代发工资或养老金停止入账",
        "Salary or pension stopped",
        ("salary_months", "salary_gap_months"),
    ),
    Rule("DORMANT", "attrition", "low", "账户休眠", "Dormant", ("dormant_months",)),
    Rule("CLOSURES", "attrition", "low", "近期销户", "Recent closures", ("closure_days",)),
    Rule("KYC_OVERDUE", "compliance", "medium", "KYC复核逾期", "KYC review overdue", ()),
    Rule(
        "TD_MATURING",
        "event",
        "low",
        "定期存款即将到期",
        "Term deposit maturing",
        ("maturity_days",),
    ),
    Rule("LOAN_MATURING", "event", "low", "贷款即将到期", "Loan maturing", ("maturity_days",)),
    Rule(
        "NO_CONTACT",
        "engagement",
        "low",
        "超期未联系",
        "No contact within cadence",
        ("cadence_days",),
    ),
]
BY_CODE = {r.code: r for r in RULES}
#: Open flags of these rules at high severity block new credit suggestions.
CREDIT_RULES = {r.code for r in RULES if r.category == "credit"}

CONDITION_COLUMNS = ["client_id", "holding_id", "rule_code", "severity", "data", "zh", "en"]


@dataclass
class Inputs:
    """What the rules read; ``holdings`` has one row per holding, features joined in."""

    as_of: dt.date
    holdings: pd.DataFrame  # holding features + client_id, code, family, limit, closed, maturity
    clients: pd.DataFrame  # client_id, kyc_due, tier, onboarded_on, last_contact, currency
    params: Parameters


def _frame(rows: pd.DataFrame, code: str, severity: Any, data: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "client_id": rows["client_id"].to_numpy(),
            "holding_id": rows["holding_id"].to_numpy() if "holding_id" in rows else 0,
            "rule_code": code,
            "severity": severity,
        }
    )
    records = data.to_dict("records") if len(data) else []
    out["data"] = pd.Series(records, index=out.index, dtype=object)
    return out


def _days(later: pd.Series | dt.date, earlier: pd.Series | dt.date) -> pd.Series:
    return (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.days  # type: ignore[union-attr]


def evaluate(inputs: Inputs) -> pd.DataFrame:
    """Every rule's conditions that hold on the data date, with evidence in both languages."""
    p, h, c = inputs.params, inputs.holdings, inputs.clients
    as_of = pd.Timestamp(inputs.as_of)
    opened = pd.to_datetime(h["opened_on"]) if "opened_on" in h else pd.Series(pd.NaT, h.index)
    shut = pd.to_datetime(h["closed_on"])
    is_open = (opened.isna() | (opened <= as_of)) & (shut.isna() | (shut > as_of))
    credit = h["family"].isin(["loan", "card"]) & is_open
    current = h["last_month"].notna() & (h["last_month"] == inputs.as_of.replace(day=1))
    parts: list[pd.DataFrame] = []

    dpd = h["dpd_last"].where(credit & current, 0)
    low, mid, high = p.dpd_levels
    for code, lo, hi in (("DPD_1", low, mid), ("DPD_30", mid, high), ("DPD_90", high, None)):
        hit = h[(dpd >= lo) & ((dpd < hi) if hi is not None else True)]
        parts.append(
            _frame(hit, code, BY_CODE[code].severity, pd.DataFrame({"days": hit["dpd_last"]}))
        )

    loans = h[(h["family"] == "loan") & is_open]
    hit = loans[loans["arrears_months"] >= p.arrears_months]
    parts.append(
        _frame(hit, "LOAN_ARREARS", "high", pd.DataFrame({"months": hit["arrears_months"]}))
    )
    hit = h[h["overdraft_months"] >= p.overdraft_months]
    parts.append(
        _frame(hit, "OVERDRAFT", "medium", pd.DataFrame({"months": hit["overdraft_months"]}))
    )
    hit = h[h["penalty_recent"] > 0]
    parts.append(
        _frame(hit, "PENALTY_INTEREST", "medium", pd.DataFrame({"amount": hit["penalty_recent"]}))
    )
    cards = h[(h["family"] == "card") & is_open & current & (h["limit_minor"] > 0)]
    util = cards["bal_last"] / cards["limit_minor"]
    hit = cards[util >= p.card_utilisation]
    parts.append(
        _frame(
            hit,
            "CARD_UTILISATION",
            "medium",
            pd.DataFrame(
                {
                    "utilisation": (hit["bal_last"] / hit["limit_minor"]).round(4),
                    "balance": hit["bal_last"],
                    "limit": hit["limit_minor"],
                }
            ),
        )
    )

    # attrition: at client level, across deposits and investments
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
    parts.append(
        _frame(
            hit,
            "BALANCE_DROP",
            "medium",
            pd.DataFrame(
                {
                    "last": hit["last"].round().astype("int64"),
                    "prior_average": hit["prior"].round().astype("int64"),
                    "drop": drop[hit.index].round(4),
                }
            ),
        )
    )
    salary = h.groupby("client_id", as_index=False).agg(
        regular=("salary_months", "max"), recent=("salary_recent", "sum")
    )
    hit = salary[(salary["regular"] >= p.salary_months) & (salary["recent"] == 0)]
    parts.append(_frame(hit, "SALARY_STOPPED", "high", pd.DataFrame({"months": hit["regular"]})))
    txns = h.groupby("client_id", as_index=False).agg(
        recent=("txn_recent", "sum"), before=("txn_before", "sum")
    )
    hit = txns[(txns["recent"] == 0) & (txns["before"] > 0)]
    parts.append(_frame(hit, "DORMANT", "low", pd.DataFrame({"before": hit["before"]})))

    closed = pd.to_datetime(h["closed_on"])
    recent_close = h[
        closed.notna() & (closed <= as_of) & (closed > as_of - pd.Timedelta(days=p.closure_days))
    ]
    closures = recent_close.groupby("client_id", as_index=False).agg(
        count=("holding_id", "size"), codes=("code", lambda s: ",".join(sorted(set(s))))
    )
    parts.append(
        _frame(
            closures,
            "CLOSURES",
            np.where(closures["count"] >= 2, "medium", "low"),
            closures[["count", "codes"]],
        )
    )

    kyc = pd.to_datetime(c["kyc_due"])
    hit = c[kyc.notna() & (kyc < as_of)]
    late = (as_of - pd.to_datetime(hit["kyc_due"])).dt.days
    parts.append(
        _frame(
            hit,
            "KYC_OVERDUE",
            np.where(late > 365, "high", "medium"),
            pd.DataFrame({"due": hit["kyc_due"].astype(str), "days": late}),
        )
    )

    maturity = pd.to_datetime(h["maturity_on"])
    soon = (
        is_open
        & maturity.notna()
        & (maturity >= as_of)
        & (maturity <= as_of + pd.Timedelta(days=p.maturity_days))
    )
    for code, families in (("TD_MATURING", ["deposit"]), ("LOAN_MATURING", ["loan"])):
        hit = h[soon & h["family"].isin(families)]
        parts.append(
            _frame(
                hit,
                code,
                "low",
                pd.DataFrame(
                    {
                        "on": hit["maturity_on"].astype(str),
                        "days": (pd.to_datetime(hit["maturity_on"]) - as_of).dt.days,
                        "amount": hit["bal_last"],
                    }
                ),
            )
        )

    longest = max(p.cadence_days.values())
    cadence = pd.Series(
        [p.cadence_days.get(str(t), longest) for t in c["tier"]], index=c.index, dtype="int64"
    )
    last = pd.to_datetime(c["last_contact"])
    since = pd.to_datetime(c["onboarded_on"])
    reference = last.fillna(since)
    overdue = (as_of - reference).dt.days - cadence
    hit_mask = overdue > 0
    hit = c[hit_mask]
    parts.append(
        _frame(
            hit,
            "NO_CONTACT",
            np.where(overdue[hit_mask] > cadence[hit_mask], "medium", "low"),
            pd.DataFrame(
                {
                    "last": last[hit_mask].dt.date.astype(str).where(last[hit_mask].notna(), ""),
                    "cadence": cadence[hit_mask].astype("int64"),
                    "overdue": overdue[hit_mask].astype("int64"),
                    "tier": hit["tier"],
                }
            ),
        )
    )
    found = [x for x in parts if len(x)]
    if not found:
        return pd.DataFrame(columns=CONDITION_COLUMNS)
    out = pd.concat(found, ignore_index=True)
    out["holding_id"] = out["holding_id"].fillna(0).astype("int64")
    out["data"] = pd.Series([_plain(d) for d in out["data"]], index=out.index, dtype=object)
    currency = c.set_index("client_id")["currency"]
    cur = out["client_id"].map(currency).fillna("CNY")
    texts = [
        evidence(code, data, str(cc))
        for code, data, cc in zip(out["rule_code"], out["data"], cur, strict=True)
    ]
    out["zh"] = [t[0] for t in texts]
    out["en"] = [t[1] for t in texts]
    return out[CONDITION_COLUMNS]


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready numbers (numpy scalars become Python ones)."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, np.integer):
            out[k] = int(v)
        elif isinstance(v, np.floating):
            out[k] = float(v)
        else:
            out[k] = v
    return out


def evidence(code: str, d: dict[str, Any], currency: str) -> tuple[str, str]:
    """The evidence sentence of one condition, (Chinese, English)."""

    def m(x: float, lang: str) -> str:
        return formatting.money(x, currency, lang)

    def pc(x: float, lang: str) -> str:
        return formatting.percent(x, lang)

    texts: dict[str, Callable[[], tuple[str, str]]] = {
        "DPD_1": lambda: (f"本月逾期 {d['days']} 天。", f"{d['days']} days past due this month."),
        "DPD_30": lambda: (f"本月逾期 {d['days']} 天。", f"{d['days']} days past due this month."),
        "DPD_90": lambda: (
            f"本月逾期 {d['days']} 天，已达不良标准。",
            f"{d['days']} days past due this month: non-performing.",
        ),
        "LOAN_ARREARS": lambda: (
            f"近3个月中有 {d['months']} 个月逾期。",
            f"In arrears in {d['months']} of the last 3 months.",
        ),
        "OVERDRAFT": lambda: (
            f"近6个月中有 {d['months']} 个月透支。",
            f"Overdrawn in {d['months']} of the last 6 months.",
        ),
        "PENALTY_INTEREST": lambda: (
            f"近3个月产生罚息 {m(d['amount'], 'zh')}。",
            f"Penalty interest of {m(d['amount'], 'en')} in the last 3 months.",
        ),
        "CARD_UTILISATION": lambda: (
            f"额度使用率 {pc(d['utilisation'], 'zh')}（欠款 {m(d['balance'], 'zh')}，"
            f"额度 {m(d['limit'], 'zh')}）。",
            f"Utilisation {pc(d['utilisation'], 'en')} ({m(d['balance'], 'en')} drawn of "
            f"{m(d['limit'], 'en')}).",
        ),
        "BALANCE_DROP": lambda: (
            f"存款及理财日均余额 {m(d['last'], 'zh')}，较前3个月平均 "
            f"{m(d['prior_average'], 'zh')} 下降 {pc(d['drop'], 'zh')}。",
            f"Deposits and investments average {m(d['last'], 'en')}, down "
            f"{pc(d['drop'], 'en')} on the previous 3 months' {m(d['prior_average'], 'en')}.",
        ),
        "SALARY_STOPPED": lambda: (
            f"此前连续 {d['months']} 个月有工资或养老金入账，近期已停止。",
            f"Salary or pension arrived for {d['months']} months in a row and has stopped.",
        ),
        "DORMANT": lambda: (
            f"近6个月无交易（此前6个月有 {d['before']} 笔）。",
            f"No transactions in the last 6 months ({d['before']} in the 6 before).",
        ),
        "CLOSURES": lambda: (
            f"近期销户 {d['count']} 个（{d['codes']}）。",
            f"{d['count']} account(s) closed recently ({d['codes']}).",
        ),
        "KYC_OVERDUE": lambda: (
            f"KYC复核应于 {d['due']} 完成，已逾期 {d['days']} 天。",
            f"KYC review was due on {d['due']}: {d['days']} days overdue.",
        ),
        "TD_MATURING": lambda: (
            f"定期存款 {m(d['amount'], 'zh')} 将于 {d['on']} 到期（{d['days']} 天后）。",
            f"Term deposit of {m(d['amount'], 'en')} matures on {d['on']} (in {d['days']} days).",
        ),
        "LOAN_MATURING": lambda: (
            f"贷款将于 {d['on']} 到期（{d['days']} 天后），余额 {m(d['amount'], 'zh')}。",
            f"Loan matures on {d['on']} (in {d['days']} days), {m(d['amount'], 'en')} outstanding.",
        ),
        "NO_CONTACT": lambda: (
            (f"上次联系 {d['last']}" if d["last"] else "从未联系")
            + f"，{d['tier']}类客户应每 {d['cadence']} 天联系一次，已超期 {d['overdue']} 天。",
            (f"Last contact {d['last']}" if d["last"] else "Never contacted")
            + f"; tier {d['tier']} clients are contacted every {d['cadence']} days: "
            f"{d['overdue']} days overdue.",
        ),
    }
    return texts[code]()
