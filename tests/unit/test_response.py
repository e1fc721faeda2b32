"""The response model: offers described by what was known before them, graded on the latest
offers, used only when it beats the acceptance rate, and re-ranking the product's likelihood."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rmdesk.services.common import parameters
from rmdesk.services.engine.take_up import response
from rmdesk.services.engine.take_up.features import Features, Pitches
from rmdesk.services.engine.take_up.models import Outcome
from tests.unit.test_take_up import CUT_DATES, _bank

CODES = {1: "CASA", 2: "FUND"}


def _offers(feats: Features, frame: pd.DataFrame) -> Features:
    feats.pitches = Pitches.of(frame, feats.client_ids, feats.codes, CODES)
    return feats


def _campaign(feats: Features, rich_yes: float, poor_yes: float, seed: int = 5) -> pd.DataFrame:
    """Two thirds of the clients offered the fund once, on a day after cut 1, answering yes
    with ``rich_yes`` if their income band is high, else ``poor_yes``."""
    rng = np.random.default_rng(seed)
    n = len(feats.client_ids)
    rich = (feats.shared[0]["income_band"] == "high").to_numpy()
    who = np.flatnonzero(rng.random(n) < 2 / 3)
    start = pd.Timestamp(CUT_DATES[1]) + pd.Timedelta(days=1)
    return pd.DataFrame(
        {
            "client_id": feats.client_ids[who],
            "product_id": 2,
            "at": start + pd.to_timedelta(rng.integers(0, 360, len(who)), unit="D"),
            "accepted": rng.random(len(who)) < np.where(rich[who], rich_yes, poor_yes),
        }
    )


def test_an_offer_is_described_by_what_was_known_before_it() -> None:
    feats = _bank(300, 0.0)
    day1 = pd.Timestamp(CUT_DATES[1]) + pd.Timedelta(days=30)
    day2 = day1 + pd.Timedelta(days=60)
    frame = pd.DataFrame(
        {
            "client_id": [7, 7, 7, 9],
            "product_id": [2, 2, 2, 2],
            "at": [day1, day2, day2 + pd.Timedelta(days=1), day1],
            "accepted": [True, False, True, False],
        }
    )
    x, y, _ = response.offers_matrix(_offers(feats, frame), "FUND")
    assert list(y) == [True, False, True, False]
    # the offers before each one's day, and those accepted, never the offer itself or later
    assert x["offered_before"].tolist() == [0, 1, 2, 0]
    assert x["accepted_before"].tolist() == [0, 1, 1, 0]
    # the other features are those of cut 1, the last cut before the offers
    at_cut = feats.matrix(1, exclude="FUND", rows=np.array([6, 6, 6, 8]))
    assert np.allclose(x["age"], at_cut["age"]) and np.allclose(x["tenure"], at_cut["tenure"])
    # and no offer's answer changes what describes an earlier one
    later = frame.assign(accepted=[True, True, False, True])
    x2, _, _ = response.offers_matrix(_offers(feats, later), "FUND")
    pd.testing.assert_frame_equal(x.iloc[[0, 3]], x2.iloc[[0, 3]])
    # an offer on or before cut 2 has no earlier features to be described by: left out
    old = frame.assign(at=pd.Timestamp(CUT_DATES[2]) - pd.Timedelta(days=1))
    assert len(response.offers_matrix(_offers(feats, old), "FUND")[1]) == 0


def test_answers_that_follow_the_client_re_rank_the_product() -> None:
    feats = _bank(4000, 0.0)
    feats = _offers(feats, _campaign(feats, rich_yes=0.45, poor_yes=0.05))
    params = parameters.Parameters()
    allowed = np.ones(len(feats.client_ids), dtype=bool)
    found = response.learn(feats, "FUND", params, allowed)
    assert found.used, found.info
    assert found.info["backtest"]["auc"] > found.info["fallback_backtest"]["auc"] + 0.1
    rich = (feats.shared[0]["income_band"] == "high").to_numpy()
    assert found.ratio is not None
    assert np.median(found.ratio[rich]) > 1.5 > 1 > np.median(found.ratio[~rich])
    flat = Outcome("FUND", "popularity", np.full(len(rich), 0.1), 0.1)
    ranked = response.apply(flat, found, allowed)
    assert ranked.likelihood[rich].mean() > 2 * ranked.likelihood[~rich].mean()
    # on the take-up scale still: the product's average likelihood is what it was
    assert ranked.likelihood.mean() == pytest.approx(0.1, rel=0.15)
    assert ranked.likelihood.max() <= 0.95
    # with no model of its own, the product's reasons come from the response model
    assert ranked.fitted is found.fitted and ranked.exclude == "FUND"
    assert ranked.info["response"]["offers"] == len(feats.pitches.row)


def test_random_answers_do_not_re_rank_anything() -> None:
    feats = _bank(4000, 0.0)
    feats = _offers(feats, _campaign(feats, rich_yes=0.15, poor_yes=0.15))
    found = response.learn(feats, "FUND", parameters.Parameters(), np.ones(4000, dtype=bool))
    assert not found.used
    assert found.info["why_code"] == "not_better"
    flat = Outcome("FUND", "popularity", np.full(4000, 0.1), 0.1)
    assert (response.apply(flat, found, np.ones(4000, dtype=bool)).likelihood == 0.1).all()


def test_too_few_answers_say_so() -> None:
    feats = _bank(300, 0.0)
    feats = _offers(feats, _campaign(feats, rich_yes=0.1, poor_yes=0.05))
    found = response.learn(feats, "FUND", parameters.Parameters(), np.ones(300, dtype=bool))
    assert not found.used and found.info["why_code"] == "few_offers"
    assert found.info["offers"] > 0
