"""A bank's own extracts: the documented sample set as CSV and as Excel, and broken versions."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from rmdesk.db import open_database
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.importing import ImportRejected, run_import
from tests.conftest import ROOT, Databases
from tests.helpers import copy_folder, counts, rows

SAMPLE = ROOT / "docs" / "samples" / "generic"


def _import(url: str, path: Path, **kwargs: object) -> None:
    db = open_database(url)
    try:
        run_import(db.engine, "generic", path, **kwargs, who=OPERATOR)
    finally:
        db.dispose()


@pytest.mark.smoke
def test_the_sample_set_imports_whole(db_url: str) -> None:
    _import(db_url, SAMPLE)
    n = counts(
        db_url,
        "branches",
        "users",
        "products",
        "clients",
        "holdings",
        "monthly_facts",
        "interactions",
        "product_pricing",
    )
    assert n == {
        "branches": 2,
        "users": 3,
        "products": 4,
        "clients": 6,
        "holdings": 10,
        "monthly_facts": 30,
        "interactions": 5,
        "product_pricing": 4,
    }
    # Chinese codes are understood: 公司 → corporate, 休眠 → dormant, 支行行长 → branch head
    assert rows(db_url, "SELECT kind, status FROM clients WHERE external_id = 'SH0003'") == [
        ("corporate", "active")
    ]
    assert rows(db_url, "SELECT status FROM clients WHERE external_id = 'SH0006'") == [("dormant",)]
    assert rows(db_url, "SELECT role FROM users WHERE username = 'sh-head1'") == [("branch_head",)]
    # dates in several formats all land on the right day; rates in percent become decimals
    assert [
        str(r[0])[:10] for r in rows(db_url, "SELECT birth_date FROM clients ORDER BY external_id")
    ] == ["1985-03-12", "1990-11-08", "2012-04-20", "1972-07-16", "1998-05-20", "1960-09-01"]
    (rate,) = rows(
        db_url,
        "SELECT p.client_rate FROM product_pricing p JOIN products x "
        "ON x.id = p.product_id WHERE x.code = 'SH-MORT'",
    )[0]
    assert float(rate) == pytest.approx(0.036)
    (amount,) = rows(db_url, "SELECT amount_minor FROM holdings WHERE external_id = 'H-0003'")[0]
    assert amount == 240_000_000  # "2,400,000.00" yuan in fen
    # an extract's wall-clock time (Beijing, the test machine's zone) is stored as UTC
    (at,) = rows(db_url, "SELECT occurred_at FROM interactions WHERE external_id = 'I-0001'")[0]
    assert str(at).startswith("2024-11-05 02:30")
    # a contact that offered a product keeps the product and the answer (接受 → accepted)
    assert rows(
        db_url,
        "SELECT i.external_id, p.code, i.offer_result FROM interactions i "
        "JOIN products p ON p.id = i.product_id ORDER BY i.external_id",
    ) == [("I-0001", "SH-WMP", "accepted"), ("I-0004", "SH-WMP", "declined")]


def test_the_same_set_as_an_excel_workbook(tmp_path: Path, databases: Databases) -> None:
    book = tmp_path / "extract.xlsx"
    with pd.ExcelWriter(book) as writer:
        for csv in SAMPLE.glob("*.csv"):
            pd.read_csv(csv, dtype=str).to_excel(writer, sheet_name=csv.stem, index=False)
    url = databases.new("sqlite")
    _import(url, book)
    assert counts(url, "clients", "monthly_facts") == {"clients": 6, "monthly_facts": 30}


def test_a_gbk_extract_with_semicolons(tmp_path: Path, databases: Databases) -> None:
    folder = tmp_path / "gbk"
    folder.mkdir()
    frame = pd.read_csv(SAMPLE / "clients.csv", dtype=str)
    frame.drop(columns=["branch_code", "rm_username"]).to_csv(
        folder / "clients.csv", sep=";", index=False, encoding="gbk"
    )
    url = databases.new("sqlite")
    _import(url, folder)
    assert ("上海申达贸易有限公司",) in rows(url, "SELECT name FROM clients")


def test_problems_across_files_are_all_listed_and_nothing_is_written(
    db_url: str, tmp_path: Path
) -> None:
    broken = copy_folder(SAMPLE, tmp_path / "broken")
    clients = (broken / "clients.csv").read_text(encoding="utf-8").splitlines()
    clients[3] = clients[3].replace("2012-04-20", "2012-13-45")
    clients.append(clients[1])  # SH0001 twice
    (broken / "clients.csv").write_text("\n".join(clients) + "\n", encoding="utf-8")
    holdings = (broken / "holdings.csv").read_text(encoding="utf-8")
    (broken / "holdings.csv").write_text(
        holdings.replace("SH0005,SH-CASA", "SH9999,SH-CASA"), encoding="utf-8"
    )
    facts = (broken / "monthly_facts.csv").read_text(encoding="utf-8")
    (broken / "monthly_facts.csv").write_text(
        facts.replace("H-0004,2024-11,", "H-0004,2024-13,"), encoding="utf-8"
    )
    db = open_database(db_url)
    with pytest.raises(ImportRejected) as caught:
        run_import(db.engine, "generic", broken, who=OPERATOR)
    db.dispose()
    found = {(p.file, p.row, p.column) for p in caught.value.problems.listed}
    assert ("clients.csv", 4, "birth_date") in found
    assert ("clients.csv", 8, "client_id") in found
    assert ("holdings.csv", 10, "client_id") in found
    assert ("monthly_facts.csv", 12, "month") in found
    assert counts(db_url, "clients", "branches")["clients"] == 0


def test_a_later_extract_may_refer_to_what_is_stored(databases: Databases, tmp_path: Path) -> None:
    url = databases.new("sqlite")
    _import(url, SAMPLE)
    later = tmp_path / "january"
    later.mkdir()
    (later / "clients.csv").write_text("client_id,name\nSH0007,钱多多\n", encoding="utf-8")
    (later / "monthly_facts.csv").write_text(
        "holding_id,month,avg_balance\nH-0001,2025-01,90000\nH-0001,2024-12,86000\n",
        encoding="utf-8",
    )
    _import(url, later)
    months = rows(
        url,
        "SELECT f.month, f.avg_balance_minor FROM monthly_facts f JOIN holdings h"
        " ON h.id = f.holding_id WHERE h.external_id = 'H-0001' ORDER BY f.month",
    )
    assert [m[1] for m in months] == [8500000, 8585000, 8600000, 9000000]  # Dec replaced, Jan new
    assert counts(url, "clients")["clients"] == 7


def test_a_changed_extract_updates_but_keeps_assignments_made_in_rmdesk(
    databases: Databases, tmp_path: Path
) -> None:
    url = databases.new("sqlite")
    _import(url, SAMPLE)
    db = open_database(url)
    with db.engine.begin() as conn:  # a handover made in the app
        conn.execute(
            text(
                "UPDATE clients SET rm_id = (SELECT id FROM users WHERE username = "
                "'sh-rm02') WHERE external_id = 'SH0001'"
            )
        )
    db.dispose()
    changed = copy_folder(SAMPLE, tmp_path / "changed")
    clients = (changed / "clients.csv").read_text(encoding="utf-8")
    (changed / "clients.csv").write_text(clients.replace("陈思远", "陈思源"), encoding="utf-8")
    _import(url, changed)
    row = rows(
        url,
        "SELECT c.name, u.username, c.version FROM clients c JOIN users u "
        "ON u.id = c.rm_id WHERE c.external_id = 'SH0001'",
    )
    assert row == [("陈思源", "sh-rm02", 2)]
    assert rows(url, "SELECT version FROM clients WHERE external_id = 'SH0002'") == [(1,)]


def test_not_a_table_at_all(databases: Databases, tmp_path: Path) -> None:
    bogus = tmp_path / "report.pdf"
    bogus.write_bytes(b"%PDF-1.4 binary")
    db = open_database(databases.new("sqlite"))
    with pytest.raises(ImportRejected, match=r"folder of CSV files or an \.xlsx workbook"):
        run_import(db.engine, "generic", bogus, who=OPERATOR)
    not_excel = tmp_path / "fake.xlsx"
    not_excel.write_text("just text")
    with pytest.raises(ImportRejected, match="not a readable Excel workbook"):
        run_import(db.engine, "generic", not_excel, who=OPERATOR)
    db.dispose()


def _attributes(url: str, client: str) -> dict[str, object]:
    (value,) = rows(url, "SELECT attributes FROM clients WHERE external_id = :c", c=client)[0]
    return json.loads(value) if isinstance(value, str) else dict(value)  # type: ignore[arg-type]


def test_client_fields_are_stored_and_an_unknown_column_is_said_not_dropped(
    db_url: str, tmp_path: Path
) -> None:
    extra = copy_folder(SAMPLE, tmp_path / "extra")
    frame = pd.read_csv(extra / "clients.csv", dtype=str)
    frame.insert(3, "favourite_colour", "blue")
    frame.to_csv(extra / "clients.csv", index=False)
    db = open_database(db_url)
    try:
        result = run_import(db.engine, "generic", extra, who=OPERATOR)
    finally:
        db.dispose()
    said = "clients.csv: column 'favourite_colour' is not part of the format and was not imported"
    assert [str(w) for w in result.warnings] == [said]
    assert result.counts["warnings"] == 1
    (batch,) = rows(db_url, "SELECT counts FROM import_batches")[0]
    assert (json.loads(batch) if isinstance(batch, str) else batch)["warnings"] == 1
    # codes and Chinese labels alike; an empty cell is left out, not stored as unknown
    assert _attributes(db_url, "SH0002") == {
        "occupation": "employee",
        "education": "tertiary",
        "marital_status": "single",
        "income_band": "middle",
        "risk_tolerance": "C2",
        "risk_assessed_on": "2024-09-01",
        "risk_assessment_expires": "2025-09-01",
        "household_size": 1,
    }
    assert _attributes(db_url, "SH0005") == {
        "occupation": "student",
        "education": "tertiary",
        "marital_status": "single",
        "income_band": "low",
        "household_size": 2,
    }
    assert _attributes(db_url, "SH0003") == {}


def test_a_bad_client_field_is_named_and_nothing_is_written(db_url: str, tmp_path: Path) -> None:
    broken = copy_folder(SAMPLE, tmp_path / "broken")
    clients = (broken / "clients.csv").read_text(encoding="utf-8")
    (broken / "clients.csv").write_text(clients.replace(",C4,", ",C9,"), encoding="utf-8")
    db = open_database(db_url)
    with pytest.raises(ImportRejected) as caught:
        run_import(db.engine, "generic", broken, who=OPERATOR)
    db.dispose()
    (problem,) = caught.value.problems.listed
    assert (problem.file, problem.row, problem.column) == ("clients.csv", 5, "risk_tolerance")
    assert "'C9'" in problem.message and "C1, C2, C3, C4, C5" in problem.message
    assert counts(db_url, "clients")["clients"] == 0


def test_how_to_reach_a_client_is_stored_and_a_bad_number_is_named(
    db_url: str, tmp_path: Path
) -> None:
    _import(db_url, SAMPLE)
    assert rows(
        db_url,
        "SELECT mobile, phone, email, wechat, address FROM clients WHERE external_id = 'SH0001'",
    ) == [
        (
            "138 1234 5678",
            None,
            "chen.siyuan@example.com",
            "chensy_85",
            "浦东新区陆家嘴环路1000号1201室",
        )
    ]
    broken = copy_folder(SAMPLE, tmp_path / "broken")
    text = (broken / "clients.csv").read_text(encoding="utf-8")
    text = text.replace("13916667788", "call me").replace("finance@shenda", "finance-shenda")
    (broken / "clients.csv").write_text(text, encoding="utf-8")
    fresh = tmp_path / "fresh.sqlite3"
    db = open_database(str(fresh))
    with pytest.raises(ImportRejected) as caught:
        run_import(db.engine, "generic", broken, who=OPERATOR)
    db.dispose()
    found = {(p.file, p.row, p.column): p.message for p in caught.value.problems.listed}
    assert "'call me'" in found[("clients.csv", 3, "mobile")]
    assert "e-mail" in found[("clients.csv", 4, "email")]


def test_a_companys_contact_persons_are_stored_replaced_and_checked(
    db_url: str, tmp_path: Path
) -> None:
    _import(db_url, SAMPLE)
    people = (
        "SELECT p.name, p.title, p.mobile, p.decision_maker FROM contact_persons p "
        "JOIN clients c ON c.id = p.client_id WHERE c.external_id = 'SH0003' ORDER BY p.position"
    )
    assert [(n, t, m, bool(d)) for n, t, m, d in rows(db_url, people)] == [
        ("周建国", "法定代表人", "139 1770 2288", True),
        ("孙丽", "财务总监", "137 6101 3456", True),
        ("何敏", "出纳", None, False),
    ]
    # a later extract lists the company's people anew: its list is replaced, not added to
    later = tmp_path / "later"
    later.mkdir()
    (later / "clients.csv").write_text(
        (SAMPLE / "clients.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (later / "contact_persons.csv").write_text(
        "client_id,name,title,decision_maker\nSH0003,孙丽,总经理,yes\n", encoding="utf-8"
    )
    _import(db_url, later)
    assert [(n, t, bool(d)) for n, t, _m, d in rows(db_url, people)] == [("孙丽", "总经理", True)]
    # a bad number, an unknown company and a bad yes/no are each named; nothing is written
    broken = copy_folder(SAMPLE, tmp_path / "broken")
    (broken / "contact_persons.csv").write_text(
        "client_id,name,mobile,decision_maker\nSH0003,甲,call me,是\nNOPE,乙,,否\n"
        "SH0003,丙,,maybe\n",
        encoding="utf-8",
    )
    fresh = open_database(str(tmp_path / "fresh.sqlite3"))
    with pytest.raises(ImportRejected) as caught:
        run_import(fresh.engine, "generic", broken, who=OPERATOR)
    fresh.dispose()
    found = {(p.file, p.row, p.column): p.message for p in caught.value.problems.listed}
    assert "'call me'" in found[("contact_persons.csv", 2, "mobile")]
    assert "NOPE" in found[("contact_persons.csv", 3, "client_id")]
    assert "yes or no" in found[("contact_persons.csv", 4, "decision_maker")]


def test_an_offers_answer_without_its_product_is_named_and_nothing_is_written(
    db_url: str, tmp_path: Path
) -> None:
    broken = copy_folder(SAMPLE, tmp_path / "broken")
    text = (broken / "interactions.csv").read_text(encoding="utf-8")
    (broken / "interactions.csv").write_text(
        text.replace(",,SH-WMP,declined", ",,,declined").replace(",SH-WMP,接受", ",SH-WMP,maybe"),
        encoding="utf-8",
    )
    db = open_database(db_url)
    with pytest.raises(ImportRejected) as caught:
        run_import(db.engine, "generic", broken, who=OPERATOR)
    db.dispose()
    found = {(p.file, p.row, p.column): p.message for p in caught.value.problems.listed}
    assert "'maybe'" in found[("interactions.csv", 2, "offer_result")]
    assert "product_code" in found[("interactions.csv", 5, "offer_result")]
    assert counts(db_url, "interactions")["interactions"] == 0


def test_a_later_clients_row_is_what_the_bank_knows_now(
    databases: Databases, tmp_path: Path
) -> None:
    url = databases.new("sqlite")
    _import(url, SAMPLE)
    later = tmp_path / "later"
    later.mkdir()
    (later / "clients.csv").write_text(
        "client_id,name,risk_tolerance\nSH0001,陈思远,C4\nSH0002,林晓燕,\n", encoding="utf-8"
    )
    _import(url, later)
    assert _attributes(url, "SH0001") == {"risk_tolerance": "C4"}  # the rest is not known now
    assert _attributes(url, "SH0002") == {}
    assert _attributes(url, "SH0004")["occupation"] == "entrepreneur"  # not in the file: kept
