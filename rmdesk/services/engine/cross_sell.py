"""Cross-sell suggestions (交叉销售): products a client does not hold, ranked by expected value.

Three layers (docs/cross-sell.md):
1. eligibility — age and segment limits of the product, KYC up to date, no new credit while a
   high-severity credit flag is open, nothing declined or put off recently, active products only;
2. peer holdings — association rules mined across the bank's open holdings with mlxtend's
   FP-growth (support, confidence, lift; thresholds are parameters);
3. propensity — per product, a scikit-learn logistic regression learned from the bank's own
   holdings and client profile.
likelihood = the propensity where a model could be trained, else the best rule's confidence,
else the share of clients holding the product; expected value = likelihood × the product's
typical trailing-12-month contribution per holding. Every suggestion carries its reason in
Chinese and English with the numbers behind it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common import formatting
from rmdesk.services.common.parameters import Parameters

CREDIT_FAMILIES = {"loan", "card"}


@dataclass
class Products:
    """The catalogue as the engine needs it, indexed by product id."""

    frame: pd.DataFrame  # product_id, code, name_zh, name_en, family, min_age, max_age, segments

    def code(self, product_id: int) -> str:
        return str(self.frame.at[product_id, "code"])


def holdings_matrix(open_holdings: pd.DataFrame, client_ids: np.ndarray) -> pd.DataFrame:
    """Clients × product codes, True where the client holds the product (an open holding)."""
    codes = sorted({str(c) for c in open_holdings["code"]})
    held = np.zeros((len(client_ids), len(codes)), dtype=bool)
    row_of = pd.Index(client_ids).get_indexer(pd.Index(open_holdings["client_id"]))
    col_of = pd.Index(codes).get_indexer(pd.Index(open_holdings["code"].astype(str)))
    known = row_of >= 0
    held[row_of[known], col_of[known]] = True
    return pd.DataFrame(held, index=pd.Index(client_ids, name="client_id"), columns=codes)


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


def profile_features(profile: pd.DataFrame) -> pd.DataFrame:
    """Numbers a model can learn from: age, tenure, log balances, kind and segment dummies."""
    out = pd.DataFrame(index=profile.index)
    out["age"] = profile["age"].fillna(profile["age"].median()).fillna(40.0)
    out["tenure"] = profile["tenure_years"].fillna(0.0)
    out["log_funds"] = np.log1p(profile["funds_minor"].clip(lower=0).astype("float64"))
    out["log_credit"] = np.log1p(profile["credit_minor"].clip(lower=0).astype("float64"))
    out["corporate"] = (profile["kind"] == "corporate").astype("float64")
    for seg in sorted(profile["segment"].dropna().unique()):
        out[f"seg_{seg}"] = (profile["segment"] == seg).astype("float64")
    return out


def propensities(
    matrix: pd.DataFrame, profile: pd.DataFrame, params: Parameters, seed: int = 7
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """P(holds product | other holdings, profile) per client and product, from logistic
    regressions trained on a sample of the bank's clients; products with too few holders get
    no model (their column is NaN)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    base = profile_features(profile.reindex(matrix.index))
    rng = np.random.default_rng(seed)
    n = len(matrix)
    sample = (
        np.sort(rng.choice(n, size=params.propensity_sample, replace=False))
        if n > params.propensity_sample
        else np.arange(n)
    )
    out = pd.DataFrame(np.nan, index=matrix.index, columns=matrix.columns)
    info: dict[str, dict[str, Any]] = {}
    held = matrix.to_numpy(dtype="float64")
    for j, code in enumerate(matrix.columns):
        y = held[sample, j]
        holders = int(y.sum())
        if holders < params.propensity_min_holders or holders > len(sample) - 10:
            info[code] = {"model": None, "holders_in_sample": holders}
            continue
        x_all = np.hstack([np.delete(held, j, axis=1), base.to_numpy(dtype="float64")])
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, C=1.0))
        with warnings.catch_warnings():
            # rare separable products converge slowly; the probabilities are still usable
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(x_all[sample], y)
        out[code] = model.predict_proba(x_all)[:, 1]
        info[code] = {
            "model": "logistic regression",
            "holders_in_sample": holders,
            "sample": len(sample),
            "accuracy": round(float(model.score(x_all[sample], y)), 4),
        }
    return out, info


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

    matrix: pd.DataFrame
    rules: pd.DataFrame
    best: pd.DataFrame
    propensity: pd.DataFrame
    model_info: dict[str, dict[str, Any]]
    typical: pd.Series  # code -> minor units a year
    base_rate: pd.Series  # code -> share of clients holding it

    def best_index(self) -> pd.DataFrame:
        """The quoted rules indexed by (client, product), built once per run."""
        cached = self.__dict__.get("_best_index")
        if cached is None:
            cached = self.best.set_index(["client_id", "consequent"])
            self.__dict__["_best_index"] = cached
        return cached


