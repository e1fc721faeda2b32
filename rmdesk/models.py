"""The bank's data as rmdesk stores it: SQLAlchemy 2 typed ORM, one class a table.

Money is stored exactly as integer minor units (fen, haléř, cent) in ``*_minor`` columns;
rates and probabilities as ``Numeric``. Nothing in this module knows about Qt.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Rate = Numeric(12, 8)
Money = BigInteger
#: ids of the rows people add by hand (contacts, visits, flag events, outcomes, handovers):
#: 64-bit, so no one can use up the ids (an integer sequence ends at 2,147,483,647)
_BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON}


def _enum(cls: type[enum.Enum], name: str) -> SAEnum:
    # Stored as the value text with a CHECK constraint, the same on SQLite and PostgreSQL.
    return SAEnum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Role(enum.StrEnum):
    RM = "rm"
    BRANCH_HEAD = "branch_head"
    ADMIN = "admin"


class ClientKind(enum.StrEnum):
    INDIVIDUAL = "individual"
    CORPORATE = "corporate"


class ClientStatus(enum.StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"
    CLOSED = "closed"


class ProductFamily(enum.StrEnum):
    DEPOSIT = "deposit"
    LOAN = "loan"
    CARD = "card"
    INVESTMENT = "investment"
    INSURANCE = "insurance"
    SERVICE = "service"


class Channel(enum.StrEnum):
    VISIT = "visit"
    PHONE = "phone"
    COUNTER = "counter"
    ONLINE = "online"
    MOBILE = "mobile"
    EMAIL = "email"


class VisitStatus(enum.StrEnum):
    PROPOSED = "proposed"
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"
    MISSED = "missed"


class Severity(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class FlagStatus(enum.StrEnum):
    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"
    SNOOZED = "snoozed"
    CLOSED = "closed"


class SuggestionStatus(enum.StrEnum):
    OPEN = "open"
    PITCHED = "pitched"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NOT_NOW = "not_now"
    WITHDRAWN = "withdrawn"


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Meta(Base):
    """Facts about the data set as a whole, e.g. its as-of date and where it came from."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ImportBatch(TimestampMixin, Base):
    """One run of an importer: what was read, from where, and what it wrote."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Branch(TimestampMixin, Base):
    __tablename__ = "branches"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    district: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))

    users: Mapped[list[User]] = relationship(back_populates="branch")


class User(TimestampMixin, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    visits_per_day: Mapped[int] = mapped_column(Integer, default=4)
    version: Mapped[int] = mapped_column(Integer, default=1)

    branch: Mapped[Branch | None] = relationship(back_populates="users")
    __mapper_args__ = {"version_id_col": version}


class Client(TimestampMixin, Base):
    __tablename__ = "clients"
    __table_args__ = (UniqueConstraint("source", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ClientKind] = mapped_column(_enum(ClientKind, "client_kind"))
    # personal data: no index, so that no query plan can count rows by them under row-level
    # security (EXPLAIN ANALYZE would, through an index scan); see docs/security.md
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(64))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)  # founding date for corporates
    gender: Mapped[str | None] = mapped_column(String(1))
    district: Mapped[str | None] = mapped_column(String(120))
    segment: Mapped[str] = mapped_column(String(32), default="mass")
    kyc_due: Mapped[dt.date | None] = mapped_column(Date)
    onboarded_on: Mapped[dt.date | None] = mapped_column(Date)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    rm_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[ClientStatus] = mapped_column(
        _enum(ClientStatus, "client_status"), default=ClientStatus.ACTIVE
    )
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)

    holdings: Mapped[list[Holding]] = relationship(back_populates="client")
    rm: Mapped[User | None] = relationship()
    branch: Mapped[Branch | None] = relationship()
    __mapper_args__ = {"version_id_col": version}


class Product(TimestampMixin, Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    family: Mapped[ProductFamily] = mapped_column(_enum(ProductFamily, "product_family"))
    term_months: Mapped[int | None] = mapped_column(Integer)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    segments: Mapped[str | None] = mapped_column(String(200))  # comma list; empty = all
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    pricing: Mapped[list[ProductPricing]] = relationship(
        back_populates="product", order_by="ProductPricing.version"
    )
    __mapper_args__ = {"version_id_col": version}


class ProductPricing(TimestampMixin, Base):
    """A version of a product's pricing parameters; results name the version they used."""

    __tablename__ = "product_pricing"
    __table_args__ = (UniqueConstraint("product_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    version: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    ftp_rate: Mapped[Decimal] = mapped_column(Rate)  # annual, 0.025 = 2.5 %
    client_rate: Mapped[Decimal] = mapped_column(Rate)  # annual
    fee_monthly_minor: Mapped[int] = mapped_column(Money, default=0)
    fee_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0))  # annual, on balance
    cost_to_serve_minor: Mapped[int] = mapped_column(Money, default=0)  # per holding per month
    pd: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0))  # annual probability of default
    lgd: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0))
    changed_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)

    product: Mapped[Product] = relationship(back_populates="pricing")


