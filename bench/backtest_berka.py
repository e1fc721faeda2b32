"""Backtest on the Berka (PKDD'99) files: who takes a card or a loan in 1997–98?

The cut is 1996-12-31. rmdesk imports the Berka folder through its own importer into a
temporary SQLite database and learns as of the cut (``suggestion_model(as_of=1996-12-31,
every_product=True)``). Its engine, with the default 12-month horizon, trains on its own:
features at 1994-12-31 → take-up in 1995 (backtest), then features at 1995-12-31 → take-up in
1996 (the model used), and scores every client at 1996-12-31. What it reads at a cut: age,
tenure, gender, the products held (cards and loans by their dates; standing orders as held from
the account's opening), and no monthly facts (this copy of trans.asc stops in March 1994).

The take-up to predict is computed straight from the files, over 24 months:
- card: a client (owner or disponent) of an account opened by 1996-12-31 with no card issued by
  then, who is issued one (any type) in 1997–98; rmdesk's score = the highest of its junior,
  classic and gold card likelihoods;
- loan: the owner of an account opened by 1996-12-31 with no loan dated by then, whose account
  is granted one in 1997–98; rmdesk's score = its BK-LOAN likelihood.

The reference, scikit-learn's HistGradientBoosting, is trained on the same kind of take-up one
window earlier (features at 1994-12-31 → take-up in 1995–96, 24 months) and tested on the
features at 1996-12-31 → take-up in 1997–98. Its features come from the files: the account's
district (inhabitants, municipalities by size, cities, urban ratio, average salary, unemployment
and crimes 1995/96, entrepreneurs), the account's age and statement frequency, the client's age,
gender and right (owner or disponent), the number of people on the account, standing-order
amounts by k_symbol, and having a loan / a card on the account before the cut. The standing
orders and the district figures are one snapshot (the files carry no dates for them): both
sides read them as known at every cut. That is a leak for one kind: every loan account has a
standing order paying the loan (k_symbol UVER), and rmdesk's importer dates every order at the
account's opening, so at the cut a loan granted in 1997–98 already shows as a held standing
order (BK-ORDER). Hence rmdesk runs twice, on the files as they are and on a copy without the
UVER orders, and the reference is shown without them (honest) and with them (the leak's size).
Baselines: popularity (a constant) and, for cards, the client's age alone (its direction chosen
on the training window).

    python -m bench.backtest_berka [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.backtest_common import (
    AUC_LIFT,
    auc,
    describe_methods,
    grade,
    gradient_boosting,
    print_methods,
    propensity_by_external,
    table,
)
from bench.common import ROOT, save

CUT = dt.date(1996, 12, 31)
EARLIER = dt.date(1994, 12, 31)
YEARS = 2  # the take-up window after a cut
CARDS = ["BK-CARD-JUNIOR", "BK-CARD-CLASSIC", "BK-CARD-GOLD"]
LOAN = "BK-LOAN"
ORDER_KINDS = ["POJISTNE", "SIPO", "LEASING", "UVER", "OTHER"]


def _data_dir(given: str | None) -> Path:
    for candidate in (given, os.environ.get("RMDESK_DATA_DIR"), ROOT.parent / "shared" / "data"):
        if candidate and (Path(candidate) / "berka" / "account.asc").is_file():
            return Path(candidate) / "berka"
    raise SystemExit("berka/account.asc not found: give --data or RMDESK_DATA_DIR")


def _date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.astype(str).str[:6], format="%y%m%d")


class Files:
    """The Berka tables, read as they are."""

    def __init__(self, folder: Path) -> None:
        def read(name: str) -> pd.DataFrame:
            return pd.read_csv(folder / f"{name}.asc", sep=";", low_memory=False)

        self.account = read("account").assign(opened=lambda f: _date(f["date"]))
        self.client = read("client")
        self.disp = read("disp")
        self.card = read("card").assign(issued=lambda f: _date(f["issued"]))
        self.loan = read("loan").assign(granted=lambda f: _date(f["date"]))
        self.order = read("order")
        district = read("district")
        for c in district.columns[3:]:
            district[c] = pd.to_numeric(district[c], errors="coerce")
        self.district = district.rename(columns={"A1": "district_id"}).drop(columns=["A2", "A3"])
        born = self.client["birth_number"].astype(str).str.zfill(6)
        month = born.str[2:4].astype(int)
        self.client["female"] = month > 50
        self.client["born"] = pd.to_datetime(
            "19"
            + born.str[:2]
            + (month - 50 * (month > 50)).astype(str).str.zfill(2)
            + born.str[4:],
            format="%Y%m%d",
        )
        # one row per client: its one disposition and that account
        self.people = (
            self.disp.merge(self.client, on="client_id")
            .merge(self.account, on="account_id", suffixes=("_client", ""))
            .set_index("client_id")
            .sort_index()
        )


def take_up(files: Files, cut: dt.date) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per target, (the clients who could take it up at ``cut``, who did in the next YEARS)."""
    p = files.people
    start = pd.Timestamp(cut)
    end = pd.Timestamp(cut.replace(year=cut.year + YEARS))
    exists = (p["opened"] <= start).to_numpy()
    card = files.card.merge(files.disp, on="disp_id")
    had_card = p.index.isin(card.loc[card["issued"] <= start, "client_id"])
    new_card = p.index.isin(
        card.loc[(card["issued"] > start) & (card["issued"] <= end), "client_id"]
    )
    loan = files.loan
    had_loan = p["account_id"].isin(loan.loc[loan["granted"] <= start, "account_id"]).to_numpy()
    new_loan = (
        p["account_id"]
        .isin(loan.loc[(loan["granted"] > start) & (loan["granted"] <= end), "account_id"])
        .to_numpy()
    )
    owner = (p["type"] == "OWNER").to_numpy()
    cards_pop = exists & ~had_card
    loans_pop = exists & owner & ~had_loan
    return {
        "card": (p.index.to_numpy()[cards_pop], new_card[cards_pop]),
        "loan": (p.index.to_numpy()[loans_pop], new_loan[loans_pop]),
    }


