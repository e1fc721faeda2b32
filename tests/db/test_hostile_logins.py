"""A curious or dishonest RM, branch head and administrator, each on their own PostgreSQL
login with plain SQL: every attack must be refused by PostgreSQL or leave nothing that
affects anyone else; what the app itself does on the same logins still works.
(services/security/row_security.py, services/security/write_rules.py, migration 0004,
docs/security.md)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from rmdesk.services.accounts.users import account, locked_until, session_account
from rmdesk.services.branch import handover
from rmdesk.services.common import audit
from rmdesk.services.engine import risk_flags, suggestions
from rmdesk.services.visits import actions as va
from rmdesk.services.visits import contacts
from rmdesk.services.visits.contacts import NewContact
from tests.secured_bank import TODAY, TRIED, Bank


@pytest.fixture(scope="module")
def ids(secured: Bank) -> dict[str, Any]:
    """What the attacks name: the people, their clients, a visit, a flag, a suggestion."""
    s = secured
    me, peer = s.ids[s.rm], s.ids[s.peer]

    def one(sql: str) -> int:
        value = s.owner(sql)
        assert value is not None, sql
        return int(value)

    own = f"(SELECT id FROM clients WHERE rm_id = {me})"
    found = {
        "me": me,
        "peer": peer,
        "head": s.ids[s.head],
        "admin": s.ids[s.admin],
        "other_rm": s.ids[s.other_rm],
        "own_client": one(f"SELECT min(id) FROM clients WHERE rm_id = {me}"),
        "other_client": one(f"SELECT min(id) FROM clients WHERE rm_id = {s.ids[s.other_rm]}"),
        "branch": one(f"SELECT branch_id FROM users WHERE id = {me}"),
        "proposed": one(f"SELECT min(id) FROM visits WHERE user_id = {me} AND status = 'proposed'"),
        "flag": one(
            f"SELECT min(id) FROM risk_flags WHERE client_id IN {own} AND status = 'raised'"
        ),
        "suggestion": one(
            f"SELECT min(id) FROM suggestions WHERE client_id IN {own} AND status = 'open'"
        ),
        "product": one("SELECT min(id) FROM products"),
    }
    with s.engine.begin() as conn:  # one of the RM's visits is planned, for the attacks on it
        conn.execute(
            text(
                "UPDATE visits SET status = 'planned', version = version + 1 WHERE id = "
                f"(SELECT max(id) FROM visits WHERE user_id = {me} AND status = 'proposed')"
            )
        )
    found["planned"] = one(
        f"SELECT max(id) FROM visits WHERE user_id = {me} AND status = 'planned'"
    )
    return found


def _snapshot(s: Bank) -> dict[str, Any]:
    """What the attacks could change for anyone: counts and the states that scorecards read."""
    queries = {
        "clients": "SELECT md5(string_agg(id || ':' || rm_id || ':' || branch_id || ':' || "
        "name || ':' || coalesce(id_number, '') || ':' || coalesce(kyc_due::text, ''), ',' "
        "ORDER BY id)) FROM clients",
        "visits": "SELECT md5(string_agg(id || ':' || status || ':' || user_id || ':' || "
        "planned_on, ',' ORDER BY id)) FROM visits",
        "contacts": "SELECT count(*) FROM interactions",
        "flags": "SELECT md5(string_agg(id || ':' || status, ',' ORDER BY id)) FROM risk_flags",
        "events": "SELECT count(*) FROM risk_flag_events",
        "suggestions": "SELECT md5(string_agg(id || ':' || status, ',' ORDER BY id)) "
        "FROM suggestions",
        "outcomes": "SELECT count(*) FROM suggestion_outcomes",
        "handovers": "SELECT count(*) FROM client_handovers",
        "scores": "SELECT sum(contribution_minor) FROM client_scores",
        "users": "SELECT md5(string_agg(id || ':' || role || ':' || active, ',' ORDER BY id)) "
        "FROM users",
        "training": "SELECT count(*) FROM training_points",
        "meta": "SELECT md5(string_agg(key || value, ',' ORDER BY key)) FROM meta",
        "logins": "SELECT count(*) FROM db_logins",
    }
    return {k: secured_value(s, q) for k, q in queries.items()}


def secured_value(s: Bank, sql: str) -> Any:
    return s.owner(sql)


def test_a_session_cannot_pass_for_someone_else(
    secured: Bank, ids: dict[str, Any], pg_admin_url: str | None
) -> None:
    """Temporary tables, views and functions named like what the identity functions read,
    a search path of one's own, SET ROLE: the server still knows who the session is."""
    s, rm = secured, secured.rm
    before = _snapshot(s)
    for what, sql in [
        ("a temporary table named users", "CREATE TEMP TABLE users (id int)"),
        ("a temporary table named db_logins", "CREATE TEMP TABLE db_logins (login text)"),
        ("a table in the schema", "CREATE TABLE public.users_copy (id int)"),
        ("a function in the schema", "CREATE FUNCTION public.rmdesk_user_role() RETURNS text "
         "LANGUAGE sql AS $$ SELECT 'admin' $$"),
        ("replacing an identity function", "CREATE OR REPLACE FUNCTION rmdesk_user_role() "
         "RETURNS text LANGUAGE sql AS $$ SELECT 'admin'::text $$"),
        ("a schema of one's own", "CREATE SCHEMA mine"),
        ("SET ROLE to the owner", "SET ROLE postgres"),
        ("SET SESSION AUTHORIZATION", f"SET SESSION AUTHORIZATION {s.logins[s.admin]}"),
        ("turning row security off", "ALTER TABLE clients DISABLE ROW LEVEL SECURITY"),
        ("SET row_security = off", "SET row_security = off; SELECT count(*) FROM clients"),
        ("joining the administrators' group",
         f'GRANT "rmdesk_{s.database}_admin" TO {s.logins[rm]}'),
        ("mapping one's login to the administrator",
         f"INSERT INTO db_logins VALUES ('x', {ids['admin']}, now())"),
        ("reading the logins", "SELECT * FROM db_logins"),
        ("reading password hashes", "SELECT password_hash FROM users"),
        ("reading the audit chain's key", "SELECT * FROM audit_keys"),
        ("making oneself an administrator",
         f"UPDATE users SET role = 'admin' WHERE id = {ids['me']}"),
    ]:  # fmt: skip
        s.refused("rm", what, rm, sql)
    # even with TEMP granted (a DBA's slip), the identity functions read the schema's tables
    assert pg_admin_url is not None
    with psycopg.connect(s.url.replace("+psycopg", ""), autocommit=True) as owner:
        owner.execute(f'GRANT TEMP ON DATABASE "{s.database}" TO "{s.logins[rm]}"')  # type: ignore[arg-type]
    try:
        shadow = [
            "CREATE TEMP TABLE users (id int, username text, role text, branch_id int, "
            "active boolean)",
            f"INSERT INTO pg_temp.users VALUES ({ids['me']}, '{rm}', 'admin', NULL, true)",
            "CREATE TEMP TABLE db_logins (login text, user_id int)",
            f"INSERT INTO pg_temp.db_logins VALUES (session_user, {ids['admin']})",
            "CREATE TEMP VIEW clients_all AS SELECT * FROM clients",
            "CREATE FUNCTION pg_temp.rmdesk_user_role() RETURNS text LANGUAGE sql "
            "AS $$ SELECT 'admin'::text $$",
            "SET search_path = pg_temp, public",
            "SELECT pg_temp.rmdesk_user_role(), rmdesk_user_role(), rmdesk_user_id(), "
            "(SELECT count(*) FROM clients), (SELECT count(*) FROM clients_all), "
            "(SELECT count(DISTINCT rm_id) FROM clients)",
        ]
        (row,) = s.sql(rm, *shadow)
        own = int(s.owner(f"SELECT count(*) FROM clients WHERE rm_id = {ids['me']}"))
        # pg_temp's function answers 'admin' when asked by its full name; unqualified, the
        # schema's function answers (functions are never looked up in pg_temp), and the
        # policies say: the RM, their own book only
        assert row == ("admin", "rm", ids["me"], own, own, 1)
        taken = s.sql(
            rm,
            *shadow[:-1],
            f"UPDATE visits SET slot = slot WHERE client_id = {ids['other_client']} RETURNING id",
        )
        assert taken == []
        s.harmless("rm", "shadowing users, db_logins and the functions with TEMP objects")
    finally:
        with psycopg.connect(s.url.replace("+psycopg", ""), autocommit=True) as owner:
            owner.execute(  # type: ignore[arg-type]
                f'REVOKE TEMP ON DATABASE "{s.database}" FROM "{s.logins[rm]}"'
            )
    # SET ROLE to one's own group changes nothing: the server reads session_user
    (row,) = s.sql(
        rm,
        f'SET ROLE "rmdesk_{s.database}_app"',
        "SELECT rmdesk_user_role(), (SELECT count(DISTINCT rm_id) FROM clients)",
    )
    assert row == ("rm", 1)
    s.harmless("rm", "SET ROLE to its own group")
    # taking another RM's client finds no row to change
    s.sql(rm, f"SELECT count(*) FROM clients WHERE id = {ids['other_client']}")
    assert _snapshot(s) == before


