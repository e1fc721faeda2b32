"""What an RM's or a branch head's own PostgreSQL login may write, enforced by PostgreSQL.

Row-level security (``row_security``) keeps a login to the clients it reaches; these triggers
keep its writes to the changes the app itself makes, whatever SQL is sent:

- a contact is logged in one's own name, dated now or at most ``backdate_days`` back;
- a visit changes only along ``visit_actions.TRANSITIONS``; it is done only with the contact
  that records it, written in the same transaction; new visits are proposed (or a planned
  follow-up) for the client's RM, from today on; only a proposed visit is removed;
- a flag's status changes only along ``risk_flags.ALLOWED`` and with its event, in one's own
  name and at the server's time;
- a suggestion's outcome is recorded with its outcome row, in one's own name, at the
  server's time, and a settled suggestion stays settled;
- only a branch head hands a client over, within the branch, to an active RM of it, with a
  handover row dated today that starts from the client's current RM.

"Today" is the server's date, give or take one day for desks in other time zones.
Administrators' logins and the schema owner's (the nightly run, imports) are not held by
these rules: they may write the bank's data, as imports do. The transitions come from the
services' own tables, so the app and the database hold one rule (docs/security.md).
"""

from __future__ import annotations

from rmdesk.models import VisitStatus
from rmdesk.services.contacts import CLOCK_SLACK
from rmdesk.services.parameters import DEFAULTS, META_KEY
from rmdesk.services.risk_flags import ALLOWED as FLAG_ALLOWED
from rmdesk.services.risk_flags import TARGET as FLAG_TARGET
from rmdesk.services.suggestions import OUTCOMES, SETTLED
from rmdesk.services.visit_actions import TRANSITIONS

#: (table, trigger function, when, deferred) for every trigger this module installs
TRIGGERS: list[tuple[str, str, str, bool]] = [
    ("interactions", "rmdesk_rule_contact", "BEFORE INSERT OR UPDATE OR DELETE", False),
    ("interactions", "rmdesk_rule_contact_visit", "AFTER INSERT", True),
    ("visits", "rmdesk_rule_visit", "BEFORE INSERT OR UPDATE OR DELETE", False),
    ("visits", "rmdesk_rule_visit_after", "AFTER UPDATE", True),
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
]


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


