"""The UCI Bank Marketing data (a Portuguese bank's term-deposit phone campaigns, 2008–2010).

Two releases: ``bank-full.csv`` / ``bank.csv`` (17 columns, with the client's average balance
and the day of the call) and ``bank-additional-full.csv`` / ``bank-additional.csv`` (21 columns:
no balance, the weekday of the call instead of its day, and five indicators of the economy). The
release is read from the header. One row is one client and the last call of the campaign to
them. Neither file carries years: rows are in date order from May 2008, so a month earlier than
the one before it starts a new year. This module checks a file into one row per client in the
bank's words; bank_marketing_build.py makes the data set. What is assumed is in
docs/import-format.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from rmdesk.services.data.importing.bank_marketing_build import ECONOMY, build
from rmdesk.services.data.importing.bank_marketing_build import (
    SOURCE as SOURCE,
)  # the importer's name
from rmdesk.services.data.importing.dataset import DataSet
from rmdesk.services.data.importing.files import sha256_of
from rmdesk.services.data.importing.problems import Problems
from rmdesk.services.data.importing.reading import read_text_table
from rmdesk.services.data.importing.tables import Checker, Table

FIRST_YEAR = 2008
#: the files a folder may hold, the first present is read
FILE_NAMES = ("bank-full.csv", "bank-additional-full.csv", "bank.csv", "bank-additional.csv")
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4}
#: the file's job → the occupation code (rmdesk/services/common/client_fields.py); unknown: left out
OCCUPATIONS = {
    "admin.": "employee",
    "blue-collar": "worker",
    "technician": "technician",
    "services": "service",
    "management": "manager",
    "retired": "retired",
    "entrepreneur": "entrepreneur",
    "self-employed": "self_employed",
    "housemaid": "service",
    "unemployed": "unemployed",
    "student": "student",
}
#: both releases' education → the education code; illiterate counts as primary or less
EDUCATION = {
    "primary": "primary",
    "secondary": "secondary",
    "tertiary": "tertiary",
    "illiterate": "primary",
    "basic.4y": "primary",
    "basic.6y": "primary",
    "basic.9y": "secondary",
    "high.school": "secondary",
    "professional.course": "secondary",
    "university.degree": "tertiary",
}
MARITAL = {"married": "married", "single": "single", "divorced": "divorced"}
OLDER = [
    "age",
    "job",
    "marital",
    "education",
    "default",
    "balance",
    "housing",
    "loan",
    "contact",
    "day",
    "month",
    "duration",
    "campaign",
    "pdays",
    "previous",
    "poutcome",
    "y",
]
NEWER = [
    "age",
    "job",
    "marital",
    "education",
    "default",
    "housing",
    "loan",
    "contact",
    "month",
    "day_of_week",
    "duration",
    "campaign",
    "pdays",
    "previous",
    "poutcome",
    *ECONOMY,
    "y",
]


def file_of(path: Path) -> Path:
    """The file to read: ``path`` itself, or the first of ``FILE_NAMES`` in the folder."""
    if not path.is_dir():
        return path
    for name in FILE_NAMES:
        if (path / name).exists():
            return path / name
    return path / FILE_NAMES[0]


def checksum_of(path: Path, problems: Problems) -> str:
    """The file's SHA-256, read in blocks; a file that may not be read is a problem instead."""
    return sha256_of([(None, file_of(path))], problems)


def read(path: Path, problems: Problems, *, encoding: str | None = None) -> DataSet:
    """Check either release of the file and build the data set."""
    rows, meta = check(file_of(path), problems, encoding=encoding)
    return build(rows, meta)


