"""A restore never pulls a database from under a program that has it open: it is refused,
naming the program, and a writer committing around a restore loses nothing it saw committed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from rmdesk.cli import main
from rmdesk.db import open_database
from rmdesk.services.admin import backup
from rmdesk.services.admin.backup import DatabaseInUse, backup_sqlite, restore_sqlite
from rmdesk.services.common import audit
from rmdesk.services.common.access import system

# A program that keeps the database open as rmdesk does (WAL, one read), until told to stop.
HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("SELECT count(*) FROM audit_log").fetchone()
print("ready", flush=True)
sys.stdin.readline()
"""

# A writer that commits numbered rows, each on a fresh connection (as a pool that lets its
# connections go), and says which commits it saw succeed; a commit refused is said too.
WRITER = """
import sqlite3, sys, time
for n in range(int(sys.argv[2])):
    try:
        conn = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("INSERT INTO probe VALUES (?)", (n,))
        conn.close()
        print("committed", n, flush=True)
    except sqlite3.OperationalError as exc:
        print("refused", n, exc, flush=True)
    time.sleep(0.004)  # the writer's own work between commits
"""


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A migrated database with a few audit entries and a table the writer fills."""
    path = tmp_path / "live.sqlite3"
    db = open_database(str(path))
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE probe (n INTEGER)")
        for n in range(3):
            audit.record(conn, system("t"), "view", "client", n)
    db.dispose()
    return path


@pytest.fixture
def copy(live: Path, tmp_path: Path) -> Path:
    return backup_sqlite(live, tmp_path / "copy.sqlite3")


@pytest.fixture
def holder(live: Path) -> Iterator[subprocess.Popen[str]]:
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(live)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        yield child
        if child.poll() is None:
            child.kill()


def _release(child: subprocess.Popen[str]) -> None:
    """Let the holder end (it closes the database as it goes) and wait until it has."""
    assert child.stdin is not None
    child.stdin.close()
    assert child.wait(timeout=10) == 0


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names come from /proc")
def test_a_restore_is_refused_naming_the_program_that_has_the_database_open(
    live: Path, copy: Path, holder: subprocess.Popen[str]
) -> None:
    before = live.read_bytes()
    runner = CliRunner()
    refused = runner.invoke(main, ["restore", str(copy), "--db", str(live), "--replace"])
    assert refused.exit_code == 3, refused.output
    assert f"pid {holder.pid} (" in refused.stderr and "python" in refused.stderr
    assert "open in another program" in refused.stderr
    assert live.read_bytes() == before and not list(live.parent.glob("*.before-restore-*"))
    _release(holder)
    done = runner.invoke(main, ["restore", str(copy), "--db", str(live), "--replace"])
    assert done.exit_code == 0, done.output
    assert len(list(live.parent.glob("live.sqlite3.before-restore-*"))) == 1


def test_where_no_program_can_be_named_the_lock_still_refuses(
    live: Path, copy: Path, holder: subprocess.Popen[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "holders", lambda paths: [])  # as on Windows, or another account
    with pytest.raises(DatabaseInUse, match="in use by another connection") as refused:
        restore_sqlite(copy, live, replace=True, wait=0.05)
    assert refused.value.holders == []
    _release(holder)
    assert restore_sqlite(copy, live, replace=True, wait=0.05) is not None


def test_a_connection_in_this_very_process_is_found_by_the_lock(live: Path, copy: Path) -> None:
    db = open_database(str(live))  # /proc names other processes; the lock finds this one
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1 FROM audit_log")
        with pytest.raises(DatabaseInUse):
            restore_sqlite(copy, live, replace=True, wait=0.05)
    db.dispose()
    assert restore_sqlite(copy, live, replace=True, wait=0.05) is not None


def test_a_writer_committing_around_restores_loses_nothing_it_saw_committed(
    live: Path, copy: Path
) -> None:
    said: list[str] = []
    first = threading.Event()
    kept, refused = [], 0
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(live), "100"], stdout=subprocess.PIPE, text=True
    ) as writer:

        def listen() -> None:
            assert writer.stdout is not None
            for line in writer.stdout:
                said.append(line)
                first.set()

        listening = threading.Thread(target=listen)
        listening.start()
        assert first.wait(timeout=20)  # the writer is under way
        while writer.poll() is None:
            try:
                kept.append(restore_sqlite(copy, live, replace=True, wait=0.05))
            except DatabaseInUse:
                refused += 1
        listening.join()
    assert writer.returncode == 0
    committed = {int(line.split()[1]) for line in said if line.startswith("committed")}
    found: set[int] = set()
    for path in [*kept, live]:
        assert path is not None
        with sqlite3.connect(path) as conn:
            found |= {n for (n,) in conn.execute("SELECT n FROM probe")}
        conn.close()
    lost = committed - found
    assert not lost, f"{len(lost)} commits the writer saw succeed are gone: {sorted(lost)}"
    assert kept, f"no restore got in between the writer's commits ({refused} refused)"
    print(f"{len(committed)} commits, {len(kept)} restores, {refused} refused")


def test_modes_of_a_backup_and_the_copies_a_restore_makes(live: Path, copy: Path) -> None:
    if os.name != "posix":
        pytest.skip("file modes are POSIX's")
    kept = restore_sqlite(copy, live, replace=True)
    assert kept is not None
    modes = {p.name: p.stat().st_mode & 0o777 for p in (copy, kept, live)}
    assert set(modes.values()) == {0o600}, modes
    assert not Path(f"{live}-journal").exists()  # the locked transaction's journal is gone
    done = CliRunner().invoke(main, ["backup", "--db", str(live)])
    assert done.exit_code == 0, done.output
    (made,) = live.parent.glob("live-*.backup.sqlite3")
    assert made.stat().st_mode & 0o777 == 0o600
