"""Benchmark: peak memory of checking hostile files, beside normal files of similar size.

Each case runs in a child process of its own that checks one input as `rmdesk-cli import --check`
does (``check_input`` on an empty SQLite database); the parent reads the child's peak resident
memory from ``wait4`` (so a child killed by its memory cap or its timeout is measured too), its
time and how it ended. Baselines in the same run: the floor (a child that loads the same modules,
opens the database and checks nothing), and normal files of about the same size as each hostile
one: a clients CSV beside the CSV with a million columns, a small workbook beside the one with a
cell in column XFD, and a big valid file (a million clients) for the multiple of its size.

``--against FOLDER`` also runs every case with the rmdesk package found in FOLDER, e.g. a copy of
main's (``git archive main rmdesk | tar -x -C /tmp/main``), to see what the limits changed.
Every child runs under a memory cap (RLIMIT_AS, ``--cap-gib``) and a timeout, so that an old
importer reading /dev/zero cannot take the machine down.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

# The parent stays small and imports nothing heavy: a child's peak as the kernel reports it
# includes the memory of the process it was forked from (Linux keeps the high-water mark over
# exec). The inputs are made, and the database created, in a child of their own.
FOLDER = Path(__file__).resolve().parent / "out" / "limits"
CHILD = r"""
import json, resource, sys, time
cap, checkout, kind, path, db = sys.argv[1:6]
if checkout:
    sys.path.insert(0, checkout)
