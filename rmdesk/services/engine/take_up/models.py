"""Gradient-boosted take-up models per product, calibrated, and graded out of time every run.

For a product with opening dates and enough take-ups (``take_up_min_events`` in each of the
two latest windows), the run
1. backtests: trains on cut 2 (who took it up between cut 2 and cut 1, from features at cut 2)
   and tests on cut 1 (who took it up between cut 1 and the data date): AUC, lift in the top
   decile, Brier score and calibration, beside the fallback scored on the same clients;
2. uses the model only if its AUC beats the fallback's by more than chance (``beats``); then
   trains it again on cut 1 and scores every client at the data date.
A product with too few take-ups of its own may be modelled with its family (``_pooled``: who
takes up any card, scaled by this card's share). Otherwise the fallback stands in and says so:
the best association rule's lift over the product's take-up rate (co-occurrence), or the
take-up rate itself (popularity). A product
with no opening dates at all (a one-day snapshot of holdings) gets a look-alike of its holders
scored out of fold (no client is scored by a model that saw them), graded by the same
out-of-fold AUC against the co-occurrence fallback.

The model is LightGBM (native categorical and missing values; its feature contributions are
the reasons, see ``explain``), early-stopped and Platt-calibrated on a fifth of its training
sample held out. docs/cross-sell.md gives the figures and why LightGBM.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common.parameters import Parameters
from rmdesk.services.engine.take_up.features import Features

#: LightGBM's settings: small trees, slow learning, stopped early on the held-out fifth
BOOSTING: dict[str, Any] = {
    "n_estimators": 200,
    "learning_rate": 0.1,
    "num_leaves": 15,
    "min_child_samples": 40,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "reg_lambda": 1.0,
    "max_bin": 63,
    "max_cat_to_onehot": 8,
    "min_data_per_group": 50,
    "verbose": -1,
}
#: the methods that are models of the bank's data (the others are fallbacks)
MODELLED = ("take-up model", "pooled model", "look-alike")
EARLY_STOP = 30
FOLDS = 3
#: a rule's lift scales the take-up rate at most this much, and a likelihood stays below 1
MAX_RULE_LIFT = 5.0
CAP = 0.95


@dataclass
class Fitted:
    """A trained model with its calibration: ``predict`` gives calibrated probabilities.
    ``model`` is LightGBM's booster (its trees up to the best iteration), the same whether just
    trained or read back from its text (``model_store``)."""

    model: Any
    platt: tuple[float, float] | None
    columns: list[str]

    def margin(self, x: pd.DataFrame) -> np.ndarray:
        # one thread, as it was trained: models are trained and applied side by side on their
        # own threads (``learn_all``), and OpenMP teams started from several threads at once
        # abort the process
        return np.asarray(
            self.model.predict(x[self.columns], raw_score=True, num_threads=1), dtype="float64"
        )

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        raw = self.margin(x)
        if self.platt is not None:
            a, b = self.platt
            raw = a * raw + b
        return np.asarray(1.0 / (1.0 + np.exp(-raw)))

    def contributions(self, x: pd.DataFrame) -> np.ndarray:
        """Per row and feature, its contribution to the log-odds (TreeSHAP; last = bias). On
        every core: the reasons are written one batch at a time, with nothing beside them."""
        return np.asarray(
            self.model.predict(x[self.columns], pred_contrib=True, num_threads=os.cpu_count() or 1)
        )


def fit(x: pd.DataFrame, y: np.ndarray, seed: int) -> Fitted | None:
    """A calibrated model of ``y`` from ``x``, or None when there is too little to learn."""
    from lightgbm import LGBMClassifier, early_stopping
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    hold = rng.random(len(y)) < 0.2
    if y[~hold].sum() < 5 or y[hold].sum() < 3 or (~y[hold]).sum() < 3:
        return None
    # one thread per model: a run trains several products side by side (``learn_all``), and
    # OpenMP threads that wait for a busy core spin instead of yielding it
    model = LGBMClassifier(**BOOSTING, random_state=seed, n_jobs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(
            x[~hold],
            y[~hold],
            eval_X=(x[hold],),
            eval_y=(y[hold],),
            callbacks=[early_stopping(EARLY_STOP, verbose=False)],
        )
    fitted = Fitted(model.booster_, None, list(x.columns))
    raw = fitted.margin(x[hold]).reshape(-1, 1)
    platt = LogisticRegression(C=1e4).fit(raw, y[hold])
    fitted.platt = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
    return fitted


def grade(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    """AUC, lift in the top decile, Brier score and calibration of ``p`` against ``y``."""
    from sklearn.metrics import roc_auc_score

    y = y.astype(bool)
    out: dict[str, Any] = {"clients": len(y), "take_ups": int(y.sum())}
    if y.all() or not y.any():
        return out
    order = np.lexsort((np.random.default_rng(7).random(len(p)), -p))
    top = order[: max(1, len(order) // 10)]
    bins = np.array_split(np.argsort(p, kind="stable"), 10)
    gaps = [abs(p[b].mean() - y[b].mean()) * len(b) for b in bins if len(b)]
    out |= {
        "auc": round(float(roc_auc_score(y, p)), 4),
        "lift_top_decile": round(float(y[top].mean() / y.mean()), 3),
        "brier": round(float(np.mean((p - y) ** 2)), 5),
        "mean_predicted": round(float(p.mean()), 5),
        "observed": round(float(y.mean()), 5),
        "calibration_error": round(float(sum(gaps) / len(y)), 5),
    }
    return out


def beats(model: dict[str, Any], fallback: dict[str, Any]) -> bool:
    """The model's AUC is above the fallback's by more than chance: by at least 1.645 standard
    errors of the model's AUC (Hanley and McNeil, 1982), a one-sided 95% margin that is wide
    when the take-ups are few."""
    a, n1 = model.get("auc"), model.get("take_ups", 0)
    n2 = model.get("clients", 0) - n1
    if a is None or n1 < 1 or n2 < 1:
        return False
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n2 - 1) * (q2 - a * a)) / (n1 * n2)
    margin = 1.645 * float(np.sqrt(max(var, 0.0)))
    model["margin"] = round(margin, 4)
    return bool(a > fallback.get("auc", 0.5) + margin)


@dataclass
class Outcome:
    """What the run learnt of one product."""

    code: str
    method: str  # take-up model | pooled model | look-alike | co-occurrence | popularity
    likelihood: np.ndarray  # per client at the data date
    rate: float  # the take-up (or, for a look-alike, holding) rate the lift is measured against
    fitted: Fitted | None = None
    exclude: str | None = None
    info: dict[str, Any] = field(default_factory=dict)
    #: per client, the response model's chance of a yes over the acceptance rate, where a
    #: response model re-ranks the product (take_up/response.py)
    ratio: np.ndarray | None = None
    #: how clients the run did not learn on are scored (``score``): a pooled model's share of
    #: its family's take-ups, a look-alike's fold models, and the response model with the mean
    #: chance of a yes it re-ranks by and the acceptance rate
    scale: float = 1.0
    folds: list[Fitted] = field(default_factory=list)
    response: tuple[Fitted, float, float] | None = None
    #: a look-alike learnt on every ``sample_stride``-th client id: those are scored out of fold
    sample_stride: int = 1

    def score(
        self, feats: Features, rules: pd.DataFrame, allowed: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The likelihood (and the response ratio, where one re-ranks) of the clients of
        ``feats`` at the data date, by what was learnt: the same numbers ``learn`` gave the
        clients it learnt on (a look-alike scores one of those by the fold model that did not
        see it, as when it learnt, and a client it never saw by the mean of its fold models).
        ``allowed``: the clients the product may be offered to at all; the others get 0."""
        code = self.code
        built: list[pd.DataFrame] = []

        def matrix() -> pd.DataFrame:  # built once, for the model and its response model
            if not built:
                built.append(feats.matrix(0, exclude=code))
            return built[0]

        if self.method in ("take-up model", "pooled model") and self.fitted is not None:
            p = self.fitted.predict(matrix())
            if self.method == "pooled model":
                p = np.minimum(p * self.scale, CAP)
        elif self.method == "look-alike" and self.folds:
            x = matrix().drop(columns=["accepted_before"], errors="ignore")
            each = np.vstack([f.predict(x) for f in self.folds])
            ids = np.asarray(feats.client_ids, dtype="int64")
            seen = ids % self.sample_stride == 0
            own = each[fold_of(ids, self.sample_stride), np.arange(len(ids))]
            p = np.where(seen, own, each.mean(axis=0))
        else:
            lift = rule_lift(feats.held[0], feats.codes, rules, code)
            p = np.minimum(self.rate * lift.clip(max=MAX_RULE_LIFT), CAP)
        ratio = None
        if self.response is not None:
            fitted, mean, rate = self.response
            chance = fitted.predict(matrix())
            p = reweigh(p, chance, mean)
            ratio = chance / max(rate, 1e-9)
        return np.where(allowed, p, 0.0), ratio


