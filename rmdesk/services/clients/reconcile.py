"""A contribution explained so that the arithmetic on screen gives the result on screen.

One line per product and pricing version held in the window, with every factor written out:

    deposit margin = average balance × (FTP − client rate) × months held / 12
    loan margin    = average balance × (client rate − FTP) × months held / 12
    fees           = as booked
    cost to serve  = cost per account and month × account-months
    expected loss  = average balance × PD × LGD × months held / 12

The average balance is over the months the product was held (its months with facts), so a loan
held six months of the twelve says "× 6/12" instead of hiding it. One pricing version a line:
a product repriced in the window has a line for each version, with its own months.

**Rounding, once** (docs/contribution.md, "How the figures add up"): each part of the client's
12 months (deposit margin, loan margin, fees, cost, expected loss) is rounded to the fen once,
half away from zero; the contribution is those rounded parts combined, so parts and total always
add up, on screen, on paper and in the stored score. The parts are shared out over the lines by
the largest remainder, so every line's part is its own exact figure rounded up or down (within a
fen of what its factors give) and the lines add up to the part exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common import formatting
from rmdesk.services.engine.contribution import COMPONENTS, CREDIT_FAMILIES, DEPOSIT_FAMILIES

__all__ = ["Line", "lines", "nearest_parts", "per_product", "total", "words"]


@dataclass(frozen=True)
class Line:
    """One product at one pricing version over the months it was held in the window."""

    code: str
    name_zh: str
    name_en: str
    version: int
    family: str
    months: int  # months held (with facts) of the 12
    account_months: int  # accounts × months: what the cost to serve is charged on
    average_minor: float  # the average monthly balance over those months
    ftp_rate: float
    client_rate: float
    pd: float
    lgd: float
    cost_minor: int  # per account and month
    deposit_margin: int
    loan_margin: int
    fees: int
    cost: int
    expected_loss: int

    @property
    def contribution(self) -> int:
        return self.deposit_margin + self.loan_margin + self.fees - self.cost - self.expected_loss


def nearest_parts(exact: dict[str, float]) -> dict[str, int]:
    """Each part rounded to the fen once (half away from zero), and the contribution they
    make; the engine stores these (engine.contribution.per_client)."""
    parts = {c: formatting.nearest(exact[c]) for c in COMPONENTS}
    parts["contribution"] = (
        parts["deposit_margin"]
        + parts["loan_margin"]
        + parts["fees"]
        - parts["cost"]
        - parts["expected_loss"]
    )
    return parts


def total(detail: pd.DataFrame) -> int:
    """The contribution of the holding-months in ``detail``, its parts rounded once."""
    if detail.empty:
        return 0
    return nearest_parts({c: float(detail[c].sum()) for c in COMPONENTS})["contribution"]


def _share(exact: np.ndarray, target: int) -> Any:
    """Whole fen for each exact figure, adding up to ``target``: each rounded down, then one
    fen more for the largest remainders (ties: the earlier line)."""
    base = np.floor(exact)
    remainder = exact - base
    left = int(target - base.sum())
    out = base.astype("int64")
    if left > 0:
        order = np.argsort(-remainder, kind="stable")[:left]
        out[order] += 1
    elif left < 0:  # cannot happen: target rounds the sum of exact figures
        order = np.argsort(remainder, kind="stable")[:-left]
        out[order] -= 1
    return out


def lines(current: pd.DataFrame, pricing: pd.DataFrame) -> list[Line]:
    """The lines of the holding-months in ``current`` (contribution_detail's holding detail
    with the product's code and names), the largest contribution first."""
    if current.empty:
        return []
    grouped = current.groupby(["code", "name_zh", "name_en", "version"], as_index=False).agg(
        **{c: (c, "sum") for c in COMPONENTS},
        balance=("balance", "sum"),
        months=("month", "nunique"),
        account_months=("n", "sum"),
    )
    client = nearest_parts({c: float(grouped[c].sum()) for c in COMPONENTS})
    shared = {c: _share(grouped[c].to_numpy(dtype="float64"), client[c]) for c in COMPONENTS}
    rates = pricing.drop_duplicates(["code", "version"]).set_index(["code", "version"])
    out = []
    records: list[dict[Any, Any]] = grouped.to_dict("records")
    for i, row in enumerate(records):
        r = rates.loc[(row["code"], int(row["version"]))]
        months = int(row["months"])
        out.append(
            Line(
                code=str(row["code"]),
                name_zh=str(row["name_zh"]),
                name_en=str(row["name_en"]),
                version=int(row["version"]),
                family=str(r["family"]),
                months=months,
                account_months=int(row["account_months"]),
                average_minor=float(row["balance"]) / max(months, 1),
                ftp_rate=float(r["ftp_rate"]),
                client_rate=float(r["client_rate"]),
                pd=float(r["pd"]),
                lgd=float(r["lgd"]),
                cost_minor=int(r["cost_to_serve_minor"]),
                **{c: int(shared[c][i]) for c in COMPONENTS},
            )
        )
    return sorted(out, key=lambda line: (-line.contribution, line.code, line.version))


def per_product(explained: list[Line]) -> pd.DataFrame:
    """The lines summed per product (the client view's table), its versions listed."""
    columns = ["code", "name_zh", "name_en", "versions", *COMPONENTS, "contribution"]
    if not explained:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        [
            {
                "code": line.code,
                "name_zh": line.name_zh,
                "name_en": line.name_en,
                "version": line.version,
                **{c: getattr(line, c) for c in COMPONENTS},
                "contribution": line.contribution,
            }
            for line in explained
        ]
    )
    out = frame.groupby(["code", "name_zh", "name_en"], as_index=False).agg(
        versions=("version", lambda v: ",".join(str(x) for x in sorted(set(v)))),
        **{c: (c, "sum") for c in [*COMPONENTS, "contribution"]},
    )
    return out.sort_values("contribution", ascending=False, ignore_index=True)[columns]


