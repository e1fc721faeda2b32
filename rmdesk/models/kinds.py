"""The fixed lists the bank's data uses (roles, statuses, families, channels), stored as
their value text."""

from __future__ import annotations

import enum


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
