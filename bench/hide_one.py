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
dates the engine falls back to look-alikes of the holders scored out of fold.

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


def hide(source: Path, target: Path, holding_ids: list[int], undate: bool = False) -> None:
    """A copy of ``source`` without those holdings (and their facts and transactions); with
    ``undate``, every holding's opening date is also dropped."""
    shutil.copyfile(source, target)
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TEMP TABLE gone (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO gone VALUES (?)", [(int(i),) for i in holding_ids])
        conn.execute("DELETE FROM monthly_facts WHERE holding_id IN (SELECT id FROM gone)")
        conn.execute("DELETE FROM transactions WHERE holding_id IN (SELECT id FROM gone)")
        conn.execute(
            "UPDATE risk_flags SET holding_id = NULL WHERE holding_id IN (SELECT id FROM gone)"
        )
        conn.execute("DELETE FROM holdings WHERE id IN (SELECT id FROM gone)")
        if undate:
            conn.execute("UPDATE holdings SET opened_on = NULL")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from rmdesk.db import open_database
    from rmdesk.services.common.access import OPERATOR
    from rmdesk.services.data.demo_bank import build
    from rmdesk.services.data.demo_spec import DemoSpec

    started = time.perf_counter()
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "demo.sqlite3"
        db = open_database(str(base))
        build(db.engine, DemoSpec(clients=args.clients, as_of=AS_OF), who=OPERATOR)
        db.dispose()
        timings["demo bank"] = time.perf_counter() - started

        held = open_holdings(base)
        valued = held[~held["code"].isin(NO_VALUE)]
        per_client = valued.groupby("client_id")["code"].unique()
        chosen = per_client[per_client.map(len) >= 2]
        rng = np.random.default_rng(args.seed)
        hidden_code = pd.Series(
            [str(rng.choice(sorted(codes))) for codes in chosen], index=chosen.index
        )
        key = valued.set_index(["client_id", "code"]).index
        gone = valued["holding_id"][key.isin(list(hidden_code.items()))].tolist()
        print(
            f"demo bank: {args.clients:,} clients, data date {AS_OF}; {len(chosen):,} clients "
            f"hold ≥ 2 products with a value; one each hidden ({len(gone):,} holdings removed)"
        )

        copy = Path(tmp) / "hidden.sqlite3"
        hide(base, copy, gone)
        snapshot = Path(tmp) / "snapshot.sqlite3"
        hide(base, snapshot, gone, undate=True)
        after = open_holdings(copy)
        t = time.perf_counter()
        dated, dated_methods, dated_seconds = rmdesk_model(copy)
        undated, undated_methods, undated_seconds = rmdesk_model(snapshot)
        timings["rmdesk models"] = time.perf_counter() - t

    codes = sorted(str(c) for c in set(held["code"]) if c not in NO_VALUE)
    everyone = sorted(set(after["client_id"]) | set(chosen.index))
    matrix = (
        pd.crosstab(after["client_id"], after["code"]).reindex(index=everyone, fill_value=0) > 0
    )
    clients = chosen.index.to_numpy()
    held_now = matrix.reindex(index=clients, columns=codes, fill_value=False).to_numpy()
    candidate = ~held_now
    hidden_col = pd.Index(codes).get_indexer(pd.Index(hidden_code.reindex(clients)))
    assert candidate[np.arange(len(clients)), hidden_col].all()
    tie = np.random.default_rng(args.seed + 1).random(candidate.shape)

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

    rows = {
        "rmdesk (dated holdings)": rank_figures(engine_scores(dated), candidate, hidden_col, tie),
        "rmdesk (snapshot: no opening dates)": rank_figures(
            engine_scores(undated), candidate, hidden_col, tie
        ),
        "popularity (holders per product)": rank_figures(popularity, candidate, hidden_col, tie),
        "co-occurrence max_q P(p | q)": rank_figures(co, candidate, hidden_col, tie),
    }
    print(
        f"candidates per client: {rows['popularity (holders per product)']['candidates']:.1f} "
        f"on average (products with a value not held)\n"
    )
    print(table(rows, COLUMNS))
    print("\nengine methods (dated | snapshot):")
    for code in codes:
        a, b = dated_methods.get(code, {}), undated_methods.get(code, {})
        print(f"  {code:<10} {a.get('method')!s:<15} | {b.get('method')}")
    by_product = {}
    for code in codes:
        sel = hidden_col == codes.index(code)
        if sel.sum() >= 20:
            by_product[code] = {
                name: rank_figures(s, candidate[sel], hidden_col[sel], tie[sel])["mrr"]
                for name, s in (
                    ("rmdesk", engine_scores(dated)[sel]),
                    ("snapshot", engine_scores(undated)[sel]),
                    ("popularity", popularity[sel]),
                    ("co-occurrence", co[sel]),
                )
            } | {"clients": int(sel.sum())}
    print("\nMRR by hidden product:")
    print(
        table(
            {c: v for c, v in by_product.items()},
            [
                ("clients", "clients", "d"),
                ("rmdesk", "rmdesk", ".3f"),
                ("snapshot", "snapshot", ".3f"),
                ("popularity", "popularity", ".3f"),
                ("co-occurrence", "co-occur.", ".3f"),
            ],
        )
    )
    seconds = round(time.perf_counter() - started, 1)
    print(
        f"\nbench time {seconds} s (demo bank {timings['demo bank']:.0f} s; rmdesk models "
        f"{dated_seconds:.0f} s dated, {undated_seconds:.0f} s snapshot)"
    )
    save(
        "hide_one",
        {
            "clients": args.clients,
            "as_of": AS_OF.isoformat(),
            "evaluated_clients": len(clients),
            "seed": args.seed,
            "results": rows,
            "mrr_by_hidden_product": by_product,
            "engine": {"dated": dated_methods, "snapshot": undated_methods},
            "seconds": seconds,
        },
    )


if __name__ == "__main__":
    main()
