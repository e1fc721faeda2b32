"""One client read for the client view: profile, position, 24 months, contacts, flags."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import insert, select, update

from rmdesk.db import Database, open_database
from rmdesk.models import Base
from rmdesk.services.clients import profile as client_profile
from rmdesk.services.clients.profile import ProfileError
from rmdesk.services.common.access import OPERATOR, system
from rmdesk.services.visits.calendar import reason_json
from tests.bank import TinyBank, months

AS_OF = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 7, 2)
T = Base.metadata.tables
MONTHS = months("2024-07", "2026-06")  # the 24 months the view shows


def _insert(db: Database, table: str, **values: object) -> int:
    with db.engine.begin() as conn:
        return int(conn.execute(insert(T[table]).values(**values)).inserted_primary_key[0])


def _bank(db_url: str) -> tuple[Database, dict[str, int]]:
    db = open_database(db_url)
    bank = TinyBank(db.engine, AS_OF)
    b1, b2 = bank.branch("B1"), bank.branch("B2")
    rm1, rm2 = bank.user("rm1", b1), bank.user("rm2", b2)
    casa = bank.product("CASA", "deposit", ftp="0.02", rate="0.002")
    loan = bank.product("LOAN", "loan", ftp="0.03", rate="0.05")
    card = bank.product("CARD", "card")
    rich = bank.client(
        rm1, b1, name="王芳", kyc_due=dt.date(2026, 6, 1), district="望京", segment="affluent"
    )
    with db.engine.begin() as conn:
        conn.execute(
            update(T["clients"])
            .where(T["clients"].c.id == rich)
            .values(id_number="110105199407064676")
        )
    h = bank.holding(rich, casa)
    # deposits climb by 1,000.00 a month: 24 months, 100,000.00 … 123,000.00
    for i, month in enumerate(MONTHS):
        bank.fact(h, month, 10_000_000 + i * 100_000)
    h = bank.holding(rich, loan)
    bank.facts(h, MONTHS, 50_000_000)
    h = bank.holding(rich, card, closed=dt.date(2025, 12, 31))
    bank.facts(h, MONTHS[:18], 200_000)
    bank.contact(rich, dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC), rm1)
    bank.contact(rich, dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC), rm1)
    bare = bank.client(rm1, b1, name="赵六", kyc_due=None)
    other = bank.client(rm2, b2, name="Other")
    flag = _insert(
        db, "risk_flags", client_id=rich, rule_code="NO_CONTACT", severity="medium",
        status="acknowledged", evidence="证据", evidence_en="evidence", evidence_data={},
        raised_on=dt.date(2026, 6, 1), due_on=dt.date(2026, 7, 1), version=2,
    )  # fmt: skip
    old_flag = _insert(
        db, "risk_flags", client_id=rich, rule_code="DPD_90", severity="high",
        status="closed", evidence="旧", evidence_en="old", evidence_data={},
        raised_on=dt.date(2025, 1, 1), version=1,
    )  # fmt: skip
    at = dt.datetime(2026, 6, 2, 8, tzinfo=dt.UTC)
    _insert(db, "risk_flag_events", flag_id=flag, at=at, actor_id=None, to_status="raised")
    _insert(
        db, "risk_flag_events", flag_id=flag, at=at, actor_id=rm1, from_status="raised",
        to_status="acknowledged", note="seen",
    )  # fmt: skip
    _insert(db, "risk_flag_events", flag_id=old_flag, at=at, actor_id=None, to_status="raised")
    for rank, status in ((2, "open"), (1, "declined"), (1, "open")):
        _insert(
            db, "suggestions", client_id=rich, product_id=card, rank=rank,
            likelihood=Decimal("0.25"), expected_value_minor=12_345, reason_zh="理由",
            reason_en="reason", evidence_data={}, status=status, generated_on=AS_OF, version=1,
        )  # fmt: skip
    _insert(
        db, "visits", client_id=rich, user_id=rm1, planned_on=dt.date(2026, 7, 6), slot=1,
        status="planned", purpose="cadence", reason=reason_json("该联系了", "Contact due"),
        version=1,
    )  # fmt: skip
    run = _insert(
        db, "scoring_runs", started_at=at, as_of=AS_OF, scope="bank", actor="test",
        parameters={}, pricing={}, counts={},
    )  # fmt: skip
    _insert(
        db, "client_scores", client_id=rich, run_id=run, as_of=AS_OF,
        contribution_minor=900_000, previous_minor=600_000, growth=Decimal("0.5"),
        deposit_margin_minor=200_000, loan_margin_minor=800_000, fees_minor=0,
        cost_minor=40_000, expected_loss_minor=60_000, rank_book=1, rank_branch=1,
        rank_bank=1, cumulative_share=Decimal("0.5"), tier="A",
    )  # fmt: skip
    ids = {"rich": rich, "bare": bare, "other": other, "rm1": rm1, "b1": b1, "flag": flag}
    return db, ids


def test_a_scored_client_in_full(db_url: str) -> None:
    db, ids = _bank(db_url)
    p = client_profile.load(db.engine, ids["rich"], today=TODAY, rm_id=ids["rm1"], who=OPERATOR)
    db.dispose()
    assert (p.name, p.segment, p.district, p.rm, p.branch) == (
        "王芳",
        "affluent",
        "望京",
        "RM1",
        "Branch B1",
    )
    assert p.id_number_masked == "1101**********4676"
    assert p.age == 46 and p.kyc_overdue  # born 1980-01-01; KYC was due 2026-06-01
    assert p.as_of == AS_OF and p.tier == "A" and p.rank_book == 1 and p.book_size == 2
    assert p.contribution_minor == 900_000 and p.growth == pytest.approx(0.5)
    assert p.components == {
        "deposit_margin": 200_000, "loan_margin": 800_000, "fees": 0, "cost": 40_000,
        "expected_loss": 60_000,
    }  # fmt: skip
    # position now: the latest month of live holdings (the closed card does not count)
    assert p.deposits_minor == 12_300_000 and p.loans_minor == 50_000_000
    assert p.products_held == 2 and p.families_held == 2
    # 24 months of balances, oldest first; the card counts as a loan while it was open
    assert len(p.balances) == 24
    assert p.balances["month"].iloc[0].date() == MONTHS[0]
    assert p.balances["deposits_minor"].tolist() == [10_000_000 + i * 100_000 for i in range(24)]
    assert p.balances["loans_minor"].iloc[0] == 50_200_000
    assert p.balances["loans_minor"].iloc[-1] == 50_000_000
    trend = p.deposits_trend
    assert (trend.latest_minor, trend.three_months_ago_minor) == (12_300_000, 12_000_000)
    assert trend.year_ago_minor == 11_100_000
    assert trend.change_3m == pytest.approx(0.025)
    assert trend.average_12m_minor == 11_750_000
    # loyalty: one contact in the last 12 months, the latest first
    assert p.contacts_12m == 1 and len(p.contacts) == 2
    assert p.last_contact_at == dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC)
    assert p.last_contact_channel == "phone" and p.contacts["user"].iloc[0] == "RM1"
    assert p.tenure_years == pytest.approx(11.5, abs=0.01)
    # flags: open first; each one's history with who made the change
    assert p.flags["status"].tolist() == ["acknowledged", "closed"]
    assert p.flags["rule_en"].iloc[0] == "No contact within cadence"
    assert p.open_flags == 1 and bool(p.flags["overdue"].iloc[0])  # due 07-01, today 07-02
    events = p.flag_events[p.flag_events["flag_id"] == ids["flag"]]
    assert events["to_status"].tolist() == ["raised", "acknowledged"]
    assert events["actor"].tolist()[1] == "RM1"
    # suggestions: open ones by rank, then those acted on
    assert p.suggestions["status"].tolist() == ["open", "open", "declined"]
    assert p.suggestions["rank"].tolist() == [1, 2, 1]
    assert p.suggestions["likelihood"].iloc[0] == pytest.approx(0.25)
    assert p.visits["reason_zh"].iloc[0] == "该联系了"
    assert p.visits["purpose_en"].iloc[0] == "Regular contact"
    assert p.holdings["live"].tolist() == [True, True, False]


def test_a_client_with_nothing(db_url: str) -> None:
    db, ids = _bank(db_url)
    p = client_profile.load(db.engine, ids["bare"], today=TODAY, branch_id=ids["b1"], who=OPERATOR)
    db.dispose()
    assert p.tier is None and p.components is None and p.rank_book is None
    assert p.as_of == AS_OF  # the data set's date when the client was never scored
    assert p.holdings.empty and p.contacts.empty and p.flags.empty and p.suggestions.empty
    assert p.visits.empty and p.flag_events.empty
    assert len(p.balances) == 24 and p.balances["deposits_minor"].sum() == 0
    assert p.deposits_trend.change_3m is None and p.loans_trend.change_12m is None
    assert p.products_held == 0 and p.contacts_12m == 0 and p.last_contact_at is None
    assert not p.kyc_overdue and p.id_number_masked == ""


def test_a_client_outside_the_book_is_refused(db_url: str) -> None:
    db, ids = _bank(db_url)
    with pytest.raises(ProfileError, match="not in your book"):
        client_profile.load(db.engine, ids["other"], today=TODAY, rm_id=ids["rm1"], who=OPERATOR)
    with pytest.raises(ProfileError, match="not in your book"):
        client_profile.load(db.engine, ids["other"], today=TODAY, branch_id=ids["b1"], who=OPERATOR)
    with pytest.raises(ProfileError, match="does not exist"):
        client_profile.load(db.engine, 999_999, today=TODAY, who=OPERATOR)
    # the bank's administrator sees every client
    assert client_profile.load(db.engine, ids["other"], today=TODAY, who=OPERATOR).name == "Other"
    client_profile.record_view(db.engine, ids["other"], who=system("admin"))
    with db.engine.connect() as conn:
        entry = conn.execute(
            select(T["audit_log"].c.actor, T["audit_log"].c.action, T["audit_log"].c.entity_id)
        ).one()
    db.dispose()
    assert tuple(entry) == ("admin", "view", str(ids["other"]))


def test_the_seven_p_summary_in_both_languages(db_url: str) -> None:
    from rmdesk.services.clients.seven_p import summary

    db, ids = _bank(db_url)
    p = client_profile.load(db.engine, ids["rich"], today=TODAY, rm_id=ids["rm1"], who=OPERATOR)
    bare = client_profile.load(db.engine, ids["bare"], today=TODAY, rm_id=ids["rm1"], who=OPERATOR)
    db.dispose()
    zh = {line.key: (line.title, line.text) for line in summary(p, "zh_CN")}
    assert [t for t, _ in zh.values()] == [
        "概况",
        "忠诚度",
        "利润贡献",
        "业绩",
        "潜力",
        "产品",
        "营销",
    ]
    assert zh["profiling"][1] == "富裕客户，46岁，望京，KYC复核已逾期"
    assert "近12个月联系1次" in zh["persistency"][1] and "2026年5月20日" in zh["persistency"][1]
    assert (
        zh["profitability"][1]
        == "近12个月贡献 ¥9,000.00（较前12个月 +50.0%），名下排名 1/2，A级客户"
    )
    assert "存款及理财日均 ¥123,000.00" in zh["performance"][1]
    # the open suggestion ranked first (a declined one is not offered again)
    assert zh["prospecting"][1].startswith("首推") and "¥123.45" in zh["prospecting"][1]
    assert zh["prospecting"][1].endswith("另有1项建议")
    assert zh["product"][1] == "在持产品2个：存款1个、贷款1个"
    assert zh["promotion"][1] == "下次拜访 2026年7月6日，未结预警1个（最高：中）"
    en = {line.key: line.text for line in summary(p, "en")}
    assert en["profitability"].startswith("CN¥9,000.00 over the last 12 months (+50.0%")
    assert en["product"] == "2 products: 1 deposit, 1 loan"
    empty = {line.key: line.text for line in summary(bare, "en")}
    assert empty["profitability"] == "not scored yet"
    assert empty["product"] == "no products held"
    assert empty["prospecting"] == "no open suggestion"
    assert empty["persistency"].endswith("never contacted")


def test_a_batch_reads_the_same_as_one_by_one(db_url: str) -> None:
    """Printed briefs read clients in batches: each profile must be the one the view shows."""
    db, ids = _bank(db_url)
    wanted = [ids["rich"], ids["bare"], ids["other"]]
    batch = client_profile.load_many(db.engine, wanted, today=TODAY, who=OPERATOR)
    single = {i: client_profile.load(db.engine, i, today=TODAY, who=OPERATOR) for i in wanted}
    with pytest.raises(ProfileError, match="not in your book"):
        client_profile.load_many(db.engine, wanted, today=TODAY, rm_id=ids["rm1"], who=OPERATOR)
    db.dispose()
    assert list(batch) == wanted
    for i in wanted:
        a, b = batch[i], single[i]
        for name in ("holdings", "balances", "contacts", "visits", "flags", "suggestions"):
            pd.testing.assert_frame_equal(
                getattr(a, name).reset_index(drop=True),
                getattr(b, name).reset_index(drop=True),
                check_dtype=False,
            )
        assert (a.name, a.deposits_minor, a.loans_minor, a.book_size, a.open_flags) == (
            b.name, b.deposits_minor, b.loans_minor, b.book_size, b.open_flags,
        )  # fmt: skip
    assert len(batch[ids["rich"]].holdings) > 0  # the comparison is not of empty frames
