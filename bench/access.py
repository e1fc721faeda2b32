"""What the authorisation checks cost: the guarded service calls an RM makes most, against the
same functions with the check taken off (``inspect.unwrap``), on the 10,000-client demo bank.

    .venv/bin/python -m bench.access [--runs 7]

Prints the median per call and the ratio; the figures go into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from bench.briefs import AS_OF, TODAY, prepare
from bench.common import OUT, median_of
from rmdesk.models import Client
from rmdesk.services.accounts.users import account
from rmdesk.services.clients import book
from rmdesk.services.clients import profile as client_profile
from rmdesk.services.common.access import check_subjects
from rmdesk.services.visits import screen as visit_views


def _pair(
    name: str, runs: int, n: int, guarded: Callable[[], Any], bare: Callable[[], Any]
) -> None:
    bare()  # warm
    guarded()
    base_s, _ = median_of(runs, lambda: [bare() for _ in range(n)])
    with_s, _ = median_of(runs, lambda: [guarded() for _ in range(n)])
    print(
        f"{name:<34} {1000 * with_s / n:8.2f} ms checked, {1000 * base_s / n:8.2f} ms unchecked "
        f"({with_s / base_s:.2f}x, +{1000 * (with_s - base_s) / n:.2f} ms a call)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db, rm, _day = prepare(OUT / "briefs-10000.sqlite3", 10_000)
    engine, who = db.engine, account(db.engine, rm)
    with engine.connect() as conn:
        mine = [int(i) for i in conn.execute(select(Client.id).where(Client.rm_id == rm)).scalars()]
    one = mine[0]
    print(f"as {who.username} ({len(mine)} clients), data as of {AS_OF}, {args.runs} runs:")
    load, load_bare = client_profile.load, inspect.unwrap(client_profile.load)
    _pair(
        "client_profile.load (one client)", args.runs, 20,
        lambda: load(engine, one, today=TODAY, who=who),
        lambda: load_bare(engine, one, today=TODAY, who=who),
    )  # fmt: skip
    many, many_bare = client_profile.load_many, inspect.unwrap(client_profile.load_many)
    _pair(
        f"client_profile.load_many ({len(mine[:200])})", args.runs, 2,
        lambda: many(engine, mine[:200], today=TODAY, who=who),
        lambda: many_bare(engine, mine[:200], today=TODAY, who=who),
    )  # fmt: skip
    books, books_bare = book.client_book, inspect.unwrap(book.client_book)
    _pair(
        "book.client_book (the RM's book)", args.runs, 5,
        lambda: books(engine, rm_id=rm, today=TODAY, who=who),
        lambda: books_bare(engine, rm_id=rm, today=TODAY, who=who),
    )  # fmt: skip
    visits, visits_bare = visit_views.rm_visits, inspect.unwrap(visit_views.rm_visits)
    _pair(
        "visit_views.rm_visits (a month)", args.runs, 20,
        lambda: visits(engine, rm, start=TODAY, end=TODAY.replace(day=28), who=who),
        lambda: visits_bare(engine, rm, start=TODAY, end=TODAY.replace(day=28), who=who),
    )  # fmt: skip
    for n in (1, 500):
        ids = mine[:n]
        alone_s, _ = median_of(
            args.runs,
            lambda ids=ids: [check_subjects(engine, who, "client", ids) for _ in range(20)],
        )
        label = f"the check alone, {len(ids)} client(s)"
        print(f"{label:<34} {1000 * alone_s / 20:8.2f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
