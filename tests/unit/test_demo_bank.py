"""The demo bank as generated: deterministic and shaped like a real bank (written to each
database: tests/db/test_demo_bank.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from rmdesk.services.common.client_fields import FIELDS, RISK_TOLERANCE
from rmdesk.services.data.demo_bank import DemoSpec, generate

AS_OF = dt.date(2026, 10, 31)


@pytest.fixture(scope="module")
def bank() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    data = generate(DemoSpec(clients=10_000, as_of=AS_OF))
    facts = pd.concat(list(data.stream("facts")), ignore_index=True)
    return data.clients, data.holdings, facts


def test_the_same_seed_makes_the_same_bank() -> None:
    a = generate(DemoSpec(clients=500, as_of=AS_OF))
    b = generate(DemoSpec(clients=500, as_of=AS_OF))
    pd.testing.assert_frame_equal(a.clients, b.clients)
    pd.testing.assert_frame_equal(a.holdings, b.holdings)
    pd.testing.assert_frame_equal(next(a.stream("facts")), next(b.stream("facts")))
    c = generate(DemoSpec(clients=500, as_of=AS_OF, seed=8))
    assert not a.clients["name"].equals(c.clients["name"])


def test_five_branches_thirty_rms_and_a_head_each() -> None:
    users = generate(DemoSpec(clients=100, as_of=AS_OF)).users
    assert users["role"].value_counts().to_dict() == {"rm": 30, "branch_head": 5, "admin": 1}
    assert users["branch_code"].dropna().nunique() == 5


def test_wealth_is_pareto_shaped(bank: tuple[pd.DataFrame, ...]) -> None:
    _, holdings, facts = bank
    last = facts[facts["month"] == facts["month"].max()]
    per_holding = last.set_index("holding_external_id")["avg_balance_minor"]
    deposits = holdings[
        holdings["product_code"].isin(["CASA", "TD3M", "TD12", "TD36", "WMP", "FUND"])
    ]
    per_client = (
        per_holding.reindex(deposits["external_id"])
        .groupby(deposits["client_external_id"].to_numpy())
        .sum()
        .sort_values(ascending=False)
    )
    top = per_client.iloc[: len(per_client) // 5].sum() / per_client.sum()
    assert top > 0.75, f"the top 20% hold only {top:.0%} of deposits"


def test_holdings_go_together(bank: tuple[pd.DataFrame, ...]) -> None:
    _, holdings, _ = bank
    held = pd.crosstab(holdings["client_external_id"], holdings["product_code"]) > 0
    both = held["PAYROLL"] & held["CREDIT"]
    assert held.loc[both, "FUND"].mean() > 3 * held.loc[~both, "FUND"].mean()
    assert held.loc[held["MORTGAGE"], "PROPERTY"].mean() > 0.3


def test_some_clients_deteriorate_and_events_come_up(bank: tuple[pd.DataFrame, ...]) -> None:
    clients, holdings, facts = bank
    last_month = facts["month"].max()
    late = facts[(facts["month"] == last_month) & (facts["days_past_due"] >= 90)]
    assert 20 < late["holding_external_id"].nunique() < 500
    overdue_kyc = (clients["kyc_due"] < pd.Timestamp(AS_OF)).mean()
    assert 0.04 < overdue_kyc < 0.10
    soon = holdings["maturity_on"].between(
        pd.Timestamp(AS_OF), pd.Timestamp(AS_OF) + pd.Timedelta(days=60)
    )
    assert soon.sum() > 300
    salary = facts[facts["salary_inflow_minor"] > 0]
    stopped = set(salary[salary["month"] < last_month]["holding_external_id"]) - set(
        salary[salary["month"] == last_month]["holding_external_id"]
    )
    assert len(stopped) > 20


def test_id_numbers_carry_valid_check_digits(bank: tuple[pd.DataFrame, ...]) -> None:
    clients, _, _ = bank
    people = clients[clients["kind"] == "individual"]["id_number"].head(500)
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for number in people:
        total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
        assert number[17] == "10X98765432"[total % 11]
    birth = people.str.slice(6, 14)
    assert (pd.to_datetime(birth, format="%Y%m%d") < pd.Timestamp(AS_OF)).all()


def test_english_names_on_request() -> None:
    data = generate(DemoSpec(clients=200, as_of=AS_OF, language="en"))
    assert data.clients["name"].str.fullmatch(r"[A-Za-zü ,.\-']+").all()
    assert data.branches["name"].str.endswith("Sub-branch").all()


def test_facts_of_a_month_are_consistent(bank: tuple[pd.DataFrame, ...]) -> None:
    _, _, facts = bank
    assert (facts["txn_count"] >= 0).all() and (facts["days_past_due"] >= 0).all()
    assert set(np.unique(facts["month"].dt.day)) == {1}
    assert facts["month"].nunique() == 24
    assert not facts.duplicated(["holding_external_id", "month"]).any()


def _fields(bank: tuple[pd.DataFrame, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Individuals' declared fields, with their segment, age, status and holdings."""
    clients, holdings, _ = bank
    ind = clients[clients["kind"] == "individual"].reset_index(drop=True)
    fields = pd.DataFrame(list(ind["attributes"])).drop(columns=["deteriorating_demo"])
    fields["segment"] = ind["segment"]
    fields["status"] = ind["status"]
    fields["age"] = (pd.Timestamp(AS_OF) - ind["birth_date"]).dt.days / 365.25
    held = pd.crosstab(holdings["client_external_id"], holdings["product_code"]) > 0
    held = held.reindex(ind["external_id"], fill_value=False).reset_index(drop=True)
    return fields, held


