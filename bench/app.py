"""The desktop app's speed and memory, each beside a baseline measured in the same run.

    python -m bench.app [--clients 100000] [--runs 5]

- startup: the real `rmdesk` (the virtual environment's, and the frozen build's when there is
  one) to its log-in dialog, then logged in as rm01 (7,573 clients) after 4 s of typing: the
  first screen (Today) and the book opened after it; against a fresh process to a bare PySide6
  window painted (targets: the dialog <= 2x the bare window; Log in to the book <= 0.3 s);
- table: sort and filter a 100,000-row book in the table model, against numpy argsort of one
  100,000-value column (target: <= 50 ms each);
- memory: resident memory with the bank's 100,000-client book open (an administrator), against
  a bare window (target: <= 500 MB);
- latency: Tools > Score now from the app on a 20,000-client bank while a 10 ms timer probes the
  event loop, against the same timer with the app idle (target: no stall over 100 ms).
The window runs on the machine's display (run under xvfb-run) or offscreen without one.
Figures go to stdout and bench/out/app.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import OUT, ROOT, median_of, save

AS_OF, TODAY = dt.date(2026, 10, 31), dt.date(2026, 11, 2)
BIG_RM = 5_000


def prepare(path: Path, clients: int) -> str:
    """A scored demo bank at ``path`` where rm01 holds 5,000 clients; built once, then kept."""
    from sqlalchemy import func, select, update

    from rmdesk.db import open_database
    from rmdesk.models import Client, ClientScore
    from rmdesk.services.accounts.users import user_id
    from rmdesk.services.common.access import OPERATOR
    from rmdesk.services.data.demo_bank import DemoSpec, build
    from rmdesk.services.engine.scoring import score

    url = str(path)
    db = open_database(url)
    with db.engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(Client)).scalar_one()
        scored = conn.execute(select(func.count()).select_from(ClientScore)).scalar_one()
    if have == 0:
        print(f"building the demo bank ({clients:,} clients) in {path} ...", flush=True)
        build(db.engine, DemoSpec(clients=clients, as_of=AS_OF), who=OPERATOR)
        rm = user_id(db.engine, "rm01", who=OPERATOR)
        with db.engine.begin() as conn:
            ids = (
                select(Client.id).order_by(Client.id).limit(min(BIG_RM, clients)).scalar_subquery()
            )
            conn.execute(update(Client).where(Client.id.in_(ids)).values(rm_id=rm))
    if scored == 0:
        print("scoring it ...", flush=True)
        score(db.engine, as_of=AS_OF, today=TODAY, who=OPERATOR)
    db.dispose()
    return url


def child(*args: str) -> dict[str, Any]:
    """Run bench.app_child in a fresh process; its result and the wall time to its first paint."""
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.app_child", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("RESULT "):
            wall = time.perf_counter() - started
            proc.wait(timeout=600)
            return {"wall": wall, **json.loads(line[7:])}
    proc.wait()
    raise SystemExit(f"bench.app_child {' '.join(args)} ended without a result")


def start(program: list[str], url: str, typing_s: float) -> dict[str, float]:
    """One start of the real program, as a person starts it: the log-in dialog, the name and
    password typed for ``typing_s`` seconds, Log in, the first screen (Today), then the book
    opened (``rmdesk --check-start --check-user``). Seconds from ``Popen`` for the dialog and
    the database; from pressing Log in, and from opening the book, for the rest."""
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        report = Path(home) / "check.json"
        env = dict(os.environ)
        env.update(
            RMDESK_HOME=str(Path(home) / "rmdesk"),
            RMDESK_SYSTEM_SETTINGS=str(Path(home) / "none.toml"),
            RMDESK_CHECK_PASSWORD="rmdesk",
        )
        if not env.get("DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        started = time.time()
        done = subprocess.run(
            [
                *program,
                *("--db", url, "--lang", "zh_CN", "--check-start", str(report)),
                *("--check-user", "rm01", "--check-typing", str(typing_s)),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise SystemExit(f"{program[0]} --check-start failed:\n{done.stderr[-3000:]}")
        found = json.loads(report.read_text(encoding="utf-8"))
    m = found["marks"]
    return {
        "dialog_s": m["dialog_painted"] - started,
        "database_s": m["database_ready"] - started,
        "today_s": m["first_screen_painted"] - m["login_pressed"],
        "book_first_s": m["book_first"] - m["book_opened"],
        "book_s": m["book_painted"] - m["book_opened"],
        "rows": found["book_rows"],
    }


def startup(url: str, runs: int, frozen: Path | None) -> dict[str, Any]:
    """The bare window, then the app from the virtual environment and from the frozen build."""
    bare = [child("bare")["wall"] for _ in range(runs)]
    out: dict[str, Any] = {"bare_s": statistics.median(bare), "bare_runs": bare}
    programs = {"venv": [str(Path(sys.executable).parent / "rmdesk")]}
    if frozen is not None:
        programs["frozen"] = [str(frozen)]
    for name, program in programs.items():
        runs_ = [start(program, url, typing_s=4.0) for _ in range(runs)]
        med = {k: statistics.median(r[k] for r in runs_) for k in runs_[0] if k != "rows"}
        med["dialog_ratio"] = med["dialog_s"] / out["bare_s"]
        out[name] = {**med, "rows": runs_[0]["rows"], "runs": runs_}
        print(
            f"startup ({name}): bare window {out['bare_s']:.2f} s; log-in dialog"
            f" {med['dialog_s']:.2f} s ({med['dialog_ratio']:.1f}x bare), database ready"
            f" {med['database_s']:.2f} s; from Log in to Today {med['today_s']:.2f} s; book of"
            f" {runs_[0]['rows']:,} opened: first page {med['book_first_s']:.2f} s, whole"
            f" {med['book_s']:.2f} s; medians of {runs}",
            flush=True,
        )
    return out


def table(url: str, runs: int) -> dict[str, Any]:
    import numpy as np
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from rmdesk.db import open_database
    from rmdesk.services.clients.book import book_mask, client_book
    from rmdesk.services.common.access import OPERATOR
    from rmdesk.views.widgets.frame_model import Column, FrameModel, sort_codes

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    QApplication.instance() or QApplication([])
    db = open_database(url)
    started = time.perf_counter()
    frame = client_book(db.engine, today=TODAY, who=OPERATOR)
    load_s = time.perf_counter() - started
    db.dispose()
    keys = ["contribution_minor", "name", "tier", "next_visit_on", "growth", "deposits_minor"]
    columns = [Column(k, k) for k in keys]
    model = FrameModel(columns, "Bench")
    started = time.perf_counter()
    codes = sort_codes(frame, columns)  # as the book does on its worker thread
    codes_s = time.perf_counter() - started
    model.set_frame(frame, codes)
    values = frame["deposits_minor"].to_numpy(dtype="float64")
    baseline, _ = median_of(runs, lambda: np.argsort(values, kind="stable"))
    sorts = {}
    for i, key in enumerate(keys):
        sorts[key], _ = median_of(runs, lambda i=i: model.sort(i, Qt.SortOrder.DescendingOrder))
    name = str(frame["name"].iloc[len(frame) // 2])[:2]
    filters = {
        "search": {"text": name},
        "tier": {"tier": "A"},
        "overdue": {"overdue": True},
        "flags+segment": {"flags": "any", "segment": "mass"},
    }
    filtered = {}
    for label, kw in filters.items():
        filtered[label], _ = median_of(runs, lambda kw=kw: model.set_mask(book_mask(frame, **kw)))
    out = {
        "rows": len(frame),
        "load_s": load_s,
        "sort_codes_s": codes_s,
        "argsort_baseline_ms": baseline * 1000,
        "sort_ms": {k: v * 1000 for k, v in sorts.items()},
        "filter_ms": {k: v * 1000 for k, v in filtered.items()},
    }
    print(
        f"table: {len(frame):,} rows (loaded in {load_s:.1f} s, text sort codes made off the GUI "
        f"thread in {codes_s * 1000:.0f} ms); numpy argsort baseline "
        f"{out['argsort_baseline_ms']:.1f} ms",
        flush=True,
    )
    for k, v in out["sort_ms"].items():
        print(f"  sort by {k}: {v:.1f} ms ({v / out['argsort_baseline_ms']:.1f}x)", flush=True)
    for k, v in out["filter_ms"].items():
        print(f"  filter {k}: {v:.1f} ms ({v / out['argsort_baseline_ms']:.1f}x)", flush=True)
    return out


def memory(url: str) -> dict[str, Any]:
    bare = child("bare")
    admin = child("app", "--db", url, "--user", "admin")
    out = {"bare_mb": bare["rss_mb"], "book_mb": admin["rss_mb"], "rows": admin["rows"]}
    print(
        f"memory: bare window {out['bare_mb']:.0f} MB; the bank's book of {out['rows']:,} clients"
        f" open {out['book_mb']:.0f} MB",
        flush=True,
    )
    return out


def latency(url: str, runs: int) -> dict[str, Any]:
    results = [child("app", "--db", url, "--user", "admin", "--score") for _ in range(runs)]
    for result in results:
        idle, busy = result["idle"], result["busy"]
        print(
            f"latency: idle max {idle['max_ms']:.0f} ms (p99 {idle['p99_ms']:.0f}, "
            f"{idle['over_100ms']} over 100 ms in {idle['ticks']} ticks); while scoring "
            f"{result['rows']:,} clients for {result['scoring_seconds']:.0f} s: max "
            f"{busy['max_ms']:.0f} ms, p99 {busy['p99_ms']:.0f} ms, "
            f"{busy['over_100ms']} stalls over 100 ms in {busy['ticks']} ticks",
            flush=True,
        )
    return {
        "runs": results,
        "idle_max_ms_median": statistics.median(r["idle"]["max_ms"] for r in results),
        "busy_max_ms_median": statistics.median(r["busy"]["max_ms"] for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--latency-clients", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--frozen",
        type=Path,
        default=ROOT / "build" / "frozen" / "rmdesk" / "rmdesk",
        help="the frozen build's rmdesk (make dist); left out if it is not there",
    )
    parser.add_argument(
        "--only", choices=["startup", "table", "memory", "latency"], action="append"
    )
    args = parser.parse_args()
    wanted = args.only or ["startup", "table", "memory", "latency"]
    OUT.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"clients": args.clients, "display": bool(os.environ.get("DISPLAY"))}
    if {"startup", "table", "memory"} & set(wanted):
        big = prepare(OUT / f"app-{args.clients}.sqlite3", args.clients)
        if "startup" in wanted:
            frozen = args.frozen if args.frozen.exists() else None
            result["startup"] = startup(big, args.runs, frozen)
        if "table" in wanted:
            result["table"] = table(big, args.runs)
        if "memory" in wanted:
            result["memory"] = memory(big)
    if "latency" in wanted:
        small = prepare(OUT / f"app-{args.latency_clients}.sqlite3", args.latency_clients)
        result["latency"] = latency(small, max(1, min(args.runs, 3)))
    print("saved", save("app", result))


if __name__ == "__main__":
    main()
