"""Each risk rule alone, on a few hand-made rows of facts: it flags what it should and nothing
else, and its evidence names the numbers in Chinese and English. And the registry itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from rmdesk.services.common.parameters import DEFAULTS, Parameters
from rmdesk.services.engine import risk_rules
from rmdesk.services.engine.risk_rules import BY_CODE, RULES, Inputs

AS_OF = dt.date(2026, 10, 31)
MONTH = dt.date(2026, 10, 1)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "risk-flags.md"


def holding(holding_id: int, client_id: int = 1, **facts: Any) -> dict[str, Any]:
    """One holding with quiet figures (nothing any rule flags), ``facts`` changed."""
    row: dict[str, Any] = {
        "holding_id": holding_id,
        "client_id": client_id,
        "code": "CUR",
        "family": "deposit",
        "opened_on": dt.date(2020, 1, 1),
        "closed_on": None,
        "maturity_on": None,
        "limit_minor": 0,
        "last_month": MONTH,
        "bal_last": 500_000,
        "bal_prior3": 1_500_000,
        "dpd_last": 0,
        "arrears_months": 0,
        "overdraft_months": 0,
        "penalty_recent": 0,
        "salary_recent": 0,
        "salary_months": 0,
        "txn_recent": 5,
        "txn_before": 5,
    }
    return row | facts


def client(client_id: int = 1, **facts: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "client_id": client_id,
        "kyc_due": dt.date(2027, 6, 1),
        "tier": "B",
        "onboarded_on": dt.date(2020, 1, 1),
        "last_contact": dt.date(2026, 10, 1),
        "currency": "CNY",
    }
    return row | facts


def run(
    code: str,
    holdings: list[dict[str, Any]],
    clients: list[dict[str, Any]] | None = None,
    params: Parameters = DEFAULTS,
) -> pd.DataFrame:
    """The conditions of rule ``code`` alone."""
    ids = sorted({h["client_id"] for h in holdings} | {c["client_id"] for c in clients or []})
    given = {c["client_id"]: c for c in clients or []}
    frame = pd.DataFrame([given.get(i, client(i)) for i in ids])
    inputs = Inputs(AS_OF, pd.DataFrame(holdings), frame, params)
    return BY_CODE[code].evaluate(inputs)


def hits(found: pd.DataFrame) -> set[tuple[int, int]]:
    return set(zip(found["client_id"], found["holding_id"], strict=True))


def only(found: pd.DataFrame) -> dict[str, Any]:
    assert len(found) == 1, found
    return dict(found.iloc[0])


def test_dpd_bands_split_the_days_past_due_by_dpd_levels() -> None:
    rows = [
        holding(1, family="loan", dpd_last=0),
        holding(2, family="loan", dpd_last=1),
        holding(3, family="card", dpd_last=29),
        holding(4, family="card", dpd_last=30),
        holding(5, family="loan", dpd_last=89),
        holding(6, family="loan", dpd_last=90),
        holding(7, family="deposit", dpd_last=95),  # not credit
        holding(8, family="loan", dpd_last=40, closed_on=dt.date(2026, 9, 1)),  # closed
        holding(9, family="loan", dpd_last=40, last_month=dt.date(2026, 9, 1)),  # stale
    ]
    assert hits(run("DPD_1", rows)) == {(1, 2), (1, 3)}
    assert hits(run("DPD_30", rows)) == {(1, 4), (1, 5)}
    assert hits(run("DPD_90", rows)) == {(1, 6)}
    moved = dataclasses.replace(DEFAULTS, dpd_levels=(5, 30, 60))
    assert hits(run("DPD_1", rows, params=moved)) == {(1, 3)}
    assert hits(run("DPD_90", rows, params=moved)) == {(1, 5), (1, 6)}
    high = only(run("DPD_90", [holding(6, family="loan", dpd_last=93)]))
    assert high["severity"] == "high" and high["data"] == {"days": 93}
    assert "逾期 93 天" in high["zh"] and "不良" in high["zh"]
    assert high["en"] == "93 days past due this month: non-performing."
    assert only(run("DPD_30", [holding(4, family="card", dpd_last=31)]))["en"] == (
        "31 days past due this month."
    )


def test_loan_arrears() -> None:
    rows = [
        holding(1, family="loan", arrears_months=2),
        holding(2, family="loan", arrears_months=1),
        holding(3, family="card", arrears_months=3),  # loans only
    ]
    found = only(run("LOAN_ARREARS", rows))
    assert (found["holding_id"], found["severity"], found["data"]) == (1, "high", {"months": 2})
    assert "2 个月逾期" in found["zh"] and found["en"] == "In arrears in 2 of the last 3 months."


def test_overdraft() -> None:
    rows = [holding(1, overdraft_months=4), holding(2, overdraft_months=2)]
    found = only(run("OVERDRAFT", rows))
    assert (found["holding_id"], found["severity"]) == (1, "medium")
    assert "4 个月透支" in found["zh"] and found["en"] == "Overdrawn in 4 of the last 6 months."


def test_penalty_interest_names_the_amount_in_the_clients_currency() -> None:
    rows = [
        holding(1, family="loan", penalty_recent=12_345),
        holding(2, family="loan", penalty_recent=0),
        holding(3, family="loan", penalty_recent=1_621),  # ¥16.21: a late day, not a risk
    ]
    found = only(run("PENALTY_INTEREST", rows))
    assert found["holding_id"] == 1
    assert "123.45" in found["zh"] and "123.45" in found["en"]
    czk = only(run("PENALTY_INTEREST", rows, [client(1, currency="CZK")]))
    assert "CZK" in czk["en"] and "CN¥" not in czk["en"]


def test_card_utilisation() -> None:
    rows = [
        holding(1, family="card", bal_last=850_000, limit_minor=1_000_000),
        holding(2, family="card", bal_last=790_000, limit_minor=1_000_000),
        holding(3, family="card", bal_last=900_000, limit_minor=0),  # no limit known
    ]
    found = only(run("CARD_UTILISATION", rows))
    assert found["holding_id"] == 1
    assert found["data"] == {"utilisation": 0.85, "balance": 850_000, "limit": 1_000_000}
    assert found["en"] == "Utilisation 85.0% (CN¥8,500.00 drawn of CN¥10,000.00)."
    assert "85.0%" in found["zh"] and "8,500.00" in found["zh"] and "10,000.00" in found["zh"]


def test_balance_drop_is_per_client_across_deposits_and_investments() -> None:
    rows = [
        # client 1: 3,000,000 a month before, 1,800,000 now: down 40 %
        holding(1, 1, bal_last=1_000_000, bal_prior3=6_000_000),
        holding(2, 1, family="investment", bal_last=800_000, bal_prior3=3_000_000),
        holding(3, 1, family="loan", bal_last=0, bal_prior3=90_000_000),  # not funds
        # client 2: down 20 %
        holding(4, 2, bal_last=800_000, bal_prior3=3_000_000),
        # client 3: down 50 %, but too small to count
        holding(5, 3, bal_last=200_000, bal_prior3=1_200_000),
    ]
    found = only(run("BALANCE_DROP", rows))
    assert (found["client_id"], found["holding_id"]) == (1, 0)
    assert found["data"] == {"last": 1_800_000, "prior_average": 3_000_000, "drop": 0.4}
    assert "18,000.00" in found["zh"] and "30,000.00" in found["zh"] and "40.0%" in found["zh"]
    assert "18,000.00" in found["en"] and "40.0%" in found["en"] and "30,000.00" in found["en"]


def test_salary_stopped() -> None:
    rows = [
        holding(1, 1, salary_months=4, salary_recent=0),
        holding(2, 2, salary_months=4, salary_recent=1),  # still arrives
        holding(3, 3, salary_months=2, salary_recent=0),  # never regular
    ]
    found = only(run("SALARY_STOPPED", rows))
    assert (found["client_id"], found["severity"], found["data"]) == (1, "high", {"months": 4})
    assert "连续 4 个月" in found["zh"] and "for 4 months in a row" in found["en"]


def test_dormant() -> None:
    rows = [
        holding(1, 1, txn_recent=0, txn_before=7),
        holding(2, 1, txn_recent=0, txn_before=2),
        holding(3, 2, txn_recent=0, txn_before=5),
        holding(4, 2, txn_recent=1, txn_before=0),  # one holding still used
        holding(5, 3, txn_recent=0, txn_before=0),  # never used: not dormant
    ]
    found = only(run("DORMANT", rows))
    assert (found["client_id"], found["data"]) == (1, {"before": 9})
    assert "9 笔" in found["zh"] and found["en"].endswith("(9 in the 6 before).")


def test_closures_escalate_at_two() -> None:
    rows = [
        holding(1, 1, code="TD1Y", closed_on=dt.date(2026, 10, 5)),
        holding(2, 1, code="CUR", closed_on=dt.date(2026, 9, 1)),
        holding(3, 2, code="CUR", closed_on=dt.date(2026, 10, 20)),
        holding(4, 3, code="CUR", closed_on=dt.date(2026, 7, 1)),  # more than 90 days back
        holding(5, 4, code="CUR", closed_on=dt.date(2026, 11, 5)),  # after the data date
    ]
    found = run("CLOSURES", rows).set_index("client_id")
    assert set(found.index) == {1, 2}
    assert (found.loc[1, "severity"], found.loc[2, "severity"]) == ("medium", "low")
    assert found.loc[1, "data"] == {"count": 2, "codes": "CUR,TD1Y"}
    assert "2 个" in found.loc[1, "zh"] and "CUR,TD1Y" in found.loc[1, "zh"]
    assert found.loc[1, "en"] == "2 account(s) closed recently (CUR,TD1Y)."


def test_kyc_overdue_escalates_after_a_year() -> None:
    clients = [
        client(1, kyc_due=dt.date(2026, 10, 1)),
        client(2, kyc_due=dt.date(2025, 9, 1)),
        client(3, kyc_due=dt.date(2026, 10, 31)),  # due today: not yet late
        client(4, kyc_due=None),
    ]
    found = run("KYC_OVERDUE", [], clients).set_index("client_id")
    assert set(found.index) == {1, 2}
    assert (found.loc[1, "severity"], found.loc[2, "severity"]) == ("medium", "high")
    assert found.loc[1, "data"] == {"due": "2026-10-01", "days": 30}
    assert "2026-10-01" in found.loc[1, "zh"] and "30 天" in found.loc[1, "zh"]
    assert found.loc[1, "en"] == "KYC review was due on 2026-10-01: 30 days overdue."


def test_maturities_per_holding_within_the_window() -> None:
    rows = [
        holding(1, family="deposit", maturity_on=dt.date(2026, 12, 1), bal_last=5_000_000),
        holding(2, family="deposit", maturity_on=dt.date(2027, 3, 1)),  # beyond 60 days
        holding(3, family="loan", maturity_on=dt.date(2026, 11, 10), bal_last=200_000),
        holding(4, family="deposit", maturity_on=dt.date(2026, 10, 30)),  # already past
    ]
    td = only(run("TD_MATURING", rows))
    assert td["holding_id"] == 1
    assert td["data"] == {"on": "2026-12-01", "days": 31, "amount": 5_000_000}
    assert td["en"] == "Term deposit of CN¥50,000.00 matures on 2026-12-01 (in 31 days)."
    assert "50,000.00" in td["zh"] and "2026-12-01" in td["zh"] and "31 天" in td["zh"]
    loan = only(run("LOAN_MATURING", rows))
    assert loan["holding_id"] == 3 and "10 天后" in loan["zh"] and "2,000.00" in loan["en"]


def test_no_contact_by_the_tiers_cadence() -> None:
    clients = [
        client(1, tier="A", last_contact=dt.date(2026, 9, 1)),  # 60 days: 30 overdue
        client(2, tier="A", last_contact=dt.date(2026, 10, 10)),  # within 30 days
        client(3, tier="D", last_contact=None, onboarded_on=dt.date(2024, 1, 1)),
        client(4, tier="B", last_contact=dt.date(2026, 5, 1)),  # 183 days: 93 overdue
        # 40 days: 10 overdue, within the grace of half the cadence (15 days): the planner
        # has the contact, the flag waits
        client(5, tier="A", last_contact=dt.date(2026, 9, 21)),
    ]
    found = run("NO_CONTACT", [], clients).set_index("client_id")
    assert set(found.index) == {1, 3, 4}
    assert found.loc[1, "data"] == {"last": "2026-09-01", "cadence": 30, "overdue": 30, "tier": "A"}
    assert found.loc[1, "severity"] == "low"
    # past twice the cadence: medium for a top-tier client, still low for the others (the
    # planner plans their contact; the flag does not make it an emergency)
    assert (found.loc[3, "severity"], found.loc[4, "severity"]) == ("low", "low")
    late_a = run("NO_CONTACT", [], [client(6, tier="A", last_contact=dt.date(2026, 7, 1))])
    assert only(late_a)["severity"] == "medium"
    assert found.loc[1, "en"] == (
        "Last contact 2026-09-01; tier A clients are contacted every 30 days: 30 days overdue."
    )
    assert "2026-09-01" in found.loc[1, "zh"] and "每 30 天" in found.loc[1, "zh"]
    assert found.loc[3, "en"].startswith("Never contacted") and "从未联系" in found.loc[3, "zh"]


def test_quiet_facts_raise_nothing() -> None:
    inputs = Inputs(AS_OF, pd.DataFrame([holding(1)]), pd.DataFrame([client(1)]), DEFAULTS)
    for rule in RULES:
        assert rule.evaluate(inputs).empty, rule.code
    assert risk_rules.evaluate(inputs).columns.tolist() == risk_rules.CONDITION_COLUMNS


def test_the_registry_evaluates_every_rule_in_its_order() -> None:
    rows = [
        holding(1, 1, family="loan", dpd_last=95, arrears_months=3),
        holding(2, 2, overdraft_months=5),
    ]
    clients = [client(1), client(2, kyc_due=dt.date(2026, 1, 1))]
    inputs = Inputs(AS_OF, pd.DataFrame(rows), pd.DataFrame(clients), DEFAULTS)
    found = risk_rules.evaluate(inputs)
    assert found["rule_code"].tolist() == ["DPD_90", "LOAN_ARREARS", "OVERDRAFT", "KYC_OVERDUE"]
    one_by_one = pd.concat([r.evaluate(inputs) for r in RULES if r.evaluate(inputs).size])
    assert found.to_dict("records") == one_by_one.to_dict("records")


def test_each_rule_is_complete_and_reads_real_parameters() -> None:
    assert len(BY_CODE) == len(RULES)  # codes are unique
    names = {f.name for f in dataclasses.fields(Parameters)}
    for rule in RULES:
        assert rule.category in risk_rules.CATEGORIES and rule.severity in risk_rules.SEVERITIES
        assert rule.per in ("holding", "client") and rule.name_zh and rule.name_en
        for p in rule.parameters:
            assert p.reads in names, (rule.code, p.reads)
            assert p.default == p.value(DEFAULTS) and p.default is not None
    assert {r.code for r in RULES[:7]} == risk_rules.CREDIT_RULES
    assert BY_CODE["DPD_30"].parameters[0].default == 30


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_holding_rules_name_the_holding_and_client_rules_do_not(rule: risk_rules.Rule) -> None:
    rows = [
        holding(
            7,
            family="deposit" if rule.code in ("TD_MATURING", "BALANCE_DROP") else "loan",
            dpd_last={"DPD_1": 3, "DPD_30": 40, "DPD_90": 120}.get(rule.code, 0),
            arrears_months=3,
            overdraft_months=6,
            penalty_recent=20_000,
            maturity_on=dt.date(2026, 11, 15),
            closed_on=dt.date(2026, 10, 15) if rule.code == "CLOSURES" else None,
            salary_months=5,
            txn_recent=0,
            bal_last=0,
            bal_prior3=9_000_000,
        ),
    ]
    if rule.code == "CARD_UTILISATION":
        rows = [holding(7, family="card", bal_last=95, limit_minor=100)]
    clients = [client(1, kyc_due=dt.date(2026, 1, 1), last_contact=dt.date(2025, 1, 1))]
    found = only(run(rule.code, rows, clients))
    assert found["holding_id"] == (7 if rule.per == "holding" else 0)
    assert found["zh"] and found["en"] and found["zh"] != found["en"]


def test_the_docs_list_the_registry() -> None:
    """docs/risk-flags.md carries the table ``catalogue_table`` makes from the registry."""
    table = risk_rules.catalogue_table()
    assert table in DOCS.read_text(encoding="utf-8")
    assert all(f"| `{r.code}` |" in table for r in RULES)
    assert "`balance_drop_min_minor` = 1,000,000" in table
