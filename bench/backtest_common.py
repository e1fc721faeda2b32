"""Shared by the cross-sell backtests: the figures (AUC, lift in the top decile, hit@k, MRR),
the reference model, the table they print, and read-only look-ups in an rmdesk database."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select


def auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        return float("nan")
    return float(roc_auc_score(y, np.asarray(score, dtype="float64")))


def top_decile_lift(y: np.ndarray, score: np.ndarray) -> float:
    """Take-up among the 10% ranked highest (ties broken at random, seeded) over the base
    rate: a constant score gives about 1."""
    y = np.asarray(y, dtype=bool)
    score = np.asarray(score, dtype="float64")
    order = np.lexsort((np.random.default_rng(7).random(len(score)), -score))
    top = order[: max(1, len(order) // 10)]
    return float(y[top].mean() / y.mean())


def grade(y: np.ndarray, score: np.ndarray) -> dict[str, float]:
    return {"auc": round(auc(y, score), 4), "top_decile_lift": round(top_decile_lift(y, score), 3)}


def table(rows: dict[str, dict[str, Any]], columns: list[tuple[str, str, str]]) -> str:
    """A fixed-width table: one row per model, ``columns`` = (key, heading, format)."""
    width = max(len("model"), *(len(name) for name in rows)) + 2
    head = f"{'model':<{width}}" + "".join(f"{h:>14}" for _, h, _ in columns)
    lines = [head, "-" * len(head)]
    for name, figures in rows.items():
        cells = []
        for key, _, fmt in columns:
            v = figures.get(key)
            cells.append(f"{'—':>14}" if v is None else f"{v:>14{fmt}}")
        lines.append(f"{name:<{width}}" + "".join(cells))
    return "\n".join(lines)


AUC_LIFT = [("auc", "AUC", ".3f"), ("top_decile_lift", "top-10% lift", ".2f")]


def gradient_boosting(
    x_train: pd.DataFrame, y_train: np.ndarray, x_test: pd.DataFrame, seed: int = 7
) -> np.ndarray:
    """The reference: scikit-learn's HistGradientBoosting with native categorical columns
    (every non-numeric column), the same settings in every bench."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    x_train, x_test = x_train.copy(), x_test.copy()
    for c in x_train.columns:
        if not pd.api.types.is_numeric_dtype(x_train[c]):
            cats = pd.Index(sorted(set(x_train[c].dropna()) | set(x_test[c].dropna())))
            x_train[c] = pd.Categorical(x_train[c], categories=cats)
            x_test[c] = pd.Categorical(x_test[c], categories=cats)
    model = HistGradientBoostingClassifier(
        categorical_features="from_dtype", max_iter=300, learning_rate=0.05, random_state=seed
    )
    # one thread: on a shared machine OpenMP threads waiting for a busy core spin for long
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        model.fit(x_train, np.asarray(y_train, dtype=bool))
        return np.asarray(model.predict_proba(x_test)[:, 1])


def external_ids(engine: Engine) -> pd.Series:
    """client id -> the client's external id (the importer's name for it)."""
    from rmdesk.models import Client

    with engine.connect() as conn:
        rows = conn.execute(select(Client.id, Client.external_id)).all()
    return pd.Series({int(i): str(e) for i, e in rows}, name="external_id")


def propensity_by_external(model: Any, engine: Engine) -> pd.DataFrame:
    """``model.propensity`` (clients × product codes) indexed by the clients' external ids."""
    ext = external_ids(engine)
    frame = pd.DataFrame(model.propensity).copy()
    frame.index = ext.reindex(frame.index).to_numpy()
    return frame


def describe_methods(model: Any, codes: list[str]) -> dict[str, dict[str, Any]]:
    """Per product, the method the engine used and why, with its in-run backtest."""
    out = {}
    for code in codes:
        info = model.model_info.get(code, {})
        out[code] = {
            "method": info.get("method"),
            "why": info.get("why"),
            "take_ups": info.get("take_ups"),
            "take_ups_before": info.get("take_ups_before"),
            "holders": info.get("holders"),
            "in_run_backtest": info.get("backtest"),
            "in_run_fallback_backtest": info.get("fallback_backtest"),
            "response": info.get("response"),
        }
    return out


def print_methods(methods: dict[str, dict[str, Any]]) -> None:
    for code, m in methods.items():
        bt = m.get("in_run_backtest") or {}
        fb = m.get("in_run_fallback_backtest") or {}
        extra = f"; in-run backtest AUC {bt['auc']:.3f}" if "auc" in bt else ""
        extra += f" vs fallback {fb['auc']:.3f}" if "auc" in fb else ""
        counts = ""
        if m.get("take_ups") is not None:
            counts = (
                f" (take-ups: last window {m['take_ups']}, window before {m['take_ups_before']})"
            )
        elif m.get("holders") is not None:
            counts = f" ({m['holders']} holders)"
        print(f"  engine method for {code}: {m['method']}{counts}{extra}")
        if m.get("why"):
            print(f"    why: {m['why']}")
        r = m.get("response") or {}
        if r.get("offers"):
            rb, rf = r.get("backtest") or {}, r.get("fallback_backtest") or {}
            line = f"    response model: {r['offers']} offers, {r['accepted']} accepted"
            if "auc" in rb:
                line += (
                    f"; backtest on the offers from {r['split_day']} AUC {rb['auc']:.3f}"
                    f" vs acceptance rate {rf.get('auc', 0.5):.3f}"
                )
            print(line)
            print(f"      {r.get('why')}")
