"""The demo catalogue says who each product is for, grades what carries investment risk, and
gives every product its pitch lines (services/data/catalogue.py, docs/suitability.md)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rmdesk.services.common import product_fields
from rmdesk.services.data import catalogue
from rmdesk.services.data.demo_bank import DemoSpec, generate


def test_every_product_says_who_it_is_for_and_has_a_pitch_in_both_languages() -> None:
    products = catalogue.products_frame().set_index("code")
    assert set(catalogue.WHO_FOR) == set(catalogue.PITCHES) == set(products.index)
    for code, row in products.iterrows():
        for field, check in (
            ("client_kinds", product_fields.client_kinds),
            ("risk_level", product_fields.risk_level),
        ):
            stored = None if pd.isna(row[field]) else row[field]
            assert check(row[field]) == stored, (code, field)
        for field in product_fields.PITCH_FIELDS:
            assert product_fields.pitch(row[field], field) == row[field], (code, field)
            assert 1 <= row[field].count("\n") + 1 <= 3, (code, field)


def test_wealth_and_insurance_are_graded_and_for_individuals() -> None:
    products = catalogue.products_frame().set_index("code")
    risky = products[products["family"].isin(["investment", "insurance"])]
    assert not risky.empty
    assert risky["risk_level"].notna().all()
    assert (risky["client_kinds"] == "individual").all()
    assert products["risk_level"].where(products["family"].isin(["deposit", "loan"])).isna().all()
    for personal in ("PLATINUM", "CREDIT", "MORTGAGE", "CONSUMER"):
        assert products.at[personal, "client_kinds"] == "individual"
        assert "corporate" not in str(products.at[personal, "segments"])
    assert products.at["BIZLOAN", "client_kinds"] == "corporate"


def test_the_demo_banks_clients_hold_only_what_is_for_their_kind() -> None:
    data = generate(DemoSpec(clients=3_000, as_of=dt.date(2026, 10, 31)))
    kinds = data.clients.set_index("external_id")["kind"]
    held = data.holdings.assign(kind=data.holdings["client_external_id"].map(kinds).to_numpy())
    meant = pd.Series({c: k for c, (k, _r) in catalogue.WHO_FOR.items()})
    wrong = held[held["product_code"].map(meant).notna()]
    wrong = wrong[wrong["kind"] != wrong["product_code"].map(meant)]
    assert wrong.empty, wrong.groupby(["product_code", "kind"]).size()
