"""Who a session is, and what an RM's or a branch head's own PostgreSQL login may write,
enforced by PostgreSQL itself.

Who a session is: the login's mapped user (``db_logins``), active, and still in this
database's groups *now*. The groups are read from the catalog's current state
(``pg_has_role``), not from the transaction's snapshot, so a demotion or a closed account
counts at once, even in a transaction opened before it, and even in a session that took its
group's role with ``SET ROLE`` before it lost the group.

Row-level security (``row_security``) keeps a login to the clients it reaches; these rules
keep its writes to the changes the app itself makes, whatever SQL is sent:

- a contact is logged in one's own name, dated now or at most ``backdate_days`` back;
- a visit changes only along ``visits.transitions.TRANSITIONS`` (a person's actions and the
  planner's run, not the nightly run's); it is done only with the contact
  that records it, in the same transaction; a new visit is proposed for the client's RM from
  today, or planned as the follow-up of a visit completed in the same transaction; only a
  proposed visit is removed (through ``rmdesk_remove_proposed``);
- a flag changes once per transaction, along ``risk_flags.ALLOWED``, with one event that
  follows on from the flag's history, in one's own name and at the server's time;
- a suggestion changes once per transaction, along ``suggestions.OUTCOME_FROM``, with one
  outcome row in one's own name; a settled suggestion stays settled;
- only a branch head hands a client over, within the branch, to an active RM of it, with a
  handover row dated today that starts from the client's current RM, and its visits to come
  and its RM's open tasks go with it;
- a task is added, closed, snoozed, moved or handed as ``task_rules`` says;
- every row's version goes up by one, whatever was sent;
- "now" is the server's clock when the statement runs (a transaction held open longer than
  ``FRESH`` is refused at commit), "today" is the server's date in UTC, give or take one day
  for desks in other time zones (a session's own ``TimeZone`` plays no part);
- a rule first checks the row is the session's to touch, and refuses others in the words of
  row-level security itself, so its messages tell nothing about other people's rows.

Administrators' logins and the schema owner's (the nightly run, imports) are not held by the
row rules; a statement-level guard on every table refuses writes by any session that is not
the owner, an active administrator, or (on the tables above) an active RM or head.

The rules of contacts and visits are in ``visit_rules``, those of flags and suggestions in
``engine_rules``; this module has the identity functions, the handover's rules, the guard and
the triggers, and puts them all together.
"""

from __future__ import annotations

from rmdesk.models import Base
from rmdesk.services.common.parameters import DEFAULTS, META_KEY
from rmdesk.services.security.engine_rules import engine_functions
from rmdesk.services.security.rule_sql import FRESH, RuleSql, lit
from rmdesk.services.security.task_rules import task_functions
from rmdesk.services.security.visit_rules import visit_functions
from rmdesk.services.visits.transitions import TO_COME

#: the tables an RM's or a head's login may write (the rules below say how)
PERSON_TABLES = (
    "interactions",
    "visits",
    "risk_flags",
    "risk_flag_events",
    "suggestions",
    "suggestion_outcomes",
    "clients",
    "client_handovers",
    "tasks",
)
__all__ = ["FRESH", "PERSON_CALLS", "PERSON_TABLES", "TRIGGERS", "UNGUARDED"]
#: (table, trigger function, when, deferred) for every row trigger this module installs
TRIGGERS: list[tuple[str, str, str, bool]] = [
    ("interactions", "rmdesk_rule_contact", "BEFORE INSERT OR UPDATE OR DELETE", False),
    ("interactions", "rmdesk_rule_contact_after", "AFTER INSERT", True),
    ("visits", "rmdesk_rule_visit", "BEFORE INSERT OR UPDATE OR DELETE", False),
    ("visits", "rmdesk_rule_visit_after", "AFTER INSERT OR UPDATE", True),
    ("risk_flags", "rmdesk_rule_flag", "BEFORE INSERT OR UPDATE OR DELETE", False),
    ("risk_flags", "rmdesk_rule_flag_after", "AFTER UPDATE", True),
    ("risk_flag_events", "rmdesk_rule_flag_event", "BEFORE INSERT OR UPDATE OR DELETE", False),
    ("risk_flag_events", "rmdesk_rule_flag_event_after", "AFTER INSERT", True),
    ("suggestions", "rmdesk_rule_suggestion", "BEFORE INSERT OR UPDATE OR DELETE", False),
    ("suggestions", "rmdesk_rule_suggestion_after", "AFTER UPDATE", True),
    ("suggestion_outcomes", "rmdesk_rule_outcome", "BEFORE INSERT OR UPDATE OR DELETE", False),
    ("suggestion_outcomes", "rmdesk_rule_outcome_after", "AFTER INSERT", True),
    ("clients", "rmdesk_rule_client", "BEFORE INSERT OR UPDATE OR DELETE", False),
    ("clients", "rmdesk_rule_client_after", "AFTER UPDATE", True),
    ("client_handovers", "rmdesk_rule_handover", "BEFORE INSERT OR UPDATE OR DELETE", False),
    ("client_handovers", "rmdesk_rule_handover_after", "AFTER INSERT", True),
    ("tasks", "rmdesk_rule_task", "BEFORE INSERT OR UPDATE OR DELETE", False),
    ("users", "rmdesk_rule_user", "BEFORE INSERT OR UPDATE OR DELETE", False),
]
#: tables the guard leaves alone: only the owner (and its functions: the triggers that note
#: changed clients in ``input_changes``, migration 0012) writes them, or an administrator
UNGUARDED = ("audit_log", "audit_keys", "db_logins", "alembic_version", "input_changes")
#: functions a person's login may call besides the identity ones
PERSON_CALLS = ("rmdesk_remove_proposed(bigint[])",)


