"""The 7P summary of one client: a sentence per P, in Chinese or English.

Profiling (概况), Persistency (忠诚度), Profitability (利润贡献), Performance (业绩),
Prospecting (潜力), Product (产品), Promotion (营销): the analysis the bank-CRM literature
organises a client around. The client view's first page and the printed brief show these lines;
each figure comes from the ``ClientProfile`` the view already read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from rmdesk.services.clients.profile import ClientProfile
from rmdesk.services.common import formatting
from rmdesk.services.common.client_fields import SEGMENTS

SEVEN_P = (
    ("profiling", "概况", "Profile"),
    ("persistency", "忠诚度", "Loyalty"),
    ("profitability", "利润贡献", "Contribution"),
    ("performance", "业绩", "Performance"),
    ("prospecting", "潜力", "Potential"),
    ("product", "产品", "Products"),
    ("promotion", "营销", "Marketing"),
)
FAMILIES = {
    "deposit": ("存款", "deposits"),
    "loan": ("贷款", "loans"),
    "card": ("信用卡", "cards"),
    "investment": ("理财", "investments"),
    "insurance": ("保险", "insurance"),
    "service": ("服务", "services"),
}
#: a family's English word for one product of it
ONE = {
    "deposit": "deposit",
    "loan": "loan",
    "card": "card",
    "investment": "investment",
    "insurance": "insurance",
    "service": "service",
}
SEVERITIES = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}


@dataclass(frozen=True)
class Line:
    key: str
    title: str
    text: str


def _zh(language: str) -> bool:
    return language.startswith("zh")


def _date(value: dt.date | dt.datetime | pd.Timestamp | None, language: str) -> str:
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日" if _zh(language) else value.isoformat()


def _change(ratio: float | None, language: str) -> str:
    if ratio is None:
        return ""
    sign = "+" if ratio >= 0 else "−"
    return sign + formatting.percent(abs(ratio), language)


def summary(p: ClientProfile, language: str) -> list[Line]:
    """One line per P for ``p``, in ``language`` ("zh_CN" or "en")."""
    zh = _zh(language)
    texts = {
        "profiling": _profiling(p, zh, language),
        "persistency": _persistency(p, zh, language),
        "profitability": _profitability(p, zh, language),
        "performance": _performance(p, zh, language),
        "prospecting": _prospecting(p, zh, language),
        "product": _product(p, zh),
        "promotion": _promotion(p, zh, language),
    }
    return [
        Line(key, zh_title if zh else en_title, texts[key]) for key, zh_title, en_title in SEVEN_P
    ]


def _profiling(p: ClientProfile, zh: bool, language: str) -> str:
    segment = SEGMENTS.get(p.segment, (p.segment, p.segment))[0 if zh else 1]
    parts = [segment]
    if p.age is not None:
        if p.kind == "corporate":
            parts.append(f"成立{p.age}年" if zh else f"founded {p.age} years ago")
        else:
            parts.append(f"{p.age}岁" if zh else f"aged {p.age}")
    if p.district:
        parts.append(p.district)
    if p.kyc_overdue:
        parts.append("KYC复核已逾期" if zh else "KYC review overdue")
    return ("，" if zh else ", ").join(parts)


def _persistency(p: ClientProfile, zh: bool, language: str) -> str:
    since = _date(p.onboarded_on, language)
    last = _date(p.last_contact_at, language)
    if zh:
        text = f"{since}起为本行客户" if since else "建立关系日期不详"
        text += f"，近12个月联系{p.contacts_12m}次"
        return text + (f"，最近联系 {last}" if last else "，尚无联系记录")
    text = f"client since {since}" if since else "client since: unknown"
    text += f", {p.contacts_12m} contacts in the last 12 months"
    return text + (f", last on {last}" if last else ", never contacted")


def _profitability(p: ClientProfile, zh: bool, language: str) -> str:
    if p.contribution_minor is None:
        return "尚未评分" if zh else "not scored yet"
    amount = formatting.money(p.contribution_minor, p.currency, language)
    change = _change(p.growth, language)
    rank = f"{p.rank_book}/{p.book_size}" if p.rank_book else ""
    if zh:
        text = f"近12个月贡献 {amount}"
        text += f"（较前12个月 {change}）" if change else ""
        text += f"，名下排名 {rank}" if rank else ""
        return text + (f"，{p.tier}级客户" if p.tier else "")
    text = f"{amount} over the last 12 months"
    text += f" ({change} on the 12 months before)" if change else ""
    text += f", rank {rank} in the book" if rank else ""
    return text + (f", tier {p.tier}" if p.tier else "")


def _performance(p: ClientProfile, zh: bool, language: str) -> str:
    parts = []
    for trend, (zh_name, en_name) in (
        (p.deposits_trend, ("存款及理财", "deposits and investments")),
        (p.loans_trend, ("贷款", "loans")),
    ):
        if not trend.latest_minor and not trend.year_ago_minor:
            continue
        amount = formatting.money(trend.latest_minor, p.currency, language)
        change = _change(trend.change_12m, language)
        if zh:
            parts.append(f"{zh_name}日均 {amount}" + (f"（一年 {change}）" if change else ""))
        else:
            parts.append(
                f"{en_name} {amount} a day on average"
                + (f" ({change} in a year)" if change else "")
            )
    if not parts:
        return "无存贷款余额" if zh else "no deposit or loan balances"
    return ("；" if zh else "; ").join(parts)


def _prospecting(p: ClientProfile, zh: bool, language: str) -> str:
    open_ = (
        p.suggestions[p.suggestions["status"] == "open"] if len(p.suggestions) else p.suggestions
    )
    if not len(open_):
        return "暂无营销建议" if zh else "no open suggestion"
    top = open_.sort_values("rank").iloc[0]
    name = top["name_zh"] if zh else top["name_en"]
    value = formatting.money(top["expected_value_minor"] or 0, p.currency, language)
    likelihood = formatting.percent(float(top["likelihood"] or 0), language, 0)
    more = len(open_) - 1
    if zh:
        text = f"首推{name}，预期价值 {value}（可能性 {likelihood}）"
        return text + (f"，另有{more}项建议" if more else "")
    text = f"{name} first: expected value {value} (likelihood {likelihood})"
    return text + (f", and {more} more" if more else "")


def _product(p: ClientProfile, zh: bool) -> str:
    live = p.holdings[p.holdings["live"]] if len(p.holdings) else p.holdings
    if not len(live):
        return "无在持产品" if zh else "no products held"
    counts = live["family"].value_counts()
    parts = []
    for family, (zh_name, en_name) in FAMILIES.items():
        n = int(counts.get(family, 0))
        if n:
            parts.append(f"{zh_name}{n}个" if zh else f"{n} {ONE[family] if n == 1 else en_name}")
    noun = formatting.plural_en(len(live), "product", "products")
    head = f"在持产品{len(live)}个：" if zh else f"{len(live)} {noun}: "
    return head + ("、" if zh else ", ").join(parts)


def _promotion(p: ClientProfile, zh: bool, language: str) -> str:
    parts = []
    ahead = (
        p.visits[
            p.visits["status"].isin(["planned", "proposed"])
            & (p.visits["planned_on"] >= pd.Timestamp(p.today))
        ]
        if len(p.visits)
        else p.visits
    )
    if len(ahead):
        on = _date(ahead["planned_on"].min(), language)
        parts.append(f"下次拜访 {on}" if zh else f"next visit {on}")
    else:
        parts.append("暂无拜访计划" if zh else "no visit planned")
    if p.open_flags:
        open_flags = p.flags[p.flags["status"].isin(["raised", "acknowledged"])]
        worst = next((s for s in SEVERITIES if (open_flags["severity"] == s).any()), None)
        level = SEVERITIES[worst][0 if zh else 1] if worst else ""
        parts.append(
            f"未结预警{p.open_flags}个（最高：{level}）"
            if zh
            else f"{p.open_flags} open flags (worst: {level})"
        )
    return ("，" if zh else ", ").join(parts)
