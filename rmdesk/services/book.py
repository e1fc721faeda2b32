"""The book of business as a table: one row per client, computed in the database.

Balances are each holding's latest month; deposits count deposit and investment holdings, loans
count loan and card holdings. Contribution, tiers and flags join this table once scoring exists.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine, case, func, select

from rmdesk.models import Base

T = Base.metadata.tables
BOOK_COLUMNS = [
    "client_id",
    "external_id",
    "name",
    "kind",
    "segment",
    "branch",
    "rm",
    "district",
    "products",
    "deposits_minor",
    "loans_minor",
    "currency",
    "kyc_due",
    "status",
]


def client_book(
    engine: Engine, *, rm_id: int | None = None, branch_id: int | None = None
) -> pd.DataFrame:
    """The clients of one RM, one branch, or the whole bank, with their current position."""
    clients, holdings, facts = T["clients"], T["holdings"], T["monthly_facts"]
    products, branches, users = T["products"], T["branches"], T["users"]
    latest = (
        select(facts.c.holding_id, func.max(facts.c.month).label("month"))
        .group_by(facts.c.holding_id)
        .subquery()
    )
    balance = (
        select(facts.c.holding_id, facts.c.avg_balance_minor)
        .join(
            latest, (latest.c.holding_id == facts.c.holding_id) & (latest.c.month == facts.c.month)
        )
        .subquery()
    )
    live = holdings.c.closed_on.is_(None)
    family = products.c.family
    per_client = (
        select(
            holdings.c.client_id,
            func.count().filter(live).label("products"),
            func.coalesce(
                func.sum(
                    case(
                        (family.in_(["deposit", "investment"]) & live, balance.c.avg_balance_minor),
                        else_=0,
                    )
                ),
                0,
            ).label("deposits_minor"),
            func.coalesce(
                func.sum(
                    case(
                        (family.in_(["loan", "card"]) & live, balance.c.avg_balance_minor), else_=0
                    )
                ),
                0,
            ).label("loans_minor"),
            func.max(holdings.c.currency).label("currency"),
        )
        .join(products, products.c.id == holdings.c.product_id)
        .outerjoin(balance, balance.c.holding_id == holdings.c.id)
        .group_by(holdings.c.client_id)
        .subquery()
    )
    query = (
        select(
            clients.c.id.label("client_id"),
            clients.c.external_id,
            clients.c.name,
            clients.c.kind,
            clients.c.segment,
            branches.c.name.label("branch"),
            users.c.display_name.label("rm"),
            clients.c.district,
            func.coalesce(per_client.c.products, 0).label("products"),
            func.coalesce(per_client.c.deposits_minor, 0).label("deposits_minor"),
            func.coalesce(per_client.c.loans_minor, 0).label("loans_minor"),
            per_client.c.currency,
            clients.c.kyc_due,
            clients.c.status,
        )
        .outerjoin(branches, branches.c.id == clients.c.branch_id)
        .outerjoin(users, users.c.id == clients.c.rm_id)
        .outerjoin(per_client, per_client.c.client_id == clients.c.id)
    )
    if rm_id is not None:
        query = query.where(clients.c.rm_id == rm_id)
    if branch_id is not None:
        query = query.where(clients.c.branch_id == branch_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=BOOK_COLUMNS)
    for col in ("products", "deposits_minor", "loans_minor"):
        frame[col] = frame[col].astype("int64")
    frame["kyc_due"] = pd.to_datetime(frame["kyc_due"])
    return frame


def search_mask(frame: pd.DataFrame, text: str) -> np.ndarray | None:
    """Rows whose name or client id contains ``text`` (any case); None when there is no text."""
    text = text.strip()
    if not text:
        return None
    hit = frame["name"].astype("str").str.contains(text, case=False, regex=False, na=False)
    hit |= frame["external_id"].astype("str").str.contains(text, case=False, regex=False, na=False)
    return hit.to_numpy(dtype=bool)
