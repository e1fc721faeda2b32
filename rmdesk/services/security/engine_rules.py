"""The row rules of risk flags and suggestions for people's own logins, made from the
engine's tables (``risk_flags.ALLOWED``, ``suggestions.OUTCOME_FROM``)."""

from __future__ import annotations

from rmdesk.models import SuggestionStatus
from rmdesk.services.engine.risk_flags import ALLOWED as FLAG_ALLOWED
from rmdesk.services.engine.risk_flags import MAX_QUIET_DAYS
from rmdesk.services.engine.risk_flags import TARGET as FLAG_TARGET
from rmdesk.services.engine.suggestions import OUTCOME_FROM, OUTCOMES, STATUS_AFTER, outcome_pairs
from rmdesk.services.security.rule_sql import RuleSql, lit, pairs_sql


def flag_pairs() -> set[tuple[str, str]]:
    return {
        (a.value, FLAG_TARGET[verb].value) for verb, froms in FLAG_ALLOWED.items() for a in froms
    }


def settled() -> list[str]:
    """Suggestion statuses no outcome can be recorded from, by the table."""
    return [x.value for x in SuggestionStatus if not any(x in b for b in OUTCOME_FROM.values())]


def outcome_leaves(outcome: str, status: str) -> str:
    """SQL: the ``outcome`` (an expression) leaves a suggestion in ``status`` (STATUS_AFTER)."""
    listed = ", ".join(f"('{o}', '{a.value}')" for o, a in sorted(STATUS_AFTER.items()))
    return f"({outcome}, {status}) IN ({listed})"


def _settled_check(refuse: str) -> str:
    """The refusal of a change to a suggestion no outcome can follow, if the table has any."""
    if not settled():
        return ""
    return f"""  IF OLD.status::text IN ({lit(settled())}) THEN
    {refuse}
  END IF;
"""


def engine_functions(q: RuleSql) -> list[str]:
    """The trigger functions of ``risk_flags``, their events, ``suggestions`` and outcomes."""
    s, me, now_xact, today, bump = q.s, q.me, q.now_xact, q.today, q.bump
    before, after, only_insert = q.before, q.after, q.only_insert
    fn, refuse, mine, reach = q.fn, q.refuse, q.mine, q.reach
    outcomes = ", ".join(OUTCOMES)
    return [
        fn(
            "rmdesk_rule_flag",
            before,
            f"""  IF TG_OP <> 'UPDATE' THEN
    {mine("flags are raised and closed by the nightly run")}
  END IF;
  IF OLD.updated_at >= now() THEN  -- changed already in this transaction (savepoints too)
    {refuse("a flag changes once per transaction")}
  END IF;
  IF NEW.status = OLD.status OR NOT {pairs_sql(flag_pairs())} THEN
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
{_settled_check(refuse("suggestion % is already %", "OLD.id", "OLD.status"))}\
  IF NEW.status::text NOT IN ({lit(sorted({a.value for a in STATUS_AFTER.values()}))}) THEN
    {refuse(f"a suggestion''s outcome is one of {outcomes}, not %", "NEW.status")}
  END IF;
  IF NOT {pairs_sql(outcome_pairs())} THEN
    {refuse("a % suggestion cannot be recorded as %", "OLD.status", "NEW.status")}
  END IF;
{bump}
  RETURN NEW;""",
        ),
        fn(
            "rmdesk_rule_suggestion_after",
            after,
            f"""  IF NOT EXISTS (SELECT 1 FROM {s}.suggestion_outcomes o
      WHERE o.suggestion_id = NEW.id AND {outcome_leaves("o.outcome", "NEW.status::text")}
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
  IF NEW.outcome NOT IN ({lit(OUTCOMES)}) THEN
    {refuse(f"an outcome is one of {outcomes}, not %", "NEW.outcome")}
  END IF;
  IF (NEW.outcome = 'declined') IS DISTINCT FROM (NEW.reason IS NOT NULL) THEN
    {refuse("a decline, and only a decline, names its reason")}
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
      AND {outcome_leaves("NEW.outcome", "g.status::text")} AND g.xmin = {now_xact}) THEN
    {refuse("an outcome is recorded with its suggestion''s change")}
  END IF;
  RETURN NULL;""",
        ),
    ]
