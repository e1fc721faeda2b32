"""A scored demo bank on PostgreSQL with row-level security applied and real logins for its
people, for the tests that play them with plain SQL (test_row_security, test_hostile_logins).

Logins are server-wide, so each is named after the test database (``<db>_<user>``) and all of
them, with the database's groups, are dropped when the session ends.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from rmdesk.db import open_database
from rmdesk.models import Client, Role, Suggestion, User
from rmdesk.services.accounts.users import account
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine.suggestions import record_outcome
from rmdesk.services.security import db_logins, row_security
from rmdesk.services.visits.planner import propose_plan
from tests.demo_banks import Recipe

TODAY = dt.date.today()  # the server's triggers check dates against its own today
AS_OF = TODAY.replace(day=1) - dt.timedelta(days=1)
#: the scored demo bank each secured bank starts from (a copy of it is given to make_bank)
RECIPE = Recipe(300, as_of=AS_OF, scored_on=TODAY)

#: every attack tried by a test, as (role, what, outcome): for docs/security.md's figures
TRIED: list[tuple[str, str, str]] = []


@dataclass
class Bank:
    url: str  # the owner's
    engine: Engine
    database: str
    ids: dict[str, int]
    logins: dict[str, str] = field(default_factory=dict)
    # the people: an RM, another RM of the same branch, an RM of another branch, the RM's
    # branch head, another branch's head, an administrator
    rm: str = ""
    peer: str = ""
    other_rm: str = ""
    head: str = ""
    other_head: str = ""
    admin: str = ""
    targets: dict[str, Any] = field(default_factory=dict)  # what the attacks name

    def login_url(self, username: str, driver: str = "postgresql+psycopg") -> str:
        url = make_url(self.url).set(
            drivername=driver, username=self.logins[username], password=None
        )
        return url.render_as_string(hide_password=False)

    def engine_of(self, username: str) -> Engine:
        return create_engine(self.login_url(username))

    def sql(self, username: str, *statements: str) -> list[tuple[Any, ...]]:
        """Statements sent by ``username``'s own login in one transaction; the last one's rows."""
        rows: list[tuple[Any, ...]] = []
        conn = psycopg.connect(self.login_url(username, "postgresql"))
        try:  # not `with`: a rule checked at commit raises there, and the connection must close
            for sql in statements:
                cursor = conn.execute(sql)  # type: ignore[arg-type]  # plain SQL, as typed
                rows = list(cursor.fetchall()) if cursor.description else []
            conn.commit()
        finally:
            conn.close()
        return rows

    def owner(self, sql: str, **params: Any) -> Any:
        """What the owner reads (one value)."""
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def refused(self, role: str, what: str, username: str, *statements: str) -> psycopg.Error:
        """The statements, sent by ``username``, must fail (and so leave nothing)."""
        try:
            self.sql(username, *statements)
        except psycopg.Error as exc:
            TRIED.append((role, what, "refused"))
            return exc
        TRIED.append((role, what, "NOT REFUSED"))
        raise AssertionError(f"{role}: {what}: PostgreSQL let it through")

    def harmless(self, role: str, what: str) -> None:
        """An attack the server let run but which changed nothing for anyone else (checked by
        the caller before calling this)."""
        TRIED.append((role, what, "no effect"))


def make_bank(owner_url: str) -> Bank:
    """Plans, an outcome, row-level security and logins on a copy of RECIPE's bank."""
    db = open_database(owner_url)
    engine = db.engine
    with engine.connect() as conn:
        people = conn.execute(
            select(User.id, User.username, User.role, User.branch_id).order_by(User.id)
        ).all()
    ids = {p.username: int(p.id) for p in people}
    rms = [p for p in people if p.role == Role.RM]
    rm = rms[0]
    peer = next(p for p in rms if p.branch_id == rm.branch_id and p.id != rm.id)
    other = next(p for p in rms if p.branch_id != rm.branch_id)
    heads = {p.branch_id: p for p in people if p.role == Role.BRANCH_HEAD}
    admin = next(p for p in people if p.role == Role.ADMIN)
    for person in (rm, peer, other):
        propose_plan(engine, person.id, start=TODAY, weeks=2, who=OPERATOR)
    with engine.connect() as conn:  # an outcome another RM recorded, for the RM not to see
        theirs = conn.execute(
            select(Suggestion.id)
            .join(Client, Client.id == Suggestion.client_id)
            .where(Client.rm_id == other.id)
            .limit(1)
        ).scalar_one()
    record_outcome(engine, theirs, "pitched", who=account(engine, other.id))
    database = str(make_url(owner_url).database)
    bank = Bank(
        owner_url,
        engine,
        database,
        ids,
        rm=rm.username,
        peer=peer.username,
        other_rm=other.username,
        head=heads[rm.branch_id].username,
        other_head=heads[other.branch_id].username,
        admin=admin.username,
    )
    with engine.begin() as conn:
        row_security.apply(conn)
        for name in (bank.rm, bank.peer, bank.other_rm, bank.head, bank.other_head, bank.admin):
            login = f"{database}_{name}"[:63]
            db_logins.add_login(conn, name, login=login)
            bank.logins[name] = login
    return bank


def drop_bank(bank: Bank, admin_url: str) -> None:
    """Drop the logins and groups this bank made (they live on the server, not the database)."""
    target = row_security.Target(bank.database)
    roles = [*bank.logins.values(), target.admin_group, target.app_group]
    bank.engine.dispose()
    with psycopg.connect(bank.url.replace("+psycopg", ""), autocommit=True) as conn:
        names = ", ".join(f'"{r}"' for r in roles)
        conn.execute(f"DROP OWNED BY {names}")  # type: ignore[arg-type]  # names made here
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for role in roles:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')  # type: ignore[arg-type]


def targets(s: Bank) -> dict[str, Any]:
    """What the attacks name: the people, their clients, a visit, a flag, a suggestion. Made
    once per bank (one of the RM's visits is planned for the attacks on it)."""
    if s.targets:
        return s.targets
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
    s.targets.update(found)
    return s.targets


def snapshot(s: Bank) -> dict[str, Any]:
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
    return {k: s.owner(q) for k, q in queries.items()}


def summary() -> str:
    """Attacks tried and how they ended, per role."""
    counts: Counter[tuple[str, str]] = Counter((role, outcome) for role, _w, outcome in TRIED)
    roles = sorted({role for role, _w, _o in TRIED})
    lines = [f"{'role':<14} tried  refused  no effect  NOT REFUSED"]
    for role in roles:
        tried = sum(n for (r, _o), n in counts.items() if r == role)
        lines.append(
            f"{role:<14} {tried:>5}  {counts[(role, 'refused')]:>7}  "
            f"{counts[(role, 'no effect')]:>9}  {counts[(role, 'NOT REFUSED')]:>11}"
        )
    return "\n".join(lines)


def bank_fixture(owner_url: str, admin_url: str) -> Iterator[Bank]:
    bank = make_bank(owner_url)
    yield bank
    drop_bank(bank, admin_url)