def static_features(files: Files, cut: dt.date) -> pd.DataFrame:
    """What the files say of each client as of ``cut`` (the reference's inputs)."""
    p = files.people
    when = pd.Timestamp(cut)
    x = pd.DataFrame(index=p.index)
    x["account_age"] = (when - p["opened"]).dt.days
    x["frequency"] = p["frequency"].astype(str)
    x["age"] = (when - p["born"]).dt.days / 365.25
    x["female"] = p["female"].astype(int)
    x["owner"] = (p["type"] == "OWNER").astype(int)
    x["people_on_account"] = p["account_id"].map(files.disp.groupby("account_id").size())
    kinds = files.order["k_symbol"].fillna("").str.strip().replace("", "OTHER")
    kinds = kinds.where(kinds.isin(ORDER_KINDS), "OTHER")
    orders = files.order.assign(kind=kinds).pivot_table(
        index="account_id", columns="kind", values="amount", aggfunc="sum", fill_value=0
    )
    for k in ORDER_KINDS:
        col = orders[k] if k in orders else pd.Series(dtype="float64")
        x[f"order_{k.lower()}"] = p["account_id"].map(col).fillna(0).to_numpy()
    loan = files.loan[files.loan["granted"] <= when]
    x["loan_before"] = p["account_id"].isin(loan["account_id"]).astype(int).to_numpy()
    card = files.card[files.card["issued"] <= when].merge(files.disp, on="disp_id")
    x["card_on_account_before"] = p["account_id"].isin(card["account_id"]).astype(int).to_numpy()
    district = files.district.set_index("district_id")
    for c in district.columns:
        x[f"district_{c}"] = p["district_id"].map(district[c]).to_numpy()
    return x


def without_loan_orders(folder: Path, into: Path) -> Path:
    """A copy of the files without the standing orders paying a loan (k_symbol UVER): the
    order file is a snapshot of the end of 1998, and every loan account has one, so they tell
    of loans granted after any earlier cut."""
    import shutil

    into.mkdir(parents=True)
    for path in folder.glob("*.asc"):
        if path.name == "order.asc":
            lines = path.read_bytes().split(b"\r\n")
            kept = [line for line in lines if not line.endswith(b';"UVER"')]
            (into / path.name).write_bytes(b"\r\n".join(kept))
        else:
            shutil.copyfile(path, into / path.name)
    return into


