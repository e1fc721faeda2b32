"""The installed programs, started as a user starts them, in their own processes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(RMDESK_HOME=str(home), QT_QPA_PLATFORM="offscreen", RMDESK_DATABASE_URL="")
    env.pop("RMDESK_DATABASE_URL")
    return env


def test_cli_demo_and_info_in_a_real_process(tmp_path: Path, db_url: str) -> None:
    env = _env(tmp_path)
    done = subprocess.run(
        [str(BIN / "rmdesk-cli"), "demo", "--clients", "300", "--db", db_url],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    info = subprocess.run(
        [str(BIN / "rmdesk-cli"), "info", "--db", db_url],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert info.returncode == 0 and "clients" in info.stdout and "300" in info.stdout
    bad = subprocess.run(
        [str(BIN / "rmdesk-cli"), "import", "berka", str(tmp_path / "nowhere"), "--db", db_url],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 3 and "Traceback" not in bad.stderr


def _wait_for(process: subprocess.Popen[str], needle: str, timeout: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stderr is not None
    os.set_blocking(process.stderr.fileno(), False)
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if line:
            lines.append(line)
            if needle in line:
                return lines
        elif process.poll() is not None:
            break
        else:
            time.sleep(0.05)
    pytest.fail(f"never saw {needle!r}; the app said:\n{''.join(lines)}")


def test_first_start_makes_the_local_demo_bank_scored_and_asks_for_a_log_in(
    tmp_path: Path,
) -> None:
    (tmp_path / "settings.toml").write_text('demo_clients = 400\nlanguage = "zh_CN"\n')
    with subprocess.Popen(
        [str(BIN / "rmdesk")],
        env=_env(tmp_path),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    ) as app:
        try:
            lines = _wait_for(app, "database ready", timeout=180)
        finally:
            app.terminate()
            app.wait(timeout=30)
    assert not any("Traceback" in line for line in lines)
    with sqlite3.connect(tmp_path / "rmdesk.sqlite3") as conn:
        counts = [
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("clients", "client_scores", "suggestions", "visits")
        ]
    assert counts[0] == counts[1] == 400  # every client scored: the book opens ranked
    assert counts[2] > 0 and counts[3] > 0  # suggestions made and visits proposed
