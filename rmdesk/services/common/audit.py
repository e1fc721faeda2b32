"""The audit trail: who viewed, changed, printed, exported or imported what. Append-only.

Each entry carries a keyed hash (HMAC-SHA256) of its own content and of the entry before it,
so an entry edited, added or deleted afterwards breaks the chain and ``verify_chain`` says
where. On PostgreSQL the server writes every entry (``rmdesk_audit_append``, migration 0004):
it takes the actor from the session's own login, assigns id and time, and extends the chain
under a lock, with a key only the schema's owner can read; application logins cannot insert
into the table at all. SQLite runs the same chain here, without the privilege split (whoever
holds the file holds the key). docs/security.md says what this protects and what it does not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, String, Text, cast, func, insert, select, text
from sqlalchemy import type_coerce as _as

from rmdesk.models import Base
from rmdesk.services.common import audit_words
from rmdesk.services.common.access import ADMINS, Account, guarded, open_to
from rmdesk.services.common.form_text import CONTROL, FORMAT

_table = Base.metadata.tables["audit_log"]
T = Base.metadata.tables
_keys = Base.metadata.tables["audit_keys"]
#: the chain's current scheme (``audit_log.scheme``); None marks the unkeyed entries before it
SCHEME = 2


def _digest(
    prev: str | None,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str | None,
    entity_id: str | None,
    detail: dict[str, Any] | None,
) -> str:
    """The unkeyed SHA-256 of the entries written before the keyed chain (still checked)."""
    body = json.dumps(
        [prev, at.isoformat(), actor, action, entity, entity_id, detail],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def readable(stored: str | None) -> dict[str, Any] | None:
    """A detail's stored JSON as Python reads it; None for text Python will not read (JSON
    PostgreSQL accepts but Python refuses: a number of thousands of digits, a nesting
    thousands deep), so one such entry stops no check and no list."""
    try:
        value = json.loads(stored) if stored else {}
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def shown(stored: str | None) -> str:
    """A detail as the audit screen and its exports show it: compact JSON with its escapes
    written out, without control, zero-width or direction-changing characters (an escape such
    as ``\\u202e`` would otherwise make an entry read backwards); a detail Python will not
    read, as its stored text cut to 200 characters."""
    parsed = readable(stored)
    if parsed is None:
        text = (stored or "")[:200]
    else:
        text = json.dumps(parsed, ensure_ascii=False, sort_keys=True, default=str)
    return FORMAT.sub("", CONTROL.sub("", text))


def detail_text(detail: dict[str, Any] | None) -> str:
    """An entry's detail as the exact JSON text that is stored and hashed."""
    return json.dumps(
        detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )


def _field(value: str | None) -> str:
    return "~" if value is None else f"{len(value)}:{value}"


def message(
    entry_id: int,
    position: int,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str | None,
    entity_id: str | None,
    detail: str,
    login: str | None,
    prev: str | None,
) -> str:
    """What the keyed hash covers: every field, length-prefixed so none can bleed into the
    next; the same text as the server's ``rmdesk_audit_message``."""
    when = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    fields = (actor, action, entity, entity_id, detail, login, prev)
    return "|".join(
        [
            "v2",
            str(entry_id),
            str(position),
            when.strftime("%Y-%m-%dT%H:%M:%S"),
            *map(_field, fields),
        ]
    )


def mac(key: bytes, text_: str) -> str:
    return hmac.new(key, text_.encode("utf-8"), hashlib.sha256).hexdigest()


def _key(conn: Connection) -> bytes:
    secret = conn.execute(select(_keys.c.secret).order_by(_keys.c.id.desc()).limit(1)).scalar()
    if secret is None:
        raise RuntimeError("the audit chain has no key (the database was not migrated)")
    return bytes.fromhex(secret)


