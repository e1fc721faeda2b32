"""The eligibility and suitability rule, branch by branch (services/engine/suitability.py,
docs/suitability.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from rmdesk.services.engine import suitability as s

TODAY = dt.date(2026, 6, 15)


def _product(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "code": "P",
        "family": "investment",
        "client_kinds": None,
        "risk_level": None,
        "min_age": None,
        "max_age": None,
        "segments": None,
    }
    return base | kw


def _client(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "client_id": 1,
        "kind": "individual",
        "age": 40.0,
        "segment": "mass",
        "attributes": {},
    }
    return base | kw


def _one(product: dict[str, Any], client: dict[str, Any]) -> pd.Series:
    out = s.gate(pd.DataFrame([product]), pd.DataFrame([client]), TODAY)
    assert len(out) == 1
    return out.iloc[0]


def _assessed(grade: str | None, expires: str | None = None, on: str | None = None) -> dict:
    attrs: dict[str, str] = {}
    if grade is not None:
        attrs["risk_tolerance"] = grade
    if expires is not None:
        attrs["risk_assessment_expires"] = expires
    if on is not None:
        attrs["risk_assessed_on"] = on
    return attrs


def test_a_plain_product_is_for_everyone() -> None:
    for kind in ("individual", "corporate"):
        row = _one(_product(), _client(kind=kind))
        assert row.outcome == "eligible"
        assert pd.isna(row.why) and pd.isna(row.reason_zh) and pd.isna(row.reason_en)


@pytest.mark.parametrize(
    ("kinds", "kind", "outcome"),
    [
        ("individual", "individual", "eligible"),
        ("individual", "corporate", "ineligible"),
        ("corporate", "corporate", "eligible"),
        ("corporate", "individual", "ineligible"),
        (None, "corporate", "eligible"),
        ("", "individual", "eligible"),
    ],
)
def test_a_product_for_one_kind_of_client_is_for_that_kind_only(
    kinds: str | None, kind: str, outcome: str
) -> None:
    row = _one(_product(client_kinds=kinds), _client(kind=kind))
    assert row.outcome == outcome
    assert (row.why == "kind") == (outcome == "ineligible")


@pytest.mark.parametrize(
    ("age", "outcome"),
    [(17.99, "ineligible"), (18.0, "eligible"), (65.0, "eligible"), (65.01, "ineligible")],
)
def test_age_limits_are_inclusive(age: float, outcome: str) -> None:
    row = _one(_product(min_age=18, max_age=65), _client(age=age))
    assert row.outcome == outcome
    if outcome == "ineligible":
        assert row.why == "age"


def test_an_unknown_age_fails_a_product_with_a_limit_and_passes_one_without() -> None:
    for limit in ({"min_age": 18}, {"max_age": 70}):
        assert _one(_product(**limit), _client(age=np.nan)).why == "age"
    assert _one(_product(), _client(age=np.nan)).outcome == "eligible"
    # pandas' own missing values from an Int64 column count as no limit
    assert _one(_product(min_age=pd.NA, max_age=pd.NA), _client(age=np.nan)).outcome == "eligible"


def test_a_company_has_no_age_here() -> None:
    assert _one(_product(min_age=18, max_age=65), _client(kind="corporate", age=3.0)).outcome == (
        "eligible"
    )


def test_segments_limit_the_product_to_the_listed_ones() -> None:
    product = _product(segments="affluent, private")
    assert _one(product, _client(segment="private")).outcome == "eligible"
    assert _one(product, _client(segment="mass")).why == "segment"
    assert _one(product, _client(segment=None)).why == "segment"
    assert _one(_product(segments=" "), _client(segment="mass")).outcome == "eligible"


@pytest.mark.parametrize(
    ("grade", "level", "outcome"),
    [
        ("C1", "R1", "eligible"),
        ("C3", "R3", "eligible"),
        ("C5", "R5", "eligible"),
        ("C4", "R2", "eligible"),
        ("C2", "R3", "ineligible"),
        ("C4", "R5", "ineligible"),
    ],
)
def test_a_valid_assessment_of_ck_buys_up_to_rk(grade: str, level: str, outcome: str) -> None:
    row = _one(_product(risk_level=level), _client(attributes=_assessed(grade, "2027-01-01")))
    assert row.outcome == outcome
    assert (row.why == "unsuitable") == (outcome == "ineligible")
    assert pd.isna(row.reason_zh)  # nothing to tell the RM: the product is never shown


def test_an_assessment_expiring_today_still_counts_and_the_day_after_it_does_not() -> None:
    product = _product(risk_level="R2")
    today = _one(product, _client(attributes=_assessed("C3", TODAY.isoformat())))
    assert today.outcome == "eligible"
    row = _one(product, _client(attributes=_assessed("C3", "2026-06-14")))
    assert (row.outcome, row.why) == ("renew_assessment", "expired")
    assert row.reason_zh == "风险评估已于2026-06-14到期，需先重新评估"
    assert row.reason_en == "risk assessment expired on 2026-06-14: renew it first"


def test_an_expired_assessment_below_the_grade_is_renewed_not_refused() -> None:
    """A new assessment may grade the client higher; only a valid one can refuse."""
    row = _one(_product(risk_level="R5"), _client(attributes=_assessed("C1", "2026-03-01")))
    assert (row.outcome, row.why) == ("renew_assessment", "expired")
    assert "2026-03-01" in row.reason_zh


@pytest.mark.parametrize(
    "attributes",
    [
        {},
        None,
        _assessed(None, "2027-01-01"),  # dates but no grade
        _assessed("C3"),  # a grade with neither date
        _assessed("C9", "2027-01-01"),  # not a grade
        _assessed("C3", "someday"),  # not a date
    ],
)
def test_no_valid_assessment_on_file_asks_for_one(attributes: Any) -> None:
    row = _one(_product(risk_level="R1"), _client(attributes=attributes))
    assert (row.outcome, row.why) == ("renew_assessment", "no_assessment")
    assert row.reason_zh == s.NO_ASSESSMENT_ZH and row.reason_en == s.NO_ASSESSMENT_EN


def test_an_assessment_with_only_its_date_lasts_a_year_to_the_day() -> None:
    product = _product(risk_level="R3")
    last = _one(product, _client(attributes=_assessed("C3", on="2025-06-15")))
    assert last.outcome == "eligible"
    row = _one(product, _client(attributes=_assessed("C3", on="2025-06-14")))
    assert (row.outcome, row.why) == ("renew_assessment", "expired")
    assert "2026-06-14" in row.reason_en
    # a stated expiry wins over the date of the assessment
    stated = _assessed("C3", expires="2026-12-31", on="2020-01-01")
    assert _one(product, _client(attributes=stated)).outcome == "eligible"


def test_a_product_with_no_risk_grade_needs_no_assessment() -> None:
    assert _one(_product(risk_level=None), _client(attributes={})).outcome == "eligible"


def test_companies_are_not_graded() -> None:
    row = _one(_product(risk_level="R4"), _client(kind="corporate", attributes={}))
    assert row.outcome == "eligible"


def test_the_first_failed_check_is_the_reason_and_ineligible_beats_renewal() -> None:
    product = _product(client_kinds="individual", segments="private", risk_level="R2")
    assert _one(product, _client(kind="corporate", segment="mass")).why == "kind"
    assert _one(product, _client(segment="mass", attributes={})).why == "segment"
    young = _one(_product(min_age=18, risk_level="R2"), _client(age=16.0, attributes={}))
    assert (young.outcome, young.why) == ("ineligible", "age")


def test_pre_extracted_columns_read_like_the_attributes() -> None:
    clients = pd.DataFrame(
        {
            "client_id": [1, 2, 3],
            "kind": "individual",
            "age": 40.0,
            "segment": "mass",
            "risk_tolerance": ["C3", "C3", None],
            "risk_assessment_expires": [dt.date(2026, 6, 15), "2026-06-01", None],
        }
    )
    out = s.gate(pd.DataFrame([_product(risk_level="R3")]), clients, TODAY)
    assert list(out["outcome"]) == ["eligible", "renew_assessment", "renew_assessment"]
    assert list(out["why"].astype(object).fillna("")) == ["", "expired", "no_assessment"]


def test_attributes_read_as_json_text_count_too() -> None:
    text = '{"risk_tolerance": "C2", "risk_assessment_expires": "2026-12-31"}'
    assert _one(_product(risk_level="R2"), _client(attributes=text)).outcome == "eligible"
    assert _one(_product(risk_level="R2"), _client(attributes="not json")).why == "no_assessment"


def test_the_gate_covers_every_pair_in_product_then_client_order() -> None:
    products = pd.DataFrame(
        [_product(code="CARD", client_kinds="individual"), _product(code="WMP", risk_level="R2")]
    )
    clients = pd.DataFrame(
        [
            _client(client_id=7, attributes=_assessed("C2", "2026-01-31")),
            _client(client_id=9, kind="corporate"),
        ]
    )
    out = s.gate(products, clients, TODAY)
    assert list(out.columns) == s.GATE_COLUMNS
    assert list(zip(out["code"], out["client_id"], out["outcome"], strict=True)) == [
        ("CARD", 7, "eligible"),
        ("CARD", 9, "ineligible"),
        ("WMP", 7, "renew_assessment"),
        ("WMP", 9, "eligible"),
    ]
    for column in ("code", "outcome", "why", "reason_zh", "reason_en"):
        assert isinstance(out[column].dtype, pd.CategoricalDtype)
    assert out["reason_en"].isna().tolist() == [True, True, False, True]
    assert set(out["why"].cat.categories) <= set(s.WHY)


def test_no_products_or_no_clients_make_an_empty_gate() -> None:
    clients = pd.DataFrame([_client()])
    assert s.gate(pd.DataFrame([_product()]).iloc[0:0], clients, TODAY).empty
    assert s.gate(pd.DataFrame([_product()]), clients.iloc[0:0], TODAY).empty


def test_the_per_product_check_gives_arrays_for_a_loop() -> None:
    clients = pd.DataFrame(
        [_client(client_id=1, attributes=_assessed("C4", "2027-01-01")), _client(client_id=2)]
    )
    prepared = s.prepare(clients, TODAY)
    verdict = s.check(_product(risk_level="R3"), prepared)
    assert verdict.eligible.tolist() == [True, False]
    assert verdict.renew.tolist() == [False, True]
    assert prepared.reason_zh.tolist() == [None, s.NO_ASSESSMENT_ZH]