class Holding(TimestampMixin, Base):
    """A client's account in a product: a deposit, a loan, a card, a policy, a service."""

    __tablename__ = "holdings"
    __table_args__ = (UniqueConstraint("source", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    account_no: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    opened_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    maturity_on: Mapped[dt.date | None] = mapped_column(Date)
    limit_minor: Mapped[int | None] = mapped_column(Money)
    amount_minor: Mapped[int | None] = mapped_column(Money)  # principal, or a standing order
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)

    client: Mapped[Client] = relationship(back_populates="holdings")
    product: Mapped[Product] = relationship()


class MonthlyFact(Base):
    """One holding in one month: the figures contribution and risk rules are computed from."""

    __tablename__ = "monthly_facts"
    __table_args__ = (UniqueConstraint("holding_id", "month"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    holding_id: Mapped[int] = mapped_column(ForeignKey("holdings.id"))
    month: Mapped[dt.date] = mapped_column(Date, index=True)  # first day of the month
    avg_balance_minor: Mapped[int] = mapped_column(Money, default=0)
    interest_minor: Mapped[int] = mapped_column(Money, default=0)
    fees_minor: Mapped[int] = mapped_column(Money, default=0)
    penalty_interest_minor: Mapped[int] = mapped_column(Money, default=0)
    salary_inflow_minor: Mapped[int] = mapped_column(Money, default=0)  # salary or pension
    credit_turnover_minor: Mapped[int] = mapped_column(Money, default=0)
    debit_turnover_minor: Mapped[int] = mapped_column(Money, default=0)
    txn_count: Mapped[int] = mapped_column(Integer, default=0)
    days_past_due: Mapped[int] = mapped_column(Integer, default=0)
    overdraft_days: Mapped[int] = mapped_column(Integer, default=0)


class Transaction(Base):
    """A booked transaction, kept where a source has them (e.g. the Berka trans file)."""

    __tablename__ = "transactions"
    __table_args__ = (Index("ix_transactions_holding_booked", "holding_id", "booked_on"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    holding_id: Mapped[int] = mapped_column(ForeignKey("holdings.id"))
    external_id: Mapped[str | None] = mapped_column(String(64))
    booked_on: Mapped[dt.date] = mapped_column(Date)
    direction: Mapped[str] = mapped_column(String(8))  # credit | debit
    operation: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(32))
    amount_minor: Mapped[int] = mapped_column(Money)
    balance_minor: Mapped[int | None] = mapped_column(Money)
    counterparty_bank: Mapped[str | None] = mapped_column(String(16))
    counterparty_account: Mapped[str | None] = mapped_column(String(32))


class Interaction(TimestampMixin, Base):
    """A contact with a client on any channel; every contact lands in one history."""

    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_interactions_client_at", "client_id", "occurred_at"),
    )
    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    source: Mapped[str] = mapped_column(String(32), default="app")
    external_id: Mapped[str | None] = mapped_column(String(64))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    purpose: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    next_step_due: Mapped[dt.date | None] = mapped_column(Date)
    visit_id: Mapped[int | None] = mapped_column(_BIG_ID, ForeignKey("visits.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ClientHandover(Base):
    """One client handed from one RM to another; the receiving RM holds it from
    ``effective_on``. Scorecards read who held a client in a period from these rows
    (docs/handover.md); rows are only ever added."""

    __tablename__ = "client_handovers"
    __table_args__ = (Index("ix_client_handovers_client_effective", "client_id", "effective_on"),)
    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    from_rm_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_rm_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Visit(TimestampMixin, Base):
    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_user_planned", "user_id", "planned_on"),)
    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    planned_on: Mapped[dt.date] = mapped_column(Date)
    slot: Mapped[int] = mapped_column(Integer, default=0)  # order in the day's route
    status: Mapped[VisitStatus] = mapped_column(
        _enum(VisitStatus, "visit_status"), default=VisitStatus.PROPOSED
    )
    purpose: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)  # why the planner proposed it
    district: Mapped[str | None] = mapped_column(String(120))
    outcome: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class RiskFlag(TimestampMixin, Base):
    __tablename__ = "risk_flags"
    # by client only: with the rule in the index, a plan could count another branch's client's
    # flags of one rule (a 90-days-past-due, say) under row-level security
    __table_args__ = (Index("ix_risk_flags_client_id", "client_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    holding_id: Mapped[int | None] = mapped_column(ForeignKey("holdings.id"))
    rule_code: Mapped[str] = mapped_column(String(48))
    severity: Mapped[Severity] = mapped_column(_enum(Severity, "severity"))
    status: Mapped[FlagStatus] = mapped_column(
        _enum(FlagStatus, "flag_status"), default=FlagStatus.RAISED, index=True
    )
    evidence: Mapped[str] = mapped_column(Text)  # in Chinese
    evidence_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    evidence_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    raised_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    snoozed_until: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    events: Mapped[list[RiskFlagEvent]] = relationship(
        back_populates="flag", order_by="RiskFlagEvent.id"
    )
    __mapper_args__ = {"version_id_col": version}


class RiskFlagEvent(Base):
    """One change in a flag's life; rows are only ever added."""

    __tablename__ = "risk_flag_events"
    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("risk_flags.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None = the system
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)

    flag: Mapped[RiskFlag] = relationship(back_populates="events")


class Suggestion(TimestampMixin, Base):
    __tablename__ = "suggestions"
    __table_args__ = (Index("ix_suggestions_client_product", "client_id", "product_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    rank: Mapped[int] = mapped_column(Integer, default=1)
    likelihood: Mapped[Decimal] = mapped_column(Rate)
    expected_value_minor: Mapped[int] = mapped_column(Money)
    reason_zh: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    evidence_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[SuggestionStatus] = mapped_column(
        _enum(SuggestionStatus, "suggestion_status"), default=SuggestionStatus.OPEN
    )
    generated_on: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class SuggestionOutcome(Base):
    __tablename__ = "suggestion_outcomes"
    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    outcome: Mapped[str] = mapped_column(String(24))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)


class KpiWeight(TimestampMixin, Base):
    """A scorecard KPI's weight, target and penalty, optionally for one branch."""

    __tablename__ = "kpi_weights"
    __table_args__ = (UniqueConstraint("kpi", "branch_id", "valid_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kpi: Mapped[str] = mapped_column(String(48))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    weight: Mapped[Decimal] = mapped_column(Rate)
    target: Mapped[Decimal | None] = mapped_column(Numeric(20, 6))
    penalty: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0))


class TrainingPoints(TimestampMixin, Base):
    __tablename__ = "training_points"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    earned_on: Mapped[dt.date] = mapped_column(Date)
    course: Mapped[str] = mapped_column(String(200))
    points: Mapped[int] = mapped_column(Integer)


class ScoringRun(Base):
    """One run of the nightly scoring: its data date, scope, parameters and pricing versions."""

    __tablename__ = "scoring_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    as_of: Mapped[dt.date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(64))  # "bank", "branch:B01", "rm:rm01"
    actor: Mapped[str] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    pricing: Mapped[dict[str, Any]] = mapped_column(default=dict)  # product -> versions used
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ClientScore(Base):
    """A client's trailing-12-month contribution, its parts, ranks and tier as of a data date."""

    __tablename__ = "client_scores"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id"), index=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    contribution_minor: Mapped[int] = mapped_column(Money)  # trailing 12 months
    previous_minor: Mapped[int] = mapped_column(Money)  # the 12 months before
    growth: Mapped[Decimal | None] = mapped_column(Numeric(18, 8))  # None: base not positive
    deposit_margin_minor: Mapped[int] = mapped_column(Money)
    loan_margin_minor: Mapped[int] = mapped_column(Money)
    fees_minor: Mapped[int] = mapped_column(Money)
    cost_minor: Mapped[int] = mapped_column(Money)
    expected_loss_minor: Mapped[int] = mapped_column(Money)
    rank_book: Mapped[int | None] = mapped_column(Integer)
    rank_branch: Mapped[int | None] = mapped_column(Integer)
    rank_bank: Mapped[int] = mapped_column(Integer)
    cumulative_share: Mapped[Decimal] = mapped_column(Rate)
    tier: Mapped[str] = mapped_column(String(8), index=True)


class AuditEntry(Base):
    """Who did what: log-ins, views, changes, prints, exports, imports. Append-only."""

    __tablename__ = "audit_log"
    # no INSERT … RETURNING: a login kept to its own entries may add one it may not read back
    # (a failed log-in under another name), see services/security/row_security.py
    __table_args__ = {"implicit_returning": False}
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(64))  # username, or "system" / "cli"
    action: Mapped[str] = mapped_column(String(48))
    entity: Mapped[str | None] = mapped_column(String(48))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    # the database login that wrote the entry (PostgreSQL's session_user; None on SQLite)
    login: Mapped[str | None] = mapped_column(String(64))
    # how ``hash`` is made: None = an unkeyed SHA-256 (before 0004), 2 = HMAC-SHA256 keyed by
    # ``audit_keys`` over the entry and the previous hash (services/audit_chain.py)
    scheme: Mapped[int | None] = mapped_column(SmallInteger)
    # where the entry stands in the chain: given when it is chained (at once on SQLite and for
    # the owner's entries; a person's own login's entries by the next chaining, see audit.py)
    position: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), unique=True
    )


class AuditKey(Base):
    """The audit chain's HMAC key. On PostgreSQL only the schema's owner can read it; the
    entries are added and checked by functions that run as the owner (docs/security.md)."""

    __tablename__ = "audit_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    secret: Mapped[str] = mapped_column(String(128))  # hex
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class WriteLock(Base):
    """An empty table whose lock writers take in turn on PostgreSQL (``db.write_transaction``):
    unlike an advisory lock, it is held only inside a transaction, which the server ends when
    a login leaves it idle (docs/security.md)."""

    __tablename__ = "write_locks"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)


class DbLogin(Base):
    """A PostgreSQL login and the rmdesk user it is: written by the schema's owner only
    (``rmdesk-cli pg-security login``), read by the functions that tell who a session is."""

    __tablename__ = "db_logins"
    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


#: Columns no one reads but the log-in itself: never exported, never granted to a person's
#: own database login, never selected by the services that act on users.
SECRET_COLUMNS: dict[str, frozenset[str]] = {"users": frozenset({"password_hash"})}


def readable_columns(table: str) -> list[Any]:
    """The columns of ``table`` a person's own login may read."""
    hidden = SECRET_COLUMNS.get(table, frozenset())
    return [c for c in Base.metadata.tables[table].columns if c.name not in hidden]


#: Tables in the order they can be filled (parents first); used by export and info.
TABLES_IN_ORDER = [t.name for t in Base.metadata.sorted_tables]
