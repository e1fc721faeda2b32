"""Runs every benchmark in turn (``make bench``); figures go to stdout and bench/out/*.json."""

from __future__ import annotations

import subprocess
import sys

BENCHES = [
    ["bench.import_berka", "--runs", "3"],
    ["bench.demo_generation", "--clients", "100000"],
    ["bench.score", "--clients", "100000", "--runs", "3"],
    ["bench.briefs", "--runs", "3"],
    ["bench.import_limits"],
    ["bench.login_timing", "--rounds", "40", "--pg"],
    ["bench.security", "--clients", "10000", "--runs", "3"],
    ["bench.formatting", "--rows", "50000", "--runs", "9"],
    # the cross-sell backtests (docs/cross-sell.md, "Backtests"): about 1.5, 0.5 and 2 minutes
    ["bench.backtest_term_deposit"],
    ["bench.backtest_berka"],
    ["bench.hide_one", "--clients", "20000"],
]

if __name__ == "__main__":
    for bench in BENCHES:
        print(f"\n== {bench[0]} ==", flush=True)
        subprocess.run([sys.executable, "-m", *bench], check=True)
