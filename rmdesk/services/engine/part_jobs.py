"""A scoring run's parts as jobs: each reads its own part of the bank from the database and
returns something small (a part's contribution per client; what a part wrote), so a part runs
the same in the run's own process or in a worker of a Dask cluster (docs/scale.md).

A job run elsewhere opens the database at the run's URL with an engine of its own; every worker
talks to the same database. It acts as the program on behalf of the person who started the run
(the run itself was let in for its scope), as the facts pass does.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from rmdesk.models import Base
from rmdesk.services.common import parameters
from rmdesk.services.common.access import ADMINS, Account, open_to, system
from rmdesk.services.engine import cross_sell, learning, model_store, risk_rules, writing
from rmdesk.services.engine.facts_pass import Window
from rmdesk.services.engine.loading import Loaded, client_profile, load
from rmdesk.services.engine.parts import Part

T = Base.metadata.tables
#: the per-holding figures the risk rules read, 0 where a holding has no facts
RULE_FIGURES = [
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
]


@dataclass(frozen=True)
class Shared:
    """What every job of a run shares."""

    as_of: dt.date
    today: dt.date
    params: parameters.Parameters
    run_id: int = 0
    model_id: int = 0


@open_to(ADMINS)
def read(engine: Engine, part: Part, shared: Shared, *, cuts: bool, who: Account) -> Loaded:
    """What a run reads of the clients of ``part`` (``loading.load``)."""
    with engine.connect() as conn:
        return load(
            engine, conn, Window(shared.as_of), shared.params, part=part, cuts=cuts, who=who
        )


@open_to(ADMINS)
def contribution(
    engine: Engine, part: Part, shared: Shared, *, loaded: Loaded | None = None, who: Account
) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """The part's clients' contribution and its parts (one row per client), and the pricing
    versions used."""
    loaded = loaded or read(engine, part, shared, cuts=False, who=who)
    return learning.per_client_contribution(loaded)


@open_to(ADMINS)
def write(
    engine: Engine,
    part: Part,
    shared: Shared,
    *,
    ids: list[int],
    scores: pd.DataFrame,
    model: cross_sell.Model | None = None,
    loaded: Loaded | None = None,
    reuse: bool = False,
    step: Callable[[int], None] | None = None,
    who: Account,
) -> writing.Written:
    """The part's risk rules, likelihoods, flags and suggestions for the clients ``ids`` (of
    the run's scope), written where they differ from what is stored. ``scores``: the ranks and
    tiers of the part's clients; ``model``: the run's model (read back by ``shared.model_id``
    when not given); ``reuse``: the model was learnt on exactly ``loaded``, its likelihoods are
    used as they are."""
    out = writing.Written()
    t = time.perf_counter()
    loaded = loaded or read(engine, part, shared, cuts=True, who=who)
    if model is None:
        model = _model(engine, shared.model_id)
    t = out.took("read", t)
    params, as_of, today = shared.params, shared.as_of, shared.today
    loaded.clients["tier"] = loaded.clients["client_id"].map(scores["tier"]).to_numpy()
    conditions = conditions_of(loaded, ids, as_of, params)
    t = out.took("rules", t)
    profile = client_profile(loaded, as_of)
    applied = model if reuse else learning.for_part(model, loaded, profile, params, today)
    t = out.took("models", t)
    currencies = dict(
        zip(loaded.clients["client_id"].tolist(), loaded.clients["currency"].tolist(),
            strict=True)
    )  # fmt: skip
    writing.write_part(
        engine,
        ids=ids,
        scores=scores,
        conditions=conditions,
        model=applied,
        products=loaded.products,
        profile=profile,
        currencies=currencies,
        run_id=shared.run_id,
        as_of=as_of,
        today=today,
        params=params,
        out=out,
        step=step or (lambda n: None),
        who=who,
    )
    out.took("write", t)
    return out


def conditions_of(
    loaded: Loaded, ids: list[int], as_of: dt.date, params: parameters.Parameters
) -> pd.DataFrame:
    """The risk rules' conditions of the clients ``ids`` of a part."""
    hold = loaded.holdings.merge(loaded.features, on="holding_id", how="left")
    hold = hold.merge(loaded.products[["product_id", "code", "family"]], on="product_id")
    for col in RULE_FIGURES:
        hold[col] = hold[col].fillna(0)
    chosen = set(ids)
    return risk_rules.evaluate(
        risk_rules.Inputs(
            as_of,
            hold[hold["client_id"].isin(chosen)],
            loaded.clients[loaded.clients["client_id"].isin(chosen)],
            params,
        )
    )


def _model(engine: Engine, model_id: int) -> cross_sell.Model:
    t = T["scoring_models"]
    with engine.connect() as conn:
        body = conn.execute(select(t.c.body).where(t.c.id == model_id)).scalar_one()
    return model_store.restore(body)


# --- running the jobs ------------------------------------------------------------------------

JOBS: dict[str, Callable[..., Any]] = {"contribution": contribution, "write": write}
#: how long to wait for a cluster's scheduler to answer
CONNECT_SECONDS = 10


def _remote(url: str, actor: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """A job in a worker: the database at ``url`` with an engine of its own."""
    from rmdesk.db import make_engine

    engine = make_engine(url)
    try:
        return JOBS[name](engine, *args, **kwargs, who=system(actor))
    finally:
        engine.dispose()


class ClusterError(RuntimeError):
    """No cluster to run on: Dask is not installed, or no scheduler answers at the address."""


class Cluster:
    """Jobs on a Dask cluster (``dask.distributed``, the ``cluster`` extra): each worker opens
    the database at ``url`` itself."""

    def __init__(self, address: str, url: str, actor: str) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - the extra is in the test set
            raise ClusterError(
                "a cluster needs Dask: pip install 'rmdesk[cluster]' (docs/scale.md)"
            ) from exc
        try:
            self.client = Client(address, set_as_default=False, timeout=CONNECT_SECONDS)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(
                f"no Dask scheduler answers at {address} ({exc}); start one with "
                "'dask scheduler' and its workers with 'dask worker ADDRESS' (docs/scale.md)"
            ) from exc
        self.url, self.actor = url, actor

    def run(
        self, name: str, jobs: Iterable[tuple[tuple[Any, ...], dict[str, Any]]]
    ) -> Iterator[Any]:
        """Each job's result, in the order given (a job that fails raises here); the jobs run
        side by side on the workers."""
        futures = [
            self.client.submit(_remote, self.url, self.actor, name, args, kwargs, pure=False)
            for args, kwargs in jobs
        ]
        for future in futures:
            yield future.result()

    def close(self) -> None:
        self.client.close()  # type: ignore[no-untyped-call]