def test_individuals_carry_every_declared_field_with_valid_values(
    bank: tuple[pd.DataFrame, ...],
) -> None:
    clients = bank[0]
    companies = clients.loc[clients["kind"] == "corporate", "attributes"]
    assert all(set(a) <= {"deteriorating_demo"} for a in companies)
    sizes = [a["household_size"] for a in clients["attributes"] if "household_size" in a]
    assert {type(v) for v in sizes} == {int}  # stored as JSON numbers, not numpy's
    fields, _ = _fields(bank)
    for f in FIELDS.values():
        if f.name == "credit_in_default":
            continue  # the demo has its own arrears in the facts
        values = fields[f.name].dropna()
        assert len(values) > 0.8 * len(fields), f.name
        if f.kind == "choice":
            assert set(values) <= set(f.codes), f.name
        elif f.kind == "integer":
            assert values.between(f.minimum, f.maximum).all(), f.name
    assessed = fields.dropna(subset=["risk_tolerance"])
    on = pd.to_datetime(assessed["risk_assessed_on"])
    until = pd.to_datetime(assessed["risk_assessment_expires"])
    assert ((until - on).dt.days.isin([365, 366])).all()  # an assessment lasts a year


def test_risk_grades_are_missing_or_expired_as_in_a_real_book(
    bank: tuple[pd.DataFrame, ...],
) -> None:
    fields, _ = _fields(bank)
    active = fields[fields["status"] == "active"]
    missing = active["risk_tolerance"].isna().mean()
    expired = (pd.to_datetime(active["risk_assessment_expires"]) < pd.Timestamp(AS_OF)).mean()
    assert 0.10 < missing < 0.20 and 0.15 < expired < 0.25, (missing, expired)
    assert fields.loc[fields["status"] == "dormant", "risk_tolerance"].isna().all()


def test_fields_go_with_holdings_age_and_segment_but_not_perfectly(
    bank: tuple[pd.DataFrame, ...],
) -> None:
    fields, held = _fields(bank)
    grade = fields["risk_tolerance"].map({c: i for i, c in enumerate(RISK_TOLERANCE)})
    fund = held["FUND"]
    assert grade[fund].mean() > grade[~fund].mean() + 0.8  # fund holders take more risk
    assert grade[fund].nunique() >= 4  # ... yet not all of them are bold
    band = fields["income_band"].map({c: i for i, c in enumerate(FIELDS["income_band"].codes)})
    by_segment = band.groupby(fields["segment"]).mean()
    assert by_segment["mass"] < by_segment["affluent"] < by_segment["private"]
    retired = fields["occupation"] == "retired"
    assert retired[fields["age"] >= 62].mean() > 0.8 and not retired[fields["age"] < 48].any()
    assert (fields.loc[held["PAYROLL"], "occupation"] != "retired").all()
    single = fields["marital_status"] == "single"
    assert (
        fields.loc[single, "household_size"].mean() < fields.loc[~single, "household_size"].mean()
    )
