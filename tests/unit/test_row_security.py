"""Row-level security on PostgreSQL: a login acting for an RM cannot reach another RM's clients,
not even with hand-written SQL (services/row_security.py, docs/security.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.engine import make_url

from rmdesk.cli import main
from rmdesk.db import open_database
from rmdesk.models import Base, Client, Role, User
from rmdesk.services import audit, book, client_profile, row_security
from rmdesk.services.access import OPERATOR, AccessDenied
from rmdesk.services.demo_bank import DemoSpec, build
from rmdesk.services.scoring import score
from rmdesk.services.users import LoginError, account, authenticate, set_password
from rmdesk.services.visit_planner import propose_plan
from tests.conftest import Databases

TODAY = dt.date(2026, 11, 2)


@dataclass
class Secured:
    url: str  # the owner's (superuser's) URL
    engine: Engine
    rm: str  # an RM's user name
    other_rm: str  # an RM of another branch
    head: str  # the first RM's branch head

    def login(self, username: str) -> str:
        return make_url(self.url).set(username=username, password=None).render_as_string(False)

    def sql(self, username: str, query: str) -> list[tuple[object, ...]]:
        """Hand-written SQL, sent by ``username``'s own database login."""
        dsn = make_url(self.login(username)).set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(dsn, autocommit=True) as conn:
            cursor = conn.execute(query)
            return list(cursor.fetchall()) if cursor.description else []


@pytest.fixture(scope="module")
def secured(module_databases: Databases) -> Iterator[Secured]:
    url = module_databases.new("postgresql")
    db = open_database(url)
    build(db.engine, DemoSpec(clients=300, as_of=dt.date(2026, 10, 31)), who=OPERATOR)
    score(db.engine, today=TODAY, who=OPERATOR)
    with db.engine.connect() as conn:
        rms = conn.execute(
            select(User.id, User.username, User.branch_id)
            .where(User.role == Role.RM)
            .order_by(User.id)
        ).all()
        rm, other = rms[0], next(r for r in rms if r.branch_id != rms[0].branch_id)
        head = conn.execute(
            select(User.username).where(
                User.role == Role.BRANCH_HEAD, User.branch_id == rm.branch_id
            )
        ).scalar_one()
    for rm_id in (rm.id, other.id):
        propose_plan(db.engine, rm_id, start=TODAY, weeks=1, who=OPERATOR)
    with db.engine.begin() as conn:
        ran = row_security.apply(conn)
        for name in (rm.username, other.username, "admin"):
            row_security.add_login(conn, name)
    assert ran == len(row_security.statements())
    runner = CliRunner()  # the DBA's commands: applying again changes nothing, a login is added
    again = runner.invoke(main, ["pg-security", "apply", "--db", url])
    assert again.exit_code == 0 and f"{ran} statements" in again.stdout
    login = runner.invoke(main, ["pg-security", "login", head, "--db", url])
    assert login.exit_code == 0 and "branch_head" in login.stdout
    yield Secured(url, db.engine, rm.username, other.username, head)
    db.dispose()


def _client_count(s: Secured, where: str = "true") -> int:
    with s.engine.connect() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM clients WHERE {where}").scalar_one())


def test_hand_written_sql_sees_only_the_rms_own_clients(secured: Secured) -> None:
    s = secured
    me = s.sql(s.rm, "SELECT rmdesk_user_id()")[0][0]
    rows = s.sql(s.rm, "SELECT DISTINCT rm_id FROM clients")
    assert rows == [(me,)]
    assert s.sql(s.rm, "SELECT count(*) FROM clients")[0][0] == _client_count(s, f"rm_id = {me}")
    # every table of client data: only rows of the RM's own clients come back
    for table, via in row_security.CLIENT_TABLES.items():
        if table == "clients":
            continue
        total = s.sql(s.rm, f"SELECT count(*) FROM {table}")[0][0]
        with s.engine.connect() as conn:  # the owner counts the RM's rows
            own = conn.exec_driver_sql(_owned_rows(table, via, int(str(me)))).scalar_one()
            everyone = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
        assert total == own, table
        assert everyone == 0 or everyone > own, table  # there was something to hide
    # asking for another RM's client by id, or by a join, finds nothing
    other = s.sql(s.other_rm, "SELECT min(id) FROM clients")[0][0]
    assert s.sql(s.rm, f"SELECT * FROM clients WHERE id = {other}") == []
    assert s.sql(s.rm, f"SELECT * FROM holdings WHERE client_id = {other}") == []


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


def test_a_branch_head_sees_the_branch_and_an_administrator_everything(secured: Secured) -> None:
    s = secured
    branch = s.sql(s.head, "SELECT rmdesk_user_branch()")[0][0]
    assert s.sql(s.head, "SELECT DISTINCT branch_id FROM clients") == [(branch,)]
    assert s.sql(s.head, "SELECT count(*) FROM clients")[0][0] == _client_count(
        s, f"branch_id = {branch}"
    )
    assert s.sql("admin", "SELECT count(*) FROM clients")[0][0] == _client_count(s)


