"""Benchmark: a full scoring run in parts, in one process and on a local two-worker Dask cluster.

The PostgreSQL demo bank of ``bench.score`` (built there first: ``python -m bench.score
--clients N --no-sqlite``), set to parts of ``--partition-clients`` (25,000 by default: four
parts at 100,000 clients). Each run is a ``--full`` run with the kept model, so both do the same
work; beside the plain GROUP BY pass over the facts in the same run. The cluster's two worker
processes (one thread each) open the database themselves (docs/scale.md, "On a cluster").
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from bench.common import PG, median_of, save
from bench.score import TODAY, baseline
from rmdesk.db import open_database, write_transaction
from rmdesk.services.common import parameters
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine.scoring import score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--partition-clients", type=int, default=25_000)
    args = parser.parse_args()
    from distributed import LocalCluster
    from sqlalchemy import make_url

    url = make_url(PG).set(database=f"rmdesk_bench_score_{args.clients}")
    db = open_database(url.render_as_string(hide_password=False))
    with write_transaction(db.engine) as conn:
        before = parameters.load(conn).partition_clients
        parameters.set_values(conn, {"partition_clients": args.partition_clients}, who=OPERATOR)
    result: dict[str, Any] = {"clients": args.clients, "runs": args.runs}
    try:
        score(db.engine, today=TODAY, who=OPERATOR)  # the month's model, kept
        base_s, _ = median_of(args.runs, lambda: baseline(db))

        def run(**options: Any) -> None:
            done = score(db.engine, today=TODAY, full=True, who=OPERATOR, **options)
            result.setdefault("parts", done.counts["parts"])

        alone_s, alone = median_of(args.runs, run)
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            address = cluster.scheduler_address
            two_s, two = median_of(args.runs, lambda: run(cluster=address))
    finally:
        with write_transaction(db.engine) as conn:
            parameters.set_values(conn, {"partition_clients": before}, who=OPERATOR)
        db.dispose()
    result.update(baseline_s=base_s, one_process_s=alone_s, one_process_runs=alone,
                  two_workers_s=two_s, two_workers_runs=two)  # fmt: skip
    print(f"plain GROUP BY pass over monthly_facts: {base_s:7.2f} s")
    for name, secs in (("one process", alone_s), ("two-worker local cluster", two_s)):
        print(
            f"full run in {result['parts']} parts, {name:<26} {secs:7.2f} s ({secs / base_s:.1f}x)"
        )
    print(
        f"saved {save(f'cluster_{args.clients}', {**result, 'at': dt.datetime.now().isoformat()})}"
    )


if __name__ == "__main__":
    main()
