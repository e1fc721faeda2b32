"""What two audits of the PostgreSQL rules found, each closed and tried again: groups taken with
SET ROLE, sessions of a demoted person, personal data told by explain and the planner, a person
holding up the bank, the server's clock, made-up scorecard inputs, what refusals and the trail
tell, savepoints and hand-picked ids (the first attacks: test_hostile_logins.py;
docs/security.md)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from rmdesk.services.accounts.users import account
from rmdesk.services.common import audit
from rmdesk.services.engine import risk_flags
from tests.secured_bank import TRIED, Bank, snapshot, targets


@pytest.fixture(scope="module")
def ids(secured: Bank) -> dict[str, Any]:
    """What the attacks name (tests/secured_bank.py, made once per run)."""
    return targets(secured)


# --- what an outside audit found, each closed ------------------------------------------------


def _groups(s: Bank, name: str) -> tuple[str, str]:
    from rmdesk.services.security.row_security import Target

    t = Target(s.database)
    return t.app_group, t.admin_group


def test_a_group_taken_with_set_role_is_worth_nothing_once_the_user_loses_it(
    secured: Bank, ids: dict[str, Any]
) -> None:
    """SET ROLE survives a REVOKE in PostgreSQL; rmdesk's rules read the groups as they are
    now, so a session left holding one can neither read nor write with it."""
    s = secured
    app, _admin = _groups(s, s.head)
    holder = psycopg.connect(s.login_url(s.other_head, "postgresql"), autocommit=True)
    try:
        holder.execute(f'SET ROLE "{app}"')  # type: ignore[arg-type]
        with psycopg.connect(s.url.replace("+psycopg", ""), autocommit=True) as owner:
            owner.execute(f'REVOKE "{app}" FROM "{s.logins[s.other_head]}"')  # type: ignore[arg-type]
        try:
            seen = holder.execute("SELECT count(*) FROM clients").fetchone()
            assert seen == (0,)  # no longer anyone's reach
            for sql in (
                f"UPDATE users SET active = true WHERE id = {ids['peer']}",
                "INSERT INTO write_locks VALUES ('x')",
                f"UPDATE risk_flags SET status = 'acknowledged' WHERE id = {ids['flag']}",
                "SELECT rmdesk_audit_append('x', 'view', 'client', '1', '{}')",
            ):
                with pytest.raises(psycopg.Error):
                    holder.execute(sql)  # type: ignore[arg-type]
            TRIED.append(("branch head", "writing with a group kept by SET ROLE after REVOKE",
                          "refused"))  # fmt: skip
        finally:
            with psycopg.connect(s.url.replace("+psycopg", ""), autocommit=True) as owner:
                owner.execute(f'GRANT "{app}" TO "{s.logins[s.other_head]}"')  # type: ignore[arg-type]
    finally:
        holder.close()


def test_a_demoted_or_closed_person_loses_the_sessions_they_had_open(
    secured: Bank, ids: dict[str, Any]
) -> None:
    """A change of role, branch or status ends the login's open sessions: a transaction
    opened before a demotion, at REPEATABLE READ, cannot act on its old snapshot."""
    s = secured
    open_ = psycopg.connect(s.login_url(s.peer, "postgresql"))
    try:
        open_.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        open_.execute("SELECT rmdesk_user_role()")
        with s.engine.begin() as conn:
            conn.execute(text(f"UPDATE users SET active = false WHERE id = {ids['peer']}"))
        with pytest.raises(psycopg.OperationalError):
            open_.execute(f"UPDATE visits SET slot = slot WHERE user_id = {ids['peer']}")
        TRIED.append(("rm", "acting in a transaction opened before one's account closed",
                      "refused"))  # fmt: skip
    finally:
        open_.close()
        with s.engine.begin() as conn:
            conn.execute(text(f"UPDATE users SET active = true WHERE id = {ids['peer']}"))


def test_explain_and_the_planner_tell_nothing_of_other_peoples_personal_data(
    secured: Bank, ids: dict[str, Any]
) -> None:
    """Names and ID numbers have no index and no statistics: however a plan is forced, the
    rows it removes and the rows it expects do not depend on other people's values."""
    s, rm = secured, secured.rm
    theirs = str(s.owner(f"SELECT id_number FROM clients WHERE id = {ids['other_client']}"))
    name = str(s.owner(f"SELECT name FROM clients WHERE id = {ids['other_client']}"))
    with s.engine.begin() as conn:
        conn.execute(text("ANALYZE clients"))
    assert s.owner("SELECT count(*) FROM pg_stats WHERE tablename = 'clients' "
                   "AND attname IN ('name', 'id_number')") == 0  # fmt: skip

    def plan(where: str) -> tuple[Any, Any]:
        (row,) = s.sql(
            rm,
            "SET enable_seqscan = off",
            "SET enable_bitmapscan = off",
            f"EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) SELECT 1 FROM clients WHERE {where}",
        )
        node = row[0][0]["Plan"]
        return node.get("Rows Removed by Filter"), node["Plan Rows"]

    for column, value in (("id_number", theirs), ("name", name)):
        hit = plan(f"{column} = '{value}'")
        miss = plan(f"{column} = 'no such {column}'")
        lower = plan(f"{column} < '{value}'")
        higher = plan(f"{column} < 'zzzz'")
        assert hit == miss, column
        assert lower[1] == higher[1], column  # the same estimate: no histogram to probe
    s.harmless("rm", "counting another branch's ID numbers and names with EXPLAIN ANALYZE")