def suggest(
    model: Model,
    products: pd.DataFrame,
    clients: pd.DataFrame,
    blocked_credit: set[int],
    recent_outcomes: pd.DataFrame,
    params: Parameters,
) -> pd.DataFrame:
    """The top suggestions for ``clients`` (client_id, age, segment, kind, kyc_ok, currency)."""
    ids = clients["client_id"].to_numpy()
    codes = list(products["code"])
    prod = products.set_index("code")
    rows = []
    held = model.matrix.reindex(ids, fill_value=False)
    for code in codes:
        info = prod.loc[code]
        if not bool(info["active"]):
            continue
        typical = float(model.typical.get(code, np.nan))
        if not np.isfinite(typical) or typical <= 0:
            continue
        ok = ~held[code].to_numpy() if code in held.columns else np.ones(len(ids), dtype=bool)
        ok &= clients["kyc_ok"].to_numpy()
        individual = (clients["kind"] == "individual").to_numpy()
        age = clients["age"].to_numpy(dtype="float64")
        if pd.notna(info["min_age"]):
            ok &= ~individual | (np.nan_to_num(age, nan=-1) >= info["min_age"])
        if pd.notna(info["max_age"]):
            ok &= ~individual | (np.nan_to_num(age, nan=999) <= info["max_age"])
        if isinstance(info["segments"], str) and info["segments"].strip():
            allowed = {s.strip() for s in str(info["segments"]).split(",") if s.strip()}
            ok &= clients["segment"].isin(allowed).to_numpy()
        if info["family"] in CREDIT_FAMILIES:
            ok &= ~np.isin(ids, list(blocked_credit))
        if not ok.any():
            continue
        sub = pd.DataFrame({"client_id": ids[ok]})
        sub["code"] = code
        sub["product_id"] = int(info["product_id"])
        sub["typical"] = typical
        rows.append(sub)
    if not rows:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    cand = pd.concat(rows, ignore_index=True)
    if not recent_outcomes.empty:
        blocked = recent_outcomes[["client_id", "product_id"]].drop_duplicates()
        cand = cand.merge(blocked, how="left", indicator=True)
        cand = cand[cand["_merge"] == "left_only"].drop(columns="_merge")
    at_row = model.propensity.index.get_indexer(pd.Index(cand["client_id"]))
    at_col = model.propensity.columns.get_indexer(pd.Index(cand["code"]))
    values = model.propensity.to_numpy(dtype="float64")
    found = (at_row >= 0) & (at_col >= 0)
    picked = values[np.maximum(at_row, 0), np.maximum(at_col, 0)]
    cand["propensity"] = np.where(found, picked, np.nan)
    best = model.best_index()
    keys = pd.MultiIndex.from_arrays([cand["client_id"], cand["code"]])
    quoted = best.reindex(keys)
    for col in ("antecedents", "support", "confidence", "lift"):
        cand[col] = quoted[col].to_numpy()
    cand["base_rate"] = cand["code"].map(model.base_rate).fillna(0.0)
    likelihood = pd.to_numeric(cand["propensity"], errors="coerce").astype("float64")
    for fallback in ("confidence", "base_rate"):
        backup = pd.to_numeric(cand[fallback], errors="coerce").astype("float64")
        likelihood = likelihood.where(likelihood.notna(), backup)
    cand["likelihood"] = likelihood.round(6)
    cand["expected_value_minor"] = (cand["likelihood"] * cand["typical"]).round().astype("int64")
    cand = cand[
        (cand["expected_value_minor"] > 0)
        & (cand["likelihood"] >= params.suggestion_min_likelihood)
    ]
    cand = cand.sort_values(
        ["client_id", "expected_value_minor", "code"], ascending=[True, False, True]
    )
    cand["rank"] = cand.groupby("client_id").cumcount() + 1
    cand = cand[cand["rank"] <= params.suggestions_per_client].reset_index(drop=True)
    cand["evidence_data"] = pd.Series(
        [
            evidence_of(*row)
            for row in zip(  # plain lists: iterating pandas columns costs more than this
                *(
                    cand[c].tolist()
                    for c in (
                        "code",
                        "likelihood",
                        "typical",
                        "antecedents",
                        "support",
                        "confidence",
                        "lift",
                        "propensity",
                        "base_rate",
                    )
                ),
                strict=True,
            )
        ],
        index=cand.index,
        dtype=object,
    )
    return cand[[*SUGGESTION_COLUMNS[:-3], "evidence_data"]]


