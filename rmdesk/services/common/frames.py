"""Query results as pandas frames.

pandas builds a frame from SQLAlchemy ``Row`` objects eight times slower than from plain tuples
(it probes each row for attributes), so every service turns rows into tuples first.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, Select


def frame(result: Any) -> pd.DataFrame:
    """All rows of ``result`` (a SQLAlchemy Result) with its column names."""
    keys = list(result.keys())
    rows = [tuple(r) for r in result.fetchall()]
    if not rows:
        return pd.DataFrame(columns=keys)
    return pd.DataFrame.from_records(rows, columns=keys)


def read(conn: Connection, query: Select[Any]) -> pd.DataFrame:
    """``frame(conn.execute(query))``; the rows straight from the driver when no column's
    values need converting on this database (integers, text, floats: SQLAlchemy would hand
    them over as they are): half the time for a few columns of a whole bank."""
    dialect = conn.dialect
    result = conn.execute(query)
    described = result.cursor.description
    plain = all(
        c.type.dialect_impl(dialect).result_processor(dialect, d[1]) is None
        for c, d in zip(query.selected_columns, described, strict=True)
    )
    if not plain:
        return frame(result)
    keys = list(result.keys())
    rows = result.cursor.fetchall()
    result.close()
    if not rows:
        return pd.DataFrame(columns=keys)
    return pd.DataFrame.from_records(rows, columns=keys)
