"""How long a log-in takes for an unknown name, a known name with a wrong password and a known
name with the right one: the same, now that an unknown name is checked against a dummy hash.

    .venv/bin/python -m bench.login_timing [--rounds 40] [--pg]

Each round times the three cases twice, in a shuffled order: as rmdesk does it now, and as
before (the baseline: an unknown name or one without a password refused without verifying any
hash, emulated by answering at once for the dummy hash). Each round has two right passwords,
so no run of wrong ones reaches the lock; every unknown name is new. Prints the medians; the
figures go into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from bench.common import fresh_pg, save
from rmdesk.db import open_database
from rmdesk.services.accounts import passwords, users
from rmdesk.services.accounts.users import LoginError
from rmdesk.services.common.access import system

CASES = ("unknown name", "known, wrong password", "known, right password")


def _attempt(engine: Engine, name: str, password: str) -> float:
    start = time.perf_counter()
    with contextlib.suppress(LoginError):
        users.authenticate(engine, name, password)
    return time.perf_counter() - start


def _before(stored: str | None, password: str) -> bool:
    """The old check: no hash of its own, no verification at all."""
    if stored == passwords.dummy_hash():
        return False
    return passwords.verify_password(stored, password)


def measure(url: str, rounds: int) -> dict[str, dict[str, float]]:
    db = open_database(url)
    users.create_admin(db.engine, "admin", "adminpass", who=system("bench"))
    engine = db.engine
    checks: dict[str, Callable[[str | None, str], bool]] = {
        "now": passwords.verify_password,
        "before": _before,
    }
    times: dict[str, dict[str, list[float]]] = {k: {c: [] for c in CASES} for k in checks}
    _attempt(engine, "warm-up", "x")  # the dummy hash is made at the first attempt
    _attempt(engine, "admin", "adminpass")
    tries = {
        CASES[0]: lambda label, n: (f"nobody-{label}-{n}", "a-guess-123"),
        CASES[1]: lambda label, n: ("admin", "a-guess-123"),
        CASES[2]: lambda label, n: ("admin", "adminpass"),
    }
    order = [(label, case) for label in checks for case in CASES]
    shuffle = random.Random(7).shuffle
    for n in range(rounds):
        shuffle(order)  # no case always follows the same one; at most 4 wrong in a row: no lock
        for label, case in order:
            users.verify_password = checks[label]  # type: ignore[assignment]  # what differs
            times[label][case].append(_attempt(engine, *tries[case](label, n)))
    users.verify_password = passwords.verify_password
    db.dispose()
    return {
        label: {case: 1000 * statistics.median(v) for case, v in t.items()}
        for label, t in times.items()
    }


def report(name: str, result: dict[str, dict[str, float]], rounds: int) -> None:
    print(f"{name}, medians of {rounds} attempts each, ms:")
    print(f"  {'':<24}{'now':>10}{'before':>10}")
    for case in CASES:
        print(f"  {case:<24}{result['now'][case]:>10.1f}{result['before'][case]:>10.1f}")
    for label in ("now", "before"):
        r = result[label]
        print(f"  {label}: unknown / known-wrong = {r[CASES[0]] / r[CASES[1]]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--pg", action="store_true", help="Also on PostgreSQL.")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = measure(str(Path(folder) / "login.sqlite3"), args.rounds)
    report("SQLite", results["sqlite"], args.rounds)
    if args.pg:
        url = fresh_pg("rmdesk_bench_login")
        if url is None:
            print("PostgreSQL: not reachable, skipped")
        else:
            results["postgresql"] = measure(url, args.rounds)
            report("PostgreSQL", results["postgresql"], args.rounds)
    print(f"saved to {save('login_timing', {'rounds': args.rounds, 'medians_ms': results})}")


if __name__ == "__main__":
    main()
