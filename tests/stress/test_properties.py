"""Properties that hold for any book: ranks are permutations, tiers cover everyone, no NaN;
scoring twice changes nothing; a flag's history only grows."""

from __future__ import annotations

import contextlib
import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from rmdesk.db import open_database
from rmdesk.models import Base
from rmdesk.services.common import parameters
from rmdesk.services.common.access import OPERATOR, system
from rmdesk.services.engine import risk_flags
from rmdesk.services.engine.contribution import rank_and_tier
from rmdesk.services.engine.scoring import score
from tests.bank import TinyBank, months
from tests.conftest import Databases
from tests.db.test_scoring import snapshot

T = Base.metadata.tables
AS_OF = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 7, 1)
DB_SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

books = st.lists(
    st.tuples(
        st.integers(-(10**9), 10**9),
        st.one_of(st.none(), st.integers(1, 4)),
        st.one_of(st.none(), st.integers(1, 3)),
    ),
    min_size=1,
    max_size=60,
)


@given(books)
@settings(max_examples=150, deadline=None)
def test_ranks_are_permutations_and_tiers_cover_every_client(
    rows: list[tuple[int, int | None, int | None]],
) -> None:
    frame = pd.DataFrame(rows, columns=["contribution_cur", "rm_id", "branch_id"])
    frame.insert(0, "client_id", np.arange(1, len(frame) + 1))
    frame["rm_id"] = frame["rm_id"].astype("Int64")
    frame["branch_id"] = frame["branch_id"].astype("Int64")
    out = rank_and_tier(frame, parameters.DEFAULTS)
    assert sorted(out["rank_bank"]) == list(range(1, len(out) + 1))
    for key in ("rm_id", "branch_id"):
        rank = "rank_book" if key == "rm_id" else "rank_branch"
        for _, group in out[out[key].notna()].groupby(key):
            assert sorted(group[rank]) == list(range(1, len(group) + 1))
        assert out.loc[out[key].isna(), rank].isna().all()
    assert set(out["tier"]) <= {"A", "B", "C", "D"}
    assert out["tier"].notna().all() and out["cumulative_share"].notna().all()
    assert ((out["cumulative_share"] > 0) & (out["cumulative_share"] <= 1)).all()
    # a larger contribution never sits in a lower tier (ties go to the lower client id)
    order = out.sort_values(["contribution_cur", "client_id"], ascending=[False, True])
    tier_index = order["tier"].map({"A": 0, "B": 1, "C": 2, "D": 3}).to_numpy()
    assert (np.diff(tier_index) >= 0).all()
    assert (out.loc[out["contribution_cur"] <= 0, "tier"] == "D").all()


client_cases = st.lists(
    st.fixed_dictionaries(
        {
            "balance": st.integers(0, 5 * 10**8),
            "loan": st.integers(0, 10**9),
            "dpd": st.sampled_from([0, 0, 3, 40, 120]),
            "drop": st.booleans(),
            "kyc_late": st.booleans(),
            "contacted": st.booleans(),
        }
    ),
    min_size=1,
    max_size=8,
)


def _build(url: str, cases: list[dict[str, int | bool]]) -> None:
    db = open_database(url)
    bank = TinyBank(db.engine, AS_OF)
    b = bank.branch()
    rm = bank.user("rm1", b)
    dep = bank.product("DEP", "deposit", ftp="0.02", rate="0.005", cost=200)
    loan = bank.product("LOAN", "loan", ftp="0.03", rate="0.05", cost=500, pd="0.02", lgd="0.4")
    year = months("2024-07", "2026-06")
    for case in cases:
        cid = bank.client(rm, b, kyc_due=dt.date(2026, 1, 1) if case["kyc_late"] else None)
        h = bank.holding(cid, dep)
        bank.facts(h, year[:-1], int(case["balance"]), txn=3)
        last = int(case["balance"]) // 2 if case["drop"] else int(case["balance"])
        bank.fact(h, year[-1], last, txn=3)
        if case["loan"]:
            h = bank.holding(cid, loan)
            bank.facts(h, year[:-1], int(case["loan"]))
            bank.fact(h, year[-1], int(case["loan"]), dpd=int(case["dpd"]))
        if case["contacted"]:
            bank.contact(cid, dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    db.dispose()


@given(client_cases)
@DB_SETTINGS
def test_scoring_twice_changes_nothing_for_any_book(
    databases: Databases, backend: str, cases: list[dict[str, int | bool]]
) -> None:
    url = databases.new(backend)
    _build(url, cases)
    db = open_database(url)
    score(db.engine, today=TODAY, who=OPERATOR)
    first = snapshot(db.engine)
    again = score(db.engine, today=TODAY, who=OPERATOR)
    assert snapshot(db.engine) == first
    assert again.counts["scores_written"] == again.counts["flags_raised"] == 0
    with db.engine.connect() as conn:
        growth = conn.execute(select(T["client_scores"].c.growth)).scalars().all()
    assert all(g is None or np.isfinite(float(g)) for g in growth)
    db.dispose()


actions = st.lists(
    st.tuples(
        st.sampled_from(
            ["acknowledge", "resolve", "dismiss", "snooze", "clear", "return", "rescore"]
        ),
        st.integers(0, 20),
    ),
    min_size=1,
    max_size=10,
)


@given(actions)
@DB_SETTINGS
def test_a_flags_history_only_grows(
    databases: Databases, backend: str, steps: list[tuple[str, int]]
) -> None:
    url = databases.new(backend)
    _build(
        url,
        [
            {
                "balance": 10**6,
                "loan": 10**7,
                "dpd": 40,
                "drop": True,
                "kyc_late": True,
                "contacted": True,
            }
        ],
    )
    db = open_database(url)
    ev, fl, facts = T["risk_flag_events"], T["risk_flags"], T["monthly_facts"]
    today = TODAY
    score(db.engine, today=today, who=OPERATOR)
    seen: list[tuple[object, ...]] = []
    for action, days in steps:
        today += dt.timedelta(days=days)
        with db.engine.connect() as conn:
            flag_ids = conn.execute(select(fl.c.id).order_by(fl.c.id)).scalars().all()
        if action == "clear":
            with db.engine.begin() as conn:
                conn.execute(update(facts).values(days_past_due=0))
        elif action == "return":
            with db.engine.begin() as conn:
                conn.execute(
                    update(facts)
                    .where(facts.c.month == AS_OF.replace(day=1))
                    .values(days_past_due=40)
                )
        elif action == "rescore":
            score(db.engine, today=today, who=OPERATOR)
        elif flag_ids:
            # a move the flag's state does not allow is refused and writes nothing
            with contextlib.suppress(risk_flags.FlagError):
                risk_flags.act(
                    db.engine,
                    flag_ids[days % len(flag_ids)],
                    action,
                    reason="checked",
                    until=today + dt.timedelta(days=5),
                    today=today,
                    who=system("rm1"),
                )
        with db.engine.connect() as conn:
            now = [tuple(r) for r in conn.execute(select(ev).order_by(ev.c.id))]
            live = conn.execute(
                select(fl.c.client_id, fl.c.holding_id, fl.c.rule_code).where(
                    fl.c.status != "closed"
                )
            ).all()
        assert now[: len(seen)] == seen
        seen = now
        assert len(live) == len(set(live))  # never two live flags for one condition
    db.dispose()
