"""Nightly scoring: contribution and tiers, risk flags and suggestions for a scope of clients.

The run works the bank in parts (``parts``: client-id ranges of ``partition_clients``), holding
one part's facts and features in memory at a time:

1. **contribution**, part by part: one pass over the part's monthly facts in the database, its
   clients' contribution; then the ranks, tiers and Pareto cut over the whole bank, from one
   row per client;
2. **the model**: the one kept for the data month (``model_store``), or learnt on a fixed
   sample of about ``model_sample_clients`` clients (everyone in a smaller bank) and kept: the
   association rules, each product's take-up and response models, typical values and peers
   (``learning``);
3. **the scope's parts**: each part's rules, likelihoods (the models applied to its clients),
   flags and suggestions, written in batches, one transaction each, only what differs from the
   stored results (``writing``).

A bank in one part is read once. Running it twice on the same data changes nothing.
docs/contribution.md, docs/risk-flags.md, docs/cross-sell.md and docs/scale.md describe the
methods. What a run reads is in ``loading``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert, select, update

from rmdesk.db import write_transaction
from rmdesk.models import Base
from rmdesk.services.common import audit, parameters
from rmdesk.services.common.access import ADMINS, Account, guarded, open_to, system
from rmdesk.services.common.progress import NullProgress, Progress, check
from rmdesk.services.common.timing import took
from rmdesk.services.engine import (
    cross_sell,
    incremental,
    inputs,
    learning,
    model_store,
    part_jobs,
    parts,
    writing,
)
from rmdesk.services.engine.contribution import pareto, per_holding, rank_and_tier
from rmdesk.services.engine.facts_pass import Window
from rmdesk.services.engine.loading import (
    Loaded,
    ScopeError,
    client_profile,
    data_date,
    load,
    resolve_scope,
)

__all__ = ["ScopeError", "ScoreResult", "data_date", "score", "score_database"]

T = Base.metadata.tables
#: the parts of the earlier year's contribution: summed into ``contribution_prev``, not stored
UNWRITTEN = frozenset(
    f"{part}_prev" for part in ("deposit_margin", "loan_margin", "fees", "cost", "expected_loss")
)


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
    retrain: bool = False,
    full: bool = False,
    cluster: str | None = None,
    who: Account,
) -> ScoreResult:
    """Recompute contribution, tiers, flags and suggestions for the bank, a branch or an RM;
    with the cross-sell model kept for the data month, or with one learnt now (``retrain``, or
    none kept: the month's first run, or a parameter it learns with changed). A run of the
    whole bank recomputes only the clients whose inputs changed since the last one when it
    may (``incremental``), every client with ``full``. ``cluster``: the address of a Dask
    scheduler whose workers run the parts (docs/scale.md)."""
    progress = progress or NullProgress()
    today = today or dt.date.today()
    clock: dict[str, float] = {}
    started = t = time.perf_counter()
    with engine.connect() as conn:
        params = parameters.load(conn)
        as_of = as_of or data_date(conn)
        scope, scope_filter = resolve_scope(conn, branch, rm)
        chosen = (
            None
            if scope_filter is None
            else set(conn.execute(select(T["clients"].c.id).where(scope_filter)).scalars())
        )
        pieces = parts.partitions(conn, params.partition_clients)
        sample = parts.sample(conn, params.model_sample_clients)
        learnt_with = model_store.settings(params, sample.stride)
        found = None if retrain else model_store.kept(conn, as_of=as_of, learnt_with=learnt_with)
        last, latest = incremental.last_run(conn)
    shared = part_jobs.Shared(as_of, today, params)
    program = system(who.username)
    since = (
        last.today
        if not full
        and scope_filter is None
        and found is not None
        and last is not None
        and last.overall is not None
        and latest is not None
        and latest <= today
        else None
    )
    # what the database noted as changed, read before anything else: a change noted later
    # is left for the next run
    with engine.connect() as conn:
        # (a full run only clears them: it recomputes everyone)
        read_notes, noted = inputs.changes(conn, clients=since is not None)
        whole_key = (
            inputs.overall(conn, as_of=as_of, params=params, model_id=found[0])
            if found is not None
            else 0
        )
    if since is not None and last is not None and whole_key != last.overall:
        since = None
    if since is not None:
        with engine.connect() as conn:
            if not incremental.worth_it(conn, as_of=as_of, overall=whole_key, noted=noted):
                since = None
    # a bank in one part, scored here: read once, kept for every step
    whole = len(pieces) == 1 and cluster is None and since is None
    kept: Loaded | None = None
    on = None
    if cluster is not None:
        url = engine.url.render_as_string(hide_password=False)
        on = part_jobs.Cluster(cluster, url, who.username)
    plan: incremental.Plan | None = None
    try:
        if since is not None and found is not None and last is not None:
            # 1-2. only what changed: the model kept, everyone's ranks from stored scores
            model_id, model = found
            fresh = False
            with engine.connect() as conn:
                dated = inputs.dated(conn, since, today, params)
            plan = incremental.plan(
                engine,
                shared=shared,
                overall=whole_key,
                noted=noted,
                dated=dated,
                keep=cluster is None,  # the parts read here are written here
                who=program,
            )
            clients = plan.clients
            used_versions = incremental.pricing_of(last, plan.versions)
            t = took(clock, "contribution", t)
        else:
            clients, used_versions, kept, t = _contribution(
                engine, pieces, shared, on, whole, progress, clock, t, program
            )
            tier_of = clients.set_index("client_id")["tier"]
            # 2. the models: those kept for the data month, or learnt on the sample and kept
            check(progress)
            fresh = found is None
            if found is not None:
                model_id, model = found
            else:
                model_id, model = _learn(
                    engine, kept, sample, shared, tier_of, learnt_with, who, program
                )
            with engine.connect() as conn:
                whole_key = inputs.overall(conn, as_of=as_of, params=params, model_id=model_id)
            t = took(clock, "models", t)

        # 3. the scope's parts: rules, likelihoods, flags, suggestions, writes
        run_id = _start_run(engine, as_of, scope, who.username, params, used_versions)
        shared = part_jobs.Shared(as_of, today, params, run_id, model_id)
        everyone = clients["client_id"].to_numpy()
        in_scope = (
            np.ones(len(everyone), dtype=bool)
            if chosen is None
            else np.isin(everyone, list(chosen))
        )
        total = int(in_scope.sum())
        # the one bank-wide frame of the run's writes (not a second copy of the clients)
        scores = clients.set_index("client_id", drop=False)
        scores["inputs"] = whole_key
        del clients
        if plan is not None:  # the plan's own frame of the clients, let go too
            plan.clients = scores
        out = writing.Written()
        # (a part, its clients in scope, the clients whose scores it takes, the part as read if
        # it was): a part's scores are copied from the bank's frame as it runs, not all at first
        todo: list[tuple[parts.Part, Any, Any, Loaded | None]] = []
        if plan is not None:
            if on is None:
                incremental.read_rest(engine, plan, shared, who=program)
            recompute = set(plan.recompute)
            for piece, whole_part in plan.read:  # read whole for their contribution
                ids = [i for i in piece.ids or () if i in recompute]
                if ids:
                    recompute -= set(ids)
                    held = [i for i in piece.ids or () if i in scores.index]
                    todo.append((piece, ids, held, whole_part))
            size = min(incremental.CHUNK, params.partition_clients)
            for piece in parts.of(sorted(recompute), size):
                ids = list(piece.ids or ())
                todo.append((piece, ids, ids, None))
        else:
            for piece in pieces:
                mine = piece.holds(everyone)
                ids = everyone[in_scope & mine]
                if len(ids):
                    todo.append((piece, ids, everyone[mine], kept))
        goal = sum(len(ids) for _, ids, _, _ in todo)
        progress.report(0, goal, "scoring")
        if on is not None:
            jobs = [
                ((piece, shared), {"ids": [int(i) for i in ids], "scores": scores.loc[held]})
                for piece, ids, held, _ in todo
            ]
            for written in on.run("write", jobs):
                out.add(written)
                progress.report(out.clients, goal, "scoring")
                check(progress)
        else:
            while todo:
                piece, ids, held, read_as = todo.pop(0)
                check(progress)
                before = out.clients

                def step(n: int, before: int = before) -> None:
                    progress.report(before + n, goal, "scoring")
                    check(progress)

                # the likelihoods a model gave the clients it just learnt on are those it gives
                # them read back (model_store): a fresh model of the whole bank is not applied
                # again
                out.add(
                    part_jobs.write(
                        engine,
                        piece,
                        shared,
                        ids=[int(i) for i in ids],
                        scores=scores.loc[held],
                        model=model,
                        loaded=read_as,
                        reuse=fresh and kept is not None and sample.everyone,
                        step=step,
                        who=program,
                    )
                )
        if plan is not None:
            # everyone else: their ranks and shares, where they moved
            check(progress)
            rest = scores[~scores.index.isin(plan.recompute)]
            writing.write_ranks(
                engine,
                scores=rest,
                stored=plan.ranks,
                batch=params.partition_clients,  # a few columns a row: a part's worth at once
                out=out,
                who=program,
            )
        t = took(clock, "write", t)
        if on is None:  # the parts' own phases, out of the step's time
            clock["write"] -= sum(out.seconds.values()) - out.seconds.get("write", 0.0)
            for phase, secs in out.seconds.items():
                if phase != "write":
                    clock[phase] = clock.get(phase, 0.0) + secs
        else:  # the workers' time, added up over the parts that ran side by side
            for phase, secs in out.seconds.items():
                clock[f"workers_{phase}"] = secs
    finally:
        if on is not None:
            on.close()

    counts: dict[str, Any] = {
        "clients": total,
        "suggested": out.suggested,
        "updated": out.updated,
        "withdrawn": out.withdrawn,
        "scores_written": out.scores_written,
        "flags_raised": out.flags.raised,
        "flags_re_raised": out.flags.re_raised,
        "flags_closed": out.flags.closed,
        "flags_updated": out.flags.updated,
        "conditions_by_rule": dict(sorted(out.flags.by_rule.items())),
        "rules_mined": len(model.rules),
        # said, not hidden: the products nobody was suggested and why, and the products any
        # client of the scope is suggested (none: the run's report warns)
        "not_suggested": cross_sell.not_suggested(model, _products(engine), out.products, params),
        "products_suggested": len(out.products),
        # every product's method and its out-of-time backtest beside its fallback's
        "models": model.model_info,
        "tiers": scores.loc[in_scope, "tier"].value_counts().sort_index().to_dict(),
        "parts": len(pieces),
        "sample_every": sample.stride,
        "model_id": model_id,
        "model_learnt": fresh,
        # a run of what changed, and how many clients it recomputed (all of a full run's)
        "incremental": plan is not None,
        "recomputed": goal,
        "today": today.isoformat(),
        "overall": str(whole_key),
    }
    if plan is not None:
        counts["changed"] = plan.changed
        counts["dated"] = plan.dated
        counts["tiers_moved"] = plan.tiers_moved
    top = pareto(scores["contribution_cur"].to_numpy())["top_share"]
    counts["pareto_top20_share"] = round(float(top), 4)
    clock["total"] = time.perf_counter() - started
    counts["seconds"] = {k: round(v, 2) for k, v in clock.items()}
    with write_transaction(engine) as conn:
        if chosen is None:  # every client's results are now those of their noted changes
            inputs.clear(conn, read_notes)
        runs = T["scoring_runs"]
        conn.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values(finished_at=dt.datetime.now(dt.UTC), counts=_jsonable(counts))
        )
        audit.record(conn, who, "score", "scoring_run", run_id, {"scope": scope})
    return ScoreResult(run_id, as_of, scope, total, counts, clock, float(top))


def _contribution(
    engine: Engine,
    pieces: list[parts.Part],
    shared: part_jobs.Shared,
    on: part_jobs.Cluster | None,
    whole: bool,
    progress: Progress,
    clock: dict[str, float],
    t: float,
    program: Account,
) -> tuple[pd.DataFrame, dict[str, list[int]], Loaded | None, float]:
    """Step 1 of a full run: the contribution of every client, part by part; ranks and tiers
    over the whole bank; the pricing versions used; the bank read once when it is one part."""
    per_part = []
    versions: dict[str, set[int]] = {}
    kept: Loaded | None = None
    if on is not None:
        found_parts = on.run("contribution", [((piece, shared), {}) for piece in pieces])
    else:

        def here() -> Iterator[tuple[pd.DataFrame, dict[str, list[int]]]]:
            nonlocal kept
            for piece in pieces:
                check(progress)
                loaded = part_jobs.read(engine, piece, shared, cuts=whole, who=program)
                kept = loaded if whole else None
                yield part_jobs.contribution(engine, piece, shared, loaded=loaded, who=program)

        found_parts = here()
    for frame, used in found_parts:
        per_part.append(frame)
        for code, vs in used.items():
            versions.setdefault(code, set()).update(vs)
    # one row per client of the bank, kept through the run: only what is written of them (the
    # earlier year's parts of contribution are not), the parts' frames let go first
    bank = pd.concat(per_part, ignore_index=True)
    per_part.clear()
    bank = bank.drop(columns=[c for c in bank.columns if c in UNWRITTEN])
    clients = rank_and_tier(bank, shared.params)
    del bank
    clients["tier"] = clients["tier"].astype(str)
    t = took(clock, "contribution", t)
    clock["contribution"] -= clock.get("read", 0.0)
    used_versions = {code: sorted(vs) for code, vs in sorted(versions.items())}
    return clients, used_versions, kept, t


def _learn(
    engine: Engine,
    kept: Loaded | None,
    sample: parts.Part,
    shared: part_jobs.Shared,
    tier_of: pd.Series,
    learnt_with: dict[str, Any],
    who: Account,
    program: Account,
) -> tuple[int, cross_sell.Model]:
    """The cross-sell model learnt on the sample (the bank already read, when it is the
    sample) and kept for the data month."""
    learnt_on = (
        kept
        if kept is not None and sample.everyone
        else part_jobs.read(engine, sample, shared, cuts=True, who=program)
    )
    learnt_on.clients["tier"] = learnt_on.clients["client_id"].map(tier_of).to_numpy()
    hc = per_holding(learnt_on.features, learnt_on.holdings, learnt_on.pricing, learnt_on.periods)
    sample_profile = client_profile(learnt_on, shared.as_of)
    model = learning.cross_sell_model(
        learnt_on, hc.frame, sample_profile, shared.params, shared.today, stride=sample.stride
    )
    del hc, learnt_on, sample_profile
    with write_transaction(engine) as conn:
        model_id = model_store.save(
            conn, model, as_of=shared.as_of, learnt_with=learnt_with, actor=who.username
        )
    return model_id, model


def _products(engine: Engine) -> pd.DataFrame:
    p = T["products"]
    with engine.connect() as conn:
        rows = conn.execute(select(p.c.id, p.c.code, p.c.active)).all()
    return pd.DataFrame(
        {
            "product_id": [r[0] for r in rows],
            "code": [r[1] for r in rows],
            "active": [bool(r[2]) for r in rows],
        }
    )


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
    hc, _ = learning.contribution(loaded, params)
    profile = client_profile(loaded, as_of)
    model = learning.cross_sell_model(loaded, hc.frame, profile, params, as_of, every_product)
    return model, profile


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


def score_database(url: str, *, progress: Progress | None = None, **options: Any) -> ScoreResult:
    """``score`` on the database at ``url`` with an engine of its own (for a child process)."""
    from rmdesk.db import make_engine

    engine = make_engine(url)
    try:
        return score(engine, progress=progress, **options)
    finally:
        engine.dispose()
