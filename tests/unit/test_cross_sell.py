"""Cross-sell: association rules with known numbers, eligibility, thresholds and reasons."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from rmdesk.services.common import parameters
from rmdesk.services.engine.cross_sell import (
    Model,
    best_rules,
    mine_rules,
    suggest,
)
from rmdesk.services.engine.reasons import describe

TODAY = dt.date(2026, 11, 2)
LOOSE = parameters.from_dict({"rule_min_lift": 1.0, "rule_min_confidence": 0.5})


def _matrix() -> pd.DataFrame:
    """Ten clients: 1–4 hold A, B and C; 5–6 A and B; 7–8 C; 9–10 A."""
    held = {
        1: "ABC",
        2: "ABC",
        3: "ABC",
        4: "ABC",
        5: "AB",
        6: "AB",
        7: "C",
        8: "C",
        9: "A",
        10: "A",
    }
    rows = [(c, p) for c, items in held.items() for p in items]
    frame = pd.DataFrame(rows, columns=["client_id", "code"])
    return pd.crosstab(frame["client_id"], frame["code"]).astype(bool)


def test_rules_carry_support_confidence_and_lift() -> None:
    rules = mine_rules(_matrix(), LOOSE)
    ab_c = rules[(rules["consequent"] == "C") & (rules["antecedents"] == ("A", "B"))].iloc[0]
    # support(ABC) = 4/10; confidence = 4/6; lift = (4/6) / (6/10)
    assert ab_c["support"] == pytest.approx(0.4)
    assert ab_c["confidence"] == pytest.approx(4 / 6)
    assert ab_c["lift"] == pytest.approx((4 / 6) / 0.6)
    assert ab_c["count"] == 4
    strict = mine_rules(_matrix(), parameters.from_dict({"rule_min_lift": 1.2}))
    assert not ((strict["consequent"] == "C") & (strict["antecedents"] == ("A", "B"))).any()


def test_the_best_rule_applies_only_to_clients_without_the_product() -> None:
    matrix = _matrix()
    best = best_rules(matrix, mine_rules(matrix, LOOSE)).set_index(["client_id", "consequent"])
    assert (5, "C") in best.index and (6, "C") in best.index
    assert (1, "C") not in best.index  # already holds it
    assert best.loc[(5, "C"), "antecedents"] == ("A", "B")


def _products() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product_id": [1, 2, 3, 4],
            "code": ["A", "B", "C", "LOAN"],
            "name_zh": ["甲产品", "乙产品", "丙产品", "贷款"],
            "name_en": ["Alpha", "Beta", "Gamma", "Loan"],
            "family": ["deposit", "service", "investment", "loan"],
            "min_age": [None, None, 18, 18],
            "max_age": [None, None, None, 60],
            "segments": [None, None, "affluent,private", None],
            "active": [True, True, True, True],
        }
    )


def _clients(**changes: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {
        "client_id": [5, 6, 9],
        "age": [40.0, 40.0, 40.0],
        "segment": ["affluent", "affluent", "affluent"],
        "kind": ["individual"] * 3,
        "kyc_ok": [True, True, True],
        "tier": ["C", "C", "C"],
        "currency": ["CNY"] * 3,
    }
    base.update(changes)
    return pd.DataFrame(base).set_index("client_id", drop=False)


def _model(matrix: pd.DataFrame, likelihood: dict[str, float] | None = None) -> Model:
    """Rules mined from ``matrix``; every client's likelihood of each product as given (by
    default twice the product's take-up rate)."""
    rules = mine_rules(matrix, LOOSE)
    rate = pd.Series({"A": 0.2, "B": 0.1, "C": 0.1, "LOAN": 0.05})
    given = likelihood or {c: 2 * r for c, r in rate.items()}
    prop = pd.DataFrame({c: [given[c]] * len(matrix) for c in rate.index}, index=matrix.index)
    peers = pd.DataFrame({c: [0.3] for c in rate.index}, index=["affluent"])
    return Model(
        matrix,
        rules,
        best_rules(matrix, rules),
        prop,
        {},
        pd.Series({"A": 10_000.0, "B": 5_000.0, "C": 100_000.0, "LOAN": 200_000.0}),
        rate,
        peer_share=peers,
    )


def test_suggestions_rank_by_expected_value_and_explain_themselves() -> None:
    matrix = _matrix()
    model = _model(matrix, {"A": 0.4, "B": 0.2, "C": 0.5, "LOAN": 0.1})
    out = suggest(model, _products(), _clients(), set(), pd.DataFrame(), LOOSE, TODAY)
    out["reason_zh"], out["reason_en"] = describe(out, _products(), {5: "CNY"})
    five = out[out["client_id"] == 5].set_index("product_id")
    # C: expected value = likelihood × the typical contribution: 0.5 × 100,000
    assert five.loc[3, "likelihood"] == pytest.approx(0.5)
    assert five.loc[3, "expected_value_minor"] == 50_000
    assert five.loc[4, "expected_value_minor"] == 20_000
    assert list(five.sort_values("rank").index) == [3, 4]
    ev = five.loc[3, "evidence_data"]
    assert ev["lift"] == pytest.approx(5.0) and ev["rate"] == pytest.approx(0.1)
    assert ev["peers"] == {"segment": "affluent", "share": 0.3}
    # the reason is what a banker says, not the model's statistics
    assert five.loc[3, "reason_zh"] == "富裕客户中30%持有丙产品；按产品普及度推荐。"
    assert five.loc[3, "reason_en"] == (
        "30% of affluent clients hold Gamma; suggested from how widely it is held."
    )
    assert "可能性" not in five.loc[3, "reason_zh"] and "likelihood" not in five.loc[3, "reason_en"]


