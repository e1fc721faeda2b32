"""audit entries every program can read, dated when they are committed

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 01:00:00

On PostgreSQL only (SQLite's entries are written by the program alone):

- ``rmdesk_audit_append`` also refuses a detail that holds, as a JSON escape, a control,
  zero-width or direction-changing character (the character itself was already refused), a
  number of 40 digits or more, or more than 256 opening brackets: JSON PostgreSQL accepts but
  Python's reader refuses (a 5,000-digit number, a nesting 3,000 deep) would stop the check
  of the chain, the audit screen and the exports for everyone.
- A deferred trigger refuses to commit a person's entry more than 5 minutes after the time it
  carries, so an entry cannot be slipped into the trail long after the time it claims (after
  an anchor was taken, dated before it). The owner's entries are chained at once.

docs/security.md ("The audit trail") says what this protects.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

#: how long after its time a person's entry may still be committed
FRESH = "5 minutes"


def _append(s: str, checks: str) -> str:
    pinned = f"SET search_path = pg_catalog, {s}, pg_temp"
    return f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_audit_append(
  p_actor text, p_action text, p_entity text, p_entity_id text, p_detail text)
RETURNS bigint LANGUAGE plpgsql VOLATILE SECURITY DEFINER {pinned}
AS $$
DECLARE
  v_login text := session_user::text;
  v_actor text; v_role text; v_active boolean; v_kind text; v_mapped boolean;
  v_id bigint; v_detail text := coalesce(p_detail, '{{}}');
BEGIN
  -- what an entry may hold: a plain action and subject, a JSON object of at most 64 KiB
  -- that every reader can read, no control, zero-width or direction-changing characters
  -- (written as themselves or as JSON escapes)
  IF p_action IS NULL OR p_action !~ '^[a-z][a-z0-9_.:-]{{0,47}}$'
     OR p_entity !~ '^[a-z][a-z0-9_.:-]{{0,47}}$'
     OR p_entity_id ~ '[[:cntrl:]]' OR char_length(p_entity_id) > 64
     OR p_entity_id ~ '[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]'
     OR v_detail ~ '[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]'
     {checks}
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
END $$"""


#: what 0005 adds to the entry's checks (SQL, inside the function's IF)
CHECKS = (
    r"OR v_detail ~* '\\u(00[01][0-9a-f]|007f|200[b-f]|202[a-e]|206[0-9]|feff)' "
    r"OR v_detail ~ '[0-9]{{40,}}' "
    r"OR char_length(v_detail) - char_length(translate(v_detail, '[{{', '')) > 256"
)


def _fresh(s: str) -> list[str]:
    pinned = f"SET search_path = pg_catalog, {s}, pg_temp"
    return [
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_audit_fresh() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {pinned} AS $$
BEGIN
  IF clock_timestamp() - NEW.at > interval '{FRESH}'
     AND EXISTS (SELECT 1 FROM {s}.db_logins l WHERE l.login = NEW.login) THEN
    RAISE EXCEPTION 'audit entry % is committed % after its time: a person''s entry is '
      'committed within {FRESH}', NEW.id, clock_timestamp() - NEW.at
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END $$""",
        f"DROP TRIGGER IF EXISTS rmdesk_audit_fresh ON {s}.audit_log",
        f"CREATE CONSTRAINT TRIGGER rmdesk_audit_fresh AFTER INSERT ON {s}.audit_log "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {s}.rmdesk_audit_fresh()",
        f"REVOKE ALL ON FUNCTION {s}.rmdesk_audit_fresh() FROM PUBLIC",
    ]


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    s = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
    for sql in [_append(s, CHECKS.format()), *_fresh(s)]:
        conn.exec_driver_sql(sql.replace("%", "%%"))  # no parameters: % is plpgsql's


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    s = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS rmdesk_audit_fresh ON {s}.audit_log")
    conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {s}.rmdesk_audit_fresh()")
    conn.exec_driver_sql(_append(s, "").replace("%", "%%"))