def test_the_audit_trail_is_written_by_the_server_only(secured: Bank, ids: dict[str, Any]) -> None:
    s, rm = secured, secured.rm
    own_entries = int(s.owner("SELECT count(*) FROM audit_log"))
    for what, sql in [
        ("adding an entry directly", "INSERT INTO audit_log (at, actor, action, detail) "
         "VALUES (now(), 'admin', 'view', '{}')"),
        ("adding the next ids", "INSERT INTO audit_log (id, at, actor, action, detail) SELECT "
         "max(id) + g, now(), 'x', 'x', '{}' FROM audit_log, generate_series(1, 200) g "
         "GROUP BY g"),
        ("taking the trail's next ids", "SELECT nextval(pg_get_serial_sequence('audit_log', "
         "'id')) FROM generate_series(1, 200)"),
        ("editing an entry", "UPDATE audit_log SET actor = 'admin'"),
        ("deleting entries", "DELETE FROM audit_log"),
        ("emptying the trail", "TRUNCATE audit_log"),
        ("locking the trail", "LOCK TABLE audit_log IN EXCLUSIVE MODE"),
        ("forging failed log-ins to lock out the administrator",
         f"SELECT rmdesk_audit_append('x', 'login_failed', 'users', '{s.admin}', '{{}}') "
         "FROM generate_series(1, 5)"),
        ("unlocking someone", f"SELECT rmdesk_audit_append('x', 'unlock', 'users', '{s.admin}',"
         " '{}')"),
        ("a log-in in someone else's name",
         f"SELECT rmdesk_audit_append('x', 'login', 'users', '{s.head}', '{{}}')"),
        ("checking the chain with the owner's key", "SELECT rmdesk_audit_check()"),
        ("computing a hash with the chain's key",
         "SELECT rmdesk_hmac(decode(secret, 'hex'), 'x') FROM audit_keys"),
    ]:  # fmt: skip
        s.refused("rm", what, rm, sql)
    # an entry in the administrator's name comes out in the RM's own
    s.sql(rm, f"SELECT rmdesk_audit_append('{s.admin}', 'view', 'client', '1', '{{}}')")
    last = s.owner("SELECT actor || '/' || login || '/' || scheme FROM audit_log ORDER BY id DESC")
    assert last == f"{rm}/{s.logins[rm]}/2"
    s.harmless("rm", "an audit entry in the administrator's name")
    assert int(s.owner("SELECT count(*) FROM audit_log")) == own_entries + 1
    with s.engine.connect() as conn:
        assert locked_until(conn, s.admin, dt.datetime.now(dt.UTC)) is None
        assert audit.verify_chain(conn) is None
    # an administrator checks the chain on their own login, through the server
    assert s.sql(s.admin, "SELECT rmdesk_audit_check()") == [(None,)]
    for what, sql in [
        ("reading the chain's key", "SELECT * FROM audit_keys"),
        ("adding an entry directly", "INSERT INTO audit_log (at, actor, action, detail) "
         "VALUES (now(), 'x', 'x', '{}')"),
        ("editing an entry", "UPDATE audit_log SET actor = 'x'"),
        ("mapping a login", f"INSERT INTO db_logins VALUES ('x', {ids['me']}, now())"),
        ("rewriting the schema version", "UPDATE alembic_version SET version_num = 'x'"),
        ("making a role", "CREATE ROLE sneaky LOGIN"),
        ("making oneself a superuser", f"ALTER ROLE {s.logins[s.admin]} SUPERUSER"),
    ]:  # fmt: skip
        s.refused("administrator", what, s.admin, sql)


