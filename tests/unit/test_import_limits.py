"""Hostile files: each limit of rmdesk/services/data/importing/limits.py refused early, naming
the file, the row or column and the limit; what is not a regular file refused before anything
opens it (a test that opened a named pipe would never finish: each runs under a timer); one
encoding per file. The same inputs through the command line: tests/db/test_import_limits.py.
"""

from __future__ import annotations

import os
import signal
import socket
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import openpyxl
import pytest

from rmdesk.services.data.importing import limits, reading, tables, workbook
from rmdesk.services.data.importing.limits import (
    LIMITS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_LINE_BYTES,
    MAX_ROWS,
)
from rmdesk.services.data.importing.problems import Problems
from rmdesk.services.data.importing.reading import read_excel_sheet, read_text_table
from tests.conftest import ROOT


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: a read that blocks (a named pipe opened) is interrupted."""

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise TimeoutError(f"still running after {seconds} s: something blocked")

    before = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def read(path: Path, **kwargs: object) -> tuple[tables.Table | None, list[str]]:
    problems = Problems()
    with within(20):
        table = read_text_table(path, problems, **kwargs)  # type: ignore[arg-type]
    return table, [str(p) for p in problems.listed]


def sheet(path: Path, sheet_name: str | int = 0) -> tuple[tables.Table | None, list[str]]:
    problems = Problems()
    with within(20):
        table = read_excel_sheet(path, sheet_name, problems, name=path.name)
    return table, [str(p) for p in problems.listed]


def sparse(path: Path, nbytes: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(nbytes)
    return path


# --- the limits, in the code and in the documentation -----------------------------------------


def test_the_documented_limits_are_the_enforced_ones() -> None:
    doc = (ROOT / "docs" / "import-format.md").read_text(encoding="utf-8")
    section = doc.split("\n## Limits\n", 1)[1].split("\n## ", 1)[0]
    documented = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2:
            documented[cells[0]] = cells[1]
    assert {limit.name: documented.get(limit.name) for limit in LIMITS} == {
        limit.name: limit.shown for limit in LIMITS
    }


# --- what is not a regular file ------------------------------------------------------------------


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A folder with a short path: a Unix socket's path must fit in about 100 bytes."""
    with tempfile.TemporaryDirectory(prefix="rmd") as folder:
        yield Path(folder)


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("fifo", "a named pipe (FIFO)"),
        ("device", "a character device"),
        ("socket", "a socket"),
        ("folder", "a folder"),
    ],
)
def test_what_is_not_a_regular_file_is_refused_before_it_is_opened(
    short_dir: Path, kind: str, words: str
) -> None:
    path = short_dir / "clients.csv"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    else:
        path.mkdir()
    table, said = read(path)
    assert table is None
    assert said == [f"{path.name}: {path} is {words}, not a regular file; give a file"]
    if kind == "socket":
        server.close()


def test_a_file_past_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = sparse(tmp_path / "clients.csv", MAX_FILE_BYTES + 1)
    table, said = read(path)
    assert table is None and len(said) == 1
    assert said[0].startswith(f"clients.csv: {path} is 1.0 GiB, more than the limit of 1 GiB")
    assert "(file size)" in said[0]


# --- text tables ---------------------------------------------------------------------------------


def test_a_sparse_file_of_zeros_stops_at_its_first_line(tmp_path: Path) -> None:
    table, said = read(sparse(tmp_path / "bank-full.csv", 512 * limits.MIB))
    assert table is None
    assert said == [
        "bank-full.csv, row 1: the line is longer than 1 MiB, the limit of line length "
        "(is this a text table?)"
    ]


