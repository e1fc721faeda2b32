"""Reading a bank's files as tables of text, within the limits, before any value is parsed.

A text table or a workbook's sheet reaches its parser (pandas; openpyxl for a sheet) only once
it is known to be a regular file within every limit of limits.py (files.py, textscan.py,
workbook.py); then every cell is held to the cell length and NUL checks. What cannot be read is
a ``Problem`` naming the file and, where there is one, the line or the cell.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from rmdesk.services.data.importing import textscan
from rmdesk.services.data.importing.files import open_file
from rmdesk.services.data.importing.limits import (
    CELLS_PER_BYTE,
    FREE_CELLS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    cells_allowed,
    size,
)
from rmdesk.services.data.importing.problems import Problems, quote, shorten
from rmdesk.services.data.importing.tables import Checker, Table
from rmdesk.services.data.importing.workbook import open_workbook

SEPARATORS = (",", ";", "\t", "|")


def sniff_separator(header: str) -> str:
    """The separator that splits the header line into the most fields."""
    counts = {sep: len(next(iter(_split_quoted(header, sep)))) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] > 1 else ","


def _split_quoted(line: str, sep: str) -> Iterable[list[str]]:
    import csv

    try:
        return [next(csv.reader([line], delimiter=sep))]
    except (csv.Error, StopIteration):  # a stray carriage return or quote: count plainly
        return [line.split(sep)]


def read_text_table(
    path: Path,
    problems: Problems,
    *,
    name: str | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    lowercase: bool = True,
) -> Table | None:
    """Read a CSV-like file as text columns, or record why it cannot be read and return None.

    Nothing is read before the file is known to be a regular file within the size limit; then
    one pass in blocks checks the encoding, the lines and their number (textscan), and only a
    file within every limit reaches the parser.
    """
    name = name or path.name
    fh = open_file(path, problems, name)
    if fh is None:
        return None
    with fh:
        found = textscan.scan(fh, name, problems, encoding=encoding)
        if found is None:
            return None
        sep = sep or sniff_separator(found.header)
        columns = len(next(iter(_split_quoted(found.header, sep))))
        nbytes = os.fstat(fh.fileno()).st_size
        if not _fits(name, columns, found.lines, nbytes, problems):
            return None
        frame = _parse(fh, found, sep, nbytes, name, problems)
    if frame is None:
        return None
    return _finish(name, frame, lowercase, problems, has_nul=found.has_nul, longest=nbytes)


def _fits(name: str, columns: int, lines: int, nbytes: int, problems: Problems) -> bool:
    """Whether the table the parser would make is within the limits on columns and cells."""
    if columns > MAX_COLUMNS:
        limit = f"the limit of {MAX_COLUMNS:,} columns per table"
        problems.add(name, 1, None, f"{columns:,} columns, more than {limit}")
        return False
    cells = lines * columns
    if cells > cells_allowed(nbytes):
        # short lines are padded to the header's width: 500 columns over a million lines of
        # "1" would be 500 million cells from 2 MB
        problems.add(
            name,
            None,
            None,
            f"{lines:,} lines × {columns:,} columns would make {cells:,} cells from "
            f"{size(nbytes)}, more than the limit of cells per table ({CELLS_PER_BYTE} per byte "
            f"+ {FREE_CELLS:,}); do most lines lack fields?",
        )
        return False
    return True


def _parse(
    fh: BinaryIO, found: textscan.TextFile, sep: str, nbytes: int, name: str, problems: Problems
) -> pd.DataFrame | None:
    if nbytes > FAST_READ_BYTES and not found.blank_lines:
        fh.seek(found.start)
        frame = _read_fast(fh, found.encoding, sep)
        if frame is not None:
            return frame
    fh.seek(found.start)
    try:
        return pd.read_csv(
            fh,
            sep=sep,
            encoding=found.encoding,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        problems.add(name, None, None, "the file has no header line")
    except (pd.errors.ParserError, ValueError, UnicodeError, OverflowError) as exc:
        message = str(exc)
        problems.add(
            name,
            _line_of(message),
            None,
            f"the file is not a well-formed table: {shorten(message, 200)}",
        )
    return None


#: Files from this size on are parsed by Arrow's multi-threaded CSV reader.
FAST_READ_BYTES = 1 << 20


def _read_fast(fh: BinaryIO, encoding: str, sep: str) -> pd.DataFrame | None:
    """Arrow's CSV reader, where it gives the same rows and line numbers as the C parser.

    It skips blank lines and reports malformed rows without a line number, so a file with blank
    lines, or one it cannot parse, goes to the C parser instead (None).
    """
    try:
        return pd.read_csv(
            fh,
            sep=sep,
            encoding=encoding,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            engine="pyarrow",
        )
    except Exception:  # any complaint: let the C parser say precisely where
        return None


def read_excel_sheet(
    path: Path, sheet: str | int, problems: Problems, *, name: str
) -> Table | None:
    """Read one sheet of a workbook as text columns; cell dates come out as ISO text.

    The workbook's archive and the sheet's extent are checked first (workbook.py), so openpyxl
    only ever parses a sheet within the limits.
    """
    book = open_workbook(path, problems, name)
    if book is None:
        return None
    with book:
        titles = list(book.sheets)
        if isinstance(sheet, int):
            if sheet >= len(titles):
                problems.add(name, None, None, "the workbook has no worksheet")
                return None
            sheet = titles[sheet]
        if sheet not in book.sheets:
            problems.add(name, None, None, f"the workbook has no sheet named {quote(sheet)}")
            return None
        if not book.check_sheet(sheet, problems, name):
            return None
        book.fh.seek(0)
        try:
            frame = pd.read_excel(book.fh, sheet_name=sheet, dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            message = shorten(str(exc) or type(exc).__name__, 200)
            problems.add(name, None, None, f"this is not a readable Excel workbook: {message}")
            return None
    return _finish(name, frame, True, problems)


def _finish(
    name: str,
    frame: pd.DataFrame,
    lowercase: bool,
    problems: Problems,
    *,
    has_nul: bool = True,
    longest: int | None = None,
) -> Table | None:
    """The frame as a Table: names stripped, every cell within the limits, blank rows gone.

    ``has_nul`` False and ``longest`` (no cell can be longer: the file's size) spare the checks
    a small file cannot fail.
    """
    lines = np.arange(2, len(frame) + 2)
    if lowercase:
        frame.columns = [str(c).strip().lower() for c in frame.columns]
    else:
        frame.columns = [str(c).strip() for c in frame.columns]
    long_possible = longest is None or longest > MAX_CELL_CHARS
    if (has_nul or long_possible) and not _cells_fit(
        Table(name, frame, lines), problems, has_nul=has_nul, lengths=long_possible
    ):
        return None
    keep = frame.notna().any(axis=1).to_numpy()  # blank lines carry no row
    return Table(name, frame[keep].reset_index(drop=True), lines[keep])


def _cells_fit(table: Table, problems: Problems, *, has_nul: bool, lengths: bool) -> bool:
    """Every cell and column name within the length limit and free of NUL characters, which
    PostgreSQL cannot store in text; each one that is not is a problem naming its cell."""
    before = problems.total
    check = Checker(table, problems)
    for column in table.frame.columns:
        if len(column) > MAX_CELL_CHARS:
            problems.add(table.name, 1, column, _too_long(len(column), column))
        if has_nul and "\x00" in column:
            problems.add(table.name, 1, column, _nul(column))
    for position, column in enumerate(table.frame.columns):
        values = table.frame.iloc[:, position]
        if values.dtype != "str":
            values = values.astype("str")
        if lengths:
            count = values.str.len().to_numpy(dtype="float64", na_value=0)
            long = np.flatnonzero(count > MAX_CELL_CHARS)
            check.report(long, column, functools.partial(_too_long_at, count, values))
        if has_nul:
            nul = values.str.contains("\x00", regex=False).to_numpy(dtype=bool, na_value=False)
            check.report(np.flatnonzero(nul), column, functools.partial(_nul_at, values))
    return problems.total == before


def _too_long_at(lengths: np.ndarray, values: pd.Series, i: int) -> str:
    return _too_long(int(lengths[i]), values.iloc[i])


def _nul_at(values: pd.Series, i: int) -> str:
    return _nul(values.iloc[i])


def _too_long(length: int, value: str) -> str:
    return (
        f"{length:,} characters, more than the limit of {MAX_CELL_CHARS:,} characters per cell "
        f"(cell length): {quote(value)}"
    )


def _nul(value: str) -> str:
    return "a NUL character (\\x00) is not allowed in text (PostgreSQL cannot store it): " + quote(
        value
    )


def _line_of(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None
