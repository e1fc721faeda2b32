"""A nightly run of only what changed: which clients a run recomputes, and the ranks of everyone
from one stored row per client (docs/scale.md).

A run of the whole bank may recompute only some clients when the last whole-bank run that
finished used the same data month, parameters, products, pricing, model and rules (the same
``inputs.overall``) on a day no later than this one. It then recomputes the clients

* whose inputs the database noted as changed since (``inputs.changes``: new clients too), or
  whose stored results were computed with something else than this run's ``overall`` (a run
  killed before it reached them, a branch's run with other parameters); a client the last run
  left out (no figures in the window) about whom nothing was noted stays out;
* whose results the days since that run can move with nothing else changed (``inputs.dated``);
* whose tier moved because other clients' contribution did;

and takes everyone else's contribution from their stored score, so that the ranks, tiers and
cumulative shares of the whole bank are those a full run would give. Every other client's
stored flags and suggestions are what a full run would write again: their inputs, the model
and the day's rules that read them are unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Float, case, cast, func, or_, select

from rmdesk.db import among
from rmdesk.models import Base
from rmdesk.services.common import frames
from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.engine import loading, part_jobs, parts
from rmdesk.services.engine.contribution import growth, rank_and_tier
from rmdesk.services.engine.loading import Loaded

T = Base.metadata.tables
#: a stored score's columns a run reads for a client it does not recompute, and the
#: contribution frame's columns they hold: what ranks, tiers and shares are worked out from
#: (its contribution's parts are written only for the clients recomputed)
STORED = {
    "contribution_minor": "contribution_cur",
    "previous_minor": "contribution_prev",
}
#: the parts of a stored contribution, read only for the clients recomputed whose contribution
#: did not change (their results are written again with them)
STORED_PARTS = {
    "deposit_margin_minor": "deposit_margin_cur",
    "loan_margin_minor": "loan_margin_cur",
    "fees_minor": "fees_cur",
    "cost_minor": "cost_cur",
    "expected_loss_minor": "expected_loss_cur",
}
#: a stored score's columns that move with everyone else's contribution
RANKS = ["rank_book", "rank_branch", "rank_bank", "cumulative_share"]
#: the clients recomputed at a time
CHUNK = 5_000


@dataclass(frozen=True)
class LastRun:
    """The last whole-bank run that finished: its day and what it used."""

    run_id: int
    today: dt.date
    overall: int | None
    pricing: dict[str, list[int]]


def last_run(conn: Connection) -> tuple[LastRun | None, dt.date | None]:
    """The last whole-bank run that finished, and the latest day any finished run since it
    worked on (a branch's run may have looked at a later day)."""
    runs = T["scoring_runs"]
    rows = conn.execute(
        select(runs.c.id, runs.c.scope, runs.c.counts, runs.c.pricing)
        .where(runs.c.finished_at.is_not(None))
        .order_by(runs.c.id.desc())
        .limit(1000)
    ).all()
    latest: dt.date | None = None
    for run_id, scope, counts, pricing in rows:
        counts = counts or {}
        day = counts.get("today")
        if day is None:  # a run before fingerprints: no base for a run of what changed
            return None, latest
        on = dt.date.fromisoformat(day)
        latest = on if latest is None else max(latest, on)
        if scope == "bank":
            whole = counts.get("overall")
            return LastRun(int(run_id), on, None if whole is None else int(whole), pricing), latest
    return None, latest


#: a run recomputes everyone the full way when more than this share of the clients would be
#: recomputed anyway (reading them a few thousand at a time costs more than reading every part)
MOST = 0.25


def worth_it(conn: Connection, *, as_of: dt.date, overall: int, noted: set[int]) -> bool:
    """Whether few enough clients are to be recomputed for a run of only what changed: those
    noted, and those whose stored results were computed with something else."""
    c, t = T["clients"], T["client_scores"]
    clients = int(conn.execute(select(func.count()).select_from(c)).scalar() or 0)
    stale = int(
        conn.execute(
            select(func.count())
            .select_from(t)
            .where(t.c.as_of == as_of, or_(t.c.inputs.is_(None), t.c.inputs != overall))
        ).scalar()
        or 0
    )
    return stale + len(noted) <= MOST * clients


@dataclass
class Plan:
    """What a run of only what changed does: every client's contribution, rank and tier, and
    the clients it recomputes."""

    clients: pd.DataFrame
    recompute: list[int]
    #: the stored ranks and shares (``RANKS``) of the clients not recomputed, by client
    ranks: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: parts of the clients to recompute already read whole (with the take-up models' figures)
    #: for their contribution, kept for writing their results: not read twice
    read: list[tuple[parts.Part, Loaded]] = field(default_factory=list)
    versions: dict[str, set[int]] = field(default_factory=dict)
    changed: int = 0
    dated: int = 0
    tiers_moved: int = 0


@open_to(ADMINS)
def plan(
    engine: Engine,
    *,
    shared: part_jobs.Shared,
    overall: int,
    noted: set[int],
    dated: set[int],
    keep: bool = False,
    who: Account,
) -> Plan:
    """The ranks of everyone and the clients to recompute: those the database ``noted`` as
    changed, those whose results were computed with something else than ``overall`` (or never),
    the ``dated`` ones, and those whose tier moved. With ``keep``, the changed and dated
    clients are read whole, a part at a time, and up to ``partition_clients`` of them are kept
    in ``Plan.read`` for writing (memory stays that of one part)."""
    c = T["clients"]
    with engine.connect() as conn:
        stored = _stored(conn, shared.as_of, overall)
        owners = frames.read(
            conn, select(c.c.id.label("client_id"), c.c.rm_id, c.c.branch_id)
        ).set_index("client_id")
    ids = owners.index.to_numpy(dtype="int64")
    scored = np.isin(ids, stored.index.to_numpy())
    # a client the last run left out (no figures in the window, not yet in the book) and the
    # database noted nothing about stays out; one scored with something else (or with nothing
    # noted) is recomputed
    same_mask = ~scored | (stored["same"].reindex(ids).to_numpy() == 1)
    same_mask &= ~np.isin(ids, np.fromiter(noted, dtype="int64", count=len(noted)))
    same, changed = ids[same_mask & scored], ids[~same_mask]
    pieces = [_from_stored(stored.loc[same], owners)]
    versions: dict[str, set[int]] = {}
    kept: list[tuple[parts.Part, Loaded]] = []
    held = 0
    moved_in = set(changed.tolist())
    wanted = sorted(moved_in | set(dated)) if keep else changed
    for piece in parts.of(wanted, CHUNK):
        whole = keep and held + len(piece.ids or ()) <= shared.params.partition_clients
        if not whole:  # only the contribution of the changed ones
            piece = parts.Part(ids=tuple(i for i in piece.ids or () if i in moved_in))
            if not piece.ids:
                continue
        loaded = part_jobs.read(engine, piece, shared, cuts=whole, who=who)
        frame, used = part_jobs.contribution(engine, piece, shared, loaded=loaded, who=who)
        # a dated client's contribution is its stored one, as for everyone unchanged
        frame = frame[np.isin(frame["client_id"].to_numpy(), changed)]
        pieces.append(frame)
        for code, vs in used.items():
            versions.setdefault(code, set()).update(vs)
        if whole:
            kept.append((piece, loaded))
            held += len(piece.ids or ())
    # (the parts of contribution are missing, NaN, for the clients not recomputed)
    together = pd.concat([p for p in pieces if len(p)] or pieces[:1], ignore_index=True)
    together = together.sort_values("client_id", ignore_index=True)
    clients = rank_and_tier(together, shared.params)
    clients["tier"] = clients["tier"].astype(str)
    tier = clients.set_index("client_id")["tier"]
    kept_tier = stored["tier"].reindex(same)
    moved = same[(tier.reindex(same).to_numpy() != kept_tier.to_numpy())]
    recompute = set(changed.tolist()) | set(dated) | set(moved.tolist())
    present = set(clients["client_id"].tolist())
    recompute &= present
    with engine.connect() as conn:  # the parts of those recomputed from their stored score
        _stored_parts(conn, clients, shared.as_of, sorted(recompute - moved_in))
    return Plan(
        clients,
        sorted(recompute),
        stored.loc[same, RANKS],
        kept,
        versions,
        changed=len(changed),
        dated=len(set(dated) & present),
        tiers_moved=len(moved),
    )


@open_to(ADMINS)
def read_rest(engine: Engine, plan: Plan, shared: part_jobs.Shared, *, who: Account) -> None:
    """The clients to recompute that ``plan`` did not read (their tier moved), read and joined
    to the last part it read, when there are few: each part's results cost a fixed second or so
    of applying every product's model, whatever its size."""
    if not plan.read:
        return
    done = {i for piece, _ in plan.read for i in piece.ids or ()}
    rest = tuple(i for i in plan.recompute if i not in done)
    if not rest or len(rest) > CHUNK:
        return
    piece, loaded = plan.read[-1]
    more = part_jobs.read(engine, parts.Part(ids=rest), shared, cuts=True, who=who)
    plan.read[-1] = (parts.Part(ids=(*(piece.ids or ()), *rest)), loading.joined(loaded, more))


def _stored(conn: Connection, as_of: dt.date, overall: int) -> pd.DataFrame:
    """The stored scores of the data month, one row per client: ``same`` says whether they
    were computed with ``overall`` (1), something else (0) or nothing noted (-1, never); the
    cumulative share as stored (six decimals), as a float: the share a run would write
    compares equal to it."""
    t = T["client_scores"]
    out = frames.read(
        conn,
        select(
            t.c.client_id,
            case((t.c.inputs.is_(None), -1), (t.c.inputs == overall, 1), else_=0).label("same"),
            t.c.tier,
            *[t.c[c] for c in STORED],
            *[t.c[c] for c in RANKS[:-1]],
            cast(t.c.cumulative_share, Float).label("cumulative_share"),
        ).where(t.c.as_of == as_of),
    )
    for name in ("rank_book", "rank_branch"):  # no rank outside a book or branch
        out[name] = pd.array(out[name].to_numpy("float64", na_value=np.nan), dtype="Int64")
    out["tier"] = out["tier"].astype(object)
    for name in [*STORED, "rank_bank", "same"]:
        out[name] = out[name].astype("int64")
    out["cumulative_share"] = out["cumulative_share"].astype("float64")
    return out.set_index(out["client_id"].astype("int64").rename("client_id")).drop(
        columns="client_id"
    )


def _stored_parts(conn: Connection, clients: pd.DataFrame, as_of: dt.date, ids: list[int]) -> None:
    """Fill in ``clients`` the parts of contribution of the clients ``ids`` (recomputed, their
    contribution unchanged: whose dates came or tier moved) from their stored scores."""
    t = T["client_scores"]
    found = frames.read(
        conn,
        select(t.c.client_id, *[t.c[c] for c in STORED_PARTS]).where(
            t.c.as_of == as_of, among(conn, t.c.client_id, ids)
        ),
    ).set_index("client_id")
    for column, name in STORED_PARTS.items():
        stored = clients["client_id"].map(found[column]) if len(found) else np.nan
        clients[name] = clients[name].fillna(stored) if name in clients else stored


def _from_stored(stored: pd.DataFrame, owners: pd.DataFrame) -> pd.DataFrame:
    """The contribution frame (``contribution.per_client``'s columns a run reads on) of
    clients whose inputs did not change, from their stored scores."""
    out = stored[list(STORED)].rename(columns=STORED).astype("int64").reset_index()
    who = owners.reindex(out["client_id"].to_numpy())
    out.insert(1, "rm_id", who["rm_id"].to_numpy())
    out.insert(2, "branch_id", who["branch_id"].to_numpy())
    out["growth"] = growth(out)
    return out


def pricing_of(last: LastRun, versions: dict[str, set[int]]) -> dict[str, list[int]]:
    """The pricing versions a run of what changed used: the last run's and the recomputed
    clients' (the pricing is the same, or the run would be a full one)."""
    out: dict[str, set[int]] = {k: set(v) for k, v in (last.pricing or {}).items()}
    for code, vs in versions.items():
        out.setdefault(code, set()).update(vs)
    return {code: sorted(vs) for code, vs in sorted(out.items())}
