"""How long what a client said keeps a product out of their suggestions (docs/cross-sell.md).

A declined, put-off or accepted product stays out of a client's suggestions for a set time (a
decline's by its reason), and a product being worked on (pitched) stays out while it is: the
pairs a run leaves out (``recent_outcomes``), and the clients whose pairs change between two
days (``ending``), which a nightly run of only what changed recomputes (engine/inputs.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, select

from rmdesk.db import among
from rmdesk.models import Base, SuggestionStatus
from rmdesk.services.common.parameters import Parameters

T = Base.metadata.tables
sug_t, out_t = T["suggestions"], T["suggestion_outcomes"]

#: how long an accepted product stays out of a client's suggestions
ACCEPTED_DAYS = 365


def keep_out_days(params: Parameters) -> set[int]:
    """Every length of time an outcome keeps a product out of a client's suggestions."""
    by_reason = params.decline_cooloff_by_reason
    return {params.decline_cooloff_days, params.not_now_days, ACCEPTED_DAYS, *by_reason.values()}


def ending(conn: Connection, since: dt.date, today: dt.date, params: Parameters) -> set[int]:
    """The clients of whom a product may come back (or an imported answer begin to count) on
    some day after ``since`` up to ``today``: an outcome ``days`` old keeps its product out
    while ``(today - day).days <= days`` (``recent_outcomes``), so it ends for those outcomes
    whose day lies ``days + 1`` before one of those days (a day either side for time zones).
    Those near such a day are found in the database, then ``recent_outcomes`` on both days
    says which really change. A nightly run of only what changed recomputes them
    (engine/inputs.py)."""
    if today <= since:
        return set()
    inter = T["interactions"]
    found: set[int] = set()

    def stamp(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)

    imported = (
        inter.c.offer_result.is_not(None),
        inter.c.product_id.is_not(None),
        inter.c.source != "app",
    )
    for days in sorted(keep_out_days(params)):
        low = stamp(since - dt.timedelta(days=days + 2))
        high = stamp(today - dt.timedelta(days=days - 1))
        found.update(
            conn.execute(
                select(out_t.c.client_id).where(out_t.c.at >= low, out_t.c.at < high).distinct()
            ).scalars()
        )
        found.update(
            conn.execute(
                select(inter.c.client_id)
                .where(*imported, inter.c.occurred_at >= low, inter.c.occurred_at < high)
                .distinct()
            ).scalars()
        )
    # an imported answer dated after ``since`` starts to count on its day
    found.update(
        conn.execute(
            select(inter.c.client_id)
            .where(
                *imported,
                inter.c.occurred_at >= stamp(since - dt.timedelta(days=1)),
                inter.c.occurred_at < stamp(today + dt.timedelta(days=2)),
            )
            .distinct()
        ).scalars()
    )
    # of those near a day, the ones whose products kept out really differ between the days
    moved: set[int] = set()
    ids = sorted(found)
    for start in range(0, len(ids), 2_000):
        chunk = ids[start : start + 2_000]
        found_both = _outcomes(conn, chunk, [since, today], params)
        pairs = [
            set(zip(k["client_id"].tolist(), k["product_id"].tolist(), strict=True))
            for k in (_kept_out(found_both, day, params) for day in (since, today))
        ]
        moved |= {int(client) for client, _ in pairs[0] ^ pairs[1]}
    return moved


def recent_outcomes(
    conn: Connection, client_ids: Sequence[int], *, today: dt.date, params: Parameters
) -> pd.DataFrame:
    """(client, product) pairs to leave out: declined, put off or accepted recently, or being
    worked on (a pitched suggestion).

    Only a pair's latest outcome counts: an undone decline (``reopened`` after it) no longer
    keeps the product out. A decline keeps it out for its reason's days
    (``decline_cooloff_by_reason``), one recorded with no reason for ``decline_cooloff_days``.
    The answers of imported contacts that offered a product (a campaign's calls, up to
    ``today``) count as outcomes too: a decline with no reason, an acceptance.
    """
    return _kept_out(_outcomes(conn, client_ids, [today], params), today, params)


