"""The audit trail: who viewed, changed, printed, exported or imported what. Append-only.

Each entry carries the hash of the one before it, so a row edited or deleted afterwards breaks
the chain and ``verify_chain`` says where.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select

from rmdesk.models import Base
from rmdesk.services.access import ADMINS, Account, guarded, open_to

_table = Base.metadata.tables["audit_log"]


def _digest(
    prev: str | None,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str | None,
    entity_id: str | None,
    detail: dict[str, Any],
) -> str:
    body = json.dumps(
        [prev, at.isoformat(), actor, action, entity, entity_id, detail],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def row_secured(conn: Connection) -> bool:
    """Whether this PostgreSQL login is kept to its own rows (services/row_security.py);
    asked once per database connection."""
    if conn.dialect.name != "postgresql":
        return False
    key = "rmdeskrow_secured"
    if key not in conn.info:
        conn.info[key] = bool(
            conn.exec_driver_sql(
                "SELECT to_regprocedure('rmdesk_audit_tail()') IS NOT NULL"
                " AND NOT has_column_privilege('users', 'password_hash', 'SELECT')"
            ).scalar()
        )
    return bool(conn.info[key])


def record(
    conn: Connection,
    who: Account,
    action: str,
    entity: str | None = None,
    entity_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one entry in the caller's transaction, in the name of ``who`` (the person acting,
    or the program itself as ``access.system``): nobody else's name can be written."""
    _append(conn, who.username, action, entity, entity_id, detail)


def record_login(conn: Connection, username: str, action: str) -> None:
    """A log-in attempt for ``username``: before anyone is logged in, the name typed is the
    only name there is (``users.authenticate`` is the one caller)."""
    _append(conn, username, action, "users", username, None)


def _append(
    conn: Connection,
    actor: str,
    action: str,
    entity: str | None,
    entity_id: str | int | None,
    detail: dict[str, Any] | None,
) -> None:
    if conn.dialect.name == "postgresql":  # one chain: writers take their turn
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7310002)")
    if row_secured(conn):  # a login that may read only its own entries asks for the tail
        prev = conn.exec_driver_sql("SELECT rmdesk_audit_tail()").scalar()
    else:
        prev = conn.execute(
            select(_table.c.hash).order_by(_table.c.id.desc()).limit(1)
        ).scalar_one_or_none()
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    detail = detail or {}
    eid = None if entity_id is None else str(entity_id)
    conn.execute(
        insert(_table).values(
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=eid,
            detail=detail,
            prev_hash=prev,
            hash=_digest(prev, at, actor, action, entity, eid, detail),
        )
    )


def verify_chain(conn: Connection) -> int | None:
    """The id of the first entry whose hash does not match, or None if the chain is whole."""
    prev: str | None = None
    for row in conn.execute(select(_table).order_by(_table.c.id)):
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
        expected = _digest(prev, at, row.actor, row.action, row.entity, row.entity_id, row.detail)
        if row.prev_hash != prev or row.hash != expected:
            return int(row.id)
        prev = row.hash
    return None


def anchor(conn: Connection) -> str | None:
    """The newest entry as "ID:HASH", to keep outside the database (printed, mailed, logged):
    a chain cut back past it, or rewritten, no longer holds it. None for an empty trail."""
    row = conn.execute(
        select(_table.c.id, _table.c.hash).order_by(_table.c.id.desc()).limit(1)
    ).first()
    return None if row is None else f"{row.id}:{row.hash}"


def holds_anchor(conn: Connection, kept: str) -> bool:
    """Whether the trail still holds the entry ``kept`` ("ID:HASH" from ``anchor``)."""
    entry_id, _sep, digest = kept.strip().partition(":")
    if not entry_id.isdigit() or not digest:
        raise ValueError(f"{kept!r} is not an anchor (ID:HASH, as `audit anchor` prints it)")
    found = conn.execute(select(_table.c.hash).where(_table.c.id == int(entry_id))).scalar()
    return found == digest


SEARCH_COLUMNS = ["id", "at", "actor", "action", "entity", "entity_id", "detail"]
#: entries a search returns at most (the newest first); the rest are counted
SEARCH_LIMIT = 5_000


@guarded("bank", roles=ADMINS)
def search(
    engine: Engine,
    *,
    person: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = SEARCH_LIMIT,
    who: Account,
) -> tuple[pd.DataFrame, int]:
    """Entries matching every filter given, newest first, and how many match in all.

    ``since`` and ``until`` are days, both included (UTC); ``detail`` comes back as compact JSON.
    """
    t = _table
    where = []
    if person:
        where.append(t.c.actor == person.strip())
    if action:
        where.append(t.c.action == action.strip())
    if entity:
        where.append(t.c.entity == entity.strip())
    if entity_id:
        where.append(t.c.entity_id == entity_id.strip())
    if since is not None:
        where.append(t.c.at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until is not None:
        after = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        where.append(t.c.at < after)
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(t).where(*where)).scalar_one())
        rows = conn.execute(
            select(*[t.c[c] for c in SEARCH_COLUMNS])
            .where(*where)
            .order_by(t.c.id.desc())
            .limit(limit)
        ).all()
    frame = pd.DataFrame(
        [
            {
                **dict(zip(SEARCH_COLUMNS[:-1], r[:-1], strict=True)),
                "detail": json.dumps(
                    r.detail or {}, ensure_ascii=False, sort_keys=True, default=str
                ),
            }
            for r in rows
        ],
        columns=SEARCH_COLUMNS,
    )
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame, total


@open_to(ADMINS)
def choices(engine: Engine, *, who: Account) -> tuple[list[str], list[str]]:
    """The actions and the kinds of thing (entities) the trail holds, for choosers."""
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            [
                str(v)
                for v in conn.execute(
                    select(col).distinct().where(col.is_not(None)).order_by(col)
                ).scalars()
            ]
            for col in (_table.c.action, _table.c.entity)
        )
