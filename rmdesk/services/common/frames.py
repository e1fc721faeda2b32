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
    """``frame(conn.execute(query))``, the rows straight from the driver: each column that
    needs converting on this database (dates on SQLite, JSON) converted as a whole column by
    SQLAlchemy's own converter for it, the others handed over as they are. Half the time of
    SQLAlchemy's rows for a few columns of a whole bank."""
    dialect = conn.dialect
    result = conn.execute(query)
    described = result.cursor.description
    processors = [
        c.type.dialect_impl(dialect).result_processor(dialect, d[1])
        for c, d in zip(query.selected_columns, described, strict=True)
    ]
    keys = list(result.keys())
    rows = result.cursor.fetchall()
    result.close()
    if not rows:
        return pd.DataFrame(columns=keys)
    if all(p is None for p in processors):
        return pd.DataFrame.from_records(rows, columns=keys)
    columns = list(zip(*rows, strict=True))
    del rows
    out = pd.DataFrame(
        {
            i: list(values) if p is None else [p(v) for v in values]
            for i, (values, p) in enumerate(zip(columns, processors, strict=True))
        }
    )
    out.columns = pd.Index(keys)
    return out
