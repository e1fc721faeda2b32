"""Makes a full-size PKDD'99 set: the real small files and a generated 1,056,320-row trans.asc.

The public copy of trans.asc holds only its first 49,102 rows; the original table had 1,056,320.
This writes one of that size in the same format (semicolons, quoted text, CRLF, YYMMDD dates) with
the real accounts, opening dates and a plausible mix of transaction types and running balances.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROWS = 1_056_320
REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "berka"
# (type, operation, k_symbol, share, mean amount) after the real file's mix
KINDS = [
    ("VYDAJ", "VYBER", "", 0.27, 4500.0),
    ("PRIJEM", "VKLAD", "", 0.20, 5500.0),
    ("PRIJEM", "", "UROK", 0.18, 150.0),
    ("VYDAJ", "VYBER", "SLUZBY", 0.11, 15.0),
    ("VYDAJ", "PREVOD NA UCET", "SIPO", 0.07, 3000.0),
    ("PRIJEM", "PREVOD Z UCTU", "", 0.04, 9000.0),
    ("PRIJEM", "PREVOD Z UCTU", "DUCHOD", 0.035, 6000.0),
    ("VYDAJ", "PREVOD NA UCET", "", 0.045, 2500.0),
    ("VYBER", "VYBER", "", 0.013, 3000.0),
    ("VYDAJ", "PREVOD NA UCET", "POJISTNE", 0.013, 1500.0),
    ("VYDAJ", "PREVOD NA UCET", "UVER", 0.01, 4000.0),
    ("VYDAJ", "VYBER", "SANKC. UROK", 0.002, 20.0),
    ("VYDAJ", "VYBER KARTOU", "", 0.002, 2000.0),
]


def make(target: Path, rows: int = ROWS, seed: int = 1999) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for f in REAL.glob("*.asc"):
        if f.name != "trans.asc":
            shutil.copy(f, target / f.name)
    accounts = pd.read_csv(REAL / "account.asc", sep=";", dtype=str)
    acc_id = accounts["account_id"].astype(np.int64).to_numpy()
    opened = pd.to_datetime("19" + accounts["date"], format="%Y%m%d").to_numpy("datetime64[D]")
    end = np.datetime64("1998-12-31")
    rng = np.random.default_rng(seed)
    life = (end - opened).astype(np.int64) + 1
    weights = life / life.sum()
    per = rng.multinomial(rows, weights)
    account = np.repeat(acc_id, per)
    start = np.repeat(opened, per)
    span = np.repeat(life, per)
    day = start + (rng.random(rows) * span).astype(np.int64).astype("timedelta64[D]")
    shares = np.array([k[3] for k in KINDS])
    kind = rng.choice(len(KINDS), size=rows, p=shares / shares.sum())
    mean = np.array([k[4] for k in KINDS])[kind]
    amount = np.round(rng.gamma(2.0, mean / 2.0), 2) + 0.0
    credit = np.array([k[0] == "PRIJEM" for k in KINDS])[kind]
    order = np.lexsort((day, account))
    account, day, kind, amount, credit = (a[order] for a in (account, day, kind, amount, credit))
    signed = np.where(credit, amount, -amount)
    firsts = np.r_[0, np.flatnonzero(account[1:] != account[:-1]) + 1]
    csum = np.cumsum(signed)
    base = np.repeat(csum[firsts] - signed[firsts], np.diff(np.r_[firsts, rows]))
    balance = np.round(csum - base + 1000.0, 2)  # every account opens with a deposit
    by_date = np.argsort(day, kind="stable")
    frame = pd.DataFrame(
        {
            "trans_id": np.arange(1, rows + 1),
            "account_id": account[by_date],
            "date": pd.to_datetime(day[by_date]).strftime("%y%m%d").astype(int),
            "type": np.array([k[0] for k in KINDS])[kind[by_date]],
            "operation": np.array([k[1] for k in KINDS])[kind[by_date]],
            "amount": amount[by_date],
            "balance": balance[by_date],
            "k_symbol": np.array([k[2] for k in KINDS])[kind[by_date]],
            "bank": "",
            "account": "",
        }
    )
    frame.to_csv(
        target / "trans.asc", sep=";", index=False, lineterminator="\r\n", quoting=2
    )  # csv.QUOTE_NONNUMERIC: text quoted, numbers bare, as the original
    return target


if __name__ == "__main__":
    out = make(Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/berka-full"))
    print(out, sum(1 for _ in (out / "trans.asc").open()) - 1, "transactions")
