"""The newer UCI bank-marketing release (bank-additional-full.csv: 21 columns, the weekday of the
call instead of its day, no balance, five economic indicators), on a hand-made sample with the
real header and values of the kind the real file has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rmdesk.db import open_database
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.importing import ImportRejected, run_import
from tests.conftest import Databases
from tests.helpers import counts, one, rows

HEADER = (
    '"age";"job";"marital";"education";"default";"housing";"loan";"contact";"month";'
    '"day_of_week";"duration";"campaign";"pdays";"previous";"poutcome";"emp.var.rate";'
    '"cons.price.idx";"cons.conf.idx";"euribor3m";"nr.employed";"y"'
)
MAY_2008 = "1.1;93.994;-36.4;4.857;5191"
SAMPLE = [
    HEADER,
    f'56;"housemaid";"married";"basic.4y";"no";"no";"no";"telephone";"may";"mon";261;1;999;0;"nonexistent";{MAY_2008};"no"',
    f'57;"services";"married";"high.school";"unknown";"no";"no";"telephone";"may";"mon";149;1;999;0;"nonexistent";{MAY_2008};"no"',
    f'37;"services";"married";"high.school";"no";"yes";"no";"telephone";"may";"wed";226;1;999;0;"nonexistent";{MAY_2008};"no"',
    f'40;"admin.";"married";"basic.6y";"no";"no";"no";"telephone";"may";"mon";151;1;999;0;"nonexistent";{MAY_2008};"no"',
    f'56;"services";"married";"high.school";"no";"no";"yes";"telephone";"may";"fri";307;1;999;0;"nonexistent";{MAY_2008};"no"',
    '45;"blue-collar";"divorced";"basic.9y";"unknown";"unknown";"unknown";"telephone";"jun";"thu";198;2;999;0;"nonexistent";1.4;94.465;-41.8;4.961;5228.1;"no"',
    '59;"retired";"married";"professional.course";"no";"yes";"no";"cellular";"nov";"tue";250;1;999;1;"failure";-0.1;93.2;-42;4.076;5195.8;"no"',
    '31;"technician";"single";"university.degree";"no";"yes";"no";"cellular";"mar";"tue";418;2;6;2;"success";-1.8;92.843;-50;1.531;5099.1;"yes"',
    '67;"unknown";"married";"illiterate";"no";"no";"no";"cellular";"mar";"wed";655;1;999;0;"nonexistent";-1.8;92.843;-50;1.811;5099.1;"yes"',
    '64;"retired";"unknown";"unknown";"no";"yes";"no";"cellular";"nov";"fri";334;1;3;1;"success";-1.1;94.767;-50.8;1.028;4963.6;"yes"',
]


@pytest.fixture
def additional(tmp_path: Path) -> Path:
    folder = tmp_path / "bank-additional"
    folder.mkdir()
    path = folder / "bank-additional-full.csv"
    path.write_text("\n".join(SAMPLE) + "\n", encoding="utf-8")
    return folder


def _import(url: str, path: Path) -> None:
    db = open_database(url)
    try:
        run_import(db.engine, "bank-marketing", path, who=OPERATOR)
    finally:
        db.dispose()


def _day(value: object) -> str:
    return str(value)[:10]


def test_the_newer_release_is_read_from_its_header(db_url: str, additional: Path) -> None:
    _import(db_url, additional)  # the folder: bank-additional-full.csv is found in it
    assert counts(db_url, "clients") == {"clients": 10}
    calls = [
        _day(r[0])
        for r in rows(
            db_url,
            "SELECT occurred_at FROM interactions WHERE external_id LIKE '%-call' "
            "ORDER BY length(external_id), external_id",
        )
    ]
    # years from the order (March after November starts 2009); days: the earliest of the
    # row's weekday on or after the row before's day, within the month
    assert calls == [
        "2008-05-05",  # the first Monday of May 2008
        "2008-05-05",
        "2008-05-07",  # that week's Wednesday
        "2008-05-12",  # a Monday after a Wednesday: the next week
        "2008-05-16",
        "2008-06-05",  # the first Thursday of June
        "2008-11-04",
        "2009-03-03",  # March after November: a new year
        "2009-03-04",
        "2009-11-06",
    ]
    (release, economy) = one(
        db_url,
        "SELECT a.value, b.value FROM meta a, meta b "
        "WHERE a.key = 'bank_marketing.release' AND b.key = 'bank_marketing.economy'",
    )
    assert release == "bank-additional (21 columns)"
    indicators = json.loads(str(economy))
    assert indicators["2008-05"] == {
        "emp.var.rate": 1.1,
        "cons.price.idx": 93.994,
        "cons.conf.idx": -36.4,
        "euribor3m": 4.857,
        "nr.employed": 5191.0,
    }
    (notes,) = one(db_url, "SELECT notes FROM interactions WHERE external_id = 'row-8-call'")
    assert "campaign of March 2009" in str(notes) and "weekday (tue)" in str(notes)
    assert "euribor3m 1.531" in str(notes)


def _attributes(url: str, client: str) -> dict[str, object]:
    (value,) = one(url, "SELECT attributes FROM clients WHERE external_id = :c", c=client)
    return json.loads(value) if isinstance(value, str) else dict(value)  # type: ignore[arg-type]


def test_its_codes_map_to_client_fields_and_unknown_is_left_out(
    db_url: str, additional: Path
) -> None:
    _import(db_url, additional)
    assert _attributes(db_url, "row-1") == {
        "occupation": "service",  # housemaid
        "education": "primary",  # basic.4y
        "marital_status": "married",
        "credit_in_default": "no",
    }
    assert _attributes(db_url, "row-2") == {
        "occupation": "service",
        "education": "secondary",  # high.school
        "marital_status": "married",  # default 'unknown': left out
    }
    assert _attributes(db_url, "row-9") == {
        "education": "primary",  # illiterate; the job 'unknown' is left out
        "marital_status": "married",
        "credit_in_default": "no",
    }
    # housing and loan 'unknown' (row 6) make no holding
    held = rows(
        db_url,
        "SELECT h.external_id FROM holdings h JOIN clients c ON c.id = h.client_id "
        "WHERE c.external_id = 'row-6'",
    )
    assert held == [("row-6-current",)]


def test_earlier_contacts_and_term_deposits(db_url: str, additional: Path) -> None:
    _import(db_url, additional)
    previous = {
        str(r[0]): (_day(r[1]), r[2])
        for r in rows(
            db_url,
            "SELECT external_id, occurred_at, outcome FROM interactions "
            "WHERE external_id LIKE '%-previous'",
        )
    }
    assert previous == {
        "row-7-previous": ("2008-11-03", "Declined"),  # pdays 999: the day before the call
        "row-8-previous": ("2009-02-25", "Subscribed a term deposit"),  # 6 days before
        "row-10-previous": ("2009-11-03", "Subscribed a term deposit"),
    }
    # a yes opens a term deposit with facts from its month to the data date (Nov 2009)
    months = rows(
        db_url,
        "SELECT f.month, f.avg_balance_minor, f.interest_minor FROM monthly_facts f "
        "JOIN holdings h ON h.id = f.holding_id WHERE h.external_id = 'row-8-term' "
        "ORDER BY f.month",
    )
    assert len(months) == 9  # March to November 2009
    assert months[0][1] == round(500_000 * 29 / 31)  # held from the 3rd of March
    assert months[1][1:] == (500_000, round(500_000 * 0.02 / 12))
    (principal,) = one(db_url, "SELECT amount_minor FROM holdings WHERE external_id = 'row-8-term'")
    assert principal == 500_000  # no balance in this release: the documented €5,000


def test_a_header_of_neither_release_names_both(databases: Databases, tmp_path: Path) -> None:
    bad = tmp_path / "bank-additional.csv"
    bad.write_text(SAMPLE[0].replace('"euribor3m";', "") + "\n", encoding="utf-8")
    db = open_database(databases.new("sqlite"))
    with pytest.raises(ImportRejected) as caught:
        run_import(db.engine, "bank-marketing", bad, who=OPERATOR)
    db.dispose()
    said = [str(p) for p in caught.value.problems.listed]
    assert len(said) == 2
    assert said[0].startswith("bank-additional.csv, row 1: not the 17 columns of bank-full.csv")
    assert "missing balance, day" in said[0]
    assert said[1].startswith("bank-additional.csv, row 1: not the 21 columns of bank-additional")
    assert said[1].endswith("missing euribor3m")


def test_a_header_alone_is_refused_not_a_crash(databases: Databases, tmp_path: Path) -> None:
    empty = tmp_path / "bank-additional-full.csv"
    empty.write_text(HEADER + "\n", encoding="utf-8")
    db = open_database(databases.new("sqlite"))
    with pytest.raises(ImportRejected, match="no rows after the header"):
        run_import(db.engine, "bank-marketing", empty, who=OPERATOR)
    db.dispose()