def record(
    conn: Connection,
    who: Account,
    action: str,
    entity: str | None = None,
    entity_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one entry in the caller's transaction, in the name of ``who`` (the person acting,
    or the program itself as ``access.system``): nobody else's name can be written. On a
    person's own PostgreSQL login the server writes their name whatever is given."""
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
    # zero-width and direction-changing characters would make an entry read otherwise than
    # it is: dropped here, refused by the server from anyone who sends them directly
    body = FORMAT.sub("", detail_text(detail))
    eid = None if entity_id is None else FORMAT.sub("", str(entity_id))
    _check_entry(action, entity, eid, body)
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT rmdesk_audit_append(:actor, :action, :entity, :entity_id, :detail)"),
            {"actor": actor, "action": action, "entity": entity, "entity_id": eid, "detail": body},
        )
        return
    last = conn.execute(
        select(_table.c.id, _table.c.hash).order_by(_table.c.id.desc()).limit(1)
    ).first()
    new_id, prev = (1, None) if last is None else (int(last.id) + 1, last.hash)
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    text_ = message(new_id, new_id, at, actor, action, entity, eid, body, None, prev)
    conn.execute(
        insert(_table).values(
            id=new_id,
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=eid,
            detail=_as(body, String),  # stored as the very text that was hashed
            prev_hash=prev,
            hash=mac(_key(conn), text_),
            login=None,
            scheme=SCHEME,
            position=new_id,  # one writer at a time: chained at once, in id order
        )
    )


