"""Row-level security on PostgreSQL: each person's own login reaches only what their role
reaches, even with hand-written SQL; logins belong to one database and follow their user; the
app and the command line work on such a login (services/security/row_security.py, docs/security.md).
The attacks on writes, identity and the audit trail are in test_hostile_logins.py."""

from __future__ import annotations

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from rmdesk.cli import main
from rmdesk.db import SCHEMA_HEAD, DatabaseError, open_database
from rmdesk.services.accounts.users import LoginError, account, authenticate, session_account
from rmdesk.services.admin import directory
from rmdesk.services.clients import book
from rmdesk.services.clients import profile as client_profile
from rmdesk.services.common import audit
from rmdesk.services.common.access import OPERATOR, AccessDenied
from rmdesk.services.security import db_logins, row_security
from tests.conftest import Databases
from tests.demo_banks import DemoBanks
from tests.secured_bank import RECIPE, TODAY, Bank, drop_bank, make_bank


def _count(s: Bank, where: str = "true") -> int:
    return int(s.owner(f"SELECT count(*) FROM clients WHERE {where}"))


def test_hand_written_sql_sees_only_the_rms_own_clients(secured: Bank) -> None:
    s = secured
    me = s.ids[s.rm]
    assert s.sql(s.rm, "SELECT rmdesk_user_id()") == [(me,)]
    assert s.sql(s.rm, "SELECT DISTINCT rm_id FROM clients") == [(me,)]
    assert s.sql(s.rm, "SELECT count(*) FROM clients")[0][0] == _count(s, f"rm_id = {me}")
    # every table of client data: only rows of the RM's own clients come back
    for table, via in row_security.CLIENT_TABLES.items():
        if table == "clients" or table in row_security.ADMINS_READ:
            continue
        seen = s.sql(s.rm, f"SELECT count(*) FROM {table}")[0][0]
        own = s.owner(_owned_rows(table, via, me))
        everyone = s.owner(f"SELECT count(*) FROM {table}")
        assert seen == own, table
        assert everyone == 0 or everyone > own, table  # there was something to hide
    # which clients changed since the nightly run: an RM's login neither reads nor clears it
    # (its own changes are noted by the database's triggers, as the owner)
    for table in row_security.ADMINS_READ:
        for sql in (f"SELECT count(*) FROM {table}", f"DELETE FROM {table}"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                s.sql(s.rm, sql)
    other = s.sql(s.other_rm, "SELECT min(id) FROM clients")[0][0]
    assert s.sql(s.rm, f"SELECT * FROM clients WHERE id = {other}") == []
    assert s.sql(s.rm, f"SELECT * FROM holdings WHERE client_id = {other}") == []
    # the trail: only one's own entries; training points: only one's own
    assert s.sql(s.rm, f"SELECT count(*) FROM audit_log WHERE actor <> '{s.rm}'") == [(0,)]
    assert s.sql(s.rm, f"SELECT count(*) FROM training_points WHERE user_id <> {me}") == [(0,)]


def _owned_rows(table: str, via: str, me: int) -> str:
    mine = f"SELECT id FROM clients WHERE rm_id = {me}"
    if via == "client_id":
        return f"SELECT count(*) FROM {table} WHERE client_id IN ({mine})"
    if via == "holding_id":
        return (
            f"SELECT count(*) FROM {table} WHERE holding_id IN "
            f"(SELECT id FROM holdings WHERE client_id IN ({mine}))"
        )
    return (
        f"SELECT count(*) FROM {table} WHERE flag_id IN "
        f"(SELECT id FROM risk_flags WHERE client_id IN ({mine}))"
    )


def test_a_branch_head_sees_the_branch_and_an_administrator_everything(secured: Bank) -> None:
    s = secured
    branch = s.sql(s.head, "SELECT rmdesk_user_branch()")[0][0]
    assert s.sql(s.head, "SELECT DISTINCT branch_id FROM clients") == [(branch,)]
    assert s.sql(s.head, "SELECT count(*) FROM clients")[0][0] == _count(s, f"branch_id = {branch}")
    assert s.sql(s.admin, "SELECT count(*) FROM clients")[0][0] == _count(s)
    assert s.sql(s.admin, "SELECT count(*) FROM audit_log")[0][0] == s.owner(
        "SELECT count(*) FROM audit_log"
    )


def test_the_app_and_the_command_line_open_on_an_rms_own_login(secured: Bank) -> None:
    """Through the real open_database: no migration is tried, no second password is asked,
    the person is who PostgreSQL authenticated."""
    s = secured
    url = s.login_url(s.rm)
    db = open_database(url)
    try:
        me = session_account(db.engine)
        assert me is not None and me.username == s.rm and me.id == s.ids[s.rm]
        with pytest.raises(LoginError, match="own database login") as refused:
            authenticate(db.engine, s.other_rm, "rmdesk")  # no password log-in on it at all
        assert refused.value.reason == "own_login"
        rows = book.client_book(db.engine, rm_id=me.id, today=TODAY, who=me)
        assert len(rows) == _count(s, f"rm_id = {me.id}") > 0
        own = int(rows["client_id"].iloc[0])
        assert client_profile.load(db.engine, own, today=TODAY, who=me).client_id == own
        client_profile.record_view(db.engine, own, who=me)
        other = s.sql(s.other_rm, "SELECT min(id) FROM clients")[0][0]
        with pytest.raises(client_profile.ProfileError):  # to this login it is not there
            client_profile.load(db.engine, int(other), today=TODAY, who=OPERATOR)
        with pytest.raises(AccessDenied):
            book.client_book(db.engine, today=TODAY, who=me)
    finally:
        db.dispose()
    with s.engine.connect() as conn:  # the server wrote the entries, in the RM's name
        assert audit.verify_chain(conn) is None
        last = conn.execute(
            text("SELECT actor, login FROM audit_log WHERE action = 'view' ORDER BY id DESC")
        ).first()
    assert last is not None and tuple(last) == (s.rm, s.logins[s.rm])
    runner = CliRunner()
    info = runner.invoke(main, ["info", "--db", url])
    assert info.exit_code == 0, info.output
    as_someone = runner.invoke(
        main, ["flag", "acknowledge", "1", "--user", s.other_rm, "--db", url]
    )
    assert as_someone.exit_code == 6 and "cannot act as" in as_someone.stderr


def test_a_login_never_migrates_and_says_when_the_schema_is_behind(secured: Bank) -> None:
    s = secured
    with s.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    try:
        with pytest.raises(DatabaseError, match="may not change the schema") as behind:
            open_database(s.login_url(s.rm))
        assert "0003" in str(behind.value) and "rmdesk-cli init" in str(behind.value)
        result = CliRunner().invoke(main, ["info", "--db", s.login_url(s.rm)])
        assert result.exit_code == 4 and "Traceback" not in result.output
    finally:
        with s.engine.begin() as conn:
            conn.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": SCHEMA_HEAD}
            )
    assert s.owner("SELECT version_num FROM alembic_version") == SCHEMA_HEAD