@dataclass(frozen=True)
class _Outcomes:
    """What the clients' keep-outs are made of, read once for one or more days."""

    recorded: pd.DataFrame  # id, client_id, product_id, outcome, reason, at (UTC)
    answered: pd.DataFrame  # an imported campaign's answers: client_id, product_id, outcome, at
    pitched: pd.DataFrame  # client_id, product_id


def _window(day: dt.date, params: Parameters) -> tuple[dt.datetime, dt.datetime]:
    """The outcomes that can keep a product out on ``day``: from the longest keep-out before
    it, up to the day's end (an imported answer counts from its day)."""
    longest = max(keep_out_days(params))
    return (
        dt.datetime.combine(day - dt.timedelta(days=longest), dt.time(), tzinfo=dt.UTC),
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
    )


def _outcomes(
    conn: Connection, client_ids: Sequence[int], days: Sequence[dt.date], params: Parameters
) -> _Outcomes:
    """The outcomes, answers and pitched suggestions of ``client_ids`` that can keep a product
    out on any of ``days``: one read for them all."""
    since, until = _window(min(days), params)[0], _window(max(days), params)[1]
    # plain tuples: pandas probes a Row's attributes one by one (services/common/frames.py)
    recorded = pd.DataFrame(
        [
            tuple(r)
            for r in conn.execute(
                select(
                    out_t.c.id, out_t.c.client_id, out_t.c.product_id, out_t.c.outcome,
                    out_t.c.reason, out_t.c.at,
                ).where(among(conn, out_t.c.client_id, client_ids), out_t.c.at >= since)
            )
        ],
        columns=["id", "client_id", "product_id", "outcome", "reason", "at"],
    )  # fmt: skip
    inter = T["interactions"]
    answered = pd.DataFrame(
        [
            tuple(r)
            for r in conn.execute(
                select(
                    inter.c.client_id, inter.c.product_id, inter.c.offer_result,
                    inter.c.occurred_at,
                ).where(
                    among(conn, inter.c.client_id, client_ids),
                    inter.c.offer_result.is_not(None),
                    inter.c.product_id.is_not(None),
                    inter.c.source != "app",
                    inter.c.occurred_at >= since,
                    inter.c.occurred_at < until,
                )
            )
        ],
        columns=["client_id", "product_id", "outcome", "at"],
    )  # fmt: skip
    for frame in (recorded, answered):
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
    pitched = pd.DataFrame(
        [
            tuple(r)
            for r in conn.execute(
                select(sug_t.c.client_id, sug_t.c.product_id).where(
                    among(conn, sug_t.c.client_id, client_ids),
                    sug_t.c.status == SuggestionStatus.PITCHED,
                )
            )
        ],
        columns=["client_id", "product_id"],
    )
    return _Outcomes(recorded, answered, pitched)


def _kept_out(found: _Outcomes, today: dt.date, params: Parameters) -> pd.DataFrame:
    """The (client, product) pairs kept out on ``today`` (``recent_outcomes``)."""
    since, until = (pd.Timestamp(x) for x in _window(today, params))
    frame = found.recorded[found.recorded["at"] >= since]
    answered = found.answered[(found.answered["at"] >= since) & (found.answered["at"] < until)]
    if len(answered):  # counted the same way as a decline with no reason, or an acceptance
        imported = answered.assign(id=0, reason=None)
        frame = pd.concat([frame, imported[frame.columns]], ignore_index=True)
    if not frame.empty:
        frame = frame.sort_values(["at", "id"]).drop_duplicates(
            ["client_id", "product_id"], keep="last"
        )
        days = frame["outcome"].map({"not_now": params.not_now_days, "accepted": ACCEPTED_DAYS})
        declined = frame["outcome"] == "declined"
        days[declined] = (
            frame.loc[declined, "reason"]
            .map(params.decline_cooloff_by_reason)
            .fillna(params.decline_cooloff_days)
        )
        day = frame["at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.floor("D")
        age = (pd.Timestamp(today) - day).dt.days
        frame = frame[days.notna() & (age <= days)]  # an undo (reopened) keeps nothing out
    return pd.concat([frame[["client_id", "product_id"]], found.pitched], ignore_index=True)
