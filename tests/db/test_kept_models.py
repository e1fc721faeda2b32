"""The cross-sell model is learnt once per data month and kept (services/engine/model_store.py):
later runs of the month score with it and change nothing; it is learnt again on request or when
a parameter it learns with changes; read back, it scores every client exactly as it did; and it
keeps no client's data."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
from click.testing import CliRunner
from sqlalchemy import select

from rmdesk.cli import main
from rmdesk.db import open_database, write_transaction
from rmdesk.models import Base
from rmdesk.services.common import parameters
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine import learning, model_store
from rmdesk.services.engine.facts_pass import Window
from rmdesk.services.engine.loading import client_profile, data_date, load
from rmdesk.services.engine.scoring import score
from rmdesk.services.engine.take_up import features as take_up_features
from tests.demo_banks import DemoBank

T = Base.metadata.tables
TODAY = dt.date(2026, 11, 2)


def test_a_month_is_scored_with_the_model_its_first_run_learnt(demo_bank: DemoBank) -> None:
    url = demo_bank(1500)
    db = open_database(url)
    first = score(db.engine, today=TODAY, who=OPERATOR)
    assert first.counts["model_learnt"]
    again = score(db.engine, today=TODAY, who=OPERATOR)
    assert not again.counts["model_learnt"]
    assert again.counts["model_id"] == first.counts["model_id"]
    assert again.counts["models"] == first.counts["models"]
    # read back, the model gives every client the numbers it gave them: nothing changes
    for name in ("scores_written", "suggested", "updated", "withdrawn", "flags_updated"):
        assert again.counts[name] == 0, name
    assert "models" not in again.timings or again.timings["models"] < first.timings["models"]

    # asked for, it is learnt again; on the same data it is the same model
    run = CliRunner().invoke
    done = run(main, ["score", "--db", url, "--today", "2026-11-02", "--retrain", "--json"])
    assert done.exit_code == 0, done.output
    retrained = json.loads(done.stdout)
    assert retrained["model_learnt"] and retrained["model_id"] > first.counts["model_id"]
    assert retrained["updated"] == 0 and retrained["suggested"] == 0
    shown = run(main, ["score", "--db", url, "--today", "2026-11-02", "--quiet"])
    assert f"cross-sell model #{retrained['model_id']} (kept for the data month)" in shown.stdout

    # a parameter it learns with changes: learnt again; one it does not: kept
    with write_transaction(db.engine) as conn:
        parameters.set_values(conn, {"batch_size": 700}, who=OPERATOR)
    assert not score(db.engine, today=TODAY, who=OPERATOR).counts["model_learnt"]
    with write_transaction(db.engine) as conn:
        parameters.set_values(conn, {"rule_min_lift": 1.3}, who=OPERATOR)
    assert score(db.engine, today=TODAY, who=OPERATOR).counts["model_learnt"]

    # the next month learns its own
    later = score(db.engine, as_of=dt.date(2026, 11, 30), today=TODAY, who=OPERATOR)
    assert later.counts["model_learnt"]
    with db.engine.connect() as conn:
        months = conn.execute(select(T["scoring_models"].c.month).distinct()).scalars().all()
    assert sorted(months) == [dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    db.dispose()


def test_a_kept_model_scores_as_the_learnt_one_and_holds_no_client_data(
    demo_bank: DemoBank,
) -> None:
    db = open_database(demo_bank(1500))
    with db.engine.connect() as conn:
        params = parameters.load(conn)
        as_of = data_date(conn)
        loaded = load(db.engine, conn, Window(as_of), params, who=OPERATOR)
        names = conn.execute(
            select(T["clients"].c.name, T["clients"].c.external_id).limit(200)
        ).all()
    db.dispose()
    hc, _ = learning.contribution(loaded, params)
    profile = client_profile(loaded, as_of)
    model = learning.cross_sell_model(loaded, hc.frame, profile, params, TODAY)
    text = model_store.dump(model)
    back = model_store.restore(text)
    assert set(back.outcomes) == set(model.outcomes)
    assert back.rules.equals(model.rules[back.rules.columns])
    feats = take_up_features.of_run(loaded, as_of, params.take_up_horizon_months)
    allowed = learning.allowed_clients(loaded.products, profile, feats.client_ids, TODAY)
    modelled = 0
    for code, outcome in model.outcomes.items():
        mine, my_ratio = outcome.score(feats, model.rules, allowed[code])
        kept, kept_ratio = back.outcomes[code].score(feats, back.rules, allowed[code])
        np.testing.assert_array_equal(kept, mine, err_msg=code)
        assert (kept_ratio is None) == (my_ratio is None), code
        if my_ratio is not None:
            np.testing.assert_array_equal(kept_ratio, my_ratio, err_msg=code)
        modelled += outcome.fitted is not None
    assert modelled
    for name, external_id in names:
        assert name not in text and f'"{external_id}"' not in text
