"""Eligibility and suitability (适当性): which products may be suggested to which clients.

The one place of the rule (docs/suitability.md), for every (client, product) pair:

1. **client kind** — a product for individuals only (``client_kinds = 'individual'``) is never
   suggested to a company, and the reverse; empty means both;
2. **age** — for an individual, the product's ``min_age`` / ``max_age`` (inclusive); an
   individual of unknown age fails a product that has a limit; a company has no age here;
3. **segment** — a product with a ``segments`` list (comma-separated) is for clients of
   those segments only; empty means every segment;
4. **risk** — for an individual, a product with a risk grade R\\ *n* needs a valid risk
   tolerance assessment of at least C\\ *n* (C\\ *k* may buy up to R\\ *k*). Companies are
   not graded: the C1–C5 assessment is for non-institutional investors; a company's own
   mandate governs what it buys.

The outcome of a pair is ``eligible`` (may be suggested), ``ineligible`` (never: the first of
the checks above it fails, or a *valid* assessment below the product's grade) or
``renew_assessment`` (a graded product and an individual with no valid assessment — none on
file, or expired: a new assessment may allow it, so the RM is told to renew it first).

**Assessment.** Read from the client's attributes (services/common/client_fields.py):
``risk_tolerance`` C1..C5 and ``risk_assessment_expires`` (``YYYY-MM-DD``). The expiry date is
the last day the assessment is valid: on that day it still counts, the day after it has
expired. With no expiry date but a ``risk_assessed_on`` date, it is valid through the same
day a year later (a client not assessed for over a year is assessed again before buying).
A grade outside C1..C5, or a grade with neither date, is no valid assessment.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common.client_fields import RISK_TOLERANCE
from rmdesk.services.common.product_fields import RISK_LEVELS

ELIGIBLE, INELIGIBLE, RENEW = "eligible", "ineligible", "renew_assessment"
#: the outcomes, in the order of their codes in ``Verdict.outcome`` (0, 1, 2)
OUTCOMES = (ELIGIBLE, INELIGIBLE, RENEW)
#: why a pair is not eligible, in the order of their codes in ``Verdict.why`` (0 = eligible):
#: code -> (中文, English)
WHY: dict[str, tuple[str, str]] = {
    "kind": ("产品不面向此类客户", "not offered to this kind of client"),
    "age": ("年龄不在产品范围内或未知", "age outside the product's limits, or unknown"),
    "segment": ("客户分层不在产品范围内", "segment not among the product's"),
    "unsuitable": ("风险承受能力低于产品风险等级", "risk tolerance below the product's grade"),
    "no_assessment": ("尚无有效风险评估", "no valid risk assessment"),
    "expired": ("风险评估已到期", "risk assessment expired"),
}
WHY_CODES = (None, *WHY)
_W = {name: np.int8(i) for i, name in enumerate(WHY_CODES) if name}
#: how long an assessment with only its date lasts
VALID_YEARS = 1
NO_ASSESSMENT_ZH = "尚无有效风险评估，需先完成评估"
NO_ASSESSMENT_EN = "no valid risk assessment on file: assess the client first"
GATE_COLUMNS = ["client_id", "code", "outcome", "why", "reason_zh", "reason_en"]


@dataclass(frozen=True)
class Clients:
    """The clients as the rule reads them, prepared once for ``today`` by ``prepare``."""

    ids: np.ndarray[Any, Any]
    individual: np.ndarray[Any, Any]  # bool
    kind: np.ndarray[Any, Any]  # object: 'individual' | 'corporate' | other
    age: np.ndarray[Any, Any]  # float years, NaN unknown
    segment: pd.Series
    #: 1..5 for a valid assessment C1..C5 on ``today``, 0 for none valid
    tolerance: np.ndarray[Any, Any]
    #: why there is no valid assessment: 0 valid, ``_W['no_assessment']`` or ``_W['expired']``
    lacking: np.ndarray[Any, Any]
    #: the sentence for the RM where the assessment is lacking (None where valid)
    reason_zh: np.ndarray[Any, Any]
    reason_en: np.ndarray[Any, Any]


@dataclass(frozen=True)
class Verdict:
    """One product for every prepared client: ``outcome`` codes (index into ``OUTCOMES``) and
    ``why`` codes (index into ``WHY_CODES``, 0 where eligible), int8 arrays."""

    outcome: np.ndarray[Any, Any]
    why: np.ndarray[Any, Any]

    @property
    def eligible(self) -> np.ndarray[Any, Any]:
        return np.asarray(self.outcome == 0)

    @property
    def renew(self) -> np.ndarray[Any, Any]:
        return np.asarray(self.outcome == 2)


ASSESSMENT_KEYS = ("risk_tolerance", "risk_assessment_expires", "risk_assessed_on")


def _assessments(attributes: pd.Series) -> list[pd.Series]:
    """The assessment's attributes out of the stored dicts (pandas reads dicts in bulk)."""
    values = attributes.tolist()
    for i, value in enumerate(values):
        if isinstance(value, dict):
            continue
        if isinstance(value, str):  # read as text, not through the JSON column type
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        values[i] = value if isinstance(value, dict) else {}
    read = pd.DataFrame(values, columns=list(ASSESSMENT_KEYS), dtype=object)
    return [read[key].reset_index(drop=True) for key in ASSESSMENT_KEYS]


