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
- a visit changes only along ``visit_actions.TRANSITIONS``; it is done only with the contact
  that records it, in the same transaction; a new visit is proposed for the client's RM from
  today, or planned as the follow-up of a visit completed in the same transaction; only a
  proposed visit is removed (through ``rmdesk_remove_proposed``);
- a flag changes once per transaction, along ``risk_flags.ALLOWED``, with one event that
  follows on from the flag's history, in one's own name and at the server's time;
- a suggestion changes once per transaction, with one outcome row in one's own name; a
  settled suggestion stays settled;
- only a branch head hands a client over, within the branch, to an active RM of it, with a
  handover row dated today that starts from the client's current RM, and its visits to come
  go with it;
- every row's version goes up by one, whatever was sent;
- "now" is the server's clock when the statement runs (a transaction held open longer than
  ``FRESH`` is refused at commit), "today" is the server's date in UTC, give or take one day
  for desks in other time zones (a session's own ``TimeZone`` plays no part);
- a rule first checks the row is the session's to touch, and refuses others in the words of
  row-level security itself, so its messages tell nothing about other people's rows.

Administrators' logins and the schema owner's (the nightly run, imports) are not held by the
row rules; a statement-level guard on every table refuses writes by any session that is not
the owner, an active administrator, or (on the tables above) an active RM or head.
"""

from __future__ import annotations

from rmdesk.models import Base, VisitStatus
from rmdesk.services.common.parameters import DEFAULTS, META_KEY
from rmdesk.services.engine.risk_flags import ALLOWED as FLAG_ALLOWED
from rmdesk.services.engine.risk_flags import MAX_QUIET_DAYS
from rmdesk.services.engine.risk_flags import TARGET as FLAG_TARGET
from rmdesk.services.engine.suggestions import OUTCOMES, SETTLED
from rmdesk.services.visits.actions import TRANSITIONS
from rmdesk.services.visits.contacts import CLOCK_SLACK

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
)
#: a person's transaction may last this long; a commit after it is refused
FRESH = "5 minutes"
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
    ("users", "rmdesk_rule_user", "BEFORE INSERT OR UPDATE OR DELETE", False),
]
#: tables the guard leaves alone: only the owner (and its functions) writes them at all
UNGUARDED = ("audit_log", "audit_keys", "db_logins", "alembic_version")
#: functions a person's login may call besides the identity ones
PERSON_CALLS = ("rmdesk_remove_proposed(bigint[])",)


def _pairs(pairs: set[tuple[str, str]]) -> str:
    """``(OLD.status, NEW.status) IN (...)`` for the allowed transitions."""
    listed = ", ".join(f"('{a}', '{b}')" for a, b in sorted(pairs))
    return f"(OLD.status::text, NEW.status::text) IN ({listed})"


def visit_pairs() -> set[tuple[str, str]]:
    """Every (from, to) a person may take a visit through: the services' transitions, and a
    proposed visit re-proposed by the planner."""
    pairs = {(a.value, after.value) for before, after in TRANSITIONS.values() for a in before}
    pairs.add((VisitStatus.PROPOSED.value, VisitStatus.PROPOSED.value))
    return pairs


def flag_pairs() -> set[tuple[str, str]]:
    return {
        (a.value, FLAG_TARGET[verb].value) for verb, froms in FLAG_ALLOWED.items() for a in froms
    }


def _lit(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


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
    pinned = f"SET search_path = pg_catalog, {s}, pg_temp"
    definer = f"SECURITY DEFINER {pinned}"
    me = f"{s}.rmdesk_user_id()"
    now_xact = "pg_current_xact_id()::xid"
    today = f"{s}.rmdesk_today()"
    slack = int(CLOCK_SLACK.total_seconds())
    # the prologue of every rule: the owner's and administrators' sessions pass; a person's
    # transaction must be fresh (its now() is when it began)
    quick = "false" if owner is None else "session_user = '" + owner.replace("'", "''") + "'"
    head = f"""DECLARE k text;
BEGIN
  IF {quick} THEN RETURN {{passed}}; END IF;
  k := {s}.rmdesk_session_kind();
  IF k IN ('owner', 'admin') THEN RETURN {{passed}}; END IF;
  IF k IS DISTINCT FROM 'rm' AND k IS DISTINCT FROM 'branch_head' THEN
    RAISE EXCEPTION 'the login % may not change rmdesk data', session_user
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF clock_timestamp() - now() > interval '{FRESH}' THEN
    RAISE EXCEPTION 'a change is written within {FRESH} of starting it'
      USING ERRCODE = 'insufficient_privilege';
  END IF;"""
    before = head.replace("{passed}", "COALESCE(NEW, OLD)")
    after = head.replace("{passed}", "NULL")

    def fn(name: str, prologue: str, body: str) -> str:
        return (
            f"CREATE OR REPLACE FUNCTION {s}.{name}() RETURNS trigger LANGUAGE plpgsql "
            f"{definer} AS $$\n{prologue}\n{body}\nEND $$"
        )

    def refuse(text: str, *args: str, code: str = "check_violation") -> str:
        extra = "".join(f", {a}" for a in args)
        return f"RAISE EXCEPTION '{text}'{extra} USING ERRCODE = '{code}';"

    def mine(text: str, *args: str) -> str:
        """A refusal of acting as someone else, or beyond one's role."""
        return refuse(text, *args, code="insufficient_privilege")

    def reach(client: str) -> str:
        """Refuse, as row-level security words it, a row the session does not reach."""
        return f"""  IF NOT {s}.rmdesk_reaches({client}) THEN
    {mine('new row violates row-level security policy for table "%"', "TG_TABLE_NAME")}
  END IF;"""

    only_insert = f"""  IF TG_OP <> 'INSERT' THEN
    {mine("% rows are only ever added", "TG_TABLE_NAME")}
  END IF;"""
    bump = "  NEW.version := OLD.version + 1;"
    outcomes = ", ".join(OUTCOMES)
    return [
        *_identity(s, app, admin, pinned),
        fn(
            "rmdesk_rule_contact",
            before,
            f"""{only_insert}
{reach("NEW.client_id")}
  IF NEW.user_id IS DISTINCT FROM {me} THEN
    {mine("a contact is logged in one''s own name (user %), not as user %", me, "NEW.user_id")}
  END IF;
  IF NEW.source IS DISTINCT FROM 'app' OR NEW.external_id IS NOT NULL THEN
    {refuse("a contact logged in the app has the source app and no external id")}
  END IF;
  IF NEW.visit_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {s}.visits v
      WHERE v.id = NEW.visit_id AND v.client_id = NEW.client_id) THEN
    {refuse("a contact names a visit of its own client")}
  END IF;
  IF NEW.occurred_at > clock_timestamp() + interval '{slack} seconds' THEN
    {refuse("a contact cannot be in the future")}
  END IF;
  IF NEW.occurred_at < clock_timestamp() - make_interval(days => {s}.rmdesk_backdate_days())
  THEN
    {refuse("a contact can be recorded at most % days back", f"{s}.rmdesk_backdate_days()")}
  END IF;
  NEW.created_at := clock_timestamp();
  NEW.version := 1;
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_contact_after",
            after,
            f"""  IF NEW.visit_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM {s}.visits v WHERE v.id = NEW.visit_id AND v.client_id = NEW.client_id
        AND v.status = 'done' AND v.xmin = {now_xact}) THEN
    {refuse("a contact names a visit only when it completes that visit")}
  END IF;
  RETURN NULL;""",
        ),
        fn(
            "rmdesk_rule_visit",
            before,
            f"""{reach("COALESCE(NEW.client_id, OLD.client_id)")}
  IF TG_OP = 'DELETE' THEN
    IF OLD.status::text <> 'proposed' THEN
      {refuse("only a proposed visit can be removed (visit % is %)", "OLD.id", "OLD.status")}
    END IF;
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.user_id IS DISTINCT FROM (SELECT c.rm_id FROM {s}.clients c
                                     WHERE c.id = NEW.client_id) THEN
      {mine("a visit is planned for the client''s own RM")}
    END IF;
    IF NOT (NEW.status::text = 'proposed'
            OR (NEW.status::text = 'planned' AND NEW.purpose = 'follow_up')) THEN
      {refuse("a new visit is proposed, or planned as a follow-up; not %", "NEW.status")}
    END IF;
    IF NEW.planned_on < {today} - 1 THEN
      {refuse("a visit cannot be planned in the past (%)", "NEW.planned_on")}
    END IF;
    IF NEW.outcome IS NOT NULL OR NEW.follow_up_on IS NOT NULL THEN
      {refuse("a visit has an outcome only when it is done")}
    END IF;
    IF NEW.status::text = 'planned' AND EXISTS (SELECT 1 FROM {s}.visits v
        WHERE v.client_id = NEW.client_id AND v.purpose = 'follow_up'
          AND v.planned_on = NEW.planned_on AND v.created_at >= now()) THEN
      {refuse("a completed visit plans one follow-up")}
    END IF;
    NEW.created_at := clock_timestamp();
    NEW.version := 1;
    RETURN NEW;
  END IF;
  IF NEW.user_id IS DISTINCT FROM OLD.user_id AND (k <> 'branch_head'
      OR OLD.status::text NOT IN ('proposed', 'planned') OR NEW.status <> OLD.status) THEN
    {mine("a visit goes to another RM only with its client, by a branch head")}
  END IF;
  IF NEW.status <> OLD.status THEN
    IF NOT {_pairs(visit_pairs())} THEN
      {refuse("a % visit cannot become %", "OLD.status", "NEW.status")}
    END IF;
  ELSIF OLD.status::text NOT IN ('proposed', 'planned') THEN
    {refuse("a % visit is not changed any more", "OLD.status")}
  END IF;
  IF NEW.status::text = 'cancelled' AND coalesce(btrim(NEW.notes), '') = '' THEN
    {refuse("a cancelled visit says why (in its notes)")}
  END IF;
  IF NEW.status::text = 'done' AND coalesce(btrim(NEW.outcome), '') = '' THEN
    {refuse("a done visit has an outcome")}
  END IF;
  IF NEW.status::text <> 'done' AND (NEW.outcome IS DISTINCT FROM OLD.outcome
      OR NEW.follow_up_on IS DISTINCT FROM OLD.follow_up_on
      OR NEW.next_step IS DISTINCT FROM OLD.next_step) THEN
    {refuse("a visit''s outcome is written when it is done")}
  END IF;
  IF NEW.planned_on IS DISTINCT FROM OLD.planned_on AND NEW.planned_on < {today} - 1 THEN
    {refuse("a visit cannot be moved into the past (%)", "NEW.planned_on")}
  END IF;
{bump}
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_visit_after",
            after,
            f"""  IF TG_OP = 'INSERT' THEN
    IF NEW.status::text = 'planned' AND NOT EXISTS (
        SELECT 1 FROM {s}.visits v WHERE v.client_id = NEW.client_id AND v.status = 'done'
          AND v.follow_up_on = NEW.planned_on AND v.xmin = {now_xact}) THEN
      {refuse("a follow-up visit is planned when the visit before it is recorded as done")}
    END IF;
    RETURN NULL;
  END IF;
  IF NEW.status::text = 'done' AND OLD.status::text <> 'done' AND NOT EXISTS (
      SELECT 1 FROM {s}.interactions i WHERE i.visit_id = NEW.id
        AND i.client_id = NEW.client_id AND i.channel = 'visit' AND i.user_id = {me}
        AND i.xmin = {now_xact}) THEN
    {refuse("visit % is done only with the contact that records it", "NEW.id")}
  END IF;
  IF NEW.user_id IS DISTINCT FROM OLD.user_id AND (SELECT v.user_id FROM {s}.visits v
      WHERE v.id = NEW.id) IS DISTINCT FROM (SELECT c.rm_id FROM {s}.clients c
      WHERE c.id = NEW.client_id) THEN
    {refuse("visit % goes to another RM only with its client", "NEW.id")}
  END IF;
  RETURN NULL;""",
        ),
        fn(
            "rmdesk_rule_flag",
            before,
            f"""  IF TG_OP <> 'UPDATE' THEN
    {mine("flags are raised and closed by the nightly run")}
  END IF;
  IF OLD.updated_at >= now() THEN  -- changed already in this transaction (savepoints too)
    {refuse("a flag changes once per transaction")}
  END IF;
  IF NEW.status = OLD.status OR NOT {_pairs(flag_pairs())} THEN
    {refuse("a % flag cannot become %", "OLD.status", "NEW.status")}
  END IF;
  IF NEW.status::text = 'dismissed' AND coalesce(btrim(NEW.reason), '') = '' THEN
    {refuse("dismissing a flag needs a reason")}
  END IF;
  IF NEW.status::text IN ('snoozed', 'dismissed') AND (NEW.snoozed_until IS NULL
      OR NEW.snoozed_until < {today} OR NEW.snoozed_until > {today} + {MAX_QUIET_DAYS}) THEN
    {refuse(f"a snoozed or dismissed flag is quiet until a date within {MAX_QUIET_DAYS} days")}
  END IF;
  IF NEW.status::text NOT IN ('dismissed', 'snoozed')
     AND NEW.snoozed_until IS DISTINCT FROM OLD.snoozed_until THEN
    {refuse("only dismissing or snoozing a flag sets its quiet date")}
  END IF;
  NEW.updated_at := clock_timestamp();
{bump}
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_flag_after",
            after,
            f"""  IF NOT EXISTS (SELECT 1 FROM {s}.risk_flag_events e WHERE e.flag_id = NEW.id
      AND e.from_status = OLD.status::text AND e.to_status = NEW.status::text
      AND e.actor_id = {me} AND e.xmin = {now_xact}) THEN
    {refuse("flag % changes only with its event in the flag''s history", "NEW.id")}
  END IF;
  RETURN NULL;""",
        ),
        fn(
            "rmdesk_rule_flag_event",
            before,
            f"""{only_insert}
{reach(f"(SELECT f.client_id FROM {s}.risk_flags f WHERE f.id = NEW.flag_id)")}
  IF NEW.actor_id IS DISTINCT FROM {me} THEN
    {mine("a flag''s event is written in one''s own name")}
  END IF;
  IF EXISTS (SELECT 1 FROM {s}.risk_flag_events e WHERE e.flag_id = NEW.flag_id
             AND e.at >= now()) THEN
    {refuse("a flag has one event per change")}
  END IF;
  IF NEW.from_status IS DISTINCT FROM coalesce((SELECT e.to_status FROM {s}.risk_flag_events e
      WHERE e.flag_id = NEW.flag_id ORDER BY e.id DESC LIMIT 1), 'raised') THEN
    {refuse("a flag''s event starts where its history left off")}
  END IF;
  NEW.at := clock_timestamp();
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_flag_event_after",
            after,
            f"""  IF NOT EXISTS (SELECT 1 FROM {s}.risk_flags f WHERE f.id = NEW.flag_id
      AND f.status::text = NEW.to_status AND f.xmin = {now_xact}) THEN
    {refuse("an event of flag % is written with the change it records", "NEW.flag_id")}
  END IF;
  RETURN NULL;""",
        ),
        fn(
            "rmdesk_rule_suggestion",
            before,
            f"""  IF TG_OP <> 'UPDATE' THEN
    {mine("suggestions are made by the nightly run")}
  END IF;
  IF OLD.status::text IN ({_lit([x.value for x in SETTLED])}) THEN
    {refuse("suggestion % is already %", "OLD.id", "OLD.status")}
  END IF;
  IF NEW.status::text NOT IN ({_lit(OUTCOMES)}) THEN
    {refuse(f"a suggestion''s outcome is one of {outcomes}, not %", "NEW.status")}
  END IF;
{bump}
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_suggestion_after",
            after,
            f"""  IF NOT EXISTS (SELECT 1 FROM {s}.suggestion_outcomes o
      WHERE o.suggestion_id = NEW.id AND o.outcome = NEW.status::text
        AND o.user_id = {me} AND o.xmin = {now_xact}) THEN
    {refuse("suggestion % changes only with its outcome", "NEW.id")}
  END IF;
  RETURN NULL;""",
        ),
        fn(
            "rmdesk_rule_outcome",
            before,
            f"""{only_insert}
{reach("NEW.client_id")}
  IF NEW.user_id IS DISTINCT FROM {me} THEN
    {mine("an outcome is recorded in one''s own name")}
  END IF;
  IF NEW.outcome NOT IN ({_lit(OUTCOMES)}) THEN
    {refuse(f"an outcome is one of {outcomes}, not %", "NEW.outcome")}
  END IF;
  IF NOT EXISTS (SELECT 1 FROM {s}.suggestions g WHERE g.id = NEW.suggestion_id
      AND g.client_id = NEW.client_id AND g.product_id = NEW.product_id) THEN
    {refuse("an outcome names its suggestion''s client and product")}
  END IF;
  IF EXISTS (SELECT 1 FROM {s}.suggestion_outcomes o
             WHERE o.suggestion_id = NEW.suggestion_id AND o.at >= now()) THEN
    {refuse("a suggestion has one outcome per change")}
  END IF;
  NEW.at := clock_timestamp();
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_outcome_after",
            after,
            f"""  IF NOT EXISTS (SELECT 1 FROM {s}.suggestions g WHERE g.id = NEW.suggestion_id
      AND g.status::text = NEW.outcome AND g.xmin = {now_xact}) THEN
    {refuse("an outcome is recorded with its suggestion''s change")}
  END IF;
  RETURN NULL;""",
        ),
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
        AND v.status::text IN ('proposed', 'planned') AND v.planned_on >= {today} - 1) THEN
    {refuse("client % moves with its visits to come", "NEW.external_id")}
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
  IF TG_OP = 'TRUNCATE' OR TG_TABLE_NAME NOT IN ({_lit(PERSON_TABLES)})
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
