"""The visit plan (走访计划): who each RM should see in the coming weeks, and on which day.

A client is due for contact at the last contact plus the cadence of its tier; an open high flag,
a maturing holding or a strong open suggestion brings the date forward. Due clients fill the
RM's working days (visits per day, no weekends or public holidays), most urgent first, and a day
is filled with neighbours from the same district to cut travel. The method is written out for
analysts in docs/visit-planner.md; the calendar and .ics parts are in ``visit_calendar``, and
what the RM then does with each visit (accept, move, cancel, complete) in ``visit_actions``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    Row,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)

from rmdesk.db import write_transaction
from rmdesk.models import Base, ClientStatus, FlagStatus, Severity, SuggestionStatus, VisitStatus
from rmdesk.services.common import audit, parameters
from rmdesk.services.common.access import ADMINS, Account, guarded, open_to
from rmdesk.services.common.parameters import Parameters
from rmdesk.services.common.progress import Cancelled, NullProgress, Progress
from rmdesk.services.visits import calendar as words
from rmdesk.services.visits.actions import PlanError
from rmdesk.services.visits.calendar import (
    PURPOSE_LABELS,
    export_ics,
    purpose_label,
    reason_json,
    reason_text,
    working_days,
)

if TYPE_CHECKING:
    _Row = Row[*tuple[Any, ...]]

# PlanError lives with the actions (visit_actions) and is raised here too; the calendar's names
# are re-exported so that callers of the planner need one import.
__all__ = [
    "OVERDUE_COLUMNS",
    "PLAN_COLUMNS",
    "PURPOSE_LABELS",
    "PlanError",
    "export_ics",
    "overdue_contacts",
    "propose_plan",
    "purpose_label",
    "reason_text",
]

T = Base.metadata.tables
PLAN_COLUMNS = [
    "visit_id",
    "client_id",
    "name",
    "tier",
    "due_on",
    "planned_on",
    "slot",
    "district",
    "purpose",
    "reason_zh",
    "reason_en",
]
OVERDUE_COLUMNS = [
    "client_id",
    "external_id",
    "name",
    "rm_id",
    "tier",
    "last_contact",
    "cadence_days",
    "due_on",
    "days_overdue",
    "next_visit_on",
]
# When two rules give the same date, the visit is named for the more pressing one.
_PRIORITY = {"flag": 0, "maturity": 1, "suggestion": 2, "cadence": 3}


@dataclass(frozen=True, eq=False)
class _Candidate:
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


def _local_date(value: dt.datetime | None) -> dt.date | None:
    """The business date of a stored time; times without a zone are UTC, as rmdesk stores them."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone().date()


def _scope(rm_id: int | None, branch_id: int | None, on: dt.date) -> list[Any]:
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


def _client_rows(conn: Connection, scope: list[Any]) -> Sequence[_Row]:
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


def _tier(stored: str | None, params: Parameters) -> tuple[str, int, int]:
    """A client's tier, its rank (0 = best) and cadence; unscored clients get the lowest tier."""
    names = params.tier_names()
    tier = stored or params.lowest_tier()
    known = tier if tier in params.cadence_days else params.lowest_tier()
    return tier, names.index(known), params.cadence_days[known]


