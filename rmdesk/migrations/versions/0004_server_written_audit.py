"""the server writes the audit trail: a keyed chain, the writing login, logins mapped to users

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 21:00:00

- ``audit_log`` gains ``login`` (the database login that wrote the entry) and ``scheme``
  (2: HMAC-SHA256 keyed by ``audit_keys``; earlier entries keep their unkeyed SHA-256).
- ``audit_keys`` holds the chain's key, made here from the operating system's random source.
- ``db_logins`` maps a PostgreSQL login to the rmdesk user it is (written by the owner only).
- ``write_locks``: an empty table whose lock writers take in turn (instead of an advisory
  lock, which any login could hold for as long as it stays connected).
- On PostgreSQL, functions that run as the schema's owner: who a session is
  (``rmdesk_user_id/role/branch/name``, read from ``db_logins`` by ``session_user``), the one
  way to add an audit entry (``rmdesk_audit_append``: actor, id, time and chain set by the
  server) and the check of the keyed entries (``rmdesk_audit_check``). Each pins its search
  path with ``pg_temp`` last and names the schema's objects in full (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FUNCTIONS = (
    "rmdesk_user_id()",
    "rmdesk_user_role()",
    "rmdesk_user_branch()",
    "rmdesk_user_name()",
    "rmdesk_hmac(bytea, text)",
    "rmdesk_audit_message(bigint, bigint, timestamptz, text, text, text, text, text, text, text)",
    "rmdesk_audit_append(text, text, text, text, text)",
    "rmdesk_audit_chain()",
    "rmdesk_audit_check()",
)


def _field(x: str) -> str:
    """A length-prefixed text field of the chain's message, '~' for none (as in Python)."""
    return f"CASE WHEN {x} IS NULL THEN '~' ELSE char_length({x})::text || ':' || {x} END"


