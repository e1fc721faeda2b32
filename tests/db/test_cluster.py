"""The nightly run's parts on a two-worker Dask cluster, every worker talking to the same
PostgreSQL, write exactly what one process writes (docs/scale.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from distributed import LocalCluster
from sqlalchemy import func, select

from rmdesk.cli import main
from rmdesk.db import open_database
from rmdesk.models import Base
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine.scoring import score
from tests.databases import Databases
from tests.db.test_partitions import _results, _set
from tests.demo_banks import DemoBanks, Recipe

T = Base.metadata.tables
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


def test_no_scheduler_at_the_address_is_said_and_nothing_is_written(
    demo_bank: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rmdesk.services.engine import part_jobs

    monkeypatch.setattr(part_jobs, "CONNECT_SECONDS", 1)
    url = demo_bank(30)
    done = CliRunner().invoke(
        main, ["score", "--db", url, "--cluster", "tcp://127.0.0.1:9", "--quiet"]
    )
    assert done.exit_code == 2, done.output
    assert "no Dask scheduler answers at tcp://127.0.0.1:9" in done.output
    assert "Traceback" not in done.output
    db = open_database(url)
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(T["scoring_runs"])).scalar() == 0
        assert conn.execute(select(func.count()).select_from(T["client_scores"])).scalar() == 0
    db.dispose()
