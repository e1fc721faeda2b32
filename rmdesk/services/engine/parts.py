"""The parts a scoring run works the bank in: client-id ranges, and the sample the models learn on.

A run holds one part's facts, features and results in memory at a time, so its memory does not
grow with the bank (docs/scale.md). Parts are contiguous ranges of client ids of about
``partition_clients`` clients each; the models learn on a fixed systematic sample of about
``model_sample_clients`` clients (every n-th client id), the same from one run to the next so
that a run's models do not change because the sample did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Connection, Select, and_, func, select, true

from rmdesk.db import written_in
from rmdesk.models import Base

T = Base.metadata.tables


@dataclass(frozen=True)
class Part:
    """Which clients a step of a run reads: ids from ``low`` to ``high`` (either open), of
    which every ``stride``-th id (``id % stride == 0``); or the clients ``ids`` (those a
    nightly run recomputes, a few thousand at a time)."""

    low: int | None = None
    high: int | None = None
    stride: int = 1
    ids: tuple[int, ...] | None = None

    @property
    def everyone(self) -> bool:
        return self.low is None and self.high is None and self.stride == 1 and self.ids is None

    def where(self, column: Any) -> ColumnElement[bool]:
        """The condition on a client-id column."""
        conds: list[ColumnElement[bool]] = []
        if self.low is not None:
            conds.append(column >= self.low)
        if self.high is not None:
            conds.append(column <= self.high)
        if self.stride > 1:
            conds.append(column % self.stride == 0)
        if self.ids is not None:
            conds.append(written_in(column, self.ids))
        return and_(*conds) if conds else true()

    def holdings(self) -> Select[int]:
        """The ids of the part's clients' holdings."""
        h = T["holdings"]
        return select(h.c.id).where(self.where(h.c.client_id))

    def holding_range(self, conn: Connection) -> tuple[int | None, int | None]:
        """The lowest and highest id of the part's holdings (the facts are read in that range,
        through the index, and only for the part's holdings within it)."""
        h = T["holdings"]
        low, high = conn.execute(
            select(func.min(h.c.id), func.max(h.c.id)).where(self.where(h.c.client_id))
        ).one()
        return low, high

    def holds(self, ids: np.ndarray) -> np.ndarray:
        """Which of the client ids ``ids`` are in the part."""
        ok = np.ones(len(ids), dtype=bool)
        if self.low is not None:
            ok &= ids >= self.low
        if self.high is not None:
            ok &= ids <= self.high
        if self.stride > 1:
            ok &= ids % self.stride == 0
        if self.ids is not None:
            ok &= np.isin(ids, np.asarray(self.ids, dtype="int64"))
        return ok

    def __str__(self) -> str:
        if self.ids is not None:
            return f"{len(self.ids)} clients"
        low = "" if self.low is None else str(self.low)
        high = "" if self.high is None else str(self.high)
        every = "" if self.stride == 1 else f" every {self.stride}th"
        return f"clients {low}–{high}{every}"


def partitions(conn: Connection, size: int) -> list[Part]:
    """Contiguous client-id ranges of about ``size`` clients each, covering every client (the
    first open below and the last open above, so a client added during a run is in one)."""
    c = T["clients"]
    size = max(1, size)
    # the first id of every ``size`` in id order, counted in the database (a run of a few
    # changed clients does not read every id)
    numbered = select(c.c.id, func.row_number().over(order_by=c.c.id).label("n")).subquery()
    starts = list(
        conn.execute(
            select(numbered.c.id).where((numbered.c.n - 1) % size == 0).order_by(numbered.c.id)
        ).scalars()
    )
    if len(starts) <= 1:
        return [Part()]
    out = []
    for i, low in enumerate(starts):
        high = starts[i + 1] - 1 if i + 1 < len(starts) else None
        out.append(Part(None if i == 0 else int(low), None if high is None else int(high)))
    return out


def sample(conn: Connection, size: int) -> Part:
    """Every n-th client id, n chosen for about ``size`` clients (everyone in a smaller bank)."""
    c = T["clients"]
    count = int(conn.execute(select(func.count()).select_from(c)).scalar() or 0)
    stride = max(1, math.ceil(count / max(1, size)))
    return Part(stride=stride)


def of(ids: list[int] | np.ndarray, size: int) -> list[Part]:
    """The clients ``ids`` in parts of at most ``size`` (in the order given)."""
    size = max(1, size)
    values = [int(i) for i in ids]
    return [Part(ids=tuple(values[i : i + size])) for i in range(0, len(values), size)]