def server_functions(schema: str) -> list[str]:
    """The functions' SQL for ``schema`` (quoted), as this revision defines them."""
    s = schema
    pinned = f"SET search_path = pg_catalog, {s}, pg_temp"
    me = (
        f"FROM {s}.db_logins l JOIN {s}.users u ON u.id = l.user_id "
        "WHERE l.login = session_user::text AND u.active"
    )
    identity = "LANGUAGE sql STABLE SECURITY DEFINER " + pinned
    message_fields = ", ".join(
        _field(x)
        for x in ("p_actor", "p_action", "p_entity", "p_entity_id", "p_detail", "p_login", "p_prev")
    )
    return [
        f"CREATE OR REPLACE FUNCTION {s}.rmdesk_user_id() RETURNS integer {identity} "
        f"AS $$ SELECT u.id {me} $$",
        f"CREATE OR REPLACE FUNCTION {s}.rmdesk_user_role() RETURNS text {identity} "
        f"AS $$ SELECT u.role::text {me} $$",
        f"CREATE OR REPLACE FUNCTION {s}.rmdesk_user_branch() RETURNS integer {identity} "
        f"AS $$ SELECT u.branch_id {me} $$",
        f"CREATE OR REPLACE FUNCTION {s}.rmdesk_user_name() RETURNS text {identity} "
        f"AS $$ SELECT u.username::text {me} $$",
        # HMAC-SHA256 (RFC 2104) from the built-in sha256, so no extension is needed
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_hmac(p_key bytea, p_message text)
RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE k bytea; ik bytea; ok bytea;
BEGIN
  k := CASE WHEN length(p_key) > 64 THEN sha256(p_key) ELSE p_key END;
  k := k || decode(repeat('00', 64 - length(k)), 'hex');
  ik := k; ok := k;
  FOR i IN 0..63 LOOP
    ik := set_byte(ik, i, get_byte(k, i) # 54);
    ok := set_byte(ok, i, get_byte(k, i) # 92);
  END LOOP;
  RETURN encode(sha256(ok || sha256(ik || convert_to(p_message, 'UTF8'))), 'hex');
END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_audit_message(
  p_id bigint, p_position bigint, p_at timestamptz, p_actor text, p_action text,
  p_entity text, p_entity_id text, p_detail text, p_login text, p_prev text)
RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT concat_ws('|', 'v2', p_id::text, p_position::text,
    to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), {message_fields})
$$""",
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_audit_append(
  p_actor text, p_action text, p_entity text, p_entity_id text, p_detail text)
RETURNS bigint LANGUAGE plpgsql VOLATILE SECURITY DEFINER {pinned}
AS $$
DECLARE
  v_login text := session_user::text;
  v_actor text; v_role text; v_active boolean; v_kind text; v_mapped boolean;
  v_id bigint; v_detail text := coalesce(p_detail, '{{}}');
BEGIN
  -- what an entry may hold: a plain action and subject, a JSON object of at most 64 KiB,
  -- no control, zero-width or direction-changing characters
  IF p_action IS NULL OR p_action !~ '^[a-z][a-z0-9_.:-]{{0,47}}$'
     OR p_entity !~ '^[a-z][a-z0-9_.:-]{{0,47}}$'
     OR p_entity_id ~ '[[:cntrl:]]' OR char_length(p_entity_id) > 64
     OR p_entity_id ~ '[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]'
     OR v_detail ~ '[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]'
     OR octet_length(v_detail) > 65536 OR json_typeof(v_detail::json) <> 'object' THEN
    RAISE EXCEPTION 'an audit entry names a plain action and subject and a detail object'
      USING ERRCODE = '22023';
  END IF;
  SELECT u.username, u.role, u.active INTO v_actor, v_role, v_active
    FROM {s}.db_logins l JOIN {s}.users u ON u.id = l.user_id WHERE l.login = v_login;
  v_mapped := FOUND;
  IF v_mapped THEN  -- mapped by `pg-security login`, after `apply` made rmdesk_session_kind()
    EXECUTE 'SELECT {s}.rmdesk_session_kind()' INTO v_kind;
  END IF;
  IF v_mapped AND (NOT v_active OR v_kind NOT IN ('rm', 'branch_head', 'admin')) THEN
    RAISE EXCEPTION 'the account of the login % is closed, or out of its groups', v_login
      USING ERRCODE = 'insufficient_privilege';
  ELSIF v_mapped THEN
    -- a person's own login: the entry is in their name, whatever the caller said; the
    -- entries lock-out is counted from cannot be written for someone else
    IF p_action IN ('login_failed', 'login_locked')
       OR (p_action = 'login' AND p_entity_id IS DISTINCT FROM v_actor)
       OR (p_action IN ('unlock', 'set_password') AND v_role IS DISTINCT FROM 'admin') THEN
      RAISE EXCEPTION 'the login % cannot record "%" about %', v_login, p_action, p_entity_id
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  ELSIF pg_has_role(v_login, (SELECT c.relowner FROM pg_catalog.pg_class c
                              WHERE c.oid = '{s}.audit_log'::regclass), 'MEMBER') THEN
    v_actor := p_actor;  -- the schema's owner: the program names the person it acts for
  ELSE
    RAISE EXCEPTION 'the login % is not an rmdesk user of this database', v_login
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF v_actor IS NULL OR p_action IS NULL THEN
    RAISE EXCEPTION 'an audit entry needs an actor and an action' USING ERRCODE = '22004';
  END IF;
  -- added now, chained later: a person's transaction holds no lock anyone else waits for
  v_id := nextval(pg_get_serial_sequence('{s}.audit_log', 'id'));
  INSERT INTO {s}.audit_log (id, at, actor, action, entity, entity_id, detail, login, scheme)
  VALUES (v_id, date_trunc('second', clock_timestamp()), v_actor, p_action, p_entity,
          p_entity_id, v_detail::json, v_login, 2);
  IF NOT v_mapped THEN  -- the owner's own entries are chained at once
    PERFORM {s}.rmdesk_audit_chain();
  END IF;
  RETURN v_id;
END $$""",
        # the chain: every committed entry not yet in it takes the next position, linked to
        # the one before by a keyed hash; chainers take their turn on the key's table, which
        # no person can lock
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_audit_chain() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER {pinned} SET lock_timeout = '60s' AS $$
DECLARE v_key bytea; v_prev text; v_pos bigint; v_hash text; r record; done integer := 0;
BEGIN
  LOCK TABLE {s}.audit_keys IN EXCLUSIVE MODE;
  SELECT decode(k.secret, 'hex') INTO v_key FROM {s}.audit_keys k ORDER BY k.id DESC LIMIT 1;
  IF v_key IS NULL THEN
    RAISE EXCEPTION 'the audit chain has no key' USING ERRCODE = '55000';
  END IF;
  SELECT a.hash INTO v_prev FROM {s}.audit_log a WHERE a.position IS NOT NULL
    ORDER BY a.position DESC LIMIT 1;
  FOR r IN SELECT a.id, a.at, a.actor, a.action, a.entity, a.entity_id, a.detail::text AS d,
                  a.login
           FROM {s}.audit_log a WHERE a.position IS NULL AND a.scheme = 2
           ORDER BY a.id FOR UPDATE LOOP
    v_pos := nextval('{s}.audit_log_position_seq');
    v_hash := {s}.rmdesk_hmac(v_key, {s}.rmdesk_audit_message(r.id, v_pos, r.at, r.actor,
      r.action, r.entity, r.entity_id, r.d, r.login, v_prev));
    UPDATE {s}.audit_log SET position = v_pos, prev_hash = v_prev, hash = v_hash
      WHERE id = r.id;
    v_prev := v_hash;
    done := done + 1;
  END LOOP;
  RETURN done;
END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_audit_check() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER {pinned} AS $$
DECLARE v_key bytea; r record;
BEGIN
  SELECT decode(k.secret, 'hex') INTO v_key FROM {s}.audit_keys k ORDER BY k.id DESC LIMIT 1;
  FOR r IN SELECT a.id, a.position, a.at, a.actor, a.action, a.entity, a.entity_id,
                  a.detail::text AS d, a.login, a.prev_hash, a.hash
           FROM {s}.audit_log a WHERE a.scheme = 2 AND a.position IS NOT NULL
           ORDER BY a.position LOOP
    IF v_key IS NULL OR r.hash IS DISTINCT FROM {s}.rmdesk_hmac(v_key,
        {s}.rmdesk_audit_message(r.id, r.position, r.at, r.actor, r.action, r.entity,
                                 r.entity_id, r.d, r.login, r.prev_hash)) THEN
      RETURN r.id;
    END IF;
  END LOOP;
  RETURN NULL;
END $$""",
    ] + [f"REVOKE ALL ON FUNCTION {s}.{f} FROM PUBLIC" for f in FUNCTIONS]


#: the tables people add rows to by hand, whose ids become 64-bit
BIG_IDS = ("interactions", "visits", "risk_flag_events", "suggestion_outcomes", "client_handovers")


def _sequence(conn: sa.Connection, schema: str, table: str) -> str:
    return str(
        conn.exec_driver_sql(
            f"SELECT pg_get_serial_sequence('{schema}.{table}', 'id')"
        ).scalar_one()
    )


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("scheme", sa.SmallInteger(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.create_unique_constraint(batch_op.f("uq_audit_log_position"), ["position"])
    op.execute("UPDATE audit_log SET position = id")  # the chain so far, in its own order
    keys = op.create_table(
        "audit_keys",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_keys")),
    )
    op.create_table(
        "db_logins",
        sa.Column("login", sa.String(length=63), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_db_logins_user_id_users")),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_db_logins")),
        sa.UniqueConstraint("user_id", name=op.f("uq_db_logins_user_id")),
    )
    op.create_table(
        "write_locks",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_write_locks")),
    )
    # personal data gets no index: under row-level security an index scan would let EXPLAIN
    # ANALYZE count the rows of others that match (docs/security.md)
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index("ix_clients_name")
        batch_op.drop_index("ix_clients_id_number")
    with op.batch_alter_table("risk_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_flags_client_rule")
        batch_op.create_index("ix_risk_flags_client_id", ["client_id"], unique=False)
    op.bulk_insert(
        keys, [{"id": 1, "secret": secrets.token_hex(32), "created_at": dt.datetime.now(dt.UTC)}]
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        schema = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
        for table in BIG_IDS:  # 64-bit ids where people add rows: no one can use them up
            conn.exec_driver_sql(f"ALTER TABLE {schema}.{table} ALTER COLUMN id TYPE bigint")
            conn.exec_driver_sql(
                f"ALTER SEQUENCE {_sequence(conn, schema, table)} AS bigint MAXVALUE "
                "9223372036854775807"
            )
        conn.exec_driver_sql(
            f"ALTER TABLE {schema}.interactions ALTER COLUMN visit_id TYPE bigint"
        )
        conn.exec_driver_sql(f"REVOKE ALL ON {schema}.audit_keys, {schema}.db_logins FROM PUBLIC")
        start = conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM audit_log").scalar()
        conn.exec_driver_sql(f"CREATE SEQUENCE {schema}.audit_log_position_seq START {start}")
        conn.exec_driver_sql(f"REVOKE ALL ON SEQUENCE {schema}.audit_log_position_seq FROM PUBLIC")
        for old in ("rmdesk_password_hash(text)", "rmdesk_audit_tail()"):
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {schema}.{old}")
        for sql in server_functions(schema):
            conn.exec_driver_sql(sql.replace("%", "%%"))  # no parameters: % is plpgsql's


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        schema = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
        for f in reversed(FUNCTIONS):
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {schema}.{f}")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index("ix_clients_name", ["name"], unique=False)
        batch_op.create_index("ix_clients_id_number", ["id_number"], unique=False)
    with op.batch_alter_table("risk_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_flags_client_id")
        batch_op.create_index(
            "ix_risk_flags_client_rule", ["client_id", "rule_code"], unique=False
        )
    op.drop_table("write_locks")
    op.drop_table("db_logins")
    op.drop_table("audit_keys")
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP SEQUENCE IF EXISTS audit_log_position_seq")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_log_position"), type_="unique")
        batch_op.drop_column("position")
        batch_op.drop_column("scheme")
        batch_op.drop_column("login")