def _identity(s: str, app: str, admin: str, pinned: str) -> list[str]:
    """Who the session is, from the mapping and the groups' current state."""
    me = (
        f"FROM {s}.db_logins l JOIN {s}.users u ON u.id = l.user_id "
        "WHERE l.login = session_user::text"
    )
    person = f"{s}.rmdesk_session_kind() IN ('rm', 'branch_head', 'admin')"
    sql = f"LANGUAGE sql STABLE SECURITY DEFINER {pinned}"
    return [
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_session_kind() RETURNS text {sql} AS $$
  SELECT CASE
    WHEN u.id IS NOT NULL AND u.active AND pg_has_role(session_user, '{app}', 'MEMBER')
         AND (u.role::text <> 'admin' OR pg_has_role(session_user, '{admin}', 'MEMBER'))
      THEN u.role::text
    WHEN u.id IS NOT NULL THEN 'closed'
    WHEN pg_has_role(session_user, (SELECT c.relowner FROM pg_catalog.pg_class c
                     WHERE c.oid = '{s}.clients'::regclass), 'MEMBER') THEN 'owner'
    ELSE 'stranger' END
  FROM (SELECT 1) AS one
  LEFT JOIN {s}.db_logins l ON l.login = session_user::text
  LEFT JOIN {s}.users u ON u.id = l.user_id
$$""",
        f"CREATE OR REPLACE FUNCTION {s}.rmdesk_user_id() RETURNS integer {sql} "
        f"AS $$ SELECT u.id {me} AND {person} $$",
        f"CREATE OR REPLACE FUNCTION {s}.rmdesk_user_role() RETURNS text {sql} "
        f"AS $$ SELECT u.role::text {me} AND {person} $$",
        f"CREATE OR REPLACE FUNCTION {s}.rmdesk_user_branch() RETURNS integer {sql} "
        f"AS $$ SELECT u.branch_id {me} AND {person} $$",
        f"CREATE OR REPLACE FUNCTION {s}.rmdesk_user_name() RETURNS text {sql} "
        f"AS $$ SELECT u.username::text {me} AND {person} $$",
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_reaches(p_client integer) RETURNS boolean
{sql} AS $$
  SELECT EXISTS (SELECT 1 FROM {s}.clients c WHERE c.id = p_client AND (
    {s}.rmdesk_user_role() = 'admin'
    OR ({s}.rmdesk_user_role() = 'branch_head' AND c.branch_id = {s}.rmdesk_user_branch())
    OR ({s}.rmdesk_user_role() = 'rm' AND c.rm_id = {s}.rmdesk_user_id())))
$$""",
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_today() RETURNS date
LANGUAGE sql VOLATILE {pinned} AS $$
  SELECT (clock_timestamp() AT TIME ZONE 'UTC')::date
$$""",
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_backdate_days() RETURNS integer {sql} AS $$
  SELECT coalesce((SELECT (m.value::json ->> 'backdate_days')::integer FROM {s}.meta m
                   WHERE m.key = '{META_KEY}'), {DEFAULTS.backdate_days})
$$""",
    ]


