"""What a scoring run reads: the date the facts describe, the scope asked for, and the small
tables beside the one pass over the monthly facts (``facts_pass``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, and_, case, func, select

from rmdesk.models import Base
from rmdesk.services.common import frames, parameters
from rmdesk.services.common.access import Account, system
from rmdesk.services.engine.contribution import (
    pricing_table,
)
from rmdesk.services.engine.facts_pass import (
    CUTS,
    Window,
    add_months,
    cut_figures,
    cut_month,
    holding_features,
    pricing_periods,
)
from rmdesk.services.engine.parts import Part

T = Base.metadata.tables


class ScopeError(LookupError):
    """The branch or RM asked for does not exist."""


def data_date(conn: Connection) -> dt.date:
    """The date the facts describe: the data set's as-of date (meta), or the end of its
    transactions when they stop earlier (a partial extract), else the last month with facts."""
    meta = T["meta"]
    stored = dict(
        conn.execute(
            select(meta.c.key, meta.c.value).where(
                (meta.c.key == "as_of") | meta.c.key.like("%transactions_until")
            )
        ).all()
    )
    dates = [dt.date.fromisoformat(str(v)) for v in stored.values() if v]
    if dates:
        return min(dates)
    last: dt.date | None = conn.execute(select(func.max(T["monthly_facts"].c.month))).scalar()
    if last is None:
        return dt.date.today()
    nxt = last.replace(day=28) + dt.timedelta(days=4)
    return nxt - dt.timedelta(days=nxt.day)


def frame_of(conn: Connection, query: Any) -> pd.DataFrame:
    return frames.read(conn, query)


def resolve_scope(conn: Connection, branch: str | None, rm: str | None) -> tuple[str, Any]:
    """The scope's label and a filter on clients."""
    clients = T["clients"]
    if branch and rm:
        raise ScopeError("give either a branch or an RM, not both")
    if branch:
        b = T["branches"]
        bid = conn.execute(select(b.c.id).where(b.c.code == branch)).scalar()
        if bid is None:
            raise ScopeError(f"branch {branch!r} does not exist")
        return f"branch:{branch}", clients.c.branch_id == bid
    if rm:
        u = T["users"]
        uid = conn.execute(select(u.c.id).where(u.c.username == rm)).scalar()
        if uid is None:
            raise ScopeError(f"user {rm!r} does not exist")
        return f"rm:{rm}", clients.c.rm_id == uid
    return "bank", None


def cut_date(window: Window, horizon: int, k: int) -> dt.date:
    """The date of cut ``k`` of the take-up models: the data date, or the last day of the
    month ``k`` horizons before its month."""
    if k == 0:
        return window.as_of
    nxt = add_months(cut_month(window, horizon, k), 1)
    return nxt - dt.timedelta(days=1)


def _contacts_query(window: Window, params: parameters.Parameters, part: Part) -> Any:
    """Per client: the last contact, and for every cut the contacts in the year before it and
    the last one up to it (each cut sees nothing after itself)."""
    inter = T["interactions"]
    at = inter.c.occurred_at
    cols: list[Any] = [inter.c.client_id, func.max(at).label("last_contact")]
    for k in CUTS:
        end = cut_date(window, params.take_up_horizon_months, k) + dt.timedelta(days=1)
        upto = dt.datetime.combine(end, dt.time(), tzinfo=dt.UTC)
        year = upto - dt.timedelta(days=365)
        cols += [
            func.sum(case((and_(at >= year, at < upto), 1), else_=0)).label(f"cut{k}_contacts"),
            func.max(case((at < upto, at))).label(f"cut{k}_last_contact"),
        ]
    return select(*cols).where(part.where(inter.c.client_id)).group_by(inter.c.client_id)


