"""Work in a child process: its result, its progress, its errors, and cancelling it."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

import pytest

from rmdesk.services.common.in_process import ProcessFailed, run_in_process
from rmdesk.services.common.progress import Cancelled, Progress, check


def count_to(n: int, *, progress: Progress, pause: float = 0.0) -> dict[str, Any]:
    for i in range(n):
        check(progress)
        progress.report(i + 1, n, "counting")
        time.sleep(pause)
    return {"counted": n, "pid": os.getpid()}


def fail(message: str, *, progress: Progress) -> None:
    raise ValueError(message)


def die(*, progress: Progress) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class Recorder:
    def __init__(self) -> None:
        self.reports: list[tuple[int, int, str]] = []
        self.stop = threading.Event()

    def report(self, done: int, total: int, text: str = "") -> None:
        self.reports.append((done, total, text))

    def cancelled(self) -> bool:
        return self.stop.is_set()


def test_the_result_and_progress_come_back_from_another_process() -> None:
    seen = Recorder()
    result = run_in_process(count_to, 5, progress=seen)
    assert result["counted"] == 5 and result["pid"] != os.getpid()
    assert seen.reports == [(i, 5, "counting") for i in range(1, 6)]


def test_an_error_in_the_child_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="row 7, column amount"):
        run_in_process(fail, "row 7, column amount", progress=Recorder())


def test_cancel_stops_the_child_between_batches() -> None:
    seen = Recorder()
    threading.Timer(0.5, seen.stop.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        run_in_process(count_to, 10_000, progress=seen, pause=0.01)
    assert time.monotonic() - started < 10
    assert 0 < len(seen.reports) < 10_000


def test_a_killed_child_is_reported_not_waited_for() -> None:
    with pytest.raises(ProcessFailed, match="stopped unexpectedly"):
        run_in_process(die, progress=Recorder())


def test_a_target_named_by_module_is_imported_by_the_child_only() -> None:
    import sys

    name = "tests.unit.in_process_target"
    assert name not in sys.modules
    result = run_in_process(f"{name}:answer", 6, progress=Recorder())
    assert result["answer"] == 42 and result["pid"] != os.getpid()
    assert name not in sys.modules  # the caller never imported it
