"""Fast, exact bulk writes that run the same on SQLite and PostgreSQL.

Frames are turned into rows of plain values (ISO dates, integer minor units, JSON text) once,
then PostgreSQL gets them through COPY and SQLite through one prepared ``executemany``. Upserts go
through a temporary stage table and one ``INSERT ... SELECT ... ON CONFLICT`` statement, so even
a hundred thousand clients are merged by the database, not row by row from Python.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
    cast,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import AddConstraint, DropConstraint
from sqlalchemy.sql.elements import ColumnElement

Row = tuple[Any, ...]
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


def _none_where_na(values: pd.Series) -> list[Any]:
    if not values.hasnans:
        return list(values.to_numpy(dtype=object).tolist())
    return list(values.astype("object").where(values.notna(), None).tolist())


def _convert(values: pd.Series, column: Column[Any], dialect: str) -> list[Any]:
    """One column's values as the plain Python values the driver binds for ``column``."""
    kind = column.type
    if isinstance(kind, DateTime):
        stamps = pd.to_datetime(values, utc=True).dt.tz_localize(None)
        if dialect == "sqlite":
            text = stamps.dt.strftime(_SQLITE_DATETIME)
        else:
            text = stamps.dt.strftime("%Y-%m-%d %H:%M:%S.%f+00")
        return _none_where_na(text)
    if isinstance(kind, Date):
        if pd.api.types.is_datetime64_any_dtype(values):
            days = values.to_numpy(dtype="datetime64[D]")
            iso = np.datetime_as_string(days)
            out = pd.Series(iso, index=values.index, dtype=object).where(values.notna(), None)
            return out.tolist()
        return [
            None
            if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v))
            else v.isoformat()[:10]
            for v in values.tolist()
        ]
    if isinstance(kind, JSON):
        return [
            json.dumps(v if isinstance(v, dict) else {}, ensure_ascii=False, default=str)
            for v in values.tolist()
        ]
    if isinstance(kind, Boolean):
        return [None if v is None or v is pd.NA else bool(v) for v in values.tolist()]
    if isinstance(kind, Numeric) and not isinstance(kind, Integer):
        return [
            None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)
            for v in values.tolist()
        ]
    if isinstance(kind, Integer):
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu":
            return list(values.tolist())
        nums = pd.to_numeric(values, errors="raise").astype("Int64")
        if not nums.hasnans:
            return list(nums.to_numpy(dtype=np.int64).tolist())
        return _none_where_na(nums)
    # strings and enums (a StrEnum's text is its value)
    return _none_where_na(values if values.dtype == "str" else values.astype("str"))


def _default_for(column: Column[Any]) -> Any:
    default = column.default
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    if callable(arg):
        return arg({}) if getattr(default, "is_callable", False) else None
    return arg


def prepare(frame: pd.DataFrame, table: Table, dialect: str) -> tuple[list[str], list[Row]]:
    """The columns to write and the rows, with Python-side defaults filled for absent columns."""
    names, columns, _ = prepare_columns(frame, table, dialect)
    return names, list(zip(*columns, strict=True)) if columns else [()] * len(frame)


def prepare_columns(
    frame: pd.DataFrame, table: Table, dialect: str
) -> tuple[list[str], list[list[Any]], list[np.ndarray]]:
    """Like ``prepare``, column by column, with where each column has gaps (its Nones)."""
    names: list[str] = []
    columns: list[list[Any]] = []
    gaps: list[np.ndarray] = []
    n = len(frame)
    none = np.zeros(n, dtype=bool)
    for column in table.columns:
        if column.primary_key and column.name not in frame.columns:
            continue
        gap = none
        if column.name in frame.columns:
            values = _convert(frame[column.name], column, dialect)
            default = _default_for(column)
            if default is not None:
                if isinstance(column.type, JSON):
                    default = json.dumps(default)
                values = [default if v is None else v for v in values]
            elif not isinstance(column.type, JSON):  # the converters make None of every NA
                gap = frame[column.name].isna().to_numpy(dtype=bool)
        elif column.server_default is not None:
            continue
        else:
            default = _default_for(column)
            if isinstance(column.type, JSON):
                default = json.dumps(default if isinstance(default, dict) else {})
            if default is None and column.nullable:
                continue
            values = [default] * n
        names.append(column.name)
        columns.append(values)
        gaps.append(gap)
    return names, columns, gaps


def write_columns(
    conn: Connection,
    table_name: str,
    names: list[str],
    columns: list[list[Any]],
    gaps: list[np.ndarray],
) -> int:
    """Append rows given column by column; returns how many.

    On SQLite, rows are grouped by which of their cells are empty and each group inserted
    without those columns: the sqlite3 module binds a Python None far more slowly than a value,
    and an omitted column is NULL anyway.
    """
    n = len(columns[0]) if columns else 0
    if not n:
        return 0
    if conn.dialect.name != "sqlite":
        copy_rows(conn, table_name, names, zip(*columns, strict=True))
        return n
    nulls = gaps
    nullable = [i for i, m in enumerate(nulls) if m.any()]
    if not nullable:
        copy_rows(conn, table_name, names, zip(*columns, strict=True))
        return n
    pattern = np.zeros(n, dtype=np.int64)
    for bit, i in enumerate(nullable):
        pattern |= nulls[i].astype(np.int64) << bit
    arrays = [np.asarray(col, dtype=object) for col in columns]
    for p in np.unique(pattern):
        rows = np.flatnonzero(pattern == p)
        keep = [
            i
            for i in range(len(names))
            if i not in nullable or not (int(p) >> nullable.index(i)) & 1
        ]
        subset = [arrays[i][rows].tolist() for i in keep]
        copy_rows(conn, table_name, [names[i] for i in keep], zip(*subset, strict=True))
    return n


