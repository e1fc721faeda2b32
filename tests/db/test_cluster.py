"""The nightly run's parts on a two-worker Dask cluster, every worker talking to the same
PostgreSQL, write exactly what one process writes (docs/scale.md)."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from distributed import LocalCluster

from rmdesk.cli import main
from rmdesk.db import open_database
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine.scoring import score
from tests.databases import Databases
from tests.db.test_partitions import _results, _set
from tests.demo_banks import DemoBanks, Recipe

TODAY = dt.date(2026, 11, 2)


def test_a_two_worker_cluster_writes_what_one_process_writes(
    demo_banks: DemoBanks, databases: Databases
) -> None:
    alone = open_database(demo_banks.copy(Recipe(1500), "postgresql", databases))
    _set(alone.engine, partition_clients=400)
    score(alone.engine, today=TODAY, who=OPERATOR)
    expected = _results(alone.engine)
    alone.dispose()

    url = demo_banks.copy(Recipe(1500), "postgresql", databases)
    shared = open_database(url)
    _set(shared.engine, partition_clients=400)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        done = score(shared.engine, today=TODAY, cluster=cluster.scheduler_address, who=OPERATOR)
        assert done.counts["parts"] == 4
        assert _results(shared.engine) == expected
        # the command line the same way: a second run on the cluster changes nothing
        again = CliRunner().invoke(
            main,
            ["score", "--db", url, "--today", "2026-11-02", "--cluster",
             cluster.scheduler_address, "--json", "--quiet"],
        )  # fmt: skip
        assert again.exit_code == 0, again.output
        assert '"scores_written": 0' in again.stdout and '"suggested": 0' in again.stdout
    assert _results(shared.engine) == expected
    shared.dispose()
