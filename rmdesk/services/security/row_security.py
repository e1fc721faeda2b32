"""A shared PostgreSQL database that holds against its own users, whatever SQL they send.

The schema's owner (the login that runs migrations, imports and the nightly scoring) is not
limited. Every person who uses the app gets a login of their own, mapped to their rmdesk user
by a row in ``db_logins`` that only the owner writes (``db_logins.py``), and a member of this
database's two groups: ``<prefix>_app`` (everyone) and ``<prefix>_admin`` (administrators).
The groups are named after the database, so a login of one bank's database is nothing in
another's on the same server. ``statements()`` is the whole set-up, which a DBA can read and
run (``rmdesk-cli pg-security sql``) or have run (``rmdesk-cli pg-security apply``):

- who a session is comes from ``session_user`` through ``db_logins``, in functions that run
  as the owner with their search path pinned (``pg_temp`` last) and every object named with
  its schema (migration 0004); ``TEMP`` on the database and ``CREATE`` on the schema are taken
  from ``PUBLIC``, so a session cannot shadow what those functions read;
- row-level security keeps each login to the clients it reaches (an RM's own, a head's branch,
  an administrator's bank) in every table of client data, its own audit entries and training;
- grants: everyone reads; an RM's or head's login writes only the columns the app changes,
  checked by the triggers of ``write_rules``; administrators write the bank's data and the
  reference tables; nobody but the owner writes the audit trail (only through
  ``rmdesk_audit_append``), reads its key or writes the login mapping;
- a change of role or a closed account in rmdesk changes the login's groups in the same
  transaction (a trigger on ``users``).

docs/security.md explains each rule, what a login can still infer, and how it is tested.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import Connection

from rmdesk.models import Base, readable_columns
from rmdesk.services.security import write_rules

#: the groups of earlier versions, one pair for every database of a server: emptied here
OLD_GROUPS = ("rmdesk_app", "rmdesk_admin")

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
    "tasks": "client_id",
    "contact_persons": "client_id",
    "monthly_facts": "holding_id",
    "transactions": "holding_id",
    "risk_flag_events": "flag_id",
    # which clients' data changed, for the nightly run: administrators read it (ADMINS_READ)
    "input_changes": "client_id",
}
_PARENT = {"client_id": "clients", "holding_id": "holdings", "flag_id": "risk_flags"}

#: what an RM's or a head's login may write (the triggers of write_rules say when): a table
#: and its privileges, with the columns for UPDATE
PERSON_WRITES: dict[str, str] = {
    "interactions": "INSERT",
    # no DELETE: a table-level DELETE would let a login take any lock on the table; proposals
    # are removed through rmdesk_remove_proposed
    "visits": "INSERT, UPDATE (status, planned_on, slot, purpose, reason, district, "
    "outcome, notes, next_step, follow_up_on, user_id, version)",
    "risk_flags": "UPDATE (status, updated_at, snoozed_until, reason, version)",
    "risk_flag_events": "INSERT",
    "suggestions": "UPDATE (status, version)",
    "suggestion_outcomes": "INSERT",
    "clients": "UPDATE (rm_id, version)",
    "client_handovers": "INSERT",
    "tasks": "INSERT, UPDATE (user_id, due_on, status, snoozed_until, closed_at, closed_by, "
    "note, version)",
    # to take its lock in ROW EXCLUSIVE mode, which does not stop other people (the guard
    # refuses any row); the owner's writers take SHARE ROW EXCLUSIVE (db.write_transaction)
    "write_locks": "INSERT",
}
#: tables nobody but the owner writes: the trail and its key, the logins, the schema version
OWNER_ONLY = ("audit_log", "audit_keys", "db_logins", "alembic_version")
#: tables no login but the owner reads at all
SECRET = ("audit_keys", "db_logins")

#: functions every person's login may call (the rest run as triggers, or for the owner)
PERSON_FUNCTIONS = (
    "rmdesk_user_id()",
    "rmdesk_user_role()",
    "rmdesk_user_branch()",
    "rmdesk_user_name()",
    "rmdesk_audit_append(text, text, text, text, text)",
    *write_rules.PERSON_CALLS,
)
#: the chain is extended by the owner's entries and the watchdog only: a person's login that
#: could call it could hold the chain's lock in an open transaction and stop every writer
ADMIN_FUNCTIONS = ("rmdesk_audit_check()",)
OWNER_FUNCTIONS = (
    "rmdesk_audit_chain()",
    "rmdesk_audit_fresh()",
    "rmdesk_hmac(bytea, text)",
    "rmdesk_audit_message(bigint, bigint, timestamptz, text, text, text, text, text, text, text)",
    "rmdesk_sync_login(text, boolean)",
    "rmdesk_sync_user()",
    "rmdesk_watchdog(integer, integer)",
)
#: tables only administrators (and the owner) read: which clients' data changed since the
#: nightly run, for a whole-bank run an administrator starts (written by the database's own
#: triggers, migration 0012)
ADMINS_READ = ("input_changes",)
#: personal data: no statistics either, or the planner's estimates would tell their spread
SENSITIVE = {
    "clients": ("name", "id_number", "mobile", "phone", "email", "wechat", "address"),
    "contact_persons": ("name", "mobile", "phone", "email"),
    "holdings": ("account_no",),
    "transactions": ("counterparty_account",),
}

#: a person's login gives up a transaction left open this long (it may hold the audit lock);
#: a person can lower it for themself, so the watchdog (below) is what holds the line
IDLE_TIMEOUT = "1min"
#: connections one person's login may hold (the app keeps at most 8 on PostgreSQL)
CONNECTION_LIMIT = 10


@dataclass(frozen=True)
class Target:
    """The database the set-up is for: its name, its schema and its groups."""

    database: str
    schema: str = "public"
    #: the login that owns rmdesk's tables (it runs the set-up), if known
    owner: str | None = None

    @property
    def prefix(self) -> str:
        base = re.sub(r"[^a-z0-9_]", "_", self.database.lower())
        name = f"rmdesk_{base}"
        if base != self.database or len(name) > 48:  # unambiguous, and within 63 bytes
            tag = hashlib.sha256(self.database.encode()).hexdigest()[:8]
            name = f"rmdesk_{base[:30]}_{tag}"
        return name

    @property
    def app_group(self) -> str:
        return f"{self.prefix}_app"

    @property
    def admin_group(self) -> str:
        return f"{self.prefix}_admin"

    @property
    def s(self) -> str:
        return quote_ident(self.schema)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def run(conn: Connection, sql: str) -> None:
    """One statement of the set-up, as written (no parameters: ``%`` is plpgsql's own)."""
    conn.exec_driver_sql(sql.replace("%", "%%"))


def target_of(conn: Connection) -> Target:
    """The database ``conn`` is connected to, and its current schema."""
    if conn.dialect.name != "postgresql":
        raise ValueError("row-level security is a PostgreSQL feature; a local file has one user")
    database, schema, owner = conn.exec_driver_sql(
        "SELECT current_database(), current_schema(), "
        "(SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'clients'::regclass)"
    ).one()
    return Target(str(database), str(schema), str(owner))


def _groups(t: Target) -> list[str]:
    app, admin = quote_ident(t.app_group), quote_ident(t.admin_group)
    made = [
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {literal(g)}) THEN "
        f"CREATE ROLE {quote_ident(g)} NOLOGIN; END IF; END $$"
        for g in (t.app_group, t.admin_group)
    ]
    db = quote_ident(t.database)
    olds = ", ".join(literal(g) for g in OLD_GROUPS)
    return [
        *made,
        f"GRANT {app} TO {admin}",
        # the database is this bank's: no login connects or makes temporary objects but its own
        f"REVOKE CONNECT, TEMPORARY, CREATE ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {db} TO {app}",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO CURRENT_USER",
        f"REVOKE CREATE ON SCHEMA {t.s} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {t.s} TO {app}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {t.s} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
        # the groups every database shared before: nothing of this database is theirs any more
        f"""DO $$ DECLARE g text; BEGIN
  FOREACH g IN ARRAY ARRAY[{olds}] LOOP
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = g) THEN
      EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %s FROM %I', {literal(t.s)}, g);
      EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %s FROM %I', {literal(t.s)}, g);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA %s FROM %I', {literal(t.s)}, g);
      EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', {literal(t.database)}, g);
    END IF;
  END LOOP;
END $$""",
    ]