def test_a_lock_held_by_a_login_does_not_stop_the_bank(secured: Bank, ids: dict[str, Any]) -> None:
    """An advisory lock of any number held for a whole session no longer stops writers (they
    take a table lock that lasts one transaction, and that the server ends when left idle)."""
    s = secured
    with psycopg.connect(s.login_url(s.rm, "postgresql"), autocommit=True) as holder:
        for n in (7310001, 7310002):
            holder.execute(f"SELECT pg_advisory_lock({n})")  # type: ignore[arg-type]
        who = account(s.engine, ids["peer"])
        peer_client = int(s.owner(f"SELECT min(id) FROM clients WHERE rm_id = {ids['peer']}"))
        contact = NewContact(
            peer_client, "phone", dt.datetime.now(dt.UTC), purpose="check-in", outcome="ok"
        )
        new = contacts.log_contact(s.engine, contact, who=who)  # would have waited for ever
        assert new > 0
    s.harmless("rm", "holding the writers' advisory locks for a whole session")
    idle = s.sql(s.rm, "SHOW idle_in_transaction_session_timeout")
    assert idle == [("1min",)]


def test_an_rm_writes_only_what_the_app_lets_an_rm_write(
    secured: Bank, ids: dict[str, Any]
) -> None:
    s, rm, i = secured, secured.rm, ids
    before = _snapshot(s)
    now_ = "now()"
    visit = "INSERT INTO visits (client_id, user_id, planned_on, slot, status, version) VALUES "
    contact = (
        "INSERT INTO interactions (source, client_id, user_id, occurred_at, channel, purpose, "
        "version, visit_id) VALUES "
    )
    event = (
        "INSERT INTO risk_flag_events (flag_id, at, actor_id, from_status, to_status, note) VALUES "
    )
    outcome = (
        "INSERT INTO suggestion_outcomes (suggestion_id, client_id, product_id, outcome, at, "
        "user_id) SELECT id, client_id, product_id, '{o}', now(), {u} FROM suggestions "
        f"WHERE id = {i['suggestion']}"
    )
    attacks: list[tuple[str, list[str]]] = [
        ("moving an own client to another branch",
         [f"UPDATE clients SET branch_id = branch_id + 1 WHERE id = {i['own_client']}"]),
        ("changing an own client's ID number",
         [f"UPDATE clients SET id_number = 'X' WHERE id = {i['own_client']}"]),
        ("renaming an own client", [f"UPDATE clients SET name = 'X' WHERE id = {i['own_client']}"]),
        ("moving an own client's KYC date",
         [f"UPDATE clients SET kyc_due = '2099-01-01' WHERE id = {i['own_client']}"]),
        ("handing an own client to a colleague",
         [f"UPDATE clients SET rm_id = {i['peer']} WHERE id = {i['own_client']}"]),
        ("adding a client", ["INSERT INTO clients (source, external_id, kind, name, segment, "
                             "status, attributes, version) VALUES ('app', 'X1', 'individual', "
                             "'x', 'mass', 'active', '{}', 1)"]),
        ("twenty done visits", [visit + ", ".join(
            f"({i['own_client']}, {i['me']}, current_date - {n}, {n}, 'done', 1)"
            for n in range(1, 21))]),
        ("a planned visit dated last month",
         [visit + f"({i['own_client']}, {i['me']}, current_date - 30, 1, 'planned', 1)"]),
        ("a visit for a colleague's name",
         [visit + f"({i['own_client']}, {i['peer']}, current_date + 1, 1, 'proposed', 1)"]),
        ("a visit done with no record of it",
         [f"UPDATE visits SET status = 'done', outcome = 'x' WHERE id = {i['proposed']}"]),
        ("a visit done with the record in the head's name",
         [f"UPDATE visits SET status = 'done', outcome = 'x' WHERE id = {i['proposed']}",
          contact + f"('app', {i['own_client']}, {i['head']}, now(), 'visit', 'x', 1, "
                    f"{i['proposed']})"]),
        ("a planned visit removed", [f"DELETE FROM visits WHERE id = {i['planned']}"]),
        ("a visit moved into the past",
         [f"UPDATE visits SET planned_on = current_date - 20 WHERE id = {i['planned']}"]),
        ("a visit given to a colleague",
         [f"UPDATE visits SET user_id = {i['peer']} WHERE id = {i['planned']}"]),
        ("a contact in the head's name",
         [contact + f"('app', {i['own_client']}, {i['head']}, now(), 'phone', 'x', 1, NULL)"]),
        ("a contact dated two months back",
         [contact + f"('app', {i['own_client']}, {i['me']}, now() - interval '60 days', "
                    "'phone', 'x', 1, NULL)"]),
        ("a contact in the future",
         [contact + f"('app', {i['own_client']}, {i['me']}, now() + interval '3 days', "
                    "'phone', 'x', 1, NULL)"]),
        ("a contact passed off as an import",
         ["INSERT INTO interactions (source, external_id, client_id, user_id, occurred_at, "
          f"channel, version) VALUES ('crm', 'E1', {i['own_client']}, {i['me']}, now(), "
          "'phone', 1)"]),
        ("a contact on another RM's client",
         [contact + f"('app', {i['other_client']}, {i['me']}, now(), 'phone', 'x', 1, NULL)"]),
        ("a contact rewritten", ["UPDATE interactions SET notes = 'x'"]),
        ("a flag dismissed with no event",
         [f"UPDATE risk_flags SET status = 'dismissed', reason = 'x' WHERE id = {i['flag']}"]),
        ("a flag closed as the nightly run would",
         [f"UPDATE risk_flags SET status = 'closed' WHERE id = {i['flag']}",
          event + f"({i['flag']}, {now_}, {i['me']}, 'raised', 'closed', NULL)"]),
        ("a flag's event in the head's name",
         [f"UPDATE risk_flags SET status = 'resolved' WHERE id = {i['flag']}",
          event + f"({i['flag']}, {now_}, {i['head']}, 'raised', 'resolved', NULL)"]),
        ("a flag's event with no change",
         [event + f"({i['flag']}, {now_}, {i['me']}, 'raised', 'resolved', NULL)"]),
        ("a flag snoozed into the past",
         [f"UPDATE risk_flags SET status = 'snoozed', snoozed_until = current_date - 5 "
          f"WHERE id = {i['flag']}",
          event + f"({i['flag']}, {now_}, {i['me']}, 'raised', 'snoozed', NULL)"]),
        ("a flag's evidence rewritten",
         [f"UPDATE risk_flags SET evidence = 'x' WHERE id = {i['flag']}"]),
        ("a suggestion accepted with no outcome",
         [f"UPDATE suggestions SET status = 'accepted' WHERE id = {i['suggestion']}"]),
        ("an outcome in a colleague's name",
         [f"UPDATE suggestions SET status = 'accepted' WHERE id = {i['suggestion']}",
          outcome.format(o="accepted", u=i["peer"])]),
        ("an outcome with no change", [outcome.format(o="accepted", u=i["me"])]),
        ("a suggestion's likelihood raised",
         [f"UPDATE suggestions SET likelihood = 0.99 WHERE id = {i['suggestion']}"]),
        ("a better score", ["UPDATE client_scores SET contribution_minor = 10^12"]),
        ("training points", [f"INSERT INTO training_points (user_id, earned_on, course, points, "
                             f"created_at) VALUES ({i['me']}, current_date, 'x', 100, now())"]),
        ("a handover row", [f"INSERT INTO client_handovers (client_id, from_rm_id, to_rm_id, "
                            f"effective_on, at) VALUES ({i['own_client']}, {i['me']}, "
                            f"{i['peer']}, current_date, now())"]),
        ("the engine's parameters", ["UPDATE meta SET value = '{\"backdate_days\": 9999}'"]),
        ("a scoring run", ["INSERT INTO scoring_runs (started_at, as_of, scope, actor, "
                           "parameters, pricing, counts) VALUES (now(), current_date, 'bank', "
                           "'x', '{}', '{}', '{}')"]),
    ]  # fmt: skip
    for what, statements in attacks:
        s.refused("rm", what, rm, *statements)
    # another RM's client is not there to take: the statement runs and changes nothing
    assert s.sql(rm, f"UPDATE clients SET rm_id = {i['me']} WHERE id = {i['other_client']} "
                 "RETURNING id") == []  # fmt: skip
    s.harmless("rm", "taking another RM's client")
    assert _snapshot(s) == before


