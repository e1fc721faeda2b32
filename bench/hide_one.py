"""Hide-one backtest on the demo bank: is a product a client holds ranked first among the ones
they do not, once it is hidden?

A demo bank (``--clients`` 20,000, data date 2026-10-31) is generated into a temporary SQLite
database. For every client (not closed) holding at least two products with a value at the data
date (open holdings; payroll and mobile banking are left out: they earn nothing), one of those
products is chosen at random (seeded) and hidden: in a copy of the database, the client's open
holdings of it are deleted with their monthly facts and transactions. rmdesk then learns on the
copy (``suggestion_model(every_product=True)``), and the hidden product is ranked among the
client's products with a value that the copy says they do not hold, by:
- rmdesk: its likelihood (``model.propensity``);
- popularity: how many clients hold each product (in the copy);
- co-occurrence: max over the products q the client holds (payroll and mobile included) of
  P(p | q), counted in the copy.
Ties are broken at random (seeded, the same draw for every method). Figures: hit@1, hit@3, the
mean reciprocal rank (MRR), and, over every (client, candidate product) pair, the AUC and lift in
the top decile of the hidden product among the candidates.

The snapshot variant sets every holding's ``opened_on`` to NULL in a second copy: with no opening
dates the engine falls back to look-alikes of the holders scored out of fold; the demo bank's
campaign answers still re-rank them (the response model). A third copy is the snapshot without
the campaign answers: the look-alikes alone, the fallback hide-one measures. All are run with
every such client hidden, and with a sample of them (``--sample``, 10%) so that the models'
training data stays nearly whole; the figures are also given without the clients whose hidden
product is the current account (held by nearly everyone, popularity finds it at once).

    python -m bench.hide_one [--clients 20000] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.backtest_common import describe_methods, grade, table
from bench.common import save

AS_OF = dt.date(2026, 10, 31)
NO_VALUE = ("PAYROLL", "MOBILE")
COLUMNS = [
    ("hit1", "hit@1", ".3f"),
    ("hit3", "hit@3", ".3f"),
    ("mrr", "MRR", ".3f"),
    ("auc", "AUC", ".3f"),
    ("top_decile_lift", "top-10% lift", ".2f"),
]


def open_holdings(path: Path) -> pd.DataFrame:
    """Every open holding at the data date of a client who is not closed: id, client, code."""
    with sqlite3.connect(path) as conn:
        return pd.read_sql_query(
            """SELECT h.id AS holding_id, h.client_id, p.code FROM holdings h
               JOIN products p ON p.id = h.product_id JOIN clients c ON c.id = h.client_id
               WHERE (h.opened_on IS NULL OR h.opened_on <= :d)
                 AND (h.closed_on IS NULL OR h.closed_on > :d) AND c.status != 'closed'""",
            conn,
            params={"d": AS_OF.isoformat()},
        )


def hide(
    source: Path,
    target: Path,
    holding_ids: list[int],
    undate: bool = False,
    no_offers: bool = False,
) -> None:
    """A copy of ``source`` without those holdings (and their facts, transactions and the
    offers of their product to their client); with ``undate``, every holding's opening date is
    also dropped."""
    shutil.copyfile(source, target)
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TEMP TABLE gone (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO gone VALUES (?)", [(int(i),) for i in holding_ids])
        conn.execute("DELETE FROM monthly_facts WHERE holding_id IN (SELECT id FROM gone)")
        conn.execute("DELETE FROM transactions WHERE holding_id IN (SELECT id FROM gone)")
        conn.execute(
            "UPDATE risk_flags SET holding_id = NULL WHERE holding_id IN (SELECT id FROM gone)"
        )
        # the campaign offers of the hidden product to its client go too: an accepted offer
        # is as much a record of the holding as the holding itself
        conn.execute(
            """DELETE FROM interactions WHERE product_id IS NOT NULL AND EXISTS (
                 SELECT 1 FROM holdings h JOIN gone g ON g.id = h.id
                 WHERE h.client_id = interactions.client_id
                   AND h.product_id = interactions.product_id)"""
        )
        conn.execute("DELETE FROM holdings WHERE id IN (SELECT id FROM gone)")
        if undate:
            conn.execute("UPDATE holdings SET opened_on = NULL")
        if no_offers:
            conn.execute("UPDATE interactions SET product_id = NULL, offer_result = NULL")
        conn.commit()


def rmdesk_model(path: Path) -> tuple[pd.DataFrame, dict[str, Any], float]:
    from rmdesk.db import open_database
    from rmdesk.services.common.access import OPERATOR
    from rmdesk.services.engine.scoring import suggestion_model

    db = open_database(str(path))
    try:
        t = time.perf_counter()
        model, _ = suggestion_model(db.engine, as_of=AS_OF, every_product=True, who=OPERATOR)
        seconds = time.perf_counter() - t
        codes = [str(c) for c in model.propensity.columns]
        return model.propensity, describe_methods(model, codes), seconds
    finally:
        db.dispose()


def rank_figures(
    scores: np.ndarray, candidate: np.ndarray, hidden: np.ndarray, tie: np.ndarray
) -> dict[str, float]:
    """``scores``, ``candidate``, ``tie``: clients × products; ``hidden``: the hidden column per
    client. The hidden product's rank among the client's candidates (ties by ``tie``)."""
    n = len(hidden)
    s = np.where(candidate, np.nan_to_num(scores, nan=-np.inf), -np.inf)
    own, own_tie = s[np.arange(n), hidden], tie[np.arange(n), hidden]
    above = (s > own[:, None]) | ((s == own[:, None]) & (tie > own_tie[:, None]))
    rank = 1 + (above & candidate).sum(axis=1)
    y = np.zeros_like(candidate)
    y[np.arange(n), hidden] = True
    flat = grade(y[candidate], np.nan_to_num(scores, nan=0.0)[candidate])
    return {
        "hit1": round(float((rank <= 1).mean()), 4),
        "hit3": round(float((rank <= 3).mean()), 4),
        "mrr": round(float((1.0 / rank).mean()), 4),
        "candidates": round(float(candidate.sum(axis=1).mean()), 2),
        **flat,
    }


def variant(
    base: Path, tmp: Path, name: str, held: pd.DataFrame, hidden_code: pd.Series
) -> dict[str, Any]:
    """Hide ``hidden_code`` (client -> product) in copies of ``base`` (dated, and snapshot),
    learn on each, and rank the hidden product by rmdesk and by the baselines."""
    valued = held[~held["code"].isin(NO_VALUE)]
    key = valued.set_index(["client_id", "code"]).index
    gone = valued["holding_id"][key.isin(list(hidden_code.items()))].tolist()
    copy, snapshot = tmp / f"{name}-hidden.sqlite3", tmp / f"{name}-snapshot.sqlite3"
    bare = tmp / f"{name}-snapshot-no-offers.sqlite3"
    hide(base, copy, gone)
    hide(base, snapshot, gone, undate=True)
    hide(base, bare, gone, undate=True, no_offers=True)
    after = open_holdings(copy)
    dated, dated_methods, dated_seconds = rmdesk_model(copy)
    undated, undated_methods, undated_seconds = rmdesk_model(snapshot)
    look_alike, _, _ = rmdesk_model(bare)

    codes = sorted(str(c) for c in set(held["code"]) if c not in NO_VALUE)
    clients = hidden_code.index.to_numpy()
    everyone = sorted(set(after["client_id"]) | set(clients))
    matrix = (
        pd.crosstab(after["client_id"], after["code"]).reindex(index=everyone, fill_value=0) > 0
    )
    held_now = matrix.reindex(index=clients, columns=codes, fill_value=False).to_numpy()
    candidate = ~held_now
    hidden_col = pd.Index(codes).get_indexer(pd.Index(hidden_code.reindex(clients)))
    assert candidate[np.arange(len(clients)), hidden_col].all()
    tie = np.random.default_rng(len(clients)).random(candidate.shape)

    counts = matrix.sum()
    popularity = np.tile(
        counts.reindex(codes).fillna(0).to_numpy(dtype="float64"), (len(clients), 1)
    )
    every = matrix.to_numpy(dtype="float64")
    both = every.T @ every  # products × products: clients holding both
    conditional = both / np.maximum(np.diag(both), 1)[:, None]  # [q, p] = P(p | q)
    cols = pd.Index(matrix.columns)
    mine = matrix.reindex(index=clients).to_numpy()
    co = np.zeros((len(clients), len(codes)))
    for j, code in enumerate(codes):
        p = cols.get_loc(code)
        co[:, j] = np.where(mine, conditional[:, p][None, :], 0.0).max(axis=1)

    def engine_scores(frame: pd.DataFrame) -> np.ndarray:
        return frame.reindex(index=clients, columns=codes).to_numpy(dtype="float64")

    scores = {
        "rmdesk (dated holdings)": engine_scores(dated),
        "rmdesk (snapshot: no opening dates)": engine_scores(undated),
        "rmdesk (snapshot, no campaign answers)": engine_scores(look_alike),
        "popularity (holders per product)": popularity,
        "co-occurrence max_q P(p | q)": co,
    }
    rows = {k: rank_figures(v, candidate, hidden_col, tie) for k, v in scores.items()}
    # a current account is held by nearly everyone: where it is the hidden product, holders'
    # counts find it at once; the figures without those clients
    other = hidden_col != codes.index("CASA")
    rows_other = {
        k: rank_figures(v[other], candidate[other], hidden_col[other], tie[other])
        for k, v in scores.items()
    }
    by_product = {}
    for j, code in enumerate(codes):
        sel = hidden_col == j
        if sel.sum() >= 20:
            by_product[code] = {"clients": int(sel.sum())} | {
                short: rank_figures(v[sel], candidate[sel], hidden_col[sel], tie[sel])["mrr"]
                for short, v in zip(SHORT, scores.values(), strict=True)
            }
    methods = {
        c: f"{dated_methods.get(c, {}).get('method')} | {undated_methods.get(c, {}).get('method')}"
        for c in codes
    }
    return {
        "clients": len(clients),
        "holdings_removed": len(gone),
        "candidates": rows["popularity (holders per product)"]["candidates"],
        "rows": rows,
        "rows_hidden_not_casa": rows_other,
        "clients_hidden_not_casa": int(other.sum()),
        "mrr_by_hidden_product": by_product,
        "methods": methods,
        "engine": {"dated": dated_methods, "snapshot": undated_methods},
        "seconds": {"dated": round(dated_seconds, 1), "snapshot": round(undated_seconds, 1)},
    }


SHORT = ["rmdesk", "snapshot", "look-alike", "popularity", "co-occurrence"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--sample", type=float, default=0.1, help="the share of clients hidden in the 2nd variant"
    )
    args = parser.parse_args()
    from rmdesk.db import open_database
    from rmdesk.services.common.access import OPERATOR
    from rmdesk.services.data.demo_bank import build
    from rmdesk.services.data.demo_spec import DemoSpec

    started = time.perf_counter()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "demo.sqlite3"
        db = open_database(str(base))
        build(db.engine, DemoSpec(clients=args.clients, as_of=AS_OF), who=OPERATOR)
        db.dispose()
        demo_seconds = time.perf_counter() - started

        held = open_holdings(base)
        valued = held[~held["code"].isin(NO_VALUE)]
        per_client = valued.groupby("client_id")["code"].unique()
        chosen = per_client[per_client.map(len) >= 2]
        rng = np.random.default_rng(args.seed)
        hidden_code = pd.Series(
            [str(rng.choice(sorted(codes))) for codes in chosen], index=chosen.index
        )
        sample = np.random.default_rng(args.seed + 2).random(len(chosen)) < args.sample
        print(
            f"demo bank: {args.clients:,} clients, data date {AS_OF}; {len(chosen):,} clients "
            f"hold ≥ 2 products with a value (payroll and mobile banking left out)"
        )
        for name, picked in (
            ("every such client hidden", hidden_code),
            (f"{args.sample:.0%} of them hidden", hidden_code[sample]),
        ):
            out = variant(base, Path(tmp), name.split()[0], held, picked)
            results[name] = out
            print(
                f"\n== {name}: {out['clients']:,} clients, one product each hidden "
                f"({out['holdings_removed']:,} holdings removed); {out['candidates']:.1f} "
                "candidates per client on average (products with a value not held)"
            )
            print(table(out["rows"], COLUMNS))
            print(
                f"\nthe {out['clients_hidden_not_casa']:,} clients whose hidden product"
                " is not CASA:"
            )
            print(table(out["rows_hidden_not_casa"], COLUMNS))
            print("\nMRR by hidden product:")
            print(
                table(
                    out["mrr_by_hidden_product"],
                    [("clients", "clients", "d")] + [(k, k[:12], ".3f") for k in SHORT],
                )
            )
            print(
                f"rmdesk models: {out['seconds']['dated']} s dated, "
                f"{out['seconds']['snapshot']} s snapshot"
            )
    first = results["every such client hidden"]
    print("\nengine methods (dated | snapshot) and in-run backtest AUC, every such client hidden:")
    for code, m in first["methods"].items():
        aucs = [
            (first["engine"][side][code].get("in_run_backtest") or {}).get("auc")
            for side in ("dated", "snapshot")
        ]
        shown = " | ".join("—" if a is None else f"{a:.3f}" for a in aucs)
        print(f"  {code:<10} {m:<30} AUC {shown}")
    seconds = round(time.perf_counter() - started, 1)
    print(f"\nbench time {seconds} s (demo bank {demo_seconds:.0f} s)")
    save(
        "hide_one",
        {
            "clients": args.clients,
            "as_of": AS_OF.isoformat(),
            "seed": args.seed,
            "variants": results,
            "seconds": seconds,
        },
    )


if __name__ == "__main__":
    main()
