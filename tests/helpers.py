"""Small helpers the tests share: counting rows, corrupting copies of real files."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select, text

from rmdesk.db import open_database
from rmdesk.models import Base


def counts(url: str, *tables: str) -> dict[str, int]:
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            return {
                t: int(
                    conn.execute(
                        select(func.count()).select_from(Base.metadata.tables[t])
                    ).scalar_one()
                )
                for t in (tables or tuple(Base.metadata.tables))
            }
    finally:
        db.dispose()


def copy_folder(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    for f in target.iterdir():
        f.chmod(0o644)
    return target


def replace_line(path: Path, line_no: int, new: str) -> str:
    """Replace line ``line_no`` (1 = header) of a CRLF or LF file; returns the old line."""
    data = path.read_bytes().decode("latin-1")
    newline = "\r\n" if "\r\n" in data else "\n"
    lines = data.split(newline)
    old = lines[line_no - 1]
    lines[line_no - 1] = new
    path.write_bytes(newline.join(lines).encode("latin-1"))
    return old


def rows(url: str, sql: str, **params: object) -> list[tuple[object, ...]]:
    """Every row of a query, as tuples."""
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        db.dispose()


def scalar(url: str, sql: str, **params: object) -> object:
    """The first column of the first row of a query."""
    found = rows(url, sql, **params)
    return found[0][0] if found else None


def one(url: str, sql: str, **params: object) -> tuple[object, ...]:
    """The only row of a query."""
    (row,) = rows(url, sql, **params)
    return row
