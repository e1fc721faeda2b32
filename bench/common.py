"""Shared by the benchmarks: timing, medians, fresh databases, the machine's description."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG = os.environ.get("RMDESK_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def median_of(
    runs: int, work: Callable[[], Any], setup: Callable[[], Any] | None = None
) -> tuple[float, list[float]]:
    """The median wall time of ``runs`` runs of ``work`` (``setup`` before each, not timed)."""
    times = []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return str(path)


def fresh_pg(name: str) -> str | None:
    try:
        with psycopg.connect(PG, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError:
        return None
    from sqlalchemy import make_url

    return make_url(PG).set(database=name).render_as_string(hide_password=False)


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "system": platform.platform(terse=True),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def save(name: str, result: dict[str, Any]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **result}, indent=2))
    return path
