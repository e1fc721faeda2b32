"""Reasons a banker would say, from the model's feature contributions.

Each suggestion made by a model keeps its top factors: the features whose contribution to the
log-odds (LightGBM's TreeSHAP, ``pred_contrib``) pushed this client's likelihood up the most,
with the feature's value for the client. ``phrase`` turns one factor into a short phrase in
Chinese or English ("代发工资客户，近6个月入账¥48,000" / "salary paid here: ¥48,000 in six
months"). The stored evidence holds the factors, not the sentences, so a reason can be written
again in either language.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common import client_fields, formatting

#: factors kept per suggestion, and the smallest contribution (log-odds) worth saying
TOP_FACTORS = 3
MIN_CONTRIBUTION = 0.05


def factors(fitted: Any, x: pd.DataFrame) -> list[list[dict[str, Any]]]:
    """Per row of ``x``, up to ``TOP_FACTORS`` features that raised its likelihood the most."""
    if len(x) == 0:
        return []
    contrib = fitted.contributions(x)[:, :-1]
    columns = fitted.columns
    order = np.argsort(-contrib, axis=1)[:, :TOP_FACTORS]
    top = np.take_along_axis(contrib, order, axis=1)
    # the values of only the columns some row names, each column read once
    wanted = sorted({int(j) for j in np.unique(order[top >= MIN_CONTRIBUTION])})
    values = {j: x[columns[j]].tolist() for j in wanted}
    out = []
    for i in range(len(x)):
        row = []
        for j, c in zip(order[i].tolist(), top[i].tolist(), strict=True):
            if c < MIN_CONTRIBUTION:
                break
            row.append({"feature": columns[j], "value": _plain(values[j][i])})
        out.append(row)
    return out


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.integer | np.bool_):
        return int(value)
    if isinstance(value, np.floating):
        return round(float(value), 4)
    return value if isinstance(value, int | float) else str(value)


def _money_of_log(v: Any, currency: str, lang: str) -> str:
    return formatting.money(round(math.expm1(float(v))), currency, lang)


def _trend(what_zh: str, what_en: str) -> Callable[[Any, str, str], str]:
    def say(v: Any, currency: str, lang: str) -> str:
        change = math.expm1(float(v))
        pct = formatting.percent(abs(change), lang, 0)
        if lang == "zh":
            return f"近6个月{what_zh}{'上升' if change >= 0 else '下降'}{pct}"
        return f"{what_en} {'up' if change >= 0 else 'down'} {pct} over six months"

    return say


def _count(zh: str, en: str, en_one: str | None = None) -> Callable[[Any, str, str], str]:
    """A count in words; ``en_one`` is the English for exactly one (its noun singular)."""

    def say(v: Any, currency: str, lang: str) -> str:
        n = formatting.number(float(v), lang, 0)
        if lang == "zh":
            return zh.format(n=n)
        return en_one if en_one is not None and round(float(v)) == 1 else en.format(n=n)

    return say


def _amount(zh: str, en: str, none_zh: str, none_en: str) -> Callable[[Any, str, str], str]:
    def say(v: Any, currency: str, lang: str) -> str:
        if float(v) <= 0:
            return none_zh if lang == "zh" else none_en
        m = _money_of_log(v, currency, lang)
        return zh.format(m=m) if lang == "zh" else en.format(m=m)

    return say


def _years(v: Any, currency: str, lang: str) -> str:
    years = float(v)
    if years < 1:
        return "新客户（不足一年）" if lang == "zh" else "new client (under a year)"
    n = formatting.number(years, lang, 0)
    return f"在本行{n}年" if lang == "zh" else f"{n} years with the bank"


def _contact(v: Any, currency: str, lang: str) -> str:
    n = formatting.number(float(v), lang, 0)
    days = formatting.plural_en(round(float(v)), "day", "days")
    return f"{n}天前最近联系" if lang == "zh" else f"last contacted {n} {days} ago"


def _offered(v: Any, currency: str, lang: str) -> str:
    n = int(float(v))
    if n <= 0:
        return "此前未向其推介过" if lang == "zh" else "never offered it before"
    if lang == "zh":
        return f"此前推介过{n}次"
    return "offered it once before" if n == 1 else f"offered it {n} times before"


def _accepted(v: Any, currency: str, lang: str) -> str | None:
    if float(v) <= 0:
        return None
    return "曾接受过该产品的推介" if lang == "zh" else "said yes to it when offered before"


PHRASES: dict[str, Callable[[Any, str, str], str | None]] = {
    "age": _count("{n}岁", "aged {n}"),
    "tenure": _years,
    "n_products": _count("已持有{n}种产品", "holds {n} products", "holds 1 product"),
    "funds": _amount(
        "存款及投资余额{m}",
        "deposits and investments of {m}",
        "本行暂无存款",
        "no deposits with us yet",
    ),
    "credit": _amount(
        "贷款及信用卡余额{m}", "loans and cards owing {m}", "本行暂无贷款", "no borrowing with us"
    ),
    "funds_trend": _trend("存款余额", "deposits"),
    "credit_trend": _trend("贷款余额", "borrowing"),
    "salary": _amount(
        "代发工资客户，近6个月入账{m}",
        "salary paid here: {m} in six months",
        "工资未在本行代发",
        "salary not paid here",
    ),
    "inflow": _amount(
        "近6个月资金流入{m}",
        "{m} came in over six months",
        "近6个月无资金流入",
        "nothing came in over six months",
    ),
    "outflow": _amount(
        "近6个月资金流出{m}",
        "{m} went out over six months",
        "近6个月无资金流出",
        "nothing went out over six months",
    ),
    "card_spend": _amount(
        "近6个月刷卡消费{m}",
        "card spending of {m} in six months",
        "近6个月未刷卡",
        "no card spending in six months",
    ),
    "transactions": _count("近6个月交易{n}笔", "{n} transactions in six months"),
    "overdraft_months": _count("近6个月有{n}个月透支", "overdrawn in {n} of six months"),
    "arrears_months": _count("近6个月有{n}个月逾期", "in arrears in {n} of six months"),
    "contacts_year": _count("过去一年联系{n}次", "contacted {n} times in the past year"),
    "days_since_contact": _contact,
    "offered_before": _offered,
    "accepted_before": _accepted,
}
KIND = {"individual": ("个人客户", "personal client"), "corporate": ("对公客户", "company")}
GENDER = {"M": ("男性客户", "a man"), "F": ("女性客户", "a woman")}


def phrase(
    factor: dict[str, Any], lang: str, currency: str, names: dict[str, tuple[str, str]]
) -> str | None:
    """One factor in words, or None when there is nothing worth saying about it."""
    name, value = str(factor["feature"]), factor.get("value")
    zh = lang == "zh"
    if name.startswith("held_"):
        code = name[5:]
        product = names.get(code, (code, code))[0 if zh else 1]
        if value:
            return f"已持有{product}" if zh else f"holds {product}"
        return f"尚未持有{product}" if zh else f"does not hold {product}"
    if value is None:
        if name == "days_since_contact":
            return "此前从未联系" if zh else "never contacted before"
        return None
    if name in PHRASES:
        return PHRASES[name](value, currency, lang)
    table = {"kind": KIND, "gender": GENDER, "segment": client_fields.SEGMENTS}.get(name)
    if table is not None:
        pair = table.get(str(value))
        return None if pair is None else pair[0 if zh else 1]
    if name == "district":
        return f"所在地区：{value}" if zh else f"based in {value}"
    field = client_fields.FIELDS.get(name)
    if field is None:
        return None
    label = field.label_zh if zh else field.label_en
    shown = field.label_of(str(value), lang) if field.kind == "choice" else str(value)
    return f"{label}：{shown}" if zh else f"{label.lower()}: {shown}"
