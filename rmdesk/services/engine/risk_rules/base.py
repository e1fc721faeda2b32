"""What a risk rule is: its code, its parameters, how it finds its rows, and its evidence.

A rule is one ``Rule`` object. ``find`` reads the facts of one data date (``Facts``: one row per
holding and one per client) and returns the rows it flags with the numbers that triggered each;
``says`` turns those numbers into the evidence sentence in Chinese and English. ``evaluate``
puts the two together into conditions (``CONDITION_COLUMNS``) that ``risk_flags.reconcile``
stores. The ordered registry of every rule is ``risk_rules.RULES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common import formatting
from rmdesk.services.common.parameters import DEFAULTS, Parameters

#: the columns of the conditions the rules find, as risk_flags.reconcile reads them
CONDITION_COLUMNS = ["client_id", "holding_id", "rule_code", "severity", "data", "zh", "en"]
CATEGORIES = ("credit", "attrition", "compliance", "event", "engagement")
SEVERITIES = ("low", "medium", "high")


@dataclass
class Inputs:
    """What the rules read; ``holdings`` has one row per holding, features joined in."""

    as_of: dt.date
    holdings: pd.DataFrame  # holding features + client_id, code, family, limit, closed, maturity
    clients: pd.DataFrame  # client_id, kyc_due, tier, onboarded_on, last_contact, currency
    params: Parameters


class Facts:
    """The rules' view of ``Inputs``: the frames, the parameters, and what several rules share
    (which holdings are open on the data date, which have figures for its month)."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.as_of = inputs.as_of
        self.day = pd.Timestamp(inputs.as_of)
        self.h = inputs.holdings
        self.c = inputs.clients
        self.p = inputs.params

    @cached_property
    def is_open(self) -> pd.Series:
        """Holdings open on the data date."""
        h = self.h
        opened = pd.to_datetime(h["opened_on"]) if "opened_on" in h else pd.Series(pd.NaT, h.index)
        shut = pd.to_datetime(h["closed_on"])
        return (opened.isna() | (opened <= self.day)) & (shut.isna() | (shut > self.day))

    @cached_property
    def current(self) -> pd.Series:
        """Holdings whose last month of figures is the data date's month."""
        last = self.h["last_month"]
        return last.notna() & (last == self.as_of.replace(day=1))


@dataclass(frozen=True)
class Param:
    """A setting a rule reads: its name in the rule, and the bank parameter that holds it
    (``part``: which of the values of a parameter that holds several, e.g. ``dpd_levels``)."""

    name: str
    reads: str
    part: int | None = None

    def value(self, params: Parameters) -> Any:
        held = getattr(params, self.reads)
        return held if self.part is None else held[self.part]

    @property
    def default(self) -> Any:
        return self.value(DEFAULTS)


@dataclass(frozen=True)
class Found:
    """What ``find`` returns: the flagged rows (with ``client_id``, and ``holding_id`` for a
    rule per holding), the numbers of each as columns, and a severity per row when the rule
    escalates (else the rule's own)."""

    rows: pd.DataFrame
    numbers: pd.DataFrame
    severity: Any = None


@dataclass(frozen=True)
class Words:
    """What ``says`` gets besides the numbers: amounts and shares written for a currency."""

    currency: str

    def money(self, minor: float, language: str) -> str:
        return formatting.money(minor, self.currency, language)

    @staticmethod
    def percent(share: float, language: str) -> str:
        return formatting.percent(share, language)


@dataclass(frozen=True)
class Rule:
    """One risk rule (风险预警规则); adding a rule is adding one of these to ``RULES``."""

    code: str
    category: str  # one of CATEGORIES
    severity: str  # the usual severity; a rule may escalate a row (``Found.severity``)
    name_zh: str
    name_en: str
    #: the condition in the docs' words, with its defaults
    condition: str
    parameters: tuple[Param, ...]
    find: Callable[[Facts], Found]
    says: Callable[[Mapping[str, Any], Words], tuple[str, str]]
    #: "holding": one flag per holding; "client": one per client
    per: str = "client"
    #: how the severity escalates, in the docs' words ("" when it does not)
    escalates: str = ""

    def evaluate(self, facts: Facts | Inputs) -> pd.DataFrame:
        """The conditions this rule finds (``CONDITION_COLUMNS``), evidence in both languages."""
        facts = facts if isinstance(facts, Facts) else Facts(facts)
        found = self.find(facts)
        severity = self.severity if found.severity is None else found.severity
        out = conditions(found.rows, self.code, severity, found.numbers)
        if not len(out):
            return pd.DataFrame(columns=CONDITION_COLUMNS)
        return with_evidence(out, facts.c, {self.code: self})


def conditions(rows: pd.DataFrame, code: str, severity: Any, data: pd.DataFrame) -> pd.DataFrame:
    """The rows a rule flagged as conditions, their numbers in ``data`` (not yet evidence)."""
    out = pd.DataFrame(
        {
            "client_id": rows["client_id"].to_numpy(),
            "holding_id": rows["holding_id"].to_numpy() if "holding_id" in rows else 0,
            "rule_code": code,
            "severity": severity,
        }
    )
    records = data.to_dict("records") if len(data) else []
    out["data"] = pd.Series(records, index=out.index, dtype=object)
    return out


def with_evidence(
    found: pd.DataFrame, clients: pd.DataFrame, rules: Mapping[str, Rule]
) -> pd.DataFrame:
    """Conditions with plain JSON numbers and the evidence sentences, in the client's currency."""
    out = found.reset_index(drop=True)
    out["holding_id"] = out["holding_id"].fillna(0).astype("int64")
    out["data"] = pd.Series([plain(d) for d in out["data"]], index=out.index, dtype=object)
    currency = clients.set_index("client_id")["currency"]
    cur = out["client_id"].map(currency).fillna("CNY")
    texts = [
        rules[code].says(data, Words(str(cc)))
        for code, data, cc in zip(out["rule_code"], out["data"], cur, strict=True)
    ]
    out["zh"] = [t[0] for t in texts]
    out["en"] = [t[1] for t in texts]
    return out[CONDITION_COLUMNS]


def plain(data: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready numbers (numpy scalars become Python ones)."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, np.integer):
            out[k] = int(v)
        elif isinstance(v, np.floating):
            out[k] = float(v)
        else:
            out[k] = v
    return out
