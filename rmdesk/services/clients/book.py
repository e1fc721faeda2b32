"""The book of business as a table: one row per client, computed in the database.

Balances are each holding's latest month; deposits count deposit and investment holdings, loans
count loan and card holdings. From the last scoring run: tier, trailing-12-month contribution,
its growth and the rank in the RM's book; open risk flags (raised or acknowledged) with the
worst severity; the top open suggestion; and the next visit in the plan (accepted or
proposed). The last contact and when the next is due by the tier's cadence
(``contact_overdue`` for active clients past it, or never contacted). Rows come ranked by
contribution, the highest first, clients not yet scored last.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, case, func, select

from rmdesk.models import Base, Severity, SuggestionStatus, VisitStatus
from rmdesk.services.common import contact_details, parameters
from rmdesk.services.common.access import Account, guarded
from rmdesk.services.common.parameters import Parameters
from rmdesk.services.engine import risk_flags

T = Base.metadata.tables
BOOK_COLUMNS = [
    "client_id",
    "external_id",
    "name",
    "kind",
    "segment",
    "branch",
    "rm",
    "district",
    "products",
    "deposits_minor",
    "loans_minor",
    "currency",
    "kyc_due",
    "status",
    "tier",
    "contribution_minor",
    "growth",
    "rank_book",
    "open_flags",
    "worst_severity",
    "top_suggestion",
    "top_suggestion_zh",
    "top_suggestion_en",
    "top_suggestion_value_minor",
    "next_visit_on",
    "onboarded_on",
]
#: columns worked out after the query
DERIVED_COLUMNS = ["last_contact", "contact_due", "contact_overdue", "phones", "id_key"]
_SEVERITY_ORDER = [Severity.HIGH, Severity.MEDIUM, Severity.LOW]


def _scoped(query: Any, where: list[Any], client_id: Any) -> Any:
    """``query`` limited to the clients in scope (joined only when there is a scope)."""
    if not where:
        return query
    clients = T["clients"]
    return query.join(clients, clients.c.id == client_id).where(*where)


def _base(where: list[Any]) -> Any:
    clients, branches, users, scores = (
        T["clients"],
        T["branches"],
        T["users"],
        T["client_scores"],
    )
    return (
        select(
            clients.c.id.label("client_id"),
            clients.c.external_id,
            clients.c.name,
            clients.c.kind,
            clients.c.segment,
            branches.c.name.label("branch"),
            users.c.display_name.label("rm"),
            clients.c.district,
            clients.c.mobile,
            clients.c.phone,
            clients.c.id_number,
            clients.c.kyc_due,
            clients.c.status,
            clients.c.onboarded_on,
            scores.c.tier,
            scores.c.contribution_minor,
            scores.c.growth,
            scores.c.rank_book,
        )
        .outerjoin(branches, branches.c.id == clients.c.branch_id)
        .outerjoin(users, users.c.id == clients.c.rm_id)
        .outerjoin(scores, scores.c.client_id == clients.c.id)
        .where(*where)
    )


def _balances(where: list[Any]) -> Any:
    """Per client: live products, deposits and loans at each live holding's latest month, and a
    currency (also for a client whose holdings are all closed)."""
    holdings, facts, products = T["holdings"], T["monthly_facts"], T["products"]
    f2 = facts.alias("f2")
    latest = select(func.max(f2.c.month)).where(f2.c.holding_id == holdings.c.id).scalar_subquery()
    balance = (
        select(facts.c.avg_balance_minor)
        .where(facts.c.holding_id == holdings.c.id, facts.c.month == latest)
        .scalar_subquery()
    )
    family = products.c.family
    live = holdings.c.closed_on.is_(None)
    deposit = family.in_(["deposit", "investment"]) & live
    credit = family.in_(["loan", "card"]) & live
    query = (
        select(
            holdings.c.client_id,
            func.count().filter(live).label("products"),
            func.coalesce(func.sum(case((deposit, balance), else_=0)), 0).label("deposits_minor"),
            func.coalesce(func.sum(case((credit, balance), else_=0)), 0).label("loans_minor"),
            func.max(holdings.c.currency).label("currency"),
        )
        .join(products, products.c.id == holdings.c.product_id)
        .where(
            holdings.c.closed_on.is_(None), family.in_(["deposit", "investment", "loan", "card"])
        )
        .group_by(holdings.c.client_id)
    )
    return _scoped(query, where, holdings.c.client_id)


def _open_flags(where: list[Any]) -> Any:
    """Per client: open flags and the worst severity among them (1 high, 2 medium, 3 low)."""
    f = T["risk_flags"]
    worst = case(*[(f.c.severity == s, i) for i, s in enumerate(_SEVERITY_ORDER, 1)], else_=4)
    query = select(
        f.c.client_id, func.count().label("open_flags"), func.min(worst).label("worst")
    ).where(f.c.status.in_(risk_flags.OPEN))
    return _scoped(query, where, f.c.client_id).group_by(f.c.client_id)


#: a suggestion still to act on: open, or pitched and waiting for the client's answer
LIVE_SUGGESTIONS = (SuggestionStatus.OPEN, SuggestionStatus.PITCHED)


def _top_suggestion(where: list[Any]) -> Any:
    """Per client: the best-ranked suggestion still to act on, with its product (after the
    first is pitched it stays, waiting for the answer; once answered, the next one shows)."""
    s, p = T["suggestions"], T["products"]
    best = (  # the clients in scope only, not the whole bank's suggestions grouped
        _scoped(
            select(s.c.client_id, func.min(s.c.rank).label("best")).where(
                s.c.status.in_(LIVE_SUGGESTIONS)
            ),
            where,
            s.c.client_id,
        )
        .group_by(s.c.client_id)
        .subquery()
    )
    query = (
        select(
            s.c.client_id,
            p.c.code.label("top_suggestion"),
            p.c.name_zh.label("top_suggestion_zh"),
            p.c.name_en.label("top_suggestion_en"),
            s.c.expected_value_minor.label("top_suggestion_value_minor"),
        )
        .join(p, p.c.id == s.c.product_id)
        .join(best, (best.c.client_id == s.c.client_id) & (best.c.best == s.c.rank))
        .where(s.c.status.in_(LIVE_SUGGESTIONS))
    )
    return _scoped(query, where, s.c.client_id)


def _next_visit(where: list[Any], today: dt.date) -> Any:
    v = T["visits"]
    query = select(v.c.client_id, func.min(v.c.planned_on).label("next_visit_on")).where(
        v.c.status.in_([VisitStatus.PLANNED, VisitStatus.PROPOSED]), v.c.planned_on >= today
    )
    return _scoped(query, where, v.c.client_id).group_by(v.c.client_id)


def _last_contact(where: list[Any]) -> Any:
    contacts = T["interactions"]
    query = select(contacts.c.client_id, func.max(contacts.c.occurred_at).label("last_contact_at"))
    return _scoped(query, where, contacts.c.client_id).group_by(contacts.c.client_id)


def _frame(conn: Any, query: Any) -> pd.DataFrame:
    result = conn.execute(query)
    return pd.DataFrame.from_records([tuple(r) for r in result], columns=list(result.keys()))


def _contact_due(frame: pd.DataFrame, params: Parameters, today: dt.date) -> None:
    """Add the last contact's date, when the next is due (tier cadence) and whether it is late."""
    at = pd.to_datetime(frame["last_contact_at"], utc=True)
    frame["last_contact"] = at.dt.tz_convert(None).dt.normalize()
    lowest = params.lowest_tier()
    cadence = frame["tier"].map(params.cadence_days).fillna(params.cadence_days[lowest])
    frame["contact_due"] = frame["last_contact"] + pd.to_timedelta(cadence, unit="D")
    day = pd.Timestamp(today)
    joined = frame["onboarded_on"].isna() | (frame["onboarded_on"] <= day)
    late = frame["contact_due"].isna() | (frame["contact_due"] < day)
    frame["contact_overdue"] = (frame["status"] == "active") & joined & late


