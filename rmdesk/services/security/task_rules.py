"""The row rule of tasks, for people's own logins (``visits.tasks`` is the app's side).

A task is added in one's own name, open, for a client the login reaches, to the client's RM or
a head of its branch, due from the earliest day a contact can be dated on to a year ahead; it
names a contact only when it is written with that contact. An open task is done (by whom it
says, at the server's time), cancelled (saying why), snoozed, moved or handed along the same
lines; a done or cancelled task does not change; nothing is deleted.
"""

from __future__ import annotations

from rmdesk.models import TaskStatus
from rmdesk.services.security.rule_sql import RuleSql
from rmdesk.services.visits.bounds import AHEAD_DAYS
from rmdesk.services.visits.tasks import TITLE_MAX

OPEN = TaskStatus.OPEN.value
CANCELLED = TaskStatus.CANCELLED.value


def task_functions(q: RuleSql) -> list[str]:
    """The trigger function of ``tasks``."""
    s, me, now_xact, today, bump = q.s, q.me, q.now_xact, q.today, q.bump
    fn, refuse, mine, reach = q.fn, q.refuse, q.mine, q.reach
    earliest = f"{today} - {s}.rmdesk_backdate_days() - 1"
    latest = f"{today} + {AHEAD_DAYS}"
    late = f"a task is due from the contact on, at most {AHEAD_DAYS} days ahead (%)"
    moved = f"a task is moved to today or later, at most {AHEAD_DAYS} days ahead (%)"
    return [
        fn(
            "rmdesk_rule_task",
            q.before,
            f"""{reach("COALESCE(NEW.client_id, OLD.client_id)")}
  IF TG_OP = 'DELETE' THEN
    {mine("a task is done or cancelled, never deleted")}
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.created_by IS DISTINCT FROM {me} THEN
      {mine("a task is added in one''s own name (user %), not as user %", me, "NEW.created_by")}
    END IF;
    IF NEW.status::text <> '{OPEN}' OR NEW.closed_at IS NOT NULL OR NEW.closed_by IS NOT NULL
       OR NEW.note IS NOT NULL OR NEW.snoozed_until IS NOT NULL THEN
      {refuse("a new task is open, with nothing closed or snoozed")}
    END IF;
    IF coalesce(btrim(NEW.title), '') = '' OR length(NEW.title) > {TITLE_MAX} THEN
      {refuse(f"a task says what is to be done, in at most {TITLE_MAX} characters")}
    END IF;
    IF NEW.due_on IS NULL OR NEW.due_on < {earliest} OR NEW.due_on > {latest} THEN
      {refuse(late, "NEW.due_on")}
    END IF;
    IF NEW.interaction_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {s}.interactions i
        WHERE i.id = NEW.interaction_id AND i.client_id = NEW.client_id AND i.user_id = {me}
          AND i.xmin = {now_xact}) THEN
      {refuse("a task names a contact only when it is written with that contact")}
    END IF;
    NEW.created_at := clock_timestamp();
    NEW.version := 1;
  ELSE
    IF OLD.status::text <> '{OPEN}' THEN
      {refuse("task % is % and does not change any more", "OLD.id", "OLD.status")}
    END IF;
    IF NEW.status <> OLD.status THEN
      IF NEW.closed_by IS DISTINCT FROM {me} THEN
        {mine("a task is closed in one''s own name")}
      END IF;
      IF NEW.status::text = '{CANCELLED}' AND coalesce(btrim(NEW.note), '') = '' THEN
        {refuse("a cancelled task says why (in its note)")}
      END IF;
      NEW.closed_at := clock_timestamp();
    ELSIF NEW.closed_at IS DISTINCT FROM OLD.closed_at
        OR NEW.closed_by IS DISTINCT FROM OLD.closed_by OR NEW.note IS DISTINCT FROM OLD.note THEN
      {refuse("an open task is closed with its status")}
    END IF;
    IF NEW.due_on IS DISTINCT FROM OLD.due_on
       AND (NEW.due_on IS NULL OR NEW.due_on < {today} - 1 OR NEW.due_on > {latest}) THEN
      {refuse(moved, "NEW.due_on")}
    END IF;
    IF NEW.snoozed_until IS DISTINCT FROM OLD.snoozed_until AND NEW.snoozed_until IS NOT NULL
       AND (NEW.snoozed_until < {today} - 1 OR NEW.snoozed_until > {today} + {AHEAD_DAYS}) THEN
      {refuse(f"a task is snoozed to a day from today, at most {AHEAD_DAYS} days ahead")}
    END IF;
{bump}
  END IF;
  IF (TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id) AND NOT EXISTS (
      SELECT 1 FROM {s}.clients c JOIN {s}.users u ON u.active AND (u.id = c.rm_id
        OR (u.role::text = 'branch_head' AND u.branch_id = c.branch_id))
      WHERE c.id = NEW.client_id AND u.id = NEW.user_id) THEN
    {mine("a task goes to the client''s RM or a head of its branch")}
  END IF;
  RETURN NEW;""",
        ),
    ]
