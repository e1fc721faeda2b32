"""Benchmark: generating and writing the demo bank at 100,000 clients, beside a bare insert.

Baseline, in the same run: the demo's monthly-fact rows (the bulk of what is written), already
made, inserted by a bare ``sqlite3`` ``executemany`` into a plain table. rmdesk's figure is the
whole ``rmdesk-cli demo``: drawing the bank and writing every table in one transaction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3

import pandas as pd

from bench.common import OUT, fresh_pg, fresh_sqlite, median_of, save
from rmdesk.db import open_database
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.demo_bank import DemoSpec, build, generate

AS_OF = dt.date(2026, 10, 31)


def bare_insert(rows: list[tuple[object, ...]]) -> None:
    conn = sqlite3.connect(fresh_sqlite(OUT / "bare-demo.sqlite3"))
    conn.isolation_level = None
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"CREATE TABLE f ({', '.join(f'c{i}' for i in range(12))})")
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO f VALUES ({','.join('?' * 12)})", rows)
    conn.execute("COMMIT")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    spec = DemoSpec(clients=args.clients, as_of=AS_OF)

    facts = pd.concat(list(generate(spec).stream("facts")), ignore_index=True)
    facts["month"] = facts["month"].dt.strftime("%Y-%m-%d")
    rows = list(facts.itertuples(index=False, name=None))
    del facts
    print(f"{args.clients:,} clients, {len(rows):,} monthly-fact rows")

    bare_s, _ = median_of(args.runs, lambda: bare_insert(rows))
    rows.clear()
    target = OUT / "demo.sqlite3"

    def setup() -> None:
        fresh_sqlite(target)
        open_database(str(target)).dispose()

    def demo_sqlite() -> None:
        db = open_database(str(target))
        build(db.engine, spec, who=OPERATOR)
        db.dispose()

    sqlite_s, sqlite_runs = median_of(args.runs, demo_sqlite, setup)
    result = {
        "clients": args.clients,
        "bare_executemany_facts_s": bare_s,
        "rmdesk_sqlite_s": sqlite_s,
        "rmdesk_sqlite_runs": sqlite_runs,
    }
    print(f"bare sqlite3 executemany of the fact rows: {bare_s:6.1f} s")
    print(
        f"rmdesk demo, SQLite:                       {sqlite_s:6.1f} s  ({sqlite_s / bare_s:.2f}x)"
    )
    if not args.no_pg:
        holder: dict[str, str] = {}

        def setup_pg() -> None:
            url = fresh_pg("rmdesk_bench_demo")
            if url is None:
                raise SystemExit("PostgreSQL is not reachable (set RMDESK_BENCH_PG_URL)")
            holder["url"] = url
            open_database(url).dispose()

        def demo_pg() -> None:
            db = open_database(holder["url"])
            build(db.engine, spec, who=OPERATOR)
            db.dispose()

        pg_s, pg_runs = median_of(args.runs, demo_pg, setup_pg)
        result |= {"rmdesk_postgresql_s": pg_s, "rmdesk_postgresql_runs": pg_runs}
        print(f"rmdesk demo, PostgreSQL:                   {pg_s:6.1f} s  ({pg_s / bare_s:.2f}x)")
    print("saved", save("demo_generation", result))


if __name__ == "__main__":
    main()