@guarded("scope", "rm_id,branch_id")
def client_book(
    engine: Engine,
    *,
    rm_id: int | None = None,
    branch_id: int | None = None,
    today: dt.date | None = None,
    first: int | None = None,
    who: Account,
) -> pd.DataFrame:
    """The clients of one RM, one branch, or the whole bank, with their position and score.

    ``today`` decides which planned visits are still ahead (default: today). Each part is one
    query limited to the clients in scope (so an RM's book reads only that RM's rows, through
    the indexes), joined here by client id. ``first``: only the book's first rows, the clients
    of highest contribution (what a book shows before the rest has loaded; its figures are the
    whole book's, only fewer clients).
    """
    clients = T["clients"]
    today = today or dt.date.today()
    where: list[Any] = []
    if rm_id is not None:
        where.append(clients.c.rm_id == rm_id)
    if branch_id is not None:
        where.append(clients.c.branch_id == branch_id)
    if first is not None:
        scores = T["client_scores"]
        top = (
            select(scores.c.client_id)
            .join(clients, clients.c.id == scores.c.client_id)
            .where(*where)
            .order_by(scores.c.contribution_minor.desc(), scores.c.client_id)
            .limit(first)
            .correlate(None)  # its own clients, never the enclosing query's
        )
        where.append(clients.c.id.in_(top.scalar_subquery()))
    with engine.connect() as conn:
        frame = _frame(conn, _base(where))
        for part in (
            _balances(where),
            _open_flags(where),
            _top_suggestion(where),
            _next_visit(where, today),
            _last_contact(where),
        ):
            frame = frame.merge(_frame(conn, part), on="client_id", how="left")
        params = parameters.load(conn)
    for col in ("products", "deposits_minor", "loans_minor", "open_flags"):
        frame[col] = frame[col].fillna(0).astype("int64")
    for col in ("contribution_minor", "rank_book", "top_suggestion_value_minor"):
        frame[col] = pd.array(frame[col].astype("object").tolist(), dtype="Int64")
    frame["growth"] = pd.to_numeric(frame["growth"], errors="coerce").astype("float64")
    codes = {i: str(s) for i, s in enumerate(_SEVERITY_ORDER, 1)}
    frame["worst_severity"] = frame.pop("worst").map(codes)
    for col in ("kyc_due", "next_visit_on", "onboarded_on"):
        frame[col] = pd.to_datetime(frame[col])
    _contact_due(frame, params, today)
    frame = frame.drop(columns=["last_contact_at"])
    frame = frame.sort_values(
        ["contribution_minor", "client_id"], ascending=[False, True], na_position="last"
    )
    # the client's numbers as digits alone, for the search (never a column on screen)
    frame["phones"] = [
        f"{contact_details.digits(m)} {contact_details.digits(p)}"
        for m, p in zip(frame["mobile"].tolist(), frame["phone"].tolist(), strict=True)
    ]
    # the ID number only as a key a whole number typed into the search matches; the number
    # itself never stays in the book (the screen shows it masked, on the profile)
    frame["id_key"] = [id_key(v) for v in frame.pop("id_number").tolist()]
    return frame[BOOK_COLUMNS + DERIVED_COLUMNS].reset_index(drop=True)