def functions(s: str, app: str, admin: str, owner: str | None = None) -> list[str]:
    """Every function for schema ``s`` (quoted), the database's groups and (when known) the
    owner's login name, which the rules let through first without a query (the nightly run
    writes every row through them)."""
    q = RuleSql(s, owner)
    pinned, definer, quick, today, now_xact = q.pinned, q.definer, q.quick, q.today, q.now_xact
    before, after, bump = q.before, q.after, q.bump
    fn, refuse, mine, reach, only_insert = q.fn, q.refuse, q.mine, q.reach, q.only_insert
    to_come = lit(sorted(TO_COME))
    return [
        *_identity(s, app, admin, pinned),
        *visit_functions(q),
        *engine_functions(q),
        *task_functions(q),
        fn(
            "rmdesk_rule_client",
            before,
            f"""  IF TG_OP <> 'UPDATE' OR k <> 'branch_head' THEN
    {mine("only a branch head hands clients over")}
  END IF;
  IF NEW.rm_id IS DISTINCT FROM OLD.rm_id AND NOT EXISTS (
      SELECT 1 FROM {s}.users u WHERE u.id = NEW.rm_id AND u.role::text = 'rm' AND u.active
        AND u.branch_id = OLD.branch_id) THEN
    {mine("client % goes only to an active RM of its own branch", "OLD.external_id")}
  END IF;
{bump}
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_client_after",
            after,
            f"""  IF NEW.rm_id IS DISTINCT FROM OLD.rm_id AND NOT EXISTS (
      SELECT 1 FROM {s}.client_handovers h WHERE h.client_id = NEW.id
        AND h.from_rm_id IS NOT DISTINCT FROM OLD.rm_id AND h.to_rm_id = NEW.rm_id
        AND h.xmin = {now_xact}) THEN
    {refuse("client % changes RM only with its handover record", "NEW.external_id")}
  END IF;
  IF NEW.rm_id IS DISTINCT FROM OLD.rm_id AND EXISTS (
      SELECT 1 FROM {s}.visits v WHERE v.client_id = NEW.id AND v.user_id = OLD.rm_id
        AND v.status::text IN ({to_come}) AND v.planned_on >= {today} - 1) THEN
    {refuse("client % moves with its visits to come", "NEW.external_id")}
  END IF;
  IF NEW.rm_id IS DISTINCT FROM OLD.rm_id AND EXISTS (
      SELECT 1 FROM {s}.tasks t WHERE t.client_id = NEW.id AND t.user_id = OLD.rm_id
        AND t.status::text = 'open') THEN
    {refuse("client % moves with its open tasks", "NEW.external_id")}
  END IF;
  RETURN NULL;""",
        ),
        fn(
            "rmdesk_rule_handover",
            before,
            f"""{only_insert}
  IF k <> 'branch_head' THEN
    {mine("only a branch head hands clients over")}
  END IF;
{reach("NEW.client_id")}
  IF NOT EXISTS (SELECT 1 FROM {s}.clients c WHERE c.id = NEW.client_id
      AND c.rm_id IS NOT DISTINCT FROM NEW.from_rm_id) THEN
    {refuse("a handover starts from the client''s current RM")}
  END IF;
  IF NOT EXISTS (SELECT 1 FROM {s}.users u WHERE u.id = NEW.to_rm_id AND u.role::text = 'rm'
      AND u.active AND u.branch_id = {s}.rmdesk_user_branch()) THEN
    {mine("a client goes only to an active RM of the branch")}
  END IF;
  IF NEW.effective_on IS NULL OR abs(NEW.effective_on - {today}) > 1 THEN
    {refuse("a handover is dated today (%), not %", today, "NEW.effective_on")}
  END IF;
  NEW.at := clock_timestamp();
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_handover_after",
            after,
            f"""  IF (SELECT c.rm_id FROM {s}.clients c WHERE c.id = NEW.client_id)
      IS DISTINCT FROM NEW.to_rm_id THEN
    {refuse("a handover row is written with the client''s move")}
  END IF;
  RETURN NULL;""",
        ),
        # an administrator's own login changes users as the app does, and the trail says so:
        # the user name stays (the trail's names are user names), and every change is audited
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_rule_user() RETURNS trigger
LANGUAGE plpgsql {definer} AS $$
DECLARE k text := {s}.rmdesk_session_kind(); changed text[] := ARRAY[]::text[];
BEGIN
  IF k = 'owner' THEN RETURN COALESCE(NEW, OLD); END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM {s}.rmdesk_audit_append(NULL, 'users.row_insert', 'users', NEW.username, '{{}}');
    RETURN NEW;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM {s}.rmdesk_audit_append(NULL, 'users.row_delete', 'users', OLD.username, '{{}}');
    RETURN OLD;
  END IF;
  IF NEW.username IS DISTINCT FROM OLD.username OR NEW.id IS DISTINCT FROM OLD.id THEN
    {mine("a user''s name and id are not changed")}
  END IF;
  IF NEW.role IS DISTINCT FROM OLD.role THEN
    changed := array_append(changed, 'role');
  END IF;
  IF NEW.active IS DISTINCT FROM OLD.active THEN
    changed := array_append(changed, 'active');
  END IF;
  IF NEW.branch_id IS DISTINCT FROM OLD.branch_id THEN
    changed := array_append(changed, 'branch');
  END IF;
  IF NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
    changed := array_append(changed, 'password');
  END IF;
  IF NEW.display_name IS DISTINCT FROM OLD.display_name THEN
    changed := array_append(changed, 'display_name');
  END IF;
  IF NEW.visits_per_day IS DISTINCT FROM OLD.visits_per_day THEN
    changed := array_append(changed, 'visits_per_day');
  END IF;
  IF cardinality(changed) > 0 THEN
    PERFORM {s}.rmdesk_audit_append(NULL, 'users.row_change', 'users', OLD.username,
      json_build_object('columns', changed)::text);
  END IF;
{bump}
  RETURN NEW;
END $$""",
        # the guard: every write statement by a session that is not the owner, an active
        # administrator or (on the people's tables) an active RM or head is refused
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_rule_guard() RETURNS trigger
LANGUAGE plpgsql {definer} AS $$
DECLARE k text;
BEGIN
  IF {quick} THEN RETURN NULL; END IF;
  k := {s}.rmdesk_session_kind();
  IF k IN ('owner', 'admin') THEN RETURN NULL; END IF;
  IF TG_OP = 'TRUNCATE' OR TG_TABLE_NAME NOT IN ({lit(PERSON_TABLES)})
     OR k NOT IN ('rm', 'branch_head') THEN
    RAISE EXCEPTION 'the login % may not % %', session_user, lower(TG_OP), TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END $$""",
        # the planner's proposals no longer wanted: a person removes them through this, so
        # that no person holds DELETE (and with it every lock mode) on the visits table
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_remove_proposed(p_ids bigint[]) RETURNS integer
LANGUAGE plpgsql {definer} AS $$
DECLARE done integer;
BEGIN
  IF {s}.rmdesk_session_kind() NOT IN ('owner', 'admin', 'rm', 'branch_head') THEN
    {mine("the login % may not change rmdesk data", "session_user")}
  END IF;
  DELETE FROM {s}.visits v WHERE v.id = ANY(p_ids);  -- the visit rule checks each row
  GET DIAGNOSTICS done = ROW_COUNT;
  RETURN done;
END $$""",
    ]


def triggers(s: str) -> list[str]:
    """Drop and create every trigger (idempotent): the row rules and the guard."""
    out: list[str] = []
    for table, function, when, deferred in TRIGGERS:
        out.append(f"DROP TRIGGER IF EXISTS {function} ON {s}.{table}")
        if deferred:
            out.append(
                f"CREATE CONSTRAINT TRIGGER {function} {when} ON {s}.{table} "
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {s}.{function}()"
            )
        else:
            out.append(
                f"CREATE TRIGGER {function} {when} ON {s}.{table} "
                f"FOR EACH ROW EXECUTE FUNCTION {s}.{function}()"
            )
    for table in sorted(Base.metadata.tables):
        if table in UNGUARDED:
            continue
        out += [
            f"DROP TRIGGER IF EXISTS rmdesk_rule_guard ON {s}.{table}",
            f"CREATE TRIGGER rmdesk_rule_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {s}.{table} FOR EACH STATEMENT EXECUTE FUNCTION {s}.rmdesk_rule_guard()",
        ]
    return out


def function_names() -> list[str]:
    """Every function this module defines that persons may not call, for the grants."""
    names = [
        "rmdesk_session_kind()",
        "rmdesk_reaches(integer)",
        "rmdesk_today()",
        "rmdesk_backdate_days()",
        "rmdesk_rule_user()",
        "rmdesk_rule_guard()",
    ]
    return names + sorted({f"{function}()" for _t, function, _w, _d in TRIGGERS})