def test_no_person_can_hold_up_the_bank(secured: Bank, ids: dict[str, Any]) -> None:
    """Only the weakest lock is within a person's reach; a session left idle in a transaction
    is ended by the watchdog; connections are limited."""
    s, rm = secured, secured.rm
    for what, sql in [
        ("locking the visits table", "LOCK TABLE visits IN ACCESS EXCLUSIVE MODE"),
        ("locking the writers' table", "LOCK TABLE write_locks IN EXCLUSIVE MODE"),
        ("locking the clients", "LOCK TABLE clients IN SHARE MODE"),
        ("locking the users", "LOCK TABLE users IN ACCESS EXCLUSIVE MODE"),
        ("a row in the writers' table", "INSERT INTO write_locks VALUES ('x')"),
        ("removing a planned visit", f"DELETE FROM visits WHERE id = {ids['planned']}"),
        ("another database's sequence, moved", "SELECT setval(pg_get_serial_sequence("
         "'interactions', 'id'), 9223372036854775000)"),
        ("making a large object", "SELECT lo_from_bytea(0, 'x')"),
    ]:  # fmt: skip
        s.refused("rm", what, rm, sql)
    holder = psycopg.connect(s.login_url(rm, "postgresql"))
    try:
        holder.execute("SET idle_in_transaction_session_timeout = 0")  # as a person may
        holder.execute("LOCK TABLE write_locks IN ROW EXCLUSIVE MODE")  # and leave it open
        other = s.engine_of(s.other_rm)  # another person's change goes through meanwhile
        try:
            me = account(other, ids["other_rm"])
            flag = int(s.owner(
                "SELECT min(f.id) FROM risk_flags f JOIN clients c ON c.id = f.client_id "
                f"WHERE c.rm_id = {ids['other_rm']} AND f.status = 'raised'"
            ))  # fmt: skip
            risk_flags.act(other, flag, "acknowledge", who=me)
        finally:
            other.dispose()
        with s.engine.connect() as conn:
            conn.execute(text("SELECT pg_sleep(1.1)"))
            ended = conn.execute(text("SELECT login FROM rmdesk_watchdog(1, 600)")).scalars()
            assert s.logins[rm] in list(ended)
        with pytest.raises(psycopg.OperationalError):
            holder.execute("SELECT 1")
        s.harmless("rm", "a transaction left idle holding the writers' lock")
    finally:
        holder.close()
    assert s.owner(f"SELECT rolconnlimit FROM pg_roles WHERE rolname = '{s.logins[rm]}'") == 10
    for table in ("interactions", "visits", "risk_flag_events", "suggestion_outcomes"):
        kind = s.owner(f"SELECT data_type FROM information_schema.columns WHERE "
                       f"table_name = '{table}' AND column_name = 'id'")  # fmt: skip
        assert kind == "bigint", table


def test_the_rules_keep_the_servers_clock_and_date(secured: Bank, ids: dict[str, Any]) -> None:
    s = secured
    client = int(s.owner(f"SELECT min(id) FROM clients WHERE rm_id = {ids['peer']}"))
    s.refused(
        "branch head",
        "a handover backdated by a session time zone a week away",
        s.head,
        "SET TimeZone = '-167'",
        "INSERT INTO client_handovers (client_id, from_rm_id, to_rm_id, effective_on, at) "
        f"VALUES ({client}, {ids['peer']}, {ids['me']}, current_date - 1, now())",
        f"UPDATE clients SET rm_id = {ids['me']}, version = version + 1 WHERE id = {client}",
    )
    # a row's time is the server's clock when it is written, not when the transaction began
    suggestion = int(s.owner(
        "SELECT min(g.id) FROM suggestions g JOIN clients c ON c.id = g.client_id "
        f"WHERE c.rm_id = {ids['peer']} AND g.status = 'open'"
    ))  # fmt: skip
    (lag,) = s.sql(
        s.peer,
        "SELECT pg_sleep(1.2)",
        f"UPDATE suggestions SET status = 'pitched' WHERE id = {suggestion}",
        "INSERT INTO suggestion_outcomes (suggestion_id, client_id, product_id, outcome, at, "
        f"user_id) SELECT id, client_id, product_id, 'pitched', now(), {ids['peer']} "
        f"FROM suggestions WHERE id = {suggestion} RETURNING extract(epoch FROM at - now())",
    )
    assert float(lag[0]) >= 1.0
    s.harmless("rm", "writing a row with the time the transaction began")