def _pitches(conn: Connection, window: Window, part: Part | None = None) -> pd.DataFrame:
    """Every offer of a product with the client's answer up to the data date: the imported
    contacts that carry one (a campaign's calls) and the suggestions RMs settled (accepted or
    declined; one undone by ``reopened`` does not count). One row per offer: client, product,
    the day, and whether it was accepted."""
    i, o = T["interactions"], T["suggestion_outcomes"]
    part = part or Part()
    end = dt.datetime.combine(window.as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    imported = frame_of(
        conn,
        select(i.c.client_id, i.c.product_id, i.c.occurred_at.label("at"), i.c.offer_result)
        .where(
            i.c.product_id.is_not(None),
            i.c.offer_result.is_not(None),
            i.c.source != "app",
            i.c.occurred_at < end,
            part.where(i.c.client_id),
        )
        # in the order they were imported whatever the plan (an index by day reads them by
        # day): the models learn from these rows, and their order must not change what they learn
        .order_by(i.c.id),
    )
    settled = frame_of(
        conn,
        select(o.c.suggestion_id, o.c.id, o.c.client_id, o.c.product_id, o.c.at, o.c.outcome)
        .where(
            o.c.outcome.in_(["accepted", "declined", "reopened"]),
            o.c.at < end,
            part.where(o.c.client_id),
        )
        .order_by(o.c.suggestion_id, o.c.at, o.c.id),
    )
    settled = settled.drop_duplicates("suggestion_id", keep="last")
    settled = settled[settled["outcome"] != "reopened"]
    out = pd.concat(
        [
            pd.DataFrame(
                {
                    "client_id": imported["client_id"],
                    "product_id": imported["product_id"],
                    "at": imported["at"],
                    "accepted": imported["offer_result"] == "accepted",
                }
            ),
            pd.DataFrame(
                {
                    "client_id": settled["client_id"],
                    "product_id": settled["product_id"],
                    "at": settled["at"],
                    "accepted": settled["outcome"] == "accepted",
                }
            ),
        ],
        ignore_index=True,
    )
    stamp = pd.to_datetime(out["at"], utc=True, format="mixed")
    out["at"] = stamp.dt.tz_convert(None).dt.normalize()
    out["accepted"] = out["accepted"].astype(bool)
    return out


@dataclass
class Loaded:
    clients: pd.DataFrame
    holdings: pd.DataFrame
    products: pd.DataFrame
    features: pd.DataFrame
    pricing: pd.DataFrame
    periods: list[dt.date]
    #: offers with the client's answer up to the data date (``_pitches``)
    pitches: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["client_id", "product_id", "at", "accepted"])
    )


