"""The UCI Bank Marketing data (a Portuguese bank's term-deposit phone campaigns, 2008–2010).

One row is one client and the last call of the campaign to them: the client with their average
yearly balance (a current account), housing and personal loans, credit in default, and the call
itself as a contact with its outcome; a client who said yes holds a term deposit from that day.
The file carries no years: rows are in date order from May 2008, so a month earlier than the one
before it starts a new year. What else is assumed is in docs/import-format.md.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from rmdesk.services.data.importing.dataset import (
    FACT_COLUMNS,
    PRICING_COLUMNS,
    PRODUCT_COLUMNS,
    USER_COLUMNS,
    DataSet,
)
from rmdesk.services.data.importing.files import sha256_of
from rmdesk.services.data.importing.problems import Problems
from rmdesk.services.data.importing.reading import read_text_table
from rmdesk.services.data.importing.tables import Checker

SOURCE = "bank_marketing"
FIRST_YEAR = 2008
BRANCH = "PT-01"
CLIENTS_PER_RM = 1500
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
JOBS = [
    "admin.",
    "unknown",
    "unemployed",
    "management",
    "housemaid",
    "entrepreneur",
    "student",
    "blue-collar",
    "self-employed",
    "retired",
    "technician",
    "services",
]
COLUMNS = [
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
PRODUCTS = [
    ("BM-CURRENT", "活期账户（葡萄牙）", "Current account (PT)", "deposit", None, None, None, None),
    ("BM-TERM", "定期存款（葡萄牙）", "Term deposit (PT)", "deposit", 12, 18, None, None),
    ("BM-HOUSING", "住房贷款（葡萄牙）", "Housing loan (PT)", "loan", 300, 18, 70, None),
    ("BM-PERSONAL", "个人贷款（葡萄牙）", "Personal loan (PT)", "loan", 60, 18, 70, None),
]
# euro rates of 2008–2010 (Euribor fell from about 5% to 1%); FTP, client rate, fee, fee rate,
# cost to serve (cents/month), PD, LGD
PRICING = {
    "BM-CURRENT": ("0.0200", "0.0010", 0, "0", 300, "0", "0"),
    "BM-TERM": ("0.0250", "0.0200", 0, "0", 100, "0", "0"),
    "BM-HOUSING": ("0.0250", "0.0350", 0, "0", 800, "0.0100", "0.2500"),
    "BM-PERSONAL": ("0.0300", "0.0750", 0, "0", 600, "0.0400", "0.6000"),
}
FIRST = [
    "João",
    "Maria",
    "José",
    "Ana",
    "António",
    "Manuel",
    "Francisco",
    "Isabel",
    "Luís",
    "Teresa",
    "Carlos",
    "Paula",
    "Pedro",
    "Sofia",
    "Rui",
    "Catarina",
    "Miguel",
    "Rita",
]
LAST = [
    "Silva",
    "Santos",
    "Ferreira",
    "Pereira",
    "Oliveira",
    "Costa",
    "Rodrigues",
    "Martins",
    "Jesus",
    "Sousa",
    "Fernandes",
    "Gonçalves",
    "Gomes",
    "Lopes",
    "Marques",
    "Alves",
]


def checksum_of(path: Path, problems: Problems) -> str:
    """The file's SHA-256, read in blocks; a file that may not be read is a problem instead."""
    return sha256_of([(None, path / "bank-full.csv" if path.is_dir() else path)], problems)


