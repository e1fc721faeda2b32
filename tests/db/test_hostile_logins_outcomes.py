"""Decline reasons and undone outcomes on people's own PostgreSQL logins: an RM declines with
a reason and undoes it on their own client, and cannot do either on another RM's; the write
rules pair an outcome with the status it leaves (``suggestions.STATUS_AFTER``), so an undo
row cannot pass for anything else (services/security/engine_rules.py, docs/security.md)."""

from __future__ import annotations

from typing import Any

import pytest

from rmdesk.services.accounts.users import session_account
from rmdesk.services.engine import suggestions
from tests.secured_bank import Bank, snapshot, targets


@pytest.fixture(scope="module")
def ids(secured: Bank) -> dict[str, Any]:
    """What the attacks name (tests/secured_bank.py, made once per run)."""
    return targets(secured)


def _one(s: Bank, sql: str) -> int:
    value = s.owner(sql)
    assert value is not None, sql
    return int(value)


def test_an_rm_declines_with_a_reason_and_undoes_on_their_own_client_only(
    secured: Bank, ids: dict[str, Any]
) -> None:
    s, i = secured, ids
    # an open suggestion of the RM's own other than the one the other files act on
    mine = _one(
        s,
        "SELECT max(g.id) FROM suggestions g JOIN clients c ON c.id = g.client_id "
        f"WHERE c.rm_id = {i['me']} AND g.status = 'open' AND g.id <> {i['suggestion']}",
    )
    theirs = _one(
        s,
        f"SELECT min(id) FROM suggestions WHERE client_id = {i['other_client']} "
        "AND status = 'open'",
    )
    engine = s.engine_of(s.rm)
    try:
        me = session_account(engine)
        assert me is not None
        suggestions.record_outcome(engine, mine, "declined", reason="too_expensive", who=me)
        assert s.owner(f"SELECT status FROM suggestions WHERE id = {mine}") == "declined"
        suggestions.record_outcome(engine, mine, "reopened", note="wrong product", who=me)
        for outcome in ("declined", "reopened"):
            # row-level security: the RM's login does not see it at all
            with pytest.raises(suggestions.SuggestionError, match=f"{theirs} does not exist"):
                suggestions.record_outcome(
                    engine,
                    theirs,
                    outcome,
                    reason="other" if outcome == "declined" else None,
                    who=me,
                )
    finally:
        engine.dispose()
    assert s.owner(f"SELECT status FROM suggestions WHERE id = {mine}") == "open"
    rows = s.owner(
        "SELECT string_agg(outcome || ':' || coalesce(reason, '-') || ':' || user_id, ',' "
        f"ORDER BY id) FROM suggestion_outcomes WHERE suggestion_id = {mine}"
    )
    assert rows == f"declined:too_expensive:{i['me']},reopened:-:{i['me']}"
    assert s.owner(f"SELECT status FROM suggestions WHERE id = {theirs}") == "open"
    actions = s.owner(
        "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log "
        f"WHERE entity = 'suggestion' AND entity_id = '{mine}'"
    )
    assert actions == "suggestion.declined,suggestion.reopened"


def test_plain_sql_cannot_bend_a_decline_or_an_undo(secured: Bank, ids: dict[str, Any]) -> None:
    s, i, rm = secured, ids, secured.rm
    declined = _one(
        s,
        "SELECT min(g.id) FROM suggestions g JOIN clients c ON c.id = g.client_id "
        f"WHERE c.rm_id = {i['me']} AND g.status = 'open' AND g.id <> {i['suggestion']}",
    )
    engine = s.engine_of(rm)
    try:
        me = session_account(engine)
        assert me is not None
        suggestions.record_outcome(engine, declined, "declined", reason="no_funds", who=me)
    finally:
        engine.dispose()
    theirs = _one(s, f"SELECT min(id) FROM suggestions WHERE client_id = {i['other_client']}")
    their_product = _one(s, f"SELECT product_id FROM suggestions WHERE id = {theirs}")
    # an open suggestion of mine now (others tests on this shared bank may have pitched the
    # usual one: undoing that pitch would be a fair undo, not an attack)
    still_open = _one(
        s,
        "SELECT min(g.id) FROM suggestions g JOIN clients c ON c.id = g.client_id "
        f"WHERE c.rm_id = {i['me']} AND g.status = 'open' AND g.id <> {declined}",
    )
    before = snapshot(s)

    def outcome(sid: int, o: str, reason: str = "NULL") -> str:
        return (
            "INSERT INTO suggestion_outcomes (suggestion_id, client_id, product_id, outcome, "
            f"at, user_id, reason) SELECT id, client_id, product_id, '{o}', now(), {i['me']}, "
            f"{reason} FROM suggestions WHERE id = {sid}"
        )

    def status(sid: int, to: str) -> str:
        return f"UPDATE suggestions SET status = '{to}' WHERE id = {sid}"

    for what, statements in [
        ("a decline with no reason", [status(i["suggestion"], "declined"),
                                      outcome(i["suggestion"], "declined")]),
        ("a decline for a reason not on the list",
         [status(i["suggestion"], "declined"), outcome(i["suggestion"], "declined", "'price'")]),
        ("a pitch with a decline's reason",
         [status(i["suggestion"], "pitched"), outcome(i["suggestion"], "pitched", "'other'")]),
        ("an undo that leaves the suggestion declined", [outcome(declined, "reopened")]),
        ("an undo row passed off as a decline's",
         [status(declined, "open"), outcome(declined, "declined", "'other'")]),
        ("a declined suggestion put back with no undo", [status(declined, "open")]),
        ("a declined suggestion pitched by an undo",
         [status(declined, "pitched"), outcome(declined, "reopened")]),
        ("an open suggestion undone", [status(still_open, "open"),
                                       outcome(still_open, "reopened")]),
        ("another RM's suggestion undone, named outright",
         [f"INSERT INTO suggestion_outcomes (suggestion_id, client_id, product_id, outcome, at, "
          f"user_id) VALUES ({theirs}, {i['other_client']}, {their_product}, 'reopened', "
          f"now(), {i['me']})"]),
    ]:  # fmt: skip
        s.refused("rm", what, rm, *statements)
    # another RM's suggestion is not there to reopen: the statements run and change nothing
    assert s.sql(rm, status(theirs, "open") + " RETURNING id", outcome(theirs, "reopened")) == []
    s.harmless("rm", "reopening another RM's suggestion")
    assert snapshot(s) == before
