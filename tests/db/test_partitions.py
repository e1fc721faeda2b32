"""A run that works the bank in parts writes what a run over the whole bank at once writes; a
run whose models learn on a sample scores everyone, with the same contribution, ranks, tiers and
flags (docs/scale.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select

from rmdesk.db import open_database, write_transaction
from rmdesk.models import Base
from rmdesk.services.common import parameters
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine.scoring import score
from tests.demo_banks import DemoBank

T = Base.metadata.tables
TODAY = dt.date(2026, 11, 2)


def _results(engine: Engine) -> dict[str, Any]:
    s, f, g = T["client_scores"], T["risk_flags"], T["suggestions"]
    with engine.connect() as conn:
        scores = conn.execute(
            select(*[c for c in s.c if c.name not in ("run_id", "inputs")]).order_by(s.c.client_id)
        ).all()
        flags = conn.execute(
            select(
                f.c.client_id, f.c.holding_id, f.c.rule_code, f.c.severity, f.c.status,
                f.c.evidence, f.c.evidence_en, f.c.evidence_data, f.c.raised_on, f.c.due_on,
            ).order_by(f.c.client_id, f.c.holding_id, f.c.rule_code)
        ).all()  # fmt: skip
        suggested = conn.execute(
            select(
                g.c.client_id, g.c.product_id, g.c.rank, g.c.likelihood, g.c.expected_value_minor,
                g.c.reason_zh, g.c.reason_en, g.c.evidence_data, g.c.status,
            ).order_by(g.c.client_id, g.c.product_id)
        ).all()  # fmt: skip
    return {"scores": scores, "flags": flags, "suggestions": suggested}


def _set(engine: Engine, **values: int) -> None:
    with write_transaction(engine) as conn:
        parameters.set_values(conn, values, who=OPERATOR)


def test_a_run_in_parts_writes_what_a_run_of_the_whole_bank_writes(demo_bank: DemoBank) -> None:
    whole = open_database(demo_bank(1500))
    done = score(whole.engine, today=TODAY, who=OPERATOR)
    assert done.counts["parts"] == 1 and done.counts["sample_every"] == 1
    expected = _results(whole.engine)
    whole.dispose()
    assert len(expected["scores"]) > 1000 and expected["flags"] and expected["suggestions"]

    parted = open_database(demo_bank(1500))
    _set(parted.engine, partition_clients=400)
    done = score(parted.engine, today=TODAY, who=OPERATOR)
    assert done.counts["parts"] == 4 and done.counts["clients"] == len(expected["scores"])
    got = _results(parted.engine)
    for name in expected:
        assert got[name] == expected[name], name

    # a branch run in parts ranks its clients in the bank as the bank's run did, and changes
    # nothing (the results are already the data's)
    with parted.engine.connect() as conn:
        code = conn.execute(select(T["branches"].c.code).order_by("id").limit(1)).scalar_one()
    branch = score(parted.engine, branch=code, today=TODAY, who=OPERATOR)
    assert 0 < branch.clients < len(expected["scores"])
    assert branch.counts["scores_written"] == 0 and branch.counts["suggested"] == 0
    assert _results(parted.engine) == got
    parted.dispose()


def test_models_learnt_on_a_sample_score_everyone(demo_bank: DemoBank) -> None:
    db = open_database(demo_bank(3000))
    score(db.engine, today=TODAY, who=OPERATOR)
    before = _results(db.engine)
    _set(db.engine, partition_clients=1000, model_sample_clients=1500)
    done = score(db.engine, today=TODAY, who=OPERATOR)
    assert done.counts["sample_every"] == 2 and done.counts["parts"] == 3
    after = _results(db.engine)
    # what does not depend on the models is the same
    assert after["scores"] == before["scores"] and after["flags"] == before["flags"]
    # every part's clients are suggested products, by models that saw half of it
    clients = {r.client_id for r in after["suggestions"]}
    ids = sorted(r.client_id for r in after["scores"])
    thirds = [
        ids[: len(ids) // 3],
        ids[len(ids) // 3 : 2 * len(ids) // 3],
        ids[2 * len(ids) // 3 :],
    ]
    assert all(clients & set(third) for third in thirds)
    methods = {m["method"] for m in done.counts["models"].values()}
    assert methods & {"take-up model", "pooled model", "look-alike"}, done.counts["models"]
    db.dispose()