def _reach(rm: str, branch: str, s: str) -> str:
    role = f"(SELECT {s}.rmdesk_user_role())"
    return (
        f"({role} = 'admin'"
        f" OR ({role} = 'branch_head' AND {branch} = (SELECT {s}.rmdesk_user_branch()))"
        f" OR ({role} = 'rm' AND {rm} = (SELECT {s}.rmdesk_user_id())))"
    )


def _policies(t: Target) -> list[str]:
    s = t.s
    out: list[str] = []
    for table, via in CLIENT_TABLES.items():
        rule = (
            _reach("rm_id", "branch_id", s)
            if not via
            else f"{via} IN (SELECT id FROM {s}.{_PARENT[via]})"  # the parent's policy applies
        )
        out += [
            f"ALTER TABLE {s}.{table} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS rmdesk_reach ON {s}.{table}",
            f"CREATE POLICY rmdesk_reach ON {s}.{table} USING ({rule}) WITH CHECK ({rule})",
        ]
    role = f"(SELECT {s}.rmdesk_user_role())"
    # only who hands clients over updates them: an RM's login cannot so much as lock a client
    # (SELECT ... FOR UPDATE needs the UPDATE policy), so it holds up nobody's contact
    out += [
        f"DROP POLICY IF EXISTS rmdesk_hand_over ON {s}.clients",
        f"CREATE POLICY rmdesk_hand_over ON {s}.clients AS RESTRICTIVE FOR UPDATE "
        f"USING ({role} IN ('branch_head', 'admin'))",
    ]
    own_entries = f"actor = (SELECT {s}.rmdesk_user_name()) OR {role} = 'admin'"
    training = (
        f"user_id = (SELECT {s}.rmdesk_user_id()) OR {role} = 'admin' OR ({role} = "
        f"'branch_head' AND user_id IN (SELECT u.id FROM {s}.users u "
        f"WHERE u.branch_id = (SELECT {s}.rmdesk_user_branch())))"
    )
    out += [
        f"ALTER TABLE {s}.audit_log ENABLE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS rmdesk_read ON {s}.audit_log",
        f"DROP POLICY IF EXISTS rmdesk_add ON {s}.audit_log",  # an earlier version's
        f"CREATE POLICY rmdesk_read ON {s}.audit_log FOR SELECT USING ({own_entries})",
        f"ALTER TABLE {s}.training_points ENABLE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS rmdesk_reach ON {s}.training_points",
        f"CREATE POLICY rmdesk_reach ON {s}.training_points USING ({training})",
    ]
    return out


