"""Opening databases: SQLite pragmas, foreign keys, migrations up and down, backups, money and
enumerations as the database stores them (URLs alone: tests/unit/test_db.py)."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Date, func, inspect, literal, select, text
from sqlalchemy.exc import IntegrityError

from rmdesk.db import (
    DatabaseError,
    among,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    migrate,
    open_database,
    write_transaction,
)
from rmdesk.models import Base
from rmdesk.services.common import frames


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "a.sqlite3"))
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_foreign_keys_are_enforced(db_url: str) -> None:
    db = open_database(db_url)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO holdings (source, external_id, client_id, product_id, currency, "
                "attributes) VALUES ('t', 'h1', 999, 999, 'CNY', '{}')"
            )
        )
    db.dispose()


def test_among_takes_more_ids_than_a_statement_takes_parameters(db_url: str) -> None:
    # a nightly run reads the facts of a few thousand clients' holdings by id: more than
    # the parameters SQLite takes in a statement when clients hold many accounts
    db = open_database(db_url)
    holdings = Base.metadata.tables["holdings"]
    with db.engine.connect() as conn:
        many = range(1, 300_001)  # above 32,766 and the 250,000 some builds allow
        found = conn.execute(
            select(func.count()).where(among(conn, holdings.c.id, many), holdings.c.id > 0)
        ).scalar_one()
    assert found == 0
    db.dispose()


def test_a_frame_read_straight_from_the_driver_is_the_frame_sqlalchemy_gives(
    db_url: str,
) -> None:
    # frames.read skips SQLAlchemy's rows: the same frame (numbers as numbers, text as text, a
    # missing value as missing), a column that needs converting (a date on SQLite) converted
    # as a column by SQLAlchemy's own converter
    db = open_database(db_url)
    branches = Base.metadata.tables["branches"]
    with write_transaction(db.engine) as conn:
        conn.execute(
            branches.insert(),
            [
                {"id": 5, "code": "B5", "name": "城东支行", "district": "东区"},
                {"id": 6, "code": "B6", "name": "West", "district": None},
            ],
        )
    plain = select(branches.c.id, branches.c.name, branches.c.district).order_by(branches.c.id)
    dated = select(
        branches.c.id, branches.c.district, literal(dt.date(2020, 1, 2), Date).label("on")
    ).order_by(branches.c.id)
    with db.engine.connect() as conn:
        with mock.patch.object(frames, "frame", side_effect=AssertionError("not the driver's")):
            fast = frames.read(conn, plain)
            converted = frames.read(conn, dated)
        assert fast.equals(frames.frame(conn.execute(plain)))
        assert fast["id"].tolist() == [5, 6] and fast["name"].tolist() == ["城东支行", "West"]
        assert fast["district"].iloc[0] == "东区" and pd.isna(fast["district"].iloc[1])
        assert converted.equals(frames.frame(conn.execute(dated)))
        assert converted["on"].tolist() == [dt.date(2020, 1, 2)] * 2
    db.dispose()


def test_a_frame_read_a_block_at_a_time_is_the_frame_read_whole(db_url: str) -> None:
    # every row once, in order, whatever the block (one that does not divide the rows, one
    # of them all, more than all), each block through ``then`` before they are joined
    db = open_database(db_url)
    branches = Base.metadata.tables["branches"]
    with write_transaction(db.engine) as conn:
        conn.execute(
            branches.insert(),
            [{"id": i, "code": f"B{i}", "name": f"支行{i}", "district": None} for i in range(1, 8)],
        )
    query = select(branches.c.id, branches.c.name).order_by(branches.c.id)
    seen: list[int] = []

    def then(frame: pd.DataFrame) -> pd.DataFrame:
        seen.append(len(frame))
        return frame.assign(twice=frame["id"] * 2)

    with db.engine.connect() as conn:
        whole = frames.read(conn, query, then=then)
        assert seen == [7] and whole["id"].tolist() == list(range(1, 8))
        for block, blocks in ((3, [3, 3, 1]), (7, [7]), (50, [7])):
            seen.clear()
            assert frames.read(conn, query, block=block, then=then).equals(whole)
            assert seen == blocks
        seen.clear()
        none = frames.read(conn, query.where(branches.c.id > 99), block=3, then=then)
        assert none.empty and list(none.columns) == ["id", "name", "twice"] and seen == [0]
    db.dispose()


@pytest.mark.smoke
def test_migrations_upgrade_from_empty_match_the_model_and_downgrade_to_nothing(
    databases, backend: str
) -> None:
    url = databases.new(backend, migrated=False)
    engine = make_engine(url)
    assert current_revision(engine) is None
    migrate(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn, warnings.catch_warnings():
        # SQLite's reflection leaves out indexes on expressions: compared by name below
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"the migrations and the model disagree: {diff}"
    expressions = {
        str(i.name)
        for t in Base.metadata.tables.values()
        for i in t.indexes
        if any(not isinstance(e, Column) for e in i.expressions)
    }
    assert expressions, "the model has indexes on expressions (models/bank.py)"
    listed = (
        "SELECT indexname FROM pg_indexes"
        if backend == "postgresql"
        else "SELECT name FROM sqlite_master WHERE type = 'index'"
    )
    with engine.connect() as conn:
        assert expressions <= set(conn.exec_driver_sql(listed).scalars())
    downgrade(engine, "base")
    left = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert left == set()
    assert current_revision(engine) is None
    migrate(engine)  # and up again
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_sqlite_file_is_backed_up_before_it_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(str(path))
    migrate(engine)
    downgrade(engine, "base")  # a file at an older revision (here: the empty one)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE keepsake (x INTEGER)")
    engine.dispose()
    db = open_database(str(path))
    assert db.backup is not None and db.backup.exists()
    assert db.backup.name.startswith("old.sqlite3.before-head-")
    import sqlite3

    with sqlite3.connect(db.backup) as copy:
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master")}
    assert "keepsake" in tables
    db.dispose()


def test_a_database_that_cannot_be_reached_gives_a_readable_error() -> None:
    with pytest.raises(DatabaseError, match="Cannot open the database"):
        open_database("postgresql://nobody@127.0.0.1:1/none")


def test_money_is_stored_exactly_as_integers(db_url: str) -> None:
    big = 9_007_199_254_740_993  # above 2**53: a float would lose the last unit
    db = open_database(db_url)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO products (code, name_zh, name_en, family, active, version) "
                "VALUES ('P', '产品', 'Product', 'deposit', true, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO product_pricing (product_id, version, valid_from, ftp_rate, "
                "client_rate, fee_monthly_minor, fee_rate, cost_to_serve_minor, pd, lgd) "
                "VALUES (1, 1, :d, 0.0123456, 0.001, :big, 0, 1, 0, 0)"
            ),
            {"d": dt.date(2024, 1, 1), "big": big},
        )
        fee, rate = conn.execute(
            text("SELECT fee_monthly_minor, ftp_rate FROM product_pricing")
        ).one()
    assert fee == big
    assert str(rate).startswith("0.0123456")
    money_types = {
        str(c.type)
        for t in Base.metadata.tables.values()
        for c in t.columns
        if c.name.endswith("_minor")
    }
    assert money_types == {"BIGINT"}
    db.dispose()


def test_an_unknown_enum_value_is_refused_by_the_database(db_url: str) -> None:
    db = open_database(db_url)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, display_name, role, active, visits_per_day, "
                "version) VALUES ('x', 'X', 'emperor', true, 4, 1)"
            )
        )
    db.dispose()


def test_opening_an_up_to_date_database_does_not_load_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    open_database(str(tmp_path / "x.sqlite3")).dispose()
    code = (
        "import sys; from rmdesk.db import open_database; "
        f"open_database({str(tmp_path / 'x.sqlite3')!r}).dispose(); "
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
