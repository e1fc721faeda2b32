"""One client as the client view shows it, in one read: the facts behind the 7P panels.

``load`` gathers the client's profile (ID number masked), the last scoring run's figures, the
holdings with their latest balances, 24 months of deposit and loan balances with their trend,
the contact history, visits, open and past flags and the suggestions. Deposits count deposit and
investment holdings, loans count loan and card holdings, as in the book (``services.book``).
An RM may open only the clients of their own book, a branch head those of the branch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from rmdesk.models import Base
from rmdesk.services.clients import records
from rmdesk.services.clients.records import DEPOSIT_FAMILIES, LOAN_FAMILIES
from rmdesk.services.common import audit, contact_details, parameters
from rmdesk.services.common.access import Account, guarded
from rmdesk.services.common.masking import mask_number
from rmdesk.services.engine.facts_pass import Window
from rmdesk.services.engine.scoring import data_date

T = Base.metadata.tables
#: clients read per round of queries (an IN list both databases take comfortably)
BATCH = 500
COMPONENTS = ("deposit_margin", "loan_margin", "fees", "cost", "expected_loss")


class ProfileError(LookupError):
    """The client does not exist, or is not in the book of the user who asked (``zh`` / ``en``)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class BalanceTrend:
    """Where a balance (deposits or loans) stands against 3 and 12 months before."""

    latest_minor: int
    three_months_ago_minor: int
    year_ago_minor: int
    average_12m_minor: int
    #: ratios (0.1 = up 10%); None when the earlier balance was zero
    change_3m: float | None
    change_12m: float | None


@dataclass
class ClientProfile:
    client_id: int
    external_id: str
    name: str
    kind: str
    segment: str
    id_number_masked: str
    birth_date: dt.date | None
    #: years since birth (a person) or founding (a company)
    age: int | None
    gender: str | None
    district: str | None
    #: how to reach the client: each of contact_details.NAMES → the value, or None
    reach: dict[str, str | None]
    onboarded_on: dt.date | None
    kyc_due: dt.date | None
    kyc_overdue: bool
    status: str
    version: int
    branch: str | None
    rm: str | None
    rm_id: int | None
    currency: str
    #: the data date the figures describe, and the day the view looks from
    as_of: dt.date
    today: dt.date
    # the last scoring run (None when the client was not scored)
    tier: str | None
    contribution_minor: int | None
    previous_minor: int | None
    growth: float | None
    rank_book: int | None
    rank_branch: int | None
    book_size: int
    components: dict[str, int] | None
    # position now
    deposits_minor: int
    loans_minor: int
    # loyalty
    tenure_years: float | None
    products_held: int
    families_held: int
    contacts_12m: int
    open_flags: int
    last_contact_at: dt.datetime | None
    last_contact_channel: str | None
    deposits_trend: BalanceTrend
    loans_trend: BalanceTrend
    holdings: pd.DataFrame = field(repr=False)
    balances: pd.DataFrame = field(repr=False)  # month, deposits_minor, loans_minor (24 rows)
    contacts: pd.DataFrame = field(repr=False)
    visits: pd.DataFrame = field(repr=False)
    flags: pd.DataFrame = field(repr=False)
    flag_events: pd.DataFrame = field(repr=False)  # every flag's history, oldest first
    suggestions: pd.DataFrame = field(repr=False)
    #: a company's contact persons, the deciders first (empty for a person)
    persons: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    #: the client's open tasks, the earliest due first
    tasks: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    #: the client's handovers between RMs, the latest first (effective_on, from_rm, to_rm)
    handovers: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)


def _years(start: dt.date | None, end: dt.date) -> int | None:
    if start is None:
        return None
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _change(now: int, before: int) -> float | None:
    return (now - before) / before if before > 0 else None


def _trend(values: list[int]) -> BalanceTrend:
    latest, three, year = values[-1], values[-4], values[-13]
    return BalanceTrend(
        latest,
        three,
        year,
        round(sum(values[-12:]) / 12),
        _change(latest, three),
        _change(latest, year),
    )


