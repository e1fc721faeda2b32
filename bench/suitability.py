"""Benchmark: the eligibility and suitability gate (services/engine/suitability.py) for a bank's
clients and catalogue, beside the engine's former age-and-segment masks in the same run.

    .venv/bin/python -m bench.suitability [--clients 100000] [--products 20] [--runs 5]

Clients with risk assessments in their stored ``attributes`` dicts (a sixth with none), a
catalogue with kinds, ages, segments and grades. ``gate`` returns every (client, product) pair
with its outcome and reasons; ``prepare`` + ``check`` is the per-product loop an engine would
run. The baseline is the per-product boolean masks of age and segment cross_sell.suggest
computed before (copied here as they were), which know no client kind and no risk grade.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from bench.common import median_of, save
from rmdesk.services.engine import suitability

TODAY = dt.date(2026, 6, 15)


def bank(clients: int, products: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    grades = np.array(["C1", "C2", "C3", "C4", "C5", None], dtype=object)
    months = rng.integers(1, 13, clients)
    attributes = [
        {"risk_tolerance": g, "risk_assessment_expires": f"2026-{m:02d}-01"} if g else {}
        for g, m in zip(rng.choice(grades, clients), months, strict=True)
    ]
    people = pd.DataFrame(
        {
            "client_id": np.arange(1, clients + 1),
            "kind": rng.choice(["individual", "corporate"], clients, p=[0.92, 0.08]),
            "age": rng.uniform(16, 90, clients),
            "segment": rng.choice(["mass", "affluent", "private", "sme"], clients),
            "attributes": attributes,
        }
    )
    catalogue = pd.DataFrame(
        {
            "code": [f"P{i:02d}" for i in range(products)],
            "family": "investment",
            "client_kinds": [
                [None, "individual", "corporate", None][i % 4] for i in range(products)
            ],
            "risk_level": [[None, "R1", "R2", "R3", "R5"][i % 5] for i in range(products)],
            "min_age": [18 if i % 2 == 0 else None for i in range(products)],
            "max_age": [65 if i % 4 == 0 else None for i in range(products)],
            "segments": [None if i % 2 == 0 else "affluent,private" for i in range(products)],
        }
    )
    return catalogue, people


def former_masks(products: pd.DataFrame, clients: pd.DataFrame) -> list[Any]:
    """Age and segment as cross_sell.suggest checked them before the gate."""
    out = []
    individual = (clients["kind"] == "individual").to_numpy()
    age = clients["age"].to_numpy(dtype="float64")
    for info in products.to_dict("records"):
        ok = np.ones(len(clients), dtype=bool)
        if pd.notna(info["min_age"]):
            ok &= ~individual | (np.nan_to_num(age, nan=-1) >= info["min_age"])
        if pd.notna(info["max_age"]):
            ok &= ~individual | (np.nan_to_num(age, nan=999) <= info["max_age"])
        if isinstance(info["segments"], str) and info["segments"].strip():
            allowed = {s.strip() for s in str(info["segments"]).split(",") if s.strip()}
            ok &= clients["segment"].isin(allowed).to_numpy()
        out.append(ok)
    return out


def per_product(products: pd.DataFrame, clients: pd.DataFrame) -> list[Any]:
    prepared = suitability.prepare(clients, TODAY)
    return [suitability.check(row, prepared) for row in products.to_dict("records")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    products, clients = bank(args.clients, args.products)
    pairs = args.clients * args.products
    results: dict[str, Any] = {"clients": args.clients, "products": args.products}
    for name, work in (
        ("former age and segment masks", lambda: former_masks(products, clients)),
        ("prepare + check per product", lambda: per_product(products, clients)),
        ("gate, every pair as a frame", lambda: suitability.gate(products, clients, TODAY)),
    ):
        median, _times = median_of(args.runs, work)
        print(f"{name:<32} {median * 1000:8.1f} ms  ({median / pairs * 1e9:6.1f} ns a pair)")
        results[name] = {"median_s": median}
    print(f"written to {save('suitability', results)}")


if __name__ == "__main__":
    main()