def reweigh(likelihood: np.ndarray, chance: np.ndarray, mean: float) -> np.ndarray:
    """A take-up likelihood re-ranked by the chance of a yes over its mean, in odds, as evidence
    adds to a log-odds (a likely client is not pushed past certainty), at most ``CAP``."""
    p = np.clip(likelihood, 1e-9, CAP)
    odds = p / (1 - p) * (chance / mean)
    return np.asarray(np.minimum(odds / (1 + odds), CAP))


def rule_lift(held: np.ndarray, codes: list[str], rules: pd.DataFrame, code: str) -> np.ndarray:
    """Per client, the highest lift of an association rule for ``code`` whose antecedents the
    client holds (1 where none applies)."""
    best = np.ones(len(held))
    if rules.empty:
        return best
    mine = rules[rules["consequent"] == code]
    col = {c: i for i, c in enumerate(codes)}
    for antecedents, lift in zip(mine["antecedents"].tolist(), mine["lift"].tolist(), strict=True):
        mask = np.ones(len(held), dtype=bool)
        for a in antecedents:
            mask &= held[:, col[a]] if a in col else False
        best = np.where(mask, np.maximum(best, float(lift)), best)
    return best


def _sample(n: int, size: int, seed: int) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def learn(
    feats: Features,
    code: str,
    rules: pd.DataFrame,
    params: Parameters,
    allowed: np.ndarray | None = None,
    seed: int = 7,
    stride: int = 1,
) -> Outcome:
    """The product's likelihood for every client at the data date, by the best method the
    bank's data supports, with the backtest that chose it. ``allowed``: the clients the
    product may be offered to at all (its client kinds and segments); the models learn and
    are graded on them only. ``stride``: the clients are every ``stride``-th client id of the
    bank (the run's sample)."""
    j = feats.column(code)
    minimum = params.take_up_min_events
    allowed = np.ones(len(feats.client_ids), dtype=bool) if allowed is None else allowed
    if code not in feats.dated:
        return _look_alike(feats, code, rules, params, allowed, seed, stride)
    pop1 = feats.exists[1] & ~feats.held[1][:, j] & allowed
    pop2 = feats.exists[2] & ~feats.held[2][:, j] & allowed
    y1, y2 = feats.took[1][pop1, j], feats.took[2][pop2, j]
    rate = float(y1.mean()) if len(y1) else 0.0
    info: dict[str, Any] = {"take_ups": int(y1.sum()), "take_ups_before": int(y2.sum())}
    fallback_now = rule_lift(feats.held[0], feats.codes, rules, code)
    method = "co-occurrence" if (fallback_now > 1).any() else "popularity"
    fallback = Outcome(
        code, method, np.minimum(rate * fallback_now.clip(max=MAX_RULE_LIFT), CAP), rate, info=info
    )
    if y1.sum() < minimum or y2.sum() < minimum:
        info["why"] = f"fewer than {minimum} take-ups in a window: the fallback stands in"
        info["why_code"] = "few_take_ups"
        return _pooled(feats, code, rules, params, (pop1, pop2), fallback, seed)
    final = _out_of_time(feats, code, rules, params, (pop1, pop2), (y1, y2), info, seed)
    if final is None:
        return fallback
    now = final.predict(feats.matrix(0, exclude=code))
    return Outcome(code, "take-up model", now, rate, final, code, info)