def test_scorecard_inputs_cannot_be_made_up(secured: Bank, ids: dict[str, Any]) -> None:
    s, rm, i = secured, secured.peer, ids
    me = i["peer"]
    client = int(s.owner(f"SELECT max(id) FROM clients WHERE rm_id = {me}"))
    suggestion = int(s.owner(
        "SELECT min(g.id) FROM suggestions g JOIN clients c ON c.id = g.client_id "
        f"WHERE c.rm_id = {me} AND g.status = 'open'"
    ))  # fmt: skip
    flag = int(s.owner(
        "SELECT min(f.id) FROM risk_flags f JOIN clients c ON c.id = f.client_id "
        f"WHERE c.rm_id = {me} AND f.status = 'raised'"
    ))  # fmt: skip
    outcome = (
        "INSERT INTO suggestion_outcomes (suggestion_id, client_id, product_id, outcome, at, "
        f"user_id) SELECT id, client_id, product_id, 'accepted', now(), {me} FROM suggestions "
        f"WHERE id = {suggestion}"
    )
    event = (
        "INSERT INTO risk_flag_events (flag_id, at, actor_id, from_status, to_status, note) "
        f"VALUES ({flag}, now(), {me}, '{{f}}', '{{t}}', 'x')"
    )
    before = snapshot(s)
    for what, statements in [
        ("a planned follow-up with no visit completed",
         ["INSERT INTO visits (client_id, user_id, planned_on, slot, status, purpose, version) "
          f"VALUES ({client}, {me}, current_date + 2, 1, 'planned', 'follow_up', 1)"]),
        ("one sale recorded 25 times",
         [f"UPDATE suggestions SET status = 'accepted' WHERE id = {suggestion}",
          outcome, outcome]),
        ("a flag's history rewritten with made-up steps",
         [f"UPDATE risk_flags SET status = 'acknowledged' WHERE id = {flag}",
          event.format(f="raised", t="acknowledged"),
          event.format(f="closed", t="acknowledged")]),
        ("a flag's event that does not follow its history",
         [f"UPDATE risk_flags SET status = 'acknowledged' WHERE id = {flag}",
          event.format(f="resolved", t="acknowledged")]),
        ("a flag changed twice in one go",
         [f"UPDATE risk_flags SET status = 'acknowledged' WHERE id = {flag}",
          event.format(f="raised", t="acknowledged"),
          f"UPDATE risk_flags SET status = 'resolved' WHERE id = {flag}"]),
    ]:  # fmt: skip
        s.refused("rm", what, rm, *statements)
    # a version pushed to the end of its range comes out one up, whatever was sent
    visit = int(s.owner(f"SELECT min(id) FROM visits WHERE user_id = {me} AND status = 'proposed'"))
    old = int(s.owner(f"SELECT version FROM visits WHERE id = {visit}"))
    s.sql(rm, f"UPDATE visits SET version = 2147483647 WHERE id = {visit}")
    assert s.owner(f"SELECT version FROM visits WHERE id = {visit}") == old + 1
    s.harmless("rm", "a version set to the largest integer")
    after = snapshot(s)
    assert {k: v for k, v in after.items() if k != "visits"} == {
        k: v for k, v in before.items() if k != "visits"
    }


def test_refusals_tell_nothing_about_other_peoples_rows(secured: Bank, ids: dict[str, Any]) -> None:
    """A guess right or wrong gets the same answer: the rules check the row is the session's
    before they look at anything else."""
    s, i = secured, ids
    answers = set()
    for guess in (i["other_rm"], i["me"], i["peer"]):
        exc = s.refused(
            "rm",
            "guessing another branch's client's RM from the refusal",
            s.rm,
            "INSERT INTO visits (client_id, user_id, planned_on, slot, status, version) "
            f"VALUES ({i['other_client']}, {guess}, current_date + 3, 1, 'proposed', 1)",
        )
        answers.add((exc.sqlstate, str(exc).split("\n")[0]))
    assert len(answers) == 1, answers


