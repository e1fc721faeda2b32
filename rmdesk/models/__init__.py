"""The bank's data as rmdesk stores it: SQLAlchemy 2 typed ORM, one class a table.

Money is stored exactly as integer minor units (fen, haléř, cent) in ``*_minor`` columns;
rates and probabilities as ``Numeric``. Nothing in this package knows about Qt. The tables are
kept by subject: ``bank`` (the bank's own records), ``work`` (what people and the engine add),
``trail`` (the audit trail and the database's own bookkeeping); ``kinds`` holds the fixed
lists, ``base`` the declarative base. Everything is imported from here.
"""

from __future__ import annotations

from rmdesk.models.bank import (
    Branch,
    Client,
    ContactPerson,
    Holding,
    ImportBatch,
    Meta,
    MonthlyFact,
    Product,
    ProductPricing,
    Transaction,
    User,
)
from rmdesk.models.base import BIG_ID, NAMING, Base, Money, Rate, TimestampMixin, stored_enum
from rmdesk.models.kinds import (
    DECLINE_REASONS,
    Channel,
    ClientKind,
    ClientStatus,
    DeclineReason,
    FlagStatus,
    ProductFamily,
    Role,
    Severity,
    SuggestionStatus,
    TaskStatus,
    VisitStatus,
)
from rmdesk.models.trail import (
    SECRET_COLUMNS,
    AuditEntry,
    AuditKey,
    DbLogin,
    WriteLock,
    readable_columns,
)
from rmdesk.models.work import (
    ClientHandover,
    ClientScore,
    InputChange,
    Interaction,
    KpiWeight,
    RiskFlag,
    RiskFlagEvent,
    ScoringModel,
    ScoringRun,
    Suggestion,
    SuggestionOutcome,
    Task,
    TrainingPoints,
    Visit,
)

#: Tables in the order they can be filled (parents first); used by export and info.
TABLES_IN_ORDER = [t.name for t in Base.metadata.sorted_tables]

__all__ = [
    "BIG_ID",
    "DECLINE_REASONS",
    "NAMING",
    "SECRET_COLUMNS",
    "TABLES_IN_ORDER",
    "AuditEntry",
    "AuditKey",
    "Base",
    "Branch",
    "Channel",
    "Client",
    "ClientHandover",
    "ClientKind",
    "ClientScore",
    "ClientStatus",
    "ContactPerson",
    "DbLogin",
    "DeclineReason",
    "FlagStatus",
    "Holding",
    "ImportBatch",
    "InputChange",
    "Interaction",
    "KpiWeight",
    "Meta",
    "Money",
    "MonthlyFact",
    "Product",
    "ProductFamily",
    "ProductPricing",
    "Rate",
    "RiskFlag",
    "RiskFlagEvent",
    "Role",
    "ScoringModel",
    "ScoringRun",
    "Severity",
    "Suggestion",
    "SuggestionOutcome",
    "SuggestionStatus",
    "Task",
    "TaskStatus",
    "TimestampMixin",
    "TrainingPoints",
    "Transaction",
    "User",
    "Visit",
    "VisitStatus",
    "WriteLock",
    "readable_columns",
    "stored_enum",
]