def _tables() -> list[str]:
    return sorted([*Base.metadata.tables, "alembic_version"])


def _sequences(s: str, tables: list[str], group: str) -> str:
    """USAGE on the id sequences of ``tables`` (read off the columns, whatever their names)."""
    with_ids = [t for t in tables if "id" in Base.metadata.tables[t].columns]
    names = ", ".join(literal(t) for t in with_ids)
    return f"""DO $$ DECLARE t text; q text; BEGIN
  FOREACH t IN ARRAY ARRAY[{names}] LOOP
    q := pg_catalog.pg_get_serial_sequence(format('%I.%I', {literal(s)}, t), 'id');
    IF q IS NOT NULL THEN
      EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', q, {literal(group)});
    END IF;
  END LOOP;
END $$"""


def _new_rows(table: str, what: str) -> str:
    """``what`` with INSERT limited to every column but ``id``: a person's login cannot
    choose the id of a row it adds (and so take the next ids of others)."""
    columns = [c.name for c in Base.metadata.tables[table].columns if c.name != "id"]
    if len(columns) == len(Base.metadata.tables[table].columns):
        return what  # no id to choose (write_locks: LOCK TABLE needs the table-level INSERT)
    return what.replace("INSERT", f"INSERT ({', '.join(columns)})", 1)


def _grants(t: Target) -> list[str]:
    s, app, admin = t.s, quote_ident(t.app_group), quote_ident(t.admin_group)
    tables = _tables()
    listed = ", ".join(f"{s}.{x}" for x in tables)
    readable = ", ".join(f"{s}.{x}" for x in tables if x not in (*SECRET, *ADMINS_READ, "users"))
    users = [c.name for c in readable_columns("users")]
    out = [
        f"REVOKE ALL ON {listed} FROM {app}, {admin}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {app}, {admin}",
        f"GRANT SELECT ON {readable} TO {app}",
        f"GRANT SELECT ({', '.join(users)}) ON {s}.users TO {app}",
    ]
    out += [
        f"GRANT {_new_rows(table, what)} ON {s}.{table} TO {app}"
        for table, what in PERSON_WRITES.items()
    ]
    # ids come from the sequences, never from the person: the sequences of the tables people
    # add to, and no other
    added = sorted(t_ for t_, what in PERSON_WRITES.items() if "INSERT" in what)
    out.append(_sequences(t.schema, added, t.app_group))
    data = [x for x in tables if x not in OWNER_ONLY]
    out += [
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(f'{s}.{x}' for x in data)} TO {admin}",
        _sequences(t.schema, data, t.admin_group),
        f"GRANT SELECT ON {', '.join(f'{s}.{x}' for x in ADMINS_READ)} TO {admin}",
    ]
    every = (*PERSON_FUNCTIONS, *ADMIN_FUNCTIONS, *OWNER_FUNCTIONS, *write_rules.function_names())
    out += [f"REVOKE ALL ON FUNCTION {s}.{f} FROM PUBLIC" for f in every]
    out += [f"GRANT EXECUTE ON FUNCTION {s}.{f} TO {app}" for f in PERSON_FUNCTIONS]
    out += [f"GRANT EXECUTE ON FUNCTION {s}.{f} TO {admin}" for f in ADMIN_FUNCTIONS]
    out += [f"REVOKE ALL ON FUNCTION {s}.{f} FROM {app}, {admin}" for f in OWNER_FUNCTIONS]
    return out