def test_the_trail_takes_only_plain_entries(secured: Bank, ids: dict[str, Any]) -> None:
    s = secured
    for what, sql in [
        ("a detail that is not an object",
         "SELECT rmdesk_audit_append('x', 'view', 'client', '1', '[1, 2, 3]')"),
        ("a detail of 100 KB",
         "SELECT rmdesk_audit_append('x', 'view', 'client', '1', "
         "json_build_object('x', repeat('a', 100000))::text)"),
        ("a control character in the action", "SELECT rmdesk_audit_append('x', E'view\\u0007', "
         "'client', '1', '{}')"),
        ("an escape sequence in the subject", "SELECT rmdesk_audit_append('x', 'view', 'client', "
         "E'1\\u001b[2J', '{}')"),
    ]:  # fmt: skip
        s.refused("rm", what, s.rm, sql)


def test_an_administrators_own_login_cannot_hide_what_it_did_to_users(
    secured: Bank, ids: dict[str, Any]
) -> None:
    s = secured
    s.refused(
        "administrator",
        "renaming users to write the trail in someone else's name",
        s.admin,
        f"UPDATE users SET username = 'head1__' WHERE id = {ids['head']}",
    )
    s.sql(
        s.admin,
        f"UPDATE users SET password_hash = 'x' WHERE id = {ids['other_rm']}",
    )
    last = s.owner(
        "SELECT actor || ' ' || action || ' ' || entity_id || ' ' || detail::text "
        "FROM audit_log ORDER BY id DESC LIMIT 1"
    )
    assert last == f'{s.admin} users.row_change {s.other_rm} {{"columns" : ["password"]}}'
    s.harmless("administrator", "setting a password by hand, unaudited")


# --- a second audit, of the rules above --------------------------------------------------------


def test_a_persons_open_transaction_holds_no_one_elses_audit_entries(
    secured: Bank, ids: dict[str, Any]
) -> None:
    """People's entries are added without the chain's lock and chained afterwards, so an RM
    who keeps a transaction open after an audited action stops nobody's log-in."""
    s = secured
    holder = psycopg.connect(s.login_url(s.rm, "postgresql"))
    try:
        holder.execute("SELECT rmdesk_audit_append(NULL, 'view', 'client', '1', '{}')")
        other = psycopg.connect(s.login_url(s.other_rm, "postgresql"), autocommit=True)
        try:
            other.execute("SET lock_timeout = '2s'")  # it would wait 10 s and give up before
            other.execute(f"SELECT rmdesk_audit_append(NULL, 'login', 'users', "
                          f"'{s.other_rm}', '{{}}')")  # fmt: skip
        finally:
            other.close()
        s.harmless("rm", "holding the audit trail's lock in an open transaction")
    finally:
        holder.rollback()
        holder.close()
    with s.engine.begin() as conn:
        assert audit.pending(conn) > 0  # people's entries wait for the next chaining
        assert audit.verify_chain(conn) is None  # which the owner's check does first
        assert audit.pending(conn) == 0


def test_the_watchdog_ends_whoever_holds_someone_up(secured: Bank, ids: dict[str, Any]) -> None:
    """Judged by how long the one waiting has waited, not by how old the holder's transaction
    is: a holder that keeps running statements is ended too."""
    import threading

    s = secured
    holder = psycopg.connect(s.login_url(s.rm, "postgresql"))
    waiter = psycopg.connect(s.url.replace("+psycopg", ""))
    outcome: dict[str, Any] = {}

    def hold() -> None:
        try:
            holder.execute("LOCK TABLE write_locks IN ROW EXCLUSIVE MODE")
            holder.execute("SELECT pg_sleep(30)")  # busy, not idle
        except psycopg.Error as exc:
            outcome["holder"] = exc

    def wait() -> None:
        waiter.execute("SET lock_timeout = '20s'")
        waiter.execute("LOCK TABLE write_locks IN SHARE ROW EXCLUSIVE MODE")
        outcome["waiter"] = "got it"

    first = threading.Thread(target=hold)
    first.start()
    second = threading.Thread(target=wait)
    with s.engine.connect() as conn:
        conn.execute(text("SELECT pg_sleep(0.5)"))
        second.start()
        conn.execute(text("SELECT pg_sleep(1.5)"))
        ended = conn.execute(text("SELECT login FROM rmdesk_watchdog(600, 1)")).scalars().all()
    second.join(10)
    first.join(10)
    waiter.rollback()
    waiter.close()
    holder.close()
    assert s.logins[s.rm] in ended
    assert outcome.get("waiter") == "got it" and isinstance(
        outcome.get("holder"), psycopg.OperationalError
    )
    s.harmless("rm", "holding the writers' lock with statements that keep running")


