"""The shape every importer and the demo generator fill in, and the one writer loads.

Rows refer to each other by the source's own keys (branch code, username, client and holding
external ids, product code), never by database ids; the writer resolves them. Big tables
(monthly facts, transactions) may come as a stream of frames so that a million-client bank or a
million-row transaction file never sits in memory whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from rmdesk.services.common import contact_details
from rmdesk.services.data.importing.problems import Problem

BRANCH_COLUMNS = ["code", "name", "district", "region"]
USER_COLUMNS = ["username", "display_name", "role", "branch_code", "password", "visits_per_day"]
CLIENT_COLUMNS = [
    "external_id",
    "kind",
    "name",
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
    "attributes",
    *contact_details.NAMES,
]
PRODUCT_COLUMNS = [
    "code",
    "name_zh",
    "name_en",
    "family",
    "term_months",
    "min_age",
    "max_age",
    "segments",
]
#: who a product is for, its risk grade and its pitch lines (services/common/product_fields):
#: a products frame may leave them out, and then the stored values stay as they are
PRODUCT_RULE_COLUMNS = ["client_kinds", "risk_level", "pitch_zh", "pitch_en"]
PRICING_COLUMNS = [
    "product_code",
    "valid_from",
    "ftp_rate",
    "client_rate",
    "fee_monthly_minor",
    "fee_rate",
    "cost_to_serve_minor",
    "pd",
    "lgd",
    "note",
]
HOLDING_COLUMNS = [
    "external_id",
    "client_external_id",
    "product_code",
    "account_no",
    "currency",
    "opened_on",
    "closed_on",
    "maturity_on",
    "limit_minor",
    "amount_minor",
    "attributes",
]
FACT_COLUMNS = [
    "holding_external_id",
    "month",
    "avg_balance_minor",
    "interest_minor",
    "fees_minor",
    "penalty_interest_minor",
    "salary_inflow_minor",
    "credit_turnover_minor",
    "debit_turnover_minor",
    "txn_count",
    "days_past_due",
    "overdraft_days",
]
TRANSACTION_COLUMNS = [
    "holding_external_id",
    "external_id",
    "booked_on",
    "direction",
    "operation",
    "category",
    "amount_minor",
    "balance_minor",
    "counterparty_bank",
    "counterparty_account",
]
INTERACTION_COLUMNS = [
    "external_id",
    "client_external_id",
    "username",
    "occurred_at",
    "channel",
    "purpose",
    "outcome",
    "notes",
    "next_step",
    "next_step_due",
    "product_code",
    "offer_result",
]
TRAINING_COLUMNS = ["username", "earned_on", "course", "points"]
#: the people at a company client: a client named here gets exactly this list (in this order)
CONTACT_PERSON_COLUMNS = [
    "client_external_id",
    "name",
    "title",
    "mobile",
    "phone",
    "email",
    "decision_maker",
]
#: open and closed tasks from contacts' next steps (the demo bank's; no extract carries them)
TASK_COLUMNS = [
    "interaction_external_id",
    "title",
    "due_on",
    "status",
    "closed_at",
    "note",
]

FrameStream = Callable[[], Iterator[pd.DataFrame]]


def frame(columns: list[str], rows: list[dict[str, object]] | None = None) -> pd.DataFrame:
    """An empty (or filled) frame with exactly ``columns``."""
    return pd.DataFrame(rows or [], columns=columns)


@dataclass
class DataSet:
    """A whole input set from one source, checked and ready to write in one transaction."""

    source: str
    branches: pd.DataFrame = field(default_factory=lambda: frame(BRANCH_COLUMNS))
    users: pd.DataFrame = field(default_factory=lambda: frame(USER_COLUMNS))
    clients: pd.DataFrame = field(default_factory=lambda: frame(CLIENT_COLUMNS))
    products: pd.DataFrame = field(default_factory=lambda: frame(PRODUCT_COLUMNS))
    pricing: pd.DataFrame = field(default_factory=lambda: frame(PRICING_COLUMNS))
    holdings: pd.DataFrame = field(default_factory=lambda: frame(HOLDING_COLUMNS))
    facts: list[pd.DataFrame] | FrameStream = field(default_factory=list)
    transactions: list[pd.DataFrame] | FrameStream = field(default_factory=list)
    interactions: pd.DataFrame = field(default_factory=lambda: frame(INTERACTION_COLUMNS))
    training: pd.DataFrame = field(default_factory=lambda: frame(TRAINING_COLUMNS))
    contact_persons: pd.DataFrame = field(default_factory=lambda: frame(CONTACT_PERSON_COLUMNS))
    tasks: pd.DataFrame = field(default_factory=lambda: frame(TASK_COLUMNS))
    meta: dict[str, str] = field(default_factory=dict)
    #: What the reader did not import but did not refuse either (e.g. a column no format
    #: declares): shown by the command line and the import screen, counted in the batch.
    warnings: list[Problem] = field(default_factory=list)
    #: Rows the set is expected to write to the big streamed tables, for progress bars.
    expected_facts: int = 0
    expected_transactions: int = 0

    def stream(self, name: str) -> Iterator[pd.DataFrame]:
        part: list[pd.DataFrame] | FrameStream = getattr(self, name)
        return iter(part) if isinstance(part, list) else part()

    def counts(self) -> dict[str, int]:
        return {
            "branches": len(self.branches),
            "users": len(self.users),
            "clients": len(self.clients),
            "products": len(self.products),
            "holdings": len(self.holdings),
            "interactions": len(self.interactions),
        }
