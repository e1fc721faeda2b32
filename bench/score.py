"""Benchmark: nightly scoring of a demo bank, beside one plain GROUP BY pass over the facts.

Baseline, in the same run and on the same database: ``SELECT holding_id, SUM(balance),
SUM(fees), COUNT(*) FROM monthly_facts GROUP BY holding_id``, fetched into Python. rmdesk's
figures are the whole ``score`` (read, contribution, rules, models, writes): a *full* run on a
database without results (every score, flag and suggestion written) and a *steady* run on the
same data again (the nightly case when little changed: nothing is written).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select, text

from bench.common import OUT, PG, median_of, save
from rmdesk.db import Database, open_database
from rmdesk.models import Base
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.demo_bank import DemoSpec, build
from rmdesk.services.engine.scoring import score

AS_OF = dt.date(2026, 10, 31)
TODAY = dt.date(2026, 11, 2)
RESULTS = [
    "suggestion_outcomes",
    "suggestions",
    "risk_flag_events",
    "risk_flags",
    "client_scores",
    "scoring_runs",
]
BASELINE = (
    "SELECT holding_id, SUM(avg_balance_minor), SUM(fees_minor), COUNT(*) "
    "FROM monthly_facts GROUP BY holding_id"
)


def clients_in(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(Base.metadata.tables["clients"])).scalar()
            or 0
        )


def prepare(url: str, clients: int) -> Database:
    """The demo bank at ``clients`` clients, built once and kept for later runs."""
    db = open_database(url)
    have = clients_in(db)
    if have != clients:
        if have:
            raise SystemExit(f"{db.display_url} holds {have:,} clients, not {clients:,}")
        print(f"building the demo bank ({clients:,} clients) in {db.display_url} ...", flush=True)
        build(db.engine, DemoSpec(clients=clients, as_of=AS_OF), who=OPERATOR)
    return db


def clear_results(db: Database) -> None:
    with db.engine.begin() as conn:
        for name in RESULTS:
            conn.execute(delete(Base.metadata.tables[name]))


def baseline(db: Database) -> None:
    with db.engine.connect() as conn:
        conn.execute(text(BASELINE)).fetchall()


def measure(db: Database, runs: int, label: str) -> dict[str, Any]:
    base_s, base_runs = median_of(runs, lambda: baseline(db))
    phases: dict[str, Any] = {}

    def full() -> None:
        phases["full"] = score(db.engine, today=TODAY, who=OPERATOR).timings

    def steady() -> None:
        phases["steady"] = score(db.engine, today=TODAY, who=OPERATOR).timings

    full_s, full_runs = median_of(runs, full, lambda: clear_results(db))
    steady_s, steady_runs = median_of(runs, steady)
    print(f"[{label}] plain GROUP BY pass over monthly_facts: {base_s:7.2f} s")
    print(f"[{label}] score, full (writes everything):   {full_s:7.2f} s  ({full_s / base_s:.1f}x)")
    print(
        f"[{label}] score, steady (same data again):    {steady_s:7.2f} s  "
        f"({steady_s / base_s:.1f}x)"
    )
    print(
        f"[{label}] phases of the last full run: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in phases["full"].items())
    )
    return {
        "baseline_s": base_s,
        "baseline_runs": base_runs,
        "full_s": full_s,
        "full_runs": full_runs,
        "steady_s": steady_s,
        "steady_runs": steady_runs,
        "phases": phases,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument(
        "--pg-database", help="PostgreSQL database to use (default rmdesk_bench_score_N)"
    )
    args = parser.parse_args()
    result: dict[str, Any] = {"clients": args.clients, "runs": args.runs}
    if not args.no_sqlite:
        OUT.mkdir(parents=True, exist_ok=True)
        db = prepare(str(OUT / f"score-{args.clients}.sqlite3"), args.clients)
        result["sqlite"] = measure(db, args.runs, "SQLite")
        db.dispose()
    if not args.no_pg:
        from sqlalchemy import make_url

        name = args.pg_database or f"rmdesk_bench_score_{args.clients}"
        admin = open_database(PG, migrate_schema=False)
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            if not exists:
                conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        url = make_url(PG).set(database=name).render_as_string(hide_password=False)
        db = prepare(url, args.clients)
        result["postgresql"] = measure(db, args.runs, "PostgreSQL")
        db.dispose()
    print("saved", save(f"score_{args.clients}", result))


if __name__ == "__main__":
    main()
