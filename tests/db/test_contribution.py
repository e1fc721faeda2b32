"""Contribution, growth, pricing versions, ranks and tiers on cases worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from rmdesk.db import Database, open_database
from rmdesk.models import Base
from rmdesk.services.clients.contribution_detail import client_breakdown, monthly_contribution
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine.scoring import score
from tests.bank import TinyBank, months

AS_OF = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 7, 1)
T = Base.metadata.tables


def _bank(db_url: str) -> tuple[Database, dict[str, int]]:
    """Client A: a deposit for 24 months and a loan for the last 12; client B: a card."""
    db = open_database(db_url)
    bank = TinyBank(db.engine, AS_OF)
    b = bank.branch()
    rm = bank.user("rm1", b)
    dep = bank.product("DEP", "deposit", ftp="0.03", rate="0.01", cost=100)
    loan = bank.product("LOAN", "loan", ftp="0.03", rate="0.06", cost=300, pd="0.02", lgd="0.5")
    card = bank.product("CARD", "card", ftp="0.03", rate="0.15", cost=900, pd="0.10", lgd="0.8")
    a = bank.client(rm, b)
    c = bank.client(rm, b)
    hd = bank.holding(a, dep)
    bank.facts(hd, months("2024-07", "2026-06"), 1_200_000, fees=50)
    hl = bank.holding(a, loan, opened=dt.date(2025, 7, 1))
    bank.facts(hl, months("2025-07", "2026-06"), 2_400_000)
    hc = bank.holding(c, card)
    bank.facts(hc, months("2025-07", "2026-06"), 10_000)
    return db, {"a": a, "b": c, "dep": dep, "hd": hd}


def test_contribution_parts_and_growth_match_the_hand_calculation(db_url: str) -> None:
    db, ids = _bank(db_url)
    score(db.engine, today=TODAY, who=OPERATOR)
    with db.engine.connect() as conn:
        rows = {r.client_id: r for r in conn.execute(select(T["client_scores"]))}
    a = rows[ids["a"]]
    # deposit: 1,200,000 × (3% − 1%) / 12 = 2,000 a month; fees 50; cost 100
    # loan: 2,400,000 × (6% − 3%) / 12 = 6,000 a month; expected loss 2,400,000 × 2% × 50% / 12
    #       = 2,000; cost 300
    assert a.deposit_margin_minor == 24_000
    assert a.loan_margin_minor == 72_000
    assert a.fees_minor == 600
    assert a.cost_minor == 12 * 100 + 12 * 300
    assert a.expected_loss_minor == 24_000
    assert a.contribution_minor == 24_000 + 72_000 + 600 - 4_800 - 24_000 == 67_800
    assert a.previous_minor == 24_000 + 600 - 1_200 == 23_400
    # growth against ¥234 would read as +190%: below a ¥1,000 base it is not a percentage
    assert a.growth is None
    b = rows[ids["b"]]
    # card: 10,000 × 12% / 12 = 100 margin, loss 10,000 × 8% / 12 = 66.67, cost 900 a month
    assert b.contribution_minor == round(12 * (100 - 10_000 * 0.08 / 12 - 900))
    assert b.previous_minor == 0 and b.growth is None
    assert (a.rank_bank, b.rank_bank) == (1, 2)
    assert (a.rank_book, a.rank_branch) == (1, 1)
    assert a.tier == "A" and b.tier == "D"  # B's contribution is negative
    db.dispose()


def test_a_new_pricing_version_applies_from_its_month_and_the_run_names_both(
    db_url: str,
) -> None:
    db, ids = _bank(db_url)
    bank = TinyBank(db.engine)
    bank.pricing(ids["dep"], 2, dt.date(2026, 1, 15), ftp="0.03", rate="0.02", cost=100)
    result = score(db.engine, today=TODAY, who=OPERATOR)
    with db.engine.connect() as conn:
        a = conn.execute(
            select(T["client_scores"]).where(T["client_scores"].c.client_id == ids["a"])
        ).one()
        run = conn.execute(
            select(T["scoring_runs"]).where(T["scoring_runs"].c.id == result.run_id)
        ).one()
    # July–December at 2 % spread (2,000 a month), January–June at 1 % (1,000 a month)
    assert a.deposit_margin_minor == 6 * 2_000 + 6 * 1_000
    assert run.pricing["DEP"] == [1, 2]
    assert run.pricing["LOAN"] == [1]
    detail = client_breakdown(db.engine, ids["a"], AS_OF, who=OPERATOR)
    assert detail.total_minor == a.contribution_minor
    dep = detail.products.set_index("code").loc["DEP"]
    assert dep["versions"] == "1,2"
    # a line a version, each with its own months and spread
    dep_lines = [line for line in detail.lines["en"] if line.startswith("DEP product (DEP")]
    assert [line.split(":")[0] for line in dep_lines] == [
        "DEP product (DEP, pricing v1, held 6 of 12 months)",
        "DEP product (DEP, pricing v2, held 6 of 12 months)",
    ]
    assert detail.lines["zh"][0].startswith("近12个月贡献度 ¥")
    db.dispose()


def test_monthly_contribution_by_rm_adds_up_to_the_clients(db_url: str) -> None:
    db, _ = _bank(db_url)
    with db.engine.connect() as conn:
        by_rm = monthly_contribution(conn, dt.date(2025, 7, 1), dt.date(2026, 6, 1), by="rm")
        by_client = monthly_contribution(
            conn, dt.date(2025, 7, 1), dt.date(2026, 6, 1), by="client"
        )
    assert len(by_rm) == 12
    assert by_rm["contribution"].sum() == pytest.approx(by_client["contribution"].sum())
    db.dispose()
