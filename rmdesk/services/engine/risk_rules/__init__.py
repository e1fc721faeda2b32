"""The risk rule catalogue (风险预警规则) and its evaluation on one data date.

Each rule is one ``Rule`` object (``base``): its code, category and severity, the parameters it
reads, how it finds its rows in the facts of the data date (the per-holding figures of
``facts_pass``, the holdings, the clients and the last contact per client) and its evidence
sentence in Chinese and English with the numbers that triggered it. The rules live in one module
per family (``credit``, ``attrition``, ``dates``); ``RULES`` is the ordered registry that the
scoring run, the docs' table (``catalogue_table``), the branch's flags screen and every list of
rules read. Adding a rule is adding one ``Rule`` to its family's ``RULES``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from rmdesk.services.engine.risk_rules import attrition, credit, dates
from rmdesk.services.engine.risk_rules.base import (
    CATEGORIES,
    CONDITION_COLUMNS,
    SEVERITIES,
    Facts,
    Found,
    Inputs,
    Param,
    Rule,
    Words,
    conditions,
    with_evidence,
)

__all__ = [
    "BY_CODE",
    "CATEGORIES",
    "CONDITION_COLUMNS",
    "CREDIT_RULES",
    "RULES",
    "SEVERITIES",
    "Facts",
    "Found",
    "Inputs",
    "Param",
    "Rule",
    "Words",
    "catalogue_table",
    "evaluate",
    "evidence",
]

#: every rule, in the order they are evaluated and listed
RULES: tuple[Rule, ...] = (*credit.RULES, *attrition.RULES, *dates.RULES)
BY_CODE = {r.code: r for r in RULES}
#: Open flags of these rules at high severity block new credit suggestions.
CREDIT_RULES = {r.code for r in RULES if r.category == "credit"}


def evaluate(inputs: Inputs) -> pd.DataFrame:
    """Every rule's conditions that hold on the data date, with evidence in both languages."""
    facts = Facts(inputs)
    parts = []
    for rule in RULES:
        found = rule.find(facts)
        severity = rule.severity if found.severity is None else found.severity
        parts.append(conditions(found.rows, rule.code, severity, found.numbers))
    found_any = [x for x in parts if len(x)]
    if not found_any:
        return pd.DataFrame(columns=CONDITION_COLUMNS)
    return with_evidence(pd.concat(found_any, ignore_index=True), inputs.clients, BY_CODE)


def evidence(code: str, data: dict[str, Any], currency: str) -> tuple[str, str]:
    """The evidence sentence of one condition, (Chinese, English)."""
    return BY_CODE[code].says(data, Words(currency))


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def catalogue_table() -> str:
    """The catalogue as the Markdown table of docs/risk-flags.md, defaults from the parameters."""
    lines = [
        "| code | category | per | severity | condition (defaults) | parameters: default |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in RULES:
        severity = f"{r.severity}; {r.escalates}" if r.escalates else r.severity
        params = "; ".join(
            f"{p.name}: `{p.reads}`{'' if p.part is None else f'[{p.part}]'} = {_value(p.default)}"
            for p in r.parameters
        )
        lines.append(
            f"| `{r.code}` | {r.category} | {r.per} | {severity} | {r.condition} "
            f"| {params or '—'} |"
        )
    return "\n".join(lines) + "\n"
