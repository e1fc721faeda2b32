"""The UCI bank-marketing importer on the real file and on broken copies."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from rmdesk.db import open_database
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.importing import ImportRejected, run_import
from rmdesk.services.engine.scoring import score
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
    # every call of this campaign, and an earlier one for the 8,257 clients contacted before
    assert counts(bm_url, "clients", "interactions") == {"clients": 45211, "interactions": 53468}
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
        bm_url,
        "SELECT count(*) FROM interactions WHERE outcome = 'Subscribed a term deposit' "
        "AND purpose = 'Term deposit campaign'",
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


def _attributes(url: str, client: str) -> dict[str, object]:
    (value,) = one(url, "SELECT attributes FROM clients WHERE external_id = :c", c=client)
    return json.loads(value) if isinstance(value, str) else dict(value)  # type: ignore[arg-type]


def test_job_education_marital_and_default_become_client_fields(bm_url: str) -> None:
    # row 1: 58;"management";"married";"tertiary";"no";...
    assert _attributes(bm_url, "row-1") == {
        "occupation": "manager",
        "education": "tertiary",
        "marital_status": "married",
        "credit_in_default": "no",
    }
    # row 5: 33;"unknown";"single";"unknown";"no";... : unknown is left out
    assert _attributes(bm_url, "row-5") == {"marital_status": "single", "credit_in_default": "no"}


def test_the_previous_campaign_is_an_earlier_contact_with_its_outcome(bm_url: str) -> None:
    # row 24061: pdays 151, previous 3, poutcome failure; called in October 2008
    call, previous, outcome, purpose = one(
        bm_url,
        "SELECT c.occurred_at, p.occurred_at, p.outcome, p.purpose FROM interactions c "
        "JOIN interactions p ON p.client_id = c.client_id AND p.external_id = 'row-24061-previous' "
        "WHERE c.external_id = 'row-24061-call'",
    )
    assert (_day(call) - _day(previous)).days == 151
    assert (outcome, purpose) == ("Declined", "Earlier term deposit campaign")
    by_outcome = dict(
        rows(
            bm_url,
            "SELECT coalesce(outcome, '-'), count(*) FROM interactions "
            "WHERE external_id LIKE '%-previous' GROUP BY outcome",
        )
    )
    assert by_outcome == {
        "Declined": 4901,
        "Other outcome": 1840,
        "Subscribed a term deposit": 1511,
        "-": 5,  # contacted before, outcome unknown
    }
    # every call offered the term deposit; the answer is known for this campaign's calls and
    # for the previous campaign's when it succeeded or failed (the response model's offers)
    offers = dict(
        rows(
            bm_url,
            "SELECT coalesce(i.offer_result, '-'), count(*) FROM interactions i "
            "JOIN products p ON p.id = i.product_id WHERE p.code = 'BM-TERM' "
            "GROUP BY i.offer_result",
        )
    )
    assert offers == {"accepted": 5289 + 1511, "declined": 39922 + 4901, "-": 1840 + 5}


def test_a_term_deposit_earns_every_month_to_the_data_date_and_is_suggested(bm_url: str) -> None:
    # row 84 said yes on 5 May 2008 with a balance of 2,343 euros: held at the €5,000 floor
    months = rows(
        bm_url,
        "SELECT f.month, f.avg_balance_minor FROM monthly_facts f JOIN holdings h "
        "ON h.id = f.holding_id WHERE h.external_id = 'row-84-term' ORDER BY f.month",
    )
    assert len(months) == 31  # May 2008 to November 2010
    assert str(months[0][0]).startswith("2008-05") and str(months[-1][0]).startswith("2010-11")
    assert months[0][1] == round(500_000 * 27 / 31) and {m[1] for m in months[1:]} == {500_000}
    db = open_database(bm_url)
    try:
        result = score(db.engine, today=dt.date(2010, 12, 1), who=OPERATOR)
    finally:
        db.dispose()
    assert "BM-TERM" not in result.counts["not_suggested"]
    (valued,) = one(
        bm_url,
        "SELECT count(*) FROM suggestions s JOIN products p ON p.id = s.product_id "
        "WHERE p.code = 'BM-TERM' AND s.expected_value_minor > 0",
    )
    assert valued > 0


def _day(value: object) -> dt.date:
    return (
        value.date() if isinstance(value, dt.datetime) else dt.date.fromisoformat(str(value)[:10])
    )
