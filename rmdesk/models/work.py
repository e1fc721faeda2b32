"""What people and the engine add: contacts, handovers, visits, flags and their events,
suggestions and their outcomes, KPI weights, training points, scoring runs and scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rmdesk.models.base import BIG_ID, Base, Money, Rate, TimestampMixin, stored_enum
from rmdesk.models.kinds import (
    Channel,
    DeclineReason,
    FlagStatus,
    Severity,
    SuggestionStatus,
    TaskStatus,
    VisitStatus,
)

_REASONS = ", ".join(f"'{r.value}'" for r in DeclineReason)


#: the contacts that carry a product's offer and its answer (a campaign's calls)
ANSWERED = text("offer_result IS NOT NULL AND product_id IS NOT NULL")


class Interaction(TimestampMixin, Base):
    """A contact with a client on any channel; every contact lands in one history."""

    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_interactions_client_at", "client_id", "occurred_at"),
        # the campaign answers by day, for the keep-outs a nightly run sees end (migration 0013)
        Index(
            "ix_interactions_answered_at",
            "occurred_at",
            postgresql_where=ANSWERED,
            sqlite_where=ANSWERED,
        ),
        CheckConstraint("offer_result IN ('accepted', 'declined')", name="offer_result"),
    )
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    source: Mapped[str] = mapped_column(String(32), default="app")
    external_id: Mapped[str | None] = mapped_column(String(64))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[Channel] = mapped_column(stored_enum(Channel, "channel"))
    purpose: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    next_step_due: Mapped[dt.date | None] = mapped_column(Date)
    visit_id: Mapped[int | None] = mapped_column(BIG_ID, ForeignKey("visits.id"))
    #: an imported contact that offered a product, and the client's answer (``accepted`` or
    #: ``declined``; empty when unknown): the response model's pitched outcomes
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    offer_result: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Task(TimestampMixin, Base):
    """Something to do for a client by a day: a contact's next step, or added by hand.

    ``user_id`` is who is to do it (the client's RM, or a head of its branch it was handed
    to); ``snoozed_until`` keeps it off Today until that day without changing when it was due;
    a task is never deleted: it is done or cancelled (docs/tasks.md)."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_user_due", "user_id", "due_on"),)
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the contact whose next step it is (none for a task added by hand)
    interaction_id: Mapped[int | None] = mapped_column(BIG_ID, ForeignKey("interactions.id"))
    title: Mapped[str] = mapped_column(Text)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[TaskStatus] = mapped_column(
        stored_enum(TaskStatus, "task_status"), default=TaskStatus.OPEN
    )
    snoozed_until: Mapped[dt.date | None] = mapped_column(Date)
    #: when it was done or cancelled, by whom, and what came of it (why, for a cancelled one)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ClientHandover(Base):
    """One client handed from one RM to another; the receiving RM holds it from
    ``effective_on``. Scorecards read who held a client in a period from these rows
    (docs/handover.md); rows are only ever added."""

    __tablename__ = "client_handovers"
    __table_args__ = (Index("ix_client_handovers_client_effective", "client_id", "effective_on"),)
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    from_rm_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_rm_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Visit(TimestampMixin, Base):
    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_user_planned", "user_id", "planned_on"),)
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    planned_on: Mapped[dt.date] = mapped_column(Date)
    slot: Mapped[int] = mapped_column(Integer, default=0)  # order in the day's route
    status: Mapped[VisitStatus] = mapped_column(
        stored_enum(VisitStatus, "visit_status"), default=VisitStatus.PROPOSED
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
    severity: Mapped[Severity] = mapped_column(stored_enum(Severity, "severity"))
    status: Mapped[FlagStatus] = mapped_column(
        stored_enum(FlagStatus, "flag_status"), default=FlagStatus.RAISED, index=True
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
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
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
        stored_enum(SuggestionStatus, "suggestion_status"), default=SuggestionStatus.OPEN
    )
    generated_on: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class SuggestionOutcome(Base):
    """One outcome an RM recorded on a suggestion; rows are only ever added (an undo is a
    ``reopened`` row of its own). ``reason`` is why a client declined (``DeclineReason``)."""

    __tablename__ = "suggestion_outcomes"
    __table_args__ = (CheckConstraint(f"reason IN ({_REASONS})", name="reason"),)
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    outcome: Mapped[str] = mapped_column(String(24))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(32))


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


class ScoringModel(Base):
    """The cross-sell model a run learnt for a data month, kept so that every run of the month
    scores with it (docs/scale.md): JSON and LightGBM's own model text, never pickled code."""

    __tablename__ = "scoring_models"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    month: Mapped[dt.date] = mapped_column(Date, index=True)  # the data date's month
    as_of: Mapped[dt.date] = mapped_column(Date)  # the data date it learnt at
    actor: Mapped[str] = mapped_column(String(64))
    #: the parameters it learnt with (a change to any of them learns again)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    info: Mapped[dict[str, Any]] = mapped_column(default=dict)  # per product: method, backtest
    body: Mapped[str] = mapped_column(Text)  # the model, as JSON text


class InputChange(Base):
    """A client some of whose inputs changed (its row, holdings, monthly facts, contacts,
    suggestion outcomes or a person's action on a flag): written by the database's own
    triggers whoever writes, read and cleared by a whole-bank scoring run, which recomputes
    those clients (migration 0012, docs/scale.md). No foreign key: a change outlives a
    client removed in the same breath, harmlessly."""

    __tablename__ = "input_changes"
    #: never reused (SQLite's AUTOINCREMENT): a run clears the changes up to the last it read
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    client_id: Mapped[int] = mapped_column(BigInteger)


#: the share of a ``client_scores`` page PostgreSQL fills with rows (per cent, migration 0014)
SCORE_FILLFACTOR = 50


class ClientScore(Base):
    """A client's trailing-12-month contribution, its parts, ranks and tier as of a data date."""

    __tablename__ = "client_scores"
    #: half of each page left free on PostgreSQL (migration 0014): a nightly run rewrites
    #: nearly every client's ranks, and a new row version that fits on its page is written
    #: there without touching the indexes (a "HOT" update), three times faster
    __table_args__ = {"postgresql_with": {"fillfactor": SCORE_FILLFACTOR}}
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    #: the run that computed the client's figures; a later run that only moved their ranks
    #: (everyone else's contribution moved) leaves it: the ranks are the last run's
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
    #: what the whole run that computed the client's results used (``engine/inputs.overall``:
    #: data month, parameters, products, pricing, model, rules); a run that uses something else
    #: recomputes the client. None: never computed.
    inputs: Mapped[int | None] = mapped_column(BigInteger)
