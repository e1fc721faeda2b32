"""Backtest: does rmdesk suggest a term deposit to the clients who then take one?

The UCI bank-marketing file (``bank-full.csv``, 45,211 calls of a Portuguese bank, in date
order from May 2008 to November 2010) split by time: the earlier 75% of the calls are the
bank's history (imported with their outcome: a "yes" holds a term deposit), the later 25% are
the clients to predict (imported as if their call had not yet happened: outcome "no").
rmdesk imports the file through its own importer, scores it, and its likelihood for the
product ``BM-TERM`` on each later client (0 where it suggests nothing) is compared with what
those clients answered. Beside it, in the same run and on the same split, the reference:
scikit-learn's HistGradientBoosting on the client's columns (age, job, marital status,
education, default, balance, housing and personal loans), and on those with the campaign's
columns too (contact, month, number of calls, days since and outcome of the last campaign).
``duration`` is never used: it is known only after the call. Figures: AUC, and lift in the top
decile (the take-up among the 10% ranked highest over the base rate).

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

from bench.common import ROOT, machine, save

CLIENT = ["age", "job", "marital", "education", "default", "balance", "housing", "loan"]
CAMPAIGN = ["contact", "month", "campaign", "pdays", "previous", "poutcome"]
PRODUCT = "BM-TERM"


def _data_dir(given: str | None) -> Path:
    for candidate in (given, os.environ.get("RMDESK_DATA_DIR"), ROOT.parent / "shared" / "data"):
        if candidate and (Path(candidate) / "bank_marketing" / "bank-full.csv").is_file():
            return Path(candidate)
    raise SystemExit("bank_marketing/bank-full.csv not found: give --data or RMDESK_DATA_DIR")


def auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score))


def top_decile_lift(y: np.ndarray, score: np.ndarray) -> float:
    """Take-up among the 10% ranked highest (ties broken at random) over the base rate."""
    order = np.lexsort((np.random.default_rng(7).random(len(score)), -score))
    top = order[: max(1, len(order) // 10)]
    return float(y[top].mean() / y.mean())


def reference(frame: pd.DataFrame, train: np.ndarray, columns: list[str]) -> np.ndarray:
    """HistGradientBoosting with native categorical handling, scored on the later calls."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = frame[columns].copy()
    categorical = [c for c in columns if not pd.api.types.is_numeric_dtype(x[c])]
    for c in categorical:
        x[c] = x[c].astype("category")
    model = HistGradientBoostingClassifier(
        categorical_features="from_dtype", max_iter=300, learning_rate=0.05, random_state=7
    )
    y = (frame["y"] == "yes").to_numpy()
    model.fit(x[train], y[train])
    return np.asarray(model.predict_proba(x[~train])[:, 1])


def rmdesk_likelihoods(frame: pd.DataFrame, train: np.ndarray, folder: Path) -> np.ndarray:
    """rmdesk's likelihood of ``BM-TERM`` for each later client (0 where nothing is
    suggested), after importing the earlier calls with their outcome and the later ones as
    not yet answered, and scoring."""
    from sqlalchemy import select

    from rmdesk.db import open_database
    from rmdesk.models import Client, Product, Suggestion
    from rmdesk.services.common.access import OPERATOR
    from rmdesk.services.data.importing import run_import
    from rmdesk.services.engine.scoring import score

    data = folder / "bank_marketing"
    data.mkdir()
    hidden = frame.copy()
    hidden.loc[~train, "y"] = "no"  # the later calls' answers are what is predicted
    hidden.to_csv(data / "bank-full.csv", sep=";", index=False)
    db = open_database(str(folder / "bank.sqlite3"))
    run_import(db.engine, "bank-marketing", data / "bank-full.csv", who=OPERATOR)
    result = score(db.engine, today=dt.date(2010, 12, 1), who=OPERATOR)
    print(f"  rmdesk: {result.counts['suggested']:,} suggestions in all")
    for code, why in result.counts["not_suggested"].items():
        print(f"  rmdesk: not suggested: {code}: {why}")
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(Client.external_id, Suggestion.likelihood)
            .join(Suggestion, Suggestion.client_id == Client.id)
            .join(Product, Product.id == Suggestion.product_id)
            .where(Product.code == PRODUCT)
        ).all()
    db.dispose()
    likelihood = {str(ext): float(p) for ext, p in rows}
    # the importer names a client by the file's line less one: the first call is "row-1"
    ids = [f"row-{n}" for n in range(1, len(frame) + 1)]
    return np.array([likelihood.get(ids[i], 0.0) for i in np.flatnonzero(~train)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="the folder holding bank_marketing/")
    args = parser.parse_args()
    frame = pd.read_csv(_data_dir(args.data) / "bank_marketing" / "bank-full.csv", sep=";")
    cut = int(len(frame) * 0.75)
    train = np.arange(len(frame)) < cut
    y = (frame["y"] == "yes").to_numpy()[~train]
    print(
        f"bank-full.csv: {len(frame):,} calls; history = the first {cut:,}, predicted = the "
        f"last {len(frame) - cut:,} (take-up {y.mean():.1%})"
    )
    figures: dict[str, Any] = {"machine": machine(), "calls": len(frame), "cut": cut}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        scores = {
            "rmdesk (import, score)": rmdesk_likelihoods(frame, train, Path(tmp)),
        }
        figures["rmdesk_seconds"] = round(time.perf_counter() - started, 1)
    scores["reference: gradient boosting, client columns"] = reference(frame, train, CLIENT)
    scores["reference: gradient boosting, client and campaign columns"] = reference(
        frame, train, CLIENT + CAMPAIGN
    )
    print(f"\n{'model':<60}{'AUC':>7}{'top-10% lift':>14}")
    for name, s in scores.items():
        a, lift = auc(y, s), top_decile_lift(y, s)
        figures[name] = {"auc": round(a, 3), "top_decile_lift": round(lift, 2)}
        print(f"{name:<60}{a:>7.3f}{lift:>14.2f}")
    save("backtest_term_deposit", figures)


if __name__ == "__main__":
    main()
