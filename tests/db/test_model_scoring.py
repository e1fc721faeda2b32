"""A product's model scores clients it did not learn on exactly as it scored those it did: the
ground a run that works a part of the bank at a time stands on (docs/cross-sell.md)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import select, update

from rmdesk.db import open_database
from rmdesk.models import Base
from rmdesk.services.common import parameters
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine import learning
from rmdesk.services.engine.facts_pass import Window
from rmdesk.services.engine.loading import client_profile, data_date, load
from rmdesk.services.engine.take_up import features as take_up_features
from tests.demo_banks import DemoBank

TODAY = dt.date(2026, 11, 2)


def test_a_model_scores_a_part_of_the_bank_as_it_scored_the_whole(demo_bank: DemoBank) -> None:
    db = open_database(demo_bank(1500))
    h, p = Base.metadata.tables["holdings"], Base.metadata.tables["products"]
    with db.engine.begin() as conn:
        # one product known only from a snapshot of its holdings (no opening dates): a look-alike
        fund = conn.execute(select(p.c.id).where(p.c.code == "FUND")).scalar_one()
        conn.execute(update(h).where(h.c.product_id == fund).values(opened_on=None))
    with db.engine.connect() as conn:
        params = parameters.load(conn)
        as_of = data_date(conn)
        loaded = load(db.engine, conn, Window(as_of), params, who=OPERATOR)
    db.dispose()
    hc, _ = learning.contribution(loaded, params)
    profile = client_profile(loaded, as_of)
    model = learning.cross_sell_model(loaded, hc.frame, profile, params, TODAY)
    everyone = model.features.client_ids
    # every third client, features built from their rows alone
    part_ids = everyone[1::3]
    part = take_up_features.of_run(loaded, as_of, params.take_up_horizon_months, part_ids)
    assert list(part.client_ids) == list(part_ids)
    at = np.searchsorted(everyone, part_ids)
    allowed = learning.allowed_clients(loaded.products, profile, part.client_ids, TODAY)
    methods, re_ranked = set(), 0
    for code, outcome in model.outcomes.items():
        likelihood, ratio = outcome.score(part, model.rules, allowed[code])
        assert likelihood.shape == (len(part_ids),)
        assert np.all((likelihood >= 0) & (likelihood <= 0.95)), code
        assert not likelihood[~allowed[code]].any(), code
        methods.add(outcome.method)
        np.testing.assert_allclose(likelihood, outcome.likelihood[at], rtol=1e-9, err_msg=code)
        assert (ratio is None) == (outcome.ratio is None), code
        if ratio is not None:
            re_ranked += 1
            np.testing.assert_allclose(ratio, outcome.ratio[at], rtol=1e-9, err_msg=code)
    # the demo bank has every kind: its own model, a fallback, and a response model's re-ranking
    assert {"take-up model", "look-alike"} <= methods, methods
    assert methods & {"co-occurrence", "popularity"}, methods
    assert re_ranked, methods
