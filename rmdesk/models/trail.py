"""The audit trail, its key, the write locks, the database logins, and the columns no one
reads but the log-in itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from rmdesk.models.base import Base


class AuditEntry(Base):
    """Who did what: log-ins, views, changes, prints, exports, imports. Append-only."""

    __tablename__ = "audit_log"
    # no INSERT … RETURNING: a login kept to its own entries may add one it may not read back
    # (a failed log-in under another name), see services/security/row_security.py
    __table_args__ = {"implicit_returning": False}
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(64))  # username, or "system" / "cli"
    action: Mapped[str] = mapped_column(String(48))
    entity: Mapped[str | None] = mapped_column(String(48))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    # the database login that wrote the entry (PostgreSQL's session_user; None on SQLite)
    login: Mapped[str | None] = mapped_column(String(64))
    # how ``hash`` is made: None = an unkeyed SHA-256 (before 0004), 2 = HMAC-SHA256 keyed by
    # ``audit_keys`` over the entry and the previous hash (services/audit_chain.py)
    scheme: Mapped[int | None] = mapped_column(SmallInteger)
    # where the entry stands in the chain: given when it is chained (at once on SQLite and for
    # the owner's entries; a person's own login's entries by the next chaining, see audit.py)
    position: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), unique=True
    )


class AuditKey(Base):
    """The audit chain's HMAC key. On PostgreSQL only the schema's owner can read it; the
    entries are added and checked by functions that run as the owner (docs/security.md)."""

    __tablename__ = "audit_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    secret: Mapped[str] = mapped_column(String(128))  # hex
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class WriteLock(Base):
    """An empty table whose lock writers take in turn on PostgreSQL (``db.write_transaction``):
    unlike an advisory lock, it is held only inside a transaction, which the server ends when
    a login leaves it idle (docs/security.md)."""

    __tablename__ = "write_locks"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)


class DbLogin(Base):
    """A PostgreSQL login and the rmdesk user it is: written by the schema's owner only
    (``rmdesk-cli pg-security login``), read by the functions that tell who a session is."""

    __tablename__ = "db_logins"
    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


#: Columns no one reads but the log-in itself: never exported, never granted to a person's
#: own database login, never selected by the services that act on users.
SECRET_COLUMNS: dict[str, frozenset[str]] = {"users": frozenset({"password_hash"})}


def readable_columns(table: str) -> list[Any]:
    """The columns of ``table`` a person's own login may read."""
    hidden = SECRET_COLUMNS.get(table, frozenset())
    return [c for c in Base.metadata.tables[table].columns if c.name not in hidden]
