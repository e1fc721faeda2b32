"""Exporting tables: CSV and Excel, formulas made harmless, password hashes never exported."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from rmdesk.db import open_database
from rmdesk.services.accounts.users import account, user_id
from rmdesk.services.common.access import OPERATOR, AccessDenied
from rmdesk.services.common.masking import mask_number
from rmdesk.services.data.exporting import ExportError, export_table, write_rows
from rmdesk.services.data.reports import Scope, export_report
from tests.conftest import Databases
from tests.demo_banks import DemoBank

RISKY = ["a;=1+1", "b|@SUM(1)", "c\t-2", "=HYPERLINK(1)", "x,+1", "line\n=1", 'q;"=1"', "ok"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_cells_stay_text_whatever_separator_the_reader_splits_on(
    databases: Databases, tmp_path: Path, delimiter: str
) -> None:
    db = open_database(databases.new("sqlite"))  # writing is the same on either database
    path = tmp_path / "risky.csv"
    write_rows(db.engine, "t", ["a", "b"], [RISKY, [-5, None]], 2, "csv", path, who=OPERATOR)
    db.dispose()
    text = path.read_bytes().decode("utf-8-sig")
    assert '"a;\'=1+1"' in text and '"\'=HYPERLINK(1)"' in text  # risky cells are quoted
    assert text.endswith('",ok\r\n-5,\r\n')  # the rest as the csv module writes it
    with path.open(encoding="utf-8-sig", newline="") as fh:
        cells = [cell for row in csv.reader(fh, delimiter=delimiter) for cell in row]
    assert cells and not [c for c in cells if c.lstrip('"').startswith(("=", "+", "@"))]
    # a minus starts only the number -5 (a number is written as a number, not made text)
    assert [c[:2] for c in cells if c.startswith("-")] == ["-5"]


def test_clients_to_csv_and_xlsx(demo_bank: DemoBank, tmp_path: Path) -> None:
    db = open_database(demo_bank(300))
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
    values = _rows(tmp_path / "clients.xlsx", "clients")
    assert values[0][0] == "id" and len(values) == 301
    # ID and account numbers are masked as on screen and on paper, in CSV and Excel alike
    with db.engine.connect() as conn:
        id_number = conn.execute(text("SELECT id_number FROM clients WHERE id = 1")).scalar_one()
        account = conn.execute(
            text("SELECT account_no FROM holdings ORDER BY id LIMIT 1")
        ).scalar_one()
    assert table[0]["id_number"] == mask_number(id_number) != id_number
    assert values[1][values[0].index("id_number")] == mask_number(id_number)
    export_table(db.engine, "holdings", "xlsx", tmp_path / "h.xlsx", who=OPERATOR)
    values = _rows(tmp_path / "h.xlsx", "holdings")
    assert values[1][values[0].index("account_no")] == mask_number(account)
    db.dispose()


def _rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    """A sheet's rows; the read-only workbook is closed (it keeps its file open till then)."""
    book = load_workbook(path, read_only=True)
    try:
        return list(book[sheet].iter_rows(values_only=True))
    finally:
        book.close()


def test_only_an_administrator_exports_unmasked_and_it_is_audited(
    demo_bank: DemoBank, tmp_path: Path
) -> None:
    db = open_database(demo_bank(50))
    path = tmp_path / "c.csv"
    export_table(db.engine, "clients", "csv", path, unmasked=True, who=OPERATOR)
    with path.open(encoding="utf-8-sig") as fh:
        first = next(csv.DictReader(fh))
    assert "*" not in first["id_number"] and len(first["id_number"]) == 18
    rm = account(db.engine, user_id(db.engine, "rm01", who=OPERATOR))
    head = account(db.engine, user_id(db.engine, "head1", who=OPERATOR))
    for who in (rm, head):
        with pytest.raises(AccessDenied):
            export_report(
                db.engine,
                "contribution",
                "csv",
                tmp_path / "r.csv",
                scope=Scope(rm_id=rm.id),
                unmasked=True,
                who=who,
            )
        with pytest.raises(AccessDenied):  # the writer itself checks, whoever calls it
            write_rows(
                db.engine, "x", ["phone"], [], 0, "csv", tmp_path / "x.csv", unmasked=True, who=who
            )
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "x.csv").exists()
    with db.engine.connect() as conn:
        entries = conn.execute(
            text("SELECT actor, action, entity_id, detail FROM audit_log ORDER BY id")
        ).all()
    exports = [e for e in entries if e.action == "export"]
    assert len(exports) == 1 and _detail(exports[0].detail)["unmasked"] is True
    refused = [(e.actor, e.entity_id) for e in entries if e.action == "access_denied"]
    assert refused == [(who.username, "exporting.allow_unmasked") for who in (rm, rm, head, head)]
    db.dispose()


def _detail(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else json.loads(str(value))


def test_password_hashes_never_leave_the_database(demo_bank: DemoBank, tmp_path: Path) -> None:
    db = open_database(demo_bank(50))
    export_table(db.engine, "users", "csv", tmp_path / "users.csv", who=OPERATOR)
    content = (tmp_path / "users.csv").read_text(encoding="utf-8-sig")
    assert "password_hash" not in content and "$argon2" not in content
    with pytest.raises(ExportError, match="no table 'nope'"):
        export_table(db.engine, "nope", "csv", tmp_path / "x.csv", who=OPERATOR)
    db.dispose()
