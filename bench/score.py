"""Benchmark: nightly scoring of a demo bank, beside one plain GROUP BY pass over the facts.

Baseline, in the same run and on the same database: ``SELECT holding_id, SUM(balance),
SUM(fees), COUNT(*) FROM monthly_facts GROUP BY holding_id``, fetched into Python. rmdesk's
figures are the whole ``score`` (read, contribution, rules, models, writes): a *full* run on a
database without results (every score, flag and suggestion written; learning the model, then
with the model kept), a full run *again* on the same data (``--full``: everyone recomputed,
nothing written), a *steady* run on the same data (the run of only what changed: nothing to
recompute), and a *nightly* run on a new day after that day's new facts for 2% of the clients
(their last month's balances and transactions moved, a contact logged for each), which
recomputes only those and the clients whose dates came. Peak memory: a full run in a process
of its own (its peak resident size).
``--partition-clients`` and ``--sample-clients`` set the run's parts and model sample
(docs/scale.md) in the benchmark's database first. On PostgreSQL every measured run and the
baseline come after a ``VACUUM ANALYZE`` (untimed): what autovacuum does on a bank's server
between nightly runs (docs/scale.md), off on this machine's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update

from bench.common import OUT, PG, ROOT, median_of, save
from rmdesk.db import Database, open_database, write_transaction
from rmdesk.models import Base
from rmdesk.services.common import parameters
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


def clear_results(db: Database, models: bool = True) -> None:
    """No results (and, with ``models``, no kept model: a data month's first run)."""
    with db.engine.begin() as conn:
        for name in RESULTS:
            conn.execute(delete(Base.metadata.tables[name]))
        if models:
            conn.execute(delete(Base.metadata.tables["scoring_models"]))


def settle(db: Database) -> None:
    """What a bank's PostgreSQL does between nightly runs with autovacuum on (this machine's
    server has it off): the dead rows of the last run's updates vacuumed, the statistics fresh.
    Untimed, before every measured run and the baseline."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def baseline(db: Database) -> None:
    with db.engine.connect() as conn:
        conn.execute(text(BASELINE)).fetchall()


def a_day_of_new_facts(db: Database, day: int, share: float = 0.02) -> int:
    """One day's new facts for ``share`` of the clients (a different 2% each day): their last
    month's balances and transactions move, and each gets a contact. The clients touched."""
    c, h, f, i = (
        Base.metadata.tables[n] for n in ("clients", "holdings", "monthly_facts", "interactions")
    )
    with db.engine.connect() as conn:
        ids = list(conn.execute(select(c.c.id).order_by(c.c.id)).scalars())
    every = max(1, round(1 / share))
    touched = ids[day % every :: every]
    month = AS_OF.replace(day=1)
    at = dt.datetime.combine(AS_OF, dt.time(10), tzinfo=dt.UTC)
    with write_transaction(db.engine) as conn:
        for start in range(0, len(touched), 5_000):
            chunk = touched[start : start + 5_000]
            conn.execute(
                update(f)
                .where(
                    f.c.month == month,
                    f.c.holding_id.in_(select(h.c.id).where(h.c.client_id.in_(chunk))),
                )
                .values(
                    avg_balance_minor=f.c.avg_balance_minor + 1_000_00 * (day + 1),
                    txn_count=f.c.txn_count + 1,
                )
            )
            conn.execute(
                insert(i),
                [
                    {
                        "client_id": cid,
                        "channel": "phone",
                        "occurred_at": at,
                        "source": "bench",
                        "notes": f"day {day}",
                    }
                    for cid in chunk
                ],
            )
    return len(touched)


def last_day(db: Database) -> int:
    """The day of the last finished run, in days after ``TODAY`` (0 if none was later)."""
    runs = Base.metadata.tables["scoring_runs"]
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(runs.c.counts).where(runs.c.finished_at.is_not(None)).order_by(runs.c.id.desc())
        ).scalars()
        for counts in rows:
            day = (counts or {}).get("today")
            if day:
                return max(0, (dt.date.fromisoformat(day) - TODAY).days)
    return 0


#: the child's own peak, printed in KiB: on Linux the high-water mark of its own memory since
#: exec (``VmHWM``). Not ``ru_maxrss``: Linux carries the high-water mark of the process a child
#: was forked from over exec, so after building a bank in this process (8.7 GB at a million
#: clients) every child "peaked" at the build's size (bench/import_limits.py keeps its parent
#: small for the same reason).
OWN_PEAK = (
    "def own_peak_kib():\n"
    "    try:\n"
    "        with open('/proc/self/status') as status:\n"
    "            for line in status:\n"
    "                if line.startswith('VmHWM:'):\n"
    "                    return int(line.split()[1])\n"
    "    except OSError:\n"
    "        pass\n"
    "    import resource\n"
    "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
)


