"""The client list behind the main window: one row per client with its current position."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from rmdesk.db import open_database
from rmdesk.services.clients.book import client_book, search_mask
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.importing import run_import
from tests.conftest import ROOT
from tests.demo_banks import DemoBank


def test_the_book_sums_each_clients_latest_month(db_url: str) -> None:
    db = open_database(db_url)
    run_import(db.engine, "generic", ROOT / "docs/samples/generic", who=OPERATOR)
    book = client_book(db.engine, who=OPERATOR).set_index("external_id")
    db.dispose()
    assert len(book) == 6
    # SH0001: current account 86,700.00 + wealth product 306,000.00 in December; mortgage
    assert book.loc["SH0001", "deposits_minor"] == 8_670_000 + 30_600_000
    assert book.loc["SH0001", "loans_minor"] == 213_400_000
    assert book.loc["SH0001", "products"] == 3
    assert book.loc["SH0006", "products"] == 0  # its only account is closed
    assert book.loc["SH0001", "rm"] == "李娜"


def test_one_rms_book_and_search(demo_bank: DemoBank) -> None:
    db = open_database(demo_bank(300))
    whole = client_book(db.engine, who=OPERATOR)
    from sqlalchemy import text

    with db.engine.connect() as conn:
        rm_id = conn.execute(text("SELECT id FROM users WHERE username = 'rm01'")).scalar()
    mine = client_book(db.engine, rm_id=rm_id, who=OPERATOR)
    assert 0 < len(mine) < len(whole) == 300
    name = whole["name"].iloc[0]
    mask = search_mask(whole, name[:2])
    assert mask is not None and mask[0]
    assert search_mask(whole, "   ") is None
    assert search_mask(whole, "c0000001").sum() == 1  # ids match in any case
    # a phone number matches by any part of its digits, however it was written or typed
    with db.engine.connect() as conn:
        client, mobile = conn.execute(
            text("SELECT external_id, mobile FROM clients WHERE mobile IS NOT NULL ORDER BY id")
        ).first()
    row = int(np.flatnonzero(whole["external_id"] == client)[0])
    digits = "".join(ch for ch in mobile if ch.isdigit())
    for typed in (digits[-8:], f"{digits[3:7]}-{digits[7:]}", mobile):
        found = search_mask(whole, typed)
        assert found is not None and found[row], typed
    assert search_mask(whole, "12").sum() < len(whole)  # two digits are no phone search
    # a whole ID number finds its client; a part of one finds nobody, and the book never holds
    # the numbers themselves
    with db.engine.connect() as conn:
        client, number = conn.execute(
            text("SELECT external_id, id_number FROM clients ORDER BY id DESC")
        ).first()
    found = search_mask(whole, f" {number.lower()} ")
    assert found is not None and whole["external_id"][found].tolist() == [client]
    assert not search_mask(whole, number[:15] + "#").any()
    assert not any(number in str(v) for v in whole.to_numpy().ravel())
    db.dispose()


@pytest.mark.smoke
def test_the_book_is_ranked_by_contribution_with_flags_suggestions_and_visits(
    demo_bank: DemoBank,
) -> None:
    from sqlalchemy import func, insert, select, update

    from rmdesk.models import Client, ClientScore, RiskFlag, Suggestion, Visit

    today = dt.date(2026, 11, 2)
    db = open_database(demo_bank(300, scored_on=today))
    with db.engine.begin() as conn:
        client = conn.execute(select(func.min(RiskFlag.client_id))).scalar_one()
        rm = conn.execute(select(Client.rm_id).where(Client.id == client)).scalar_one()
        visits = [
            (dt.date(2026, 11, 20), "planned"),
            (dt.date(2026, 11, 10), "planned"),  # the next one
            (dt.date(2026, 11, 5), "cancelled"),
            (dt.date(2026, 10, 1), "planned"),  # in the past
        ]
        for on, status in visits:
            conn.execute(
                insert(Visit).values(
                    client_id=client, user_id=rm, planned_on=on, slot=1, status=status,
                    purpose="cadence",
                )
            )  # fmt: skip
        flag_ids = conn.execute(select(RiskFlag.id).where(RiskFlag.client_id == client)).scalars()
        first, *rest = sorted(flag_ids)
        conn.execute(update(RiskFlag).where(RiskFlag.id == first).values(severity="high"))
        conn.execute(update(RiskFlag).where(RiskFlag.id.in_(rest)).values(status="resolved"))
        tiers = dict(conn.execute(select(ClientScore.client_id, ClientScore.tier)).all())
        tops = dict(
            conn.execute(
                select(Suggestion.client_id, Suggestion.expected_value_minor).where(
                    Suggestion.rank == 1, Suggestion.status == "open"
                )
            ).all()
        )
    book = client_book(db.engine, today=today, who=OPERATOR)
    db.dispose()

    scored = book["contribution_minor"].notna()
    assert scored.sum() == len(tiers) > 0
    money = book.loc[scored, "contribution_minor"].tolist()
    assert money == sorted(money, reverse=True)
    assert not scored.iloc[scored.sum() :].any()  # clients not yet scored come last
    row = book.set_index("client_id").loc[client]
    assert row["tier"] == tiers[client]
    assert row["next_visit_on"] == pd.Timestamp(2026, 11, 10)
    assert (row["open_flags"], row["worst_severity"]) == (1, "high")  # resolved ones not counted
    assert (
        dict(
            book.dropna(subset=["top_suggestion"])
            .set_index("client_id")["top_suggestion_value_minor"]
            .astype(int)
        )
        == tops
    )
    assert book["top_suggestion_zh"].notna().sum() == len(tops) > 0


def test_overdue_contacts_and_filters_agree_with_the_planner(demo_bank: DemoBank) -> None:
    from rmdesk.services.accounts.users import user_id
    from rmdesk.services.clients.book import book_mask
    from rmdesk.services.visits.planner import overdue_contacts

    today = dt.date(2026, 11, 2)
    db = open_database(demo_bank(300, scored_on=today))
    rm = user_id(db.engine, "rm01", who=OPERATOR)
    book = client_book(db.engine, rm_id=rm, today=today, who=OPERATOR)
    planner = overdue_contacts(db.engine, rm_id=rm, today=today, who=OPERATOR)
    db.dispose()
    overdue = book_mask(book, overdue=True)
    assert overdue is not None and 0 < overdue.sum() < len(book)
    assert set(book.loc[overdue, "client_id"]) == set(planner["client_id"])
    # the book's due date is the planner's, for those with a last contact
    due = book.set_index("client_id").loc[planner["client_id"], "contact_due"]
    expected = pd.to_datetime(planner["due_on"]).to_numpy()
    assert (due.to_numpy()[pd.notna(expected)] == expected[pd.notna(expected)]).all()
    tier = book["tier"].dropna().iloc[0]
    tier_a = book_mask(book, tier=tier)
    assert tier_a is not None and set(book.loc[tier_a, "tier"]) == {tier}
    high = book_mask(book, flags="high", segment="mass")
    assert high is not None
    assert set(book.loc[high, "worst_severity"]) <= {"high"}
    assert set(book.loc[high, "segment"]) <= {"mass"}
    both = book_mask(book, tier=tier, overdue=True)
    assert both is not None and both.sum() == (tier_a & overdue).sum()
    assert book_mask(book) is None


def test_the_book_and_the_client_count_the_same_open_flags(demo_bank: DemoBank) -> None:
    """One definition of an open flag (raised or acknowledged): a snoozed one is counted
    neither in the book nor on the client's header."""
    from sqlalchemy import select

    from rmdesk.models import RiskFlag
    from rmdesk.services.clients.profile import load_many
    from rmdesk.services.engine import risk_flags

    today = dt.date(2026, 11, 2)
    db = open_database(demo_bank(300, scored_on=today))
    with db.engine.connect() as conn:
        client, flag = conn.execute(
            select(RiskFlag.client_id, RiskFlag.id).where(RiskFlag.status == "raised").limit(1)
        ).one()
    risk_flags.act(
        db.engine, flag, "snooze", until=today + dt.timedelta(days=10), today=today, who=OPERATOR
    )
    book = client_book(db.engine, today=today, who=OPERATOR).set_index("client_id")
    profile = load_many(db.engine, [client], today=today, who=OPERATOR)[client]
    assert int(book.loc[client, "open_flags"]) == profile.open_flags
    db.dispose()


