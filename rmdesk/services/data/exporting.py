"""Any table out to CSV or Excel, streamed, numbers masked, spreadsheet formulas neutralised.

CSV is written UTF-8 with a byte-order mark so that Excel opens Chinese text correctly.

**Masking.** Every export masks the columns whose name says they hold an ID, account, card or
phone number (``masking.is_masked_column``) with the same function as the screen and the
printed pages. Only an administrator may export them unmasked (``unmasked=True``), and the
audit entry says so.

**Formulas.** A cell whatever reads it must stay text: one rule (``safe_cell``) for CSV and
Excel puts an apostrophe before every place a spreadsheet could start a formula: the start of
the cell, and the start of what a reader splitting on another separator (``,`` ``;`` tab ``|``
or a line break) would take for a cell, when that begins with = + - @ a tab or a line break
(after any quote marks). In CSV every such cell is also quoted. So "=HYPERLINK(...)" typed into
rmdesk stays text, and so does "a;=1+1" opened by a spreadsheet that splits on semicolons.

Money columns keep their ``_minor`` names and integer minor units: exact, and documented in
docs/import-format.md. Password hashes never leave the database.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import JSON, Engine, Table, Text, cast, func, select

from rmdesk import local_files
from rmdesk.models import TABLES_IN_ORDER, Base
from rmdesk.services.common import audit
from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.common.masking import mask_cell, masked_columns
from rmdesk.services.common.progress import NullProgress, Progress, check

FORMATS = ("csv", "xlsx")
HIDDEN = {"users": {"password_hash"}}
XLSX_MAX_ROWS = 1_048_575  # one row of the sheet's 1,048,576 is the header
BATCH = 20_000
#: where a spreadsheet may start reading a cell: the start, or after a separator some reader
#: splits on; a formula starts there (after any quotes) with one of = + - @ tab CR LF
_FORMULA_START = re.compile(r'(?:^|(?<=[,;\t|\r\n]))("*)(?=[=+\-@\t\r\n])')
#: what makes a CSV cell need quotes even when it is harmless
_CSV_SPECIAL = re.compile(r'[,"\r\n]')


class ExportError(Exception):
    """The export cannot be made; the message says why."""


def exportable_tables() -> list[str]:
    return list(TABLES_IN_ORDER)


def _plain(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet cell (CSV or Excel alike): an apostrophe goes before every
    place a formula could start (see the module's docstring); anything else is left as it is."""
    value = _plain(value)
    if isinstance(value, str):
        return _FORMULA_START.sub(r"\1'", value)
    return value


def _csv_field(value: Any) -> str:
    """One CSV field: a risky cell (one ``safe_cell`` changed) is always quoted."""
    if value is None:
        return ""
    plain = _plain(value)
    safe = safe_cell(plain)
    text = str(safe)
    if safe != plain or _CSV_SPECIAL.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_csv_row(fh: TextIO, cells: Iterable[Any]) -> None:
    fields = [_csv_field(v) for v in cells]
    if fields == [""]:  # a row of one empty cell, not an empty line (as the csv module writes)
        fields = ['""']
    fh.write(",".join(fields) + "\r\n")


def _masked(rows: Iterable[Sequence[Any]], positions: list[int]) -> Iterator[Sequence[Any]]:
    if not positions:
        yield from rows
        return
    for row in rows:
        cells = list(row)
        for i in positions:
            cells[i] = mask_cell(cells[i])
        yield cells


@open_to(ADMINS)
def allow_unmasked(engine: Engine, *, who: Account) -> None:
    """The check before numbers leave unmasked: only an administrator passes it (a refusal is
    audited like every other)."""


def _columns(table: Table) -> list[str]:
    hidden = HIDDEN.get(table.name, set())
    return [c.name for c in table.columns if c.name not in hidden]


def _as_stored(column: Any) -> Any:
    """A JSON column as the text stored (Python's JSON reader refuses some valid JSON, such as
    a 5,000-digit number; an export writes the text anyway); other columns as they are."""
    return cast(column, Text).label(column.name) if isinstance(column.type, JSON) else column


def _rows(engine: Engine, table: Table, columns: Sequence[str]) -> Iterator[Sequence[Any]]:
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
            select(*[_as_stored(table.c[c]) for c in columns]).order_by(*table.primary_key.columns)
        )
        yield from result


@open_to(ADMINS)
def export_table(
    engine: Engine,
    name: str,
    fmt: str,
    path: Path,
    *,
    unmasked: bool = False,
    progress: Progress | None = None,
    who: Account,
) -> int:
    """Write table ``name`` to ``path``; returns the number of rows."""
    if unmasked:
        allow_unmasked(engine, who=who)
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
    return write_rows(
        engine,
        name,
        columns,
        rows,
        total,
        fmt,
        path,
        unmasked=unmasked,
        progress=progress,
        who=who,
    )


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
    keys: Sequence[str] | None = None,
    unmasked: bool = False,
    progress: Progress | None = None,
    detail: dict[str, Any] | None = None,
    who: Account,
) -> int:
    """Write rows to ``path`` via a temporary file (never a half-written file) and audit it.

    The columns whose names (``keys``, else ``columns``: pass ``keys`` when the header is
    translated titles) say they hold ID, account or phone numbers are masked, unless
    ``unmasked``, which only an administrator may ask for. The file is its owner's only (0600):
    it holds clients' data.
    """
    if unmasked:
        allow_unmasked(engine, who=who)
    progress = progress or NullProgress()
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}")
    if not unmasked:
        rows = _masked(rows, masked_columns(list(keys or columns)))
    tmp = path.with_name(path.name + ".part")
    try:
        local_files.create_private(tmp)  # both writers open it by name, which keeps the mode
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
            {
                "format": fmt,
                "rows": written,
                "path": str(path),
                **(detail or {}),
                **({"unmasked": True} if unmasked else {}),
            },
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
        _write_csv_row(fh, columns)
        for row in rows:
            _write_csv_row(fh, row)
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


#: characters an Excel file cannot hold (control characters other than tab and line breaks)
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_cell(value: Any) -> Any:
    value = safe_cell(value)
    if isinstance(value, str):  # a stray control character would make the file unwritable
        value = _NOT_IN_XLSX.sub("\ufffd", value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; values are UTC
    if (
        value is not None
        and not isinstance(value, int | float | str | bool)
        and not hasattr(value, "isoformat")
    ):
        return str(value)
    return value
