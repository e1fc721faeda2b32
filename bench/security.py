"""Benchmark: what the shared database's protection costs, beside the same work without it.

Two copies of one scored demo bank on PostgreSQL, made in the same run: ``plain`` (no
``pg-security apply``) and ``secured`` (row-level security, the write rules, the guard, the
server-written audit). Each figure is the median of ``--runs`` runs, taken in turn on the two:

- the nightly scoring, full (every result written again) and steady (nothing changed), by the
  owner: the rules' triggers fire on every row the run writes;
- an RM's book, read on the RM's own login (row-level security) beside the owner's login
  reading the same book (the services' own check only);
- an RM's contact logged on their own login (the rules, the guard, the audit function run as
  the owner) beside the same through the owner's login.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy import create_engine, delete, make_url, select

from bench.common import PG, save
from rmdesk.db import open_database
from rmdesk.models import Base, Role, User
from rmdesk.services.accounts.users import account
from rmdesk.services.clients import book
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.demo_bank import DemoSpec, build
from rmdesk.services.engine.scoring import score
from rmdesk.services.security import db_logins, row_security
from rmdesk.services.visits import contacts
from rmdesk.services.visits.contacts import NewContact

TODAY = dt.date.today()
AS_OF = TODAY.replace(day=1) - dt.timedelta(days=1)
RESULTS = ["suggestion_outcomes", "suggestions", "risk_flag_events", "risk_flags",
           "client_scores", "scoring_runs"]  # fmt: skip


def _url(name: str, user: str | None = None) -> str:
    url = make_url(PG).set(database=name)
    if user is not None:
        url = url.set(username=user, password=None)
    return url.render_as_string(hide_password=False)


def _exec(sql: str) -> None:
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]  # names made here


def _clear(url: str) -> None:
    db = open_database(url)
    with db.engine.begin() as conn:
        for table in RESULTS:
            conn.execute(delete(Base.metadata.tables[table]))
    db.dispose()


def _timed(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    plain, secured = "rmdesk_bench_sec_plain", "rmdesk_bench_sec_secured"
    for name in (plain, secured):
        _exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _exec(f"CREATE DATABASE {plain}")
    db = open_database(_url(plain))
    print(f"building {args.clients:,} clients ...", flush=True)
    build(db.engine, DemoSpec(clients=args.clients, as_of=AS_OF), who=OPERATOR)
    score(db.engine, as_of=AS_OF, today=TODAY, who=OPERATOR)
    with db.engine.connect() as conn:
        rm = conn.execute(
            select(User.id, User.username).where(User.role == Role.RM).order_by(User.id)
        ).first()
    assert rm is not None
    db.dispose()
    _exec(f"CREATE DATABASE {secured} TEMPLATE {plain}")
    login = f"{secured}_{rm.username}"
    target = row_security.Target(secured)
    sdb = open_database(_url(secured))
    with sdb.engine.begin() as conn:
        row_security.apply(conn)
        db_logins.add_login(conn, rm.username, login=login)
    sdb.dispose()
    figures: dict[str, dict[str, list[float]]] = {}

    def note(what: str, side: str, seconds: float) -> None:
        figures.setdefault(what, {}).setdefault(side, []).append(seconds)

    try:
        for _ in range(args.runs):
            for side, name in (("plain", plain), ("secured", secured)):
                _clear(_url(name))
                owner = open_database(_url(name))
                note("score, full", side, _timed(
                    lambda e=owner.engine: score(e, as_of=AS_OF, today=TODAY, who=OPERATOR)
                ))  # fmt: skip
                note("score, steady", side, _timed(
                    lambda e=owner.engine: score(e, as_of=AS_OF, today=TODAY, who=OPERATOR)
                ))  # fmt: skip
                person = (
                    create_engine(_url(name, login).replace("postgresql://", "postgresql+psycopg://"))
                    if side == "secured" else owner.engine
                )  # fmt: skip
                who = account(owner.engine, rm.id)
                note("an RM's book", side, _timed(
                    lambda e=person, w=who: book.client_book(e, rm_id=rm.id, today=TODAY, who=w)
                ))  # fmt: skip
                client = int(book.client_book(person, rm_id=rm.id, today=TODAY, who=who)
                             ["client_id"].iloc[0])  # fmt: skip
                contact = NewContact(client, "phone", dt.datetime.now(dt.UTC), purpose="bench")
                note("an RM's contact", side, _timed(
                    lambda e=person, c=contact, w=who: contacts.log_contact(e, c, who=w)
                ))  # fmt: skip
                if person is not owner.engine:
                    person.dispose()
                owner.dispose()
    finally:
        for name in (secured, plain):
            _exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        for role in (login, target.admin_group, target.app_group):
            _exec(f'DROP ROLE IF EXISTS "{role}"')
    print(f"\n{args.clients:,} clients, median of {args.runs} runs (seconds)")
    print(f"{'':<18} {'plain':>10} {'secured':>10} {'ratio':>7}")
    result: dict[str, Any] = {"clients": args.clients, "runs": args.runs}
    for what, sides in figures.items():
        a, b = statistics.median(sides["plain"]), statistics.median(sides["secured"])
        print(f"{what:<18} {a:>10.3f} {b:>10.3f} {b / a:>6.2f}×")
        result[what] = {"plain": a, "secured": b, "ratio": b / a}
    save("security", result)


if __name__ == "__main__":
    main()