def copy_rows(conn: Connection, table_name: str, names: Sequence[str], rows: Iterable[Row]) -> None:
    """Append ``rows`` to a table: COPY on PostgreSQL, one executemany on SQLite."""
    quoted = ", ".join(f'"{n}"' for n in names)
    raw: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f'COPY "{table_name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(names))
        raw.executemany(f'INSERT INTO "{table_name}" ({quoted}) VALUES ({marks})', rows)


@contextmanager
def indexes_built_after(conn: Connection, table: Table) -> Iterator[None]:
    """For a big first load: build ``table``'s indexes (and on PostgreSQL its foreign keys)
    once the rows are in, instead of updating them row by row.

    SQLite drops and rebuilds its plain indexes. PostgreSQL does so, and re-adds the foreign
    keys (checked by one join instead of a trigger per row), only when the table is empty, as a
    first load is; otherwise it keeps them, because dropping them would lock every reader out
    of a table others are using. All of it is inside the load's transaction.
    """
    indexes = list(table.indexes)
    keys: list[ForeignKeyConstraint] = []
    if conn.dialect.name == "postgresql":
        if conn.execute(select(true()).select_from(table).limit(1)).first() is not None:
            indexes = []
        else:
            keys = [fk for fk in table.foreign_key_constraints if fk.name]
    for fk in keys:
        conn.execute(DropConstraint(fk))
    for index in indexes:
        index.drop(conn)
    yield
    for index in indexes:
        index.create(conn)
    for fk in keys:
        conn.execute(AddConstraint(fk))


def insert_frame(conn: Connection, table: Table, frame: pd.DataFrame) -> int:
    """Append a frame to ``table``; returns the rows written."""
    if frame.empty:
        return 0
    names, columns, gaps = prepare_columns(frame, table, conn.dialect.name)
    return write_columns(conn, table.name, names, columns, gaps)


def stage_table(conn: Connection, table: Table, names: Sequence[str]) -> Table:
    """A temporary table with ``table``'s types for ``names``, created empty on ``conn``."""
    stage = Table(
        f"stage_{table.name}",
        MetaData(),
        *[Column(n, table.c[n].type.copy()) for n in names],
        prefixes=["TEMPORARY"],
    )
    stage.drop(conn, checkfirst=True)
    stage.create(conn)
    return stage


def _distinct(table: Table, excluded: Any, names: Iterable[str]) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    for n in names:
        left: ColumnElement[Any] = table.c[n]
        right: ColumnElement[Any] = excluded[n]
        if isinstance(table.c[n].type, JSON):
            left, right = cast(left, Text), cast(right, Text)
        out.append(left.is_distinct_from(right))
    return out


def upsert_frame(
    conn: Connection,
    table: Table,
    frame: pd.DataFrame,
    keys: Sequence[str],
    *,
    keep_existing: Sequence[str] = (),
    insert_only: bool = False,
    version_column: str | None = "version",
) -> int:
    """Insert new rows and update changed ones, matched on the unique ``keys``.

    ``keep_existing`` columns keep the stored value when one exists (e.g. an RM assignment made
    in the app outlives a re-import); unchanged rows are left alone, their version untouched.
    """
    if frame.empty:
        return 0
    names, columns, gaps = prepare_columns(frame, table, conn.dialect.name)
    stage = stage_table(conn, table, names)
    rows = write_columns(conn, stage.name, names, columns, gaps)
    mod = postgresql if conn.dialect.name == "postgresql" else sqlite
    source = select(*[stage.c[n] for n in names]).where(true())
    stmt: Any = mod.insert(table).from_select(names, source)
    if insert_only:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    else:
        skip = {*keys, "created_at", version_column}
        updatable = [n for n in names if n not in skip]
        set_: dict[str, Any] = {}
        for n in updatable:
            if n in keep_existing:
                set_[n] = func.coalesce(table.c[n], stmt.excluded[n])
            else:
                set_[n] = stmt.excluded[n]
        compare = [n for n in updatable if n not in keep_existing]
        if version_column and version_column in table.c:
            set_[version_column] = table.c[version_column] + 1
        if set_:
            stmt = stmt.on_conflict_do_update(
                index_elements=list(keys),
                set_=set_,
                where=or_(*_distinct(table, stmt.excluded, compare)) if compare else None,
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    conn.execute(stmt)
    stage.drop(conn)
    return rows


def key_map(
    conn: Connection, table: Table, key: str, where: Mapping[str, Any] | None = None
) -> dict[str, int]:
    """``key`` → id for the rows of ``table`` (optionally only where columns equal values)."""
    query = select(table.c[key], table.c.id)
    for col, value in (where or {}).items():
        query = query.where(table.c[col] == value)
    return {str(k): int(i) for k, i in conn.execute(query)}


def resolve(values: pd.Series, mapping: Mapping[str, int]) -> pd.Series:
    """Map source keys to database ids; keys with no id become NA."""
    keys = pd.Index(list(mapping.keys()), dtype="str")
    ids = np.fromiter(mapping.values(), dtype=np.int64, count=len(mapping))
    where = keys.get_indexer(pd.Index(values.astype("str")))
    found = pd.Series(
        ids[where] if len(ids) else np.zeros(len(where), np.int64),
        index=values.index,
        dtype="Int64",
    )
    return found.where(where >= 0)


Transform = Callable[[pd.DataFrame], pd.DataFrame]
