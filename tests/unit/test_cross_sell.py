"""Cross-sell: association rules with known numbers, eligibility, reasons, propensity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rmdesk.services.common import parameters
from rmdesk.services.engine.cross_sell import (
    Model,
    best_rules,
    describe,
    holdings_matrix,
    mine_rules,
    propensities,
    suggest,
)

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
    return holdings_matrix(frame, np.arange(1, 11))


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
        "currency": ["CNY"] * 3,
    }
    base.update(changes)
    return pd.DataFrame(base).set_index("client_id", drop=False)


def _model(matrix: pd.DataFrame) -> Model:
    rules = mine_rules(matrix, LOOSE)
    prop = pd.DataFrame(np.nan, index=matrix.index, columns=matrix.columns)
    return Model(
        matrix,
        rules,
        best_rules(matrix, rules),
        prop,
        {},
        pd.Series({"A": 10_000.0, "B": 5_000.0, "C": 100_000.0, "LOAN": 200_000.0}),
        pd.Series({"A": 0.8, "B": 0.6, "C": 0.6, "LOAN": 0.3}),
    )


def test_suggestions_rank_by_expected_value_and_explain_themselves() -> None:
    matrix = _matrix()
    out = suggest(_model(matrix), _products(), _clients(), set(), pd.DataFrame(), LOOSE)
    out["reason_zh"], out["reason_en"] = describe(out, _products(), {5: "CNY"})
    five = out[out["client_id"] == 5].set_index("product_id")
    # C: likelihood = the rule's confidence 4/6; expected value 100,000 × 4/6
    assert five.loc[3, "likelihood"] == pytest.approx(4 / 6, abs=1e-6)
    assert five.loc[3, "expected_value_minor"] == round(0.666667 * 100_000)
    # LOAN: no rule, no model: the share of clients who hold it
    assert five.loc[4, "likelihood"] == pytest.approx(0.3)
    assert list(five.sort_values("rank").index) == [3, 4]
    reason_zh = five.loc[3, "reason_zh"]
    assert reason_zh.startswith(
        "持有甲产品和乙产品的客户中 67% 也持有丙产品（提升度 1.1）；该客户两者都有。"
    )
    assert "预期价值 ¥666.67" in reason_zh
    assert five.loc[3, "reason_en"].startswith(
        "67% of clients who hold Alpha and Beta also hold Gamma (lift 1.1); this client holds both."
    )
    assert five.loc[3, "evidence_data"]["rule"]["antecedents"] == ["A", "B"]


def test_eligibility_rules_leave_products_out() -> None:
    matrix = _matrix()
    model = _model(matrix)
    young_mass = _clients(age=[16.0, 40.0, 70.0], segment=["affluent", "mass", "affluent"])
    out = suggest(model, _products(), young_mass, set(), pd.DataFrame(), LOOSE)
    got = set(zip(out["client_id"], out["product_id"], strict=True))
    assert (5, 3) not in got and (5, 4) not in got  # 16 years old: no fund, no loan
    assert (6, 3) not in got  # mass segment: no fund
    assert (9, 4) not in got  # 70: past the loan's age limit
    no_kyc = _clients(kyc_ok=[False, True, True])
    out = suggest(model, _products(), no_kyc, {6}, pd.DataFrame(), LOOSE)
    got = set(zip(out["client_id"], out["product_id"], strict=True))
    assert not any(c == 5 for c, _ in got)  # KYC overdue: nothing new
    assert (6, 4) not in got and (6, 3) in got  # a high credit flag: no new credit
    declined = pd.DataFrame({"client_id": [9], "product_id": [3]})
    out = suggest(model, _products(), _clients(), set(), declined, LOOSE)
    assert not ((out["client_id"] == 9) & (out["product_id"] == 3)).any()


def test_propensity_learns_which_holdings_go_together() -> None:
    rng = np.random.default_rng(1)
    n = 2_000
    a = rng.random(n) < 0.5
    c = np.where(a, rng.random(n) < 0.7, rng.random(n) < 0.05)
    b = rng.random(n) < 0.3
    matrix = pd.DataFrame({"A": a, "B": b, "C": c}, index=np.arange(n))
    profile = pd.DataFrame(
        {
            "age": rng.uniform(20, 70, n),
            "tenure_years": rng.uniform(0, 20, n),
            "funds_minor": rng.uniform(0, 1e7, n),
            "credit_minor": np.zeros(n),
            "kind": "individual",
            "segment": "mass",
        },
        index=matrix.index,
    )
    prop, info = propensities(matrix, profile, parameters.DEFAULTS)
    assert info["C"]["model"] == "logistic regression"
    assert prop["C"][a].mean() > 0.5 > 0.2 > prop["C"][~a].mean()
    assert prop.notna().all().all() and ((prop >= 0) & (prop <= 1)).all().all()