#: why a product was suggested to nobody in a run (``not_suggested``), in the words of the
#: run's report and docs/cross-sell.md
NO_VALUE = (
    "its holdings earned nothing in the last 12 months (no monthly facts in the window, or a "
    "typical contribution of zero or less), so there is nothing to value a suggestion by"
)
NOBODY = (
    "no client of the scope passed eligibility (not held, KYC current, age, segment, no open "
    "high credit flag, no recent outcome) with a likelihood of at least {floor:.0%}"
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
            why[code] = NOBODY.format(floor=params.suggestion_min_likelihood)
    return dict(sorted(why.items()))


def evidence_of(
    code: str,
    likelihood: float,
    typical: float,
    antecedents: Any,
    support: float,
    confidence: float,
    lift: float,
    propensity: float,
    base_rate: float,
) -> dict[str, Any]:
    """The numbers behind a suggestion, as stored in ``evidence_data``."""
    data: dict[str, Any] = {
        "product": code,
        "likelihood": float(likelihood),
        "typical_minor": round(float(typical)),
    }
    if isinstance(antecedents, tuple):
        data["rule"] = {
            "antecedents": list(antecedents),
            "support": round(float(support), 4),
            "confidence": round(float(confidence), 4),
            "lift": round(float(lift), 3),
        }
    if pd.notna(propensity):
        data["propensity"] = round(float(propensity), 4)
    else:
        data["base_rate"] = round(float(base_rate), 4)
    return data


def describe(
    fresh: pd.DataFrame, products: pd.DataFrame, currency: Mapping[int, str]
) -> tuple[list[str], list[str]]:
    """The reasons (Chinese, English) of the suggestions in ``fresh``, from their numbers.

    ``currency`` is each client's currency by client id (CNY when missing).
    """
    names = {
        str(code): (str(zh), str(en))
        for code, zh, en in zip(
            products["code"], products["name_zh"], products["name_en"], strict=True
        )
    }
    zh, en = [], []
    for client, ev, data in zip(  # plain lists: iterating a pandas column is slower
        fresh["client_id"].tolist(),
        fresh["expected_value_minor"].tolist(),
        fresh["evidence_data"].tolist(),
        strict=True,
    ):
        a, b = reason(data, int(ev), names, currency.get(int(client), "CNY"))
        zh.append(a)
        en.append(b)
    return zh, en


def _name(code: str, names: dict[str, tuple[str, str]], lang: str) -> str:
    return names[code][0 if lang == "zh" else 1]


def reason(
    data: dict[str, Any], expected_value: int, names: dict[str, tuple[str, str]], currency: str
) -> tuple[str, str]:
    """The reason of one suggestion in Chinese and English, from its evidence."""
    code = data["product"]
    rule = data.get("rule")
    out = []
    for lang in formatting.LANGUAGES:
        target = _name(code, names, lang)
        ev = formatting.money(expected_value, currency, lang)
        pct = formatting.percent(data["likelihood"], lang, 0)
        parts = []
        if rule:
            ants = [_name(a, names, lang) for a in rule["antecedents"]]
            conf = formatting.percent(rule["confidence"], lang, 0)
            lift = formatting.number(rule["lift"], lang, 1)
            if lang == "zh":
                both = "两者都有" if len(ants) > 1 else "已持有"
                parts.append(
                    f"持有{'和'.join(ants)}的客户中 {conf} 也持有{target}（提升度 {lift}）；"
                    f"该客户{both}。"
                )
            else:
                held = "holds both" if len(ants) > 1 else "holds it"
                parts.append(
                    f"{conf} of clients who hold {' and '.join(ants)} also hold {target} "
                    f"(lift {lift}); this client {held}."
                )
        if "propensity" in data:
            parts.append(
                f"相似客户模型估计其持有可能性为 {pct}"
                if lang == "zh"
                else f"Clients like this one hold it with a likelihood of {pct} (model)"
            )
        else:
            parts.append(f"估计可能性 {pct}" if lang == "zh" else f"Estimated likelihood {pct}")
        typical = formatting.money(data["typical_minor"], currency, lang)
        parts[-1] += (
            f"；该产品每户年贡献中位数 {typical}，预期价值 {ev}。"
            if lang == "zh"
            else f"; the product's median yearly contribution is {typical}, expected value {ev}."
        )
        out.append("".join(parts) if lang == "zh" else " ".join(parts))
    return out[0], out[1]
