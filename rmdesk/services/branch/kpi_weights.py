"""Setting a scorecard KPI's weight, target and penalty from a date, for the bank or one
branch: checked, audited, one row per KPI, branch and date (docs/scorecard.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Engine, insert, select, update

from rmdesk.db import write_transaction
from rmdesk.models import Base
from rmdesk.services.branch.scorecard_kpis import check_kpi
from rmdesk.services.common import audit
from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.common.refusal import Refusal

T = Base.metadata.tables


class WeightError(Refusal):
    """A KPI weight, target or penalty that cannot be used; the message names it."""


#: the largest weight or penalty, and the bound on a target (the columns hold less than 10^4 and
#: 10^14; the limits are what a scorecard can mean, well inside them)
MAX_WEIGHT = Decimal(1000)
MAX_TARGET = Decimal(10) ** 13


_WORDS = {"weight": "权重", "penalty": "扣分", "target": "目标值"}


def _number(name: str, value: float | Decimal | str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise WeightError(
            f"{name}: {value!r} is not a number", f"{_WORDS.get(name, name)}：{value!r} 不是数字。"
        ) from exc
    if not number.is_finite():
        raise WeightError(
            f"{name}: {value!r} is not a number", f"{_WORDS.get(name, name)}：{value!r} 不是数字。"
        )
    return number


@open_to(ADMINS)
def set_weight(
    engine: Engine,
    kpi: str,
    *,
    weight: float | Decimal | str,
    target: float | Decimal | str | None,
    penalty: float | Decimal | str,
    branch_id: int | None = None,
    valid_from: dt.date,
    who: Account,
) -> int:
    """Set a KPI's weight, target (None: the default) and penalty from a date; audited.

    Returns the kpi_weights row id. A second call for the same KPI, branch and date replaces it.
    """
    try:
        info = check_kpi(kpi)
    except ValueError as exc:
        raise WeightError(str(exc), f"没有考核指标 {kpi!r}。") from exc
    w = _number("weight", weight)
    p = _number("penalty", penalty)
    t = None if target is None else _number("target", target)
    if w < 0 or p < 0:
        raise WeightError(
            f"{kpi}: weight and penalty must not be negative", f"{kpi}：权重和扣分不能为负数。"
        )
    if w > MAX_WEIGHT or p > MAX_WEIGHT:  # weights are relative: 1,000 is far past any use
        raise WeightError(
            f"{kpi}: weight and penalty must be at most {MAX_WEIGHT}",
            f"{kpi}：权重和扣分最多为 {MAX_WEIGHT}。",
        )
    if t is not None and abs(t) >= MAX_TARGET:
        raise WeightError(
            f"{kpi}: the target must be below {MAX_TARGET:,}",
            f"{kpi}：目标值须小于 {MAX_TARGET:,}。",
        )
    if t is not None and (t < 0 or (t == 0 and not info.lower_is_better)):
        raise WeightError(
            f"{kpi}: the target must be above 0, got {t}", f"{kpi}：目标值须大于 0，现为 {t}。"
        )
    kw, branches = T["kpi_weights"], T["branches"]
    values = {"weight": w, "target": t, "penalty": p}
    with write_transaction(engine) as conn:
        if branch_id is not None:
            code = conn.execute(
                select(branches.c.code).where(branches.c.id == branch_id)
            ).scalar_one_or_none()
            if code is None:
                raise WeightError(
                    f"branch {branch_id} does not exist", f"支行 {branch_id} 不存在。"
                )
        same_branch = kw.c.branch_id.is_(None) if branch_id is None else kw.c.branch_id == branch_id
        old = conn.execute(
            select(kw).where(kw.c.kpi == kpi, same_branch, kw.c.valid_from == valid_from)
        ).one_or_none()
        if old is None:
            row_id = conn.execute(
                insert(kw)
                .values(kpi=kpi, branch_id=branch_id, valid_from=valid_from, **values)
                .returning(kw.c.id)
            ).scalar_one()
        else:
            row_id = old.id
            conn.execute(update(kw).where(kw.c.id == row_id).values(**values))
        before = None if old is None else {k: str(getattr(old, k)) for k in values}
        audit.record(
            conn,
            who,
            "kpi_weight.set",
            "kpi_weights",
            row_id,
            {
                "kpi": kpi,
                "branch_id": branch_id,
                "valid_from": valid_from.isoformat(),
                "from": before,
                "to": {k: None if v is None else str(v) for k, v in values.items()},
            },
        )
    return int(row_id)
