"""Take-up models: features at a cut, take-up windows, the product's own data left out,
calibration, the fallback when a model does not beat it, look-alikes out of fold, reasons."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from rmdesk.services.common import client_fields, parameters
from rmdesk.services.engine.facts_pass import CUT_FIGURES, CUTS
from rmdesk.services.engine.take_up import explain
from rmdesk.services.engine.take_up.features import Features, build
from rmdesk.services.engine.take_up.models import fit, grade, learn

CUT_DATES = {0: dt.date(2026, 10, 31), 1: dt.date(2025, 10, 31), 2: dt.date(2024, 10, 31)}
PRODUCTS = pd.DataFrame(
    {"product_id": [1, 2], "code": ["CASA", "FUND"], "family": ["deposit", "investment"]}
)


def people(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """``n`` individual clients joined in 2015, three in ten with a high income band: their
    ids, who is rich, and the clients' frame."""
    ids = np.arange(1, n + 1)
    rich = rng.random(n) < 0.3
    clients = pd.DataFrame(
        {
            "client_id": ids,
            "birth_date": pd.Timestamp("1980-01-01"),
            "onboarded_on": pd.Timestamp("2015-01-01"),
            "kind": "individual",
            "segment": "mass",
            "gender": np.where(rng.random(n) < 0.5, "M", "F"),
            "status": "active",
            "attributes": [{"income_band": "high" if r else "low"} for r in rich],
        }
    )
    return ids, rich, clients


def _bank(n: int, signal: float, seed: int = 3, dated: bool = True) -> Features:
    """``n`` clients with a current account; a fund is taken up in each window by clients
    whose income band is high with probability 0.05 + signal, others 0.05."""
    rng = np.random.default_rng(seed)
    ids, rich, clients = people(n, rng)
    rows = [(i, i, 1, pd.Timestamp("2015-01-01")) for i in ids]
    hid = n
    for start in (CUT_DATES[2], CUT_DATES[1]):
        p = np.where(rich, 0.05 + signal, 0.05)
        took = rng.random(n) < p
        for i in ids[took]:
            if any(r[1] == i and r[2] == 2 for r in rows):
                continue
            hid += 1
            rows.append((hid, i, 2, pd.Timestamp(start) + pd.Timedelta(days=40)))
    holdings = pd.DataFrame(rows, columns=["holding_id", "client_id", "product_id", "opened_on"])
    holdings["closed_on"] = pd.NaT
    # the facts of a cut know only the holdings open by then, as the monthly facts do
    facts = pd.DataFrame({"holding_id": holdings["holding_id"]})
    amount = np.where(holdings["product_id"] == 2, 500_000, 100_000)
    for k in CUTS:
        for fig in CUT_FIGURES:
            facts[f"cut{k}_{fig}"] = 0
        at = pd.Timestamp(CUT_DATES[k])
        facts[f"cut{k}_bal"] = np.where(holdings["opened_on"] <= at, amount, 0)
        six = at - pd.DateOffset(months=6)
        facts[f"cut{k}_bal6"] = np.where(holdings["opened_on"] <= six, amount, 0)
        # a fund shows in six transactions and 300.00 out a half-year, the account in one
        fund_open = (holdings["product_id"] == 2) & (holdings["opened_on"] <= at)
        facts[f"cut{k}_txn"] = np.where(fund_open, 6, 1)
        facts[f"cut{k}_deb"] = np.where(fund_open, 30_000, 0)
    if not dated:
        holdings["opened_on"] = pd.NaT
    return build(clients, holdings, PRODUCTS, facts, CUT_DATES)


def test_take_up_is_an_opening_after_the_cut_by_a_client_without_the_product() -> None:
    feats = _bank(400, 0.3)
    j = feats.column("FUND")
    # who took it up between cut 1 and the data date did not hold it at cut 1 and holds it now
    took = feats.took[1][:, j]
    assert took.any()
    assert not (took & feats.held[1][:, j]).any()
    assert feats.held[0][took, j].all()
    # and the earlier window's take-ups already hold it at cut 1
    assert feats.held[1][feats.took[2][:, j], j].all()


def test_a_products_own_holding_and_balance_never_reach_its_model() -> None:
    feats = _bank(400, 0.3)
    holder = int(np.flatnonzero(feats.held[0][:, feats.column("FUND")])[0])
    full = feats.matrix(0)
    own = feats.matrix(0, exclude="FUND")
    assert "held_FUND" in full.columns and "held_FUND" not in own.columns
    # the fund's 5,000.00 is out of the holder's funds: only the current account's 1,000.00
    assert np.expm1(own["funds"].iloc[holder]) == pytest.approx(100_000)
    assert np.expm1(full["funds"].iloc[holder]) == pytest.approx(600_000)
    assert own["n_products"].iloc[holder] == full["n_products"].iloc[holder] - 1
    # nor its own flows: a look-alike must not find holders by their transactions on it
    assert full["transactions"].iloc[holder] == 7 and own["transactions"].iloc[holder] == 1
    assert own["outflow"].iloc[holder] == 0 and full["outflow"].iloc[holder] > 0
    # a subset of rows gives the same values, in any order, a row asked for twice twice (a
    # response model reads a client once per offer)
    rows = np.array([holder, 0, holder, 5])
    assert own.iloc[rows].equals(feats.matrix(0, exclude="FUND", rows=rows))