def check(
    path: Path, problems: Problems, *, encoding: str | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """One row per client: the file's values in the bank's words, dated; problems stop here."""
    table = read_text_table(path, problems, encoding=encoding)
    problems.raise_if_any()
    assert table is not None
    newer = all(table.has(col) for col in NEWER)
    if not newer and not all(table.has(col) for col in OLDER):
        _neither(table, problems)
    if not len(table):
        problems.add(table.name, None, None, "no rows after the header: no client to import")
        problems.raise_if_any()
    c = Checker(table, problems)
    yes_no = {"yes": "yes", "no": "no"}
    maybe = yes_no | {"unknown": "unknown"}
    unknown = {"unknown": "unknown"}
    rows = pd.DataFrame(
        {
            "age": c.integer("age", required=True, minimum=16, maximum=110),
            "occupation": c.choice("job", {j: j for j in OCCUPATIONS} | unknown, required=True),
            "marital_status": c.choice("marital", MARITAL | unknown, required=True),
            "education": c.choice("education", {e: e for e in EDUCATION} | unknown, required=True),
            "default": c.choice("default", maybe if newer else yes_no, required=True),
            "housing": c.choice("housing", maybe if newer else yes_no, required=True) == "yes",
            "loan": c.choice("loan", maybe if newer else yes_no, required=True) == "yes",
            "contact": c.choice(
                "contact", {k: k for k in ("unknown", "telephone", "cellular")}, required=True
            ),
            "month": c.choice("month", {m: m for m in MONTHS}, required=True).map(MONTHS),
            "duration": c.integer("duration", required=True, minimum=0),
            "campaign": c.integer("campaign", required=True, minimum=1),
            "pdays": c.integer("pdays", required=True, minimum=-1),
            "previous": c.integer("previous", required=True, minimum=0),
            "poutcome": c.choice(
                "poutcome",
                {k: k for k in ("unknown", "nonexistent", "other", "failure", "success")},
                required=True,
            ),
            "y": c.choice("y", yes_no, required=True) == "yes",
        }
    )
    if newer:
        rows["weekday"] = c.choice("day_of_week", {d: d for d in WEEKDAYS}, required=True)
        for col in ECONOMY:
            rows[col] = c.rate(col, required=True, minimum=-1e6, maximum=1e6).astype("float64")
        rows["balance"] = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    else:
        rows["day"] = c.integer("day", required=True, minimum=1, maximum=31)
        rows["balance"] = c.money("balance", required=True)
    problems.raise_if_any()

    rows["occupation"] = rows["occupation"].map(OCCUPATIONS)
    rows["education"] = rows["education"].map(EDUCATION)
    rows["marital_status"] = rows["marital_status"].where(rows["marital_status"] != "unknown")
    rows["credit_in_default"] = rows["default"].where(rows["default"] != "unknown")
    # never contacted before: -1 in the older release, 999 in the newer
    rows["pdays"] = rows["pdays"].where(~rows["pdays"].isin([-1, 999]))
    rows["poutcome"] = rows["poutcome"].where(~rows["poutcome"].isin(["unknown", "nonexistent"]))
    rows["ext"] = [f"row-{r - 1}" for r in table.lines]
    m = rows["month"].to_numpy(dtype=np.int64)
    wraps = np.concatenate([[0], np.cumsum(m[1:] < m[:-1])])
    in_order = bool(wraps[-1] <= 2)
    year = FIRST_YEAR + wraps if in_order else np.full(len(m), FIRST_YEAR + 2)
    meta = {
        "release": "bank-additional (21 columns)" if newer else "bank-full (17 columns)",
        "contact_years": "inferred from date order"
        if in_order
        else f"file not in date order: contacts dated {FIRST_YEAR + 2}",
    }
    if newer:
        weekday = rows["weekday"].map(WEEKDAYS).to_numpy()
        rows["when"] = weekday_dates(year, m, weekday, in_order).to_numpy()
        meta["contact_days"] = (
            "the file gives the weekday only: the earliest day of that weekday in the month "
            "on or after the row before's"
            if in_order
            else "the file gives the weekday only: the first of that weekday in the month"
        )
    else:
        rows["when"] = _dated(table, c, year, m, rows["day"]).to_numpy()
    problems.raise_if_any()
    return rows, meta


def _neither(table: Table, problems: Problems) -> None:
    """Refuse a header that is neither release, saying what each would need."""
    for release, columns in (("bank-full.csv", OLDER), ("bank-additional-full.csv", NEWER)):
        missing = [col for col in columns if not table.has(col)]
        problems.add(
            table.name,
            1,
            None,
            f"not the {len(columns)} columns of {release} ({';'.join(columns)}): "
            f"missing {', '.join(missing)}",
        )
    problems.raise_if_any()


def _dated(
    table: Table, c: Checker, year: np.ndarray, month: np.ndarray, day: pd.Series
) -> pd.Series:
    """The older release's contact dates; a day the month does not have is a problem."""
    when = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day.to_numpy()}), errors="coerce"
    )
    c.report(
        np.flatnonzero(when.isna().to_numpy()),
        "day",
        lambda i: f"day {day.iloc[i]} does not exist in month {table.raw('month').iloc[i]}",
    )
    return when


def weekday_dates(
    year: np.ndarray, month: np.ndarray, weekday: np.ndarray, in_order: bool
) -> pd.Series:
    """Dates for a file that gives the weekday and the month only (the newer release).

    In date order, a row's day is the earliest day of its weekday in its month on or after the
    row before's (so mon, mon, wed, fri, mon is the first Monday, its Wednesday and Friday, then
    the next Monday); past the month's end, the last of that weekday in the month. A file not in
    date order gives each row the first of its weekday in its month."""
    out = np.empty(len(year), dtype="datetime64[D]")
    cursor = dt.date(1, 1, 1)
    last: tuple[int, int] = (0, 0)
    for i, (y, m, w) in enumerate(
        zip(year.tolist(), month.tolist(), weekday.tolist(), strict=True)
    ):
        first = dt.date(y, m, 1)
        if (y, m) != last or not in_order:
            cursor, last = first, (y, m)
        day = cursor + dt.timedelta(days=(w - cursor.weekday()) % 7)
        if day.month != m:
            day -= dt.timedelta(days=7)
        cursor = day
        out[i] = np.datetime64(day, "D")
    return pd.Series(pd.to_datetime(out))
