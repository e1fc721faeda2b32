"""The response model: the chance a client says yes when a product is offered to them.

A take-up model learns who opens a product; a campaign's calls and the outcomes RMs record on
suggestions say more: who said yes *when offered*. Once a product has enough offers with an
answer (``response_min_outcomes`` accepted and as many declined, up to the data date), the run
1. describes each offer by what the bank knew before it: the features at the latest cut before
   the offer's day (cut 1 for an offer after cut 1, cut 2 for one after cut 2; older offers are
   left out), with the offers of the product to the client and those accepted counted up to the
   day before the offer;
2. backtests by time: trains on the earlier offers, tests on the latest quarter of them (by
   day), and uses the model only if its AUC beats a constant (the acceptance rate) by more than
   chance (``models.beats``);
3. trains again on every offer and scores every client at the data date, and the client's
   chance of a yes over the average chance re-ranks the product's likelihood (``apply``).

The model is the take-up models' LightGBM (``models.fit``), calibrated the same way; its
feature contributions are the reasons where the product has no take-up model of its own.
docs/cross-sell.md, "Learning from outcomes", gives the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common.parameters import Parameters
from rmdesk.services.engine.take_up.features import Features
from rmdesk.services.engine.take_up.models import (
    Fitted,
    Outcome,
    _sample,
    beats,
    fit,
    grade,
    reweigh,
)

#: the share of the offers, the latest by day, the backtest tests on
TEST_SHARE = 0.25


@dataclass
class Response:
    """What the run learnt of one product's offers."""

    code: str
    used: bool
    rate: float  # the acceptance rate of the offers
    ratio: np.ndarray | None = None  # per client at the data date: P(yes) / rate
    fitted: Fitted | None = None
    info: dict[str, Any] = field(default_factory=dict)
    chance: np.ndarray | None = None  # per client at the data date: P(yes | offered)


def offers_matrix(feats: Features, code: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Every offer of ``code`` after cut 2: its features as the bank knew them before it, its
    answer, and its day."""
    p = feats.pitches
    j = feats.column(code)
    n = len(feats.client_ids)
    if p is None:
        return pd.DataFrame(), np.zeros(0, dtype=bool), np.zeros(0, dtype="datetime64[ns]")
    parts, answers, days = [], [], []
    for k in (1, 2):
        after = np.datetime64(feats.cut_dates[k], "ns")
        upto = np.datetime64(feats.cut_dates[k - 1], "ns")
        mine = np.flatnonzero((p.col == j) & (p.day > after) & (p.day <= upto))
        if not len(mine):
            continue
        x = feats.matrix(k, exclude=code, rows=p.row[mine])
        offered, accepted = _earlier(p.row, p.col == j, p.day, p.accepted, mine, n)
        x["offered_before"] = offered
        x["accepted_before"] = accepted
        parts.append(x)
        answers.append(p.accepted[mine])
        days.append(p.day[mine])
    if not parts:
        return pd.DataFrame(), np.zeros(0, dtype=bool), np.zeros(0, dtype="datetime64[ns]")
    return (
        pd.concat(parts, ignore_index=True),
        np.concatenate(answers),
        np.concatenate(days),
    )


def _earlier(
    row: np.ndarray,
    same: np.ndarray,
    day: np.ndarray,
    yes: np.ndarray,
    these: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray]:
    """For each offer in ``these``: the offers of the same product to the same client on an
    earlier day, and how many of them were accepted."""
    idx = np.flatnonzero(same)
    frame = pd.DataFrame({"row": row[idx], "day": day[idx], "yes": yes[idx].astype(int)})
    frame = frame.sort_values(["row", "day"], kind="stable")
    per_day = frame.groupby(["row", "day"], sort=True)["yes"].agg(["size", "sum"])
    # offers on days before: the running sums per client, less the day's own
    runs = per_day.groupby(level=0).cumsum() - per_day
    look = pd.MultiIndex.from_arrays([row[these], day[these]])
    got = runs.reindex(look)
    return (
        got["size"].fillna(0).to_numpy(dtype="float64"),
        got["sum"].fillna(0).to_numpy(dtype="float64"),
    )


def learn(
    feats: Features, code: str, params: Parameters, allowed: np.ndarray, seed: int = 11
) -> Response:
    """The product's response model, backtested by time, or why there is none."""
    x, y, day = offers_matrix(feats, code)
    info: dict[str, Any] = {"offers": len(y), "accepted": int(y.sum())}
    rate = float(y.mean()) if len(y) else 0.0
    info["acceptance_rate"] = round(rate, 5)
    minimum = params.response_min_outcomes
    if y.sum() < minimum or (~y).sum() < minimum:
        info["why"] = f"fewer than {minimum} accepted and {minimum} declined offers"
        info["why_code"] = "few_offers"
        return Response(code, False, rate, info=info)
    order = np.argsort(day, kind="stable")
    split = day[order[int(len(order) * (1 - TEST_SHARE))]]
    train, test = day < split, day >= split
    if y[test].sum() < 1 or (~y[test]).sum() < 1 or y[train].sum() < minimum // 2:
        info["why"] = "the latest offers are all of one answer: nothing to test on"
        info["why_code"] = "cannot_test"
        return Response(code, False, rate, info=info)
    pick = np.flatnonzero(train)[_sample(int(train.sum()), params.propensity_sample, seed)]
    trial = fit(x.iloc[pick], y[pick], seed)
    if trial is None:
        info["why"] = "too few offers to train and calibrate"
        info["why_code"] = "cannot_train"
        return Response(code, False, rate, info=info)
    info["split_day"] = str(pd.Timestamp(split).date())
    info["backtest"] = grade(y[test], trial.predict(x[test]))
    info["fallback_backtest"] = grade(y[test], np.full(int(test.sum()), float(y[train].mean())))
    if not beats(info["backtest"], info["fallback_backtest"]):
        info["why"] = "the response model did not beat the acceptance rate on the latest offers"
        info["why_code"] = "not_better"
        return Response(code, False, rate, info=info)
    pick = _sample(len(y), params.propensity_sample, seed + 1)
    final = fit(x.iloc[pick], y[pick], seed + 1)
    if final is None:
        info["why"] = "too few offers to train and calibrate"
        info["why_code"] = "cannot_train"
        return Response(code, False, rate, info=info)
    now = final.predict(feats.matrix(0, exclude=code))
    info["why"] = "re-ranked by the response model"
    return Response(code, True, rate, now / max(rate, 1e-9), final, info, now)


def apply(outcome: Outcome, response: Response, allowed: np.ndarray) -> Outcome:
    """``outcome`` re-ranked by ``response`` where the response model is used: each client's
    odds of taking the product up times its chance of a yes over the average chance among the
    clients the product may be offered to (so the likelihoods stay on the take-up scale the
    other products' are on), at most ``CAP``. Where the product has no
    model of its own, the response model's factors are the reasons."""
    outcome.info["response"] = response.info
    if not response.used or response.chance is None:
        return outcome
    mean = float(response.chance[allowed].mean()) if allowed.any() else 0.0
    if mean <= 0:
        return outcome
    outcome.likelihood = reweigh(outcome.likelihood, response.chance, mean)
    if response.fitted is not None:
        outcome.response = (response.fitted, mean, response.rate)
    outcome.ratio = response.ratio
    if outcome.fitted is None:
        outcome.fitted, outcome.exclude = response.fitted, outcome.code
    return outcome
