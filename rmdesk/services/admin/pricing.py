"""Product pricing versions: every change of a rate, fee, cost, PD or LGD makes a new version.

A version applies from the month of its ``valid_from`` date; contribution for a month uses the
latest version valid in it, and scoring runs record the versions they used. Old versions are
never changed, so last year's figures can always be recomputed as they were.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, insert, select

from rmdesk.db import write_transaction
from rmdesk.models import Base
from rmdesk.services.common import audit, form_text, frames
from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.common.refusal import Refusal

T = Base.metadata.tables
RATE_FIELDS = ("ftp_rate", "client_rate", "fee_rate", "pd", "lgd")
MONEY_FIELDS = ("fee_monthly_minor", "cost_to_serve_minor")
FIELDS = RATE_FIELDS + MONEY_FIELDS
#: the largest fee or cost to serve, in minor units (10 billion yuan a month: far past any use,
#: well inside the 64-bit column)
MAX_MINOR = 10**12


class PricingError(Refusal):
    """A pricing change that cannot be made; the message names the product or field."""


@open_to(ADMINS)
def versions(engine: Engine, code: str | None = None, *, who: Account) -> pd.DataFrame:
    p, prod = T["product_pricing"], T["products"]
    query = (
        select(
            prod.c.code,
            p.c.version,
            p.c.valid_from,
            *[p.c[f] for f in FIELDS],
            p.c.changed_by,
            p.c.note,
        )
        .join(prod, prod.c.id == p.c.product_id)
        .order_by(prod.c.code, p.c.version)
    )
    if code:
        query = query.where(prod.c.code == code)
    with engine.connect() as conn:
        result = conn.execute(query)
        return frames.frame(result)


def _value(field: str, raw: Any) -> Any:
    try:
        number = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError, OverflowError) as exc:
        raise PricingError(
            f"{field}: {raw!r} is not a number", f"{field}：{raw!r} 不是数字。"
        ) from exc
    if field in RATE_FIELDS:
        if not number.is_finite() or not Decimal("-1") <= number <= Decimal("1"):
            raise PricingError(
                f"{field}: {raw} is not an annual rate (0.025 means 2.5 %)",
                f"{field}：{raw} 不是年利率（0.025 表示 2.5%）。",
            )
        return number
    if not number.is_finite() or number != number.to_integral_value():
        raise PricingError(
            f"{field}: {raw!r} is not a whole amount in minor units (fen)",
            f"{field}：{raw!r} 不是以分为单位的整数金额。",
        )
    if number < 0:
        raise PricingError(f"{field}: must not be negative", f"{field}：不能为负数。")
    if number > MAX_MINOR:
        raise PricingError(
            f"{field}: at most {MAX_MINOR:,} minor units", f"{field}：最多 {MAX_MINOR:,} 分。"
        )
    return int(number)


@open_to(ADMINS)
def change(
    engine: Engine,
    code: str,
    changes: dict[str, Any],
    *,
    valid_from: dt.date,
    note: str | None = None,
    who: Account,
) -> int:
    """Add a new version of ``code``'s pricing from ``valid_from``; returns its version number."""
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise PricingError(
            f"unknown pricing field(s): {', '.join(unknown)}; use {', '.join(FIELDS)}",
            f"未知的定价字段：{'、'.join(unknown)}；可用：{'、'.join(FIELDS)}",
        )
    if not changes:
        raise PricingError(
            "nothing to change: give at least one field", "没有要修改的内容：请至少填写一项。"
        )
    values = {k: _value(k, v) for k, v in changes.items()}
    p, prod = T["product_pricing"], T["products"]
    with write_transaction(engine) as conn:
        product_id = conn.execute(select(prod.c.id).where(prod.c.code == code)).scalar()
        if product_id is None:
            raise PricingError(f"no product {code!r}", f"没有产品 {code!r}。")
        latest = conn.execute(
            select(p).where(p.c.product_id == product_id).order_by(p.c.version.desc()).limit(1)
        ).first()
        if latest is not None and valid_from < latest.valid_from:
            raise PricingError(
                f"{code}: valid_from {valid_from} is before the current version's "
                f"{latest.valid_from}; versions only move forward",
                f"{code}：生效日期 {valid_from} 早于当前版本的 {latest.valid_from}，"
                "定价版本只能向后生效。",
            )
        base = (
            {f: getattr(latest, f) for f in FIELDS}
            if latest is not None
            else {f: (Decimal(0) if f in RATE_FIELDS else 0) for f in FIELDS}
        )
        version = (
            int(
                conn.execute(
                    select(func.coalesce(func.max(p.c.version), 0)).where(
                        p.c.product_id == product_id
                    )
                ).scalar_one()
            )
            + 1
        )
        conn.execute(
            insert(p).values(
                product_id=product_id,
                version=version,
                valid_from=valid_from,
                changed_by=who.username,
                note=form_text.clean(note) or None,
                **(base | values),
            )
        )
        audit.record(
            conn,
            who,
            "pricing.change",
            "product",
            code,
            {
                "version": version,
                "valid_from": valid_from.isoformat(),
                "changes": {k: {"from": str(base[k]), "to": str(v)} for k, v in values.items()},
                "note": note,
            },
        )
    return version
