"""The audit trail is a hash chain: appending keeps it whole, editing a row breaks it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, select, text

from rmdesk.db import open_database
from rmdesk.models import AuditEntry
from rmdesk.services.common import audit
from rmdesk.services.common.access import system


def test_the_chain_holds_until_someone_edits_a_row(db_url: str) -> None:
    db = open_database(db_url)
    with db.engine.begin() as conn:
        for i in range(5):
            audit.record(conn, system("rm01"), "view", "clients", i, {"screen": "client"})
    with db.engine.connect() as conn:
        assert audit.verify_chain(conn) is None
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE id = 3"))
    with db.engine.connect() as conn:
        assert audit.verify_chain(conn) == 3
    db.dispose()


def _entries(db_url: str) -> Any:
    db = open_database(db_url)
    with db.engine.begin() as conn:
        for i in range(4):
            audit.record(conn, system("rm01"), "view", "clients", i, {"客户": f"张三 {i}", "n": i})
    return db


def _row(conn: Any, entry_id: int) -> Any:
    """An entry with its typed columns, and its detail as the stored text (``d``)."""
    t = AuditEntry.__table__
    return conn.execute(
        select(*t.columns, cast(t.c.detail, Text).label("d")).where(t.c.id == entry_id)
    ).one()


def test_an_entry_rewritten_by_someone_without_the_key_is_found(db_url: str) -> None:
    """Whoever can read the trail can recompute an unkeyed hash, not the keyed one: an entry
    rewritten with a fresh SHA-256, or an HMAC under another key, breaks the chain there."""
    db = _entries(db_url)
    with db.engine.begin() as conn:
        row = _row(conn, 2)
        forged = audit._digest(  # what an unkeyed chain would have accepted
            row.prev_hash, row.at, "admin", row.action, row.entity, row.entity_id, {}
        )
        conn.execute(
            text("UPDATE audit_log SET actor = 'admin', detail = '{}', hash = :h WHERE id = 2"),
            {"h": forged},
        )
    with db.engine.connect() as conn:
        assert audit.verify_chain(conn) == 2
    with db.engine.begin() as conn:  # a well-formed keyed hash, under a key of the forger's
        raw = _row(conn, 3)
        message = audit.message(
            3, raw.position, raw.at, "admin", raw.action, raw.entity, raw.entity_id, "{}",
            raw.login, raw.prev_hash,
        )  # fmt: skip
        conn.execute(
            text("UPDATE audit_log SET actor = 'admin', detail = '{}', hash = :h WHERE id = 3"),
            {"h": audit.mac(b"guessed" * 5, message)},
        )
        conn.execute(text("UPDATE audit_log SET hash = (SELECT hash FROM audit_log WHERE id = 1)"
                          " WHERE id = 2"))  # fmt: skip
    with db.engine.connect() as conn:
        assert audit.verify_chain(conn) == 2
    db.dispose()


def test_rmdesk_and_postgresql_compute_the_same_keyed_chain(db_url: str) -> None:
    """The server's HMAC (PostgreSQL's own sha256, no extension) and rmdesk's agree on the
    same entries, Chinese text and all: an owner can check either way."""
    db = _entries(db_url)
    with db.engine.connect() as conn:
        key = bytes.fromhex(conn.execute(text("SELECT secret FROM audit_keys")).scalar_one())
        rows = [_row(conn, i) for i in (1, 2, 3, 4)]
        assert [r.scheme for r in rows] == [2, 2, 2, 2]
        for r in rows:
            text_ = audit.message(
                r.id,
                r.position,
                r.at,
                r.actor,
                r.action,
                r.entity,
                r.entity_id,
                r.d,
                r.login,
                r.prev_hash,
            )
            assert r.hash == audit.mac(key, text_), r.id
            if conn.dialect.name == "postgresql":
                server = conn.execute(
                    text("SELECT rmdesk_hmac(:k, rmdesk_audit_message(:i, :n, :at, :a, :b, "
                         ":e, :x, :d, :l, :p))"),
                    {"k": key, "i": r.id, "n": r.position, "at": r.at, "a": r.actor,
                     "b": r.action, "e": r.entity, "x": r.entity_id, "d": r.d, "l": r.login,
                     "p": r.prev_hash},
                ).scalar_one()  # fmt: skip
                assert server == r.hash
        assert "张三" in rows[0].d
    db.dispose()
