"""Seconds spent per phase of a long piece of work (a scoring run and its parts)."""

from __future__ import annotations

import time


def took(seconds: dict[str, float], phase: str, since: float) -> float:
    """Add the time since ``since`` (``time.perf_counter()``) to ``phase``; return now."""
    now = time.perf_counter()
    seconds[phase] = seconds.get(phase, 0.0) + now - since
    return now