def load(
    engine: Engine,
    conn: Connection,
    window: Window,
    params: parameters.Parameters,
    *,
    part: Part | None = None,
    cuts: bool = True,
    who: Account,
) -> Loaded:
    """What a run reads of the clients of ``part`` (every client by default); without ``cuts``,
    not the take-up models' figures, contacts or offers (what contribution needs only)."""
    c, h, p = T["clients"], T["holdings"], T["products"]
    part = part or Part()
    periods = pricing_periods(conn, window)
    # the run was let in for its scope; reading every holding's month is a step of it (the
    # peer groups are bank-wide), done as the program and never handed back to the caller
    program = system(who.username)
    features = holding_features(engine, window, params, periods, part=part, who=program)
    if cuts:
        # the take-up models' figures at each cut date, a pass of their own (facts_pass)
        figures = cut_figures(engine, window, params.take_up_horizon_months, part=part, who=program)
        features = features.merge(figures, on="holding_id", how="left")
        cut_cols = [c for c in figures.columns if c != "holding_id"]
        features[cut_cols] = features[cut_cols].fillna(0).astype("int64")
    clients = frame_of(
        conn,
        select(
            c.c.id.label("client_id"),
            c.c.rm_id,
            c.c.branch_id,
            c.c.kind,
            c.c.segment,
            c.c.birth_date,
            c.c.kyc_due,
            c.c.onboarded_on,
            c.c.status,
            c.c.gender,
            c.c.district,
            c.c.attributes,
        )
        .where(part.where(c.c.id))
        .order_by(c.c.id),
    )
    if cuts:
        last_contact = frame_of(conn, _contacts_query(window, params, part))
        for col in ["last_contact", *(f"cut{k}_last_contact" for k in CUTS)]:
            stamp = pd.to_datetime(last_contact[col], utc=True, format="mixed")
            last_contact[col] = stamp.dt.tz_convert(None).dt.normalize()
        clients = clients.merge(last_contact, on="client_id", how="left")
    # clients who joined after the data date are not in the book yet
    joined = pd.to_datetime(clients["onboarded_on"])
    clients = clients[joined.isna() | (joined <= pd.Timestamp(window.as_of))].reset_index(drop=True)
    holdings = frame_of(
        conn,
        select(
            h.c.id.label("holding_id"),
            h.c.client_id,
            h.c.product_id,
            h.c.currency,
            h.c.limit_minor,
            h.c.opened_on,
            h.c.closed_on,
            h.c.maturity_on,
        ).where(part.where(h.c.client_id)),
    )
    products = frame_of(
        conn,
        select(
            p.c.id.label("product_id"),
            p.c.code,
            p.c.name_zh,
            p.c.name_en,
            p.c.family,
            p.c.min_age,
            p.c.max_age,
            p.c.segments,
            p.c.active,
            p.c.client_kinds,
            p.c.risk_level,
            p.c.pitch_zh,
            p.c.pitch_en,
        ),
    )
    currency = holdings.drop_duplicates("client_id").set_index("client_id")["currency"]
    clients["currency"] = clients["client_id"].map(currency).fillna("CNY")
    out = Loaded(clients, holdings, products, features, pricing_table(conn), periods)
    if cuts:
        out.pitches = _pitches(conn, window, part)
    return out


def joined(a: Loaded, b: Loaded) -> Loaded:
    """What was read of two sets of clients (no client in both), as one read of them all: their
    rows together (clients in id order); products, pricing and periods are the bank's."""

    def rows(x: pd.DataFrame, y: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([f for f in (x, y) if len(f)] or [x], ignore_index=True)

    clients = rows(a.clients, b.clients).sort_values("client_id", ignore_index=True)
    out = Loaded(
        clients,
        rows(a.holdings, b.holdings),
        a.products,
        rows(a.features, b.features),
        a.pricing,
        a.periods,
    )
    out.pitches = rows(a.pitches, b.pitches)
    return out


def client_profile(loaded: Loaded, as_of: dt.date) -> pd.DataFrame:
    """Age, tenure, balances and eligibility facts per client."""
    c = loaded.clients.copy()
    ref = pd.Timestamp(as_of)
    c["age"] = (ref - pd.to_datetime(c["birth_date"])).dt.days / 365.25
    c["tenure_years"] = (ref - pd.to_datetime(c["onboarded_on"])).dt.days / 365.25
    c["kyc_ok"] = pd.to_datetime(c["kyc_due"]).isna() | (pd.to_datetime(c["kyc_due"]) >= ref)
    c["kyc_ok"] &= c["status"] != "closed"
    f = loaded.features.merge(loaded.holdings[["holding_id", "client_id", "product_id"]])
    fam = f["product_id"].map(loaded.products.set_index("product_id")["family"])
    funds = f["bal_last"].where(fam.isin(["deposit", "investment"]), 0)
    credit = f["bal_last"].where(fam.isin(["loan", "card"]), 0)
    sums = pd.DataFrame({"client_id": f["client_id"], "funds": funds, "credit": credit})
    sums = sums.groupby("client_id").sum()
    c["funds_minor"] = c["client_id"].map(sums["funds"]).fillna(0)
    c["credit_minor"] = c["client_id"].map(sums["credit"]).fillna(0)
    out = c.set_index("client_id", drop=False)
    out.attrs["as_of"] = as_of
    return out