def _days(values: pd.Series) -> np.ndarray[Any, Any]:
    """'YYYY-MM-DD' text, dates or timestamps as datetime64[D]; anything else NaT."""
    text = values.astype(str).str.slice(0, 10)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return parsed.to_numpy(dtype="datetime64[D]")


def prepare(clients: pd.DataFrame, today: dt.date) -> Clients:
    """Read ``clients`` for the rule on ``today``.

    ``clients`` has ``client_id``, ``kind`` ('individual' / 'corporate'), ``age`` (float
    years, NaN unknown), ``segment``, and either the columns ``risk_tolerance`` and
    ``risk_assessment_expires`` (with ``risk_assessed_on`` if known) or the stored
    ``attributes`` dicts they are read from (the columns win when both are there).
    """
    n = len(clients)
    if "risk_tolerance" in clients.columns:
        grade = clients["risk_tolerance"].astype(object)
        expires_raw = clients.get("risk_assessment_expires", pd.Series([None] * n, dtype=object))
        assessed_raw = clients.get("risk_assessed_on", pd.Series([None] * n, dtype=object))
    else:
        attrs = clients.get("attributes", pd.Series([None] * n, dtype=object))
        grade, expires_raw, assessed_raw = _assessments(attrs)
    rank = pd.Series(grade).map({c: i + 1 for i, c in enumerate(RISK_TOLERANCE)})
    rank_arr = rank.fillna(0).to_numpy(dtype="int8")
    expires = _days(pd.Series(expires_raw))
    assessed = _days(pd.Series(assessed_raw))
    a_year_on = (
        pd.Series(assessed.astype("datetime64[ns]")) + pd.DateOffset(years=VALID_YEARS)
    ).to_numpy(dtype="datetime64[D]")
    expires = np.where(np.isnat(expires), a_year_on, expires)
    day = np.datetime64(today, "D")
    dated = ~np.isnat(expires)
    valid = (rank_arr > 0) & dated & (expires >= day)
    expired = (rank_arr > 0) & dated & (expires < day)
    lacking = np.where(valid, 0, np.where(expired, _W["expired"], _W["no_assessment"]))
    reason_zh = np.full(n, None, dtype=object)
    reason_en = np.full(n, None, dtype=object)
    reason_zh[~valid] = NO_ASSESSMENT_ZH
    reason_en[~valid] = NO_ASSESSMENT_EN
    if expired.any():
        # one sentence per distinct date, not per client
        on = pd.Series(pd.DatetimeIndex(expires[expired]).strftime("%Y-%m-%d"))
        dates = on.drop_duplicates()
        zh = {d: f"风险评估已于{d}到期，需先重新评估" for d in dates}
        en = {d: f"risk assessment expired on {d}: renew it first" for d in dates}
        reason_zh[expired] = on.map(zh).to_numpy(dtype=object)
        reason_en[expired] = on.map(en).to_numpy(dtype=object)
    kind = clients["kind"].astype(object).to_numpy()
    return Clients(
        ids=clients["client_id"].to_numpy(),
        individual=kind == "individual",
        kind=kind,
        age=pd.to_numeric(clients["age"], errors="coerce").to_numpy(dtype="float64"),
        segment=clients["segment"].reset_index(drop=True),
        tolerance=np.where(valid, rank_arr, 0).astype("int8"),
        lacking=lacking.astype("int8"),
        reason_zh=reason_zh,
        reason_en=reason_en,
    )


