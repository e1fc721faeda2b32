"""The UCI bank-marketing data set from the checked rows (bank_marketing.py): clients with their
declared fields, a current account, loans, a term deposit with monthly facts for those who took
one, and each client's calls, this campaign's and the previous one's, with their outcomes.
docs/import-format.md says what is assumed where the file is silent.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from rmdesk.services.data.importing.dataset import (
    FACT_COLUMNS,
    PRICING_COLUMNS,
    PRODUCT_COLUMNS,
    USER_COLUMNS,
    DataSet,
)

SOURCE = "bank_marketing"
#: the newer release's indicators of the economy, as its header names them
ECONOMY = ["emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed"]
BRANCH = "PT-01"
CLIENTS_PER_RM = 1500
#: A term deposit's assumed principal (cents) when the client's balance is below it or unknown:
#: the file gives no deposit amounts (docs/import-format.md says why this one).
TERM_PRINCIPAL_FLOOR = 500_000
CLIENT_FIELDS = ("occupation", "education", "marital_status", "credit_in_default")
OUTCOMES = {"success": "Subscribed a term deposit", "failure": "Declined", "other": "Other outcome"}
#: the previous campaign's outcome as an offer's result ("other" says neither)
OFFER_RESULTS = {"success": "accepted", "failure": "declined"}
LINES = {"cellular": "mobile phone", "telephone": "landline", "unknown": "phone"}
PRODUCTS: list[tuple[object, ...]] = [
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


def build(rows: pd.DataFrame, meta: dict[str, str]) -> DataSet:
    """The data set of the checked rows; ``meta`` (release, how dates were read) is kept."""
    n = len(rows)
    ext = rows["ext"].to_numpy(dtype=object)
    when = pd.Series(pd.to_datetime(rows["when"].to_numpy()))
    as_of = (when.max() + pd.offsets.MonthEnd(0)).normalize()
    n_rm = max(1, math.ceil(n / CLIENTS_PER_RM))
    rm = np.array([f"bm-rm{(i % n_rm) + 1:02d}" for i in range(n)], dtype=object)
    data = DataSet(source=SOURCE)
    data.branches = pd.DataFrame(
        [(BRANCH, "Portuguese bank (UCI Bank Marketing)", None, "Portugal")],
        columns=["code", "name", "district", "region"],
    )
    users = [("bm-head", "Director de agência", "branch_head", BRANCH, None, 4)]
    users += [(f"bm-rm{k + 1:02d}", _rm_name(k), "rm", BRANCH, None, 4) for k in range(n_rm)]
    data.users = pd.DataFrame(users, columns=USER_COLUMNS)
    data.products = pd.DataFrame(PRODUCTS, columns=PRODUCT_COLUMNS)
    data.pricing = pd.DataFrame(
        [
            (code, "2008-01-01", *v, "UCI bank marketing import defaults")
            for code, v in PRICING.items()
        ],
        columns=PRICING_COLUMNS,
    )
    data.clients = _clients(rows, ext, when, rm)
    data.holdings = _holdings(rows, ext, when, as_of)
    facts = pd.concat(
        [_account_facts(rows, ext, when), _term_facts(rows, ext, when, as_of)], ignore_index=True
    )
    for col in FACT_COLUMNS:
        if col not in facts:
            facts[col] = 0
    data.facts = [facts[FACT_COLUMNS]]
    data.expected_facts = len(facts)
    data.interactions = pd.concat(
        [_calls(rows, ext, when, rm), _previous_calls(rows, ext, when, rm)], ignore_index=True
    )
    data.meta = {"as_of": as_of.date().isoformat(), **meta}
    if "euribor3m" in rows:
        data.meta["economy"] = _economy(rows, when)
    return data


def _rm_name(k: int) -> str:
    return f"{FIRST[k % len(FIRST)]} {LAST[(k * 5) % len(LAST)]}"


def _clients(rows: pd.DataFrame, ext: np.ndarray, when: pd.Series, rm: np.ndarray) -> pd.DataFrame:
    idx = np.arange(len(rows))
    born = pd.to_datetime(
        pd.DataFrame(
            {"year": when.dt.year - rows["age"].to_numpy(dtype=np.int64), "month": 7, "day": 1}
        )
    )
    values = [rows[f].astype(object).where(rows[f].notna(), None).tolist() for f in CLIENT_FIELDS]
    attrs = [
        {k: v for k, v in zip(CLIENT_FIELDS, row, strict=True) if v is not None}
        for row in zip(*values, strict=True)
    ]
    return pd.DataFrame(
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
            "rm_username": rm,
            "status": "active",
            "attributes": attrs,
        }
    )


def _holdings(
    rows: pd.DataFrame, ext: np.ndarray, when: pd.Series, as_of: pd.Timestamp
) -> pd.DataFrame:
    parts = [
        pd.DataFrame(
            {
                "external_id": ext + "-current",
                "client_external_id": ext,
                "product_code": "BM-CURRENT",
            }
        )
    ]
    for flag, code, suffix in (
        ("housing", "BM-HOUSING", "-housing"),
        ("loan", "BM-PERSONAL", "-personal"),
    ):
        sel = rows[flag].to_numpy(dtype=bool)
        parts.append(
            pd.DataFrame(
                {
                    "external_id": ext[sel] + suffix,
                    "client_external_id": ext[sel],
                    "product_code": code,
                }
            )
        )
    sel = rows["y"].to_numpy(dtype=bool)
    opened = when[sel].reset_index(drop=True)
    # renewed each year: the current term ends on the first anniversary after the data date
    years = ((as_of - opened).dt.days // 365 + 1).clip(lower=1)
    maturity = [o + pd.DateOffset(years=int(k)) for o, k in zip(opened, years, strict=True)]
    parts.append(
        pd.DataFrame(
            {
                "external_id": ext[sel] + "-term",
                "client_external_id": ext[sel],
                "product_code": "BM-TERM",
                "opened_on": opened.to_numpy(),
                "maturity_on": pd.to_datetime(pd.Series(maturity, dtype=object)).to_numpy(),
                "amount_minor": _principal(rows)[sel],
            }
        )
    )
    holdings = pd.concat(parts, ignore_index=True)
    empty = pd.Series([{} for _ in range(len(holdings))], index=holdings.index, dtype=object)
    return holdings.assign(currency="EUR", attributes=empty)


def _principal(rows: pd.DataFrame) -> np.ndarray:
    """A term deposit's assumed principal: the client's balance, at least the floor."""
    balance = rows["balance"].fillna(0).to_numpy(dtype=np.int64)
    principal: np.ndarray = np.maximum(balance, TERM_PRINCIPAL_FLOOR)
    return principal


def _account_facts(rows: pd.DataFrame, ext: np.ndarray, when: pd.Series) -> pd.DataFrame:
    """The contact month: the current account's balance where the file has one; a default
    marks the client's loans (or, without one, the current account) 90 days past due."""
    month = when.dt.to_period("M").dt.to_timestamp().to_numpy()
    default = (rows["credit_in_default"] == "yes").to_numpy(dtype=bool)
    credit = (rows["housing"] | rows["loan"]).to_numpy(dtype=bool)
    known = rows["balance"].notna().to_numpy(dtype=bool)
    balance = rows["balance"].fillna(0).to_numpy(dtype=np.int64)
    sel = known | (default & ~credit)
    facts = [
        pd.DataFrame(
            {
                "holding_external_id": ext[sel] + "-current",
                "month": month[sel],
                "avg_balance_minor": balance[sel],
                "days_past_due": np.where(default & ~credit, 90, 0)[sel],
                "overdraft_days": np.where(balance < 0, 30, 0)[sel],
            }
        )
    ]
    for flag, suffix in (("housing", "-housing"), ("loan", "-personal")):
        sel = rows[flag].to_numpy(dtype=bool) & default
        facts.append(
            pd.DataFrame(
                {
                    "holding_external_id": ext[sel] + suffix,
                    "month": month[sel],
                    "avg_balance_minor": 0,
                    "days_past_due": 90,
                }
            )
        )
    return pd.concat(facts, ignore_index=True)


