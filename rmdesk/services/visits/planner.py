"""The visit plan (走访计划): who each RM should see in the coming weeks, and on which day.

A client is due for contact at the last contact plus the cadence of its tier; an open high flag,
a maturing holding or a strong open suggestion brings the date forward. Due clients fill the
RM's working days (visits per day, no weekends or public holidays), most urgent first, and a day
is filled with neighbours from the same district to cut travel. The method is written out for
analysts in docs/visit-planner.md; the calendar and .ics parts are in ``visit_calendar``, and
what the RM then does with each visit (accept, move, cancel, complete) in ``visit_actions``;
when a client is due, and why, in ``due``.
"""

from __future__ import annotations

import datetime as dt
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
from rmdesk.models import Base, VisitStatus
from rmdesk.services.common import audit, parameters
from rmdesk.services.common.access import ADMINS, Account, guarded, open_to
from rmdesk.services.common.parameters import Parameters
from rmdesk.services.common.progress import Cancelled, NullProgress, Progress
from rmdesk.services.visits.actions import PlanError
from rmdesk.services.visits.calendar import (
    PURPOSE_LABELS,
    export_ics,
    purpose_label,
    reason_json,
    reason_text,
    working_days,
)
from rmdesk.services.visits.due import (
    Candidate,
    assess,
    boosters,
    client_rows,
    client_scope,
    local_date,
    tier_of,
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


def _schedule(
    candidates: list[Candidate], capacity: dict[dt.date, int], window_days: int
) -> tuple[dict[dt.date, list[Candidate]], list[Candidate]]:
    """Fill each working day in turn; returns the visits by day and the clients left over.

    A day takes the most urgent client already due (those overdue by the first day in tier and
    contribution order), then neighbours from that client's district
    due within ``window_days`` of the day, then the next most urgent client, and so on.
    """
    first = min(capacity, default=dt.date.max)

    def urgency(c: Candidate) -> tuple[dt.date, int, int, int]:
        # Everyone due by the first day is equally due now: the better tier and the bigger
        # contribution go first, not whoever has waited longest (a D client silent for a year
        # does not push an A client out of a full plan).
        return (max(c.due, first), c.tier_rank, -c.contribution, c.client_id)

    pending = sorted(candidates, key=urgency)
    plan: dict[dt.date, list[Candidate]] = {}
    for day in sorted(capacity):
        free = capacity[day]
        chosen: list[Candidate] = []
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
        raise PlanError(
            f"A plan covers at least one week, not {weeks}.", f"计划至少一周，不能是 {weeks} 周。"
        )
    end = start + dt.timedelta(days=7 * weeks - 1)
    try:
        days = working_days(start, end, params.holiday_country)
    except ValueError as exc:
        raise PlanError(
            str(exc),
            f"参数 holiday_country（{params.holiday_country}）不是节假日库认识的国家或地区代码。",
        ) from exc
    visits, users = T["visits"], T["users"]
    scope = client_scope(rm_id, None, end)
    with write_transaction(engine) as conn:
        per_day = conn.execute(select(users.c.visits_per_day).where(users.c.id == rm_id)).scalar()
        if per_day is None:
            raise PlanError(f"There is no user with id {rm_id}.", f"没有 id 为 {rm_id} 的用户。")
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
        flags, maturing, strong = boosters(conn, scope, start, params)
        candidates = []
        for row in client_rows(conn, scope):
            cid = int(row.client_id)
            if cid in busy:
                continue
            c = assess(row, flags.get(cid, []), maturing.get(cid), strong.get(cid), start, params)
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
    conn: Connection, rm_id: int, start: dt.date, placed: list[tuple[dt.date, int, Candidate]]
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
    scope = client_scope(rm_id, branch_id, today)
    with engine.connect() as conn:
        rows = client_rows(conn, scope)
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
        tier, rank, cadence = tier_of(row.tier, params)
        last = local_date(row.last_at)
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