def _clients(conn: Connection, ids: Sequence[int]) -> dict[int, Any]:
    c, b, u = T["clients"], T["branches"], T["users"]
    rows = conn.execute(
        select(
            c,
            b.c.name.label("branch_name"),
            u.c.display_name.label("rm_name"),
        )
        .outerjoin(b, b.c.id == c.c.branch_id)
        .outerjoin(u, u.c.id == c.c.rm_id)
        .where(c.c.id.in_(ids))
    ).all()
    return {int(r.id): r for r in rows}


def _scores(conn: Connection, ids: Sequence[int]) -> dict[int, Any]:
    s = T["client_scores"]
    return {int(r.client_id): r for r in conn.execute(select(s).where(s.c.client_id.in_(ids)))}


@guarded("client", "client_id")
def load(
    engine: Engine,
    client_id: int,
    *,
    today: dt.date,
    rm_id: int | None = None,
    branch_id: int | None = None,
    who: Account,
) -> ClientProfile:
    """Everything the client view shows about ``client_id``.

    ``rm_id`` / ``branch_id`` limit the read to one RM's book or one branch: a client outside it
    is refused with ``ProfileError``, as is a client that does not exist.
    """
    return load_many(engine, [client_id], today=today, rm_id=rm_id, branch_id=branch_id, who=who)[
        client_id
    ]


def _in_scope(
    rows: dict[int, Any], ids: Sequence[int], rm_id: int | None, branch_id: int | None
) -> None:
    for cid in ids:
        row = rows.get(cid)
        if row is None:
            raise ProfileError(f"客户 {cid} 不存在。", f"client {cid} does not exist")
        if (rm_id is not None and row.rm_id != rm_id) or (
            branch_id is not None and row.branch_id != branch_id
        ):
            raise ProfileError(
                f"客户 {row.external_id} 不在您的管户范围内。",
                f"client {row.external_id} is not in your book",
            )


@guarded("client", "client_ids")
def load_many(
    engine: Engine,
    client_ids: Sequence[int],
    *,
    today: dt.date,
    rm_id: int | None = None,
    branch_id: int | None = None,
    who: Account,
) -> dict[int, ClientProfile]:
    """``load`` for a batch of clients in a few queries (printed briefs, day packs), by id.

    Every client must exist and be in scope, or the whole batch is refused (``ProfileError``).
    """
    ids = list(dict.fromkeys(int(i) for i in client_ids))
    clients = T["clients"]
    out: dict[int, ClientProfile] = {}
    with engine.connect() as conn:
        # the client view and the brief show the first few of a client's ranked suggestions
        shown = parameters.load(conn).suggestions_per_client
        for chunk in (ids[i : i + BATCH] for i in range(0, len(ids), BATCH)):
            rows = _clients(conn, chunk)
            _in_scope(rows, chunk, rm_id, branch_id)
            scores = _scores(conn, chunk)
            # a client never scored is described as of the data date (unused when all were)
            default_as_of = data_date(conn) if len(scores) < len(chunk) else today
            # balances are read for the window of each client's scoring date (one in practice)
            windows: dict[dt.date, list[int]] = {}
            for cid in chunk:
                score = scores.get(cid)
                as_of = score.as_of if score is not None else default_as_of
                windows.setdefault(as_of, []).append(cid)
            balances: dict[int, pd.DataFrame] = {}
            for as_of, members in windows.items():
                balances.update(
                    records.split(records.balances(conn, members, Window(as_of)), members)
                )
            parts = {
                "holdings": records.split(records.holdings(conn, chunk), chunk),
                "contacts": records.split(records.contacts(conn, chunk), chunk),
                "visits": records.split(records.visits(conn, chunk), chunk),
                "flags": records.split(records.flags(conn, chunk, today), chunk),
                "events": records.split(records.flag_events(conn, chunk), chunk),
                "suggestions": records.split(records.suggestions(conn, chunk, shown=shown), chunk),
                "persons": records.split(records.persons(conn, chunk), chunk),
                "tasks": records.split(records.open_tasks(conn, chunk), chunk),
                "handovers": records.split(records.handovers(conn, chunk), chunk),
            }
            rms = sorted({r.rm_id for r in rows.values() if r.rm_id is not None})
            sizes: dict[int, int] = dict(
                conn.execute(
                    select(clients.c.rm_id, func.count())
                    .where(clients.c.rm_id.in_(rms))
                    .group_by(clients.c.rm_id)
                ).all()
            )
            for cid in chunk:
                row, score = rows[cid], scores.get(cid)
                out[cid] = _profile(
                    row,
                    score,
                    today=today,
                    as_of=score.as_of if score is not None else default_as_of,
                    book_size=int(sizes.get(row.rm_id, 0)) if row.rm_id is not None else 0,
                    holdings=parts["holdings"][cid],
                    balances=balances[cid],
                    contacts=parts["contacts"][cid],
                    visits=parts["visits"][cid],
                    flags=parts["flags"][cid],
                    events=parts["events"][cid],
                    suggestions=parts["suggestions"][cid],
                    persons=parts["persons"][cid],
                    tasks=parts["tasks"][cid],
                    handovers=parts["handovers"][cid],
                )
    return out


