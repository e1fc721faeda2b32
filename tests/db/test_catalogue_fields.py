"""Who a product is for, its risk grade and its pitch lines: through the demo catalogue, the
generic import (checked, file/row/column), the administrator's edit (audited, versioned) and an
export read back in (services/admin/products.py, services/data/importing/generic.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from rmdesk.db import open_database
from rmdesk.models import Role
from rmdesk.services.admin import directory, products
from rmdesk.services.admin.directory import DirectoryError, StaleEdit
from rmdesk.services.common.access import OPERATOR, Account, system
from rmdesk.services.data import catalogue, exporting
from rmdesk.services.data.demo_bank import DemoSpec, build
from rmdesk.services.data.importing import ImportRejected, run_import
from tests.conftest import ROOT, Databases
from tests.helpers import copy_folder, rows

SAMPLE = ROOT / "docs" / "samples" / "generic"
ADMIN = system("admin")
RM = Account(id=99, username="rm1", display_name="rm1", role=Role.RM, branch_id=1, branch_name="")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    db = open_database(db_url)
    yield db.engine
    db.dispose()


def _stored(url: str, code: str) -> tuple[object, ...]:
    return rows(
        url,
        "SELECT client_kinds, risk_level, pitch_zh, pitch_en FROM products WHERE code = :c",
        c=code,
    )[0]


def test_the_demo_catalogue_is_stored_with_who_each_product_is_for(
    engine: Engine, db_url: str
) -> None:
    build(engine, DemoSpec(clients=30, as_of=dt.date(2026, 10, 31)), who=OPERATOR)
    listed = directory.list_products(engine, who=OPERATOR).set_index("code")
    assert listed.at["PLATINUM", "client_kinds"] == "individual"
    assert listed.at["WMP", "risk_level"] == "R2"
    assert listed.at["BIZLOAN", "client_kinds"] == "corporate"
    assert _stored(db_url, "FUND")[:3] == ("individual", "R3", catalogue.PITCHES["FUND"][0])


def test_the_sample_extract_sets_them_and_a_file_without_them_keeps_them(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    run_import(engine, "generic", SAMPLE, who=OPERATOR)
    assert _stored(db_url, "SH-WMP") == (
        "individual",
        "R2",
        "稳健型理财，期限六个月。\n理财非存款，产品有风险，投资须谨慎。",
        "A cautious six-month product.\nA wealth product is not a deposit: it carries risk.",
    )
    assert _stored(db_url, "SH-MORT")[:2] == ("individual", None)  # 个人 is understood
    assert _stored(db_url, "SH-CASA")[:2] == (None, None)
    # an older extract without the columns: names change, the rest stays
    older = tmp_path / "older"
    older.mkdir()
    (older / "clients.csv").write_text("client_id,name\nSH0001,陈思远\n", encoding="utf-8")
    (older / "products.csv").write_text(
        "code,name_zh,name_en,family\nSH-WMP,稳健理财,Steady wealth product,理财\n",
        encoding="utf-8",
    )
    run_import(engine, "generic", older, who=OPERATOR)
    assert rows(db_url, "SELECT name_zh FROM products WHERE code = 'SH-WMP'") == [("稳健理财",)]
    assert _stored(db_url, "SH-WMP")[:2] == ("individual", "R2")


def test_a_bad_grade_kind_or_pitch_is_a_problem_naming_file_row_and_column(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    broken = copy_folder(SAMPLE, tmp_path / "broken")
    text = (broken / "products.csv").read_text(encoding="utf-8")
    text = text.replace("individual,R2", "individual,R7")
    text = text.replace('贷款,240,18,65,"mass,affluent,private",个人', "贷款,240,18,65,,everyone")
    long_pitch = '"' + "\n".join(["一句"] * 7) + '"'
    text = text.replace("随存随取，工资、转账、缴费都从这里走。", long_pitch)
    (broken / "products.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        run_import(engine, "generic", broken, who=OPERATOR)
    found = {(p.file, p.row, p.column): p.message for p in caught.value.problems.listed}
    assert ("products.csv", 2, "pitch_zh") in found
    assert "at most 6" in found[("products.csv", 2, "pitch_zh")]
    # rows are the file's records, the header being row 1
    assert "everyone" in found[("products.csv", 4, "client_kinds")]
    assert "R7" in found[("products.csv", 5, "risk_level")]
    assert rows(db_url, "SELECT count(*) FROM products") == [(0,)]


def test_the_administrator_changes_them_audited_and_versioned(engine: Engine, db_url: str) -> None:
    build(engine, DemoSpec(clients=20, as_of=dt.date(2026, 10, 31)), who=OPERATOR)
    before = directory.list_products(engine, who=OPERATOR).set_index("code").loc["TD36"]
    done = products.change(
        engine,
        "TD36",
        {"risk_level": "r1", "client_kinds": "个人", "pitch_en": " Three years.\r\n\r\nFixed. "},
        version=int(before["version"]),
        who=ADMIN,
    )
    assert done == {
        "risk_level": {"from": None, "to": "R1"},
        "client_kinds": {"from": None, "to": "individual"},
        "pitch_en": {"from": catalogue.PITCHES["TD36"][1], "to": "Three years.\nFixed."},
    }
    assert _stored(db_url, "TD36") == (
        "individual",
        "R1",
        catalogue.PITCHES["TD36"][0],
        "Three years.\nFixed.",
    )
    (detail,) = rows(
        db_url,
        "SELECT detail FROM audit_log WHERE action = 'product.change' AND entity_id = 'TD36' "
        "AND actor = 'admin'",
    )[0:1][0]
    assert "R1" in str(detail) and "risk_level" in str(detail)
    # the same again changes nothing and records nothing
    assert products.change(engine, "TD36", {"risk_level": "R1"}, who=ADMIN) == {}
    assert rows(db_url, "SELECT count(*) FROM audit_log WHERE action = 'product.change'") == [(1,)]
    with pytest.raises(StaleEdit):  # the version it started from is gone
        products.change(
            engine, "TD36", {"risk_level": None}, version=int(before["version"]), who=ADMIN
        )
    with pytest.raises(DirectoryError) as caught:
        products.change(engine, "TD36", {"risk_level": "R9"}, who=ADMIN)
    assert caught.value.field == "risk_level" and "R1至R5" in caught.value.zh
    with pytest.raises(DirectoryError, match="no product"):
        products.change(engine, "NOPE", {"risk_level": "R1"}, who=ADMIN)
    with pytest.raises(PermissionError):
        products.change(engine, "TD36", {"risk_level": "R2"}, who=RM)


def test_an_exported_catalogue_reads_back_in(
    engine: Engine, tmp_path: Path, databases: Databases
) -> None:
    build(engine, DemoSpec(clients=20, as_of=dt.date(2026, 10, 31)), who=OPERATOR)
    folder = tmp_path / "again"
    folder.mkdir()
    exporting.export_table(engine, "products", "csv", folder / "products.csv", who=OPERATOR)
    (folder / "clients.csv").write_text("client_id,name\nX1,甲\n", encoding="utf-8")
    url = databases.new("sqlite")
    db = open_database(url)
    try:
        run_import(db.engine, "generic", folder, who=OPERATOR)
    finally:
        db.dispose()
    for code in ("PLATINUM", "WMP", "BIZLOAN", "CASA"):
        kinds, level = catalogue.WHO_FOR[code]
        assert _stored(url, code) == (kinds, level, *catalogue.PITCHES[code])