def id_key(number: object) -> str:
    """A one-way key of an ID number (its letters and digits, upper case, hashed): the book
    keeps this, not the number, and a search matches a whole number typed by it."""
    if not isinstance(number, str) or not number.strip():
        return ""
    plain = "".join(ch for ch in number.upper() if ch.isalnum())
    return hashlib.sha256(plain.encode()).hexdigest()[:32]


#: a search of at least this many digits (and nothing but digits and a phone's punctuation)
#: also looks in the clients' phone numbers, however they were written
PHONE_DIGITS = 4
#: a search this long may be a whole ID number (a resident ID has 15 or 18 characters, a
#: company's unified social credit code 18)
ID_LENGTH = 15


def search_mask(frame: pd.DataFrame, text: str) -> np.ndarray | None:
    """Rows whose name or client id contains ``text`` (any case), whose mobile or phone
    number contains its digits (any part of the number), or whose whole ID number it is; None
    when there is no text."""
    text = text.strip()
    if not text:
        return None
    hit = frame["name"].astype("str").str.contains(text, case=False, regex=False, na=False)
    hit |= frame["external_id"].astype("str").str.contains(text, case=False, regex=False, na=False)
    number = contact_details.digits(text)
    if len(number) >= PHONE_DIGITS and not text.strip("0123456789 +-()"):
        hit |= frame["phones"].astype("str").str.contains(number, regex=False, na=False)
    if len(text) >= ID_LENGTH:  # a whole ID number matches exactly (a part never does)
        hit |= (frame["id_key"] == id_key(text)).to_numpy(dtype=bool)
    return hit.to_numpy(dtype=bool)


#: "flags" filter values: any open flag, or an open flag of at least this severity
FLAG_FILTERS = ("any", "high", "medium")


def book_mask(
    frame: pd.DataFrame,
    *,
    text: str = "",
    tier: str | None = None,
    segment: str | None = None,
    flags: str | None = None,
    overdue: bool = False,
) -> np.ndarray | None:
    """Rows that pass every filter given; None when no filter is set (show all)."""
    mask = search_mask(frame, text)
    parts = [] if mask is None else [mask]
    if tier:
        parts.append((frame["tier"] == tier).fillna(False).to_numpy(dtype=bool))
    if segment:
        parts.append((frame["segment"] == segment).to_numpy(dtype=bool))
    if flags:
        if flags not in FLAG_FILTERS:
            raise ValueError(f"flags filter must be one of {', '.join(FLAG_FILTERS)}")
        wanted = {"any": ("high", "medium", "low"), "medium": ("high", "medium"), "high": ("high",)}
        parts.append(frame["worst_severity"].isin(wanted[flags]).to_numpy(dtype=bool))
    if overdue:
        parts.append(frame["contact_overdue"].to_numpy(dtype=bool))
    if not parts:
        return None
    return np.asarray(np.logical_and.reduce(parts), dtype=bool)