def _sync(t: Target) -> list[str]:
    """A login's groups follow its user: active or closed, administrator or not; and when
    the user's role, branch or status changes, the login's open sessions are ended, so none
    goes on with what it was (a snapshot of the old role, a group taken with SET ROLE)."""
    s = t.s
    pinned = f"SECURITY DEFINER SET search_path = pg_catalog, {s}, pg_temp"

    def membership(group: str, wanted: str) -> str:
        g = literal(group)
        return f"""  IF {wanted} THEN
    EXECUTE format('GRANT %I TO %I', {g}, p_login);
  ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                JOIN pg_catalog.pg_roles r ON r.oid = m.roleid
                JOIN pg_catalog.pg_roles l ON l.oid = m.member
                WHERE r.rolname = {g} AND l.rolname = p_login) THEN
    EXECUTE format('REVOKE %I FROM %I', {g}, p_login);
  END IF;"""

    return [
        f"DROP FUNCTION IF EXISTS {s}.rmdesk_sync_login(text)",  # an earlier version's
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_sync_login(p_login text, p_end boolean)
RETURNS void LANGUAGE plpgsql {pinned} AS $$
DECLARE v_role text; v_active boolean := false;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_login) THEN RETURN; END IF;
  SELECT u.role::text, u.active INTO v_role, v_active
    FROM {s}.db_logins l JOIN {s}.users u ON u.id = l.user_id WHERE l.login = p_login;
  v_active := coalesce(v_active, false);
{membership(t.app_group, "v_active")}
{membership(t.admin_group, "v_active AND v_role = 'admin'")}
  IF p_end THEN
    BEGIN
      PERFORM pg_catalog.pg_terminate_backend(a.pid) FROM pg_catalog.pg_stat_activity a
        WHERE a.usename = p_login AND a.datname = current_database()
          AND a.pid <> pg_catalog.pg_backend_pid();
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE WARNING 'the sessions of % are still open: give the owner pg_signal_backend',
        p_login;
    END;
  END IF;
END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_sync_user() RETURNS trigger
LANGUAGE plpgsql {pinned} AS $$
DECLARE l text;
BEGIN
  FOR l IN SELECT d.login FROM {s}.db_logins d WHERE d.user_id = NEW.id LOOP
    PERFORM {s}.rmdesk_sync_login(l, true);
  END LOOP;
  RETURN NULL;
END $$""",
        f"DROP TRIGGER IF EXISTS rmdesk_sync_user ON {s}.users",
        f"CREATE TRIGGER rmdesk_sync_user AFTER UPDATE OF role, active, branch_id ON {s}.users "
        f"FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.active IS DISTINCT "
        f"FROM NEW.active OR OLD.branch_id IS DISTINCT FROM NEW.branch_id) "
        f"EXECUTE FUNCTION {s}.rmdesk_sync_user()",
    ]


def _watchdog(t: Target) -> list[str]:
    """The sessions of people's logins that keep a transaction open and idle, or hold up
    someone who has waited too long, are ended: ``rmdesk-cli pg-security watchdog``, run every
    minute by the database server's scheduler (docs/security.md). It judges by how long the
    *waiter* has waited, so a holder cannot dodge it with short transactions."""
    s = t.s
    return [
        f"DROP FUNCTION IF EXISTS {s}.rmdesk_watchdog(integer, integer)",
        f"""CREATE FUNCTION {s}.rmdesk_watchdog(p_idle integer, p_waited integer)