def _out_of_time(
    feats: Features,
    code: str,
    rules: pd.DataFrame,
    params: Parameters,
    pops: tuple[np.ndarray, np.ndarray],
    targets: tuple[np.ndarray, np.ndarray],
    info: dict[str, Any],
    seed: int,
    whose: str = "",
) -> Fitted | None:
    """A model of ``targets`` (take-up after cut 1 of the clients ``pops[0]``, after cut 2 of
    ``pops[1]``): trained on cut 2, tested on cut 1 beside the product's fallback on the same
    clients, and if it beats it, trained again on cut 1. None (and why, in ``info``) else."""
    (pop1, pop2), (y1, y2) = pops, targets
    x2 = feats.matrix(2, exclude=code)[pop2]
    x1 = feats.matrix(1, exclude=code)[pop1]
    pick = _sample(len(y2), params.propensity_sample, seed)
    trial = fit(x2.iloc[pick], y2[pick], seed)
    if trial is None:
        info["why"] = "too few take-ups to train and calibrate"
        info["why_code"] = "cannot_train"
        return None
    rate2 = float(feats.took[2][pop2, feats.column(code)].mean())
    base = rule_lift(feats.held[1], feats.codes, rules, code)[pop1]
    info["backtest"] = grade(y1, trial.predict(x1))
    info["fallback_backtest"] = grade(y1, np.minimum(rate2 * base.clip(max=MAX_RULE_LIFT), CAP))
    if not beats(info["backtest"], info["fallback_backtest"]):
        model = f"the {whose} pooled model" if whose else "the model"
        info["why"] = f"{model} did not beat the fallback out of time"
        info["why_code"] = "not_better"
        return None
    pick = _sample(len(y1), params.propensity_sample, seed + 1)
    final = fit(x1.iloc[pick], y1[pick], seed + 1)
    if final is None:
        info["why"] = "too few take-ups to train and calibrate"
        info["why_code"] = "cannot_train"
    return final


