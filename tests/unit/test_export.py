"""Exporting tables: CSV and Excel, formulas made harmless, password hashes never exported."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from rmdesk.db import open_database
from rmdesk.services.access import OPERATOR
from rmdesk.services.demo_bank import DemoSpec, build
from rmdesk.services.exporting import ExportError, export_table, safe_cell


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x"])
def test_text_that_could_be_a_formula_is_made_literal(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_numbers_and_plain_text_are_left_alone() -> None:
    assert safe_cell(-5) == -5
    assert safe_cell("张三") == "张三"


def test_clients_to_csv_and_xlsx(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    build(db.engine, DemoSpec(clients=300, as_of=dt.date(2026, 10, 31)), who=OPERATOR)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE clients SET name = '=HYPERLINK(\"http://x\")' WHERE id = 1"))
    rows = export_table(db.engine, "clients", "csv", tmp_path / "clients.csv", who=OPERATOR)
    assert rows == 300
    with (tmp_path / "clients.csv").open(encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == 300
    assert table[0]["name"].startswith("'=HYPERLINK")
    assert (
        export_table(db.engine, "clients", "xlsx", tmp_path / "clients.xlsx", who=OPERATOR) == 300
    )
    sheet = load_workbook(tmp_path / "clients.xlsx", read_only=True)["clients"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "id" and len(values) == 301
    db.dispose()


def test_password_hashes_never_leave_the_database(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    build(db.engine, DemoSpec(clients=50, as_of=dt.date(2026, 10, 31)), who=OPERATOR)
    export_table(db.engine, "users", "csv", tmp_path / "users.csv", who=OPERATOR)
    content = (tmp_path / "users.csv").read_text(encoding="utf-8-sig")
    assert "password_hash" not in content and "$argon2" not in content
    with pytest.raises(ExportError, match="no table 'nope'"):
        export_table(db.engine, "nope", "csv", tmp_path / "x.csv", who=OPERATOR)
    db.dispose()
