"""An Excel workbook checked before openpyxl parses it.

openpyxl (and pandas over it) makes every row as wide as the widest and fills the rows missing
between two used ones, so one cell in column XFD or row 1,048,576 of a 70 KB file unfolds into
16,384 columns × every row. Here the archive's directory gives each member's uncompressed size,
and a pass over the sheet's XML (read in blocks, never whole) finds its last row and column and
its declared size; a sheet past a limit is refused, naming the cell, before openpyxl sees it.
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from xml.etree import ElementTree

from rmdesk.services.data.importing.files import open_file
from rmdesk.services.data.importing.limits import (
    CELLS_PER_BYTE,
    FREE_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_PART,
    MAX_XLSX_UNCOMPRESSED,
    MIB,
    cells_allowed,
    size,
)
from rmdesk.services.data.importing.problems import Problems, shorten

# Excel and openpyxl write `<row r="7" ...>` and `<c r="B7" ...>` with r first; those are counted
# with fast literal searches. Anything else (prefixed tags, r elsewhere or missing, where the
# position counts) takes the exact tag-by-tag pass.
_CELL_FAST = re.compile(rb'<c r="([A-Z]+)')
_ROW_FAST = re.compile(rb'<row r="([0-9]+)"')
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_R = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
_REF = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s[^>]*?ref\s*=\s*["']([^"']*)["']""")
_BLOCK = 4 * MIB
_RUN = MIB  # the longest stretch of a sheet without a '>' (text of one cell, or junk)


class _Refused(Exception):
    def __init__(self, row: int | None, column: str | None, message: str) -> None:
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


@dataclass
class Workbook:
    """An open workbook that passed the archive checks; ``sheets`` maps names to members."""

    fh: BinaryIO
    archive: zipfile.ZipFile
    sheets: dict[str, str] = field(default_factory=dict)

    def __enter__(self) -> Workbook:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.archive.close()
        self.fh.close()

    def check_sheet(self, sheet: str, problems: Problems, name: str) -> bool:
        """Whether ``sheet`` is within the limits; else a problem naming the cell."""
        member = self.sheets[sheet]
        try:
            _check_sheet(self.archive, member)
        except _Refused as refused:
            problems.add(name, refused.row, refused.column, refused.message)
            return False
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            problems.add(name, None, None, f"this is not a readable Excel workbook: {_say(exc)}")
            return False
        return True


def open_workbook(path: Path, problems: Problems, name: str | None = None) -> Workbook | None:
    """``path`` opened as a workbook if its archive is within the limits; else a problem."""
    name = name or path.name
    fh = open_file(path, problems, name)
    if fh is None:
        return None
    try:
        archive = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        fh.close()
        problems.add(name, None, None, f"this is not a readable Excel workbook: {_say(exc)}")
        return None
    book = Workbook(fh, archive)
    try:
        _check_archive(archive)
        book.sheets = _sheets(archive)
    except _Refused as refused:
        problems.add(name, refused.row, refused.column, refused.message)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as exc:
        problems.add(name, None, None, f"this is not a readable Excel workbook: {_say(exc)}")
    except ElementTree.ParseError as exc:
        problems.add(name, None, None, f"this is not a readable Excel workbook: {_say(exc)}")
    else:
        return book
    book.__exit__(None, None, None)
    return None


def _check_archive(archive: zipfile.ZipFile) -> None:
    """The members' uncompressed sizes, from the archive's directory (zipfile reads no more
    than a member declares, so a member cannot grow past its stated size)."""
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_XLSX_UNCOMPRESSED:
        raise _Refused(
            None,
            None,
            f"the workbook uncompresses to {size(total)}, more than the limit of "
            f"{size(MAX_XLSX_UNCOMPRESSED)} (uncompressed workbook)",
        )


def _sheets(archive: zipfile.ZipFile) -> dict[str, str]:
    """The worksheets by name, in the workbook's order, with the archive member of each."""
    main = "xl/workbook.xml"
    for rel in _relationships(archive, "_rels/.rels", ""):
        if rel[0].endswith("/officeDocument"):
            main = rel[1]
    folder, file = posixpath.split(main)
    targets = {
        rid: target
        for kind, target, rid in _relationships(
            archive, posixpath.join(folder, "_rels", file + ".rels"), folder
        )
        if kind.endswith("/worksheet")
    }
    sheets: dict[str, str] = {}
    for element in _xml(archive, main).iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next(
            (v for k, v in element.attrib.items() if k.startswith("{") and _local(k) == "id"), ""
        )
        title = element.get("name")
        if title and rid in targets and targets[rid] in archive.NameToInfo:
            sheets[title] = targets[rid]
    return sheets


def _relationships(
    archive: zipfile.ZipFile, member: str, folder: str
) -> list[tuple[str, str, str]]:
    """(type, target member, id) of each relationship in a .rels part."""
    if member not in archive.NameToInfo:
        return []
    found = []
    for element in _xml(archive, member).iter():
        if _local(element.tag) == "Relationship":
            target = element.get("Target", "")
            resolved = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            found.append(
                (element.get("Type", ""), posixpath.normpath(resolved), element.get("Id", ""))
            )
    return found


def _xml(archive: zipfile.ZipFile, member: str) -> ElementTree.Element:
    info = archive.getinfo(member)
    if info.file_size > MAX_XLSX_PART:
        raise _Refused(
            None,
            None,
            f"the workbook's part {member} is {size(info.file_size)}, more than the limit of "
            f"{size(MAX_XLSX_PART)} for a workbook's index (uncompressed workbook)",
        )
    # expat refuses entity expansion bombs, and ElementTree resolves no external entities
    return ElementTree.fromstring(archive.read(member))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass
class _Size:
    rows: int = 0
    columns: int = 0
    declared: str = ""  # the sheet's <dimension ref="A1:L200">, if it has one


def _check_sheet(archive: zipfile.ZipFile, member: str) -> None:
    nbytes = archive.getinfo(member).file_size
    found = _measure(archive, member, exact=False)
    if found is None:
        found = _measure(archive, member, exact=True)
    assert found is not None
    _check_dimension(found.declared)
    if found.rows > 1 and found.columns:
        cells = found.rows * found.columns
        if cells > cells_allowed(nbytes):
            raise _Refused(
                None,
                None,
                f"{found.rows:,} rows × {found.columns:,} columns would make {cells:,} cells "
                f"from {size(nbytes)} of sheet, more than the limit of cells per table "
                f"({CELLS_PER_BYTE} per byte + {FREE_CELLS:,}); are most rows empty?",
            )


def _measure(archive: zipfile.ZipFile, member: str, *, exact: bool) -> _Size | None:
    """The sheet's last row and column, refusing as soon as one is past a limit; None when the
    fast pass meets a tag it cannot count."""
    found = _Size()
    state = [0, 0]  # the exact pass's current row and column
    carry = b""
    first = True
    with archive.open(member) as xml:
        while True:
            chunk = xml.read(_BLOCK)
            buf = carry + chunk if carry else chunk
            if not buf:
                return found
            cut = buf.rfind(b">") + 1 if chunk else len(buf)
            if cut == 0:
                if len(buf) > _RUN:
                    raise _Refused(None, None, f"a run of more than {size(_RUN)} without markup")
                carry = buf
                continue
            block, carry = buf[:cut], buf[cut:]
            if first:
                declared = _DIMENSION.search(block)
                found.declared = declared.group(1).decode("ascii", "replace") if declared else ""
                first = False
            if exact:
                _exact(block, found, state)
            elif not _fast(block, found):
                return None
            if not chunk:
                return found


def _fast(block: bytes, found: _Size) -> bool:
    cells = _CELL_FAST.findall(block)
    rows = _ROW_FAST.findall(block)
    if (
        len(cells) != block.count(b"<c ")
        or len(rows) != block.count(b"<row ")
        or b"<c>" in block
        or b"<c/>" in block
        or b"<row>" in block
        or b":c " in block
        or b":row" in block
    ):
        return False
    if rows:
        _row(max(map(int, rows)), found)
    for letters in set(cells):
        _column(letters.decode(), found, functools.partial(_first_cell, block, letters))
    return True


def _exact(block: bytes, found: _Size, state: list[int]) -> None:
    """Tag by tag, as openpyxl counts: a row or cell without ``r`` follows the previous one."""
    for match in _TAG.finditer(block):
        ref = _R.search(match.group(2))
        value = ref.group(1).decode("ascii", "replace") if ref else ""
        if match.group(1) == b"row":
            try:
                state[0] = int(float(value)) if value else state[0] + 1
            except ValueError:
                message = f"row number {shorten(value)!r} is not a number"
                raise _Refused(None, None, message) from None
            state[1] = 0
            _row(state[0], found)
            continue
        parsed = _REF.fullmatch(value)
        state[1] = _index(parsed.group(1)) if parsed else state[1] + 1
        cell = value if parsed else f"{_letters(state[1])}{state[0]}"
        _column(_letters(state[1]), found, functools.partial(str, cell))


def _row(row: int, found: _Size) -> None:
    if row - 1 > MAX_ROWS:
        raise _Refused(row, None, f"row {row:,} is past the limit of {MAX_ROWS:,} rows per table")
    found.rows = max(found.rows, row)


def _column(letters: str, found: _Size, cell: Callable[[], str]) -> None:
    """Note a cell's column; ``cell`` names the cell (only asked for when it is refused)."""
    index = _index(letters)
    if index > MAX_COLUMNS:
        where = cell()
        row = _REF.fullmatch(where)
        raise _Refused(
            int(row.group(2)) if row else None,
            letters,
            f"cell {where} is in column {index:,}, past the limit of {MAX_COLUMNS:,} "
            "columns per table",
        )
    found.columns = max(found.columns, index)


def _first_cell(block: bytes, letters: bytes) -> str:
    match = re.search(rb'<c r="(' + letters + rb'[0-9]+)"', block)
    return match.group(1).decode() if match else letters.decode()


def _check_dimension(ref: str) -> None:
    """The size the sheet declares: openpyxl believes it, so it is held to the same limits."""
    end = _REF.fullmatch(ref.split(":")[-1])
    if not end:
        return
    column, row = _index(end.group(1)), int(end.group(2))
    if column > MAX_COLUMNS:
        raise _Refused(
            None,
            None,
            f"the sheet declares its size as {shorten(ref)}: column {column:,} is past the "
            f"limit of {MAX_COLUMNS:,} columns per table",
        )
    if row - 1 > MAX_ROWS:
        raise _Refused(
            None,
            None,
            f"the sheet declares its size as {shorten(ref)}: row {row:,} is past the "
            f"limit of {MAX_ROWS:,} rows per table",
        )


def _index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index


def _letters(index: int) -> str:
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _say(exc: BaseException) -> str:
    return shorten(str(exc) or type(exc).__name__, 200)