def test_what_the_app_does_on_an_rms_own_login_still_works(
    secured: Bank, ids: dict[str, Any]
) -> None:
    """The services on the RM's own login: each change lands, with the server's time and the
    RM's own name on it."""
    s, i = secured, ids
    engine = s.engine_of(s.rm)
    try:
        me = session_account(engine)
        assert me is not None and me.id == i["me"]
        contact = NewContact(
            i["own_client"], "phone", dt.datetime.now(dt.UTC) - dt.timedelta(days=2),
            purpose="review", outcome="ok",
        )  # fmt: skip
        contacts.log_contact(engine, contact, who=me)
        version = risk_flags.act(engine, i["flag"], "acknowledge", who=me)
        risk_flags.act(engine, i["flag"], "snooze", version=version,
                       until=TODAY + dt.timedelta(days=10), who=me)  # fmt: skip
        suggestions.record_outcome(engine, i["suggestion"], "pitched", who=me)
        v = int(s.owner(f"SELECT version FROM visits WHERE id = {i['proposed']}"))
        v = va.accept(engine, i["proposed"], version=v, who=me)
        v = va.move(engine, i["proposed"], TODAY + dt.timedelta(days=3), version=v, who=me)
        done = va.complete(
            engine, i["proposed"], version=v, outcome="met", follow_up_on=TODAY + dt.timedelta(7),
            who=me,
        )  # fmt: skip
        assert done.follow_up_visit_id is not None
        pv = int(s.owner(f"SELECT version FROM visits WHERE id = {i['planned']}"))
        va.cancel(engine, i["planned"], version=pv, reason="client away", who=me)
        with pytest.raises(va.PlanError, match="days back"):  # the same rule in the service
            va.complete(
                engine, done.follow_up_visit_id, version=1, outcome="x",
                at=dt.datetime.now(dt.UTC) - dt.timedelta(days=40), who=me,
            )  # fmt: skip
    finally:
        engine.dispose()
    events = s.owner(
        f"SELECT string_agg(to_status || ':' || actor_id, ',' ORDER BY id) FROM "
        f"risk_flag_events WHERE flag_id = {i['flag']} AND actor_id IS NOT NULL"
    )
    assert events == f"acknowledged:{i['me']},snoozed:{i['me']}"
    assert s.owner(f"SELECT user_id FROM interactions WHERE visit_id = {i['proposed']}") == i["me"]
    assert s.owner(f"SELECT status FROM visits WHERE id = {i['planned']}") == "cancelled"
    with s.engine.connect() as conn:
        assert audit.verify_chain(conn) is None


