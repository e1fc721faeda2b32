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

from rmdesk.services.accounts.users import account, locked_until, session_account
from rmdesk.services.branch import handover
from rmdesk.services.common import audit
from rmdesk.services.engine import risk_flags, suggestions
from rmdesk.services.visits import actions as va
from rmdesk.services.visits import contacts
from rmdesk.services.visits.contacts import NewContact
from tests.secured_bank import TODAY, Bank, snapshot, targets


@pytest.fixture(scope="module")
def ids(secured: Bank) -> dict[str, Any]:
    """What the attacks name (tests/secured_bank.py, made once per run)."""
    return targets(secured)


def test_a_session_cannot_pass_for_someone_else(
    secured: Bank, ids: dict[str, Any], pg_admin_url: str | None
) -> None:
    """Temporary tables, views and functions named like what the identity functions read,
    a search path of one's own, SET ROLE: the server still knows who the session is."""
    s, rm = secured, secured.rm
    before = snapshot(s)
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
    assert snapshot(s) == before


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
    before = snapshot(s)
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
        ("changing an own client's mobile number",
         [f"UPDATE clients SET mobile = '13800000000' WHERE id = {i['own_client']}"]),
        ("moving an own client's KYC date",
         [f"UPDATE clients SET kyc_due = '2099-01-01' WHERE id = {i['own_client']}"]),
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
        ("a contact claiming a client said yes to an offer (the response model learns it)",
         ["INSERT INTO interactions (source, client_id, user_id, occurred_at, channel, "
          f"version, product_id, offer_result) SELECT 'app', {i['own_client']}, {i['me']}, "
          "now(), 'phone', 1, id, 'accepted' FROM products LIMIT 1"]),
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
    assert snapshot(s) == before


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
    # one with visits, so that giving them away is an attack that would change something
    client = int(
        s.owner(
            f"SELECT max(id) FROM clients WHERE rm_id = {i['me']} "
            "AND id IN (SELECT client_id FROM visits)"
        )
    )
    row = (
        "INSERT INTO client_handovers (client_id, from_rm_id, to_rm_id, effective_on, at) "
        "VALUES ({c}, {f}, {t}, {d}, now())"
    )
    move = "UPDATE clients SET rm_id = {t}, version = version + 1 WHERE id = {c}"
    before = snapshot(s)
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
    assert snapshot(s) == before
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
