"""Crash safety: `rmdesk-cli import` and `rmdesk-cli score` killed (SIGKILL) at random moments.

After every kill the database must be whole (SQLite's integrity and foreign-key checks; on both
databases no row pointing nowhere), an import must be all there or not there at all, and scores
must belong to a scoring run that exists. Then the next run must complete, and one more after
it find nothing left to write. Scoring runs in parts of 400 clients with its model learnt on a
sample (docs/scale.md), so kills land between parts, inside a part's batches and while the
model is kept. Then a night's changes, and the nightly run of only what changed killed in its
work: the next one completes, and a full run after it finds nothing to write. Kill moments are
random but seeded, so a failure can be replayed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from rmdesk.db import open_database, write_transaction
from rmdesk.models import (
    AuditEntry,
    Client,
    ClientScore,
    Holding,
    ImportBatch,
    Interaction,
    MonthlyFact,
    ScoringRun,
    Transaction,
)
from rmdesk.services.accounts import users
from rmdesk.services.common import audit
from rmdesk.services.common.access import system

BIN = Path(sys.executable).parent
#: kills per program: 8 in all on each database
KILLS = {"sqlite": 4, "postgresql": 4}
#: kills of the nightly run of only what changed, after a night's changes
NIGHTLY_KILLS = 3
#: Berka's public files as rmdesk imports them
FULL = {"clients": 5_369, "holdings": 12_545, "facts": 297_012, "transactions": 49_102}
#: the clients a scoring run scores on them (figures in the trailing year to 1998-12-31)
SCORED = 1_489


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["RMDESK_HOME"] = str(home)
    env.pop("RMDESK_DATABASE_URL", None)
    return env


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """rmdesk-cli started with ``args``, its errors (and steps) on a pipe."""
    return subprocess.Popen(
        [str(BIN / "rmdesk-cli"), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(args: list[str], env: dict[str, str], kill_after: float | None) -> str:
    """Run rmdesk-cli; kill it after ``kill_after`` seconds unless it finished: "killed" or
    "finished"."""
    process = _start(args, env)
    try:
        _, err = process.communicate(timeout=kill_after if kill_after is not None else 300)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.communicate()
        return "killed"
    assert process.returncode == 0, err
    return "finished"


class Window:
    """When to kill: a random moment between ``low`` and ``high`` seconds, where ``high``
    shrinks below any run that finished first, so that the kills land in the work."""

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high
        self.killed = self.tries = 0

    def run(self, args: list[str], env: dict[str, str], rng: random.Random) -> str:
        self.tries += 1
        started = time.perf_counter()
        outcome = _run(args, env, rng.uniform(self.low, self.high))
        if outcome == "killed":
            self.killed += 1
        else:
            took = time.perf_counter() - started
            self.high = max(self.low + 0.1, min(self.high, 0.9 * took))
        return outcome


class InWrites:
    """When to kill a run of little work: a random moment after it says on stderr that it
    writes (its "scoring" step), within the writes of the runs that finished first. A wall-clock
    window from the start cannot aim at writes under a second long on a machine of any speed."""

    def __init__(self, writes: float) -> None:
        self.writes = writes
        self.killed = self.tries = 0

    def run(self, args: list[str], env: dict[str, str], rng: random.Random) -> str:
        self.tries += 1
        process = _start(args, env)
        assert process.stderr is not None
        said: list[str] = []
        for line in process.stderr:  # the run's steps, a line each (stderr is not a terminal)
            said.append(line)
            if "scoring" in line:
                break
        writing = time.perf_counter()
        try:
            process.wait(timeout=rng.uniform(0.0, self.writes))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.communicate()
            self.killed += 1
            return "killed"
        said.append(process.communicate()[1])
        assert process.returncode == 0, "".join(said)
        self.writes = max(0.05, min(self.writes, 0.9 * (time.perf_counter() - writing)))
        return "finished"


def _counts(url: str) -> dict[str, int]:
    db = open_database(url, migrate_schema=False)
    try:
        with db.engine.connect() as conn:

            def n(model: type) -> int:
                return int(conn.execute(select(func.count()).select_from(model)).scalar_one())

            counts = {
                "clients": n(Client),
                "holdings": n(Holding),
                "facts": n(MonthlyFact),
                "transactions": n(Transaction),
                "batches": n(ImportBatch),
                "unfinished_batches": int(
                    conn.execute(
                        select(func.count()).where(ImportBatch.finished_at.is_(None))
                    ).scalar_one()
                ),
                "scores": n(ClientScore),
                "runs": n(ScoringRun),
                "orphan_scores": int(
                    conn.execute(
                        select(func.count())
                        .select_from(ClientScore)
                        .outerjoin(ScoringRun, ScoringRun.id == ClientScore.run_id)
                        .where(ScoringRun.id.is_(None))
                    ).scalar_one()
                ),
                "audit_broken": audit.verify_chain(conn) or 0,
            }
            counts["audit"] = n(AuditEntry)
    finally:
        db.dispose()
    return counts


def _whole(url: str) -> None:
    if url.startswith("postgresql"):
        return  # PostgreSQL's own write-ahead log; the row checks below cover rmdesk's part
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite") else url
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_killed_imports_and_scoring_leave_the_database_whole(
    tmp_path: Path, db_url: str, berka_dir: Path
) -> None:
    env = _env(tmp_path / "home")
    db = open_database(db_url)
    users.create_admin(db.engine, "admin", "adminpass", who=system("setup"))
    url = db.url
    db.dispose()
    rng = random.Random(20261123)
    kills_each = KILLS["postgresql" if url.startswith("postgresql") else "sqlite"]
    outcomes: list[str] = []
    imported = False
    window = Window(1.5, 4.0)  # startup takes about 1.5 s, the import 2–4 s
    while window.killed < kills_each and window.tries < 3 * kills_each:
        outcome = window.run(
            ["import", "berka", str(berka_dir), "--force", "--quiet", "--db", url], env, rng
        )
        outcomes.append(f"import:{outcome}")
        _whole(url)
        counts = _counts(url)
        imported = imported or outcome == "finished"
        assert counts["audit_broken"] == 0 and counts["unfinished_batches"] == 0
        if counts["clients"]:  # all of an import, never part of one
            assert {k: counts[k] for k in FULL} == FULL
        else:
            assert not imported and counts["holdings"] == counts["facts"] == 0
    assert (
        _run(["import", "berka", str(berka_dir), "--force", "--quiet", "--db", url], env, None)
        == "finished"
    )
    assert {k: v for k, v in _counts(url).items() if k in FULL} == FULL

    # the run in parts of 400 clients, its model learnt on every 6th client: a kill lands
    # between parts, in a part's batches, or while the model is kept. Every try is a full run
    # (`--full`): once one has finished, a plain run would find nothing changed and end at once
    assert (
        _run(["params", "set", "partition_clients=400", "model_sample_clients=1000",
              "--db", url], env, None)
        == "finished"
    )  # fmt: skip
    window = Window(1.5, 7.0)  # startup 1.5 s, a run in parts 5–6 s: its reads, model, writes
    while window.killed < kills_each and window.tries < 3 * kills_each:
        outcome = window.run(["score", "--full", "--quiet", "--db", url], env, rng)
        outcomes.append(f"score:{outcome}")
        _whole(url)
        counts = _counts(url)
        assert counts["orphan_scores"] == 0 and counts["audit_broken"] == 0
        assert {k: counts[k] for k in FULL} == FULL  # scoring never touches the imported data
    assert _run(["score", "--quiet", "--db", url], env, None) == "finished"
    db = open_database(url, migrate_schema=False)
    with db.engine.connect() as conn:
        last = conn.execute(select(func.max(ScoringRun.id))).scalar_one()
        finished = conn.execute(
            select(ScoringRun.finished_at).where(ScoringRun.id == last)
        ).scalar_one()
        scores = conn.execute(select(func.count()).select_from(ClientScore)).scalar_one()
    db.dispose()
    # the next run completes; every client with figures in the year has its score (a run
    # rewrites only the scores that changed, so some may still name a killed run: same values)
    assert finished is not None and scores == SCORED
    # and it finished the job: one more run, uninterrupted, finds nothing left to write
    again = subprocess.run(
        [str(BIN / "rmdesk-cli"), "score", "--full", "--json", "--quiet", "--db", url],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    counts = json.loads(again.stdout)
    assert counts["parts"] == 14 and counts["sample_every"] == 6, counts
    for name in ("scores_written", "suggested", "updated", "withdrawn", "flags_raised"):
        assert counts[name] == 0, (name, counts[name])
    kills = sum(o.endswith("killed") for o in outcomes)
    assert kills == 2 * kills_each, outcomes  # every program killed in the middle kills_each times

    # a night's new data for 5% of the clients, by plain SQL; the nightly run of only what
    # changed killed in its work; the next one completes, and a full run finds nothing to do
    # (a run that finished first did the night's work: another night comes before the next try,
    # so that every try has work to be killed in)
    _a_night_of_changes(url)
    nights = InWrites(writes=1.0)
    while nights.killed < NIGHTLY_KILLS and nights.tries < 4 * NIGHTLY_KILLS:
        outcome = nights.run(["score", "--db", url], env, rng)
        outcomes.append(f"nightly:{outcome}")
        _whole(url)
        assert _counts(url)["orphan_scores"] == 0
        if outcome == "finished":
            _a_night_of_changes(url)
    nightly = _score_json(env, url)
    assert nightly["incremental"], nightly  # the runs before it were killed or did the work
    full = _score_json(env, url, "--full")
    assert not full["incremental"]
    for name in ("scores_written", "suggested", "updated", "withdrawn", "flags_raised"):
        assert full[name] == 0, (name, full[name])
    assert nights.killed == NIGHTLY_KILLS, outcomes
    print(f"\n{len(outcomes)} runs: {sorted(set(outcomes))}")


def _score_json(env: dict[str, str], url: str, *extra: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(BIN / "rmdesk-cli"), "score", "--json", "--quiet", *extra, "--db", url],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def _a_night_of_changes(url: str) -> None:
    """Every 20th client's facts of the last month move, and each gets a contact."""
    db = open_database(url, migrate_schema=False)
    with write_transaction(db.engine) as conn:
        last = conn.execute(select(func.max(MonthlyFact.month))).scalar_one()
        touched = select(Holding.id).where(Holding.client_id % 20 == 0)
        conn.execute(
            update(MonthlyFact)
            .where(MonthlyFact.month == last, MonthlyFact.holding_id.in_(touched))
            .values(avg_balance_minor=MonthlyFact.avg_balance_minor + 2_000_000)
        )
        ids = conn.execute(select(Client.id).where(Client.id % 20 == 0)).scalars().all()
        at = dt.datetime(1998, 12, 30, 10, tzinfo=dt.UTC)
        conn.execute(
            insert(Interaction),
            [{"client_id": i, "channel": "phone", "occurred_at": at, "source": "etl"} for i in ids],
        )
    db.dispose()
