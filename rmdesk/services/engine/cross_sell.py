"""Cross-sell suggestions (交叉销售): products a client does not hold, ranked by expected value.

Three layers (docs/cross-sell.md):
1. eligibility — client kind, age and segment limits of the product, KYC up to date, no new
   credit while a high-severity credit flag is open, nothing declined or put off recently,
   active products with a value only;
2. likelihood — the chance the client takes the product up within the horizon: a calibrated
   take-up model per product (engine/take_up) where it beats its fallback out of time, else
   the fallback: the product's take-up rate scaled by the lift of the best association rule
   (mined across the bank's holdings with mlxtend's FP-growth) the client matches;
3. value — expected value = likelihood × the product's typical trailing-12-month contribution
   per holding; kept where the likelihood is at least ``suggestion_min_lift`` times the
   product's take-up rate and the value reaches the client's tier minimum.
Every suggestion carries its reasons (engine/reasons) and the numbers behind them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common.parameters import Parameters
from rmdesk.services.engine import reasons, suitability

CREDIT_FAMILIES = {"loan", "card"}


def mine_rules(matrix: pd.DataFrame, params: Parameters) -> pd.DataFrame:
    """Association rules with one product as consequent, filtered by the thresholds."""
    columns = ["antecedents", "consequent", "support", "confidence", "lift", "count"]
    if matrix.empty or matrix.shape[1] < 2:
        return pd.DataFrame(columns=columns)
    from mlxtend.frequent_patterns import association_rules, fpgrowth

    items = matrix.loc[:, matrix.any()]
    frequent = fpgrowth(
        items,
        min_support=params.rule_min_support,
        use_colnames=True,
        max_len=params.rule_max_antecedent + 1,
    )
    if frequent.empty or frequent["itemsets"].map(len).max() < 2:
        return pd.DataFrame(columns=columns)
    with np.errstate(divide="ignore", invalid="ignore"):
        # mlxtend also computes metrics we do not use (certainty, conviction); they divide by
        # zero for a product every client holds
        rules = association_rules(
            frequent, num_itemsets=len(items), metric="confidence", min_threshold=0.0
        )
    rules = rules[
        (rules["consequents"].map(len) == 1)
        & (rules["confidence"] >= params.rule_min_confidence)
        & (rules["lift"] >= params.rule_min_lift)
    ]
    out = pd.DataFrame(
        {
            "antecedents": [tuple(sorted(a)) for a in rules["antecedents"]],
            "consequent": [next(iter(c)) for c in rules["consequents"]],
            "support": rules["support"].to_numpy(),
            "confidence": rules["confidence"].to_numpy(),
            "lift": rules["lift"].to_numpy(),
        }
    )
    out["count"] = (out["support"] * len(items)).round().astype("int64")
    return out.sort_values(
        ["consequent", "lift", "confidence", "antecedents"],
        ascending=[True, False, False, True],
        ignore_index=True,
    )


def best_rules(matrix: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """For every client and consequent, the applicable rule with the highest lift.

    Returns client_id, consequent, and that rule's columns; rules apply when the client holds
    every antecedent and does not hold the consequent.
    """
    parts = []
    held: np.ndarray[Any, Any] = matrix.to_numpy(dtype=bool)
    col = {str(c): i for i, c in enumerate(matrix.columns)}
    for rec in rules.to_dict("records"):  # sorted: best lift first per consequent
        rule = SimpleNamespace(**{str(k): v for k, v in rec.items()})
        mask = ~held[:, col[str(rule.consequent)]]
        for a in rule.antecedents:
            mask &= held[:, col[str(a)]]
        if mask.any():
            parts.append(
                pd.DataFrame(
                    {
                        "client_id": matrix.index.to_numpy()[mask],
                        "consequent": rule.consequent,
                        "antecedents": [rule.antecedents] * int(mask.sum()),
                        "support": rule.support,
                        "confidence": rule.confidence,
                        "lift": rule.lift,
                    }
                )
            )
    if not parts:
        return pd.DataFrame(
            columns=["client_id", "consequent", "antecedents", "support", "confidence", "lift"]
        )
    every = pd.concat(parts, ignore_index=True)
    return every.drop_duplicates(["client_id", "consequent"], keep="first")


def typical_contribution(per_holding: pd.DataFrame, code_of: pd.Series) -> pd.Series:
    """Median trailing-12-month contribution per holding of each product (full-year holdings;
    holdings with fewer months are scaled to a year where no full-year holding exists)."""
    frame = per_holding.assign(code=per_holding["product_id"].map(code_of))
    full = frame[frame["months_cur"] >= 12]
    median_full = full.groupby("code")["contribution_cur"].median()
    part = frame[frame["months_cur"] > 0]
    scaled = (part["contribution_cur"] * 12 / part["months_cur"]).groupby(part["code"]).median()
    counts = full.groupby("code").size()
    return median_full.where(counts.reindex(median_full.index).fillna(0) >= 10).combine_first(
        scaled
    )


SUGGESTION_COLUMNS = [
    "client_id",
    "product_id",
    "rank",
    "likelihood",
    "expected_value_minor",
    "reason_zh",
    "reason_en",
    "evidence_data",
]


@dataclass
class Model:
    """What the bank-wide layers learned in this run, reused for every batch of clients."""

    matrix: pd.DataFrame  # clients × codes held at the data date
    rules: pd.DataFrame
    best: pd.DataFrame
    propensity: pd.DataFrame  # clients × codes: the likelihood of taking it up
    model_info: dict[str, dict[str, Any]]
    typical: pd.Series  # code -> minor units a year
    base_rate: pd.Series  # code -> the take-up rate the lift is measured against
    outcomes: dict[str, Any] = field(default_factory=dict)  # code -> take_up.models.Outcome
    features: Any = None  # take_up.features.Features
    peer_share: pd.DataFrame | None = None  # segment × code: share holding it

    def best_index(self) -> pd.DataFrame:
        """The quoted rules indexed by (client, product), built once per run."""
        cached = self.__dict__.get("_best_index")
        if cached is None:
            cached = self.best.set_index(["client_id", "consequent"])
            self.__dict__["_best_index"] = cached
        return cached


def eligible(
    products: pd.DataFrame,
    clients: pd.DataFrame,
    model: Model,
    blocked_credit: set[int],
    today: dt.date,
) -> list[tuple[str, Any, np.ndarray, np.ndarray, suitability.Clients]]:
    """Per active product with a value, the clients it may be suggested to: the suitability
    rule lets it (eligible, or eligible once the risk assessment is renewed: the second mask),
    not held, KYC current, no new credit under an open high credit flag."""
    ids = clients["client_id"].to_numpy()
    held = model.matrix.reindex(ids, fill_value=False)
    prepared = suitability.prepare(clients, today)
    out = []
    for info in products.to_dict("records"):
        code = str(info["code"])
        typical = float(model.typical.get(code, np.nan))
        if not bool(info["active"]) or not np.isfinite(typical) or typical <= 0:
            continue
        verdict = suitability.check(info, prepared)
        ok = ~held[code].to_numpy() if code in held.columns else np.ones(len(ids), dtype=bool)
        ok &= clients["kyc_ok"].to_numpy(dtype=bool) & (verdict.eligible | verdict.renew)
        if info["family"] in CREDIT_FAMILIES:
            ok &= ~np.isin(ids, list(blocked_credit))
        if ok.any():
            out.append((code, info, ok, verdict.renew, prepared))
    return out


def suggest(
    model: Model,
    products: pd.DataFrame,
    clients: pd.DataFrame,
    blocked_credit: set[int],
    recent_outcomes: pd.DataFrame,
    params: Parameters,
    today: dt.date,
) -> pd.DataFrame:
    """The ranked suggestions for ``clients`` (client_id, age, segment, kind, kyc_ok, tier):
    every eligible product whose likelihood is at least ``suggestion_min_lift`` times its
    take-up rate and whose expected value reaches the client's tier minimum, best first: the
    whole ranked list (the client view and the brief show the first
    ``suggestions_per_client``, the export every one)."""
    ids = clients["client_id"].to_numpy()
    rows = []
    for code, info, ok, renew, prepared in eligible(
        products, clients, model, blocked_credit, today
    ):
        sub = pd.DataFrame({"client_id": ids[ok], "segment": clients["segment"].to_numpy()[ok]})
        for lang, said in (("zh", prepared.reason_zh), ("en", prepared.reason_en)):
            sub[f"renew_{lang}"] = [
                s if r else None for s, r in zip(said[ok], renew[ok], strict=True)
            ]
        sub["tier"] = clients["tier"].to_numpy()[ok] if "tier" in clients else None
        sub["code"] = code
        sub["product_id"] = int(info["product_id"])
        sub["typical"] = float(model.typical[code])
        rows.append(sub)
    if not rows:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    cand = pd.concat(rows, ignore_index=True)
    if not recent_outcomes.empty:
        blocked = recent_outcomes[["client_id", "product_id"]].drop_duplicates()
        cand = cand.merge(blocked, how="left", indicator=True)
        cand = cand[cand["_merge"] == "left_only"].drop(columns="_merge")
        if cand.empty:  # every candidate cooled off (a campaign called them all)
            return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    at_row = model.propensity.index.get_indexer(pd.Index(cand["client_id"]))
    at_col = model.propensity.columns.get_indexer(pd.Index(cand["code"]))
    values = model.propensity.to_numpy(dtype="float64")
    found = (at_row >= 0) & (at_col >= 0)
    picked = values[np.maximum(at_row, 0), np.maximum(at_col, 0)]
    likelihood = np.where(found, picked, np.nan)
    cand["rate"] = cand["code"].map(model.base_rate).astype("float64")
    cand["lift"] = likelihood / cand["rate"].where(cand["rate"] > 0)
    cand["likelihood"] = likelihood.round(6)
    cand["expected_value_minor"] = (
        (cand["likelihood"] * cand["typical"]).fillna(0).round().astype("int64")
    )
    floor = (
        cand["tier"].astype(object).map(params.suggestion_min_value_minor).astype("float64")
    ).fillna(0.0)
    cand = cand[
        (cand["expected_value_minor"] > 0)
        & (cand["expected_value_minor"] >= floor)
        & (cand["lift"] >= params.suggestion_min_lift)
    ]
    cand = cand.sort_values(
        ["client_id", "expected_value_minor", "code"], ascending=[True, False, True]
    )
    cand["rank"] = cand.groupby("client_id").cumcount() + 1
    cand = cand.reset_index(drop=True)
    cand["evidence_data"] = reasons.evidence(model, cand)
    return cand[[*SUGGESTION_COLUMNS[:-3], "evidence_data"]]


#: why a product was suggested to nobody in a run (``not_suggested``), in the words of the
#: run's report and docs/cross-sell.md
NO_VALUE = (
    "its holdings earned nothing in the last 12 months (no monthly facts in the window, or a "
    "typical contribution of zero or less), so there is nothing to value a suggestion by"
)
NOBODY = (
    "no client of the scope passed eligibility (not held, KYC current, age, segment, no open "
    "high credit flag, no recent outcome) with a likelihood at least {lift:g} times the "
    "product's take-up rate and an expected value at the client's tier minimum"
)


def not_suggested(
    model: Model, products: pd.DataFrame, suggested: set[int], params: Parameters
) -> dict[str, str]:
    """Each active product that no client of a run was suggested, and why."""
    why: dict[str, str] = {}
    rows = zip(
        products["code"].astype(str), products["product_id"].tolist(), products["active"].tolist(),
        strict=True,
    )  # fmt: skip
    for code, product_id, active in rows:
        if not active or int(product_id) in suggested:
            continue
        typical = float(model.typical.get(code, np.nan))
        if not np.isfinite(typical) or typical <= 0:
            why[code] = NO_VALUE
        else:
            why[code] = NOBODY.format(lift=params.suggestion_min_lift)
            method = model.model_info.get(code, {}).get("method")
            if method:
                why[code] += f" (likelihood from: {method})"
    return dict(sorted(why.items()))