def rate(value: float, lang: str) -> str:
    """A rate as a percentage with the decimals it has (2.1% → 2.10%, 1.8975% → 1.8975%):
    what is written is what is multiplied."""
    percent = value * 100
    for digits in (2, 3, 4, 5, 6):
        if math.isclose(round(percent, digits), percent, abs_tol=1e-9):
            return formatting.percent(value, lang, digits)
    return formatting.percent(value, lang, 6)


def words(line: Line, currency: str, lang: str) -> list[str]:
    """The line in words: its result as the sum of its parts, then each part from its
    factors. Every amount and rate is written as it is multiplied."""

    def m(x: float) -> str:
        return formatting.money(x, currency, lang)

    zh = lang == "zh"
    k = f"{line.months}/12"
    avg, ftp, cli = m(line.average_minor), rate(line.ftp_rate, lang), rate(line.client_rate, lang)
    parts: list[tuple[str, int, str]] = []  # (sign, amount, how)
    if line.family in DEPOSIT_FAMILIES or line.deposit_margin:
        how = (
            f"存款利差 {m(line.deposit_margin)} = 日均 {avg} × (FTP {ftp} − 客户利率 {cli}) × {k}"
            if zh
            else f"deposit margin {m(line.deposit_margin)} = average {avg} × (FTP {ftp} − "
            f"client rate {cli}) × {k}"
        )
        parts.append(("+", line.deposit_margin, how))
    if line.family in CREDIT_FAMILIES or line.loan_margin:
        how = (
            f"贷款利差 {m(line.loan_margin)} = 日均 {avg} × (客户利率 {cli} − FTP {ftp}) × {k}"
            if zh
            else f"loan margin {m(line.loan_margin)} = average {avg} × (client rate {cli} − "
            f"FTP {ftp}) × {k}"
        )
        parts.append(("+", line.loan_margin, how))
    if line.fees:
        how = f"手续费 {m(line.fees)}（按实际收取）" if zh else f"fees {m(line.fees)} (as booked)"
        parts.append(("+", line.fees, how))
    if line.cost:
        how = (
            f"服务成本 {m(line.cost)} = {m(line.cost_minor)}/户/月 × {line.account_months} 户月"
            if zh
            else f"cost to serve {m(line.cost)} = {m(line.cost_minor)} an account a month × "
            f"{line.account_months} account-months"
        )
        parts.append(("−", line.cost, how))
    if line.expected_loss:
        pd_, lgd = rate(line.pd, lang), rate(line.lgd, lang)
        how = (
            f"预期损失 {m(line.expected_loss)} = 日均 {avg} × PD {pd_} × LGD {lgd} × {k}"
            if zh
            else f"expected loss {m(line.expected_loss)} = average {avg} × PD {pd_} × "
            f"LGD {lgd} × {k}"
        )
        parts.append(("−", line.expected_loss, how))
    name = line.name_zh if zh else line.name_en
    held = f"持有 {line.months} 个月" if zh else f"held {line.months} of 12 months"
    version = f"定价版本 v{line.version}" if zh else f"pricing v{line.version}"
    sums = " ".join(
        f"{sign} {m(amount)}" if i else (f"−{m(amount)}" if sign == "−" else m(amount))
        for i, (sign, amount, _how) in enumerate(parts)
    )
    head = f"{name}（{line.code}，{version}，{held}）：{m(line.contribution)} = {sums}"
    if not zh:
        head = f"{name} ({line.code}, {version}, {held}): {m(line.contribution)} = {sums}"
    return [head, *(f"  · {how}" for _sign, _amount, how in parts)]
