"""What a scoring run writes for one part of the bank: scores, flags and suggestions, batch by
batch, one transaction each, only what differs from the stored results (services/common/bulk.py
sends the rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, select

from rmdesk.db import among, write_transaction
from rmdesk.models import Base, FlagStatus, Severity
from rmdesk.services.common import bulk, parameters, timing
from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.engine import (
    cross_sell,
    keep_outs,
    reasons,
    risk_flags,
    risk_rules,
    suggestions,
)

T = Base.metadata.tables


@dataclass
class Written:
    """What a run wrote, added up over its parts."""

    clients: int = 0
    flags: risk_flags.ReconcileCounts = field(default_factory=risk_flags.ReconcileCounts)
    suggested: int = 0
    updated: int = 0
    withdrawn: int = 0
    scores_written: int = 0
    #: the products some client of the scope is suggested
    products: set[int] = field(default_factory=set)
    #: seconds spent per phase (read, rules, models, write)
    seconds: dict[str, float] = field(default_factory=dict)

    def took(self, phase: str, since: float) -> float:
        """Add the time since ``since`` to ``phase``; now."""
        return timing.took(self.seconds, phase, since)

    def add(self, other: Written) -> None:
        for phase, secs in other.seconds.items():
            self.seconds[phase] = self.seconds.get(phase, 0.0) + secs
        self.clients += other.clients
        self.flags.add(other.flags)
        self.suggested += other.suggested
        self.updated += other.updated
        self.withdrawn += other.withdrawn
        self.scores_written += other.scores_written
        self.products |= other.products


@open_to(ADMINS)
def write_part(
    engine: Engine,
    *,
    ids: Sequence[int],
    scores: pd.DataFrame,
    conditions: pd.DataFrame,
    model: cross_sell.Model,
    products: pd.DataFrame,
    profile: pd.DataFrame,
    currencies: dict[int, str],
    run_id: int,
    as_of: dt.date,
    today: dt.date,
    params: parameters.Parameters,
    out: Written,
    step: Callable[[int], None],
    who: Account,
) -> None:
    """Write the results of the clients ``ids`` in batches of ``batch_size``, one transaction
    each; ``step(n)`` after each batch of ``n`` clients (progress, and a chance to cancel). A
    step of a run let in for its scope, done as the program."""
    by_client = conditions.groupby("client_id").indices if len(conditions) else {}
    batch = max(1, params.batch_size)
    for start in range(0, len(ids), batch):
        chunk = list(ids[start : start + batch])
        idx = [i for cid in chunk for i in by_client.get(cid, [])]
        batch_conditions = conditions.iloc[idx]
        with write_transaction(engine) as conn:
            out.scores_written += write_scores(conn, scores.loc[chunk], run_id, as_of)
            out.flags.add(
                risk_flags.reconcile(
                    conn, batch_conditions, chunk, as_of=as_of, today=today, params=params
                )
            )
            blocked = blocked_credit(conn, chunk)
            outcomes = keep_outs.recent_outcomes(conn, chunk, today=today, params=params)
            fresh = cross_sell.suggest(
                model, products, profile.loc[chunk], blocked, outcomes, params, today
            )
            out.products.update(int(p) for p in fresh["product_id"].unique())
            written = suggestions.reconcile(
                conn,
                fresh,
                chunk,
                today=today,
                describe=lambda rows: reasons.describe(
                    reasons.with_factors(model, rows, shown=params.suggestions_per_client),
                    products,
                    currencies,
                ),
            )
            out.suggested += written["suggested"]
            out.updated += written["updated"]
            out.withdrawn += written["withdrawn"]
        out.clients += len(chunk)
        step(len(chunk))


def blocked_credit(conn: Connection, ids: list[int]) -> set[int]:
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


SCORE_KEYS = ["client_id", "as_of", *SCORE_COLUMNS]


def _dec(x: float, digits: int) -> Decimal | None:
    return None if x is None or not np.isfinite(x) else Decimal(f"{x:.{digits}f}")


def _share(x: float) -> Decimal | None:
    """A cumulative share as stored: six decimals."""
    return _dec(x, 6)


def _opt(x: Any) -> int | None:
    return None if pd.isna(x) else int(x)


def _score_rows(frame: pd.DataFrame, as_of: dt.date) -> list[tuple[Any, ...]]:
    """One tuple per client in the order of ``SCORE_KEYS``."""

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
        (
            int(c),
            as_of,
            int(cur),
            int(prev),
            _dec(g, 6),
            int(dm),
            int(lm),
            int(fe),
            int(co),
            int(el),
            _opt(rb),
            _opt(rbr),
            int(rk),
            _share(cs),
            str(tier),
        )
        for c, cur, prev, g, dm, lm, fe, co, el, rb, rbr, rk, cs, tier in columns
    ]


def write_scores(conn: Connection, frame: pd.DataFrame, run_id: int, as_of: dt.date) -> int:
    """Insert or update the batch's scores, only where something changed; with the clients'
    fingerprints (``inputs``) when ``frame`` has them: their results are written with them."""
    t = T["client_scores"]
    keys = [*SCORE_KEYS, "inputs"] if "inputs" in frame else SCORE_KEYS
    ids = frame["client_id"].tolist()
    old = {
        r[0]: tuple(r[1:])
        for r in conn.execute(
            select(*[t.c[c] for c in keys]).where(among(conn, t.c.client_id, ids))
        )
    }
    rows = _score_rows(frame, as_of)
    if "inputs" in frame:
        rows = [
            (*row, None if pd.isna(x) else int(x))
            for row, x in zip(rows, frame["inputs"].tolist(), strict=True)
        ]
    inserts, updates = [], []
    for row in rows:
        was = old.get(row[0])
        if was is None:
            inserts.append((*row, run_id))
        elif was != row[1:]:
            updates.append((*row, run_id))
    bulk.insert_rows(conn, t, [*keys, "run_id"], inserts)
    bulk.update_rows(conn, t, "client_id", [*keys[1:], "run_id"], updates)
    return len(inserts) + len(updates)


@open_to(ADMINS)
def write_ranks(
    engine: Engine,
    *,
    scores: pd.DataFrame,
    stored: pd.DataFrame,
    batch: int,
    out: Written,
    who: Account,
) -> None:
    """The ranks and cumulative shares of clients a run did not recompute (they move with
    everyone else's contribution), where they differ from ``stored`` (the same columns, by
    client, as read by the run), ``batch`` clients a transaction. Their other
    columns, fingerprints included, are what the run read: nothing to write or read again."""
    t = T["client_scores"]
    ids = scores["client_id"].to_numpy(dtype="int64")
    was = stored.reindex(ids)
    moved = np.zeros(len(ids), dtype=bool)
    ranks = {}
    for name in ("rank_book", "rank_branch", "rank_bank"):
        new = scores[name].to_numpy(dtype="float64", na_value=np.nan)  # ranks: exact in floats
        old = was[name].to_numpy(dtype="float64", na_value=np.nan)
        moved |= ~((new == old) | (np.isnan(new) & np.isnan(old)))
        ranks[name] = new
    # the share as it would be stored (six decimals, as ``_share``), compared with the stored
    shares = scores["cumulative_share"].to_numpy(dtype="float64")
    if not np.isfinite(shares).all():
        raise ValueError("a cumulative share that is not a number")
    text = [f"{x:.6f}" for x in shares.tolist()]
    moved |= np.asarray(text, dtype="float64") != was["cumulative_share"].to_numpy("float64")
    pick = np.flatnonzero(moved)

    def whole(name: str) -> list[int | None]:
        values = ranks[name][pick]
        gone = np.isnan(values)
        cells = np.where(gone, 0, values).astype("int64").astype(object)
        cells[gone] = None
        return list(cells.tolist())

    rows = list(
        zip(
            ids[pick].tolist(),
            whole("rank_book"),
            whole("rank_branch"),
            whole("rank_bank"),
            [Decimal(text[i]) for i in pick.tolist()],
            strict=True,
        )
    )
    # the run that computed a client's figures stays theirs (models/work.py ClientScore.run_id)
    columns = ["rank_book", "rank_branch", "rank_bank", "cumulative_share"]
    for start in range(0, len(rows), max(1, batch)):
        with write_transaction(engine) as conn:
            out.scores_written += bulk.update_rows(
                conn, t, "client_id", columns, rows[start : start + batch]
            )
