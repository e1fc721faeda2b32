"""One measured start of a program, in a fresh process (run by bench/app.py, not by hand).

    python -m bench.app_child bare
    python -m bench.app_child app --db URL --user rm01 [--score]

Prints one line ``RESULT {json}`` once the window is on screen (the book loaded and painted for
``app``), then quits. With ``--score`` it then runs Tools › Score now while a 10 ms timer
records how late the event loop answers, the same timer having run idle first as the baseline.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

STARTED = time.perf_counter()


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def report(result: dict[str, Any]) -> None:
    print("RESULT " + json.dumps(result), flush=True)


def bare() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.resize(1366, 768)
    window.show()

    def painted() -> None:
        report({"seconds": time.perf_counter() - STARTED, "rss_mb": rss_mb()})
        app.quit()

    QTimer.singleShot(0, painted)
    app.exec()


class Probe:
    """A 10 ms timer that records how late each tick arrives (the event loop's stalls)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0

    def start(self) -> None:
        self.gaps = []
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        gaps = sorted(self.gaps) or [0.0]
        return {
            "ticks": len(self.gaps),
            "max_ms": gaps[-1] * 1000,
            "p99_ms": gaps[int(len(gaps) * 0.99) - 1 if len(gaps) > 1 else 0] * 1000,
            "over_100ms": sum(g > 0.1 for g in gaps),
        }

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        self.last = now


def app(url: str, username: str, score: bool) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from rmdesk.app import Shell, ensure_cjk_font
    from rmdesk.db import open_database
    from rmdesk.services.accounts.users import authenticate
    from rmdesk.settings import Settings
    from rmdesk.tasks import TaskRunner

    qt = QApplication([])
    ensure_cjk_font(qt)
    runner = TaskRunner(qt)
    shell = Shell(qt, runner, Settings(), "zh_CN", store_settings=lambda _s: None)
    db = open_database(url)
    shell.database_ready(db)
    logging_in = time.perf_counter()  # what a user waits for after pressing "Log in"
    window = shell.start(authenticate(db.engine, username, "rmdesk"))
    window.resize(1366, 768)
    result: dict[str, Any] = {}
    probe = Probe()

    def on_screen(rows: int) -> None:
        now = time.perf_counter()
        result.update(
            seconds=now - STARTED, after_login=now - logging_in, rows=rows, rss_mb=rss_mb()
        )
        if not score:
            report(result)
            qt.quit()
            return
        probe.start()
        QTimer.singleShot(5_000, start_scoring)  # the idle baseline first

    def start_scoring() -> None:
        result["idle"] = probe.stop()
        probe.start()
        started = time.perf_counter()
        window.score_action.changed.connect(lambda: finished(started))
        window.score_now()

    def finished(started: float) -> None:
        if not window.score_action.isEnabled() or "busy" in result:
            return
        result["busy"] = probe.stop()
        result["scoring_seconds"] = time.perf_counter() - started
        report(result)
        qt.quit()

    window.book.loaded.connect(lambda rows: QTimer.singleShot(0, lambda: on_screen(rows)))
    qt.exec()
    runner.wait()
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["bare", "app"])
    parser.add_argument("--db")
    parser.add_argument("--user", default="rm01")
    parser.add_argument("--score", action="store_true")
    args = parser.parse_args()
    if args.mode == "bare":
        bare()
    else:
        app(args.db, args.user, args.score)


if __name__ == "__main__":
    main()