def _given(value: Any) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and np.isnan(value))
        and (value is not pd.NA and value is not pd.NaT)
    )


def check(product: Mapping[Any, Any], clients: Clients) -> Verdict:
    """The rule for one product (a row with ``client_kinds``, ``min_age``, ``max_age``,
    ``segments``, ``risk_level``) and every prepared client."""
    n = len(clients.ids)
    why = np.zeros(n, dtype="int8")

    def fail(mask: np.ndarray[Any, Any], name: str) -> None:
        why[(why == 0) & mask] = _W[name]

    kinds = product.get("client_kinds")
    if _given(kinds) and str(kinds).strip():
        fail(clients.kind != str(kinds).strip(), "kind")
    # comparisons with NaN are False: an unknown age fails either limit
    low: Any = product.get("min_age")
    high: Any = product.get("max_age")
    if _given(low):
        fail(clients.individual & ~(clients.age >= float(low)), "age")
    if _given(high):
        fail(clients.individual & ~(clients.age <= float(high)), "age")
    segments = product.get("segments")
    if _given(segments) and str(segments).strip():
        allowed = {s.strip() for s in str(segments).split(",") if s.strip()}
        fail(~clients.segment.isin(allowed).to_numpy(), "segment")
    level = product.get("risk_level")
    if _given(level) and str(level) in RISK_LEVELS:
        needed = int(str(level)[1])
        graded = clients.individual
        fail(graded & (clients.lacking == _W["expired"]), "expired")
        fail(graded & (clients.lacking == _W["no_assessment"]), "no_assessment")
        fail(graded & (clients.tolerance > 0) & (clients.tolerance < needed), "unsuitable")
    renew = (why == _W["no_assessment"]) | (why == _W["expired"])
    outcome = np.where(why == 0, 0, np.where(renew, 2, 1)).astype("int8")
    return Verdict(outcome, why)


def gate(products: pd.DataFrame, clients: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Every (client, product) pair's outcome on ``today``: one row per pair, clients within
    products (the order of ``products``, then of ``clients``).

    ``products``: code, client_kinds, min_age, max_age, segments, risk_level (family and any
    other column are not read). ``clients``: as ``prepare`` says.

    Returns ``GATE_COLUMNS``: client_id; code; outcome ('eligible', 'ineligible',
    'renew_assessment'); why (None where eligible, else a key of ``WHY``); reason_zh and
    reason_en (the sentence for the RM where the outcome is renew_assessment, else None).
    code, outcome, why and the reasons are categorical, so 100,000 clients × 20 products
    take a fraction of a second and little memory.
    """
    prepared = prepare(clients, today)
    n, codes = len(prepared.ids), [str(c) for c in products["code"]]
    verdicts = [check(row, prepared) for row in products.to_dict("records")]
    outcome = np.concatenate([v.outcome for v in verdicts]) if verdicts else np.array([], "int8")
    why = np.concatenate([v.why for v in verdicts]) if verdicts else np.array([], "int8")
    renew = outcome == 2
    columns: dict[str, Any] = {
        "client_id": np.tile(prepared.ids, len(codes)),
        "code": _categorical(np.repeat(np.arange(len(codes)), n), codes),
        "outcome": _categorical(outcome, list(OUTCOMES)),
        "why": _categorical(why.astype("int16") - 1, list(WHY)),
    }
    for column, reasons in (("reason_zh", prepared.reason_zh), ("reason_en", prepared.reason_en)):
        each, names = pd.factorize(reasons)  # None is -1
        columns[column] = _categorical(np.where(renew, np.tile(each, len(codes)), -1), list(names))
    return pd.DataFrame(columns, columns=GATE_COLUMNS)


def _categorical(codes: np.ndarray[Any, Any], names: list[Any]) -> pd.Categorical:
    """A categorical column from its codes (-1 for none) and its categories."""
    dtype = pd.CategoricalDtype(pd.Index(names, dtype=object))
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int32), dtype=dtype)