def test_a_holder_without_its_product_looks_exactly_like_a_client_who_never_had_it() -> None:
    """Taking a product's amounts out of a holder's sums leaves exactly what a non-holder with
    the same other holdings shows: not a few billionths a tree could split on (the leak the
    hide-one bench found: a look-alike told holders from the hidden ones by it)."""
    feats = _bank(400, 0.3)
    j = feats.column("FUND")
    holders = np.flatnonzero(feats.held[0][:, j])
    others = np.flatnonzero(~feats.held[0][:, j])
    own = feats.matrix(0, exclude="FUND")
    for column in ("funds", "funds_trend", "transactions", "outflow"):
        assert set(own[column].iloc[holders]) == set(own[column].iloc[others]), column
    assert (own["outflow"].iloc[holders] == 0.0).all()


def test_probabilities_are_calibrated() -> None:
    rng = np.random.default_rng(11)
    n = 20_000
    x = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    p = 1 / (1 + np.exp(-(-3 + 1.2 * x["a"].to_numpy())))
    y = rng.random(n) < p
    model = fit(x[:15_000], y[:15_000], seed=1)
    assert model is not None and model.platt is not None
    got = model.predict(x[15_000:])
    assert ((got > 0) & (got < 1)).all()
    graded = grade(y[15_000:], got)
    assert abs(graded["mean_predicted"] - graded["observed"]) < 0.01
    assert graded["calibration_error"] < 0.015
    assert graded["auc"] > 0.75


def test_a_model_that_does_not_beat_its_fallback_out_of_time_is_not_used() -> None:
    params = parameters.from_dict({"take_up_min_events": 20})
    useful = learn(_bank(2000, 0.25), "FUND", pd.DataFrame(columns=["consequent"]), params)
    assert useful.method == "take-up model"
    assert useful.info["backtest"]["auc"] > useful.info["fallback_backtest"]["auc"]
    noise = learn(_bank(2000, 0.0), "FUND", pd.DataFrame(columns=["consequent"]), params)
    assert noise.method == "popularity"
    assert noise.info["why"] == "the model did not beat the fallback out of time"
    assert np.allclose(noise.likelihood, noise.rate)  # everyone: the take-up rate
    thin = learn(_bank(300, 0.0), "FUND", pd.DataFrame(columns=["consequent"]), params)
    assert thin.method == "popularity" and "fewer than 20 take-ups" in thin.info["why"]


def test_a_look_alike_scores_nobody_with_a_model_that_saw_them() -> None:
    """Without opening dates, holders are modelled out of fold: changing one client's own
    holding changes no model that scores that client."""
    params = parameters.from_dict({"propensity_min_holders": 20})
    rules = pd.DataFrame(columns=["consequent"])
    feats = _bank(1500, 0.5, dated=False)
    first = learn(feats, "FUND", rules, params)
    assert first.method == "look-alike" and "auc" in first.info["backtest"]
    j = feats.column("FUND")
    i = int(np.flatnonzero(feats.held[0][:, j])[0])
    feats.held[0][i, j] = False
    again = learn(feats, "FUND", rules, params)
    assert again.likelihood[i] == pytest.approx(first.likelihood[i], abs=1e-12)


def test_every_factor_is_said_in_both_languages() -> None:
    names = {"FUND": ("基金账户", "Fund account")}
    values = {
        "funds_trend": 0.28,
        "salary": 10.8,
        "tenure": 7.0,
        "days_since_contact": None,
        "held_FUND": 1,
        "segment": "affluent",
        "kind": "individual",
        "gender": "F",
    }
    features = {**{k: 3.0 for k in explain.PHRASES}, **values}
    for fld in client_fields.model_fields():
        features[fld.name] = fld.codes[0] if fld.kind == "choice" else 3
    for name, value in features.items():
        zh = explain.phrase({"feature": name, "value": value}, "zh", "CNY", names)
        en = explain.phrase({"feature": name, "value": value}, "en", "CNY", names)
        assert zh and en, name
        assert re.search(r"[\u4e00-\u9fff]", zh), (name, zh)
        assert not re.search(r"[\u4e00-\u9fff]", en), (name, en)
    said = explain.phrase({"feature": "funds_trend", "value": np.log(1.32)}, "zh", "CNY", names)
    assert said == "近6个月存款余额上升32%"
    said = explain.phrase({"feature": "salary", "value": np.log1p(4_800_000)}, "en", "CNY", names)
    assert said == "salary paid here: CN¥48,000.00 in six months"


def test_a_client_the_product_may_not_be_offered_to_has_no_likelihood() -> None:
    """A model learns on the clients a product may be offered to; of the others (a company for
    a personal card) it says nothing, and their likelihood is 0, not the model's guess."""
    from rmdesk.services.engine.take_up.models import offered_only

    feats = _bank(1500, 0.3)
    allowed = np.arange(1500) % 3 != 0
    found = learn(feats, "FUND", pd.DataFrame(columns=["consequent"]), parameters.DEFAULTS, allowed)
    assert (found.likelihood[~allowed] > 0).any()  # a model's guess, before
    kept = found.likelihood[allowed].copy()
    out = offered_only(found, allowed)
    assert (out.likelihood[~allowed] == 0).all()
    assert (out.likelihood[allowed] == kept).all()
