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
    WECHAT = "wechat"
    WECOM = "wecom"
    SMS = "sms"


class VisitStatus(enum.StrEnum):
    PROPOSED = "proposed"
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"
    MISSED = "missed"


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


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


class DeclineReason(enum.StrEnum):
    """Why a client declined a suggested product (docs/cross-sell.md, "Outcomes")."""

    HAS_IT_ELSEWHERE = "has_it_elsewhere"
    NOT_INTERESTED = "not_interested"
    TOO_EXPENSIVE = "too_expensive"
    NO_NEED_NOW = "no_need_now"
    NO_FUNDS = "no_funds"
    RISK_CONCERN = "risk_concern"
    OTHER = "other"


#: each reason's words (Chinese, English), in the order a list offers them
DECLINE_REASONS: dict[DeclineReason, tuple[str, str]] = {
    DeclineReason.HAS_IT_ELSEWHERE: ("已在他行办理", "Has it at another bank"),
    DeclineReason.NOT_INTERESTED: ("不感兴趣", "Not interested"),
    DeclineReason.TOO_EXPENSIVE: ("费用或利率不合适", "Fees or rate not right"),
    DeclineReason.NO_NEED_NOW: ("暂时不需要", "No need for now"),
    DeclineReason.NO_FUNDS: ("资金不足", "Not enough funds"),
    DeclineReason.RISK_CONCERN: ("担心风险", "Worried about the risk"),
    DeclineReason.OTHER: ("其他", "Other"),
}
