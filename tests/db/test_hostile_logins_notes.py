"""Attacks on the notes a nightly run reads (``input_changes``, the triggers of migration 0012)
from a person's own PostgreSQL login: a change that escapes the notes would never be recomputed
by a run of only what changed; a forged or deleted note would make the run recompute or skip
clients at someone's will (docs/scale.md "Only what changed", docs/security.md)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.secured_bank import Bank, targets


@pytest.fixture(scope="module")
def ids(secured: Bank) -> dict[str, Any]:
    """What the attacks name (tests/secured_bank.py, made once per run)."""
    return targets(secured)


def _notes(s: Bank, client: int) -> int:
    return int(s.owner(f"SELECT count(*) FROM input_changes WHERE client_id = {client}"))


def test_no_login_forges_drops_or_escapes_the_notes(secured: Bank, ids: dict[str, Any]) -> None:
    s, i = secured, ids
    trigger = "rmdesk_changed_interactions_insert"
    for role, login in (("branch head", s.head), ("rm", s.rm)):
        for what, sql in [
            ("a forged note", f"INSERT INTO input_changes (client_id) VALUES ({i['own_client']})"),
            ("the notes cleared", "DELETE FROM input_changes"),
            ("a note moved to another client",
             f"UPDATE input_changes SET client_id = {i['other_client']}"),
            ("the trigger dropped", f"DROP TRIGGER {trigger} ON interactions"),
            ("the trigger disabled", f"ALTER TABLE interactions DISABLE TRIGGER {trigger}"),
            ("every trigger disabled for the session",
             "SET session_replication_role = replica"),
            ("the contacts truncated (no trigger fires on TRUNCATE)", "TRUNCATE interactions"),
            ("the trigger's function called by hand", f"SELECT {trigger}()"),
            ("the trigger's function replaced",
             f"CREATE OR REPLACE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql "
             "AS $$ BEGIN RETURN NULL; END $$"),
            ("the trigger's function made to run as the caller",
             f"ALTER FUNCTION {trigger}() SECURITY INVOKER"),
        ]:  # fmt: skip
            s.refused(role, what, login, sql)
    # a contact the RM logs by plain SQL, after trying to shadow the notes table in the
    # session's own schema: the note lands in the bank's table, as the owner's trigger writes it
    contact = (
        "INSERT INTO interactions (source, client_id, user_id, occurred_at, channel, purpose, "
        f"version) VALUES ('app', {i['own_client']}, {i['me']}, clock_timestamp(), 'phone', "
        "'call', 1)"
    )
    before = _notes(s, i["own_client"])
    try:
        s.sql(s.rm, "CREATE TEMP TABLE input_changes (id bigint, client_id bigint)", contact)
        s.harmless("rm", "the notes table shadowed by a temporary one")
    except psycopg.Error:  # a login without the right to temporary tables: refused there
        s.sql(s.rm, contact)
    assert _notes(s, i["own_client"]) == before + 1