RETURNS TABLE (pid integer, login text, reason text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, {s}, pg_temp AS $$
  WITH people AS (
    SELECT a.pid, a.usename::text AS login, a.state, a.state_change
    FROM pg_catalog.pg_stat_activity a JOIN {s}.db_logins l ON l.login = a.usename::text
    WHERE a.datname = current_database() AND a.pid <> pg_catalog.pg_backend_pid()
  ), held_up AS (
    SELECT b.pid, max(clock_timestamp() - w.waitstart) AS waited
    FROM pg_catalog.pg_locks w
    CROSS JOIN LATERAL unnest(pg_catalog.pg_blocking_pids(w.pid)) AS b(pid)
    WHERE NOT w.granted AND w.waitstart IS NOT NULL
      AND clock_timestamp() - w.waitstart > make_interval(secs => p_waited)
    GROUP BY b.pid
  ), ending AS (
    SELECT p.pid, p.login, 'idle in a transaction for ' ||
           round(extract(epoch FROM clock_timestamp() - p.state_change)) || ' s' AS reason
    FROM people p WHERE p.state LIKE 'idle in transaction%'
      AND clock_timestamp() - p.state_change > make_interval(secs => p_idle)
    UNION
    SELECT p.pid, p.login, 'holding up a session that waited ' ||
           round(extract(epoch FROM h.waited)) || ' s'
    FROM people p JOIN held_up h ON h.pid = p.pid
  )
  SELECT e.pid, e.login, e.reason FROM ending e WHERE pg_catalog.pg_terminate_backend(e.pid)
$$""",
    ]


def _sealed(t: Target) -> list[str]:
    """What only the server's superuser can close, closed when the set-up runs as one (large
    objects any login could make); personal data without planner statistics."""
    s = t.s
    out = [
        """DO $$ BEGIN
  IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
    REVOKE EXECUTE ON FUNCTION pg_catalog.lo_creat(integer), pg_catalog.lo_create(oid),
      pg_catalog.lo_from_bytea(oid, bytea), pg_catalog.lo_import(text),
      pg_catalog.lo_import(text, oid) FROM PUBLIC;
  ELSE
    RAISE NOTICE 'as a superuser, also revoke EXECUTE on the large-object functions from PUBLIC';
  END IF;
END $$""",
    ]
    for table, columns in SENSITIVE.items():
        for column in columns:
            kind = Base.metadata.tables[table].columns[column].type.compile()
            out += [
                f"ALTER TABLE {s}.{table} ALTER COLUMN {column} SET STATISTICS 0",
                # the same type again: PostgreSQL forgets the column's statistics so far
                f"ALTER TABLE {s}.{table} ALTER COLUMN {column} TYPE {kind}",
            ]
    return out


def statements(t: Target) -> list[str]:
    """The whole set-up for the database ``t``, in order; running it again brings it up to
    date (and its result is the same)."""
    rules = write_rules.functions(t.s, t.app_group, t.admin_group, t.owner)
    rules += write_rules.triggers(t.s)
    return _groups(t) + rules + _sync(t) + _watchdog(t) + _policies(t) + _grants(t) + _sealed(t)


def apply(conn: Connection) -> int:
    """Run the set-up in ``conn``'s transaction (as the schema's owner, who needs CREATEROLE
    or the groups' ADMIN OPTION); then bring every mapped login's groups up to date. Returns
    how many statements ran."""
    t = target_of(conn)
    done = 0
    for sql in statements(t):
        run(conn, sql)
        done += 1
    for (login,) in conn.exec_driver_sql(f"SELECT login FROM {t.s}.db_logins").all():
        conn.exec_driver_sql(f"SELECT {t.s}.rmdesk_sync_login({literal(str(login))}, false)")
    return done


def applied(conn: Connection) -> bool:
    """Whether this database has the set-up (its groups exist)."""
    t = target_of(conn)
    found = conn.exec_driver_sql(
        f"SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname IN "
        f"({literal(t.app_group)}, {literal(t.admin_group)})"
    ).scalar_one()
    return int(found) == 2


def watchdog(conn: Connection, idle: int, waited: int) -> list[tuple[int, str, str]]:
    """End the sessions of people's logins left idle in a transaction for ``idle`` seconds,
    or holding up someone who has waited ``waited`` seconds: (pid, login, why) each. Then
    chain the audit entries people added since the last chaining."""
    t = target_of(conn)
    rows = conn.exec_driver_sql(
        f"SELECT pid, login, reason FROM {t.s}.rmdesk_watchdog({int(idle)}, {int(waited)})"
    ).all()
    conn.exec_driver_sql(f"SELECT {t.s}.rmdesk_audit_chain()")
    return [(int(pid), str(login), str(reason)) for pid, login, reason in rows]
