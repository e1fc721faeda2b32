"""How large an input may be: every limit the importers enforce, in one place.

Each limit is checked before the part of a file it guards is read into memory, so that a small
hostile file (a million columns, a cell in column XFD, a sparse file of zeros) is refused instead
of unfolding into gigabytes. docs/import-format.md lists the same numbers in its "Limits" table
(tests/unit/test_import_limits.py compares the two); change both together.
"""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1 << 10
MIB = 1 << 20
GIB = 1 << 30

#: Size of one input file (CSV, text or .xlsx), checked from the file's status before it is opened.
MAX_FILE_BYTES = 1 * GIB
#: Length of one line of a text table, in bytes (a cell with line breaks spans several lines).
MAX_LINE_BYTES = 1 * MIB
#: Columns per table (the header's fields, or a sheet's last used column).
MAX_COLUMNS = 500
#: Characters in one cell (and in one column name).
MAX_CELL_CHARS = 10_000
#: Data rows per table: lines after the header of a text file, rows after the first of a sheet.
MAX_ROWS = 5_000_000
#: A workbook's members once uncompressed, all together (read from the archive's directory).
MAX_XLSX_UNCOMPRESSED = 512 * MIB
#: ... and each of its index parts (workbook.xml and the relationships), which are parsed whole.
MAX_XLSX_PART = 16 * MIB
#: Cells a table may unfold into per byte of its file (of the sheet's XML for a workbook) ...
CELLS_PER_BYTE = 4
#: ... plus this many for any file: short lines or empty rows cannot blow a small file up.
FREE_CELLS = 1_000_000


@dataclass(frozen=True)
class Limit:
    """One limit as docs/import-format.md shows it."""

    name: str
    shown: str


def size(n: int) -> str:
    """A byte count as people read it: '1 GiB', '512 MiB', '7.9 MiB', '812 bytes'."""
    for unit, scale in (("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n:,} bytes"


LIMITS = (
    Limit("file size", size(MAX_FILE_BYTES)),
    Limit("line length", size(MAX_LINE_BYTES)),
    Limit("columns per table", f"{MAX_COLUMNS:,}"),
    Limit("cell length", f"{MAX_CELL_CHARS:,} characters"),
    Limit("rows per table", f"{MAX_ROWS:,}"),
    Limit("uncompressed workbook", size(MAX_XLSX_UNCOMPRESSED)),
    Limit("cells per table", f"{CELLS_PER_BYTE} per byte + {FREE_CELLS:,}"),
)


def cells_allowed(nbytes: int) -> int:
    """How many cells (rows × columns) a table read from ``nbytes`` of file may have."""
    return CELLS_PER_BYTE * nbytes + FREE_CELLS