def peak_memory(url: str) -> float:
    """The peak resident size (MB) of a full run in a process of its own (``OWN_PEAK``)."""
    code = (
        OWN_PEAK + "import datetime as dt\n"
        "from rmdesk.db import open_database\n"
        "from rmdesk.services.common.access import OPERATOR\n"
        "from rmdesk.services.engine.scoring import score\n"
        f"db = open_database({url!r})\n"
        f"score(db.engine, today=dt.date.fromisoformat({TODAY.isoformat()!r}), full=True, \n"
        "who=OPERATOR)\n"
        "print(own_peak_kib())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return int(done.stdout.strip().splitlines()[-1]) / 1024


#: what the benchmark measures by default: every kind of run, and the peak memory
KINDS = ("full", "full_kept", "rerun", "steady", "nightly", "peak")


def measure(
    db: Database, runs: int, label: str, url: str, kinds: Sequence[str] = KINDS
) -> dict[str, Any]:
    base_s, base_runs = median_of(runs, lambda: baseline(db), lambda: settle(db))
    phases: dict[str, Any] = {}
    with db.engine.connect() as conn:
        params = parameters.load(conn)
    print(
        f"[{label}] parts of {params.partition_clients:,} clients, models learn on about "
        f"{params.model_sample_clients:,}"
    )

    def run(kind: str, *, full: bool = False, day: int = 0) -> None:
        today = TODAY + dt.timedelta(days=day)
        done = score(db.engine, today=today, full=full, who=OPERATOR)
        phases[kind] = done.timings
        phases[f"{kind}_counts"] = {
            k: done.counts.get(k)
            for k in (
                "incremental",
                "recomputed",
                "changed",
                "dated",
                "tiers_moved",
                "scores_written",
                "suggested",
                "updated",
                "withdrawn",
                "flags_raised",
                "flags_closed",
                "parts",
                "sample_every",
                "model_learnt",
            )
        }

    def cleared(models: bool = True) -> None:
        clear_results(db, models)
        settle(db)

    # the days go on from the last finished run's: a run dated before it is a full one
    # (docs/scale.md), so a benchmark run again on the same database starts where it stopped
    first = last_day(db)
    days = iter(range(first, first + 1000))
    touched: list[int] = []
    night = [first]

    def new_day() -> None:
        night[0] = next(days)
        touched.append(a_day_of_new_facts(db, night[0]))
        settle(db)

    # the kinds of run, in the order they run (each after the one before it left its results)
    plans: dict[str, tuple[str, Callable[[], None], Callable[[], None]]] = {
        "full": ("full (learns, writes everything)", lambda: run("full", full=True), cleared),
        "full_kept": (
            "full (kept model)",
            lambda: run("full_kept", full=True),
            lambda: cleared(models=False),
        ),
        "rerun": (
            "full again, same data (--full)",
            lambda: run("rerun", full=True),
            lambda: settle(db),
        ),
        "steady": (
            "steady (same data again)",
            lambda: run("steady", day=night[0]),
            lambda: settle(db),
        ),
        "nightly": (
            "nightly (new day, 2% of clients' facts)",
            lambda: run("nightly", day=night[0] + 1),
            new_day,
        ),
    }
    out: dict[str, Any] = {"baseline_s": base_s, "baseline_runs": base_runs}
    for kind, (_, work, setup) in plans.items():
        if kind in kinds:
            out[f"{kind}_s"], out[f"{kind}_runs"] = median_of(runs, work, setup)
    if "peak" in kinds:
        cleared()
        out["peak_mb"] = peak_memory(url)
    print(f"[{label}] plain GROUP BY pass over monthly_facts: {base_s:7.2f} s")
    for kind, (name, _, _) in plans.items():
        if kind in kinds:
            secs = out[f"{kind}_s"]
            print(f"[{label}] score, {name:<39} {secs:7.2f} s  ({secs / base_s:.1f}x)")
    if "peak" in kinds:
        print(f"[{label}] peak memory of a full run: {out['peak_mb']:,.0f} MB")
    for kind in plans:
        if kind in kinds:
            print(
                f"[{label}] phases of the last {kind} run: "
                + ", ".join(f"{k} {v:.1f} s" for k, v in phases[kind].items())
            )
            counts = json.dumps(phases[f"{kind}_counts"])
            print(f"[{label}] written by the last {kind} run: {counts}")
    return {
        **out,
        "nightly_clients": touched,
        "partition_clients": params.partition_clients,
        "model_sample_clients": params.model_sample_clients,
        "phases": phases,
    }


def configure(db: Database, args: argparse.Namespace) -> None:
    """The parts and the model sample asked for, else the defaults (the database keeps them)."""
    defaults = parameters.DEFAULTS
    values = {
        "partition_clients": args.partition_clients or defaults.partition_clients,
        "model_sample_clients": args.sample_clients or defaults.model_sample_clients,
    }
    with write_transaction(db.engine) as conn:
        parameters.set_values(conn, values, who=OPERATOR)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--partition-clients", type=int)
    parser.add_argument("--sample-clients", type=int)
    parser.add_argument(
        "--only",
        default=",".join(KINDS),
        help=f"the kinds of run to measure, of {','.join(KINDS)} (at 1,000,000 clients: "
        "full,steady,nightly,peak)",
    )
    parser.add_argument(
        "--pg-database", help="PostgreSQL database to use (default rmdesk_bench_score_N)"
    )
    args = parser.parse_args()
    kinds = [k for k in args.only.split(",") if k]
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"--only: not a kind of run: {', '.join(sorted(unknown))}")
    result: dict[str, Any] = {"clients": args.clients, "runs": args.runs}
    if not args.no_sqlite:
        OUT.mkdir(parents=True, exist_ok=True)
        url = str(OUT / f"score-{args.clients}.sqlite3")
        db = prepare(url, args.clients)
        configure(db, args)
        result["sqlite"] = measure(db, args.runs, "SQLite", url, kinds)
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
        configure(db, args)
        result["postgresql"] = measure(db, args.runs, "PostgreSQL", url, kinds)
        db.dispose()
    tag = "".join(
        f"_{k}{v}" for k, v in (("p", args.partition_clients), ("s", args.sample_clients)) if v
    )
    print("saved", save(f"score_{args.clients}{tag}", result))


if __name__ == "__main__":
    main()
