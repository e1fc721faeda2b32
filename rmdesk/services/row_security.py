"""Row-level security on a shared PostgreSQL database: the database itself keeps each RM to
their own book, whatever SQL a connection sends.

The schema's owner (the login that runs migrations, imports and scoring) is not limited. Every
person who uses the app gets a login of their own, named like their rmdesk user and a member of
``rmdesk_app`` (administrators also of ``rmdesk_admin``). For such a login the policies here let
through only the rows of clients its user reaches: an RM's own clients, a branch head's branch,
an administrator's bank. ``statements()`` is the whole set-up, which a DBA can read and run as
it is (``rmdesk-cli pg-security sql``) or have run (``rmdesk-cli pg-security apply``);
docs/security.md explains it.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from rmdesk.models import Base

APP_ROLE = "rmdesk_app"
ADMIN_ROLE = "rmdesk_admin"

#: tables of client data and how each reaches its client (a column of its own or its parent)
CLIENT_TABLES: dict[str, str] = {
    "clients": "",
    "holdings": "client_id",
    "interactions": "client_id",
    "visits": "client_id",
    "risk_flags": "client_id",
    "suggestions": "client_id",
    "suggestion_outcomes": "client_id",
    "client_scores": "client_id",
    "client_handovers": "client_id",
    "monthly_facts": "holding_id",
    "transactions": "holding_id",
    "risk_flag_events": "flag_id",
}
_PARENT = {"client_id": "clients", "holding_id": "holdings", "flag_id": "risk_flags"}

#: what every app login may change (work on its clients); the rest it may only read
APP_WRITES: dict[str, str] = {
    "clients": "UPDATE",  # a branch head's handover
    "client_handovers": "INSERT",
    "interactions": "INSERT, UPDATE",
    "visits": "INSERT, UPDATE, DELETE",
    "risk_flags": "INSERT, UPDATE",
    "risk_flag_events": "INSERT",
    "suggestions": "UPDATE",
    "suggestion_outcomes": "INSERT",
    "audit_log": "INSERT",
}

_NAME = re.compile(r"^[a-z_][a-z0-9_.\-]{0,62}$")


def _functions() -> list[str]:
    """Who the connection is for, read from ``session_user`` (which ``SET ROLE`` cannot change),
    in functions that run as the owner so they may read ``users`` whole."""
    me = "FROM users WHERE username = session_user AND active"
    definer = "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public"
    return [
        f"CREATE OR REPLACE FUNCTION rmdesk_user_id() RETURNS integer {definer} "
        f"AS $$ SELECT id {me} $$",
        f"CREATE OR REPLACE FUNCTION rmdesk_user_role() RETURNS text {definer} "
        f"AS $$ SELECT role::text {me} $$",
        f"CREATE OR REPLACE FUNCTION rmdesk_user_branch() RETURNS integer {definer} "
        f"AS $$ SELECT branch_id {me} $$",
        # the app's own password check for the login's user, and for no one else
        "CREATE OR REPLACE FUNCTION rmdesk_password_hash(name text) RETURNS text "
        f"{definer} AS $$ SELECT password_hash FROM users WHERE username = name "
        "AND name = session_user $$",
        # the audit chain's newest hash, for logins that may read only their own entries
        "CREATE OR REPLACE FUNCTION rmdesk_audit_tail() RETURNS text "
        f"{definer} AS $$ SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1 $$",
    ]


def _reach(rm: str, branch: str) -> str:
    role = "(SELECT rmdesk_user_role())"
    return (
        f"({role} = 'admin'"
        f" OR ({role} = 'branch_head' AND {branch} = (SELECT rmdesk_user_branch()))"
        f" OR ({role} = 'rm' AND {rm} = (SELECT rmdesk_user_id())))"
    )


def _policies() -> list[str]:
    out: list[str] = []
    for table, via in CLIENT_TABLES.items():
        rule = (
            _reach("rm_id", "branch_id")
            if not via
            else f"{via} IN (SELECT id FROM {_PARENT[via]})"  # the parent's policy applies
        )
        out += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS rmdesk_reach ON {table}",
            f"CREATE POLICY rmdesk_reach ON {table} USING ({rule}) WITH CHECK ({rule})",
        ]
    own = "actor = session_user OR (SELECT rmdesk_user_role()) = 'admin'"
    out += [
        "ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS rmdesk_read ON audit_log",
        f"CREATE POLICY rmdesk_read ON audit_log FOR SELECT USING ({own})",
        "DROP POLICY IF EXISTS rmdesk_add ON audit_log",
        "CREATE POLICY rmdesk_add ON audit_log FOR INSERT WITH CHECK (true)",
    ]
    return out


def _grants() -> list[str]:
    tables = sorted(Base.metadata.tables)
    users = [c.name for c in Base.metadata.tables["users"].columns if c.name != "password_hash"]
    out = [
        f"REVOKE ALL ON {', '.join(tables)} FROM {APP_ROLE}, {ADMIN_ROLE}",
        f"GRANT SELECT ON {', '.join(t for t in tables if t != 'users')} TO {APP_ROLE}",
        f"GRANT SELECT ({', '.join(users)}) ON users TO {APP_ROLE}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}",
    ]
    out += [f"GRANT {what} ON {table} TO {APP_ROLE}" for table, what in APP_WRITES.items()]
    admin_tables = ", ".join(t for t in tables if t != "audit_log")
    out += [
        f"GRANT INSERT, UPDATE, DELETE ON {admin_tables} TO {ADMIN_ROLE}",
        f"GRANT UPDATE (password_hash) ON users TO {ADMIN_ROLE}",
    ]
    out += [
        f"REVOKE ALL ON FUNCTION {f}() FROM PUBLIC"
        for f in ("rmdesk_user_id", "rmdesk_user_role", "rmdesk_user_branch", "rmdesk_audit_tail")
    ]
    out.append("REVOKE ALL ON FUNCTION rmdesk_password_hash(text) FROM PUBLIC")
    out += [
        f"GRANT EXECUTE ON FUNCTION {f} TO {APP_ROLE}"
        for f in (
            "rmdesk_user_id()",
            "rmdesk_user_role()",
            "rmdesk_user_branch()",
            "rmdesk_audit_tail()",
            "rmdesk_password_hash(text)",
        )
    ]
    return out


def _roles() -> list[str]:
    return [
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"CREATE ROLE {role} NOLOGIN; END IF; END $$"
        for role in (APP_ROLE, ADMIN_ROLE)
    ] + [f"GRANT {APP_ROLE} TO {ADMIN_ROLE}"]


def statements() -> list[str]:
    """The whole set-up, in order; running it again brings it up to date."""
    return _roles() + _functions() + _policies() + _grants()


def apply(conn: Connection) -> int:
    """Run the set-up in ``conn``'s transaction (as the schema's owner); returns how many
    statements ran."""
    if conn.dialect.name != "postgresql":
        raise ValueError("row-level security is a PostgreSQL feature; a local file has one user")
    done = 0
    for sql in statements():
        conn.exec_driver_sql(sql)
        done += 1
    return done


def login_statements(username: str, role: str, password: str | None = None) -> list[str]:
    """Make (or update) the database login of the rmdesk user ``username``."""
    if not _NAME.match(username):
        raise ValueError(f"{username!r} cannot be a database login name")
    quoted = '"' + username + '"'
    groups = [APP_ROLE] + ([ADMIN_ROLE] if role == "admin" else [])
    secret = "" if password is None else " PASSWORD " + _literal(password)
    return [
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(username)}) THEN "
        f"CREATE ROLE {quoted} LOGIN; END IF; END $$",
        f"ALTER ROLE {quoted} LOGIN NOSUPERUSER NOBYPASSRLS{secret}",
        *(f"GRANT {g} TO {quoted}" for g in groups),
    ]


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def add_login(conn: Connection, username: str, password: str | None = None) -> str:
    """Give the rmdesk user ``username`` a database login; returns its role in rmdesk."""
    role = conn.execute(
        text("SELECT role FROM users WHERE username = :u"), {"u": username}
    ).scalar()
    if role is None:
        raise ValueError(f"no rmdesk user {username!r}")
    powerful = conn.execute(
        text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = :u"), {"u": username}
    ).scalar()
    if powerful:  # never demote (nor hand an app user) a superuser's login
        raise ValueError(f"the database login {username!r} exists and is above row security")
    for sql in login_statements(username, str(role), password):
        conn.exec_driver_sql(sql)
    return str(role)
