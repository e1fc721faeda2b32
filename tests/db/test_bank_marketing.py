"""The UCI bank-marketing importer on the real file and on broken copies."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from rmdesk.db import open_database
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.importing import ImportRejected, run_import
from tests.conftest import BACKENDS, Databases
from tests.helpers import counts, one, replace_line, rows


@pytest.fixture(scope="module", params=BACKENDS)
def bm_url(
    request: pytest.FixtureRequest, module_databases: Databases, bank_marketing_csv: Path
) -> Iterator[str]:
    url = module_databases.new(request.param)
    db = open_database(url)
    run_import(db.engine, "bank-marketing", bank_marketing_csv, who=OPERATOR)
    db.dispose()
    yield url


def test_every_client_with_balance_loans_default_and_outcome(bm_url: str) -> None:
    assert counts(bm_url, "clients", "interactions") == {"clients": 45211, "interactions": 45211}
    held = dict(
        rows(
            bm_url,
            "SELECT p.code, count(*) FROM holdings h JOIN products p "
            "ON p.id = h.product_id GROUP BY p.code",
        )
    )
    assert held == {"BM-CURRENT": 45211, "BM-HOUSING": 25130, "BM-PERSONAL": 7244, "BM-TERM": 5289}
    (defaulted,) = one(
        bm_url,
        "SELECT count(DISTINCT h.client_id) FROM monthly_facts f "
        "JOIN holdings h ON h.id = f.holding_id WHERE f.days_past_due >= 90",
    )
    assert defaulted == 815  # clients with credit in default
    (subscribed,) = one(
        bm_url, "SELECT count(*) FROM interactions WHERE outcome = 'Subscribed a term deposit'"
    )
    assert subscribed == 5289


def test_contact_years_follow_the_file_order_may_2008_to_november_2010(bm_url: str) -> None:
    first, last = one(bm_url, "SELECT min(occurred_at), max(occurred_at) FROM interactions")
    assert str(first).startswith("2008-05") and str(last).startswith("2010-11")
    (balance,) = one(
        bm_url,
        "SELECT f.avg_balance_minor FROM monthly_facts f JOIN holdings h "
        "ON h.id = f.holding_id WHERE h.external_id = 'row-1-current'",
    )
    assert balance == 214300  # 2143 euros in the first row


def test_a_bad_cell_is_named_and_nothing_is_written(
    db_url: str, tmp_path: Path, bank_marketing_csv: Path
) -> None:
    copy = tmp_path / "bank-full.csv"
    shutil.copy(bank_marketing_csv, copy)
    copy.chmod(0o644)
    old = replace_line(copy, 30001, "")
    fields = old.split(";")
    fields[10] = '"smarch"'
    replace_line(copy, 30001, ";".join(fields))
    db = open_database(db_url)
    with pytest.raises(ImportRejected) as caught:
        run_import(db.engine, "bank-marketing", copy, who=OPERATOR)
    db.dispose()
    problem = caught.value.problems.listed[0]
    assert (problem.file, problem.row, problem.column) == ("bank-full.csv", 30001, "month")
    assert "one of" in problem.message and "'smarch'" in problem.message
    assert counts(db_url, "clients")["clients"] == 0


def test_an_impossible_day_is_refused(
    databases: Databases, tmp_path: Path, bank_marketing_csv: Path
) -> None:
    copy = tmp_path / "bank.csv"
    lines = bank_marketing_csv.read_text().splitlines()
    bad = lines[1].split(";")
    bad[9], bad[10] = "30", '"feb"'
    copy.write_text("\n".join([lines[0], ";".join(bad), *lines[2:50]]) + "\n")
    db = open_database(databases.new("sqlite"))
    with pytest.raises(ImportRejected) as caught:
        run_import(db.engine, "bank-marketing", copy, who=OPERATOR)
    db.dispose()
    assert caught.value.problems.listed[0].column == "day"
    assert caught.value.problems.listed[0].row == 2
