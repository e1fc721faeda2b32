"""The results' bulk writer (COPY on PostgreSQL, executemany on SQLite) stores what SQLAlchemy's
own insert would: enums as their text, JSON, dates, times with their zone, Decimals, gaps; an
update touches only the rows given; and a bad row undoes the whole transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from rmdesk.db import open_database, write_transaction
from rmdesk.models import Base, FlagStatus, Severity
from rmdesk.services.common import bulk
from tests.demo_banks import DemoBank

T = Base.metadata.tables
AT = dt.datetime(2026, 11, 2, 1, 2, 3, 456789, tzinfo=dt.UTC)
COLUMNS = [
    "client_id",
    "holding_id",
    "rule_code",
    "severity",
    "status",
    "evidence",
    "evidence_en",
    "evidence_data",
    "raised_on",
    "due_on",
    "updated_at",
]


def test_bulk_rows_are_stored_as_an_insert_would_store_them(demo_bank: DemoBank) -> None:
    db = open_database(demo_bank(30))
    f, s = T["risk_flags"], T["suggestions"]
    with db.engine.connect() as conn:
        clients = list(conn.execute(select(T["clients"].c.id).order_by("id").limit(3)).scalars())
        product = conn.execute(select(T["products"].c.id).limit(1)).scalar_one()
        before = conn.execute(select(func.count()).select_from(f)).scalar_one()
    rows = [
        (c, None, "test_rule", Severity.HIGH, FlagStatus.RAISED, "证据：余额下降", "balance fell",
         {"drop": 0.42, "names": ["活期", "定期"], "none": None}, dt.date(2026, 11, 2), None, AT)
        for c in clients
    ]  # fmt: skip
    with write_transaction(db.engine) as conn:
        assert bulk.insert_rows(conn, f, COLUMNS, rows) == 3
        # the same rows through SQLAlchemy's own insert, to compare with
        conn.execute(
            f.insert(), [dict(zip(COLUMNS, r, strict=True)) | {"rule_code": "orm"} for r in rows]
        )
        bulk.insert_rows(
            conn,
            s,
            ["client_id", "product_id", "status", "likelihood", "expected_value_minor",
             "reason_zh", "reason_en", "evidence_data", "generated_on"],
            [(clients[0], product, "open", Decimal("0.12345678"), 9_007_199_254_740_993,
              "原因", "why", {}, dt.date(2026, 11, 2))],
        )  # fmt: skip
    with db.engine.connect() as conn:
        got = conn.execute(
            select(*[f.c[c] for c in COLUMNS], f.c.version, f.c.created_at)
            .where(f.c.rule_code == "test_rule")
            .order_by(f.c.client_id)
        ).all()
        own = conn.execute(
            select(*[f.c[c] for c in COLUMNS]).where(f.c.rule_code == "orm").order_by(f.c.client_id)
        ).all()
        sug = conn.execute(select(s).where(s.c.reason_en == "why")).one()
    skip = COLUMNS.index("rule_code")
    assert [r[:skip] + r[skip + 1 : len(COLUMNS)] for r in got] == [
        r[:skip] + r[skip + 1 :] for r in own
    ]
    assert [r[: len(COLUMNS)][-1].replace(tzinfo=dt.UTC) for r in got] == [AT] * 3
    assert got[0].evidence_data == rows[0][7] and got[0].severity == Severity.HIGH
    # the Python-side default (version) filled in, the server's (created_at) the database's
    assert {r.version for r in got} == {1} and all(r.created_at is not None for r in got)
    assert sug.likelihood == Decimal("0.12345678") and sug.rank == 1
    assert sug.expected_value_minor == 9_007_199_254_740_993 and sug.version == 1
    ids = [
        r[0]
        for r in db.engine.connect()
        .execute(select(f.c.id).where(f.c.rule_code == "test_rule").order_by(f.c.client_id))
        .all()
    ]
    with write_transaction(db.engine) as conn:
        bulk.update_rows(
            conn,
            f,
            "id",
            ["status", "evidence_data", "snoozed_until"],
            # the last key first: the update's key range spans them both, the row between
            # them stays as it was
            [
                (ids[2], FlagStatus.ACKNOWLEDGED, {"seen": 1}, None),
                (ids[0], FlagStatus.SNOOZED, {"new": True}, dt.date(2027, 1, 1)),
            ],
            also={"version": "version + 1"},
        )
    with db.engine.connect() as conn:
        after = {
            r.id: r
            for r in conn.execute(
                select(f.c.id, f.c.status, f.c.evidence_data, f.c.snoozed_until, f.c.version)
                .where(f.c.id.in_(ids))
            )
        }  # fmt: skip
    assert after[ids[0]].status == FlagStatus.SNOOZED and after[ids[0]].version == 2
    assert after[ids[0]].evidence_data == {"new": True}
    assert after[ids[0]].snoozed_until == dt.date(2027, 1, 1)
    assert after[ids[2]].status == FlagStatus.ACKNOWLEDGED and after[ids[2]].version == 2
    assert after[ids[1]].status == FlagStatus.RAISED and after[ids[1]].version == 1
    # a row that breaks a constraint undoes every row of its transaction
    bad = [*rows[:2], (99_999_999, *rows[0][1:])]
    with pytest.raises(IntegrityError), write_transaction(db.engine) as conn:
        bulk.insert_rows(conn, f, COLUMNS, bad)
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(f)).scalar_one() == before + 6
    db.dispose()