def test_the_books_top_suggestion_follows_the_outcomes_at_once(demo_bank: DemoBank) -> None:
    """Pitched, the first suggestion stays on the row (the answer is awaited); declined, the
    next one takes its place: no blank until the next scoring."""
    from sqlalchemy import func, select

    from rmdesk.models import Product, Suggestion
    from rmdesk.services.engine import suggestions

    today = dt.date(2026, 11, 2)
    db = open_database(demo_bank(300, scored_on=today))
    with db.engine.connect() as conn:
        client = conn.execute(
            select(Suggestion.client_id)
            .where(Suggestion.status == "open")
            .group_by(Suggestion.client_id)
            .having(func.count() >= 2)
            .limit(1)
        ).scalar_one()
        ranked = conn.execute(
            select(Suggestion.id, Product.code)
            .join(Product, Product.id == Suggestion.product_id)
            .where(Suggestion.client_id == client, Suggestion.status == "open")
            .order_by(Suggestion.rank)
        ).all()

    def top() -> str:
        book = client_book(db.engine, today=today, who=OPERATOR).set_index("client_id")
        return str(book.loc[client, "top_suggestion"])

    assert top() == ranked[0].code
    suggestions.record_outcome(db.engine, ranked[0].id, "pitched", who=OPERATOR)
    assert top() == ranked[0].code
    suggestions.record_outcome(
        db.engine, ranked[0].id, "declined", reason="no_need_now", who=OPERATOR
    )
    assert top() == ranked[1].code
    db.dispose()


def test_the_first_page_is_the_whole_books_first_rows(demo_bank: DemoBank) -> None:
    """What a book shows before the rest has loaded is its top rows exactly: the same clients,
    in the same order, with the same figures (balances, flags, top suggestion, next visit)."""
    from sqlalchemy import text

    db = open_database(demo_bank(300, scored_on=dt.date(2026, 11, 2)))
    with db.engine.connect() as conn:
        rm_id = conn.execute(text("SELECT id FROM users WHERE username = 'rm01'")).scalar()
    for scope, n in (({}, 25), ({"rm_id": rm_id}, 4)):  # the bank's 300; rm01's 10
        whole = client_book(db.engine, who=OPERATOR, **scope)
        first = client_book(db.engine, first=n, who=OPERATOR, **scope)
        assert len(first) == n < len(whole)
        pd.testing.assert_frame_equal(first, whole.head(n).reset_index(drop=True))
    assert first["top_suggestion"].notna().any()
    db.dispose()
