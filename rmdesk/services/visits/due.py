"""When a client is due for contact, and why: the last contact plus its tier's cadence, brought
forward by an open high flag, a maturing holding or a strong open suggestion (the method:
docs/visit-planner.md). The planner fills RMs' days with the clients found due here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Row,
    func,
    select,
)

from rmdesk.models import Base, ClientStatus, FlagStatus, Severity, SuggestionStatus
from rmdesk.services.common.parameters import Parameters
from rmdesk.services.visits import calendar as words

if TYPE_CHECKING:
    _Row = Row[*tuple[Any, ...]]

T = Base.metadata.tables

# When two rules give the same date, the visit is named for the more pressing one.
PRIORITY = {"flag": 0, "maturity": 1, "suggestion": 2, "cadence": 3}


@dataclass(frozen=True, eq=False)
class Candidate:
    """A client due within the horizon, with the date, purpose and reason the rules gave it."""

    client_id: int
    name: str
    district: str | None
    tier: str
    tier_rank: int
    contribution: int
    due: dt.date
    purpose: str
    reason_zh: str
    reason_en: str

    def key(self) -> tuple[dt.date, int, int, int]:
        return (self.due, self.tier_rank, -self.contribution, self.client_id)


# --- reading the book ----------------------------------------------------------------------


def local_date(value: dt.datetime | None) -> dt.date | None:
    """The business date of a stored time; times without a zone are UTC, as rmdesk stores them."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone().date()


def client_scope(rm_id: int | None, branch_id: int | None, on: dt.date) -> list[Any]:
    """Active clients of an RM or branch who are clients by ``on`` (a later joiner is not due)."""
    clients = T["clients"]
    where: list[Any] = [
        clients.c.status == ClientStatus.ACTIVE,
        clients.c.onboarded_on.is_(None) | (clients.c.onboarded_on <= on),
    ]
    if rm_id is not None:
        where.append(clients.c.rm_id == rm_id)
    if branch_id is not None:
        where.append(clients.c.branch_id == branch_id)
    return where


def client_rows(conn: Connection, scope: list[Any]) -> Sequence[_Row]:
    """Active clients in scope with tier, contribution and the time of their last contact."""
    clients, scores, contacts = T["clients"], T["client_scores"], T["interactions"]
    last = (
        select(contacts.c.client_id, func.max(contacts.c.occurred_at).label("last_at"))
        .join(clients, clients.c.id == contacts.c.client_id)
        .where(*scope)
        .group_by(contacts.c.client_id)
        .subquery()
    )
    query = (
        select(
            clients.c.id.label("client_id"),
            clients.c.external_id,
            clients.c.name,
            clients.c.district,
            clients.c.rm_id,
            clients.c.onboarded_on,
            scores.c.tier,
            scores.c.contribution_minor,
            last.c.last_at,
        )
        .outerjoin(scores, scores.c.client_id == clients.c.id)
        .outerjoin(last, last.c.client_id == clients.c.id)
        .where(*scope)
        .order_by(clients.c.id)
    )
    return conn.execute(query).all()


def tier_of(stored: str | None, params: Parameters) -> tuple[str, int, int]:
    """A client's tier, its rank (0 = best) and cadence; unscored clients get the lowest tier."""
    names = params.tier_names()
    tier = stored or params.lowest_tier()
    known = tier if tier in params.cadence_days else params.lowest_tier()
    return tier, names.index(known), params.cadence_days[known]