def test_logins_belong_to_one_database(
    secured: Bank, databases: Databases, demo_banks: DemoBanks, pg_admin_url: str | None
) -> None:
    """Two banks on one server: a login of one cannot even connect to the other, and the
    first bank's administrator is nobody in the second."""
    assert pg_admin_url is not None
    second = make_bank(demo_banks.copy(RECIPE, "postgresql", databases))
    try:
        s = secured
        intruder = second.login_url(second.admin).replace(
            second.logins[second.admin], s.logins[s.admin]
        )
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            psycopg.connect(intruder.replace("+psycopg", ""))
        for name in (s.rm, s.head):
            crossing = second.login_url(second.admin).replace(
                second.logins[second.admin], s.logins[name]
            )
            with pytest.raises(psycopg.OperationalError, match="permission denied"):
                psycopg.connect(crossing.replace("+psycopg", ""))
        assert (
            row_security.Target(s.database).app_group
            != row_security.Target(second.database).app_group
        )
    finally:
        drop_bank(second, pg_admin_url)


def test_a_login_follows_its_user_in_the_same_transaction(secured: Bank) -> None:
    """Demoted, an administrator's login loses the administrators' group at once (and cannot
    promote itself back); closed, a login cannot connect at all."""
    s = secured
    target = row_security.Target(s.database)
    peer = s.ids[s.peer]

    def groups(login: str) -> set[str]:
        with s.engine.connect() as conn:
            return set(
                conn.execute(
                    text(
                        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = "
                        "m.roleid JOIN pg_roles l ON l.oid = m.member WHERE l.rolname = :l"
                    ),
                    {"l": login},
                ).scalars()
            )

    assert groups(s.logins[s.admin]) == {target.app_group, target.admin_group}
    # a second administrator (the peer RM, promoted by the admin through the app's service)
    admin = account(s.engine, s.ids[s.admin])
    engine = s.engine_of(s.admin)
    with s.engine.connect() as conn:
        row = conn.execute(text(f"SELECT * FROM users WHERE id = {peer}")).one()
    same = {
        "display_name": row.display_name,
        "branch_id": row.branch_id,
        "visits_per_day": row.visits_per_day,
        "who": admin,
    }
    try:
        version = directory.update_user(engine, peer, version=row.version, role="admin", **same)
        assert groups(s.logins[s.peer]) == {target.app_group, target.admin_group}
        directory.update_user(engine, peer, version=version, role="rm", **same)
    finally:
        engine.dispose()
    assert groups(s.logins[s.peer]) == {target.app_group}
    s.refused("rm", "promote oneself back to administrator", s.peer,
              f"UPDATE users SET role = 'admin' WHERE id = {peer}")  # fmt: skip
    with s.engine.begin() as conn:
        conn.execute(text(f"UPDATE users SET active = false WHERE id = {peer}"))
    try:
        assert groups(s.logins[s.peer]) == set()
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            s.sql(s.peer, "SELECT 1")
    finally:
        with s.engine.begin() as conn:
            conn.execute(text(f"UPDATE users SET active = true WHERE id = {peer}"))
    assert groups(s.logins[s.peer]) == {target.app_group}


