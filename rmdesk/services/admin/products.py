"""A product's place in the catalogue as the administrator keeps it: who it is for, its risk
grade and its pitch lines (services/common/product_fields.py, docs/suitability.md).

Pricing has versions of its own (``pricing``); these fields do not: a change applies from the
next scoring run, and the audit trail keeps what each field was and became. An edit names the
product's ``version`` it started from; one made meanwhile by someone else is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, select, update

from rmdesk.db import write_transaction
from rmdesk.models import Base
from rmdesk.services.admin.directory import DirectoryError, StaleEdit
from rmdesk.services.common import audit, product_fields
from rmdesk.services.common.access import ADMINS, Account, open_to

T = Base.metadata.tables


@open_to(ADMINS)
def change(
    engine: Engine,
    code: str,
    changes: Mapping[str, Any],
    *,
    version: int | None = None,
    who: Account,
) -> dict[str, dict[str, str | None]]:
    """Set ``changes`` (client_kinds, risk_level, pitch_zh, pitch_en) of product ``code``;
    returns what changed, field -> {"from", "to"} (nothing when every value is as stored)."""
    try:
        values = product_fields.checked(changes)
    except product_fields.ProductFieldError as exc:
        raise DirectoryError(exc.field, str(exc), exc.zh) from exc
    prod = T["products"]
    with write_transaction(engine) as conn:
        row = conn.execute(
            select(prod.c.id, prod.c.version, *[prod.c[f] for f in product_fields.FIELDS]).where(
                prod.c.code == code
            )
        ).first()
        if row is None:
            raise DirectoryError("code", f"there is no product {code!r}", f"没有产品 {code}")
        if version is not None and row.version != version:
            raise StaleEdit(
                "version",
                f"{code} was changed by someone else since you opened it (version {version}, "
                f"now {row.version}); reload and make your change again",
                f"{code} 在您打开后已被他人修改（版本 {version}，现为 {row.version}），"
                "请刷新后重新修改",
            )
        done = {
            f: {"from": getattr(row, f), "to": v} for f, v in values.items() if getattr(row, f) != v
        }
        if not done:
            return {}
        conn.execute(
            update(prod)
            .where(prod.c.id == row.id)
            .values(**{f: d["to"] for f, d in done.items()}, version=prod.c.version + 1)
        )
        audit.record(conn, who, "product.change", "product", code, {"changes": done})
    return done
