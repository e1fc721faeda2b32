"""The bulk writer keeps every value and every gap exactly, on both databases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from rmdesk.db import open_database
from rmdesk.models import Base
from rmdesk.services.data.importing import bulk
from tests.helpers import rows

T = Base.metadata.tables


def test_rows_with_different_gaps_are_written_exactly(db_url: str) -> None:
    db = open_database(db_url)
    with db.engine.begin() as conn:
        conn.execute(
            T["products"]
            .insert()
            .values(
                id=1,
                code="P",
                name_zh="产品",
                name_en="P",
                family="deposit",
                active=True,
                version=1,
            )
        )
        conn.execute(
            T["clients"]
            .insert()
            .values(
                id=1,
                source="t",
                external_id="c",
                kind="individual",
                name="张三",
                segment="mass",
                status="active",
                attributes={},
                version=1,
            )
        )
        conn.execute(
            T["holdings"]
            .insert()
            .values(
                id=1,
                source="t",
                external_id="h",
                client_id=1,
                product_id=1,
                currency="CNY",
                attributes={},
            )
        )
        n = 1000
        rng = np.random.default_rng(3)
        frame = pd.DataFrame(
            {
                "holding_id": 1,
                "external_id": [f"t{i}" for i in range(n)],
                "booked_on": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n) % 300, "D"),
                "direction": np.where(np.arange(n) % 2, "credit", "debit"),
                "operation": pd.Series(np.where(rng.random(n) < 0.5, "VKLAD", None), dtype=object),
                "category": pd.Series(np.where(rng.random(n) < 0.3, "UROK", None), dtype=object),
                "amount_minor": np.arange(n) * 101,
                "balance_minor": pd.array(
                    np.where(rng.random(n) < 0.2, -1, np.arange(n)), dtype="Int64"
                ),
                "counterparty_bank": pd.Series(
                    np.where(rng.random(n) < 0.1, "AB", None), dtype=object
                ),
            }
        )
        frame.loc[frame["balance_minor"] == -1, "balance_minor"] = pd.NA
        written = bulk.insert_frame(conn, T["transactions"], frame)
    db.dispose()
    assert written == n
    stored = (
        pd.DataFrame(
            rows(
                db_url,
                "SELECT external_id, booked_on, operation, category, amount_minor, "
                "balance_minor, counterparty_bank FROM transactions",
            ),
            columns=[
                "external_id",
                "booked_on",
                "operation",
                "category",
                "amount_minor",
                "balance_minor",
                "counterparty_bank",
            ],
        )
        .set_index("external_id")
        .loc[frame["external_id"]]
    )
    assert stored["amount_minor"].tolist() == frame["amount_minor"].tolist()
    assert stored["operation"].isna().tolist() == frame["operation"].isna().tolist()
    assert stored["category"].isna().tolist() == frame["category"].isna().tolist()
    assert stored["counterparty_bank"].isna().tolist() == frame["counterparty_bank"].isna().tolist()
    assert stored["balance_minor"].isna().tolist() == frame["balance_minor"].isna().tolist()
    kept = frame["balance_minor"].notna().to_numpy()
    assert (
        stored["balance_minor"][kept].astype(int).tolist()
        == frame["balance_minor"][kept].astype(int).tolist()
    )
    assert [str(d)[:10] for d in stored["booked_on"]] == [
        d.date().isoformat() for d in frame["booked_on"]
    ]
    assert dt.date(2024, 1, 1).isoformat() in str(stored["booked_on"].iloc[0])
