"""Any table out to CSV or Excel, streamed, with spreadsheet formula injection neutralised.

CSV is written UTF-8 with a byte-order mark so that Excel opens Chinese text correctly. A cell
whose text starts with = + - @ or a control character gets a leading apostrophe, so a name like
"=HYPERLINK(...)" typed into rmdesk stays text in the analyst's spreadsheet. Money columns keep
their ``_minor`` names and integer minor units: exact, and documented in docs/import-format.md.
Password hashes never leave the database.
"""

from __future__ import annotations

import csv
import enum
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, func, select

from rmdesk.models import TABLES_IN_ORDER, Base
from rmdesk.services import audit
from rmdesk.services.access import ADMINS, Account, open_to
from rmdesk.services.progress import NullProgress, Progress, check

FORMATS = ("csv", "xlsx")
HIDDEN = {"users": {"password_hash"}}
XLSX_MAX_ROWS = 1_048_575  # one row of the sheet's 1,048,576 is the header
BATCH = 20_000
_RISKY = ("=", "+", "-", "@", "\t", "\r", "\n")


class ExportError(Exception):
    """The export cannot be made; the message says why."""


def exportable_tables() -> list[str]:
    return list(TABLES_IN_ORDER)


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet cell: text that could be read as a formula is made literal."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_RISKY):
        return "'" + value
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _columns(table: Table) -> list[str]:
    hidden = HIDDEN.get(table.name, set())
    return [c.name for c in table.columns if c.name not in hidden]


def _rows(engine: Engine, table: Table, columns: Sequence[str]) -> Iterator[Sequence[Any]]:
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
            select(*[table.c[c] for c in columns]).order_by(*table.primary_key.columns)
        )
        yield from result


@open_to(ADMINS)
def export_table(
    engine: Engine,
    name: str,
    fmt: str,
    path: Path,
    *,
    progress: Progress | None = None,
    who: Account,
) -> int:
    """Write table ``name`` to ``path``; returns the number of rows."""
    progress = progress or NullProgress()
    if name not in Base.metadata.tables:
        raise ExportError(f"no table {name!r}; tables: {', '.join(exportable_tables())}")
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}")
    table = Base.metadata.tables[name]
    columns = _columns(table)
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    rows = _rows(engine, table, columns)
    return write_rows(engine, name, columns, rows, total, fmt, path, progress=progress, who=who)


@open_to()
def write_rows(
    engine: Engine,
    name: str,
    columns: list[str],
    rows: Iterable[Sequence[Any]],
    total: int,
    fmt: str,
    path: Path,
    *,
    progress: Progress | None = None,
    detail: dict[str, Any] | None = None,
    who: Account,
) -> int:
    """Write rows to ``path`` via a temporary file (never a half-written file) and audit it."""
    progress = progress or NullProgress()
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}")
    tmp = path.with_name(path.name + ".part")
    try:
        written = (_csv if fmt == "csv" else _xlsx)(name, columns, rows, tmp, total, progress)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with engine.begin() as conn:
        audit.record(
            conn,
            who,
            "export",
            name,
            None,
            {"format": fmt, "rows": written, "path": str(path), **(detail or {})},
        )
    return written


def _csv(
    name: str,
    columns: list[str],
    rows: Iterable[Sequence[Any]],
    path: Path,
    total: int,
    progress: Progress,
) -> int:
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
            n += 1
            if n % BATCH == 0:
                check(progress)
                progress.report(n, total, name)
    progress.report(n, total, name)
    return n


def _xlsx(
    name: str,
    columns: list[str],
    rows: Iterable[Sequence[Any]],
    path: Path,
    total: int,
    progress: Progress,
) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = None
    n = 0
    for row in rows:
        if n % XLSX_MAX_ROWS == 0:  # a sheet holds about a million rows; go on in the next
            part = n // XLSX_MAX_ROWS + 1
            sheet = book.create_sheet(name if part == 1 else f"{name}_{part}")
            sheet.append(columns)
        assert sheet is not None
        sheet.append([_xlsx_cell(v) for v in row])
        n += 1
        if n % BATCH == 0:
            check(progress)
            progress.report(n, total, name)
    if sheet is None:
        book.create_sheet(name).append(columns)
    book.save(path)
    progress.report(n, total, name)
    return n


def _xlsx_cell(value: Any) -> Any:
    value = safe_cell(value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; values are UTC
    if (
        value is not None
        and not isinstance(value, int | float | str | bool)
        and not hasattr(value, "isoformat")
    ):
        return str(value)
    return value