def _pooled(
    feats: Features,
    code: str,
    rules: pd.DataFrame,
    params: Parameters,
    pops: tuple[np.ndarray, np.ndarray],
    fallback: Outcome,
    seed: int,
) -> Outcome:
    """Too few take-ups of the product alone: a model of taking up any product of its family
    (cards, loans, ...), where the family has enough, scaled by the product's share of the
    family's take-ups. Graded like a product's own model, on the family's take-ups out of
    time against the product's fallback; else the fallback stands in."""
    info = fallback.info
    family = feats.family.get(code)
    members = [c for c in feats.codes if c in feats.dated and feats.family.get(c) == family]
    minimum = params.take_up_min_events
    if len(members) < 2:
        return fallback
    cols = [feats.column(c) for c in members]
    pop1, pop2 = pops
    t1 = feats.took[1][pop1][:, cols].any(axis=1)
    t2 = feats.took[2][pop2][:, cols].any(axis=1)
    info["family_take_ups"] = int(t1.sum())
    info["family_take_ups_before"] = int(t2.sum())
    if t1.sum() < minimum or t2.sum() < minimum:
        return fallback
    final = _out_of_time(feats, code, rules, params, pops, (t1, t2), info, seed, "family's")
    if final is None:
        return fallback
    j = feats.column(code)
    share = float(feats.took[1][pop1, j].sum()) / float(t1.sum())
    info["family_share"] = round(share, 4)
    info["why"] = f"a model of the {family} family's take-ups, scaled by the product's share"
    info.pop("why_code", None)
    now = np.minimum(final.predict(feats.matrix(0, exclude=code)) * share, CAP)
    return Outcome(code, "pooled model", now, fallback.rate, final, code, info, scale=share)


