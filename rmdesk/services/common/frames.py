"""Query results as pandas frames.

pandas builds a frame from SQLAlchemy ``Row`` objects eight times slower than from plain tuples
(it probes each row for attributes), so every service turns rows into tuples first.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def frame(result: Any) -> pd.DataFrame:
    """All rows of ``result`` (a SQLAlchemy Result) with its column names."""
    keys = list(result.keys())
    rows = [tuple(r) for r in result.fetchall()]
    if not rows:
        return pd.DataFrame(columns=keys)
    return pd.DataFrame.from_records(rows, columns=keys)
