"""The RM's actions on a visit: accept, move, cancel, complete, and the nightly mark-missed.

Each change names the version of the visit it was made against and is refused, with a message
to reload, when someone else changed the visit in the meantime. Which status allows which
action is the table of ``visits.transitions`` (docs/visit-planner.md, section 6), which each
change here enforces; the planner itself is ``visit_planner``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Row, func, insert, select, update

from rmdesk.db import write_transaction
from rmdesk.models import Base, Channel, VisitStatus
from rmdesk.services.common import audit, parameters
from rmdesk.services.common.access import ADMINS, Account, guarded, open_to, person_id
from rmdesk.services.common.refusal import Refusal
from rmdesk.services.visits import calendar as words
from rmdesk.services.visits.bounds import AHEAD_DAYS, CLOCK_SLACK
from rmdesk.services.visits.calendar import reason_json
from rmdesk.services.visits.transitions import FOLLOW_UP, STATUS_WORDS, TO_COME, TRANSITIONS

if TYPE_CHECKING:
    _Row = Row[*tuple[Any, ...]]

__all__ = ["Completion", "PlanError", "accept", "cancel", "complete", "mark_missed", "move"]

T = Base.metadata.tables


class PlanError(Refusal):
    """A plan or visit change that cannot be made; ``en`` / ``zh`` say why, for the user (the
    exception's text is the English)."""


@dataclass(frozen=True)
class Completion:
    """What ``complete`` wrote: the visit's new version, the interaction, the follow-up visit."""

    version: int
    interaction_id: int
    follow_up_visit_id: int | None


def _stale(visit_id: int, current: int, version: int) -> PlanError:
    return PlanError(
        f"Visit {visit_id} was changed by someone else since you opened it (it is at version "
        f"{current}, you had version {version}); reload it and try again.",
        f"走访 {visit_id} 在您打开后已被他人修改（当前版本 {current}，您的版本 {version}），"
        "请刷新后重试。",
    )


def _claim(conn: Connection, visit_id: int, version: int, action: str) -> _Row:
    """The visit, if it is still at ``version`` and its status allows ``action``."""
    visits = T["visits"]
    row = conn.execute(select(visits).where(visits.c.id == visit_id)).first()
    if row is None:
        raise PlanError(f"Visit {visit_id} does not exist.", f"走访 {visit_id} 不存在。")
    if int(row.version) != version:
        raise _stale(visit_id, int(row.version), version)
    rule = TRANSITIONS[action]
    if row.status not in rule.before:
        status = VisitStatus(row.status)
        which = " or ".join(sorted(s.value for s in rule.before))
        which_zh = "或".join(STATUS_WORDS[s][0] for s in sorted(rule.before))
        raise PlanError(
            f"Visit {visit_id} is {status.value}: a {status.value} visit cannot be {rule.done} "
            f"(only a {which} visit can).",
            f"走访 {visit_id} {STATUS_WORDS[status][0]}，不能{rule.done_zh}"
            f"（只有{which_zh}的走访可以）。",
        )
    return row


def _save(conn: Connection, row: _Row, values: dict[str, Any]) -> int:
    """Write ``values`` if the row is still at the version read; returns the new version."""
    visits = T["visits"]
    version = int(row.version)
    done = conn.execute(
        update(visits)
        .where(visits.c.id == row.id, visits.c.version == version)
        .values(**values, version=version + 1)
    )
    if done.rowcount != 1:
        raise _stale(int(row.id), version + 1, version)
    return version + 1


def _next_slot(conn: Connection, user_id: int, day: dt.date, *, besides: int) -> int:
    """The slot after the last visit the user has on ``day`` (one visit left out)."""
    visits = T["visits"]
    top = conn.execute(
        select(func.max(visits.c.slot)).where(
            visits.c.user_id == user_id,
            visits.c.planned_on == day,
            visits.c.status.in_(sorted(TO_COME)),
            visits.c.id != besides,
        )
    ).scalar()
    return int(top or 0) + 1


def _last_day(today: dt.date) -> dt.date:
    """The last day a visit or a follow-up can be planned on (``contacts.AHEAD_DAYS``)."""
    return today + dt.timedelta(days=AHEAD_DAYS)


@guarded("visit", "visit_id")
def current_version(engine: Engine, visit_id: int, *, who: Account) -> int | None:
    """The version of visit ``visit_id`` as the database holds it now (what a change made
    without a screen's copy of the visit names), or None when there is no such visit."""
    with engine.connect() as conn:
        found = conn.execute(
            select(T["visits"].c.version).where(T["visits"].c.id == visit_id)
        ).scalar()
    return None if found is None else int(found)


@guarded("visit", "visit_id")
def accept(engine: Engine, visit_id: int, *, version: int, who: Account) -> int:
    """The RM takes a proposed visit into the plan (proposed → planned); returns its version."""
    with write_transaction(engine) as conn:
        row = _claim(conn, visit_id, version, "accept")
        new = _save(conn, row, {"status": TRANSITIONS["accept"].after})
        audit.record(conn, who, "visit.accept", "visits", visit_id, {"on": str(row.planned_on)})
    return new


@guarded("visit", "visit_id")
def move(
    engine: Engine,
    visit_id: int,
    new_date: dt.date,
    *,
    version: int,
    today: dt.date | None = None,
    who: Account,
) -> int:
    """Move a proposed or planned visit to another day (it becomes planned); returns its version.

    The visit goes last in that day's route. Days before ``today`` are refused; weekends and
    holidays are allowed, since the RM knows whether the client will see them then.
    """
    today = today or dt.date.today()
    if new_date < today:
        raise PlanError(
            f"{new_date} is in the past (today is {today}); a visit can be moved to today or "
            "later.",
            f"{new_date} 已经过去（今天是 {today}），走访只能改到今天或以后。",
        )
    if new_date > _last_day(today):
        raise PlanError(
            f"{new_date} is more than a year ahead (today is {today}); a visit can be moved "
            f"to {_last_day(today)} at the latest.",
            f"{new_date} 超过一年之后（今天是 {today}），走访最晚只能改到 {_last_day(today)}。",
        )
    with write_transaction(engine) as conn:
        row = _claim(conn, visit_id, version, "move")
        values: dict[str, Any] = {"planned_on": new_date, "status": TRANSITIONS["move"].after}
        if new_date != row.planned_on:
            values["slot"] = _next_slot(conn, int(row.user_id), new_date, besides=visit_id)
        new = _save(conn, row, values)
        audit.record(
            conn,
            who,
            "visit.move",
            "visits",
            visit_id,
            {"from": str(row.planned_on), "to": str(new_date), "was": row.status.value},
        )
    return new


@guarded("visit", "visit_id")
def cancel(engine: Engine, visit_id: int, *, version: int, reason: str, who: Account) -> int:
    """Cancel a proposed or planned visit; the reason is kept in its notes. Returns its version."""
    if not reason.strip():
        raise PlanError("Say why the visit is cancelled.", "请填写取消走访的原因。")
    with write_transaction(engine) as conn:
        row = _claim(conn, visit_id, version, "cancel")
        after = TRANSITIONS["cancel"].after
        new = _save(conn, row, {"status": after, "notes": reason.strip()})
        audit.record(conn, who, "visit.cancel", "visits", visit_id, {"reason": reason.strip()})
    return new


@guarded("visit", "visit_id")
def complete(
    engine: Engine,
    visit_id: int,
    *,
    version: int,
    outcome: str,
    notes: str | None = None,
    next_step: str | None = None,
    follow_up_on: dt.date | None = None,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    who: Account,
) -> Completion:
    """Record a visit as done: the visit, a 'visit' interaction in the contact history and,
    when ``follow_up_on`` is given, a planned follow-up visit on that day.

    ``at`` is when the visit took place (``now`` if not given; a time without a zone is
    local): not in the future, and at most the ``backdate_days`` parameter back. A follow-up
    is planned for today or later.
    """
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    when = (at or now).astimezone(dt.UTC)
    if when > now + CLOCK_SLACK:
        raise PlanError(
            "A visit cannot be recorded as done before it took place.",
            "走访尚未发生，不能记录为已完成。",
        )
    if follow_up_on is not None and follow_up_on < now.astimezone().date():
        raise PlanError(
            f"The follow-up date {follow_up_on} is in the past.",
            f"跟进日期 {follow_up_on} 已经过去。",
        )
    if follow_up_on is not None and follow_up_on > _last_day(now.astimezone().date()):
        raise PlanError(
            f"The follow-up date {follow_up_on} is more than a year ahead.",
            f"跟进日期 {follow_up_on} 超过一年之后。",
        )
    if not outcome.strip():
        raise PlanError("Give the visit's outcome.", "请填写走访结果。")
    visits, contacts, clients = T["visits"], T["interactions"], T["clients"]
    with write_transaction(engine) as conn:
        days = parameters.load(conn).backdate_days
        if when < now - dt.timedelta(days=days):
            raise PlanError(
                f"A visit can be recorded as done at most {days} days back.",
                f"走访最多只能补记 {days} 天内的。",
            )
        row = _claim(conn, visit_id, version, "complete")
        new = _save(
            conn,
            row,
            {
                "status": TRANSITIONS["complete"].after,
                "outcome": outcome.strip(),
                "notes": notes,
                "next_step": next_step,
                "follow_up_on": follow_up_on,
            },
        )
        interaction_id = conn.execute(
            insert(contacts)
            .values(
                source="app",
                client_id=row.client_id,
                user_id=person_id(who),
                occurred_at=when,
                channel=Channel.VISIT,
                purpose=row.purpose,
                outcome=outcome.strip(),
                notes=notes,
                next_step=next_step,
                next_step_due=follow_up_on,
                visit_id=visit_id,
                version=1,
            )
            .returning(contacts.c.id)
        ).scalar_one()
        follow_id: int | None = None
        if follow_up_on is not None:
            district = conn.execute(
                select(clients.c.district).where(clients.c.id == row.client_id)
            ).scalar()
            follow_id = conn.execute(
                insert(visits)
                .values(
                    client_id=row.client_id,
                    user_id=row.user_id,
                    planned_on=follow_up_on,
                    slot=_next_slot(conn, int(row.user_id), follow_up_on, besides=visit_id),
                    status=FOLLOW_UP,
                    purpose="follow_up",
                    reason=reason_json(*words.follow_up(when.astimezone().date(), next_step)),
                    district=district or None,
                    version=1,
                )
                .returning(visits.c.id)
            ).scalar_one()
        audit.record(
            conn,
            who,
            "visit.complete",
            "visits",
            visit_id,
            {
                "outcome": outcome.strip(),
                "interaction_id": interaction_id,
                "follow_up_on": str(follow_up_on) if follow_up_on else None,
                "follow_up_visit_id": follow_id,
            },
        )
    return Completion(new, int(interaction_id), None if follow_id is None else int(follow_id))


@open_to(ADMINS)
def mark_missed(engine: Engine, *, today: dt.date, who: Account) -> int:
    """Planned visits dated before ``today`` that nobody closed become missed; returns how many."""
    visits = T["visits"]
    rule = TRANSITIONS["mark_missed"]
    before = sorted(rule.before)
    with write_transaction(engine) as conn:
        ids = list(
            conn.execute(
                select(visits.c.id)
                .where(visits.c.status.in_(before), visits.c.planned_on < today)
                .order_by(visits.c.id)
            ).scalars()
        )
        if ids:
            conn.execute(
                update(visits)
                .where(visits.c.id.in_(ids), visits.c.status.in_(before))
                .values(status=rule.after, version=visits.c.version + 1)
            )
            audit.record(
                conn, who, "visit.mark_missed", "visits", None, {"today": str(today), "ids": ids}
            )
    return len(ids)
