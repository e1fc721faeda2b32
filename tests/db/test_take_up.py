"""Take-up models on a real database: the features of a past cut know nothing after it, and a
scoring run grades each product's model out of time and keeps the results."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from click.testing import CliRunner
from sqlalchemy import Engine, func, insert, select, update

from rmdesk.cli import main
from rmdesk.db import open_database
from rmdesk.models import Base
from rmdesk.services.common import parameters
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine.facts_pass import Window
from rmdesk.services.engine.loading import load
from rmdesk.services.engine.take_up.features import Features, of_run
from tests.demo_banks import DemoBank

T = Base.metadata.tables
AS_OF = dt.date(2026, 10, 31)
CUT_1 = dt.date(2025, 10, 31)


def _features(engine: Engine) -> Features:
    params = parameters.DEFAULTS
    with engine.connect() as conn:
        loaded = load(engine, conn, Window(AS_OF), params, who=OPERATOR)
    return of_run(loaded, AS_OF, params.take_up_horizon_months)


def test_the_features_of_a_past_cut_know_nothing_after_it(demo_bank: DemoBank) -> None:
    """Everything after cut 1 changes (balances, salaries, turnover, new holdings, contacts);
    the features at cuts 1 and 2 stay what they were, those at the data date do not."""
    db = open_database(demo_bank(200))
    before = _features(db.engine)
    f, h, i = T["monthly_facts"], T["holdings"], T["interactions"]
    with db.engine.begin() as conn:
        conn.execute(
            update(f)
            .where(f.c.month > CUT_1)
            .values(
                avg_balance_minor=f.c.avg_balance_minor * 10 + 1_000_000,
                salary_inflow_minor=5_000_000,
                credit_turnover_minor=9_000_000,
                debit_turnover_minor=7_000_000,
                txn_count=99,
                overdraft_days=10,
                days_past_due=30,
            )
        )
        client, product = conn.execute(select(h.c.client_id, h.c.product_id).limit(1)).one()
        new = conn.execute(
            insert(h)
            .values(
                source="test",
                external_id="after-cut",
                client_id=client,
                product_id=product,
                currency="CNY",
                opened_on=dt.date(2026, 3, 1),
                attributes={},
            )
            .returning(h.c.id)
        ).scalar_one()
        conn.execute(
            insert(f).values(holding_id=new, month=dt.date(2026, 3, 1), avg_balance_minor=10**9)
        )
        conn.execute(
            insert(i).values(
                source="test",
                external_id="call-after-cut",
                client_id=client,
                occurred_at=dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC),
                channel="phone",
            )
        )
    after = _features(db.engine)
    db.dispose()
    for k in (1, 2):
        pd.testing.assert_frame_equal(before.matrix(k), after.matrix(k))
        assert (before.held[k] == after.held[k]).all()
    assert not before.matrix(0).equals(after.matrix(0))  # the change was there to be seen


def test_a_run_grades_every_model_out_of_time_and_the_cli_shows_it(demo_bank: DemoBank) -> None:
    url = demo_bank(1500)
    run = CliRunner().invoke
    done = run(main, ["score", "--db", url, "--today", "2026-11-02", "--json", "--quiet"])
    assert done.exit_code == 0, done.output
    models = json.loads(done.stdout)["models"]
    graded = {c: m for c, m in models.items() if "backtest" in m}
    assert graded, models
    for code, m in graded.items():
        test = m["backtest"]
        # a product with too few take-ups of its own is graded on its family's (pooled)
        events = m["family_take_ups"] if "family_take_ups" in m else m["take_ups"]
        assert 0 <= test["auc"] <= 1 and test["take_ups"] == events, code
        assert {"lift_top_decile", "brier", "calibration_error"} <= set(test), code
        assert "auc" in m["fallback_backtest"], code
        used = m["method"] in ("take-up model", "pooled model")
        assert used == (test["auc"] > m["fallback_backtest"]["auc"] + test["margin"]), code
    assert not any("accuracy" in json.dumps(m) for m in models.values())
    # a model's suggestions shown (the first few of a client's list) carry its top factors for
    # the client, and say them in both languages
    db = open_database(url)
    s = T["suggestions"]
    with db.engine.connect() as conn:
        stored = conn.execute(
            select(s.c.evidence_data, s.c.reason_zh, s.c.reason_en).where(s.c.rank <= 3)
        ).all()
    db.dispose()
    by_model = [r for r in stored if r[0].get("method") == "take-up model"]
    assert by_model and all(r[0].get("factors") for r in by_model)
    assert any("近6个月" in r[1] or "岁" in r[1] or "已持有" in r[1] for r in by_model)
    assert any("six months" in r[2] or "aged" in r[2] or "holds" in r[2] for r in by_model)
    shown = run(main, ["models", "--db", url])
    assert shown.exit_code == 0, shown.output
    for code, m in models.items():
        line = next(x for x in shown.stdout.splitlines() if x.split() and x.split()[0] == code)
        assert m["method"].split()[0] in line, line
        if "backtest" in m:
            assert f"{m['backtest']['auc']:.3f}" in line, line


def test_a_run_learns_from_the_offers_answered_up_to_the_data_date(demo_bank: DemoBank) -> None:
    """Settled suggestions (an undone one does not count) and imported contacts that carry an
    offer's answer; nothing after the data date, and no contact logged in the app."""
    from rmdesk.services.engine.loading import _pitches

    db = open_database(demo_bank(200, scored_on=dt.date(2026, 11, 2)))
    s, o, i = T["suggestions"], T["suggestion_outcomes"], T["interactions"]
    at = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
    with db.engine.connect() as conn:
        # the demo bank's own campaigns: every answered offer up to the data date
        demo = _pitches(conn, Window(AS_OF))
        answered = conn.execute(
            select(func.count()).where(
                i.c.offer_result.is_not(None),
                i.c.occurred_at < dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            )
        ).scalar_one()
    assert len(demo) == answered > 0
    with db.engine.begin() as conn:
        picked = conn.execute(select(s.c.id, s.c.client_id, s.c.product_id).limit(3)).all()
        assert len(picked) == 3
        said = [("accepted",), ("declined",), ("declined", "reopened")]
        for (sid, client, product), outcomes in zip(picked, said, strict=True):
            for n, outcome in enumerate(outcomes):
                conn.execute(
                    insert(o).values(
                        suggestion_id=sid, client_id=client, product_id=product,
                        outcome=outcome, at=at + dt.timedelta(hours=n),
                    )
                )  # fmt: skip
        client, product = picked[0][1], picked[0][2]
        for ext, source, when, result in [
            ("call-before", "crm", at, "declined"),
            ("call-after", "crm", dt.datetime(2026, 11, 15, tzinfo=dt.UTC), "accepted"),
            ("logged-in-app", "app", at, "accepted"),
        ]:
            conn.execute(
                insert(i).values(
                    source=source, external_id=None if source == "app" else ext,
                    client_id=client, occurred_at=when, channel="phone",
                    product_id=product, offer_result=result,
                )
            )  # fmt: skip
        found = _pitches(conn, Window(AS_OF))
    db.dispose()

    def offers(frame: pd.DataFrame) -> list[tuple[int, int, bool]]:
        return sorted(
            (int(c), int(p), bool(a))
            for c, p, a in zip(
                frame["client_id"], frame["product_id"], frame["accepted"], strict=True
            )
        )

    got = offers(found)
    for offer in offers(demo):
        got.remove(offer)
    expected = [
        (picked[0][1], picked[0][2], True),  # the accepted suggestion
        (picked[1][1], picked[1][2], False),  # the declined one
        (client, product, False),  # the imported call before the data date
    ]
    assert got == sorted(expected)
    assert (found["at"] <= pd.Timestamp(AS_OF)).all()
