"""What a client's results are computed from, and which clients a nightly run recomputes
(docs/scale.md).

A client's scores, flags and suggestions follow from

* the client's own inputs: its row, holdings, monthly facts, contacts, the outcomes RMs
  recorded on its suggestions and people's actions on its flags. The database notes every
  client whose inputs are written, whoever writes them (the app, an import, an ETL job's plain
  SQL), by triggers of its own into ``input_changes`` (migration 0012): ``changes``;
* what the whole run uses (``overall``): the data month, the parameters, the products and
  their pricing, the kept cross-sell model and the program's own rules, stored with each
  client's results (``client_scores.inputs``);
* the bank-wide ranks and tiers, recomputed for everyone on every run from one stored row per
  client;
* the day of the run, through three dated rules only: a risk assessment's expiry, a flag's
  quiet period, an outcome's keep-out (``dated``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    Text,
    and_,
    cast,
    delete,
    func,
    or_,
    select,
)

import rmdesk
from rmdesk.db import SCHEMA_HEAD
from rmdesk.models import Base
from rmdesk.models.base import attribute_text
from rmdesk.services.common import frames, parameters
from rmdesk.services.engine import keep_outs, risk_flags, suitability

T = Base.metadata.tables
#: parameters that shape how a run works, not what it gives: the parts and the batches
#: (tested to give the same results), and the model's sample (the model itself is in
#: ``overall``, by its id)
RUN_SHAPE = frozenset({"partition_clients", "batch_size", "model_sample_clients"})


def overall(
    conn: Connection, *, as_of: dt.date, params: parameters.Parameters, model_id: int
) -> int:
    """What every client's results depend on alike: a run whose ``overall`` differs from the
    last one recomputes everyone."""
    p, pr = T["products"], T["product_pricing"]
    products = frames.frame(conn.execute(select(p).order_by(p.c.id)))
    pricing = frames.frame(conn.execute(select(pr).order_by(pr.c.id)))
    digest = hashlib.blake2b(digest_size=8)
    for piece in (
        as_of.isoformat(),
        json.dumps(
            {k: v for k, v in params.as_dict().items() if k not in RUN_SHAPE},
            sort_keys=True,
            default=str,
        ),
        str(model_id),
        _text(products).to_csv(index=False),
        _text(pricing).to_csv(index=False),
        _program(),
        SCHEMA_HEAD,
    ):
        digest.update(piece.encode())
        digest.update(b"\0")
    return int.from_bytes(digest.digest(), "big", signed=True)


def _program() -> str:
    """The scoring rules' own version: a digest of the engine's source where it can be read
    (a frozen build has none: its version number), so a new release recomputes everyone."""
    here = Path(__file__).parent
    files = sorted(here.rglob("*.py"))
    if not files:
        return rmdesk.__version__
    digest = hashlib.blake2b(digest_size=16)
    for path in files:
        digest.update(str(path.relative_to(here)).encode())
        digest.update(path.read_bytes())
    return f"{rmdesk.__version__}:{digest.hexdigest()}"


def changes(conn: Connection, *, clients: bool = True) -> tuple[list[tuple[int, int]], set[int]]:
    """The notes read, as ranges of ids (the run clears exactly those when it is done: a note
    written meanwhile waits for the next run, even one whose id is lower but whose transaction
    had not committed yet), and with ``clients`` the clients they name.

    The notes stay in the database: a whole month's import notes tens of millions of rows on
    SQLite (its triggers note every row), and a run reads only their ranges of consecutive ids
    and the distinct clients in them (at most the bank's clients). The clients are read within
    the ranges, so they are those of exactly the notes the run clears."""
    c = T["input_changes"]
    step = (c.c.id - func.row_number().over(order_by=c.c.id)).label("step")
    runs = select(c.c.id, step).subquery()
    ranges = [
        (int(a), int(b))
        for a, b in conn.execute(
            select(func.min(runs.c.id), func.max(runs.c.id))
            .group_by(runs.c.step)
            .order_by(func.min(runs.c.id))
        )
    ]
    noted: set[int] = set()
    if clients:
        for chunk in _chunks(ranges):
            found = conn.execute(select(c.c.client_id).where(_within(c, chunk)).distinct())
            noted.update(int(i) for i in found.scalars())
    return ranges, noted


def _chunks(ranges: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The ranges 200 at a time (a statement's conditions stay few)."""
    return [ranges[i : i + 200] for i in range(0, len(ranges), 200)]


def _within(c: Table, ranges: list[tuple[int, int]]) -> ColumnElement[bool]:
    return or_(*[c.c.id.between(a, b) for a, b in ranges])


def clear(conn: Connection, ranges: list[tuple[int, int]]) -> None:
    """Forget the notes read (``changes``): the run that read them wrote their clients'
    results."""
    c = T["input_changes"]
    for chunk in _chunks(ranges):
        conn.execute(delete(c).where(_within(c, chunk)))


def dated(
    conn: Connection, since: dt.date, today: dt.date, params: parameters.Parameters
) -> set[int]:
    """The clients whose results a day after ``since`` up to ``today`` can change with nothing
    else changed, each rule saying when: a flag's quiet ends (``risk_flags.waking``), an
    outcome stops keeping a product out (``keep_outs.ending``), a risk assessment
    expires (``expiring``)."""
    if today <= since:
        return set()
    return (
        risk_flags.waking(conn, since, today)
        | keep_outs.ending(conn, since, today, params)
        | expiring(conn, since, today)
    )


def expiring(conn: Connection, since: dt.date, today: dt.date) -> set[int]:
    """The clients whose risk assessment stops being valid on a day after ``since`` up to
    ``today``: those whose dates fall near it (read in the database), then the rule itself
    (``suitability.prepare``) on both days."""
    near = frames.frame(conn.execute(near_assessment_dates(since, today)))
    if near.empty:
        return set()
    near.columns = ["client_id", "kind", "segment", "attributes"]
    near["age"] = np.nan  # the dated rule reads the assessment only
    before = suitability.prepare(near, since)
    now = suitability.prepare(near, today)
    moved = (before.tolerance != now.tolerance) | (before.lacking != now.lacking)
    return {int(i) for i in near["client_id"].to_numpy()[moved]}


def near_assessment_dates(since: dt.date, today: dt.date) -> Select[Any]:
    """The clients whose assessment dates fall near the days after ``since`` up to ``today``
    (two days either side), looked up in the dates' indexes (models/bank.py)."""
    c = T["clients"]
    slack = dt.timedelta(days=2)
    # written as the indexes on them are (models/bank.py ASSESSMENT_DATES)
    ends = attribute_text(c.c.attributes, "risk_assessment_expires")
    made = attribute_text(c.c.attributes, "risk_assessed_on")
    years = suitability.VALID_YEARS

    def back(day: dt.date) -> str:
        return (pd.Timestamp(day) - pd.DateOffset(years=years)).date().isoformat()

    return select(
        c.c.id.label("client_id"), c.c.kind, c.c.segment, cast(c.c.attributes, Text)
    ).where(
        or_(
            and_(ends >= (since - slack).isoformat(), ends <= (today + slack).isoformat()),
            and_(made >= back(since - slack), made <= back(today + slack) + "~"),
        )
    )


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """The object columns' values as text a row hash reads the same each time (JSON with
    sorted keys, dates and times in ISO form, numbers without a float's rounding); numbers
    and times pandas holds as such are hashed as they are."""

    def one(v: Any) -> str:
        if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, dict | list):
            return json.dumps(v, sort_keys=True, default=str)
        if isinstance(v, dt.date | dt.datetime):
            return v.isoformat()
        if isinstance(v, Decimal):
            return format(v.normalize(), "f")
        return str(getattr(v, "value", v))

    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object:
            out[name] = out[name].map(one)
    return out
