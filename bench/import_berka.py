"""Benchmark: importing a full-size (1,056,320-row) Berka set, beside a bare insert.

Baseline, in the same run: the same transaction rows, already parsed into tuples, inserted by a
bare ``sqlite3`` ``executemany`` into a plain table (no index, no foreign key) in a WAL file;
and a "minimal script" that also parses the file with the csv module. rmdesk's figure is the
whole import: reading and checking all eight files, building holdings and monthly facts, and
writing everything in one transaction. Medians of --runs runs.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3

from bench.berka_full import make
from bench.common import OUT, fresh_pg, fresh_sqlite, median_of, save
from rmdesk.db import open_database
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.importing import run_import

BARE_DDL = (
    "CREATE TABLE t (trans_id INTEGER, account_id INTEGER, date TEXT, type TEXT, "
    "operation TEXT, amount REAL, balance REAL, k_symbol TEXT, bank TEXT, account TEXT)"
)


def read_rows(path: str) -> list[tuple[str, ...]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        return [tuple(r) for r in reader]


def bare_insert(rows: list[tuple[str, ...]], path: str) -> None:
    conn = sqlite3.connect(fresh_sqlite(OUT / path))
    conn.isolation_level = None
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(BARE_DDL)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    conn.execute("COMMIT")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    folder = OUT / "berka-full"
    if not (folder / "trans.asc").exists():
        print("generating a 1,056,320-row trans.asc ...", flush=True)
        make(folder)
    trans = str(folder / "trans.asc")
    rows = read_rows(trans)
    print(f"{len(rows):,} transaction rows")

    bare, bare_runs = median_of(args.runs, lambda: bare_insert(rows, "bare.sqlite3"))
    minimal, _ = median_of(args.runs, lambda: bare_insert(read_rows(trans), "bare.sqlite3"))
    target = OUT / "import.sqlite3"

    def setup_sqlite() -> None:
        fresh_sqlite(target)
        open_database(str(target)).dispose()

    def import_sqlite() -> None:
        db = open_database(str(target))
        run_import(db.engine, "berka", folder, who=OPERATOR)
        db.dispose()

    rmdesk_sqlite, sqlite_runs = median_of(args.runs, import_sqlite, setup_sqlite)
    result = {
        "rows": len(rows),
        "bare_executemany_s": bare,
        "bare_runs": bare_runs,
        "minimal_script_s": minimal,
        "rmdesk_sqlite_s": rmdesk_sqlite,
        "rmdesk_sqlite_runs": sqlite_runs,
        "ratio_sqlite_to_bare": rmdesk_sqlite / bare,
    }
    if not args.no_pg:
        holder: dict[str, str] = {}

        def setup_pg() -> None:
            url = fresh_pg("rmdesk_bench_import")
            if url is None:
                raise SystemExit("PostgreSQL is not reachable (set RMDESK_BENCH_PG_URL)")
            holder["url"] = url
            open_database(url).dispose()

        def import_pg() -> None:
            db = open_database(holder["url"])
            run_import(db.engine, "berka", folder, who=OPERATOR)
            db.dispose()

        rmdesk_pg, pg_runs = median_of(args.runs, import_pg, setup_pg)
        result |= {
            "rmdesk_postgresql_s": rmdesk_pg,
            "rmdesk_postgresql_runs": pg_runs,
            "ratio_postgresql_to_bare": rmdesk_pg / bare,
        }
    print(f"bare sqlite3 executemany (parsed rows):   {bare:6.2f} s")
    print(f"minimal script (csv parse + executemany): {minimal:6.2f} s")
    print(
        f"rmdesk import, SQLite:                    {rmdesk_sqlite:6.2f} s  "
        f"({rmdesk_sqlite / bare:.2f}x bare)"
    )
    if "rmdesk_postgresql_s" in result:
        print(
            f"rmdesk import, PostgreSQL:                {result['rmdesk_postgresql_s']:6.2f} s  "
            f"({result['ratio_postgresql_to_bare']:.2f}x bare)"
        )
    print("saved", save("import_berka", result))


if __name__ == "__main__":
    main()
