"""What a generic file may carry: each file's columns, and the declared client fields
(rmdesk/services/common/client_fields.py) as optional columns of the clients file. A column no
format declares is not read, and the import says so (a warning, not a refusal: the rest of the
file is good, and an extract often carries a column rmdesk has no use for).

A field is an optional column of the generic clients file under the field's own name. A choice
accepts its code, its English label and its Chinese label (any case); a risk grade also its
Chinese word alone (``C3 平衡型``, ``C3`` and ``平衡型`` are all C3). A date takes every format
the importer reads and is stored as ``YYYY-MM-DD``; an integer is checked against its bounds.
An empty cell is an unknown value: the key is left out of the client's attributes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common import contact_details
from rmdesk.services.common.client_fields import FIELDS, Field
from rmdesk.services.data.importing.dataset import PRODUCT_RULE_COLUMNS
from rmdesk.services.data.importing.problems import Problem, quote
from rmdesk.services.data.importing.tables import Checker, Table

#: The columns of each file of the generic format, as docs/import-format.md lists them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "branches": ("code", "name", "district", "region"),
    "users": ("username", "display_name", "role", "branch_code", "visits_per_day"),
    "products": (
        "code",
        "name_zh",
        "name_en",
        "family",
        "term_months",
        "min_age",
        "max_age",
        "segments",
        "ftp_rate",
        "client_rate",
        "fee_monthly",
        "cost_to_serve",
        "fee_rate",
        "pd",
        "lgd",
        "valid_from",
        *PRODUCT_RULE_COLUMNS,
    ),
    "clients": (
        "client_id",
        "name",
        "kind",
        "id_number",
        "birth_date",
        "gender",
        "district",
        "segment",
        "kyc_due",
        "onboarded_on",
        "branch_code",
        "rm_username",
        "status",
        *contact_details.NAMES,
        *FIELDS,
    ),
    "holdings": (
        "holding_id",
        "client_id",
        "product_code",
        "account_no",
        "currency",
        "opened_on",
        "closed_on",
        "maturity_on",
        "limit",
        "amount",
    ),
    "monthly_facts": (
        "holding_id",
        "month",
        "avg_balance",
        "interest",
        "fees",
        "penalty_interest",
        "salary_inflow",
        "credit_turnover",
        "debit_turnover",
        "txn_count",
        "days_past_due",
        "overdraft_days",
    ),
    "interactions": (
        "interaction_id",
        "client_id",
        "occurred_at",
        "channel",
        "username",
        "purpose",
        "outcome",
        "notes",
        "next_step",
        "next_step_due",
        "product_code",
        "offer_result",
    ),
    "contact_persons": (
        "client_id",
        "name",
        "title",
        "mobile",
        "phone",
        "email",
        "decision_maker",
    ),
}
#: Unknown columns named one by one per file; past this many, the rest are counted.
LISTED_UNKNOWN = 20


def spellings(f: Field) -> dict[str, str]:
    """Every accepted spelling of a choice field's codes (lowercase) → the code."""
    out: dict[str, str] = {}
    for code, zh, en in f.choices:
        for word in (code, en, zh, zh.split(" ", 1)[-1]):
            out.setdefault(word.strip().lower(), code)
    return out


def read_attributes(c: Checker) -> list[dict[str, Any]]:
    """Each row's declared fields as a client's attributes; a bad cell is a problem."""
    table = c.table
    columns: dict[str, np.ndarray] = {}
    for f in FIELDS.values():
        if not table.has(f.name):
            continue
        if f.kind == "choice":
            values = c.choice(f.name, spellings(f))
        elif f.kind == "integer":
            number = c.integer(f.name, minimum=f.minimum, maximum=f.maximum)
            values = pd.Series([None if pd.isna(v) else int(v) for v in number], dtype=object)
        else:
            day = c.date(f.name)
            values = day.dt.strftime("%Y-%m-%d").where(day.notna(), None)
        columns[f.name] = np.asarray(values.astype(object).where(values.notna(), None))
    if not columns:
        return [{} for _ in range(len(table))]
    names = list(columns)
    return [
        {k: v for k, v in zip(names, row, strict=True) if v is not None}
        for row in zip(*columns.values(), strict=True)
    ]


def undeclared(table: Table, declared: Iterable[str]) -> list[Problem]:
    """A warning for each column of ``table`` that its format does not know: it is not read."""
    known = set(declared)
    unknown = [str(col) for col in table.frame.columns if str(col) not in known]
    said = [
        Problem(
            table.name,
            None,
            None,
            f"column {quote(col)} is not part of the format and was not imported",
        )
        for col in unknown[:LISTED_UNKNOWN]
    ]
    if len(unknown) > LISTED_UNKNOWN:
        more = len(unknown) - LISTED_UNKNOWN
        said.append(Problem(table.name, None, None, f"and {more} more such columns, not imported"))
    return said