def rmdesk_scores(folder: Path, tmp: Path) -> tuple[pd.DataFrame, dict[str, Any], float]:
    """Import the files, learn as of the cut: each client's card and loan likelihood. A card's
    likelihood counts where the engine's suitability rule lets the card be offered to the client
    (its age limits, here): the card score is the highest of those."""
    from sqlalchemy import select

    from rmdesk.db import open_database
    from rmdesk.models import Product
    from rmdesk.services.common.access import OPERATOR
    from rmdesk.services.data.importing import run_import
    from rmdesk.services.engine import suitability
    from rmdesk.services.engine.scoring import suggestion_model

    tmp.mkdir(parents=True, exist_ok=True)
    db = open_database(str(tmp / "berka.sqlite3"))
    try:
        t = time.perf_counter()
        run_import(db.engine, "berka", folder, who=OPERATOR)
        model, profile = suggestion_model(db.engine, as_of=CUT, every_product=True, who=OPERATOR)
        seconds = time.perf_counter() - t
        likelihood = propensity_by_external(model, db.engine)
        methods = describe_methods(model, [*CARDS, LOAN])
        with db.engine.connect() as conn:
            products = {str(r.code): r._asdict() for r in conn.execute(select(Product.__table__))}
    finally:
        db.dispose()
    # the engine's own rule (kind, age, segment, risk grade; eligible once reassessed counts)
    clients = suitability.prepare(profile.reindex(model.propensity.index), CUT)
    verdicts = {code: suitability.check(products[code], clients) for code in CARDS}
    offered = pd.DataFrame(
        {code: v.eligible | v.renew for code, v in verdicts.items()}, index=likelihood.index
    )
    likelihood.index = likelihood.index.astype(int)
    offered.index = likelihood.index
    out = pd.DataFrame(index=likelihood.index)
    out["card"] = likelihood[CARDS].where(offered).max(axis=1).fillna(0.0)
    for code in CARDS:
        out[code] = likelihood[code]
    out["loan"] = likelihood[LOAN]
    return out, methods, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="the folder holding berka/")
    args = parser.parse_args()
    started = time.perf_counter()
    folder = _data_dir(args.data)
    files = Files(folder)
    test, train = take_up(files, CUT), take_up(files, EARLIER)
    x_test, x_train = static_features(files, CUT), static_features(files, EARLIER)
    runs: dict[str, tuple[pd.DataFrame, dict[str, Any], float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        runs["as imported"] = rmdesk_scores(folder, Path(tmp) / "whole")
        clean = without_loan_orders(folder, Path(tmp) / "files-no-uver")
        runs["no UVER orders"] = rmdesk_scores(clean, Path(tmp) / "no-uver")
    for label, (_, methods, _) in runs.items():
        print(f"rmdesk, files {label}:")
        print_methods(methods)
    honest = [c for c in x_test.columns if c != "order_uver"]
    results: dict[str, Any] = {}
    for target in ("card", "loan"):
        ids, y = test[target]
        train_ids, train_y = train[target]
        print(
            f"\n{target}: reference trained on {len(train_ids):,} clients at {EARLIER} "
            f"({int(train_y.sum())} took one in {EARLIER.year + 1}–{EARLIER.year + YEARS}); "
            f"all tested on {len(ids):,} clients at {CUT} ({int(y.sum())} took one in "
            f"{CUT.year + 1}–{CUT.year + YEARS}, {y.mean():.1%})"
        )
        rows: dict[str, dict[str, Any]] = {}
        for label, (scores, _, _) in runs.items():
            mine = scores[target].reindex(ids).to_numpy(dtype="float64")
            rows[f"rmdesk {target}, files {label}"] = grade(y, np.nan_to_num(mine))
            if target == "card":
                for code in CARDS:
                    alone = scores[code].reindex(ids).to_numpy(dtype="float64")
                    rows[f"  rmdesk {code} alone, {label}"] = grade(y, np.nan_to_num(alone))
        rows["reference HGB, no UVER orders"] = grade(
            y, gradient_boosting(x_train.loc[train_ids, honest], train_y, x_test.loc[ids, honest])
        )
        rows["reference HGB + UVER orders (leaks)"] = grade(
            y, gradient_boosting(x_train.loc[train_ids], train_y, x_test.loc[ids])
        )
        rows["popularity (constant)"] = grade(y, np.full(len(y), train_y.mean()))
        if target == "loan":
            # the loan may be offered from 18 (its catalogue rule): the engine gives the
            # younger a likelihood of 0 at the cut, though some turn 18 and borrow within the
            # two years; the same clients ranked among those it may be offered to
            adult = (x_test.loc[ids, "age"] >= 18).to_numpy()
            minors = int((~adult).sum())
            print(
                f"  owners under 18 at the cut: {minors:,}, of whom {int(y[~adult].sum())} "
                "took a loan within the two years"
            )
            for label, (scores, _, _) in runs.items():
                mine = np.nan_to_num(scores[target].reindex(ids).to_numpy(dtype="float64"))
                rows[f"rmdesk loan, files {label}, owners 18+"] = grade(y[adult], mine[adult])
            ref = gradient_boosting(
                x_train.loc[train_ids, honest], train_y, x_test.loc[ids, honest]
            )
            rows["reference HGB, no UVER orders, owners 18+"] = grade(y[adult], ref[adult])
        if target == "card":
            sign = 1.0 if auc(train_y, x_train.loc[train_ids, "age"].to_numpy()) >= 0.5 else -1.0
            rows[f"client's age alone ({'older' if sign > 0 else 'younger'} first)"] = grade(
                y, sign * x_test.loc[ids, "age"].to_numpy()
            )
        print(table(rows, AUC_LIFT))
        results[target] = {
            "train_clients": len(train_ids),
            "train_take_ups": int(train_y.sum()),
            "test_clients": len(ids),
            "test_take_ups": int(y.sum()),
            "rows": rows,
        }
    rmdesk_seconds = runs["as imported"][2]
    methods = {label: m for label, (_, m, _) in runs.items()}
    seconds = round(time.perf_counter() - started, 1)
    print(f"\nbench time {seconds} s (rmdesk import and model {rmdesk_seconds:.1f} s)")
    save(
        "backtest_berka",
        {"cut": CUT.isoformat(), "results": results, "engine": methods, "seconds": seconds},
    )


if __name__ == "__main__":
    main()