def test_the_login_cannot_get_round_the_policies(secured: Secured) -> None:
    s = secured
    other = s.sql(s.other_rm, "SELECT min(id) FROM clients")[0][0]
    refused = [
        "SELECT password_hash FROM users",  # no one's hash, not even their own
        "UPDATE audit_log SET actor = 'x'",  # the trail is add-only
        "DELETE FROM audit_log",
        "SET ROLE postgres",  # not a member of the owner
        "ALTER TABLE clients DISABLE ROW LEVEL SECURITY",
        "INSERT INTO interactions (source, client_id, occurred_at, channel, purpose, version) "
        f"VALUES ('app', {other}, now(), 'phone', 'x', 1)",
        "INSERT INTO clients (source, external_id, kind, name, segment, status) "
        "VALUES ('app', 'X1', 'individual', 'x', 'mass', 'active')",
    ]
    for sql in refused:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            s.sql(s.rm, sql)
    me = s.sql(s.rm, "SELECT rmdesk_user_id()")[0][0]
    # taking another RM's client finds no row to change
    s.sql(s.rm, f"UPDATE clients SET rm_id = {me} WHERE id = {other}")
    with s.engine.connect() as conn:
        owner = conn.execute(select(Client.rm_id).where(Client.id == other)).scalar()
    assert owner != me
    # the security functions answer for the login itself, whatever it asks
    assert s.sql(s.rm, f"SELECT rmdesk_password_hash('{s.other_rm}')") == [(None,)]
    assert s.sql(s.rm, f"SELECT count(*) FROM audit_log WHERE actor <> '{s.rm}'") == [(0,)]


def test_the_app_works_on_an_rms_own_login(secured: Secured) -> None:
    s = secured
    set_password(s.engine, s.rm, "rmdesk-pass", who=OPERATOR)
    engine = create_engine(s.login(s.rm))
    try:
        me = authenticate(engine, s.rm, "rmdesk-pass")  # the hash through its function
        with pytest.raises(LoginError):
            authenticate(engine, s.other_rm, "rmdesk")  # someone else, on this login
        book_rows = book.client_book(engine, rm_id=me.id, today=TODAY, who=me)
        assert len(book_rows) == _client_count(s, f"rm_id = {me.id}") > 0
        own = int(book_rows["client_id"].iloc[0])
        profile = client_profile.load(engine, own, today=TODAY, who=me)
        assert profile.client_id == own
        client_profile.record_view(engine, own, who=me)
        # were the service's own check lifted, the database would still hide the client
        other = s.sql(s.other_rm, "SELECT min(id) FROM clients")[0][0]
        with pytest.raises(client_profile.ProfileError):
            client_profile.load(engine, int(str(other)), today=TODAY, who=OPERATOR)
        with pytest.raises(client_profile.ProfileError):  # hidden: to this login it is not there
            client_profile.load(engine, int(str(other)), today=TODAY, who=me)
        with pytest.raises(AccessDenied):  # the service refuses the login's view of the bank
            book.client_book(engine, today=TODAY, who=me)
    finally:
        engine.dispose()
    with s.engine.connect() as conn:  # the entries this login added kept the chain whole
        assert audit.verify_chain(conn) is None
    assert account(s.engine, me.id).username == s.rm


def test_every_table_of_client_data_has_a_policy() -> None:
    """A table added later with a client, holding or flag column must get a policy too."""
    keyed = {
        name
        for name, table in Base.metadata.tables.items()
        if {"client_id", "holding_id", "flag_id"} & set(table.columns.keys()) or name == "clients"
    }
    assert keyed == set(row_security.CLIENT_TABLES)


def test_a_superusers_login_is_never_taken_over(secured: Secured) -> None:
    with secured.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO users (username, display_name, role, active, visits_per_day, version) "
            "VALUES ('postgres', 'x', 'rm', true, 4, 1)"
        )
        with pytest.raises(ValueError, match="above row security"):
            row_security.add_login(conn, "postgres")
        conn.rollback()
    with secured.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User)).scalar_one() > 0


def test_the_dbas_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["pg-security", "sql"])
    assert printed.exit_code == 0
    assert printed.stdout.count("CREATE POLICY rmdesk_reach") == len(row_security.CLIENT_TABLES)
    local = str(tmp_path / "local.sqlite3")
    refused = runner.invoke(main, ["pg-security", "apply", "--db", local])
    assert refused.exit_code == 2 and "PostgreSQL" in refused.stderr
    nobody = runner.invoke(main, ["pg-security", "login", "nobody", "--db", local])
    assert nobody.exit_code == 2