def _term_facts(
    rows: pd.DataFrame, ext: np.ndarray, when: pd.Series, as_of: pd.Timestamp
) -> pd.DataFrame:
    """A term deposit's months from its opening to the data date at its assumed principal (the
    opening month for the days it was held), with the interest paid at the client rate."""
    sel = rows["y"].to_numpy(dtype=bool)
    opened = when[sel].reset_index(drop=True)
    principal = _principal(rows)[sel]
    start = opened.dt.year.to_numpy() * 12 + opened.dt.month.to_numpy() - 1
    end = as_of.year * 12 + as_of.month - 1
    span = np.maximum(end - start + 1, 1)
    rep = np.repeat(np.arange(len(opened)), span)
    offset = np.arange(len(rep)) - np.repeat(np.cumsum(span) - span, span)
    index = start[rep] + offset
    month = pd.to_datetime(pd.DataFrame({"year": index // 12, "month": index % 12 + 1, "day": 1}))
    days_in = opened.dt.days_in_month.to_numpy()
    held = (days_in - opened.dt.day.to_numpy() + 1) / days_in
    share = np.where(offset == 0, held[rep], 1.0)
    balance = np.rint(principal[rep] * share).astype(np.int64)
    rate = float(PRICING["BM-TERM"][1])
    return pd.DataFrame(
        {
            "holding_external_id": ext[sel][rep] + "-term",
            "month": month,
            "avg_balance_minor": balance,
            "interest_minor": np.rint(balance * rate / 12).astype(np.int64),
            "days_past_due": 0,
            "overdraft_days": 0,
        }
    )


def _calls(rows: pd.DataFrame, ext: np.ndarray, when: pd.Series, rm: np.ndarray) -> pd.DataFrame:
    """This campaign's last call, with its outcome; the notes keep the campaign month, the line,
    the call's length and (newer release) the weekday given and the economy that month."""
    notes = [
        f"Last call of {cp} in the campaign of {w:%B %Y} ({LINES[ct]}, {du} s)"
        for cp, w, ct, du in zip(
            rows["campaign"], when, rows["contact"], rows["duration"], strict=True
        )
    ]
    if "euribor3m" in rows:
        economy = [
            "; ".join(f"{k} {v:g}" for k, v in zip(ECONOMY, values, strict=True))
            for values in rows[ECONOMY].itertuples(index=False)
        ]
        notes = [
            f"{note}; the file gives the weekday ({day}) and not the day; economy: {econ}"
            for note, day, econ in zip(notes, rows["weekday"], economy, strict=True)
        ]
    return pd.DataFrame(
        {
            "external_id": ext + "-call",
            "client_external_id": ext,
            "username": rm,
            "occurred_at": (when + pd.Timedelta(hours=10)).to_numpy(),
            "channel": "phone",
            "purpose": "Term deposit campaign",
            "outcome": np.where(rows["y"], OUTCOMES["success"], OUTCOMES["failure"]),
            "notes": notes,
            "product_code": "BM-TERM",
            "offer_result": np.where(rows["y"], "accepted", "declined"),
        }
    )


def _previous_calls(
    rows: pd.DataFrame, ext: np.ndarray, when: pd.Series, rm: np.ndarray
) -> pd.DataFrame:
    """The previous campaign's contact, for a client contacted before: dated ``pdays`` days
    before this call; when the file does not say when (pdays 999 with earlier contacts), the day
    before this call, the latest it can have been, so nothing is known earlier than it was."""
    sel = (rows["previous"] > 0).to_numpy(dtype=bool)
    pdays = rows["pdays"][sel]
    gap = pdays.fillna(1).to_numpy(dtype=np.int64)
    at = when[sel].to_numpy() - gap.astype("timedelta64[D]") + np.timedelta64(10, "h")
    outcome = rows["poutcome"][sel].map(OUTCOMES)
    offer = rows["poutcome"][sel].map(OFFER_RESULTS)
    notes = [
        f"{pv} contact(s) in the previous campaign, outcome {po if pd.notna(po) else 'unknown'}"
        + (
            f", {int(d)} days before this campaign's call"
            if pd.notna(d)
            else "; the file does not say when"
        )
        for pv, po, d in zip(rows["previous"][sel], rows["poutcome"][sel], pdays, strict=True)
    ]
    return pd.DataFrame(
        {
            "external_id": ext[sel] + "-previous",
            "client_external_id": ext[sel],
            "username": rm[sel],
            "occurred_at": at,
            "channel": "phone",
            "purpose": "Earlier term deposit campaign",
            "outcome": outcome.astype(object).where(outcome.notna(), None).to_numpy(),
            "notes": notes,
            "product_code": "BM-TERM",
            "offer_result": offer.astype(object).where(offer.notna(), None).to_numpy(),
        }
    )


def _economy(rows: pd.DataFrame, when: pd.Series) -> str:
    """The newer release's indicators by month of the calls (their median), as JSON."""
    month = when.dt.strftime("%Y-%m").to_numpy()
    by_month = rows[ECONOMY].groupby(month).median()
    return json.dumps(
        {m: {k: float(v) for k, v in values.items()} for m, values in by_month.iterrows()},
        sort_keys=True,
    )
