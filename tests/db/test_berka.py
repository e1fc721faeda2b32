"""The PKDD'99 (Berka) importer on the real files, and on deliberately broken copies of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, text

from rmdesk.db import open_database
from rmdesk.services.admin.database_info import describe
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.common.progress import Cancelled
from rmdesk.services.data.importing import ImportRejected, run_import
from rmdesk.services.engine.loading import data_date
from rmdesk.services.engine.scoring import score
from tests.conftest import BACKENDS, Databases
from tests.helpers import copy_folder, counts, replace_line, rows, scalar


@pytest.fixture(scope="module", params=BACKENDS)
def berka_url(
    request: pytest.FixtureRequest, module_databases: Databases, berka_dir: Path
) -> Iterator[str]:
    url = module_databases.new(request.param)
    db = open_database(url)
    run_import(db.engine, "berka", berka_dir, who=OPERATOR)
    db.dispose()
    yield url


def test_every_client_account_loan_card_and_transaction_is_loaded(berka_url: str) -> None:
    n = counts(berka_url, "clients", "branches", "transactions")
    assert n == {"clients": 5369, "branches": 77, "transactions": 49102}
    by_product = dict(
        rows(
            berka_url,
            "SELECT p.code, count(*) FROM holdings h JOIN products p "
            "ON p.id = h.product_id GROUP BY p.code",
        )
    )
    assert by_product["BK-CURRENT"] == 4500
    assert by_product["BK-LOAN"] == 682
    assert sum(v for k, v in by_product.items() if k.startswith("BK-CARD")) == 892
    assert by_product["BK-INSURANCE"] == 532 and by_product["BK-HOUSEHOLD"] == 3502


def test_info_reports_the_imported_bank(berka_url: str) -> None:
    db = open_database(berka_url)
    info = describe(db)
    db.dispose()
    assert info.counts["clients"] == 5369 and info.up_to_date
    assert info.meta["as_of"] == "1998-12-31"
    assert info.meta["berka.transactions_until"] == "1994-03-31"


def test_birth_numbers_give_birth_date_and_gender(berka_url: str) -> None:
    # client 1: "706213" is a woman (month 62 - 50 = 12) born 1970-12-13
    row = rows(berka_url, "SELECT birth_date, gender FROM clients WHERE external_id = '1'")[0]
    assert str(row[0])[:10] == "1970-12-13" and row[1] == "F"


def test_every_client_has_a_branch_and_an_rm_of_that_branch(berka_url: str) -> None:
    orphans = scalar(
        berka_url,
        "SELECT count(*) FROM clients c LEFT JOIN users u ON u.id = c.rm_id "
        "WHERE c.branch_id IS NULL OR u.branch_id IS DISTINCT FROM c.branch_id",
    )
    assert orphans == 0
    biggest_book = scalar(
        berka_url, "SELECT max(n) FROM (SELECT count(*) AS n FROM clients GROUP BY rm_id) b"
    )
    assert biggest_book <= 150


def test_average_balance_is_weighted_by_the_days_each_balance_held(
    berka_url: str, berka_dir: Path
) -> None:
    """Recompute one account-month from the raw file, day by day, and compare."""
    trans = pd.read_csv(berka_dir / "trans.asc", sep=";", dtype=str)
    account = trans[trans["account_id"] == "576"].copy()
    account["date"] = pd.to_datetime("19" + account["date"], format="%Y%m%d")
    closing = account.groupby("date")["balance"].last().astype(float)
    days = pd.date_range("1993-02-01", "1993-02-28")
    daily = closing.reindex(pd.date_range(closing.index.min(), "1993-02-28")).ffill()
    expected = round(daily.reindex(days).mean() * 100)
    got = scalar(
        berka_url,
        "SELECT f.avg_balance_minor FROM monthly_facts f JOIN holdings h ON h.id = f.holding_id "
        "WHERE h.external_id = 'account-576' AND f.month = :m",
        m=dt.date(1993, 2, 1),
    )
    assert got == expected


def test_loan_status_becomes_days_past_due(berka_url: str) -> None:
    by_loan = dict(
        rows(
            berka_url,
            "SELECT h.external_id, max(f.days_past_due) FROM holdings h JOIN monthly_facts f "
            "ON f.holding_id = h.id WHERE h.external_id IN ('loan-5314', 'loan-5316') "
            "GROUP BY h.external_id",
        )
    )
    assert by_loan == {"loan-5314": 90, "loan-5316": 0}  # status B (unpaid) and A (paid)
    running_in_debt = scalar(
        berka_url,
        "SELECT count(DISTINCT h.id) FROM holdings h JOIN monthly_facts f ON f.holding_id = h.id "
        "WHERE h.external_id LIKE 'loan-%' AND f.days_past_due = 30",
    )
    assert running_in_debt == 45  # the 45 loans with status D


def test_importing_the_same_files_again_changes_nothing(berka_url: str, berka_dir: Path) -> None:
    before = counts(berka_url)
    db = open_database(berka_url)
    again = run_import(db.engine, "berka", berka_dir, who=OPERATOR)
    assert again.skipped
    forced = run_import(db.engine, "berka", berka_dir, force=True, who=OPERATOR)
    assert not forced.skipped
    db.dispose()
    after = counts(berka_url)
    # bookkeeping: the forced import replaces the facts, and the database notes their clients
    # for the nightly run (docs/scale.md)
    ignore = ("import_batches", "audit_log", "input_changes")
    assert {k: v for k, v in after.items() if k not in ignore} == {
        k: v for k, v in before.items() if k not in ignore
    }
    assert scalar(berka_url, "SELECT max(version) FROM clients") == 1


# --- broken copies -------------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path: Path, berka_dir: Path) -> Path:
    return copy_folder(berka_dir, tmp_path / "berka")


def _rejected(url: str, folder: Path) -> ImportRejected:
    db = open_database(url)
    try:
        with pytest.raises(ImportRejected) as caught:
            run_import(db.engine, "berka", folder, who=OPERATOR)
    finally:
        db.dispose()
    assert counts(url, "clients", "holdings", "transactions", "import_batches") == dict.fromkeys(
        ("clients", "holdings", "transactions", "import_batches"), 0
    ), "a rejected import wrote something"
    return caught.value


def test_a_bad_date_names_file_row_and_column(db_url: str, broken: Path) -> None:
    old = replace_line(broken / "trans.asc", 1001, "")
    fields = old.split(";")
    fields[2] = "931341"  # no 41st of December
    replace_line(broken / "trans.asc", 1001, ";".join(fields))
    problem = _rejected(db_url, broken).problems.listed[0]
    assert (problem.file, problem.row, problem.column) == ("trans.asc", 1001, "date")
    assert "YYMMDD" in problem.message


def test_a_transaction_on_an_unknown_account_is_refused(db_url: str, broken: Path) -> None:
    old = replace_line(broken / "trans.asc", 7, "")
    fields = old.split(";")
    fields[1] = "999999"
    replace_line(broken / "trans.asc", 7, ";".join(fields))
    problem = _rejected(db_url, broken).problems.listed[0]
    assert (problem.file, problem.row, problem.column) == ("trans.asc", 7, "account_id")
    assert "999999 is not in account.asc" in problem.message


def test_a_missing_file_and_a_ragged_row_are_both_reported(
    tmp_path: Path, broken: Path, databases: Databases, berka_dir: Path
) -> None:
    (broken / "client.asc").unlink()
    rejected = _rejected(databases.new("sqlite"), broken)
    assert any(p.file == "client.asc" and "missing" in p.message for p in rejected.problems.listed)
    other = copy_folder(berka_dir, tmp_path / "ragged")
    replace_line(other / "loan.asc", 5, '1;2;3;4;5;6;"A";extra;fields')
    problem = _rejected(databases.new("sqlite"), other).problems.listed[0]
    assert problem.file == "loan.asc" and problem.row == 5


def test_many_problems_are_listed_at_once(databases: Databases, broken: Path) -> None:
    for line in range(2, 400):
        old = replace_line(broken / "order.asc", line, "")
        fields = old.split(";")
        fields[4] = "lots"
        replace_line(broken / "order.asc", line, ";".join(fields))
    rejected = _rejected(databases.new("sqlite"), broken)
    assert rejected.problems.total == 398
    assert len(rejected.problems.listed) == 200  # the rest are counted, not listed
    assert "198 more problem(s)" in rejected.report()


def test_cancelling_part_way_leaves_the_database_as_it_was(db_url: str, berka_dir: Path) -> None:
    class StopAtTransactions:
        def report(self, done: int, total: int, text: str = "") -> None:
            self.step = text

        def cancelled(self) -> bool:
            return getattr(self, "step", "") == "transactions"

    db = open_database(db_url)
    with pytest.raises(Cancelled):
        run_import(db.engine, "berka", berka_dir, progress=StopAtTransactions(), who=OPERATOR)
    with db.engine.connect() as conn:
        left = conn.execute(select(text("count(*)")).select_from(text("clients"))).scalar()
    db.dispose()
    assert left == 0


def test_card_and_order_fees_run_to_the_data_sets_end_so_1996_is_valued(berka_url: str) -> None:
    # the transactions stop in March 1994; cards and orders earn their tariff fee to 1998-12
    (last,) = rows(
        berka_url,
        "SELECT max(f.month) FROM monthly_facts f JOIN holdings h ON h.id = f.holding_id "
        "JOIN products p ON p.id = h.product_id WHERE p.code = 'BK-CARD-CLASSIC'",
    )[0]
    assert str(last).startswith("1998-12")
    db = open_database(berka_url)
    try:
        with db.engine.connect() as conn:
            assert data_date(conn) == dt.date(1994, 3, 31)  # a plain score: where accounts end
        result = score(
            db.engine, as_of=dt.date(1996, 12, 31), today=dt.date(1997, 1, 2), who=OPERATOR
        )
    finally:
        db.dispose()
    not_suggested = result.counts["not_suggested"]
    # a classic card is suggested at its fee's worth; gold is valued too (nobody passes its
    # eligibility); a junior card's 5 Kč fee only meets its cost to serve (docs/import-format.md)
    assert "BK-CARD-CLASSIC" not in not_suggested
    # the gold card is valued too: suggested, or left out only by eligibility and thresholds
    assert not not_suggested.get("BK-CARD-GOLD", "").startswith("its holdings earned nothing")
    (valued,) = rows(
        berka_url,
        "SELECT count(*) FROM suggestions s JOIN products p ON p.id = s.product_id "
        "WHERE p.code = 'BK-CARD-CLASSIC' AND s.expected_value_minor > 0",
    )[0]
    assert valued > 0
