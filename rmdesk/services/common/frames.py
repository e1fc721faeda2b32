"""Query results as pandas frames.

pandas builds a frame from SQLAlchemy ``Row`` objects eight times slower than from plain tuples
(it probes each row for attributes), so every service turns rows into tuples first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def read(
    conn: Connection,
    query: Select[Any],
    *,
    block: int | None = None,
    then: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """``frame(conn.execute(query))``, the rows straight from the driver: each column that
    needs converting on this database (dates on SQLite, JSON) converted as a whole column by
    SQLAlchemy's own converter for it, the others handed over as they are. Half the time of
    SQLAlchemy's rows for a few columns of a whole bank.

    With ``block``, the rows are taken from the driver ``block`` at a time and each block
    becomes a frame by itself, passed through ``then`` (which gives every block the same
    column types); the frames are joined at the end. A result's rows as Python objects take
    ten times its frame: this holds one block of them, not all. (Not SQLAlchemy's
    ``stream_results``: its result takes the first rows from the cursor into a
    buffer of its own, which reading the driver's cursor here would skip.)"""
    dialect = conn.dialect
    result = conn.execute(query)
    described = result.cursor.description
    processors = [
        c.type.dialect_impl(dialect).result_processor(dialect, d[1])
        for c, d in zip(query.selected_columns, described, strict=True)
    ]
    keys = list(result.keys())
    then = then or (lambda frame: frame)
    if block is None:
        rows = [result.cursor.fetchall()]
        result.close()  # (the driver's copy freed before converting)
        return then(_of_rows(rows, keys, processors))
    pieces = []
    try:
        while len(piece := _of_rows([result.cursor.fetchmany(block)], keys, processors)):
            pieces.append(then(piece))
    finally:
        result.close()
    if len(pieces) == 1:
        return pieces[0]
    return pd.concat(pieces, ignore_index=True) if pieces else then(pd.DataFrame(columns=keys))


def _of_rows(held: list[Sequence[Any]], keys: list[str], processors: list[Any]) -> pd.DataFrame:
    """A frame of the rows in ``held`` (a list of one list of rows, emptied here: the rows
    are freed as soon as they are turned into columns)."""
    rows = held.pop()
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
