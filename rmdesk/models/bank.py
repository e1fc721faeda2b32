"""The bank's own records: branches, people, clients, products and their pricing, holdings,
monthly facts, transactions, and what was imported when."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rmdesk.models.base import (
    BIG_ID,
    Base,
    Money,
    Rate,
    TimestampMixin,
    attribute_text,
    stored_enum,
)
from rmdesk.models.kinds import ClientKind, ClientStatus, ProductFamily, Role


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
    role: Mapped[Role] = mapped_column(stored_enum(Role, "role"))
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
    kind: Mapped[ClientKind] = mapped_column(stored_enum(ClientKind, "client_kind"))
    # personal data: no index, so that no query plan can count rows by them under row-level
    # security (EXPLAIN ANALYZE would, through an index scan); see docs/security.md
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(64))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)  # founding date for corporates
    gender: Mapped[str | None] = mapped_column(String(1))
    district: Mapped[str | None] = mapped_column(String(120))
    # how to reach the client (personal data too; services/common/contact_details.py)
    mobile: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))  # an office or home landline
    email: Mapped[str | None] = mapped_column(String(200))
    wechat: Mapped[str | None] = mapped_column(String(64))  # a WeChat or WeCom id
    address: Mapped[str | None] = mapped_column(String(300))
    segment: Mapped[str] = mapped_column(String(32), default="mass")
    kyc_due: Mapped[dt.date | None] = mapped_column(Date)
    onboarded_on: Mapped[dt.date | None] = mapped_column(Date)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    rm_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[ClientStatus] = mapped_column(
        stored_enum(ClientStatus, "client_status"), default=ClientStatus.ACTIVE
    )
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)

    holdings: Mapped[list[Holding]] = relationship(back_populates="client")
    rm: Mapped[User | None] = relationship()
    branch: Mapped[Branch | None] = relationship()
    __mapper_args__ = {"version_id_col": version}


#: the risk assessment's dates in a client's attributes (``YYYY-MM-DD``), indexed: a nightly
#: run looks up whose assessment ends near its day (``inputs.expiring``, migration 0015),
#: which without them read every client's attributes each night
ASSESSMENT_DATES = ("risk_assessment_expires", "risk_assessed_on")
for _key in ASSESSMENT_DATES:
    Index(f"ix_clients_{_key}", attribute_text(Client.__table__.c.attributes, _key))


class ContactPerson(TimestampMixin, Base):
    """Someone at a company client the RM deals with: name, title, how to reach them, and
    whether they decide. Personal data, as the client's own details are; rows come from the
    bank's extract (an import replaces a client's list)."""

    __tablename__ = "contact_persons"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # the order the bank lists them
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(120))
    mobile: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(200))
    decision_maker: Mapped[bool] = mapped_column(Boolean, default=False)


class Product(TimestampMixin, Base):
    """A product of the catalogue, with who it may be offered to (docs/suitability.md)."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("client_kinds IN ('individual', 'corporate')", name="client_kinds"),
        CheckConstraint("risk_level IN ('R1', 'R2', 'R3', 'R4', 'R5')", name="risk_level"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    family: Mapped[ProductFamily] = mapped_column(stored_enum(ProductFamily, "product_family"))
    term_months: Mapped[int | None] = mapped_column(Integer)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    segments: Mapped[str | None] = mapped_column(String(200))  # comma list; empty = all
    # None: individuals and companies alike; 'individual' or 'corporate': only those
    client_kinds: Mapped[str | None] = mapped_column(String(16))
    # the bank's risk grade R1 (lowest) .. R5; None for a product with no investment risk
    risk_level: Mapped[str | None] = mapped_column(String(2))
    # what an RM says about it, a few short lines, one per line
    pitch_zh: Mapped[str | None] = mapped_column(Text)
    pitch_en: Mapped[str | None] = mapped_column(Text)
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