def boosters(
    conn: Connection, scope: list[Any], start: dt.date, params: Parameters
) -> tuple[dict[int, list[_Row]], dict[int, _Row], dict[int, _Row]]:
    """Open high flags, the earliest near maturity and the strongest open suggestion per client."""
    clients, flags, holdings = T["clients"], T["risk_flags"], T["holdings"]
    products, suggestions = T["products"], T["suggestions"]
    flag_rows = conn.execute(
        select(flags.c.client_id, flags.c.rule_code, flags.c.raised_on)
        .join(clients, clients.c.id == flags.c.client_id)
        .where(
            *scope,
            flags.c.severity == Severity.HIGH,
            flags.c.status.in_([FlagStatus.RAISED, FlagStatus.ACKNOWLEDGED]),
        )
        .order_by(flags.c.client_id, flags.c.raised_on, flags.c.rule_code)
    ).all()
    maturity_rows = conn.execute(
        select(holdings.c.client_id, holdings.c.maturity_on, products.c.name_zh, products.c.name_en)
        .join(clients, clients.c.id == holdings.c.client_id)
        .join(products, products.c.id == holdings.c.product_id)
        .where(
            *scope,
            holdings.c.closed_on.is_(None),
            holdings.c.maturity_on >= start,
            holdings.c.maturity_on <= start + dt.timedelta(days=params.maturity_days),
        )
        .order_by(holdings.c.client_id, holdings.c.maturity_on, holdings.c.id)
    ).all()
    # The value is in the client's currency: that of its first holding, as scoring takes it.
    currency = (
        select(holdings.c.currency)
        .where(holdings.c.client_id == suggestions.c.client_id)
        .order_by(holdings.c.id)
        .limit(1)
        .scalar_subquery()
    )
    suggestion_rows = conn.execute(
        select(
            suggestions.c.client_id,
            suggestions.c.expected_value_minor,
            products.c.name_zh,
            products.c.name_en,
            func.coalesce(currency, "CNY").label("currency"),
        )
        .join(clients, clients.c.id == suggestions.c.client_id)
        .join(products, products.c.id == suggestions.c.product_id)
        .where(
            *scope,
            suggestions.c.status == SuggestionStatus.OPEN,
            suggestions.c.expected_value_minor >= params.strong_suggestion_minor,
        )
        .order_by(
            suggestions.c.client_id, suggestions.c.expected_value_minor.desc(), suggestions.c.id
        )
    ).all()
    open_flags: dict[int, list[_Row]] = {}
    for flag in flag_rows:
        open_flags.setdefault(int(flag.client_id), []).append(flag)
    maturing: dict[int, _Row] = {}
    for holding in maturity_rows:  # the earliest maturity of each client
        maturing.setdefault(int(holding.client_id), holding)
    strong: dict[int, _Row] = {}
    for offer in suggestion_rows:  # the strongest suggestion of each client
        strong.setdefault(int(offer.client_id), offer)
    return open_flags, maturing, strong


def assess(
    row: _Row,
    flags: list[_Row],
    maturity: _Row | None,
    suggestion: _Row | None,
    start: dt.date,
    params: Parameters,
) -> Candidate:
    """The client's due date, the rule that set it, and the reason in both languages."""
    tier, rank, cadence = tier_of(row.tier, params)
    last = local_date(row.last_at)
    if last is None:  # never contacted: due now, or on the day they join within the plan
        joined = row.onboarded_on
        cadence_due = start if joined is None or joined <= start else joined
    else:
        cadence_due = last + dt.timedelta(days=cadence)
    options = [(cadence_due, PRIORITY["cadence"], "cadence")]
    parts = {"cadence": words.cadence(tier, cadence, last, cadence_due, start)}
    if flags:
        options.append((start, PRIORITY["flag"], "flag"))
        since = min(f.raised_on for f in flags)
        parts["flag"] = words.flag([str(f.rule_code) for f in flags], since)
    if maturity is not None:
        by = maturity.maturity_on - dt.timedelta(days=params.maturity_lead_days)
        options.append((by, PRIORITY["maturity"], "maturity"))
        parts["maturity"] = words.maturity(
            (maturity.name_zh, maturity.name_en), maturity.maturity_on, by
        )
    if suggestion is not None:
        pull = params.suggestion_pull_days
        pulled = cadence_due - dt.timedelta(days=pull)
        options.append((pulled, PRIORITY["suggestion"], "suggestion"))
        parts["suggestion"] = words.suggestion(
            (suggestion.name_zh, suggestion.name_en),
            int(suggestion.expected_value_minor),
            pull,
            str(suggestion.currency),
        )
    due, _, purpose = min(options)
    order = [purpose] + [p for p in PRIORITY if p in parts and p != purpose]
    zh, en = words.join([parts[p] for p in order])
    return Candidate(
        client_id=int(row.client_id),
        name=str(row.name),
        district=row.district or None,
        tier=tier,
        tier_rank=rank,
        contribution=int(row.contribution_minor or 0),
        due=due,
        purpose=purpose,
        reason_zh=zh,
        reason_en=en,
    )


# --- scheduling ----------------------------------------------------------------------------
