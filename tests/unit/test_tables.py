"""Reading bank files: encodings, separators, dates, money, and problems that name the place."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from rmdesk.services.data.importing import textscan
from rmdesk.services.data.importing.problems import ImportRejected, Problems
from rmdesk.services.data.importing.reading import read_text_table, sniff_separator
from rmdesk.services.data.importing.tables import Checker


def _read(
    path: Path, text: str, encoding: str = "utf-8", given: str | None = None
) -> tuple[Checker, Problems]:
    path.write_bytes(text.encode(encoding))
    problems = Problems()
    table = read_text_table(path, problems, encoding=given)
    assert table is not None, [str(p) for p in problems.listed]
    return Checker(table, problems), problems


@pytest.mark.parametrize(
    ("encoding", "name", "given"),
    [("utf-8", "张三丰", None), ("gbk", "张三丰", None), ("latin-1", "José Nuñez", "cp1252")],
)
def test_utf8_and_gbk_files_are_read_and_latin1_when_named(
    tmp_path: Path, encoding: str, name: str, given: str | None
) -> None:
    check, problems = _read(tmp_path / "c.csv", f"id,name\n1,{name}\n", encoding, given)
    assert check.text("name").tolist() == [name]
    assert not problems


def test_the_scan_prefers_utf8_and_skips_the_bom() -> None:
    found = textscan.scan(io.BytesIO("\ufeffa,b\n".encode()), "x.csv", Problems())
    assert found is not None
    assert (found.encoding, found.start, found.header) == ("utf-8", 3, "a,b")


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_the_usual_separators_are_recognised(sep: str) -> None:
    assert sniff_separator(sep.join(["client_id", "name", "segment"])) == sep


def test_dates_in_the_usual_formats(tmp_path: Path) -> None:
    check, problems = _read(
        tmp_path / "d.csv",
        "d\n2024-03-31\n2024/03/31\n20240331\n31.03.2024\n2024年3月31日\n2024-03-31 10:00:00\n",
    )
    parsed = check.date("d")
    assert set(parsed.dt.date.astype(str)) == {"2024-03-31"}
    assert not problems


def test_bad_cells_are_reported_with_file_row_and_column(tmp_path: Path) -> None:
    check, problems = _read(
        tmp_path / "facts.csv", "id,when,amount\n1,2024-01-31,10.00\nx,31/02/2024,1.234\n"
    )
    check.integer("id")
    check.date("when")
    check.money("amount")
    where = {(p.file, p.row, p.column) for p in problems.listed}
    assert where == {("facts.csv", 3, "id"), ("facts.csv", 3, "when"), ("facts.csv", 3, "amount")}
    assert "expected a date" in str(problems.listed[1])
    with pytest.raises(ImportRejected) as caught:
        problems.raise_if_any()
    assert "facts.csv, row 3, column id" in caught.value.report()


def test_row_numbers_count_blank_lines_as_the_file_does(tmp_path: Path) -> None:
    check, problems = _read(tmp_path / "b.csv", "n\n1\n\n\nbad\n")
    check.integer("n")
    assert [p.row for p in problems.listed] == [5]


def test_money_becomes_exact_minor_units(tmp_path: Path) -> None:
    check, problems = _read(
        tmp_path / "m.csv", 'amount\n"1,234.56"\n¥12.5\n-0.01\n90071992547409.93\n'
    )
    minor = check.money("amount")
    assert minor.tolist() == [123456, 1250, -1, 9007199254740993]
    assert not problems


def test_required_values_and_missing_columns(tmp_path: Path) -> None:
    check, problems = _read(tmp_path / "r.csv", "a,b\n,1\n")
    check.text("a", required=True)
    assert not check.require_columns(["a", "zzz"])
    messages = [str(p) for p in problems.listed]
    assert messages[0] == "r.csv, row 2, column a: a value is required here"
    assert messages[1].startswith("r.csv, row 1, column zzz: missing column (found: a, b)")


def test_rates_read_as_decimals_or_percentages(tmp_path: Path) -> None:
    check, problems = _read(tmp_path / "p.csv", "r\n0.025\n2.5%\n150%\n")
    values = check.rate("r")
    assert [str(v) for v in values[:2]] == ["0.025", "0.025"]
    assert problems.total == 1 and problems.listed[0].row == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"PK\x03\x04" + b"\x00" * 40, "binary data"),
        (b"\x00\x01\x02,b\n1,2\n", "binary data"),
    ],
)
def test_files_that_are_not_tables_are_refused_plainly(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    problems = Problems()
    assert read_text_table(path, problems) is None
    assert message in str(problems.listed[0])


def test_a_ragged_row_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rag.csv"
    path.write_text("a,b\n1,2\n3,4,5,6\n")
    problems = Problems()
    assert read_text_table(path, problems) is None
    assert problems.listed[0].row == 3


def test_a_large_column_is_checked_without_python_loops(tmp_path: Path) -> None:
    n = 200_000
    frame = pd.DataFrame({"amount": ["12.34"] * n})
    frame.loc[n - 1, "amount"] = "oops"
    frame.to_csv(tmp_path / "big.csv", index=False)
    problems = Problems()
    table = read_text_table(tmp_path / "big.csv", problems)
    assert table is not None
    Checker(table, problems).money("amount")
    assert problems.total == 1 and problems.listed[0].row == n + 1