def _profile(
    row: Any,
    score: Any,
    *,
    today: dt.date,
    as_of: dt.date,
    book_size: int,
    holdings: pd.DataFrame,
    balances: pd.DataFrame,
    contacts: pd.DataFrame,
    visits: pd.DataFrame,
    flags: pd.DataFrame,
    events: pd.DataFrame,
    suggestions: pd.DataFrame,
    persons: pd.DataFrame,
    tasks: pd.DataFrame,
    handovers: pd.DataFrame,
) -> ClientProfile:
    live = holdings[holdings["live"]]
    latest = live["balance_minor"].fillna(0)
    deposits = int(latest[live["family"].isin(DEPOSIT_FAMILIES)].sum())
    loans = int(latest[live["family"].isin(LOAN_FAMILIES)].sum())
    since = pd.Timestamp(today - dt.timedelta(days=365), tz="UTC")
    last = contacts.iloc[0] if len(contacts) else None
    onboarded = row.onboarded_on
    currency = str(holdings["currency"].mode().iloc[0]) if len(holdings) else "CNY"
    components = (
        {c: int(getattr(score, f"{c}_minor")) for c in COMPONENTS} if score is not None else None
    )
    return ClientProfile(
        client_id=int(row.id),
        external_id=str(row.external_id),
        name=str(row.name),
        kind=str(row.kind),
        segment=str(row.segment),
        id_number_masked=mask_number(row.id_number),
        birth_date=row.birth_date,
        age=_years(row.birth_date, today),
        gender=row.gender,
        district=row.district,
        reach={name: getattr(row, name) for name in contact_details.NAMES},
        onboarded_on=onboarded,
        kyc_due=row.kyc_due,
        kyc_overdue=row.kyc_due is not None and row.kyc_due < today,
        status=str(row.status),
        version=int(row.version),
        branch=row.branch_name,
        rm=row.rm_name,
        rm_id=row.rm_id,
        currency=currency,
        as_of=as_of,
        today=today,
        tier=score.tier if score is not None else None,
        contribution_minor=int(score.contribution_minor) if score is not None else None,
        previous_minor=int(score.previous_minor) if score is not None else None,
        growth=float(score.growth) if score is not None and score.growth is not None else None,
        rank_book=score.rank_book if score is not None else None,
        rank_branch=score.rank_branch if score is not None else None,
        book_size=book_size,
        components=components,
        deposits_minor=deposits,
        loans_minor=loans,
        tenure_years=(today - onboarded).days / 365.25 if onboarded is not None else None,
        products_held=len(live),
        families_held=int(live["family"].nunique()),
        contacts_12m=int((contacts["occurred_at"] >= since).sum()),
        open_flags=int(flags["open"].sum()),
        last_contact_at=last["occurred_at"].to_pydatetime() if last is not None else None,
        last_contact_channel=str(last["channel"]) if last is not None else None,
        deposits_trend=_trend(balances["deposits_minor"].tolist()),
        loans_trend=_trend(balances["loans_minor"].tolist()),
        holdings=holdings,
        balances=balances,
        contacts=contacts,
        visits=visits,
        flags=flags,
        flag_events=events,
        suggestions=suggestions,
        persons=persons,
        tasks=tasks,
        handovers=handovers,
    )


@guarded("client", "client_id")
def record_view(engine: Engine, client_id: int, *, who: Account) -> None:
    """Note in the audit trail that ``actor`` opened the client's record."""
    with engine.begin() as conn:
        audit.record(conn, who, "view", "client", client_id)
