"""Each person's own PostgreSQL login, mapped explicitly to their rmdesk user.

A login is an rmdesk user because a row in ``db_logins`` says so, written by the schema's
owner (``rmdesk-cli pg-security login USER``): not because its name looks like a user name.
One login is one user and one user has at most one login. A login that already exists is
taken over only when it can do nothing beyond what rmdesk gives it: no superuser, no
BYPASSRLS, CREATEROLE, CREATEDB or replication, no objects of its own anywhere on the server
and no other group (``--force`` takes what it can away and says what it could not).
Its groups then follow its user: ``row_security``'s trigger on ``users`` grants and revokes
them in the same transaction as a change of role or a closed account.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from rmdesk.services.security import row_security
from rmdesk.services.security.row_security import (
    CONNECTION_LIMIT,
    IDLE_TIMEOUT,
    literal,
    quote_ident,
    target_of,
)

_NAME = re.compile(r"^[a-z_][a-z0-9_.\-]{0,62}$")


class DbLoginError(ValueError):
    """The login cannot be made or mapped; ``reasons`` lists what is wrong with it."""

    def __init__(self, message: str, reasons: list[str] | None = None) -> None:
        super().__init__(message + ("" if not reasons else ": " + "; ".join(reasons)))
        self.reasons = reasons or []


@dataclass
class Mapped:
    """What ``add_login`` did: the login, the rmdesk user and role, and what was taken away
    from an existing login (``--force``) or could not be."""

    login: str
    username: str
    role: str
    created: bool
    taken_away: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


def dangers(conn: Connection, login: str) -> list[str]:
    """What an existing role ``login`` can do beyond an rmdesk person's login; empty when
    it does not exist or is harmless."""
    row = conn.execute(
        text(
            "SELECT oid, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication "
            "FROM pg_catalog.pg_roles WHERE rolname = :n"
        ),
        {"n": login},
    ).first()
    if row is None:
        return []
    found = [
        what
        for flag, what in (
            (row.rolsuper, "it is a superuser"),
            (row.rolbypassrls, "it bypasses row-level security (BYPASSRLS)"),
            (row.rolcreaterole, "it can create and change roles (CREATEROLE)"),
            (row.rolcreatedb, "it can create databases (CREATEDB)"),
            (row.rolreplication, "it is a replication role"),
        )
        if flag
    ]
    owned = conn.execute(
        text(
            "SELECT (SELECT count(*) FROM pg_catalog.pg_shdepend d "
            "        WHERE d.refobjid = :oid AND d.deptype = 'o')"
            " + (SELECT count(*) FROM pg_catalog.pg_database WHERE datdba = :oid)"
            " + (SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspowner = :oid)"
            " + (SELECT count(*) FROM pg_catalog.pg_class WHERE relowner = :oid)"
            " + (SELECT count(*) FROM pg_catalog.pg_proc WHERE proowner = :oid)"
        ),
        {"oid": row.oid},
    ).scalar_one()
    if owned:
        found.append(f"it owns {owned} object(s) (tables, functions, schemas or databases)")
    t = target_of(conn)
    groups = conn.execute(
        text(
            "SELECT r.rolname FROM pg_catalog.pg_auth_members m "
            "JOIN pg_catalog.pg_roles r ON r.oid = m.roleid WHERE m.member = :oid "
            "AND r.rolname NOT IN (:app, :admin) ORDER BY 1"
        ),
        {"oid": row.oid, "app": t.app_group, "admin": t.admin_group},
    ).scalars()
    found += [f"it is a member of {g}" for g in groups]
    is_owner = conn.execute(
        text("SELECT pg_has_role(:n, (SELECT relowner FROM pg_catalog.pg_class "
             "WHERE oid = 'users'::regclass), 'MEMBER')"),
        {"n": login},
    ).scalar()  # fmt: skip
    if is_owner:
        found.append("it is (or acts as) the owner of rmdesk's tables")
    return found


def add_login(
    conn: Connection,
    username: str,
    *,
    login: str | None = None,
    password: str | None = None,
    force: bool = False,
) -> Mapped:
    """Give the rmdesk user ``username`` the database login ``login`` (their user name if
    not given), in ``conn``'s transaction, as the schema's owner after ``row_security.apply``.
    """
    login = login or username
    if not _NAME.match(login):
        raise DbLoginError(f"{login!r} cannot be a database login name (a-z, 0-9, _ . -)")
    t = target_of(conn)
    if not row_security.applied(conn):
        raise DbLoginError("run `rmdesk-cli pg-security apply` on this database first")
    user = conn.execute(
        text("SELECT id, role, active FROM users WHERE username = :u"), {"u": username}
    ).first()
    if user is None:
        raise DbLoginError(f"no rmdesk user {username!r}")
    other = conn.execute(
        text("SELECT u.username FROM db_logins l JOIN users u ON u.id = l.user_id "
             "WHERE l.login = :l AND l.user_id <> :id"),
        {"l": login, "id": user.id},
    ).scalar()  # fmt: skip
    if other is not None:
        raise DbLoginError(f"the login {login!r} is already {other!r}'s in this database")
    exists = conn.execute(
        text("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :n"), {"n": login}
    ).first()
    found = dangers(conn, login)
    done = Mapped(login, username, str(user.role), created=exists is None)
    if found and not force:
        raise DbLoginError(
            f"the database role {login!r} exists and can do more than an rmdesk login "
            "(use --force to take that away, or choose another --login)",
            found,
        )
    q = quote_ident(login)
    if exists is None:
        conn.exec_driver_sql(
            f"CREATE ROLE {q} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
        )
    elif found:
        done.taken_away, done.left = _take_away(conn, login, found)
    if password is not None:
        conn.exec_driver_sql(f"ALTER ROLE {q} PASSWORD {literal(password)}")
    conn.exec_driver_sql(f"ALTER ROLE {q} SET idle_in_transaction_session_timeout = "
                         f"{literal(IDLE_TIMEOUT)}")  # fmt: skip
    conn.exec_driver_sql(f"ALTER ROLE {q} CONNECTION LIMIT {CONNECTION_LIMIT}")
    old = conn.execute(
        text("SELECT login FROM db_logins WHERE user_id = :id AND login <> :l"),
        {"id": user.id, "l": login},
    ).scalar()
    conn.execute(text("DELETE FROM db_logins WHERE user_id = :id"), {"id": user.id})
    conn.execute(
        text("INSERT INTO db_logins (login, user_id, created_at) VALUES (:l, :id, :at)"),
        {"l": login, "id": user.id, "at": dt.datetime.now(dt.UTC)},
    )
    conn.exec_driver_sql(f"SELECT {t.s}.rmdesk_sync_login({literal(login)}, false)")
    if old is not None:  # one login per person: an earlier one loses its groups and sessions
        conn.exec_driver_sql(f"SELECT {t.s}.rmdesk_sync_login({literal(old)}, true)")
    return done


def _take_away(conn: Connection, login: str, found: list[str]) -> tuple[list[str], list[str]]:
    """Strip an existing role to an rmdesk login as far as this session may (``--force``)."""
    q = quote_ident(login)
    taken, left = [], []
    attributes = "NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION"
    for reason in found:
        try:
            with conn.begin_nested():
                if reason.startswith("it is a member of "):
                    group = reason.removeprefix("it is a member of ")
                    conn.exec_driver_sql(f"REVOKE {quote_ident(group)} FROM {q}")
                elif reason.startswith(("it owns", "it is (or acts")):
                    raise PermissionError(reason)
                else:
                    conn.exec_driver_sql(f"ALTER ROLE {q} {attributes}")
            taken.append(reason)
        except Exception:  # what could not be taken away is reported, not fatal
            left.append(reason)
    return taken, left


def remove_login(conn: Connection, username: str) -> str | None:
    """Unmap ``username``'s login (it loses this database's groups); the login itself stays
    on the server, for the DBA to drop. Returns the login, or None if there was none."""
    t = target_of(conn)
    login = conn.execute(
        text("SELECT l.login FROM db_logins l JOIN users u ON u.id = l.user_id "
             "WHERE u.username = :u"),
        {"u": username},
    ).scalar()  # fmt: skip
    if login is None:
        return None
    conn.execute(text("DELETE FROM db_logins WHERE login = :l"), {"l": login})
    conn.exec_driver_sql(f"SELECT {t.s}.rmdesk_sync_login({literal(str(login))}, true)")
    return str(login)


def listing(conn: Connection) -> list[tuple[str, str, str, bool]]:
    """Every mapped login: (login, user, role, active)."""
    return [
        (str(a), str(b), str(c), bool(d))
        for a, b, c, d in conn.execute(
            text("SELECT l.login, u.username, u.role, u.active FROM db_logins l "
                 "JOIN users u ON u.id = l.user_id ORDER BY l.login")
        )
    ]  # fmt: skip