@pytest.mark.parametrize(
    ("power", "words"),
    [
        ("SUPERUSER", "superuser"),
        ("CREATEROLE", "CREATEROLE"),
        ("CREATEDB", "CREATEDB"),
        ("BYPASSRLS", "BYPASSRLS"),
        ("REPLICATION", "replication"),
        ("IN ROLE pg_read_all_data", "member of pg_read_all_data"),
    ],
)
def test_an_existing_role_with_powers_is_not_taken_over(
    secured: Bank, pg_admin_url: str | None, power: str, words: str
) -> None:
    s = secured
    assert pg_admin_url is not None
    role = f"{s.database}_powerful"[:63]
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')  # type: ignore[arg-type]
        conn.execute(f'CREATE ROLE "{role}" LOGIN {power}')  # type: ignore[arg-type]
    try:
        with s.engine.begin() as conn, pytest.raises(db_logins.DbLoginError, match=words):
            db_logins.add_login(conn, s.other_head, login=role)
        result = CliRunner().invoke(
            main, ["pg-security", "login", s.other_head, "--login", role, "--db", s.url]
        )
        assert result.exit_code == 2 and "--force" in result.stderr
        assert s.owner("SELECT count(*) FROM db_logins WHERE login = :l", l=role) == 0
        if power != "SUPERUSER":  # --force strips it (a superuser can only be demoted by one)
            forced = CliRunner().invoke(
                main,
                ["pg-security", "login", s.other_head, "--login", role, "--force", "--db", s.url],
            )
            assert forced.exit_code == 0, forced.output
            with s.engine.begin() as conn:
                assert db_logins.dangers(conn, role) == []
    finally:
        with s.engine.begin() as conn:  # the other head's own login again
            db_logins.add_login(conn, s.other_head, login=s.logins[s.other_head])
        with psycopg.connect(s.url.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{role}"')  # type: ignore[arg-type]
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')  # type: ignore[arg-type]


def test_the_dbas_commands(secured: Bank, tmp_path: object) -> None:
    s = secured
    runner = CliRunner()
    printed = runner.invoke(main, ["pg-security", "sql", "--database", "bank"])
    assert printed.exit_code == 0
    policies = printed.stdout.count("CREATE POLICY rmdesk_reach")
    assert policies == len(row_security.CLIENT_TABLES) + 1  # and the training points
    assert '"rmdesk_bank_app"' in printed.stdout and "pg_temp" in printed.stdout
    again = runner.invoke(main, ["pg-security", "apply", "--db", s.url])  # idempotent
    assert again.exit_code == 0 and row_security.Target(s.database).app_group in again.stdout
    listed = runner.invoke(main, ["pg-security", "list", "--db", s.url])
    assert listed.exit_code == 0 and s.logins[s.rm] in listed.stdout
    quiet = runner.invoke(main, ["pg-security", "watchdog", "--db", s.url])  # nothing to end
    assert quiet.exit_code == 0 and quiet.stdout == ""
    local = str(tmp_path) + "/local.sqlite3"
    refused = runner.invoke(main, ["pg-security", "apply", "--db", local])
    assert refused.exit_code == 2 and "PostgreSQL" in refused.stderr
    nobody = runner.invoke(main, ["pg-security", "login", "nobody", "--db", s.url])
    assert nobody.exit_code == 5 and "no rmdesk user" in nobody.stderr
