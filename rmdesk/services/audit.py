"""The audit trail: who viewed, changed, printed, exported or imported what. Append-only.

Each entry carries the hash of the one before it, so a row edited or deleted afterwards breaks
the chain and ``verify_chain`` says where.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import Connection, insert, select

from rmdesk.models import Base

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


def record(
    conn: Connection,
    actor: str,
    action: str,
    entity: str | None = None,
    entity_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one entry in the caller's transaction."""
    if conn.dialect.name == "postgresql":  # one chain: writers take their turn
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7310002)")
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
