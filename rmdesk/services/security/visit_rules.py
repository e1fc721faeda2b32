"""The row rules of visits and of the contacts that record them, for people's own logins,
made from the visit transition table (``visits.transitions``)."""

from __future__ import annotations

from rmdesk.services.security.rule_sql import RuleSql, lit, pairs_sql
from rmdesk.services.visits.bounds import AHEAD_DAYS, CLOCK_SLACK
from rmdesk.services.visits.transitions import (
    CREATED,
    FOLLOW_UP,
    REMOVABLE,
    TO_COME,
    TRANSITIONS,
    person_pairs,
)


def editable() -> list[str]:
    """Statuses in which a visit may change without changing status (its day, its slot):
    those the table takes back to themselves (a move, the planner's re-proposal)."""
    return sorted(a for a, b in person_pairs() if a == b)


def visit_functions(q: RuleSql) -> list[str]:
    """The trigger functions of ``interactions`` and ``visits``."""
    s, me, now_xact, today, bump = q.s, q.me, q.now_xact, q.today, q.bump
    before, after, only_insert = q.before, q.after, q.only_insert
    fn, refuse, mine, reach = q.fn, q.refuse, q.mine, q.reach
    slack = int(CLOCK_SLACK.total_seconds())
    done = TRANSITIONS["complete"].after.value
    cancelled = TRANSITIONS["cancel"].after.value
    removable = sorted(REMOVABLE)
    to_come = lit(sorted(TO_COME))
    return [
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
  IF NEW.product_id IS NOT NULL OR NEW.offer_result IS NOT NULL THEN
    {refuse("an offer''s answer is recorded on its suggestion, not on a contact")}
  END IF;
  IF NEW.occurred_at > clock_timestamp() + interval '{slack} seconds' THEN
    {refuse("a contact cannot be in the future")}
  END IF;
  IF NEW.occurred_at < clock_timestamp() - make_interval(days => {s}.rmdesk_backdate_days())
  THEN
    {refuse("a contact can be recorded at most % days back", f"{s}.rmdesk_backdate_days()")}
  END IF;
  IF NEW.next_step_due < {today} - {s}.rmdesk_backdate_days() - 1
     OR NEW.next_step_due > {today} + {AHEAD_DAYS} THEN
    {refuse(f"a next step is due from the contact on, at most {AHEAD_DAYS} days ahead")}
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
        AND v.status = '{done}' AND v.xmin = {now_xact}) THEN
    {refuse("a contact names a visit only when it completes that visit")}
  END IF;
  RETURN NULL;""",
        ),
        fn(
            "rmdesk_rule_visit",
            before,
            f"""{reach("COALESCE(NEW.client_id, OLD.client_id)")}
  IF TG_OP = 'DELETE' THEN
    IF OLD.status::text NOT IN ({lit(removable)}) THEN
      {
                refuse(
                    f"only a {' or '.join(removable)} visit can be removed (visit % is %)",
                    "OLD.id",
                    "OLD.status",
                )
            }
    END IF;
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.user_id IS DISTINCT FROM (SELECT c.rm_id FROM {s}.clients c
                                     WHERE c.id = NEW.client_id) THEN
      {mine("a visit is planned for the client''s own RM")}
    END IF;
    IF NOT (NEW.status::text = '{CREATED}'
            OR (NEW.status::text = '{FOLLOW_UP}' AND NEW.purpose = 'follow_up')) THEN
      {refuse("a new visit is proposed, or planned as a follow-up; not %", "NEW.status")}
    END IF;
    IF NEW.planned_on < {today} - 1 OR NEW.planned_on > {today} + {AHEAD_DAYS} THEN
      {
                refuse(
                    f"a visit is planned from today on, at most {AHEAD_DAYS} days ahead (%)",
                    "NEW.planned_on",
                )
            }
    END IF;
    IF NEW.outcome IS NOT NULL OR NEW.follow_up_on IS NOT NULL THEN
      {refuse("a visit has an outcome only when it is done")}
    END IF;
    IF NEW.status::text = '{FOLLOW_UP}' AND EXISTS (SELECT 1 FROM {s}.visits v
        WHERE v.client_id = NEW.client_id AND v.purpose = 'follow_up'
          AND v.planned_on = NEW.planned_on AND v.created_at >= now()) THEN
      {refuse("a completed visit plans one follow-up")}
    END IF;
    NEW.created_at := clock_timestamp();
    NEW.version := 1;
    RETURN NEW;
  END IF;
  IF NEW.user_id IS DISTINCT FROM OLD.user_id AND (k <> 'branch_head'
      OR OLD.status::text NOT IN ({to_come}) OR NEW.status <> OLD.status) THEN
    {mine("a visit goes to another RM only with its client, by a branch head")}
  END IF;
  IF NEW.status <> OLD.status THEN
    IF NOT {pairs_sql(person_pairs())} THEN
      {refuse("a % visit cannot become %", "OLD.status", "NEW.status")}
    END IF;
  ELSIF OLD.status::text NOT IN ({lit(editable())}) THEN
    {refuse("a % visit is not changed any more", "OLD.status")}
  END IF;
  IF NEW.status::text = '{cancelled}' AND coalesce(btrim(NEW.notes), '') = '' THEN
    {refuse("a cancelled visit says why (in its notes)")}
  END IF;
  IF NEW.status::text = '{done}' AND coalesce(btrim(NEW.outcome), '') = '' THEN
    {refuse("a done visit has an outcome")}
  END IF;
  IF NEW.status::text <> '{done}' AND (NEW.outcome IS DISTINCT FROM OLD.outcome
      OR NEW.follow_up_on IS DISTINCT FROM OLD.follow_up_on
      OR NEW.next_step IS DISTINCT FROM OLD.next_step) THEN
    {refuse("a visit''s outcome is written when it is done")}
  END IF;
  IF NEW.planned_on IS DISTINCT FROM OLD.planned_on AND (NEW.planned_on < {today} - 1
      OR NEW.planned_on > {today} + {AHEAD_DAYS}) THEN
    {
                refuse(
                    f"a visit is moved to today or later, at most {AHEAD_DAYS} days ahead (%)",
                    "NEW.planned_on",
                )
            }
  END IF;
  IF NEW.follow_up_on IS DISTINCT FROM OLD.follow_up_on AND (NEW.follow_up_on < {today} - 1
      OR NEW.follow_up_on > {today} + {AHEAD_DAYS}) THEN
    {refuse(f"a follow-up is planned from today on, at most {AHEAD_DAYS} days ahead")}
  END IF;
{bump}
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_visit_after",
            after,
            f"""  IF TG_OP = 'INSERT' THEN
    IF NEW.status::text = '{FOLLOW_UP}' AND NOT EXISTS (
        SELECT 1 FROM {s}.visits v WHERE v.client_id = NEW.client_id AND v.status = '{done}'
          AND v.follow_up_on = NEW.planned_on AND v.xmin = {now_xact}) THEN
      {refuse("a follow-up visit is planned when the visit before it is recorded as done")}
    END IF;
    RETURN NULL;
  END IF;
  IF NEW.status::text = '{done}' AND OLD.status::text <> '{done}' AND NOT EXISTS (
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
    ]