resource.setrlimit(resource.RLIMIT_AS, (int(cap), int(cap)))
from pathlib import Path
from rmdesk.db import open_database
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.importing import ImportRejected, check_input
engine = open_database(db).engine
outcome = "nothing checked (the floor)"
start = time.perf_counter()
if kind != "-":
    try:
        check_input(engine, kind, Path(path), who=OPERATOR)
        outcome = "accepted"
    except ImportRejected as exc:
        outcome = "refused: " + str(exc.problems.listed[0])
    except MemoryError:
        outcome = "out of memory at the cap"
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - start}), flush=True)
"""


def _clients_header() -> str:
    return "client_id,name,kind,birth_date,gender,district,segment,status\n"


def _clients_rows(n: int) -> str:
    return "".join(
        f"C{i:08d},客户{i:08d},individual,19{50 + i % 50}-0{1 + i % 9}-1{i % 10},"
        f"{'MF'[i % 2]},朝阳区{i % 40},mass,active\n"
        for i in range(n)
    )


def _clients_csv(folder: Path, rows: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "clients.csv").write_text(_clients_header() + _clients_rows(rows), encoding="utf-8")
    return folder


def _workbook(path: Path, rows: int, xfd: bool) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "clients"
    for line in (_clients_header() + _clients_rows(rows)).splitlines():
        sheet.append(line.split(","))
    if xfd:
        sheet["XFD2"] = "x"
    book.save(path)
    return path


def make_inputs(big_rows: int) -> list[tuple[str, str, str, str]]:
    """(case, baseline or hostile, importer, path) for every case, made once in bench/out."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    wide = FOLDER / "wide"
    wide.mkdir(exist_ok=True)
    if not (wide / "clients.csv").exists():
        header = ",".join(f"c{i}" for i in range(1_000_000))
        (wide / "clients.csv").write_text(header + "\n" + ",".join(["1"] * 1000) + "\n")
    normal = FOLDER / "normal"
    if not (normal / "clients.csv").exists():
        size = (wide / "clients.csv").stat().st_size
        _clients_csv(normal, rows=size // 70)
    big = FOLDER / "big"
    if not (big / "clients.csv").exists():
        _clients_csv(big, rows=big_rows)
    small_book, xfd_book = FOLDER / "normal.xlsx", FOLDER / "xfd.xlsx"
    if not xfd_book.exists():
        _workbook(small_book, 1500, xfd=False)
        _workbook(xfd_book, 1500, xfd=True)
    short = FOLDER / "short"
    short.mkdir(exist_ok=True)
    if not (short / "clients.csv").exists():
        header = ",".join(["client_id", "name", *(f"c{i}" for i in range(498))])
        (short / "clients.csv").write_text(header + "\n" + "1\n" * 1_000_000)
    sparse = FOLDER / "sparse.csv"
    if not sparse.exists():
        with sparse.open("wb") as fh:
            fh.truncate(512 << 20)
    fifo = FOLDER / "fifo.csv"
    if not fifo.exists():
        os.mkfifo(fifo)
    cases = [
        ("floor: load the modules, open the database", "baseline", "-", Path("-")),
        ("normal clients CSV", "baseline", "generic", normal),
        ("CSV with a million columns", "hostile", "generic", wide),
        ("normal workbook", "baseline", "generic", small_book),
        ("workbook with a cell in column XFD", "hostile", "generic", xfd_book),
        ("500 columns over a million one-field lines", "hostile", "generic", short),
        ("sparse file of zeros", "hostile", "bank-marketing", sparse),
        ("/dev/zero", "hostile", "bank-marketing", Path("/dev/zero")),
        ("named pipe (FIFO)", "hostile", "bank-marketing", fifo),
        (f"big valid clients CSV ({big_rows:,} rows)", "baseline", "generic", big),
    ]
    return [(case, role, kind, str(path)) for case, role, kind, path in cases]


def measure(
    kind: str, path: Path, db: str, *, cap: int, timeout: float, checkout: str = ""
) -> dict[str, Any]:
    """One child process checking ``path``: its peak RSS (MiB), seconds and outcome."""
    args = [sys.executable, "-c", CHILD, str(cap), checkout, kind, str(path), db]
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    out = child.stdout.read() if child.stdout else ""
    err = child.stderr.read() if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    timer.cancel()
    seconds = time.perf_counter() - started
    try:
        result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    except (IndexError, ValueError):
        if child.returncode == -9 and seconds >= timeout:
            outcome = f"still running after {timeout:.0f} s (killed)"
        else:
            last = (err.strip().splitlines() or ["no output"])[-1]
            outcome = f"died (exit {child.returncode}): {last[:120]}"
        result = {"outcome": outcome, "seconds": seconds}
    result["peak_mib"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


def file_size(path: Path) -> int:
    if path == Path("-") or not path.exists():
        return 0
    if path.is_dir():
        return sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    return path.stat().st_size if path.is_file() else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--big-rows", type=int, default=1_000_000)
    parser.add_argument("--against", default="", help="a folder holding another rmdesk package")
    parser.add_argument("--cap-gib", type=float, default=8.0)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--make", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        print(json.dumps(make_inputs(args.big_rows)))
        return
    made = subprocess.run(
        [sys.executable, "-m", "bench.import_limits", "--make", "--big-rows", str(args.big_rows)],
        check=True,
        capture_output=True,
        text=True,
    )
    cases = [(c, r, k, Path(p)) for c, r, k, p in json.loads(made.stdout)]
    cap = int(args.cap_gib * (1 << 30))
    checkouts = [("this checkout", "")]
    if args.against:
        checkouts.append((args.against, str(Path(args.against).resolve())))
    results = []
    for n, (label, checkout) in enumerate(checkouts):
        db = FOLDER / f"empty{n}.sqlite3"  # each checkout's own schema, made by its own code
        db.unlink(missing_ok=True)
        measure("-", Path("-"), str(db), cap=cap, timeout=args.timeout, checkout=checkout)
        print(f"\n== {label}: peak resident memory of `import --check`, one child per case")
        print(f"{'case':46} {'file':>10} {'peak MiB':>9} {'seconds':>8}  outcome")
        floor = 0.0
        for case, role, kind, path in cases:
            got = measure(kind, path, str(db), cap=cap, timeout=args.timeout, checkout=checkout)
            floor = got["peak_mib"] if kind == "-" else floor
            nbytes = file_size(path)
            shown = f"{nbytes / (1 << 20):.1f} MiB" if nbytes else "-"
            print(
                f"{case:46} {shown:>10} {got['peak_mib']:9.0f} {got['seconds']:8.2f}  "
                f"{got['outcome'][:110]}",
                flush=True,
            )
            results.append(
                {"code": label, "case": case, "role": role, "bytes": nbytes, "floor_mib": floor}
                | got
            )
    from bench.common import save

    print("saved", save("import_limits", {"cases": results, "cap_gib": args.cap_gib}))


if __name__ == "__main__":
    main()
