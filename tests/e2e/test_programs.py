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


def test_both_programs_say_their_version() -> None:
    from rmdesk import __version__

    for program in ("rmdesk", "rmdesk-cli"):
        done = subprocess.run(
            [str(BIN / program), "--version"], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0 and done.stdout.strip().endswith(__version__), done


def test_where_it_names_the_banks_database_no_demo_is_made_and_its_lock_holds(
    tmp_path: Path,
) -> None:
    """IT's settings name the database and lock it: the app opens that database (never a demo
    bank), refuses --db, and --check-start says so in its report; the log has no password."""
    import json

    bank = tmp_path / "bank.sqlite3"
    system = tmp_path / "etc-rmdesk.toml"
    system.write_text(
        f'database_url = "sqlite:///{bank}"\nlanguage = "zh_CN"\nprint_masking = "masked"\n'
        'locked = ["database_url", "language"]\n',
        encoding="utf-8",
    )
    home = tmp_path / "home"
    env = _env(home) | {"RMDESK_SYSTEM_SETTINGS": str(system)}
    report = tmp_path / "check.json"
    done = subprocess.run(
        [str(BIN / "rmdesk"), "--lang", "en", "--check-start", str(report)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(report.read_text(encoding="utf-8"))
    assert seen["ok"] and seen["database"] == f"sqlite:///{bank}"
    assert seen["language"] == "zh_CN"  # locked: --lang en does not change it
    assert "客户经理工作台" in seen["texts"]
    assert Path(seen["picture"]).stat().st_size > 1_000
    assert not (home / "rmdesk.sqlite3").exists()  # no local demo database was made
    with sqlite3.connect(bank) as conn:
        assert conn.execute("SELECT count(*) FROM clients").fetchone()[0] == 0

    refused = subprocess.run(
        [str(BIN / "rmdesk"), "--db", str(tmp_path / "mine.sqlite3"), "--check-start", str(report)],
        env=env | {"RMDESK_DATABASE_URL": "postgresql://rm01:s3cret@db.example/rmdesk"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert refused.returncode == 1
    seen = json.loads(report.read_text(encoding="utf-8"))
    assert seen["database"] is None and str(system) in seen["database_error"]
    assert not (tmp_path / "mine.sqlite3").exists()
    log = home / "logs" / "rmdesk.log"
    assert log.stat().st_mode & 0o777 == 0o600
    text = log.read_text(encoding="utf-8")
    assert "starting" in text and "s3cret" not in text


def test_the_log_in_dialog_needs_none_of_the_data_libraries() -> None:
    """The dialog shows before numpy, pandas and SQLAlchemy load (they load behind it while
    the password is typed): what it and the app's start import must not pull them in."""
    code = (
        "import sys, rmdesk.app, rmdesk.views.shell.login_dialog, rmdesk.start_check;"
        "print(sorted(m for m in ('numpy', 'pandas', 'sqlalchemy', 'alembic', 'matplotlib')"
        " if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_check_start_logs_in_and_reaches_the_book(tmp_path: Path, demo_bank: object) -> None:
    """IT's check with a user: the dialog, the database, Log in, Today, then the book; each
    step's time in the report, in order."""
    import json

    url = demo_bank(300)  # type: ignore[operator]
    report = tmp_path / "check.json"
    done = subprocess.run(
        [str(BIN / "rmdesk"), "--db", url, "--check-start", str(report), "--check-user", "rm01"],
        env=_env(tmp_path) | {"RMDESK_CHECK_PASSWORD": "rmdesk"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    seen = json.loads(report.read_text(encoding="utf-8"))
    assert done.returncode == 0, (done.stderr, seen)
    assert seen["logged_in"] and seen["book_rows"] > 0
    marks = seen["marks"]
    order = ["dialog_painted", "database_ready", "login_pressed", "first_screen_painted"]
    assert [marks[m] for m in order] == sorted(marks[m] for m in order)
    assert marks["book_first"] <= marks["book_painted"]
    wrong = subprocess.run(
        [str(BIN / "rmdesk"), "--db", url, "--check-start", str(report), "--check-user", "rm01"],
        env=_env(tmp_path) | {"RMDESK_CHECK_PASSWORD": "not the password"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert wrong.returncode == 1 and not json.loads(report.read_text())["logged_in"]
