"""What a third audit of the PostgreSQL rules found, each closed and tried again: audit details
no program can read, dates no program can read, an RM locking their clients, entries committed
long after their time, a person lifting their own lock, an administrator holding the chain
(the first attacks: test_hostile_logins.py; the second: test_hostile_logins_audits.py;
docs/security.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from rmdesk.services.accounts import users
from rmdesk.services.common import audit
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.visits import actions as va
from rmdesk.services.visits import contacts
from rmdesk.services.visits.contacts import NewContact
from tests.secured_bank import Bank, targets


@pytest.fixture(scope="module")
def ids(secured: Bank) -> dict[str, Any]:
    """What the attacks name (tests/secured_bank.py, made once per run)."""
    return targets(secured)


def test_the_trail_takes_only_entries_every_reader_can_read(
    secured: Bank, ids: dict[str, Any]
) -> None:
    """JSON PostgreSQL accepts but Python's reader refuses would stop the check of the chain,
    the audit screen and the exports for everyone; escapes of invisible characters would make
    an entry read otherwise than it is."""
    s = secured
    for what, detail in [
        ("a 5,000-digit number in the detail", "'{\"a\":' || repeat('9', 5000) || '}'"),
        ("a detail nested 3,000 deep",
         "'{\"a\":' || repeat('[', 3000) || repeat(']', 3000) || '}'"),
        ("a direction-changing character written as a JSON escape", "'{\"n\":\"ok \\u202etxt\"}'"),
        ("a zero-width character written as a JSON escape", "'{\"\\u200b\":\"x\"}'"),
        ("a control character written as a JSON escape", "'{\"n\":\"\\u001b[2J\"}'"),
    ]:  # fmt: skip
        sql = f"SELECT rmdesk_audit_append(NULL, 'note', 'clients', NULL, {detail})"
        s.refused("rm", what, s.rm, sql)
    with s.engine.begin() as conn:
        assert audit.verify_chain(conn) is None
    frame, _total = audit.search(s.engine, who=OPERATOR)
    assert len(frame) > 0


def test_no_date_a_program_cannot_read(secured: Bank, ids: dict[str, Any]) -> None:
    """A visit or a next step dated 'infinity' or in the year 10000 would stop the planner,
    the views and the exports of everyone who reads it: dates are at most a year ahead."""
    s, i = secured, ids
    contact = (
        "INSERT INTO interactions (source, client_id, user_id, occurred_at, channel, purpose, "
        "next_step, next_step_due, version) VALUES ('app', {c}, {me}, clock_timestamp(), "
        "'phone', 'call', 'send the papers', {due}, 1)"
    )
    for what, sql in [
        ("a visit planned for 'infinity'",
         "INSERT INTO visits (client_id, user_id, planned_on, slot, status, version) "
         f"VALUES ({i['own_client']}, {i['me']}, 'infinity', 1, 'proposed', 1)"),
        ("a visit planned 400 days ahead",
         "INSERT INTO visits (client_id, user_id, planned_on, slot, status, version) "
         f"VALUES ({i['own_client']}, {i['me']}, current_date + 400, 1, 'proposed', 1)"),
        ("a visit moved to the year 10000",
         f"UPDATE visits SET planned_on = '10000-01-01' WHERE id = {i['proposed']}"),
        ("a next step due in the year 10000",
         contact.format(c=i["own_client"], me=i["me"], due="'10000-01-01'")),
        ("a next step due 400 days ahead",
         contact.format(c=i["own_client"], me=i["me"], due="current_date + 400")),
    ]:  # fmt: skip
        s.refused("rm", what, s.rm, sql)
    # what the app writes still goes in: a next step a month ahead
    s.sql(s.rm, contact.format(c=i["own_client"], me=i["me"], due="current_date + 30"))
    with pytest.raises(contacts.ContactError, match="more than a year ahead"):
        contacts.validate(
            NewContact(
                i["own_client"], "phone", dt.datetime.now(dt.UTC), "call", "", "", "papers",
                dt.date.today() + dt.timedelta(days=400),
            )
        )  # fmt: skip
    with pytest.raises(va.PlanError, match="more than a year ahead"):
        va.move(
            s.engine, i["proposed"], dt.date.today() + dt.timedelta(days=400), version=1,
            who=OPERATOR,
        )  # fmt: skip


def test_an_rm_cannot_lock_clients_others_write_about(secured: Bank, ids: dict[str, Any]) -> None:
    """Locking one's own clients (SELECT ... FOR UPDATE) would hold up the branch head's
    contacts with them: only who hands clients over may update, and so lock, a client."""
    s, i = secured, ids
    # an RM's login updates no client: handing one's own client to a colleague changes nothing
    s.sql(s.rm, f"UPDATE clients SET rm_id = {i['peer']} WHERE id = {i['own_client']}")
    assert s.owner(f"SELECT rm_id FROM clients WHERE id = {i['own_client']}") == i["me"]
    s.harmless("rm", "handing an own client to a colleague")
    holder = psycopg.connect(s.login_url(s.rm, "postgresql"))
    try:
        locked = holder.execute(
            "SELECT count(*) FROM (SELECT id FROM clients FOR UPDATE) x"
        ).fetchone()
        assert locked == (0,)  # the RM sees their clients, but may lock none of them
        head = psycopg.connect(s.login_url(s.head, "postgresql"))
        try:
            head.execute("SET lock_timeout = '2s'")
            head.execute(
                "INSERT INTO interactions (source, client_id, user_id, occurred_at, channel, "
                f"purpose, version) VALUES ('app', {i['own_client']}, {i['head']}, "
                "clock_timestamp(), 'phone', 'check-in', 1)"
            )
            head.rollback()
        finally:
            head.close()
        s.harmless("rm", "locking their own clients to hold up the branch head")
    finally:
        holder.rollback()
        holder.close()


def test_an_entry_is_committed_close_to_its_time(secured: Bank, ids: dict[str, Any]) -> None:
    """A person's entry committed long after the time it carries would enter the trail after
    an anchor taken later, dated before it: the server refuses it at commit."""
    s = secured
    login = s.logins[s.rm]
    late = pytest.raises(Exception, match="committed within 5 minutes")
    with late, s.engine.begin() as conn:  # as if a session had held its entry ten minutes
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, actor, action, entity, detail, login, "
                "scheme) VALUES (nextval(pg_get_serial_sequence('audit_log', 'id')), "
                "now() - interval '10 minutes', :rm, 'client.view', 'clients', '{}', "
                ":login, 2)"
            ),
            {"rm": s.rm, "login": login},
        )
    s.refused(
        "administrator",
        "holding the chain's lock in an open transaction",
        s.admin,
        "SELECT rmdesk_audit_chain()",
    )


def test_a_persons_own_log_in_record_lifts_no_lock(secured: Bank, ids: dict[str, Any]) -> None:
    s = secured
    now = dt.datetime.now(dt.UTC)
    with s.engine.begin() as conn:
        for _ in range(users.LOCK_AFTER):
            audit.record_login(conn, s.peer, "login_failed")
        assert users.locked_until(conn, s.peer, now) is not None
    s.sql(s.peer, f"SELECT rmdesk_audit_append(NULL, 'login', 'users', '{s.peer}', '{{}}')")
    with s.engine.begin() as conn:
        assert users.locked_until(conn, s.peer, dt.datetime.now(dt.UTC)) is not None
        s.harmless("rm", "writing a log-in of one's own to lift one's lock")
        users.unlock(s.engine, s.peer, who=OPERATOR)