def fold_of(client_ids: np.ndarray, stride: int) -> np.ndarray:
    """A look-alike's fold of each client of a sample of every ``stride``-th client id."""
    return np.asarray((np.asarray(client_ids, dtype="int64") // max(1, stride)) % FOLDS)


def _look_alike(
    feats: Features,
    code: str,
    rules: pd.DataFrame,
    params: Parameters,
    allowed: np.ndarray,
    seed: int,
    stride: int,
) -> Outcome:
    """Holders' look-alike, every client scored by a model trained on the other folds."""
    j = feats.column(code)
    pop = feats.exists[0] & allowed
    y = feats.held[0][:, j]
    rate = float(y[pop].mean()) if pop.any() else 0.0
    info: dict[str, Any] = {"holders": int(y[pop].sum()), "why": "no opening dates: look-alike"}
    # the co-occurrence fallback, without the product itself
    lift = rule_lift(feats.held[0], feats.codes, rules, code)
    fallback = Outcome(
        code,
        "co-occurrence" if (lift > 1).any() else "popularity",
        np.minimum(rate * lift.clip(max=MAX_RULE_LIFT), CAP),
        rate,
        info=info,
    )
    if y[pop].sum() < params.propensity_min_holders or (~y[pop]).sum() < 10:
        info["why"] = f"fewer than {params.propensity_min_holders} holders: the fallback stands in"
        info["why_code"] = "few_holders"
        return fallback
    # an accepted offer of the product all but says the client holds it: left out
    x = feats.matrix(0, exclude=code).drop(columns=["accepted_before"], errors="ignore")
    # a client's fold follows from its id (``fold_of``): a model read back later scores a
    # client it learnt on by the fold model that did not see it
    fold = fold_of(feats.client_ids, stride)
    out = np.full(len(y), np.nan)
    folds = []
    for f in range(FOLDS):
        train = np.flatnonzero(pop & (fold != f))
        pick = train[_sample(len(train), params.propensity_sample, seed + f)]
        model = fit(x.iloc[pick], y[pick], seed + f)
        if model is None:
            return fallback
        folds.append(model)
        out[fold == f] = model.predict(x[fold == f])
    info["backtest"] = grade(y[pop], out[pop])
    info["fallback_backtest"] = grade(y[pop], fallback.likelihood[pop])
    if not beats(info["backtest"], info["fallback_backtest"]):
        info["why"] = "the look-alike did not beat the fallback"
        info["why_code"] = "not_better"
        return fallback
    # the reasons come from the model of the client's own fold's complement: use the last
    # fold's model for explanations only (its scores are not used for anyone it saw)
    return Outcome(
        code, "look-alike", out, rate, model, code, info, folds=folds, sample_stride=stride
    )


def offered_only(outcome: Outcome, allowed: np.ndarray) -> Outcome:
    """``outcome`` with a likelihood of 0 for the clients the product may not be offered to at
    all (its client kinds, segments and ages): a model trained on the others says nothing of
    them, and a company's chance of a personal card is none."""
    outcome.likelihood = np.where(allowed, outcome.likelihood, 0.0)
    return outcome


def learn_all(
    jobs: Iterable[tuple[str, np.ndarray]],
    run: Callable[[str, np.ndarray], Outcome],
) -> dict[str, Outcome]:
    """``run`` for every (product, allowed clients), products side by side, one per core
    (LightGBM lets go of the interpreter while it trains)."""
    todo = list(jobs)
    with ThreadPoolExecutor(max_workers=max(1, min(len(todo), os.cpu_count() or 1))) as pool:
        done = list(pool.map(lambda job: run(*job), todo))
    return {o.code: o for o in done}
