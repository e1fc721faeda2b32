"""The state machines as tables: a visit's transitions and a suggestion's outcomes, and the
PostgreSQL rules made from them (no database, no Qt)."""

from __future__ import annotations

from rmdesk.models import SuggestionStatus, VisitStatus
from rmdesk.services.engine import suggestions
from rmdesk.services.security import engine_rules, visit_rules
from rmdesk.services.security.rule_sql import RuleSql
from rmdesk.services.visits import transitions as vt
from rmdesk.services.visits.transitions import TRANSITIONS, By

P, PL, DONE, C, M = (VisitStatus(s) for s in ("proposed", "planned", "done", "cancelled", "missed"))


def test_the_visit_table_is_docs_section_6() -> None:
    """docs/visit-planner.md §6, row by row."""
    table = {a: (t.before, t.after, t.by) for a, t in TRANSITIONS.items()}
    assert table == {
        "accept": ({P}, PL, By.PERSON),
        "move": ({P, PL}, PL, By.PERSON),
        "cancel": ({P, PL}, C, By.PERSON),
        "complete": ({P, PL, M}, DONE, By.PERSON),
        "propose": ({P}, P, By.PLANNER),
        "mark_missed": ({PL}, M, By.NIGHTLY),
    }
    assert vt.PERSON_ACTIONS == ("accept", "move", "cancel", "complete")
    assert [a for a, t in TRANSITIONS.items() if not t.many] == ["complete"]


def test_every_status_is_reachable_from_a_new_visit() -> None:
    assert vt.CREATED == P
    assert vt.reachable() == set(VisitStatus)
    assert vt.reachable(C) == {C}
    # a follow-up visit starts planned, and goes on from there
    assert vt.reachable(vt.FOLLOW_UP) == {PL, DONE, C, M}


def test_no_action_from_a_terminal_status() -> None:
    assert {DONE, C} == vt.TERMINAL
    for status in vt.TERMINAL:
        for by in By:
            assert vt.actions_from(status, by=by) == ()
    assert vt.actions_from("missed") == ("complete",)
    assert vt.actions_from("proposed") == ("accept", "move", "cancel", "complete")
    assert vt.actions_from("planned", by=By.NIGHTLY) == ("mark_missed",)


def test_the_sets_read_off_the_table() -> None:
    assert vt.TO_COME == {P, PL} == TRANSITIONS["move"].before
    assert {P} == vt.REMOVABLE
    assert tuple(VisitStatus) == vt.STATUSES


def test_a_persons_login_takes_a_visit_only_along_the_table() -> None:
    pairs = vt.person_pairs()
    assert pairs == {
        ("proposed", "planned"),
        ("planned", "planned"),
        ("proposed", "proposed"),
        ("proposed", "cancelled"),
        ("planned", "cancelled"),
        ("proposed", "done"),
        ("planned", "done"),
        ("missed", "done"),
    }
    assert ("planned", "missed") not in pairs  # the nightly run's, not a person's
    assert visit_rules.editable() == ["planned", "proposed"]
    sql = "\n".join(visit_rules.visit_functions(RuleSql('"s"')))
    for a, b in pairs:
        assert f"('{a}', '{b}')" in sql
    assert "('planned', 'missed')" not in sql
    assert "NOT IN ('proposed')" in sql  # only a proposed visit is removed


def test_the_suggestion_table_is_the_services_rule() -> None:
    """docs/cross-sell.md: an outcome is recorded on any suggestion not yet settled (accepted
    or declined), the same outcome again too; the status becomes the outcome. An undo
    (reopened) follows any outcome and puts the suggestion back to open."""
    table = suggestions.OUTCOME_FROM
    assert suggestions.OUTCOMES == ("pitched", "accepted", "declined", "not_now", "reopened")
    open_ones = {SuggestionStatus(s) for s in ("open", "pitched", "not_now", "withdrawn")}
    assert all(before == open_ones for o, before in table.items() if o != "reopened")
    acted_on = {SuggestionStatus(s) for s in ("pitched", "accepted", "declined", "not_now")}
    assert table["reopened"] == acted_on
    assert suggestions.STATUS_AFTER["reopened"] == SuggestionStatus.OPEN
    assert all(suggestions.STATUS_AFTER[o] == o for o in suggestions.OUTCOMES if o != "reopened")
    assert suggestions.outcomes_from("pitched") == suggestions.OUTCOMES
    assert suggestions.outcomes_from("not_now") == suggestions.OUTCOMES
    assert suggestions.outcomes_from("accepted") == ("reopened",)
    assert suggestions.outcomes_from("declined") == ("reopened",)
    assert suggestions.outcomes_from("open") == suggestions.OUTCOMES[:-1]
    assert ("pitched", "pitched") in suggestions.outcome_pairs()
    assert {b for a, b in suggestions.outcome_pairs() if a in ("accepted", "declined")} == {"open"}
    assert ("open", "open") not in suggestions.outcome_pairs()
    assert engine_rules.settled() == []  # every status can change: the settled ones by an undo
    sql = "\n".join(engine_rules.engine_functions(RuleSql('"s"')))
    assert "('declined', 'open')" in sql and "('not_now', 'not_now')" in sql
    assert "('reopened', 'open')" in sql  # an outcome row and the status it leaves, paired
    assert "IN ()" not in sql