def _boosters(
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


def _assess(
    row: _Row,
    flags: list[_Row],
    maturity: _Row | None,
    suggestion: _Row | None,
    start: dt.date,
    params: Parameters,
) -> _Candidate:
    """The client's due date, the rule that set it, and the reason in both languages."""
    tier, rank, cadence = _tier(row.tier, params)
    last = _local_date(row.last_at)
    if last is None:  # never contacted: due now, or on the day they join within the plan
        joined = row.onboarded_on
        cadence_due = start if joined is None or joined <= start else joined
    else:
        cadence_due = last + dt.timedelta(days=cadence)
    options = [(cadence_due, _PRIORITY["cadence"], "cadence")]
    parts = {"cadence": words.cadence(tier, cadence, last, cadence_due, start)}
    if flags:
        options.append((start, _PRIORITY["flag"], "flag"))
        since = min(f.raised_on for f in flags)
        parts["flag"] = words.flag([str(f.rule_code) for f in flags], since)
    if maturity is not None:
        by = maturity.maturity_on - dt.timedelta(days=params.maturity_lead_days)
        options.append((by, _PRIORITY["maturity"], "maturity"))
        parts["maturity"] = words.maturity(
            (maturity.name_zh, maturity.name_en), maturity.maturity_on, by
        )
    if suggestion is not None:
        pull = params.suggestion_pull_days
        pulled = cadence_due - dt.timedelta(days=pull)
        options.append((pulled, _PRIORITY["suggestion"], "suggestion"))
        parts["suggestion"] = words.suggestion(
            (suggestion.name_zh, suggestion.name_en),
            int(suggestion.expected_value_minor),
            pull,
            str(suggestion.currency),
        )
    due, _, purpose = min(options)
    order = [purpose] + [p for p in _PRIORITY if p in parts and p != purpose]
    zh, en = words.join([parts[p] for p in order])
    return _Candidate(
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


def _schedule(
    candidates: list[_Candidate], capacity: dict[dt.date, int], window_days: int
) -> tuple[dict[dt.date, list[_Candidate]], list[_Candidate]]:
    """Fill each working day in turn; returns the visits by day and the clients left over.

    A day takes the most urgent client already due (those overdue by the first day in tier and
    contribution order), then neighbours from that client's district
    due within ``window_days`` of the day, then the next most urgent client, and so on.
    """
    first = min(capacity, default=dt.date.max)

    def urgency(c: _Candidate) -> tuple[dt.date, int, int, int]:
        # Everyone due by the first day is equally due now: the better tier and the bigger
        # contribution go first, not whoever has waited longest (a D client silent for a year
        # does not push an A client out of a full plan).
        return (max(c.due, first), c.tier_rank, -c.contribution, c.client_id)

    pending = sorted(candidates, key=urgency)
    plan: dict[dt.date, list[_Candidate]] = {}
    for day in sorted(capacity):
        free = capacity[day]
        chosen: list[_Candidate] = []
        while free > 0:
            if not pending or pending[0].due > day:  # pending stays in order of urgency
                break
            anchor = pending[0]
            group = [anchor]
            if anchor.district is not None:
                reach = day + dt.timedelta(days=window_days)
                group += [
                    c
                    for c in pending
                    if c is not anchor and c.district == anchor.district and c.due <= reach
                ][: free - 1]
            for c in group:
                pending.remove(c)
            chosen += group
            free -= len(group)
        if chosen:
            # The route goes district by district; within one, the most urgent first.
            chosen.sort(key=lambda c: (c.district is None, c.district or "", urgency(c)))
            plan[day] = chosen
    return plan, pending


@guarded("scope", "rm_id")
def propose_plan(
    engine: Engine,
    rm_id: int,
    *,
    start: dt.date,
    weeks: int | None = None,
    params: Parameters | None = None,
    who: Account,
) -> pd.DataFrame:
    """Propose one RM's visits for ``weeks`` weeks from ``start``, one row per proposed visit.

    The RM's earlier proposed visits from ``start`` on are replaced (a visit kept for the same
    client keeps its id); planned, done, cancelled and missed visits are never touched, and a
    client with a planned visit in the horizon is not proposed again. Running it twice on the
    same data changes nothing. Clients due but not fitting in are in ``attrs["unplaced"]``.
    """
    params = params or parameters.load(engine)
    weeks = params.plan_weeks if weeks is None else weeks
    if weeks < 1:
        raise PlanError(f"A plan covers at least one week, not {weeks}.")
    end = start + dt.timedelta(days=7 * weeks - 1)
    try:
        days = working_days(start, end, params.holiday_country)
    except ValueError as exc:
        raise PlanError(str(exc)) from exc
    visits, users = T["visits"], T["users"]
    scope = _scope(rm_id, None, end)
    with write_transaction(engine) as conn:
        per_day = conn.execute(select(users.c.visits_per_day).where(users.c.id == rm_id)).scalar()
        if per_day is None:
            raise PlanError(f"There is no user with id {rm_id}.")
        booked = conn.execute(
            select(visits.c.planned_on, func.count(), func.max(visits.c.slot))
            .where(
                visits.c.user_id == rm_id,
                visits.c.status == VisitStatus.PLANNED,
                visits.c.planned_on.between(start, end),
            )
            .group_by(visits.c.planned_on)
        ).all()
        busy = set(
            conn.execute(
                select(visits.c.client_id)
                .join(T["clients"], T["clients"].c.id == visits.c.client_id)
                .where(
                    *scope,
                    visits.c.status == VisitStatus.PLANNED,
                    visits.c.planned_on.between(start, end),
                )
            ).scalars()
        )
        flags, maturing, strong = _boosters(conn, scope, start, params)
        candidates = []
        for row in _client_rows(conn, scope):
            cid = int(row.client_id)
            if cid in busy:
                continue
            c = _assess(row, flags.get(cid, []), maturing.get(cid), strong.get(cid), start, params)
            if c.due <= end:
                candidates.append(c)
        taken = {d: (int(n), int(top or 0)) for d, n, top in booked}
        capacity = {d: max(0, int(per_day) - taken.get(d, (0, 0))[0]) for d in days}
        plan, unplaced = _schedule(candidates, capacity, params.district_window_days)
        placed = [
            (day, taken.get(day, (0, 0))[1] + i, c)
            for day, group in plan.items()
            for i, c in enumerate(group, start=1)
        ]
        ids, counts = _write_proposals(conn, rm_id, start, placed)
        audit.record(
            conn,
            who,
            "visit.propose",
            "visits",
            None,
            {
                "rm_id": rm_id,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "proposed": len(placed),
                "unplaced": len(unplaced),
                **counts,
            },
        )
    frame = pd.DataFrame(
        [
            {
                "visit_id": ids[c.client_id],
                "client_id": c.client_id,
                "name": c.name,
                "tier": c.tier,
                "due_on": c.due,
                "planned_on": day,
                "slot": slot,
                "district": c.district,
                "purpose": c.purpose,
                "reason_zh": c.reason_zh,
                "reason_en": c.reason_en,
            }
            for day, slot, c in placed
        ],
        columns=PLAN_COLUMNS,
    )
    for col in ("visit_id", "client_id", "slot"):
        frame[col] = frame[col].astype("int64")
    for col in ("due_on", "planned_on"):
        frame[col] = pd.to_datetime(frame[col])
    frame.attrs["unplaced"] = [c.client_id for c in unplaced]
    return frame


def _write_proposals(
    conn: Connection, rm_id: int, start: dt.date, placed: list[tuple[dt.date, int, _Candidate]]
) -> tuple[dict[int, int], dict[str, int]]:
    """Bring the RM's proposed visits from ``start`` on in line with ``placed``.

    A client's existing proposal is updated in place (and its version raised) only if something
    changed, so a re-run with the same data leaves every row as it was.
    """
    visits = T["visits"]
    fields = ("planned_on", "slot", "purpose", "reason", "district")
    existing: dict[int, _Row] = {}
    duplicates: list[int] = []
    for row in conn.execute(
        select(visits.c.id, visits.c.client_id, visits.c.version, *[visits.c[f] for f in fields])
        .where(
            visits.c.user_id == rm_id,
            visits.c.status == VisitStatus.PROPOSED,
            visits.c.planned_on >= start,
        )
        .order_by(visits.c.id)
    ):
        if int(row.client_id) in existing:
            duplicates.append(int(row.id))
        else:
            existing[int(row.client_id)] = row
    ids: dict[int, int] = {}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for day, slot, c in placed:
        values: dict[str, Any] = {
            "planned_on": day,
            "slot": slot,
            "purpose": c.purpose,
            "reason": reason_json(c.reason_zh, c.reason_en),
            "district": c.district,
        }
        old = existing.pop(c.client_id, None)
        if old is None:
            inserts.append({"client_id": c.client_id, **values})
            continue
        ids[c.client_id] = int(old.id)
        if any(getattr(old, f) != values[f] for f in fields):
            updates.append({"vid": old.id, **{f"new_{f}": v for f, v in values.items()}})
    if updates:
        conn.execute(
            update(visits)
            .where(visits.c.id == bindparam("vid"))
            .values({f: bindparam(f"new_{f}") for f in fields} | {"version": visits.c.version + 1}),
            updates,
        )
    if inserts:
        new_ids = conn.execute(
            insert(visits).returning(visits.c.id, visits.c.client_id, sort_by_parameter_order=True),
            [
                {**v, "user_id": rm_id, "status": VisitStatus.PROPOSED, "version": 1}
                for v in inserts
            ],
        ).all()
        ids.update({int(cid): int(vid) for vid, cid in new_ids})
    stale = duplicates + [int(r.id) for r in existing.values()]
    if stale:
        _remove(conn, stale)
    return ids, {"inserted": len(inserts), "updated": len(updates), "removed": len(stale)}


def _remove(conn: Connection, ids: list[int]) -> None:
    """Remove proposed visits no longer wanted. A person's own PostgreSQL login holds no
    DELETE on visits (it would allow any lock on the table): the server's function removes
    them, each checked as a row of the session's own (services/security/write_rules.py)."""
    visits = T["visits"]
    if (
        conn.dialect.name == "postgresql"
        and not conn.exec_driver_sql("SELECT has_table_privilege('visits', 'DELETE')").scalar()
    ):
        conn.execute(text("SELECT rmdesk_remove_proposed(CAST(:ids AS bigint[]))"), {"ids": ids})
    else:
        conn.execute(delete(visits).where(visits.c.id.in_(ids)))


# --- overdue contacts ----------------------------------------------------------------------


@guarded("scope", "rm_id,branch_id")
def overdue_contacts(
    engine: Engine,
    *,
    rm_id: int | None = None,
    branch_id: int | None = None,
    today: dt.date,
    params: Parameters | None = None,
    who: Account,
) -> pd.DataFrame:
    """Active clients whose last contact plus their tier's cadence is before ``today``.

    Clients never contacted come first, then the most overdue; ``next_visit_on`` shows a planned
    visit from today on, if there is one.
    """
    params = params or parameters.load(engine)
    visits, clients = T["visits"], T["clients"]
    scope = _scope(rm_id, branch_id, today)
    with engine.connect() as conn:
        rows = _client_rows(conn, scope)
        planned = dict(
            conn.execute(
                select(visits.c.client_id, func.min(visits.c.planned_on))
                .join(clients, clients.c.id == visits.c.client_id)
                .where(*scope, visits.c.status == VisitStatus.PLANNED, visits.c.planned_on >= today)
                .group_by(visits.c.client_id)
            ).all()
        )
    found: list[tuple[tuple[int, int, int, int, int], dict[str, Any]]] = []
    for row in rows:
        tier, rank, cadence = _tier(row.tier, params)
        last = _local_date(row.last_at)
        due = None if last is None else last + dt.timedelta(days=cadence)
        if due is not None and due >= today:
            continue
        late = None if due is None else (today - due).days
        sort_key = (
            0 if late is None else 1,
            -(late or 0),
            rank,
            -int(row.contribution_minor or 0),
            int(row.client_id),
        )
        found.append(
            (
                sort_key,
                {
                    "client_id": row.client_id,
                    "external_id": row.external_id,
                    "name": row.name,
                    "rm_id": row.rm_id,
                    "tier": tier,
                    "last_contact": last,
                    "cadence_days": cadence,
                    "due_on": due,
                    "days_overdue": late,
                    "next_visit_on": planned.get(row.client_id),
                },
            )
        )
    found.sort(key=lambda item: item[0])
    frame = pd.DataFrame([values for _, values in found], columns=OVERDUE_COLUMNS)
    frame["client_id"] = frame["client_id"].astype("int64")
    frame["cadence_days"] = frame["cadence_days"].astype("int64")
    for col in ("rm_id", "days_overdue"):
        frame[col] = frame[col].astype("Int64")
    for col in ("last_contact", "due_on", "next_visit_on"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


@open_to(ADMINS)
def plan_everyone(
    engine: Engine,
    *,
    start: dt.date,
    weeks: int | None = None,
    progress: Progress | None = None,
    who: Account,
) -> list[tuple[int, str, pd.DataFrame]]:
    """Propose a plan for every active RM (user id, user name, proposed visits), in name order."""
    from rmdesk.models import Role, User

    progress = progress or NullProgress()
    params = parameters.load(engine)
    with engine.connect() as conn:
        rms = conn.execute(
            select(User.id, User.username)
            .where(User.role == Role.RM, User.active.is_(True))
            .order_by(User.username)
        ).all()
    results = []
    for done, (rm_id, name) in enumerate(rms):
        if progress.cancelled():
            raise Cancelled
        progress.report(done, len(rms), f"planning visits: {name}")
        frame = propose_plan(
            engine,
            int(rm_id),
            start=start,
            weeks=weeks,
            params=params,
            who=who,
        )
        results.append((int(rm_id), str(name), frame))
    progress.report(len(rms), len(rms), "visits planned")
    return results
