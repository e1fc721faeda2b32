"""The demo bank written to each database once and again, without duplicates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from rmdesk.db import open_database
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.demo_bank import DemoSpec, build
from tests.demo_banks import DemoBank
from tests.helpers import counts

AS_OF = dt.date(2026, 10, 31)


def test_written_once_and_again_without_duplicates(db_url: str) -> None:
    db = open_database(db_url)
    spec = DemoSpec(clients=800, as_of=AS_OF)
    first = build(db.engine, spec, who=OPERATOR)
    before = counts(db_url)
    second = build(db.engine, spec, who=OPERATOR)
    after = counts(db_url)
    db.dispose()
    assert first.counts["clients"] == 800 and second.counts["pricing_versions"] == 0
    # bookkeeping: a re-import replaces the facts, and the database notes their clients for the
    # nightly run (docs/scale.md)
    ignore = {"import_batches", "audit_log", "input_changes"}
    assert {k: v for k, v in after.items() if k not in ignore} == {
        k: v for k, v in before.items() if k not in ignore
    }
    assert before["monthly_facts"] == first.counts["monthly_facts"] > 800 * 20
    db = open_database(db_url)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT max(version) FROM clients")).scalar() == 1
        as_of = conn.execute(text("SELECT value FROM meta WHERE key = 'as_of'")).scalar()
    db.dispose()
    assert as_of == "2026-10-31"


def test_the_demo_month_gives_every_kpi_a_value(demo_bank: DemoBank) -> None:
    """After the first scoring the demo adds the RMs' last month (offers answered, flags
    handled): no KPI of that month is left without a value."""

    from rmdesk.services.branch.scorecard import KPI_KEYS, Period, scorecards
    from rmdesk.services.data import demo_history

    as_of, today = dt.date(2026, 10, 31), dt.date(2026, 11, 2)
    db = open_database(demo_bank(300, as_of=as_of, scored_on=today))
    counts = demo_history.fill(db.engine, who=OPERATOR)
    assert counts["pitched"] > 0 and counts["flags"] > 0
    cards = scorecards(db.engine, Period.parse("2026-10"), today=today, who=OPERATOR)
    missing = [k for k in KPI_KEYS if cards[k].isna().all()]
    assert missing == []
    db.dispose()
