"""Backtest: does rmdesk rank first the clients who then take a term deposit?

The UCI bank-marketing file (``bank-full.csv``, 45,211 calls of a Portuguese bank in date order,
May 2008 to November 2010; the importer dates them) split by time: the data date is the date of
the call at 75% of the file (2009-04-30); the calls up to it are the bank's history, the calls
after it are the clients to predict, and their answer (``y``) is the take-up.

rmdesk imports the WHOLE file through its own importer into a temporary SQLite database and
learns as of the data date (``suggestion_model(as_of=split date, every_product=True)``): its
features are point-in-time, so nothing after the data date should reach it. That claim is
checked in the same run: the same is done on a copy in which every later call's ``y`` is "no",
and the later clients' scores must be the same. Figures, on the later clients:
- rmdesk (model): ``model.propensity["BM-TERM"]``, the likelihood at the data date;
- rmdesk suggestions: a real ``score`` run at the data date, the stored suggestion's likelihood
  for BM-TERM (0 where it is not suggested): what an RM sees;
- reference: scikit-learn's HistGradientBoosting trained on the earlier calls' rows with their
  ``y``: (a) the client's columns, (a') without the balance (rmdesk cannot see it: it is a
  monthly fact of the call's month), (b) with the campaign's columns too (contact, month, calls,
  days since and outcome of the previous campaign; never ``duration``, known only after the call);
- popularity: one constant (the earlier take-up rate) for every client.
rmdesk is also run with ``take_up_horizon_months`` = 6 (a bank's parameter) as a diagnostic: with
the default 12 months the engine needs two years of history before the data date, and the file
has one. The leak check compares the BM-TERM scores, every product's likelihood and the later
clients' point-in-time features.
AUC and lift in the top decile (take-up among the 10% ranked highest over the base rate).

    python -m bench.backtest_term_deposit [--data ../shared/data]
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
    describe_methods,
    external_ids,
    grade,
    gradient_boosting,
    print_methods,
    propensity_by_external,
    table,
)
from bench.common import ROOT, save

CLIENT = ["age", "job", "marital", "education", "default", "balance", "housing", "loan"]
#: the client columns rmdesk can read of a later client at the data date: the balance is a
#: monthly fact of the call's month, after the data date for them
SEEN = [c for c in CLIENT if c != "balance"]
CAMPAIGN = ["contact", "month", "campaign", "pdays", "previous", "poutcome"]
PRODUCT = "BM-TERM"
#: a shorter horizon, a bank's setting, shown beside the default as a diagnostic: with 12 months
#: the engine needs two years of history before the data date and this file has one
DIAGNOSTIC_HORIZON = 6
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _data_dir(given: str | None) -> Path:
    for candidate in (given, os.environ.get("RMDESK_DATA_DIR"), ROOT.parent / "shared" / "data"):
        if candidate and (Path(candidate) / "bank_marketing" / "bank-full.csv").is_file():
            return Path(candidate)
    raise SystemExit("bank_marketing/bank-full.csv not found: give --data or RMDESK_DATA_DIR")


def call_dates(frame: pd.DataFrame) -> pd.Series:
    """The calls' dates as rmdesk's importer infers them: the rows are in date order from May
    2008, so a month earlier than the one before starts a new year."""
    month = frame["month"].map({m: i + 1 for i, m in enumerate(MONTHS)}).to_numpy()
    year = 2008 + np.concatenate([[0], np.cumsum(month[1:] < month[:-1])])
    return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": frame["day"]}))


def rmdesk_run(
    frame: pd.DataFrame,
    later: np.ndarray,
    split: dt.date,
    folder: Path,
    *,
    with_score: bool = False,
    horizon: int | None = None,
) -> dict[str, Any]:
    """Import ``frame`` whole, learn as of ``split``; the later clients' BM-TERM likelihood,
    and with ``with_score`` the stored suggestions' likelihood of a real scoring run. With
    ``horizon``, the bank's ``take_up_horizon_months`` parameter is set to it first."""
    from sqlalchemy import select

    from rmdesk.db import open_database
    from rmdesk.models import Client, Product, Suggestion
    from rmdesk.services.common.access import OPERATOR
    from rmdesk.services.common.parameters import set_values
    from rmdesk.services.data.importing import run_import
    from rmdesk.services.engine.scoring import score, suggestion_model

    folder.mkdir(parents=True)
    frame.to_csv(folder / "bank-full.csv", sep=";", index=False)
    db = open_database(str(folder / "bank.sqlite3"))
    out: dict[str, Any] = {}
    try:
        t = time.perf_counter()
        run_import(db.engine, "bank-marketing", folder / "bank-full.csv", who=OPERATOR)
        out["import_seconds"] = round(time.perf_counter() - t, 1)
        if horizon is not None:
            with db.engine.begin() as conn:
                set_values(conn, {"take_up_horizon_months": horizon}, who=OPERATOR)
        t = time.perf_counter()
        model, _profile = suggestion_model(db.engine, as_of=split, every_product=True, who=OPERATOR)
        out["model_seconds"] = round(time.perf_counter() - t, 1)
        # the importer names a client after its file line less one: the first call is "row-1"
        ids = [f"row-{n}" for n in np.flatnonzero(later) + 1]
        likelihood = propensity_by_external(model, db.engine)[PRODUCT]
        out["model"] = likelihood.reindex(ids).to_numpy(dtype="float64")
        out["unseen"] = int(np.isnan(out["model"]).sum())
        # what the engine reads of the later clients at the data date, and every product's
        # likelihood: the leak check compares them too (a constant BM-TERM score alone would
        # prove nothing)
        ext = external_ids(db.engine)
        x = model.features.matrix(0, exclude=PRODUCT)
        x.index = ext.reindex(model.features.client_ids).to_numpy()
        out["features"] = x.reindex(ids)
        out["propensity"] = propensity_by_external(model, db.engine).reindex(ids)
        out["methods"] = describe_methods(model, [PRODUCT])
        if with_score:
            t = time.perf_counter()
            result = score(db.engine, as_of=split, today=split, who=OPERATOR)
            out["score_seconds"] = round(time.perf_counter() - t, 1)
            out["not_suggested"] = result.counts.get("not_suggested", {})
            with db.engine.connect() as conn:
                rows = conn.execute(
                    select(Client.external_id, Suggestion.likelihood)
                    .join(Suggestion, Suggestion.client_id == Client.id)
                    .join(Product, Product.id == Suggestion.product_id)
                    .where(Product.code == PRODUCT)
                ).all()
            stored = {str(e): float(p) for e, p in rows}
            out["suggested"] = np.array([stored.get(i, 0.0) for i in ids])
    finally:
        db.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="the folder holding bank_marketing/")
    args = parser.parse_args()
    started = time.perf_counter()
    frame = pd.read_csv(_data_dir(args.data) / "bank_marketing" / "bank-full.csv", sep=";")
    when = call_dates(frame)
    split = when.iloc[int(len(frame) * 0.75)].date()
    later = (when > pd.Timestamp(split)).to_numpy()
    took = (frame["y"] == "yes").to_numpy()
    y = took[later]
    print(
        f"bank-full.csv: {len(frame):,} calls; data date {split} (the call at 75% of the file); "
        f"history = {int((~later).sum()):,} calls up to it (take-up {took[~later].mean():.1%}), "
        f"predicted = {int(later.sum()):,} calls after it (take-up {y.mean():.1%})"
    )
    hidden = frame.copy()
    hidden.loc[later, "y"] = "no"
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, horizon in (
            ("default", None),
            (f"horizon {DIAGNOSTIC_HORIZON}", DIAGNOSTIC_HORIZON),
        ):
            name = label.replace(" ", "-")
            whole = rmdesk_run(
                frame,
                later,
                split,
                Path(tmp) / f"{name}-whole",
                with_score=horizon is None,
                horizon=horizon,
            )
            check = rmdesk_run(hidden, later, split, Path(tmp) / f"{name}-hidden", horizon=horizon)
            gap = float(np.nanmax(np.abs(whole["model"] - check["model"])))
            same = bool(np.allclose(whole["model"], check["model"], equal_nan=True, rtol=0, atol=0))
            same_features = whole["features"].equals(check["features"])
            same_all = whole["propensity"].equals(check["propensity"])
            months = horizon or 12
            runs[label] = {
                "whole": whole,
                "hidden": check,
                "same": same,
                "gap": gap,
                "months": months,
                "same_features": same_features,
                "same_all_products": same_all,
            }
    run = runs["default"]["whole"]
    for label, r in runs.items():
        print(f"rmdesk, {label} (take_up_horizon_months = {r['months']}):")
        print_methods(r["whole"]["methods"])
    for code, why in run["not_suggested"].items():
        if code == PRODUCT:
            print(f"  score run: {code} suggested to nobody: {why}")

    features = frame[CLIENT + CAMPAIGN]
    rows: dict[str, dict[str, Any]] = {}
    for label, r in runs.items():
        for part in ("whole", "hidden"):
            what = "whole file" if part == "whole" else "later y hidden"
            rows[f"rmdesk model.propensity, {label}, {what}"] = grade(
                y, np.nan_to_num(r[part]["model"], nan=0.0)
            )
    rows |= {
        "rmdesk suggestions (score run, 0 if none)": grade(y, run["suggested"]),
        "reference HGB (a) client columns": grade(
            y, gradient_boosting(features[CLIENT][~later], took[~later], features[CLIENT][later])
        ),
        "reference HGB (a') client columns but balance": grade(
            y, gradient_boosting(features[SEEN][~later], took[~later], features[SEEN][later])
        ),
        "reference HGB (b) client + campaign": grade(
            y, gradient_boosting(features[~later], took[~later], features[later])
        ),
        "popularity (constant)": grade(y, np.full(len(y), took[~later].mean())),
    }
    print()
    print(table(rows, AUC_LIFT))
    for label, r in runs.items():
        print(
            f"leak check, {label}: later clients' rmdesk scores with their y hidden are "
            f"{'IDENTICAL' if r['same'] else 'DIFFERENT'} (largest difference {r['gap']:.2e}); "
            f"{r['whole']['unseen']} later clients had no score; their point-in-time features "
            f"{'identical' if r['same_features'] else 'DIFFER'}, every product's likelihood "
            f"{'identical' if r['same_all_products'] else 'DIFFERS'}"
        )
    x = run["features"]
    varying = [c for c in x.columns if x[c].nunique(dropna=True) > 1]
    print(f"what the engine reads that varies among the later clients: {', '.join(varying)}")
    n_suggested = int((run["suggested"] > 0).sum())
    print(f"score run: {n_suggested:,} of the later clients were suggested {PRODUCT}")
    seconds = round(time.perf_counter() - started, 1)
    print(
        f"bench time {seconds} s (import {run['import_seconds']} s, model "
        f"{run['model_seconds']} s, score {run['score_seconds']} s)"
    )
    save(
        "backtest_term_deposit",
        {
            "calls": len(frame),
            "split_date": split.isoformat(),
            "history_calls": int((~later).sum()),
            "predicted_calls": int(later.sum()),
            "predicted_take_up": round(float(y.mean()), 4),
            "results": rows,
            "engine": {label: r["whole"]["methods"] for label, r in runs.items()},
            "engine_features_varying_among_later_clients": varying,
            "leak_check": {
                label: {
                    "identical": r["same"],
                    "max_difference": r["gap"],
                    "features_identical": r["same_features"],
                    "every_product_identical": r["same_all_products"],
                }
                for label, r in runs.items()
            },
            "suggested_later_clients": n_suggested,
            "seconds": seconds,
        },
    )


if __name__ == "__main__":
    main()
