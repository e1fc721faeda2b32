"""Bulk writes of many rows in one transaction: plain tuples straight to the driver.

SQLAlchemy's ``execute(insert(t), [dict, ...])`` builds, checks and processes a parameter
dictionary per row (about 12 µs a row): more than the database's own work for a nightly run's
hundreds of thousands of rows. Here each column's type conversion (the same bind processor
SQLAlchemy would use: enums to their stored text, JSON to text, dates and Decimals as the
dialect stores them) is looked up once, and the rows go as tuples:

- PostgreSQL: ``COPY ... FROM STDIN`` (psycopg), for inserts; updates are copied into a
  temporary table and applied with one ``UPDATE ... FROM``;
- SQLite: the driver's ``executemany`` of one prepared statement.

Both run on the caller's connection, inside its transaction: all of it is kept or none.
Python-side column defaults the caller leaves out are filled in (server defaults are the
database's own).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Connection, Table
from sqlalchemy.exc import DBAPIError

#: rows per executemany on SQLite, and per block written to COPY
CHUNK = 5_000


def _processors(conn: Connection, table: Table, columns: Sequence[str]) -> list[Any]:
    dialect = conn.dialect
    out = []
    for name in columns:
        col: Column[Any] = table.c[name]
        out.append(col.type.dialect_impl(dialect).bind_processor(dialect))
    return out


def _defaults(table: Table, columns: Sequence[str]) -> tuple[list[str], list[Any]]:
    """The columns left out that have a Python-side default, and their values."""
    names, values = [], []
    for col in table.columns:
        if col.name in columns or col.default is None:
            continue
        default: Any = col.default
        if default.is_scalar:
            values.append(default.arg)
        elif default.is_callable:
            values.append(default.arg(None))
        else:  # a SQL expression or sequence: the database's
            continue
        names.append(col.name)
    return names, values


def _converted(
    processors: list[Any], rows: Iterable[Sequence[Any]], extra: list[Any]
) -> Iterable[tuple[Any, ...]]:
    pairs = list(enumerate(processors))
    live = [(i, p) for i, p in pairs if p is not None]
    tail = tuple(extra)
    if not live:
        for row in rows:
            yield tuple(row) + tail
        return
    for row in rows:
        out = list(row)
        for i, p in live:
            v = out[i]
            if v is not None:
                out[i] = p(v)
        yield tuple(out) + tail


def _chunks(rows: Iterable[tuple[Any, ...]], size: int = CHUNK) -> Iterable[list[tuple[Any, ...]]]:
    block: list[tuple[Any, ...]] = []
    for row in rows:
        block.append(row)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


@contextmanager
def _as_sqlalchemy(conn: Connection, sql: str) -> Iterator[None]:
    """The driver's errors raised as SQLAlchemy's (an ``IntegrityError`` is one whichever way
    the rows went)."""
    dbapi = conn.dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as e:
        raise DBAPIError.instance(sql, None, e, dbapi.Error, dialect=conn.dialect) from e


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def insert_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``; the count."""
    rows = list(rows)
    if not rows:
        return 0
    names, values = _defaults(table, columns)
    every = [*columns, *names]
    # the defaults are values of the Python side: converted like the caller's
    processors = _processors(conn, table, every)
    tail = _convert(processors[len(columns) :], values)
    tuples = _converted(processors[: len(columns)], rows, tail)
    cols = ", ".join(_quote(conn, c) for c in every)
    target = _quote(conn, table.name)
    written = 0
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        sql = f"COPY {target} ({cols}) FROM STDIN"
        with _as_sqlalchemy(conn, sql), raw.cursor() as cur, cur.copy(sql) as copy:
            for row in tuples:
                copy.write_row(row)
                written += 1
        return written
    marks = ", ".join("?" * len(every))
    sql = f"INSERT INTO {target} ({cols}) VALUES ({marks})"
    cursor = conn.connection.cursor()
    try:
        with _as_sqlalchemy(conn, sql):
            for block in _chunks(tuples):
                cursor.executemany(sql, block)
                written += len(block)
    finally:
        cursor.close()
    return written


def _convert(processors: list[Any], values: list[Any]) -> list[Any]:
    return [v if p is None or v is None else p(v) for p, v in zip(processors, values, strict=True)]


def update_rows(
    conn: Connection,
    table: Table,
    key: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    also: dict[str, str] | None = None,
) -> int:
    """Set ``columns`` of the rows of ``table`` whose ``key`` is each row's first value (tuples:
    the key, then the columns' values); ``also``: more assignments as SQL on the table's own
    columns (``{"version": "version + 1"}``). The count of rows given."""
    every = [key, *columns]
    processors = _processors(conn, table, every)
    tuples = _converted(processors, rows, [])
    q = _quote
    target = q(conn, table.name)
    extra = [f"{q(conn, c)} = {sql}" for c, sql in (also or {}).items()]
    written = 0
    if conn.dialect.name == "postgresql":
        temp = f"bulk_{table.name}"
        typed = ", ".join(f"{q(conn, c)} {_pg_type(conn, table.c[c])}" for c in every)
        conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {temp} ({typed}) ON COMMIT DROP")
        raw = conn.connection.driver_connection
        assert raw is not None
        cols = ", ".join(q(conn, c) for c in every)
        sql = f"COPY pg_temp.{temp} ({cols}) FROM STDIN"
        keys = []
        with _as_sqlalchemy(conn, sql), raw.cursor() as cur, cur.copy(sql) as copy:
            for row in tuples:
                copy.write_row(row)
                keys.append(row[0])
                written += 1
        # the temporary table's size told to the planner: a few thousand rows are looked up by
        # key, not joined by reading the whole target table (a nightly run's suggestions:
        # 0.22 s for 3,000 of 160,000 rows without it, 0.07 s with it)
        conn.exec_driver_sql(f"ANALYZE pg_temp.{temp}")
        sets = [f"{q(conn, c)} = s.{q(conn, c)}" for c in columns] + extra
        column = f"{target}.{q(conn, key)}"
        conn.exec_driver_sql(
            f"UPDATE {target} SET {', '.join(sets)} FROM pg_temp.{temp} s "
            f"WHERE {column} = s.{q(conn, key)}{_within(column, keys)}"
        )
        conn.exec_driver_sql(f"DROP TABLE pg_temp.{temp}")
        return written
    assigned = ", ".join([f"{q(conn, c)} = ?" for c in columns] + extra)
    sql = f"UPDATE {target} SET {assigned} WHERE {q(conn, key)} = ?"
    cursor = conn.connection.cursor()
    try:
        with _as_sqlalchemy(conn, sql):
            for block in _chunks(tuples):
                cursor.executemany(sql, [(*row[1:], row[0]) for row in block])
                written += len(block)
    finally:
        cursor.close()
    return written


def _within(column: str, keys: list[Any]) -> str:
    """A condition bounding ``column`` to the range of integer ``keys`` (none for other keys):
    the update then reads only that range of the table's key index, whatever join the planner
    picks. Unbounded, a merge join reads the index from its start to the batch's last key, so
    a run's batches in key order read it again and again (docs/benchmarks.md: a nightly run's
    ranks at a million clients, 5.0 -> 3.85 s)."""
    if not keys or not all(type(k) is int for k in keys):
        return ""
    return f" AND {column} BETWEEN {int(min(keys))} AND {int(max(keys))}"


def _pg_type(conn: Connection, col: Column[Any]) -> str:
    return str(col.type.compile(dialect=conn.dialect))
