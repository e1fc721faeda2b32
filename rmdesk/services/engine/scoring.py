"""Nightly scoring: contribution and tiers, risk flags and suggestions for a scope of clients.

Phases: read (one pass over the monthly facts in the database plus the small tables), compute
bank-wide (contribution, ranks, tiers, association rules, propensity models), then write the
scope's clients in batches, one transaction per batch, changing only what differs from the
stored results. Running it twice on the same data changes nothing. docs/contribution.md,
docs/risk-flags.md and docs/cross-sell.md describe the methods. What a run reads is in
``loading``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from rmdesk.db import among, write_transaction
from rmdesk.models import Base, FlagStatus, Severity
from rmdesk.services.common import audit, parameters
from rmdesk.services.common.access import ADMINS, Account, guarded, open_to
from rmdesk.services.common.progress import NullProgress, Progress, check
from rmdesk.services.engine import (
    cross_sell,
    reasons,
    risk_flags,
    risk_rules,
    suggestions,
    suitability,
)
from rmdesk.services.engine.contribution import (
    per_client,
    per_holding,
    rank_and_tier,
)
from rmdesk.services.engine.facts_pass import Window
from rmdesk.services.engine.loading import (
    Loaded,
    ScopeError,
    client_profile,
    data_date,
    load,
    resolve_scope,
)
from rmdesk.services.engine.take_up import features as take_up_features
from rmdesk.services.engine.take_up import models as take_up_models
from rmdesk.services.engine.take_up import response as take_up_response

__all__ = ["ScopeError", "ScoreResult", "data_date", "score", "score_database"]

T = Base.metadata.tables


@dataclass
class ScoreResult:
    run_id: int
    as_of: dt.date
    scope: str
    clients: int
    counts: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    pareto_top20: float = 0.0


@guarded("scope", "rm,branch")
def score(
    engine: Engine,
    *,
    branch: str | None = None,
    rm: str | None = None,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    who: Account,
) -> ScoreResult:
    """Recompute contribution, tiers, flags and suggestions for the bank, a branch or an RM."""
    progress = progress or NullProgress()
    today = today or dt.date.today()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with engine.connect() as conn:
        params = parameters.load(conn)
        as_of = as_of or data_date(conn)
        scope, scope_filter = resolve_scope(conn, branch, rm)
        window = Window(as_of)
        loaded = load(engine, conn, window, params, who=who)
        known = loaded.clients["client_id"].tolist()
        if scope_filter is not None:
            chosen = set(conn.execute(select(T["clients"].c.id).where(scope_filter)).scalars())
            known = [c for c in known if c in chosen]
        scope_ids: list[int] = known
    timings["read"] = time.perf_counter() - started
    check(progress)

    t = time.perf_counter()
    hc, clients = _contribution(loaded, params)
    timings["contribution"] = time.perf_counter() - t

    t = time.perf_counter()
    hold = loaded.holdings.merge(loaded.features, on="holding_id", how="left")
    hold = hold.merge(loaded.products[["product_id", "code", "family"]], on="product_id")
    for col in [
        "bal_last",
        "bal_prior3",
        "dpd_last",
        "arrears_months",
        "overdraft_months",
        "penalty_recent",
        "salary_recent",
        "salary_months",
        "txn_recent",
        "txn_before",
    ]:
        hold[col] = hold[col].fillna(0)
    scope_set = set(scope_ids)
    conditions = risk_rules.evaluate(
        risk_rules.Inputs(
            as_of,
            hold[hold["client_id"].isin(scope_set)],
            loaded.clients[loaded.clients["client_id"].isin(scope_set)],
            params,
        )
    )
    timings["rules"] = time.perf_counter() - t
    check(progress)

    t = time.perf_counter()
    profile = client_profile(loaded, as_of)
    model = _cross_sell_model(loaded, hc.frame, profile, params, today)
    timings["models"] = time.perf_counter() - t
    check(progress)

    t = time.perf_counter()
    run_id = _start_run(engine, as_of, scope, who.username, params, hc.versions)
    counts: dict[str, Any] = {
        "clients": len(scope_ids),
        "flags": risk_flags.ReconcileCounts(),
        "suggested": 0,
        "updated": 0,
        "withdrawn": 0,
        "scores_written": 0,
    }
    scores = clients.set_index("client_id", drop=False)
    by_client = conditions.groupby("client_id").indices if len(conditions) else {}
    currencies = dict(
        zip(loaded.clients["client_id"].tolist(), loaded.clients["currency"].tolist(), strict=True)
    )
    batch = max(1, params.batch_size)
    suggested: set[int] = set()  # products some client of the scope is suggested
    progress.report(0, len(scope_ids), "scoring")
    for start in range(0, len(scope_ids), batch):
        check(progress)
        ids = scope_ids[start : start + batch]
        idx = [i for cid in ids for i in by_client.get(cid, [])]
        batch_conditions = conditions.iloc[idx]
        with write_transaction(engine) as conn:
            counts["scores_written"] += _write_scores(conn, scores.loc[ids], run_id, as_of)
            counts["flags"].add(
                risk_flags.reconcile(
                    conn, batch_conditions, ids, as_of=as_of, today=today, params=params
                )
            )
            blocked = _blocked_credit(conn, ids)
            outcomes = suggestions.recent_outcomes(conn, ids, today=today, params=params)
            fresh = cross_sell.suggest(
                model, loaded.products, profile.loc[ids], blocked, outcomes, params, today
            )
            suggested.update(int(p) for p in fresh["product_id"].unique())
            written = suggestions.reconcile(
                conn,
                fresh,
                ids,
                today=today,
                describe=lambda rows: reasons.describe(
                    reasons.with_factors(model, rows, shown=params.suggestions_per_client),
                    loaded.products,
                    currencies,
                ),
            )
            for k, v in written.items():
                counts[k] += v
        progress.report(min(start + batch, len(scope_ids)), len(scope_ids), "scoring")
    timings["write"] = time.perf_counter() - t

    flag_counts: risk_flags.ReconcileCounts = counts.pop("flags")
    counts |= {
        "flags_raised": flag_counts.raised,
        "flags_re_raised": flag_counts.re_raised,
        "flags_closed": flag_counts.closed,
        "flags_updated": flag_counts.updated,
        "conditions_by_rule": dict(sorted(flag_counts.by_rule.items())),
        "rules_mined": len(model.rules),
        # said, not hidden: the products nobody was suggested and why, and the products any
        # client of the scope is suggested (none: the run's report warns)
        "not_suggested": cross_sell.not_suggested(model, loaded.products, suggested, params),
        "products_suggested": len(suggested),
        # every product's method and its out-of-time backtest beside its fallback's
        "models": model.model_info,
        "tiers": clients.loc[clients["client_id"].isin(scope_set), "tier"]
        .value_counts()
        .sort_index()
        .to_dict(),
    }
    from rmdesk.services.engine.contribution import pareto

    top = pareto(clients["contribution_cur"].to_numpy())["top_share"]
    counts["pareto_top20_share"] = round(float(top), 4)
    timings["total"] = time.perf_counter() - started
    counts["seconds"] = {k: round(v, 2) for k, v in timings.items()}
    with write_transaction(engine) as conn:
        runs = T["scoring_runs"]
        conn.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values(finished_at=dt.datetime.now(dt.UTC), counts=_jsonable(counts))
        )
        audit.record(conn, who, "score", "scoring_run", run_id, {"scope": scope})
    return ScoreResult(run_id, as_of, scope, len(scope_ids), counts, timings, float(top))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


@open_to(ADMINS)
def suggestion_model(
    engine: Engine, *, as_of: dt.date | None = None, every_product: bool = False, who: Account
) -> tuple[cross_sell.Model, pd.DataFrame]:
    """What a scoring run would learn, without writing anything: the model and the clients'
    profile (for backtests; ``every_product`` learns products without a value too)."""
    with engine.connect() as conn:
        params = parameters.load(conn)
        as_of = as_of or data_date(conn)
        loaded = load(engine, conn, Window(as_of), params, who=who)
    hc, _ = _contribution(loaded, params)
    profile = client_profile(loaded, as_of)
    model = _cross_sell_model(loaded, hc.frame, profile, params, as_of, every_product)
    return model, profile


def _contribution(loaded: Loaded, params: parameters.Parameters) -> tuple[Any, pd.DataFrame]:
    """Contribution per holding and per client, ranks and tiers; the tiers go on the run's
    clients too (suggestions read them)."""
    hc = per_holding(loaded.features, loaded.holdings, loaded.pricing, loaded.periods)
    clients = rank_and_tier(per_client(hc.frame, loaded.clients), params)
    clients["tier"] = clients["tier"].astype(str)
    loaded.clients["tier"] = clients["tier"].to_numpy()
    return hc, clients


def _cross_sell_model(
    loaded: Loaded,
    per_holding_frame: pd.DataFrame,
    profile: pd.DataFrame,
    params: parameters.Parameters,
    today: dt.date,
    every_product: bool = False,
) -> cross_sell.Model:
    as_of = profile.attrs["as_of"]
    feats = take_up_features.of_run(loaded, as_of, params.take_up_horizon_months)
    active = loaded.clients[loaded.clients["status"] != "closed"]["client_id"].to_numpy()
    # the holdings open at the data date (the take-up features' cut 0), of the active clients
    held_now = pd.DataFrame(
        feats.held[0], index=pd.Index(feats.client_ids, name="client_id"), columns=feats.codes
    )
    matrix = held_now.loc[held_now.index.isin(active)]
    rules = cross_sell.mine_rules(matrix, params)
    best = cross_sell.best_rules(matrix, rules)
    code_of = loaded.products.set_index("product_id")["code"]
    months = per_holding_frame.merge(
        loaded.features[["holding_id", *_n_cur(loaded.features)]], on="holding_id"
    )
    months["months_cur"] = months[_n_cur(months)].sum(axis=1)
    typical = cross_sell.typical_contribution(months, code_of)
    # the models learn on the clients a product may be offered to at all: suitable, or
    # suitable once their risk assessment is renewed
    everyone = suitability.prepare(profile.reindex(feats.client_ids), today)
    jobs = []
    for product in loaded.products.to_dict("records"):
        code = str(product["code"])
        worth = float(typical.get(code, np.nan))
        if every_product or (product["active"] and np.isfinite(worth) and worth > 0):
            # (a product without a value is never suggested: no model; not_suggested says why)
            verdict = suitability.check(product, everyone)
            jobs.append((code, verdict.eligible | verdict.renew))
    outcomes = take_up_models.learn_all(
        jobs,
        lambda code, allowed: take_up_models.offered_only(
            take_up_response.apply(
                take_up_models.learn(feats, code, rules, params, allowed),
                take_up_response.learn(feats, code, params, allowed),
                allowed & ~feats.held[0][:, feats.column(code)],
            ),
            allowed,
        ),
    )
    likelihood = pd.DataFrame(
        {c: o.likelihood for c, o in outcomes.items()},
        index=pd.Index(feats.client_ids, name="client_id"),
    )
    info = {
        c: {"method": o.method, "rate": round(o.rate, 5), **o.info} for c, o in outcomes.items()
    }
    base_rate = pd.Series({c: o.rate for c, o in outcomes.items()}, dtype="float64")
    segment = loaded.clients.set_index("client_id")["segment"]
    peers = reasons.peer_share(matrix, segment)
    return cross_sell.Model(
        matrix, rules, best, likelihood, info, typical, base_rate, outcomes, feats, peers
    )


def _n_cur(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns if str(c).startswith("n_cur_")]


def _blocked_credit(conn: Connection, ids: list[int]) -> set[int]:
    f = T["risk_flags"]
    rows = conn.execute(
        select(f.c.client_id)
        .where(
            among(conn, f.c.client_id, ids),
            f.c.severity == Severity.HIGH,
            f.c.rule_code.in_(sorted(risk_rules.CREDIT_RULES)),
            f.c.status.in_([FlagStatus.RAISED, FlagStatus.ACKNOWLEDGED, FlagStatus.SNOOZED]),
        )
        .distinct()
    ).scalars()
    return set(rows)


def _start_run(
    engine: Engine,
    as_of: dt.date,
    scope: str,
    actor: str,
    params: parameters.Parameters,
    versions: dict[str, list[int]],
) -> int:
    runs = T["scoring_runs"]
    with write_transaction(engine) as conn:
        return int(
            conn.execute(
                insert(runs)
                .values(
                    started_at=dt.datetime.now(dt.UTC),
                    as_of=as_of,
                    scope=scope,
                    actor=actor,
                    parameters=params.as_dict(),
                    pricing=versions,
                    counts={},
                )
                .returning(runs.c.id)
            ).scalar_one()
        )


SCORE_COLUMNS = [
    "contribution_minor",
    "previous_minor",
    "growth",
    "deposit_margin_minor",
    "loan_margin_minor",
    "fees_minor",
    "cost_minor",
    "expected_loss_minor",
    "rank_book",
    "rank_branch",
    "rank_bank",
    "cumulative_share",
    "tier",
]


def _score_rows(frame: pd.DataFrame, as_of: dt.date) -> list[dict[str, Any]]:
    def dec(x: float, digits: int) -> Decimal | None:
        return None if x is None or not np.isfinite(x) else Decimal(f"{x:.{digits}f}")

    def opt(x: Any) -> int | None:
        return None if pd.isna(x) else int(x)

    columns = zip(
        frame["client_id"].tolist(),
        frame["contribution_cur"].tolist(),
        frame["contribution_prev"].tolist(),
        frame["growth"].tolist(),
        frame["deposit_margin_cur"].tolist(),
        frame["loan_margin_cur"].tolist(),
        frame["fees_cur"].tolist(),
        frame["cost_cur"].tolist(),
        frame["expected_loss_cur"].tolist(),
        frame["rank_book"].tolist(),
        frame["rank_branch"].tolist(),
        frame["rank_bank"].tolist(),
        frame["cumulative_share"].tolist(),
        frame["tier"].tolist(),
        strict=True,
    )
    return [
        {
            "client_id": int(c),
            "as_of": as_of,
            "contribution_minor": int(cur),
            "previous_minor": int(prev),
            "growth": dec(g, 6),
            "deposit_margin_minor": int(dm),
            "loan_margin_minor": int(lm),
            "fees_minor": int(fe),
            "cost_minor": int(co),
            "expected_loss_minor": int(el),
            "rank_book": opt(rb),
            "rank_branch": opt(rbr),
            "rank_bank": int(rk),
            "cumulative_share": dec(cs, 6),
            "tier": str(tier),
        }
        for c, cur, prev, g, dm, lm, fe, co, el, rb, rbr, rk, cs, tier in columns
    ]


def _write_scores(conn: Connection, frame: pd.DataFrame, run_id: int, as_of: dt.date) -> int:
    """Insert or update the batch's scores, only where something changed."""
    t = T["client_scores"]
    ids = frame["client_id"].tolist()
    old = {
        r.client_id: r
        for r in conn.execute(
            select(t.c.client_id, t.c.as_of, *[t.c[c] for c in SCORE_COLUMNS]).where(
                among(conn, t.c.client_id, ids)
            )
        )
    }
    inserts, updates = [], []
    for row in _score_rows(frame, as_of):
        was = old.get(row["client_id"])
        if was is None:
            inserts.append(row | {"run_id": run_id})
        elif tuple(was)[1:] != (as_of, *(row[c] for c in SCORE_COLUMNS)):
            updates.append({**row, "b_client": row.pop("client_id"), "run_id": run_id})
    if inserts:
        conn.execute(insert(t), inserts)
    if updates:
        conn.execute(update(t).where(t.c.client_id == bindparam("b_client")), updates)
    return len(inserts) + len(updates)


def score_database(url: str, *, progress: Progress | None = None, **options: Any) -> ScoreResult:
    """``score`` on the database at ``url`` with an engine of its own (for a child process)."""
    from rmdesk.db import make_engine

    engine = make_engine(url)
    try:
        return score(engine, progress=progress, **options)
    finally:
        engine.dispose()