def functions(s: str) -> list[str]:
    """The trigger functions for schema ``s`` (quoted)."""
    pinned = f"SECURITY DEFINER SET search_path = pg_catalog, {s}, pg_temp"
    me = f"{s}.rmdesk_user_id()"
    now_xact = "pg_current_xact_id()::xid"
    slack = int(CLOCK_SLACK.total_seconds())
    # the prologue of every rule: the owner's and administrators' sessions pass
    head = f"""DECLARE k text := {s}.rmdesk_session_kind();
BEGIN
  IF k IN ('owner', 'admin') THEN RETURN {{passed}}; END IF;
  IF k IS DISTINCT FROM 'rm' AND k IS DISTINCT FROM 'branch_head' THEN
    RAISE EXCEPTION 'the login % may not change rmdesk data', session_user
      USING ERRCODE = 'insufficient_privilege';
  END IF;"""
    before = head.replace("{passed}", "COALESCE(NEW, OLD)")
    after = head.replace("{passed}", "NULL")

    def fn(name: str, prologue: str, body: str) -> str:
        return (
            f"CREATE OR REPLACE FUNCTION {s}.{name}() RETURNS trigger LANGUAGE plpgsql "
            f"{pinned} AS $$\n{prologue}\n{body}\nEND $$"
        )

    def refuse(text: str, *args: str, code: str = "check_violation") -> str:
        extra = "".join(f", {a}" for a in args)
        return f"RAISE EXCEPTION '{text}'{extra} USING ERRCODE = '{code}';"

    only_insert = f"""  IF TG_OP <> 'INSERT' THEN
    {refuse("% rows are only ever added", "TG_TABLE_NAME", code="insufficient_privilege")}
  END IF;"""
    own_name = "insufficient_privilege"

    def mine(text: str, *args: str) -> str:
        """A refusal of acting as someone else, or beyond one's role."""
        return refuse(text, *args, code=own_name)

    outcomes = ", ".join(OUTCOMES)
    return [
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_session_kind() RETURNS text
LANGUAGE sql STABLE {pinned} AS $$
  SELECT CASE
    WHEN u.id IS NOT NULL AND u.active THEN u.role::text
    WHEN u.id IS NOT NULL THEN 'closed'
    WHEN pg_has_role(session_user, (SELECT c.relowner FROM pg_catalog.pg_class c
                     WHERE c.oid = '{s}.clients'::regclass), 'MEMBER') THEN 'owner'
    ELSE 'stranger' END
  FROM (SELECT 1) AS one
  LEFT JOIN {s}.db_logins l ON l.login = session_user::text
  LEFT JOIN {s}.users u ON u.id = l.user_id
$$""",
        f"""CREATE OR REPLACE FUNCTION {s}.rmdesk_backdate_days() RETURNS integer
LANGUAGE sql STABLE {pinned} AS $$
  SELECT coalesce((SELECT (m.value::json ->> 'backdate_days')::integer FROM {s}.meta m
                   WHERE m.key = '{META_KEY}'), {DEFAULTS.backdate_days})
$$""",
        fn(
            "rmdesk_rule_contact",
            before,
            f"""{only_insert}
  IF NEW.user_id IS DISTINCT FROM {me} THEN
    {mine("a contact is logged in one''s own name (user %), not as user %", me, "NEW.user_id")}
  END IF;
  IF NEW.source IS DISTINCT FROM 'app' OR NEW.external_id IS NOT NULL THEN
    {refuse("a contact logged in the app has the source app and no external id")}
  END IF;
  IF NEW.occurred_at > now() + interval '{slack} seconds' THEN
    {refuse("a contact cannot be in the future")}
  END IF;
  IF NEW.occurred_at < now() - make_interval(days => {s}.rmdesk_backdate_days()) THEN
    {refuse("a contact can be recorded at most % days back", f"{s}.rmdesk_backdate_days()")}
  END IF;
  NEW.created_at := now();
  NEW.version := 1;
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_contact_visit",
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
            f"""  IF TG_OP = 'DELETE' THEN
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
    IF NEW.planned_on < current_date - 1 THEN
      {refuse("a visit cannot be planned in the past (%)", "NEW.planned_on")}
    END IF;
    IF NEW.outcome IS NOT NULL OR NEW.follow_up_on IS NOT NULL THEN
      {refuse("a visit has an outcome only when it is done")}
    END IF;
    NEW.created_at := now();
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
  IF NEW.planned_on IS DISTINCT FROM OLD.planned_on AND NEW.planned_on < current_date - 1 THEN
    {refuse("a visit cannot be moved into the past (%)", "NEW.planned_on")}
  END IF;
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_visit_after",
            after,
            f"""  IF NEW.status::text = 'done' AND OLD.status::text <> 'done' AND NOT EXISTS (
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
  IF NEW.status = OLD.status OR NOT {_pairs(flag_pairs())} THEN
    {refuse("a % flag cannot become %", "OLD.status", "NEW.status")}
  END IF;
  IF NEW.status::text = 'dismissed' AND coalesce(btrim(NEW.reason), '') = '' THEN
    {refuse("dismissing a flag needs a reason")}
  END IF;
  IF NEW.status::text = 'snoozed' AND (NEW.snoozed_until IS NULL
                                        OR NEW.snoozed_until < current_date) THEN
    {refuse("snoozing a flag needs a date after today")}
  END IF;
  IF NEW.status::text NOT IN ('dismissed', 'snoozed')
     AND NEW.snoozed_until IS DISTINCT FROM OLD.snoozed_until THEN
    {refuse("only dismissing or snoozing a flag sets its quiet date")}
  END IF;
  NEW.updated_at := now();
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
  IF NEW.actor_id IS DISTINCT FROM {me} THEN
    {mine("a flag''s event is written in one''s own name")}
  END IF;
  NEW.at := now();
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
  NEW.at := now();
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
  RETURN NULL;""",
        ),
        fn(
            "rmdesk_rule_handover",
            before,
            f"""{only_insert}
  IF k <> 'branch_head' THEN
    {mine("only a branch head hands clients over")}
  END IF;
  IF NOT EXISTS (SELECT 1 FROM {s}.clients c WHERE c.id = NEW.client_id
      AND c.branch_id = {s}.rmdesk_user_branch()
      AND c.rm_id IS NOT DISTINCT FROM NEW.from_rm_id) THEN
    {mine("a handover starts from the current RM of a client of one''s own branch")}
  END IF;
  IF NOT EXISTS (SELECT 1 FROM {s}.users u WHERE u.id = NEW.to_rm_id AND u.role::text = 'rm'
      AND u.active AND u.branch_id = {s}.rmdesk_user_branch()) THEN
    {mine("a client goes only to an active RM of the branch")}
  END IF;
  IF NEW.effective_on IS NULL OR abs(NEW.effective_on - current_date) > 1 THEN
    {refuse("a handover is dated today (%), not %", "current_date", "NEW.effective_on")}
  END IF;
  NEW.at := now();
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
    ]


def triggers(s: str) -> list[str]:
    """Drop and create every trigger (idempotent)."""
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
    return out


def function_names() -> list[str]:
    """Every function this module defines, with its arguments, for the grants."""
    names = ["rmdesk_session_kind()", "rmdesk_backdate_days()"]
    return names + sorted({f"{function}()" for _t, function, _w, _d in TRIGGERS})