def test_a_branch_head_hands_over_only_within_the_branch_today(
    secured: Bank, ids: dict[str, Any]
) -> None:
    s, i = secured, ids
    head = s.head
    client = int(s.owner(f"SELECT max(id) FROM clients WHERE rm_id = {i['me']}"))
    row = (
        "INSERT INTO client_handovers (client_id, from_rm_id, to_rm_id, effective_on, at) "
        "VALUES ({c}, {f}, {t}, {d}, now())"
    )
    move = "UPDATE clients SET rm_id = {t}, version = version + 1 WHERE id = {c}"
    before = _snapshot(s)
    for what, statements in [
        ("a client given to another branch's RM",
         [row.format(c=client, f=i["me"], t=i["other_rm"], d="current_date"),
          move.format(t=i["other_rm"], c=client)]),
        ("a client given to the administrator",
         [row.format(c=client, f=i["me"], t=i["admin"], d="current_date"),
          move.format(t=i["admin"], c=client)]),
        ("a handover dated last month",
         [row.format(c=client, f=i["me"], t=i["peer"], d="current_date - 30"),
          move.format(t=i["peer"], c=client)]),
        ("a client moved with no handover row", [move.format(t=i["peer"], c=client)]),
        ("a handover row naming the wrong RM",
         [row.format(c=client, f=i["peer"], t=i["peer"], d="current_date"),
          move.format(t=i["peer"], c=client)]),
        ("a handover row with no move",
         [row.format(c=client, f=i["me"], t=i["peer"], d="current_date")]),
        ("a client moved to another branch",
         [f"UPDATE clients SET branch_id = branch_id + 1 WHERE id = {client}"]),
        ("another branch's client taken",
         [row.format(c=i["other_client"], f=i["other_rm"], t=i["peer"], d="current_date"),
          move.format(t=i["peer"], c=i["other_client"])]),
        ("a visit given to another branch's RM",
         [f"UPDATE visits SET user_id = {i['other_rm']} WHERE client_id = {client}"]),
    ]:  # fmt: skip
        s.refused("branch head", what, head, *statements)
    assert _snapshot(s) == before
    # the app's own handover on the head's login: the client, its visits and the row move
    engine = s.engine_of(head)
    try:
        me = session_account(engine)
        assert me is not None
        done = handover.reassign(
            engine, [client], i["peer"], reason="balance the book", today=TODAY, who=me
        )
    finally:
        engine.dispose()
    assert done.client_ids == (client,)
    assert s.owner(f"SELECT rm_id FROM clients WHERE id = {client}") == i["peer"]
    assert s.owner(f"SELECT effective_on FROM client_handovers WHERE client_id = {client}") == TODAY


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
    before = _snapshot(s)
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
    after = _snapshot(s)
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
    before = _snapshot(s)
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
    assert _snapshot(s) == before


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
