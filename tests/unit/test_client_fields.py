"""The declared client fields: documented as declared, read from a file as documented."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from rmdesk.services.common.client_fields import FIELDS
from rmdesk.services.data.importing.declared import COLUMNS, read_attributes, undeclared
from rmdesk.services.data.importing.problems import Problems
from rmdesk.services.data.importing.tables import Checker, Table
from tests.conftest import ROOT


def _documented() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    doc = (ROOT / "docs" / "import-format.md").read_text(encoding="utf-8")
    section = doc.split("\n#### Client fields\n", 1)[1].split("\n### ", 1)[0]
    found = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 4 or cells[0] in ("field", "---"):
            continue
        codes = re.findall(r"`([^`]+)` ([^,]+?)(?:,|$)", cells[2])
        found[cells[0]] = (cells[1], [(c, zh.strip()) for c, zh in codes])
    return found


def test_the_documented_fields_are_the_declared_ones() -> None:
    assert _documented() == {
        f.name: (f.kind, [(code, zh) for code, zh, _en in f.choices]) for f in FIELDS.values()
    }


def test_every_field_is_a_column_of_the_clients_file() -> None:
    assert set(FIELDS) <= set(COLUMNS["clients"])


def _table(columns: dict[str, list[str | None]]) -> Table:
    frame = pd.DataFrame(columns, dtype="str")
    return Table("clients.csv", frame, np.arange(2, len(frame) + 2))


def test_codes_and_labels_are_read_and_empty_cells_left_out() -> None:
    table = _table(
        {
            "occupation": ["retired", "退休", "Civil Servant", None],
            "risk_tolerance": ["C3 平衡型", "c2", "保守型", ""],
            "risk_assessed_on": ["2024年5月1日", "20240101", None, None],
            "household_size": ["3", None, "1", None],
        }
    )
    problems = Problems()
    got = read_attributes(Checker(table, problems))
    assert not problems
    assert got == [
        {
            "occupation": "retired",
            "risk_tolerance": "C3",
            "risk_assessed_on": "2024-05-01",
            "household_size": 3,
        },
        {"occupation": "retired", "risk_tolerance": "C2", "risk_assessed_on": "2024-01-01"},
        {"occupation": "civil_servant", "risk_tolerance": "C1", "household_size": 1},
        {},
    ]
    assert all(type(row.get("household_size", 0)) is int for row in got)  # JSON, not numpy


def test_a_bad_value_names_the_row_and_column() -> None:
    table = _table(
        {
            "education": ["tertiary", "phd"],
            "household_size": ["0", "2.5"],
            "risk_assessment_expires": ["03/31/2024", "2025-01-01"],
        }
    )
    problems = Problems()
    read_attributes(Checker(table, problems))
    said = sorted(str(p) for p in problems.listed)
    assert said == [
        "clients.csv, row 2, column household_size: expected a whole number between 1 and 20, "
        "got '0'",
        "clients.csv, row 2, column risk_assessment_expires: expected a date such as 2024-03-31, "
        "2024/03/31, 20240331, 31.03.2024 or 2024年3月31日, got '03/31/2024'",
        "clients.csv, row 3, column education: expected one of primary, secondary, tertiary, "
        "got 'phd'",
        "clients.csv, row 3, column household_size: expected a whole number between 1 and 20, "
        "got '2.5'",
    ]


def test_an_undeclared_column_is_a_warning_naming_it() -> None:
    table = _table({"client_id": ["1"], "name": ["x"], "occupation": ["student"], "foo": ["?"]})
    assert [str(w) for w in undeclared(table, COLUMNS["clients"])] == [
        "clients.csv: column 'foo' is not part of the format and was not imported"
    ]
    wide = _table({f"extra{i}": ["1"] for i in range(25)})
    said = [str(w) for w in undeclared(wide, COLUMNS["clients"])]
    assert len(said) == 21 and said[-1] == "clients.csv: and 5 more such columns, not imported"
