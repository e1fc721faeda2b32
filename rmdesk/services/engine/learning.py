"""What a scoring run learns: contribution, ranks and tiers, and the cross-sell model (association
rules, each product's take-up and response models, typical values, peers), and how the model is
applied to one part of the bank at a time (``for_part``). docs/cross-sell.md gives the methods.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common import parameters
from rmdesk.services.engine import cross_sell, reasons, suitability
from rmdesk.services.engine.contribution import per_client, per_holding, rank_and_tier
from rmdesk.services.engine.loading import Loaded
from rmdesk.services.engine.take_up import features as take_up_features
from rmdesk.services.engine.take_up import models as take_up_models
from rmdesk.services.engine.take_up import response as take_up_response


def per_client_contribution(loaded: Loaded) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """Contribution and its parts per client of ``loaded`` (before ranks and tiers, which are
    bank-wide), and the pricing versions used per product."""
    hc = per_holding(loaded.features, loaded.holdings, loaded.pricing, loaded.periods)
    return per_client(hc.frame, loaded.clients), hc.versions


def contribution(loaded: Loaded, params: parameters.Parameters) -> tuple[Any, pd.DataFrame]:
    """Contribution per holding and per client, ranks and tiers; the tiers go on the run's
    clients too (suggestions read them)."""
    hc = per_holding(loaded.features, loaded.holdings, loaded.pricing, loaded.periods)
    clients = rank_and_tier(per_client(hc.frame, loaded.clients), params)
    clients["tier"] = clients["tier"].astype(str)
    loaded.clients["tier"] = clients["tier"].to_numpy()
    return hc, clients


def cross_sell_model(
    loaded: Loaded,
    per_holding_frame: pd.DataFrame,
    profile: pd.DataFrame,
    params: parameters.Parameters,
    today: dt.date,
    every_product: bool = False,
    stride: int = 1,
) -> cross_sell.Model:
    as_of = profile.attrs["as_of"]
    feats = take_up_features.of_run(loaded, as_of, params.take_up_horizon_months)
    matrix = held_now(feats, loaded.clients)
    rules = cross_sell.mine_rules(matrix, params)
    best = cross_sell.best_rules(matrix, rules)
    code_of = loaded.products.set_index("product_id")["code"]
    months = per_holding_frame.merge(
        loaded.features[["holding_id", *_n_cur(loaded.features)]], on="holding_id"
    )
    months["months_cur"] = months[_n_cur(months)].sum(axis=1)
    typical = cross_sell.typical_contribution(months, code_of)
    # the models learn on the clients a product may be offered to at all: suitable, or
    # suitable once their risk assessment is renewed
    allowed = allowed_clients(loaded.products, profile, feats.client_ids, today)
    jobs = []
    for product in loaded.products.to_dict("records"):
        code = str(product["code"])
        worth = float(typical.get(code, np.nan))
        if every_product or (product["active"] and np.isfinite(worth) and worth > 0):
            # (a product without a value is never suggested: no model; not_suggested says why)
            jobs.append((code, allowed[code]))
    outcomes = take_up_models.learn_all(
        jobs,
        lambda code, allowed: take_up_models.offered_only(
            take_up_response.apply(
                take_up_models.learn(feats, code, rules, params, allowed, stride=stride),
                take_up_response.learn(feats, code, params, allowed),
                allowed & ~feats.held[0][:, feats.column(code)],
            ),
            allowed,
        ),
    )
    likelihood = pd.DataFrame(
        {c: o.likelihood for c, o in outcomes.items()},
        index=pd.Index(feats.client_ids, name="client_id"),
    )
    info = {
        c: {"method": o.method, "rate": round(o.rate, 5), **o.info} for c, o in outcomes.items()
    }
    base_rate = pd.Series({c: o.rate for c, o in outcomes.items()}, dtype="float64")
    segment = loaded.clients.set_index("client_id")["segment"]
    peers = reasons.peer_share(matrix, segment)
    return cross_sell.Model(
        matrix, rules, best, likelihood, info, typical, base_rate, outcomes, feats, peers
    )


def allowed_clients(
    products: pd.DataFrame, profile: pd.DataFrame, client_ids: np.ndarray, today: dt.date
) -> dict[str, np.ndarray]:
    """Per product, which of ``client_ids`` it may be offered to at all: suitable, or suitable
    once their risk assessment is renewed (docs/suitability.md)."""
    prepared = suitability.prepare(profile.reindex(client_ids), today)
    out = {}
    for product in products.to_dict("records"):
        verdict = suitability.check(product, prepared)
        out[str(product["code"])] = verdict.eligible | verdict.renew
    return out


def _n_cur(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns if str(c).startswith("n_cur_")]


def held_now(feats: take_up_features.Features, clients: pd.DataFrame) -> pd.DataFrame:
    """The products held at the data date (the take-up features' cut 0) by the active clients."""
    active = clients[clients["status"] != "closed"]["client_id"].to_numpy()
    held = pd.DataFrame(
        feats.held[0], index=pd.Index(feats.client_ids, name="client_id"), columns=feats.codes
    )
    return held.loc[held.index.isin(active)]


def for_part(
    model: cross_sell.Model,
    loaded: Loaded,
    profile: pd.DataFrame,
    params: parameters.Parameters,
    today: dt.date,
) -> cross_sell.Model:
    """``model`` (learnt on the sample) applied to the clients of ``loaded``: their holdings,
    the rules that apply to them, and every product's likelihood, scored by what was learnt
    (``Outcome.score``: the same numbers the sample's clients got)."""
    as_of = profile.attrs["as_of"]
    feats = take_up_features.of_run(loaded, as_of, params.take_up_horizon_months)
    matrix = held_now(feats, loaded.clients)
    allowed = allowed_clients(loaded.products, profile, feats.client_ids, today)
    outcomes, likelihood = {}, {}
    for code, outcome in model.outcomes.items():
        p, ratio = outcome.score(feats, model.rules, allowed[code])
        outcomes[code] = dataclasses.replace(outcome, likelihood=p, ratio=ratio)
        likelihood[code] = p
    propensity = pd.DataFrame(
        likelihood, index=pd.Index(feats.client_ids, name="client_id"), dtype="float64"
    )
    return dataclasses.replace(
        model,
        matrix=matrix,
        best=cross_sell.best_rules(matrix, model.rules),
        propensity=propensity,
        outcomes=outcomes,
        features=feats,
    )
