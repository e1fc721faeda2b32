"""The client list behind the main window: one row per client with its current position."""

from __future__ import annotations

import datetime as dt

from rmdesk.db import open_database
from rmdesk.services.book import client_book, search_mask
from rmdesk.services.importing import run_import
from tests.conftest import ROOT


def test_the_book_sums_each_clients_latest_month(db_url: str) -> None:
    db = open_database(db_url)
    run_import(db.engine, "generic", ROOT / "docs/samples/generic")
    book = client_book(db.engine).set_index("external_id")
    db.dispose()
    assert len(book) == 6
    # SH0001: current account 86,700.00 + wealth product 306,000.00 in December; mortgage
    assert book.loc["SH0001", "deposits_minor"] == 8_670_000 + 30_600_000
    assert book.loc["SH0001", "loans_minor"] == 213_400_000
    assert book.loc["SH0001", "products"] == 3
    assert book.loc["SH0006", "products"] == 0  # its only account is closed
    assert book.loc["SH0001", "rm"] == "李娜"


def test_one_rms_book_and_search(db_url: str) -> None:
    db = open_database(db_url)
    from rmdesk.services.demo_bank import DemoSpec, build

    build(db.engine, DemoSpec(clients=300, as_of=dt.date(2026, 10, 31)))
    whole = client_book(db.engine)
    from sqlalchemy import text

    with db.engine.connect() as conn:
        rm_id = conn.execute(text("SELECT id FROM users WHERE username = 'rm01'")).scalar()
    mine = client_book(db.engine, rm_id=rm_id)
    db.dispose()
    assert 0 < len(mine) < len(whole) == 300
    name = whole["name"].iloc[0]
    mask = search_mask(whole, name[:2])
    assert mask is not None and mask[0]
    assert search_mask(whole, "   ") is None
    assert search_mask(whole, "c0000001").sum() == 1  # ids match in any case