def read(path: Path, problems: Problems, *, encoding: str | None = None) -> DataSet:
    """Check ``bank-full.csv`` (or ``bank.csv``) and build the data set."""
    if path.is_dir():
        path = path / "bank-full.csv"
    table = read_text_table(path, problems, encoding=encoding)
    problems.raise_if_any()
    assert table is not None
    c = Checker(table, problems)
    if not c.require_columns(COLUMNS):
        problems.raise_if_any()
    yes_no = {"yes": "yes", "no": "no"}
    age = c.integer("age", required=True, minimum=16, maximum=110)
    job = c.choice("job", {j: j for j in JOBS}, required=True)
    marital = c.choice(
        "marital", {m: m for m in ("married", "divorced", "single", "unknown")}, required=True
    )
    education = c.choice(
        "education", {e: e for e in ("unknown", "primary", "secondary", "tertiary")}, required=True
    )
    default = c.choice("default", yes_no, required=True) == "yes"
    balance = c.money("balance", required=True)
    housing = c.choice("housing", yes_no, required=True) == "yes"
    loan = c.choice("loan", yes_no, required=True) == "yes"
    contact = c.choice(
        "contact", {k: k for k in ("unknown", "telephone", "cellular")}, required=True
    )
    day = c.integer("day", required=True, minimum=1, maximum=31)
    month = c.choice("month", {m: m for m in MONTHS}, required=True).map(MONTHS)
    duration = c.integer("duration", required=True, minimum=0)
    campaign = c.integer("campaign", required=True, minimum=1)
    pdays = c.integer("pdays", required=True, minimum=-1)
    previous = c.integer("previous", required=True, minimum=0)
    poutcome = c.choice(
        "poutcome", {k: k for k in ("unknown", "other", "failure", "success")}, required=True
    )
    y = c.choice("y", yes_no, required=True) == "yes"
    problems.raise_if_any()

    m = month.to_numpy(dtype=np.int64)
    wraps = np.concatenate([[0], np.cumsum(m[1:] < m[:-1])])
    in_order = wraps[-1] <= 2
    year = FIRST_YEAR + wraps if in_order else np.full(len(m), FIRST_YEAR + 2)
    when = pd.to_datetime(
        pd.DataFrame({"year": year, "month": m, "day": day.to_numpy()}), errors="coerce"
    )
    impossible = when.isna().to_numpy()
    c.report(
        np.flatnonzero(impossible),
        "day",
        lambda i: f"day {day.iloc[i]} does not exist in month {table.raw('month').iloc[i]}",
    )
    problems.raise_if_any()

    n = len(table)
    rows = table.lines
    ext = np.array([f"row-{r - 1}" for r in rows], dtype=object)
    n_rm = max(1, math.ceil(n / CLIENTS_PER_RM))
    data = DataSet(source=SOURCE)
    data.branches = pd.DataFrame(
        [(BRANCH, "Portuguese bank (UCI Bank Marketing)", None, "Portugal")],
        columns=["code", "name", "district", "region"],
    )
    users = [("bm-head", "Director de agência", "branch_head", BRANCH, None, 4)]
    users += [
        (
            f"bm-rm{k + 1:02d}",
            f"{FIRST[k % len(FIRST)]} {LAST[(k * 5) % len(LAST)]}",
            "rm",
            BRANCH,
            None,
            4,
        )
        for k in range(n_rm)
    ]
    data.users = pd.DataFrame(users, columns=USER_COLUMNS)
    data.products = pd.DataFrame(PRODUCTS, columns=PRODUCT_COLUMNS)
    data.pricing = pd.DataFrame(
        [
            (code, "2008-01-01", *v, "UCI bank marketing import defaults")
            for code, v in PRICING.items()
        ],
        columns=PRICING_COLUMNS,
    )
    idx = np.arange(n)
    born = pd.to_datetime(
        pd.DataFrame({"year": year - age.to_numpy(dtype=np.int64), "month": 7, "day": 1})
    )
    attrs = [
        {
            "job": j,
            "marital": mar,
            "education": e,
            "credit_in_default": bool(d),
            "campaign_contacts": int(cp),
            "days_since_previous_campaign": int(pd_) if pd_ >= 0 else None,
            "previous_contacts": int(pv),
            "previous_outcome": po,
            "term_deposit_subscribed": bool(yy),
        }
        for j, mar, e, d, cp, pd_, pv, po, yy in zip(
            job, marital, education, default, campaign, pdays, previous, poutcome, y, strict=True
        )
    ]
    data.clients = pd.DataFrame(
        {
            "external_id": ext,
            "kind": "individual",
            "name": [
                f"{FIRST[(i * 7) % len(FIRST)]} {LAST[(i * 11 + i // 13) % len(LAST)]} "
                f"{LAST[(i * 3 + 5) % len(LAST)]}"
                for i in idx
            ],
            "birth_date": born,
            "segment": "mass",
            "branch_code": BRANCH,
            "rm_username": [f"bm-rm{(i % n_rm) + 1:02d}" for i in idx],
            "status": "active",
            "attributes": attrs,
        }
    )
    first_of_month = when.dt.to_period("M").dt.to_timestamp()
    parts = [
        pd.DataFrame(
            {
                "external_id": ext + "-current",
                "client_external_id": ext,
                "product_code": "BM-CURRENT",
                "currency": "EUR",
            }
        )
    ]
    for flag, code, suffix in (
        (housing, "BM-HOUSING", "-housing"),
        (loan, "BM-PERSONAL", "-personal"),
    ):
        sel = flag.to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "external_id": ext[sel] + suffix,
                    "client_external_id": ext[sel],
                    "product_code": code,
                    "currency": "EUR",
                }
            )
        )
    sel = y.to_numpy()
    parts.append(
        pd.DataFrame(
            {
                "external_id": ext[sel] + "-term",
                "client_external_id": ext[sel],
                "product_code": "BM-TERM",
                "currency": "EUR",
                "opened_on": when[sel].to_numpy(),
                "maturity_on": (when[sel] + pd.DateOffset(months=12)).to_numpy(),
            }
        )
    )
    data.holdings = pd.concat(parts, ignore_index=True)
    data.holdings = data.holdings.assign(attributes=pd.Series([{}] * len(data.holdings)))

    # the contact month's facts: the current account's balance; a default marks the client's
    # loans (or, without one, the current account) 90 days past due
    has_credit = (housing | loan).to_numpy()
    dflt = default.to_numpy()
    facts = [
        pd.DataFrame(
            {
                "holding_external_id": ext + "-current",
                "month": first_of_month,
                "avg_balance_minor": balance.to_numpy(dtype=np.int64),
                "days_past_due": np.where(dflt & ~has_credit, 90, 0),
                "overdraft_days": np.where(balance.to_numpy(dtype=np.int64) < 0, 30, 0),
            }
        )
    ]
    for flag, suffix in ((housing, "-housing"), (loan, "-personal")):
        sel = flag.to_numpy() & dflt
        facts.append(
            pd.DataFrame(
                {
                    "holding_external_id": ext[sel] + suffix,
                    "month": first_of_month[sel].to_numpy(),
                    "avg_balance_minor": 0,
                    "days_past_due": 90,
                }
            )
        )
    fact_frame = pd.concat(facts, ignore_index=True)
    for col in FACT_COLUMNS:
        if col not in fact_frame:
            fact_frame[col] = 0
    data.facts = [fact_frame[FACT_COLUMNS]]
    data.expected_facts = len(fact_frame)

    channel_note = {"cellular": "mobile phone", "telephone": "landline", "unknown": "phone"}
    data.interactions = pd.DataFrame(
        {
            "external_id": ext + "-call",
            "client_external_id": ext,
            "username": [f"bm-rm{(i % n_rm) + 1:02d}" for i in idx],
            "occurred_at": when + pd.Timedelta(hours=10),
            "channel": "phone",
            "purpose": "Term deposit campaign",
            "outcome": np.where(y, "Subscribed a term deposit", "Declined"),
            "notes": [
                f"Last call of {int(cp)} in this campaign ({channel_note[ct]}, {int(du)} s); "
                f"previous campaign: {po}"
                for cp, ct, du, po in zip(campaign, contact, duration, poutcome, strict=True)
            ],
        }
    )
    as_of = (when.max() + pd.offsets.MonthEnd(0)).normalize()
    data.meta = {
        "as_of": as_of.date().isoformat(),
        "contact_years": "inferred from date order"
        if in_order
        else f"file not in date order: contacts dated {FIRST_YEAR + 2}",
    }
    return data
