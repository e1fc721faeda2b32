"""A target for tests/unit/test_in_process.py that only a child process imports."""

from __future__ import annotations

import os


def answer(n: int, *, progress: object) -> dict[str, int]:
    return {"answer": n * 7, "pid": os.getpid()}
