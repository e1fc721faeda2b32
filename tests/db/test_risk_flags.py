"""Every risk rule on a client built to trip it, and the flag lifecycle across scoring runs."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select, update

from rmdesk.db import Database, open_database
from rmdesk.models import Base
from rmdesk.services.common.access import OPERATOR, system
from rmdesk.services.engine import risk_flags
from rmdesk.services.engine.risk_rules import RULES
from rmdesk.services.engine.scoring import score
from tests.bank import TinyBank, months

AS_OF = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 7, 1)
JUN = dt.date(2026, 6, 1)
T = Base.metadata.tables
RECENT = dt.datetime(2026, 6, 20, 10, tzinfo=dt.UTC)


def _scenario(db_url: str) -> tuple[Database, dict[str, int], TinyBank]:
    db = open_database(db_url)
    bank = TinyBank(db.engine, AS_OF)
    b = bank.branch()
    rm = bank.user("rm1", b)
    casa = bank.product("CASA", "deposit", ftp="0.02", rate="0.002")
    td = bank.product("TD", "deposit", ftp="0.025", rate="0.015")
    loan = bank.product("LOAN", "loan", ftp="0.03", rate="0.05", pd="0.01", lgd="0.4")
    card = bank.product("CARD", "card", ftp="0.03", rate="0.15")
    year = months("2025-07", "2026-06")
    c: dict[str, int] = {}

    def client(key: str, **kw: object) -> int:
        c[key] = bank.client(rm, b, **kw)  # type: ignore[arg-type]
        if key != "no_contact":
            bank.contact(c[key], RECENT)
        return c[key]

    def plain(key: str, **kw: object) -> int:
        """A client with a quiet current account, plus whatever the test adds."""
        cid = client(key, **kw)
        h = bank.holding(cid, casa)
        bank.facts(h, year, 500_000, txn=5)
        return cid

    plain("quiet")
    h = bank.holding(plain("dpd_1"), card, limit=10_000_000)
    bank.facts(h, year[:-1], 100_000)
    bank.fact(h, JUN, 100_000, dpd=5)
    h = bank.holding(plain("dpd_90"), loan)
    bank.facts(h, year[:-3], 5_000_000)
    for month, dpd in zip(year[-3:], (35, 65, 95), strict=True):
        bank.fact(h, month, 5_000_000, dpd=dpd)
    cid = client("overdraft")
    h = bank.holding(cid, casa)
    bank.facts(h, year[:-6], 300_000, txn=5)
    for i, month in enumerate(year[-6:]):
        bank.fact(h, month, 300_000, txn=5, overdraft=4 if i % 2 else 0)
    cid = client("penalty")
    h = bank.holding(cid, casa)
    bank.facts(h, year[:-2], 300_000, txn=5)
    bank.fact(h, year[-2], 300_000, txn=5, penalty=12_000)
    bank.fact(h, JUN, 300_000, txn=5)
    h = bank.holding(plain("card_use"), card, limit=1_000_000)
    bank.facts(h, year[:-1], 200_000)
    bank.fact(h, JUN, 850_000)
    cid = client("balance_drop")
    h = bank.holding(cid, casa)
    bank.facts(h, year[:-1], 2_000_000, txn=5)
    bank.fact(h, JUN, 1_200_000, txn=5)
    cid = client("salary")
    h = bank.holding(cid, casa)
    bank.facts(h, year[:-2], 800_000, txn=5, salary=500_000)
    bank.facts(h, year[-2:], 800_000, txn=5)
    cid = client("dormant")
    h = bank.holding(cid, casa)
    bank.facts(h, year[:-6], 400_000, txn=3)
    bank.facts(h, year[-6:], 400_000)
    cid = plain("closure")
    bank.holding(cid, td, closed=dt.date(2026, 5, 15))
    plain("kyc", kyc_due=dt.date(2026, 1, 1))
    h = bank.holding(plain("maturing"), td, maturity=dt.date(2026, 8, 1))
    bank.facts(h, year, 3_000_000)
    h = bank.holding(plain("loan_ends"), loan, maturity=dt.date(2026, 7, 20))
    bank.facts(h, year, 200_000)
    plain("no_contact")
    with db.engine.begin() as conn:
        conn.execute(
            update(T["interactions"]).values(occurred_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        )
        conn.execute(
            update(T["interactions"])
            .where(T["interactions"].c.client_id != c["no_contact"])
            .values(occurred_at=RECENT)
        )
    return db, c, bank


def _open_flags(db: Database) -> set[tuple[int, str]]:
    f = T["risk_flags"]
    with db.engine.connect() as conn:
        return {
            (r.client_id, r.rule_code)
            for r in conn.execute(
                select(f.c.client_id, f.c.rule_code).where(f.c.status != "closed")
            )
        }


@pytest.mark.smoke
def test_each_rule_fires_on_its_case_and_nowhere_else(db_url: str) -> None:
    db, c, _ = _scenario(db_url)
    score(db.engine, today=TODAY, who=OPERATOR)
    expected = {
        (c["dpd_1"], "DPD_1"),
        (c["dpd_90"], "DPD_90"),
        (c["dpd_90"], "LOAN_ARREARS"),
        (c["overdraft"], "OVERDRAFT"),
        (c["penalty"], "PENALTY_INTEREST"),
        (c["card_use"], "CARD_UTILISATION"),
        (c["balance_drop"], "BALANCE_DROP"),
        (c["salary"], "SALARY_STOPPED"),
        (c["dormant"], "DORMANT"),
        (c["closure"], "CLOSURES"),
        (c["kyc"], "KYC_OVERDUE"),
        (c["maturing"], "TD_MATURING"),
        (c["loan_ends"], "LOAN_MATURING"),
        (c["no_contact"], "NO_CONTACT"),
    }
    assert _open_flags(db) == expected
    rules_hit = {rule for _, rule in expected}
    assert rules_hit | {"DPD_30"} == {r.code for r in RULES}
    f = T["risk_flags"]
    with db.engine.connect() as conn:
        rows = {
            r.rule_code: r
            for r in conn.execute(select(f).where(f.c.client_id.in_([c["card_use"], c["kyc"]])))
        }
    card = rows["CARD_UTILISATION"]
    assert card.evidence_data == {"utilisation": 0.85, "balance": 850_000, "limit": 1_000_000}
    assert "85.0%" in card.evidence and "¥8,500.00" in card.evidence
    assert card.evidence_en.startswith("Utilisation 85.0%")
    kyc = rows["KYC_OVERDUE"]
    assert kyc.severity == "medium" and kyc.evidence_data["days"] == 180
    assert kyc.raised_on == TODAY and kyc.due_on == TODAY + dt.timedelta(days=30)
    db.dispose()


def test_dpd_levels_move_a_flag_from_one_rule_to_the_next(db_url: str) -> None:
    db = open_database(db_url)
    bank = TinyBank(db.engine, AS_OF)
    b = bank.branch()
    cid = bank.client(bank.user("rm1", b), b)
    h = bank.holding(cid, bank.product("CARD", "card", ftp="0.03", rate="0.15"), limit=10**8)
    bank.fact(h, JUN, 100_000, dpd=45)
    bank.contact(cid, RECENT)
    score(db.engine, today=TODAY, who=OPERATOR)
    assert _open_flags(db) == {(cid, "DPD_30")}
    with db.engine.begin() as conn:
        conn.execute(update(T["monthly_facts"]).values(days_past_due=0))
    score(db.engine, today=TODAY, who=OPERATOR)
    assert _open_flags(db) == set()
    db.dispose()


def _flag(db: Database, client_id: int, rule: str) -> tuple[int, int]:
    f = T["risk_flags"]
    with db.engine.connect() as conn:
        row = conn.execute(
            select(f.c.id, f.c.version).where(
                f.c.client_id == client_id, f.c.rule_code == rule, f.c.status != "closed"
            )
        ).one()
    return int(row.id), int(row.version)


def _status(db: Database, flag_id: int) -> str:
    with db.engine.connect() as conn:
        return str(
            conn.execute(
                select(T["risk_flags"].c.status).where(T["risk_flags"].c.id == flag_id)
            ).scalar_one()
        )


def test_the_lifecycle_of_a_flag(db_url: str) -> None:
    db, c, _ = _scenario(db_url)
    score(db.engine, today=TODAY, who=OPERATOR)
    counts = score(db.engine, today=TODAY, who=OPERATOR).counts
    assert counts["flags_raised"] == counts["flags_closed"] == counts["flags_re_raised"] == 0

    kyc, v = _flag(db, c["kyc"], "KYC_OVERDUE")
    v = risk_flags.act(db.engine, kyc, "acknowledge", version=v, who=system("rm1"))
    with pytest.raises(risk_flags.FlagError, match="changed by someone else"):
        risk_flags.act(db.engine, kyc, "resolve", version=v - 1, who=system("rm1"))
    with pytest.raises(risk_flags.FlagError, match="needs a reason"):
        risk_flags.act(db.engine, kyc, "dismiss", reason="  ", who=system("rm1"))
    with pytest.raises(risk_flags.FlagError, match="after today"):
        risk_flags.act(
            db.engine,
            kyc,
            "snooze",
            until=TODAY,
            today=TODAY,
            who=system("rm1"),
        )
    risk_flags.act(
        db.engine,
        kyc,
        "snooze",
        until=dt.date(2026, 7, 10),
        today=TODAY,
        who=system("rm1"),
    )
    score(db.engine, today=dt.date(2026, 7, 10), who=OPERATOR)
    assert _status(db, kyc) == "snoozed"  # not before the day has passed
    score(db.engine, today=dt.date(2026, 7, 11), who=OPERATOR)
    assert _status(db, kyc) == "raised"

    dormant, _ = _flag(db, c["dormant"], "DORMANT")
    risk_flags.act(
        db.engine,
        dormant,
        "dismiss",
        reason="seasonal business",
        today=TODAY,
        who=system("rm1"),
    )
    score(db.engine, today=dt.date(2026, 9, 1), who=OPERATOR)
    assert _status(db, dormant) == "dismissed"  # quiet for 90 days
    score(db.engine, today=dt.date(2026, 10, 1), who=OPERATOR)
    assert _status(db, dormant) == "raised"

    drop, _ = _flag(db, c["balance_drop"], "BALANCE_DROP")
    risk_flags.act(db.engine, drop, "resolve", reason="moved to TD", who=system("rm1"))
    score(db.engine, today=TODAY, who=OPERATOR)
    assert _status(db, drop) == "resolved"  # the same data: nothing new to say

    with db.engine.begin() as conn:  # the client's salary comes back: the condition clears
        conn.execute(
            update(T["monthly_facts"])
            .where(T["monthly_facts"].c.month >= dt.date(2026, 5, 1))
            .values(salary_inflow_minor=500_000)
        )
    salary, _ = _flag(db, c["salary"], "SALARY_STOPPED")
    score(db.engine, today=TODAY, who=OPERATOR)
    assert _status(db, salary) == "closed"
    history = risk_flags.history(db.engine, kyc, who=OPERATOR)
    assert list(history["to_status"]) == ["raised", "acknowledged", "snoozed", "raised"]
    assert history["actor_id"].isna().tolist() == [True, True, True, True]
    assert "after snoozed until 2026-07-10" in history["note"].iloc[-1]
    closed = risk_flags.history(db.engine, salary, who=OPERATOR)
    assert list(closed["to_status"]) == ["raised", "closed"]
    assert closed["note"].iloc[-1] == "condition cleared"
    db.dispose()


def test_a_resolved_flag_comes_back_when_newer_data_still_shows_it(db_url: str) -> None:
    db, c, _ = _scenario(db_url)
    score(db.engine, today=TODAY, who=OPERATOR)
    kyc, _ = _flag(db, c["kyc"], "KYC_OVERDUE")
    risk_flags.act(db.engine, kyc, "resolve", reason="called", who=system("rm1"))
    score(db.engine, as_of=dt.date(2099, 1, 31), today=dt.date(2099, 2, 1), who=OPERATOR)
    assert _status(db, kyc) == "raised"
    db.dispose()


def test_events_are_never_rewritten(db_url: str) -> None:
    db, c, _ = _scenario(db_url)
    score(db.engine, today=TODAY, who=OPERATOR)
    ev = T["risk_flag_events"]
    with db.engine.connect() as conn:
        before = conn.execute(select(ev).order_by(ev.c.id)).all()
    kyc, _ = _flag(db, c["kyc"], "KYC_OVERDUE")
    risk_flags.act(db.engine, kyc, "acknowledge", who=system("rm1"))
    with db.engine.begin() as conn:
        conn.execute(delete(T["interactions"]).where(T["interactions"].c.client_id == c["quiet"]))
    score(db.engine, today=TODAY, who=OPERATOR)
    with db.engine.connect() as conn:
        after = conn.execute(select(ev).order_by(ev.c.id)).all()
    assert after[: len(before)] == before
    assert len(after) > len(before)
    with pytest.raises(risk_flags.FlagError, match="does not exist"):
        risk_flags.act(db.engine, 10**6, "acknowledge", who=system("rm1"))
    with pytest.raises(risk_flags.FlagError, match="cannot be acknowledged"):
        risk_flags.act(db.engine, kyc, "acknowledge", who=system("rm1"))
    db.dispose()