def test_a_million_columns_stop_at_the_header(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n1\n")
    table, said = read(path)
    assert table is None and said[0].startswith("clients.csv, row 1: the line is longer than")


def test_a_long_line_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(b"client_id,name\n1,a\n2," + b"x" * MAX_LINE_BYTES + b"\n3,c\n")
    table, said = read(path)
    assert table is None and said[0].startswith("clients.csv, row 3: the line is longer than")


def test_more_columns_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\n" + "1," * 500 + "1\n")
    table, said = read(path)
    assert table is None
    assert said == ["clients.csv, row 1: 501 columns, more than the limit of 500 columns per table"]
    path.write_text(",".join(f"c{i}" for i in range(MAX_COLUMNS)) + "\n" + "1," * 499 + "1\n")
    table, said = read(path)
    assert table is not None and not said


def test_more_rows_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "trans.csv"
    path.write_bytes(b"n\n" + b"1\n" * (MAX_ROWS + 1))
    table, said = read(path)
    assert table is None
    assert said[0].startswith(
        "trans.csv, row 5000002: more than 5,000,000 rows, the limit of rows per table"
    )


def test_short_lines_cannot_unfold_a_small_file(tmp_path: Path) -> None:
    """500 columns over 10,000 lines of one field: 5 million cells from 23 KB."""
    path = tmp_path / "clients.csv"
    path.write_text(",".join(f"c{i}" for i in range(500)) + "\n" + "1\n" * 10_000)
    table, said = read(path)
    assert table is None
    assert said[0].startswith("clients.csv: 10,001 lines × 500 columns would make 5,000,500 cells")
    assert "limit of cells per table" in said[0]


def test_a_cell_past_the_limit_is_named_and_quoted_short(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(f"client_id,name\n1,a\n2,{'长' * (MAX_CELL_CHARS + 1)}\n", encoding="utf-8")
    table, said = read(path)
    assert table is None and len(said) == 1
    assert said[0].startswith(
        "clients.csv, row 3, column name: 10,001 characters, more than the limit of 10,000 "
        "characters per cell (cell length): '长长"
    )
    assert said[0].endswith("长…'") and len(said[0]) < 250


def test_a_bad_cell_is_quoted_short(tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text("amount\n1.5\n" + "9" * 5000 + "x\n")
    table, said = read(path)
    assert table is not None and not said
    problems = Problems()
    tables.Checker(table, problems).money("amount")
    (message,) = [str(p) for p in problems.listed]
    assert message.startswith("facts.csv, row 3, column amount: expected an amount")
    assert message.endswith("9999…'") and len(message) < 200


def test_a_nul_character_is_a_problem_naming_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(b"client_id,name\n1,ok\n2,\xe7\x8e\x8b\x00\xe4\xba\x94\n")
    table, said = read(path)
    assert table is None
    assert said == [
        "clients.csv, row 3, column name: a NUL character (\\x00) is not allowed in text "
        "(PostgreSQL cannot store it): '王\\x00五'"
    ]


# --- encodings -----------------------------------------------------------------------------------


def test_a_utf8_file_with_one_gbk_line_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    lines = [f"{i},张三{i}".encode() for i in range(1, 40)]
    lines[16] = "17,李四".encode("gbk")
    path.write_bytes(b"client_id,name\n" + b"\n".join(lines) + b"\n")
    table, said = read(path)
    assert table is None
    offset = len(b"client_id,name\n" + b"\n".join(lines[:16])) + 1 + len(b"17,")
    assert said == [
        "clients.csv, row 18: this line is not UTF-8 but 38 other lines are; a file must be in "
        f"one encoding (first bad byte at offset {offset:,}): '17,\\xc0\\xee\\xcb\\xc4'; "
        "save the whole file as UTF-8, or give --encoding"
    ]


def test_a_gbk_file_is_read_and_latin1_only_when_named(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes("client_id,name\n1,张三丰\n2,李四\n".encode("gbk"))
    table, said = read(path)
    assert table is not None and table.frame["name"].tolist() == ["张三丰", "李四"]
    path.write_bytes("client_id,name\n1,José\n2,Nuñez\n".encode("cp1252"))
    table, said = read(path)
    assert table is None
    assert said[0].startswith("clients.csv, row 2: this line is neither UTF-8 nor GBK/GB18030")
    assert "'1,Jos\\xe9'" in said[0] and "--encoding" in said[0]
    table, said = read(path, encoding="cp1252")
    assert table is not None and table.frame["name"].tolist() == ["José", "Nuñez"]


def test_every_line_must_be_valid_in_the_named_encoding(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(b"client_id,name\n1,a\n2," + "é".encode() * 200 + b"\n")
    table, said = read(path, encoding="ascii")
    assert table is None and len(said[0]) < 250
    assert said[0].startswith(
        "clients.csv, row 3: this line is not valid ascii (first bad byte at offset 21): "
        "'2,\\xc3\\xa9"
    )


def test_the_bom_says_utf8_for_every_line(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(b"\xef\xbb\xbfclient_id,name\n1," + "张".encode() + b"\n2,\xd5\xc5\n")
    table, said = read(path)
    assert table is None and said[0].startswith(
        "clients.csv, row 3: this line is not UTF-8, though"
    )
    path.write_bytes(b"\xef\xbb\xbfclient_id,name\n1," + "张".encode() + b"\n")
    table, said = read(path)
    assert table is not None and list(table.frame.columns) == ["client_id", "name"]


@pytest.mark.parametrize(
    ("content", "encoding", "message"),
    [
        ("a,b\n1,2\n".encode("utf-16"), None, "this is UTF-16 or UTF-32 text; save it as UTF-8"),
        (b"a,b\n1,2\n", "utf-16", "the encoding 'utf-16' is not supported for tables"),
        (b"a,b\n1,2\n", "klingon", "unknown encoding 'klingon'"),
    ],
)
def test_wide_and_unknown_encodings_are_refused_plainly(
    tmp_path: Path, content: bytes, encoding: str | None, message: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    table, said = read(path, encoding=encoding)
    assert table is None and said[0].startswith(f"x.csv: {message}")


# --- Excel workbooks -----------------------------------------------------------------------------


def book(path: Path, cells: dict[str, str], edit: tuple[bytes, bytes] | None = None) -> Path:
    """A one-sheet workbook ('clients') with ``cells``; ``edit`` replaces bytes in its XML."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "clients"
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    if edit:
        with zipfile.ZipFile(path) as src:
            parts = {info.filename: src.read(info) for info in src.infolist()}
        xml = parts["xl/worksheets/sheet1.xml"]
        assert edit[0] in xml
        parts["xl/worksheets/sheet1.xml"] = xml.replace(*edit)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in parts.items():
                out.writestr(name, data)
    return path


HEADER = {"A1": "client_id", "B1": "name", "A2": "1", "B2": "x"}


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refusal must come before openpyxl parses the sheet (pandas reads it through openpyxl)."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the sheet was parsed")

    monkeypatch.setattr(reading.pd, "read_excel", refuse)


@pytest.mark.usefixtures("no_openpyxl")
def test_a_cell_in_column_xfd_is_refused_before_the_sheet_is_parsed(tmp_path: Path) -> None:
    path = book(tmp_path / "clients.xlsx", {**HEADER, "XFD2": "boom"})
    table, said = sheet(path)
    assert table is None
    assert said == [
        "clients.xlsx, row 2, column XFD: cell XFD2 is in column 16,384, past the limit of 500 "
        "columns per table"
    ]


@pytest.mark.usefixtures("no_openpyxl")
def test_cells_without_coordinates_count_as_openpyxl_counts_them(tmp_path: Path) -> None:
    wide = b'<row r="3">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 501 + b"</row>"
    path = book(tmp_path / "clients.xlsx", HEADER, (b"</sheetData>", wide + b"</sheetData>"))
    table, said = sheet(path)
    assert table is None
    assert said == [
        "clients.xlsx, row 3, column SG: cell SG3 is in column 501, past the limit of 500 "
        "columns per table"
    ]


@pytest.mark.usefixtures("no_openpyxl")
def test_a_declared_size_past_the_limits_is_refused(tmp_path: Path) -> None:
    path = book(tmp_path / "clients.xlsx", HEADER, (b'ref="A1:B2"', b'ref="A1:B9000000"'))
    table, said = sheet(path)
    assert table is None
    assert said == [
        "clients.xlsx: the sheet declares its size as A1:B9000000: row 9,000,000 is past the "
        "limit of 5,000,000 rows per table"
    ]


@pytest.mark.usefixtures("no_openpyxl")
def test_rows_far_apart_cannot_unfold_a_small_sheet(tmp_path: Path) -> None:
    path = book(tmp_path / "clients.xlsx", {**HEADER, "SF1": "last", "A200000": "far"})
    table, said = sheet(path)
    assert table is None
    assert said[0].startswith(
        "clients.xlsx: 200,000 rows × 500 columns would make 100,000,000 cells"
    )
    assert "limit of cells per table" in said[0]


@pytest.mark.usefixtures("no_openpyxl")
def test_a_workbook_past_the_uncompressed_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook, "MAX_XLSX_UNCOMPRESSED", 4096)  # writing 512 MiB takes long
    path = book(tmp_path / "clients.xlsx", HEADER)
    table, said = sheet(path)
    assert table is None and said[0].startswith("clients.xlsx: the workbook uncompresses to")
    assert said[0].endswith("more than the limit of 4 KiB (uncompressed workbook)")


def test_a_long_cell_in_a_sheet_is_named(tmp_path: Path) -> None:
    path = book(tmp_path / "clients.xlsx", {**HEADER, "B3": "y" * (MAX_CELL_CHARS + 1)})
    table, said = sheet(path)
    assert table is None and said[0].startswith(
        "clients.xlsx, row 3, column name: 10,001 characters, more than the limit"
    )


def test_a_sheet_within_the_limits_is_read(tmp_path: Path) -> None:
    path = book(tmp_path / "clients.xlsx", {**HEADER, "SF2": "wide but allowed"})
    table, said = sheet(path)
    assert table is not None and not said and len(table.frame.columns) == MAX_COLUMNS