_NAME = re.compile(r"^[a-z][a-z0-9_.:-]{0,47}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: an entry's detail at most (the server holds every entry to the same rules)
MAX_DETAIL = 65_536


def _check_entry(action: str, entity: str | None, entity_id: str | None, body: str) -> None:
    """What an entry may hold: a plain action and subject, a detail of bounded size."""
    if not _NAME.match(action) or (entity is not None and not _NAME.match(entity)):
        raise ValueError(f"an audit action and subject are plain names: {action!r}, {entity!r}")
    if entity_id is not None and (len(entity_id) > 64 or _CONTROL.search(entity_id)):
        raise ValueError(
            f"an audit entry's subject id is at most 64 plain characters: {entity_id!r}"
        )
    if len(body.encode("utf-8")) > MAX_DETAIL:
        raise ValueError(f"an audit entry's detail is at most {MAX_DETAIL} bytes")


def verify_chain(conn: Connection) -> int | None:
    """The id of the first entry that does not match (edited, inserted, or its predecessor
    deleted), or None if the chain is whole. On PostgreSQL the server checks the keyed hashes
    (only the owner can read the key); the links and the older unkeyed entries are checked
    here."""
    t = _table
    server = conn.dialect.name == "postgresql"
    if server:
        chain(conn)
    key = None if server else _key(conn)
    prev: str | None = None
    bad: int | None = None
    rows = conn.execute(
        select(
            t.c.id,
            t.c.at,
            t.c.actor,
            t.c.action,
            t.c.entity,
            t.c.entity_id,
            cast(t.c.detail, Text).label("raw"),
            t.c.prev_hash,
            t.c.hash,
            t.c.login,
            t.c.scheme,
            t.c.position,
        )
        .where(t.c.position.is_not(None))
        .order_by(t.c.position)
    )
    for row in rows:
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
        if row.prev_hash != prev:
            ok = False
        elif row.scheme is None:
            parsed = None if row.raw is None else readable(row.raw)
            expected = _digest(prev, at, row.actor, row.action, row.entity, row.entity_id, parsed)
            ok = (row.raw is None or parsed is not None) and row.hash == expected
        elif row.scheme == SCHEME:
            ok = server or row.hash == mac(
                key or b"",
                message(
                    int(row.id), int(row.position), at, row.actor, row.action, row.entity,
                    row.entity_id, row.raw, row.login, prev,
                ),
            )  # fmt: skip
        else:
            ok = False
        if not ok:
            bad = int(row.id)
            break
        prev = row.hash
    if server:
        keyed = conn.execute(text("SELECT rmdesk_audit_check()")).scalar()
        if keyed is not None and (bad is None or int(keyed) < bad):
            bad = int(keyed)
    return bad


def chain(conn: Connection) -> int:
    """On PostgreSQL, chain the entries added since the last chaining (a person's own login
    adds entries without taking the chain's lock); returns how many. The owner chains its own
    entries at once; this is for the rest, and runs where it may (the owner, an
    administrator's login through the server's function, the watchdog)."""
    if conn.dialect.name != "postgresql":
        return 0
    allowed = conn.exec_driver_sql(
        "SELECT to_regprocedure('rmdesk_audit_chain()') IS NOT NULL "
        "AND has_function_privilege('rmdesk_audit_chain()', 'EXECUTE')"
    ).scalar()
    if not allowed:
        return 0
    return int(conn.exec_driver_sql("SELECT rmdesk_audit_chain()").scalar() or 0)


def pending(conn: Connection) -> int:
    """Entries not yet in the chain (a person's, added since the last chaining)."""
    return int(
        conn.execute(
            select(func.count()).select_from(_table).where(_table.c.position.is_(None))
        ).scalar_one()
    )


def anchor(conn: Connection) -> str | None:
    """The newest entry of the chain as "ID:HASH", to keep outside the database (printed,
    mailed, logged): a chain cut back past it, or rewritten, no longer holds it. None for an
    empty trail."""
    row = conn.execute(
        select(_table.c.id, _table.c.hash)
        .where(_table.c.position.is_not(None))
        .order_by(_table.c.position.desc())
        .limit(1)
    ).first()
    return None if row is None else f"{row.id}:{row.hash}"


def holds_anchor(conn: Connection, kept: str) -> bool:
    """Whether the trail still holds the entry ``kept`` ("ID:HASH" from ``anchor``)."""
    entry_id, _sep, digest = kept.strip().partition(":")
    if not entry_id.isdigit() or not digest:
        raise ValueError(f"{kept!r} is not an anchor (ID:HASH, as `audit anchor` prints it)")
    found = conn.execute(select(_table.c.hash).where(_table.c.id == int(entry_id))).scalar()
    return found == digest


@dataclass(frozen=True)
class TrailCheck:
    """What ``check_trail`` found."""

    broken: int | None  # the first entry whose chain fails, or None
    entries: int  # entries this login sees
    waiting: int  # of them, not yet chained (a person's, since the last chaining)
    holds_anchor: bool  # the anchor given is still in the trail (True when none was given)


@open_to()
def check_trail(engine: Engine, kept: str | None = None, *, who: Account) -> TrailCheck:
    """Check the chain (chaining first what people added, where this login may) and, with
    ``kept`` ("ID:HASH" from ``newest_anchor``), that the trail still holds that entry.
    ValueError when ``kept`` is not an anchor."""
    with engine.begin() as conn:  # entries people added are chained first, and kept so
        broken = verify_chain(conn)
        entries = int(conn.execute(select(func.count()).select_from(_table)).scalar_one())
        waiting = pending(conn)
        held = holds_anchor(conn, kept) if kept else True
    return TrailCheck(broken, entries, waiting, held)


@open_to()
def newest_anchor(engine: Engine, *, who: Account) -> str | None:
    """``anchor`` on a connection of its own."""
    with engine.connect() as conn:
        return anchor(conn)


#: what a search shows; ``login`` is the database login that wrote the entry (on a shared
#: PostgreSQL database; empty for the program's own login and on SQLite)
SEARCH_COLUMNS = ["id", "at", "actor", "login", "action", "entity", "entity_id", "detail"]
#: what a search adds: each entry in words (``audit_words``)
WORDS_COLUMNS = ["what_zh", "what_en"]
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
            select(*[t.c[c] for c in SEARCH_COLUMNS[:-1]], cast(t.c.detail, Text).label("raw"))
            .where(*where)
            .order_by(t.c.id.desc())
            .limit(limit)
        ).all()
    frame = pd.DataFrame(
        [
            {
                **dict(zip(SEARCH_COLUMNS[:-1], r[:-1], strict=True)),
                "detail": shown(r.raw),
            }
            for r in rows
        ],
        columns=SEARCH_COLUMNS,
    )
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    _in_words(engine, frame)
    return frame, total


def _in_words(engine: Engine, frame: pd.DataFrame) -> None:
    """Each entry as a sentence in both languages (``what_zh``, ``what_en``), its client named."""
    details = [audit_words.parsed(d) for d in frame["detail"]]
    ids = {
        c
        for e, i, d in zip(frame["entity"], frame["entity_id"], details, strict=True)
        if (c := audit_words.client_of(e, i, d)) is not None
    }
    clients = T["clients"]
    names: dict[int, tuple[str, str]] = {}
    with engine.connect() as conn:
        wanted = sorted(ids)
        for start in range(0, len(wanted), 900):
            for cid, number, name in conn.execute(
                select(clients.c.id, clients.c.external_id, clients.c.name).where(
                    clients.c.id.in_(wanted[start : start + 900])
                )
            ):
                names[int(cid)] = (str(number), str(name))
    for lang in ("zh", "en"):
        frame[f"what_{lang}"] = [
            audit_words.sentence(str(a), str(x), e, i, d, names, lang)
            for a, x, e, i, d in zip(
                frame["actor"],
                frame["action"],
                frame["entity"],
                frame["entity_id"],
                details,
                strict=True,
            )
        ]


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