def test_what_savepoints_and_hand_picked_ids_no_longer_get_round(
    secured: Bank, ids: dict[str, Any]
) -> None:
    s, i = secured, ids
    me = i["me"]
    suggestion = int(s.owner(
        "SELECT min(g.id) FROM suggestions g JOIN clients c ON c.id = g.client_id "
        f"WHERE c.rm_id = {me} AND g.status = 'open'"
    ))  # fmt: skip
    outcome = (
        "INSERT INTO suggestion_outcomes (suggestion_id, client_id, product_id, outcome, at, "
        f"user_id) SELECT id, client_id, product_id, 'accepted', now(), {me} FROM suggestions "
        f"WHERE id = {suggestion}"
    )
    saved = [f"SAVEPOINT s{n}; {outcome}; RELEASE SAVEPOINT s{n}" for n in range(3)]
    before = snapshot(s)
    for what, statements in [
        ("one sale recorded many times through savepoints",
         [*saved, f"UPDATE suggestions SET status = 'accepted' WHERE id = {suggestion}",
          outcome]),
        ("a contact with an id of one's choosing",
         ["INSERT INTO interactions (id, source, client_id, user_id, occurred_at, channel, "
          f"purpose, version) VALUES (999999999, 'app', {i['own_client']}, {me}, now(), "
          "'phone', 'x', 1)"]),
        ("a proposed visit with an id of one's choosing",
         ["INSERT INTO visits (id, client_id, user_id, planned_on, slot, status, version) "
          f"VALUES (999999999, {i['own_client']}, {me}, current_date + 20, 1, 'proposed', 1)"]),
        ("using up the flags' ids", ["SELECT nextval(pg_get_serial_sequence('risk_flags', 'id'))"]),
        ("using up the suggestions' ids",
         ["SELECT nextval(pg_get_serial_sequence('suggestions', 'id'))"]),
        ("a flag dismissed for good", [
            f"UPDATE risk_flags SET status = 'dismissed', reason = 'n/a', snoozed_until = NULL "
            f"WHERE id = (SELECT min(f.id) FROM risk_flags f JOIN clients c ON c.id = f.client_id "
            f"WHERE c.rm_id = {me} AND f.status = 'raised')"]),
        ("a subject id that reads backwards", ["SELECT rmdesk_audit_append(NULL, 'view', "
                                               "'client', E'1\\u202e2', '{}')"]),
    ]:  # fmt: skip
        s.refused("rm", what, s.rm, *statements)
    assert snapshot(s) == before


def test_an_administrator_cannot_become_someone_else_by_their_id(
    secured: Bank, ids: dict[str, Any]
) -> None:
    s = secured
    s.refused(
        "administrator",
        "swapping user ids to be audited as another administrator",
        s.admin,
        f"UPDATE users SET id = 1000001 WHERE id = {ids['admin']}",
    )
    s.sql(
        s.admin,
        "INSERT INTO users (username, display_name, role, active, visits_per_day, version) "
        "VALUES ('ghost', 'ghost', 'admin', false, 4, 1)",
        "DELETE FROM users WHERE username = 'ghost'",
    )
    trail = s.owner(
        "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE entity_id = 'ghost'"
    )
    assert trail == "users.row_insert,users.row_delete"
    s.harmless("administrator", "adding and removing a user by hand, unaudited")


def test_explain_does_not_tell_which_rule_flagged_another_branchs_client(
    secured: Bank, ids: dict[str, Any]
) -> None:
    s = secured
    client, rule = s.owner(
        "SELECT client_id || ' ' || rule_code FROM risk_flags f JOIN clients c ON "
        f"c.id = f.client_id WHERE c.rm_id = {ids['other_rm']} LIMIT 1"
    ).split()

    def removed(code: str) -> Any:
        (row,) = s.sql(
            s.rm,
            "SET enable_seqscan = off",
            "SET enable_bitmapscan = off",
            "EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) SELECT 1 FROM risk_flags "
            f"WHERE client_id = {client} AND rule_code = '{code}'",
        )
        return row[0][0]["Plan"].get("Rows Removed by Filter")

    assert removed(rule) == removed("NO_SUCH_RULE")
    s.harmless("rm", "which rule flagged another branch's client, through EXPLAIN ANALYZE")