def test_a_batch_whose_every_candidate_cooled_off_gets_nothing_not_an_error() -> None:
    """A campaign that called every client of a batch (and was declined) leaves nothing to
    suggest there: an empty list, as the run's other batches go on."""
    model = _model(_matrix(), {"A": 0.4, "B": 0.2, "C": 0.5, "LOAN": 0.1})
    assert len(suggest(model, _products(), _clients(), set(), pd.DataFrame(), LOOSE, TODAY))
    cooled = pd.MultiIndex.from_product(
        [_clients()["client_id"], _products()["product_id"]], names=["client_id", "product_id"]
    ).to_frame(index=False)
    out = suggest(model, _products(), _clients(), set(), cooled, LOOSE, TODAY)
    assert out.empty


def test_a_rule_is_quoted_when_the_likelihood_comes_from_co_occurrence() -> None:
    matrix = _matrix()
    model = _model(matrix)
    from rmdesk.services.engine.take_up.models import Outcome

    model.outcomes["C"] = Outcome("C", "co-occurrence", np.zeros(0), 0.1)
    out = suggest(model, _products(), _clients(), set(), pd.DataFrame(), LOOSE, TODAY)
    out["reason_zh"], out["reason_en"] = describe(out, _products(), {5: "CNY"})
    five = out[out["client_id"] == 5].set_index("product_id")
    assert five.loc[3, "evidence_data"]["rule"]["antecedents"] == ["A", "B"]
    assert five.loc[3, "reason_zh"].startswith("持有甲产品和乙产品的客户中67%也持有丙产品；")
    assert five.loc[3, "reason_en"].startswith(
        "67% of clients with Alpha and Beta also hold Gamma;"
    )
    assert five.loc[3, "reason_zh"].endswith("按持有组合推荐。")


def test_thresholds_are_relative_to_the_product_and_the_client_tier() -> None:
    """A rare product is suggested where the client is likelier than its take-up rate, however
    small the likelihood; a common one is not when the client is less likely than average; a
    small expected value is not pitched to a high tier."""
    matrix = _matrix()
    # C at 2% is twice its 1% take-up rate; A at 10% is half its 20% rate
    model = _model(matrix, {"A": 0.1, "B": 0.2, "C": 0.02, "LOAN": 0.1})
    model.base_rate = pd.Series({"A": 0.2, "B": 0.1, "C": 0.01, "LOAN": 0.05})
    low = _clients(tier=["D", "D", "D"])  # no minimum
    out = suggest(model, _products(), low, set(), pd.DataFrame(), LOOSE, TODAY)
    got = set(zip(out["client_id"], out["product_id"], strict=True))
    assert (9, 3) in got  # C: 2% is a lift of 2 on a rare product
    assert (9, 1) not in got  # A: less likely than the average client
    # C's expected value is 0.02 × 100,000 = 2,000: under an A client's minimum (50,000)
    for tier, left in (("A", set()), ("B", {4})):  # minimums 50,000 and 20,000
        out = suggest(
            model, _products(), _clients(tier=[tier] * 3), set(), pd.DataFrame(), LOOSE, TODAY
        )
        assert set(out["product_id"]) == left  # LOAN: 0.1 × 200,000 = 20,000


def test_eligibility_rules_leave_products_out() -> None:
    matrix = _matrix()
    model = _model(matrix)
    young_mass = _clients(age=[16.0, 40.0, 70.0], segment=["affluent", "mass", "affluent"])
    out = suggest(model, _products(), young_mass, set(), pd.DataFrame(), LOOSE, TODAY)
    got = set(zip(out["client_id"], out["product_id"], strict=True))
    assert (5, 3) not in got and (5, 4) not in got  # 16 years old: no fund, no loan
    assert (6, 3) not in got  # mass segment: no fund
    assert (9, 4) not in got  # 70: past the loan's age limit
    no_kyc = _clients(kyc_ok=[False, True, True])
    out = suggest(model, _products(), no_kyc, {6}, pd.DataFrame(), LOOSE, TODAY)
    got = set(zip(out["client_id"], out["product_id"], strict=True))
    assert not any(c == 5 for c, _ in got)  # KYC overdue: nothing new
    assert (6, 4) not in got and (6, 3) in got  # a high credit flag: no new credit
    declined = pd.DataFrame({"client_id": [9], "product_id": [3]})
    out = suggest(model, _products(), _clients(), set(), declined, LOOSE, TODAY)
    assert not ((out["client_id"] == 9) & (out["product_id"] == 3)).any()


def test_a_graded_product_waits_for_a_valid_risk_assessment() -> None:
    """C (a fund, R3) is suggested to a C4 client as it is, to a client whose assessment has
    expired with "renew the assessment first" ahead of the reason, and never to a C2 client."""
    products = _products().assign(risk_level=[None, None, "R3", None])
    clients = _clients(
        attributes=[
            {"risk_tolerance": "C4", "risk_assessment_expires": "2027-01-31"},
            {"risk_tolerance": "C4", "risk_assessment_expires": "2026-03-01"},
            {"risk_tolerance": "C2", "risk_assessment_expires": "2027-01-31"},
        ],
        tier=["D", "D", "D"],
    )
    model = _model(_matrix())
    out = suggest(model, products, clients, set(), pd.DataFrame(), LOOSE, TODAY)
    out["reason_zh"], out["reason_en"] = describe(out, products, {})
    fund = out[out["product_id"] == 3].set_index("client_id")
    assert set(fund.index) == {5, 6}
    assert "renew_assessment" not in fund.loc[5, "evidence_data"]
    assert fund.loc[6, "reason_zh"].startswith("风险评估已于2026-03-01到期，需先重新评估；")
    assert fund.loc[6, "reason_en"].startswith("Risk assessment expired on 2026-03-01: renew it")
