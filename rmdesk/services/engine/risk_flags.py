"""Risk flags and their lifecycle: raised → acknowledged → resolved / dismissed / snoozed.

``reconcile`` brings the stored flags in line with the conditions the rules found, idempotently:
a new condition raises a flag; a condition that persists re-raises a flag that was snoozed (after
its date), dismissed (after its quiet period) or resolved (when newer data still shows it); a
condition that cleared closes the flag (recorded as closed by the system). People move flags with
``acknowledge``, ``resolve``, ``dismiss`` (a reason is required) and ``snooze`` (until a date).
Every change adds a row to risk_flag_events; rows there are never changed or removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from rmdesk.db import among, write_transaction
from rmdesk.models import Base, FlagStatus
from rmdesk.services.common import audit, bulk, frames
from rmdesk.services.common.access import Account, guarded, person_id
from rmdesk.services.common.parameters import Parameters
from rmdesk.services.common.refusal import Refusal

T = Base.metadata.tables
flags_t, events_t = T["risk_flags"], T["risk_flag_events"]
OPEN = (FlagStatus.RAISED, FlagStatus.ACKNOWLEDGED)
ENDED = (FlagStatus.CLOSED,)


class FlagError(Refusal):
    """A change a flag cannot take (wrong state, missing reason, stale version, unknown flag)."""


@dataclass
class ReconcileCounts:
    raised: int = 0
    re_raised: int = 0
    closed: int = 0
    updated: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)  # open flags per rule after the run

    def add(self, other: ReconcileCounts) -> None:
        self.raised += other.raised
        self.re_raised += other.re_raised
        self.closed += other.closed
        self.updated += other.updated
        for k, v in other.by_rule.items():
            self.by_rule[k] = self.by_rule.get(k, 0) + v


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _existing(conn: Connection, client_ids: Sequence[int]) -> dict[tuple[int, int, str], Any]:
    rows = conn.execute(
        select(
            flags_t.c.id,
            flags_t.c.client_id,
            flags_t.c.holding_id,
            flags_t.c.rule_code,
            flags_t.c.status,
            flags_t.c.severity,
            flags_t.c.evidence,
            flags_t.c.evidence_en,
            flags_t.c.evidence_data,
            flags_t.c.snoozed_until,
            flags_t.c.updated_at,
            flags_t.c.raised_on,
            flags_t.c.due_on,
        ).where(among(conn, flags_t.c.client_id, client_ids), flags_t.c.status.not_in(ENDED))
    ).all()
    return {(r.client_id, r.holding_id or 0, r.rule_code): r for r in rows}


def reconcile(
    conn: Connection,
    conditions: pd.DataFrame,
    client_ids: Sequence[int],
    *,
    as_of: dt.date,
    today: dt.date,
    params: Parameters,
) -> ReconcileCounts:
    """Make the flags of ``client_ids`` match ``conditions`` (from risk_rules.evaluate)."""
    counts = ReconcileCounts()
    existing = _existing(conn, client_ids)
    now = _now()
    new_rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    seen: set[tuple[int, int, str]] = set()
    changes: list[tuple[Any, ...]] = []  # (id, *CHANGED) of the flags changed or woken
    deadline = params.deadline_days
    for rec in conditions.to_dict("records"):
        row = SimpleNamespace(**{str(k): v for k, v in rec.items()})
        key = (int(row.client_id), int(row.holding_id), str(row.rule_code))
        seen.add(key)
        counts.by_rule[key[2]] = counts.by_rule.get(key[2], 0) + 1
        old = existing.get(key)
        fresh = {
            "severity": row.severity,
            "evidence": row.zh,
            "evidence_en": row.en,
            "evidence_data": row.data,
        }
        if old is None:
            new_rows.append(
                {
                    "client_id": key[0],
                    "holding_id": key[1] or None,
                    "rule_code": key[2],
                    "status": FlagStatus.RAISED,
                    "raised_on": today,
                    "due_on": today + dt.timedelta(days=deadline[str(row.severity)]),
                    "updated_at": now,
                    "version": 1,
                    **fresh,
                }
            )
            continue
        status = FlagStatus(old.status)
        wake, note = _wakes(old, status, as_of=as_of, today=today)
        changed = {k: v for k, v in fresh.items() if getattr(old, k) != v}
        if wake:
            changed |= {
                "status": FlagStatus.RAISED,
                "raised_on": today,
                "due_on": today + dt.timedelta(days=deadline[str(row.severity)]),
                "snoozed_until": None,
            }
            events.append(_event(old.id, status, FlagStatus.RAISED, note, now))
            counts.re_raised += 1
        if changed:
            merged = {c: getattr(old, c) for c in CHANGED} | changed | {"updated_at": now}
            changes.append((old.id, *(merged[c] for c in CHANGED)))
            counts.updated += not wake
    closing = [(old.id, FlagStatus.CLOSED, now) for key, old in existing.items() if key not in seen]
    for key, old in existing.items():
        if key not in seen:
            events.append(
                _event(old.id, FlagStatus(old.status), FlagStatus.CLOSED, "condition cleared", now)
            )
    counts.closed += len(closing)
    bump = {"version": "version + 1"}
    bulk.update_rows(conn, flags_t, "id", CHANGED, changes, also=bump)
    bulk.update_rows(conn, flags_t, "id", ["status", "updated_at"], closing, also=bump)
    if new_rows:
        # all in one go, then the new ids by their key (unique among open flags): neither COPY
        # nor SQLite's executemany returns them
        columns = list(new_rows[0])
        bulk.insert_rows(conn, flags_t, columns, [tuple(r.values()) for r in new_rows])
        found = {
            (c, h or 0, rule): i
            for i, c, h, rule in conn.execute(
                select(
                    flags_t.c.id, flags_t.c.client_id, flags_t.c.holding_id, flags_t.c.rule_code
                ).where(
                    among(conn, flags_t.c.client_id, client_ids),
                    flags_t.c.status.not_in(ENDED),
                )
            )
        }
        ids = [found[(r["client_id"], r["holding_id"] or 0, r["rule_code"])] for r in new_rows]
        events += [_event(i, None, FlagStatus.RAISED, "raised by the rules", now) for i in ids]
        counts.raised += len(new_rows)
    if events:
        columns = list(events[0])
        bulk.insert_rows(conn, events_t, columns, [tuple(e.values()) for e in events])
    return counts


#: what a run may change of a flag that stays open, in the order of its update tuples
CHANGED = [
    "severity",
    "evidence",
    "evidence_en",
    "evidence_data",
    "status",
    "raised_on",
    "due_on",
    "snoozed_until",
    "updated_at",
]


def _wakes(old: Any, status: FlagStatus, *, as_of: dt.date, today: dt.date) -> tuple[bool, str]:
    """Whether a persisting condition re-raises a flag in this state, and why."""
    if status in (FlagStatus.SNOOZED, FlagStatus.DISMISSED):
        until = old.snoozed_until
        if until is not None and today > until:
            return True, f"condition persists after {status.value} until {until.isoformat()}"
        return False, ""
    if status == FlagStatus.RESOLVED:
        resolved_on = old.updated_at.date() if old.updated_at else None
        if resolved_on is not None and as_of > resolved_on:
            return True, f"data of {as_of.isoformat()} still shows it after it was resolved"
    return False, ""


def waking(conn: Connection, since: dt.date, today: dt.date) -> set[int]:
    """The clients with a snoozed or dismissed flag whose quiet ends on some day after
    ``since`` up to ``today`` (``_wakes``: it wakes once ``today > snoozed_until``). A nightly
    run of only what changed recomputes them (engine/inputs.py)."""
    return set(
        conn.execute(
            select(flags_t.c.client_id)
            .where(
                flags_t.c.status.in_([FlagStatus.SNOOZED, FlagStatus.DISMISSED]),
                flags_t.c.snoozed_until >= since,
                flags_t.c.snoozed_until < today,
            )
            .distinct()
        ).scalars()
    )


def _event(
    flag_id: int,
    from_status: FlagStatus | None,
    to_status: FlagStatus,
    note: str | None,
    at: dt.datetime,
    actor_id: int | None = None,
) -> dict[str, Any]:
    return {
        "flag_id": flag_id,
        "at": at,
        "actor_id": actor_id,
        "from_status": from_status.value if from_status else None,
        "to_status": to_status.value,
        "note": note,
    }


# --- what people do with a flag -------------------------------------------------------------

#: a dismissed or snoozed flag is quiet until a date at most this far ahead (then the rules
#: look again)
MAX_QUIET_DAYS = 366

ALLOWED: dict[str, tuple[FlagStatus, ...]] = {
    "acknowledge": (FlagStatus.RAISED, FlagStatus.SNOOZED),
    "resolve": (FlagStatus.RAISED, FlagStatus.ACKNOWLEDGED, FlagStatus.SNOOZED),
    "dismiss": (FlagStatus.RAISED, FlagStatus.ACKNOWLEDGED, FlagStatus.SNOOZED),
    "snooze": (FlagStatus.RAISED, FlagStatus.ACKNOWLEDGED),
}
TARGET = {
    "acknowledge": FlagStatus.ACKNOWLEDGED,
    "resolve": FlagStatus.RESOLVED,
    "dismiss": FlagStatus.DISMISSED,
    "snooze": FlagStatus.SNOOZED,
}
#: the refusals' words for a flag's status and for each action
FLAG_WORDS = {
    "raised": "新产生",
    "acknowledged": "已确认",
    "resolved": "已解决",
    "dismissed": "已忽略",
    "snoozed": "已暂缓",
    "closed": "已关闭",
}
ACTION_WORDS = {"acknowledge": "确认", "resolve": "解决", "dismiss": "忽略", "snooze": "暂缓"}


@guarded("flag", "flag_id")
def act(
    engine: Engine,
    flag_id: int,
    action: str,
    *,
    version: int | None = None,
    reason: str | None = None,
    until: dt.date | None = None,
    today: dt.date | None = None,
    params: Parameters | None = None,
    who: Account,
) -> int:
    """Move a flag; returns its new version. ``version`` guards against a concurrent change."""
    if action not in TARGET:
        raise FlagError(
            f"unknown action {action!r}: use one of {', '.join(TARGET)}",
            f"未知的操作 {action!r}，可用：{'、'.join(TARGET)}",
        )
    today = today or dt.date.today()
    reason = (reason or "").strip() or None
    if action == "dismiss" and not reason:
        raise FlagError("dismissing a flag needs a reason", "忽略预警需要填写原因。")
    if action == "snooze" and (until is None or until <= today):
        raise FlagError(
            "snoozing a flag needs a date after today", "暂缓预警需要选择今天以后的日期。"
        )
    if action == "dismiss" and until is None:
        quiet = (params or Parameters()).dismiss_quiet_days
        until = today + dt.timedelta(days=quiet)
    if until is not None and until > today + dt.timedelta(days=MAX_QUIET_DAYS):
        raise FlagError(
            f"a flag is quiet for at most {MAX_QUIET_DAYS} days",
            f"预警最多只能暂停 {MAX_QUIET_DAYS} 天。",
        )
    with write_transaction(engine) as conn:
        old = conn.execute(select(flags_t).where(flags_t.c.id == flag_id)).one_or_none()
        if old is None:
            raise FlagError(f"flag {flag_id} does not exist", f"预警 {flag_id} 不存在。")
        if version is not None and old.version != version:
            raise FlagError(
                f"flag {flag_id} was changed by someone else (version {old.version}, "
                f"you had {version}); reload it and try again",
                f"预警 {flag_id} 已被他人修改（当前版本 {old.version}，您的版本 {version}），"
                "请刷新后重试。",
            )
        status = FlagStatus(old.status)
        if status not in ALLOWED[action]:
            raise FlagError(
                f"a {status.value} flag cannot be {TARGET[action].value}",
                f"{FLAG_WORDS[status.value]}的预警不能{ACTION_WORDS[action]}。",
            )
        now = _now()
        values: dict[str, Any] = {"status": TARGET[action], "updated_at": now}
        if action in ("dismiss", "snooze"):
            values["snoozed_until"] = until
        if reason:
            values["reason"] = reason
        done = conn.execute(
            update(flags_t)
            .where(flags_t.c.id == flag_id, flags_t.c.version == old.version)
            .values(**values, version=old.version + 1)
        )
        if done.rowcount != 1:
            raise FlagError(
                f"flag {flag_id} was changed by someone else; reload it and try again",
                f"预警 {flag_id} 已被他人修改，请刷新后重试。",
            )
        note = (
            reason if action != "snooze" else f"until {until}" + (f": {reason}" if reason else "")
        )
        conn.execute(
            insert(events_t).values(
                _event(flag_id, status, TARGET[action], note, now, person_id(who))
            )
        )
        audit.record(
            conn,
            who,
            f"flag.{action}",
            "risk_flag",
            flag_id,
            {
                "rule": old.rule_code,
                "client_id": old.client_id,
                "reason": reason,
                "until": until.isoformat() if until else None,
            },
        )
        return int(old.version) + 1


@guarded("flag", "flag_id")
def history(engine: Engine, flag_id: int, *, who: Account) -> pd.DataFrame:
    """A flag's events, oldest first."""
    with engine.connect() as conn:
        result = conn.execute(
            select(events_t).where(events_t.c.flag_id == flag_id).order_by(events_t.c.id)
        )
        return frames.frame(result)
