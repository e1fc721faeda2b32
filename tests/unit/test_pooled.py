"""A product with too few take-ups of its own is modelled with its family: who takes up any of
its products, scaled by the product's share, and only where that beats its fallback."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rmdesk.services.common import parameters
from rmdesk.services.engine.facts_pass import CUT_FIGURES, CUTS
from rmdesk.services.engine.take_up.features import Features, build
from rmdesk.services.engine.take_up.models import learn
from tests.unit.test_take_up import CUT_DATES, people

PRODUCTS = pd.DataFrame(
    {
        "product_id": [1, 2, 3],
        "code": ["CASA", "CLASSIC", "GOLD"],
        "family": ["deposit", "card", "card"],
    }
)


def _cards(n: int, signal: float, gold_share: float, seed: int = 4) -> Features:
    """Clients with a current account; in each window, those with a high income band take up a
    card with probability 0.04 + ``signal`` (others 0.04), a gold one ``gold_share`` of the
    time."""
    rng = np.random.default_rng(seed)
    ids, rich, clients = people(n, rng)
    rows = [(i, i, 1, pd.Timestamp("2015-01-01")) for i in ids]
    has_card = np.zeros(n + 1, dtype=bool)
    for start in (CUT_DATES[2], CUT_DATES[1]):
        took = (rng.random(n) < np.where(rich, 0.04 + signal, 0.04)) & ~has_card[ids]
        gold = rng.random(n) < gold_share
        for i, g in zip(ids[took], gold[took], strict=True):
            has_card[i] = True
            rows.append(
                (len(rows) + 1, i, 3 if g else 2, pd.Timestamp(start) + pd.Timedelta(days=40))
            )
    holdings = pd.DataFrame(rows, columns=["holding_id", "client_id", "product_id", "opened_on"])
    holdings["closed_on"] = pd.NaT
    facts = pd.DataFrame({"holding_id": holdings["holding_id"]})
    for k in CUTS:
        for fig in CUT_FIGURES:
            facts[f"cut{k}_{fig}"] = 0
    return build(clients, holdings, PRODUCTS, facts, CUT_DATES)


def test_a_thin_product_is_modelled_with_its_family() -> None:
    feats = _cards(6000, 0.12, gold_share=0.05)
    params = parameters.DEFAULTS
    rules = pd.DataFrame(columns=["consequent"])
    gold = learn(feats, "GOLD", rules, params)
    assert gold.info["take_ups"] < params.take_up_min_events  # too few of its own
    assert gold.method == "pooled model", gold.info
    assert gold.info["family_take_ups"] >= params.take_up_min_events
    assert gold.info["backtest"]["auc"] > gold.info["fallback_backtest"]["auc"]
    rich = (feats.shared[0]["income_band"] == "high").to_numpy()
    assert gold.likelihood[rich].mean() > 2 * gold.likelihood[~rich].mean()
    # scaled by the gold card's share of the family's take-ups: far below a card's chance
    classic = learn(feats, "CLASSIC", rules, params)
    assert gold.likelihood.mean() < classic.likelihood.mean() / 5


def test_a_family_that_says_nothing_leaves_the_fallback() -> None:
    feats = _cards(6000, 0.0, gold_share=0.05)
    gold = learn(feats, "GOLD", pd.DataFrame(columns=["consequent"]), parameters.DEFAULTS)
    assert gold.method == "popularity"
    assert gold.info["why_code"] == "not_better"
    assert len(set(gold.likelihood.round(12))) == 1
