"""A nightly run of only what changed writes what a full run writes (docs/scale.md): after an
ETL job's plain SQL, people's actions and days that pass alone, a full run on the same data
finds nothing left to write. The database notes every writer's changes itself; a run that uses
something else (a parameter, ``--full``) recomputes everyone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from click.testing import CliRunner
from sqlalchemy import Engine, delete, func, insert, select, text, update

from rmdesk.cli import main
from rmdesk.db import open_database, write_transaction
from rmdesk.models import Base
from rmdesk.models.bank import ASSESSMENT_DATES
from rmdesk.services.common import parameters
from rmdesk.services.common.access import OPERATOR, system
from rmdesk.services.engine import inputs, risk_flags
from rmdesk.services.engine.scoring import score
from tests.db.test_partitions import _results
from tests.demo_banks import DemoBank

T = Base.metadata.tables
T1 = dt.date(2026, 11, 2)
T2 = T1 + dt.timedelta(days=5)
WRITES = (
    "scores_written",
    "suggested",
    "updated",
    "withdrawn",
    "flags_raised",
    "flags_re_raised",
    "flags_closed",
    "flags_updated",
)


def _nothing_left(engine: Engine, today: dt.date) -> dict[str, Any]:
    """A full run on the same data writes nothing; the results it leaves."""
    before = _results(engine)
    full = score(engine, today=today, full=True, who=OPERATOR)
    assert not full.counts["incremental"]
    assert {k: full.counts[k] for k in WRITES} == dict.fromkeys(WRITES, 0)
    after = _results(engine)
    assert after == before
    return after


def _notes(engine: Engine) -> list[int]:
    n = T["input_changes"]
    with engine.connect() as conn:
        return sorted(set(conn.execute(select(n.c.client_id)).scalars()))


def test_a_run_of_what_changed_writes_what_a_full_run_writes(demo_bank: DemoBank) -> None:
    db = open_database(demo_bank(1500))
    engine = db.engine
    first = score(engine, today=T1, who=OPERATOR)
    assert not first.counts["incremental"] and _notes(engine) == []
    c, h, f, s, o = (
        T[n] for n in ("clients", "holdings", "monthly_facts", "suggestions", "suggestion_outcomes")
    )
    with engine.connect() as conn:
        ids = list(conn.execute(select(c.c.id).order_by(c.c.id)).scalars())
        rms = sorted(set(conn.execute(select(c.c.rm_id).where(c.c.rm_id.is_not(None))).scalars()))
        moved = ids[20]
        rm_of_moved = conn.execute(select(c.c.rm_id).where(c.c.id == moved)).scalar_one()
        expiring = ids[30]
        attrs = conn.execute(select(c.c.attributes).where(c.c.id == expiring)).scalar_one()
        held = conn.execute(
            select(s.c.id, s.c.client_id, s.c.product_id)
            .where(s.c.client_id.not_in(ids[:40]))
            .order_by(s.c.id)
            .limit(1)
        ).one()
        flag = conn.execute(
            select(T["risk_flags"].c.id, T["risk_flags"].c.client_id)
            .where(T["risk_flags"].c.status == "raised")
            .order_by(T["risk_flags"].c.id)
            .limit(1)
        ).one()
        rm = conn.execute(
            select(T["users"].c.username)
            .join(c, c.c.rm_id == T["users"].c.id)
            .where(c.c.id == flag.client_id)
        ).scalar_one()
        not_now = parameters.load(conn).not_now_days
    other_rm = next(r for r in rms if r != rm_of_moved)
    # an ETL job moves ten clients' facts with plain SQL; a client changes RM; an assessment
    # that expires before T2; an outcome whose keep-out ends before T2
    with write_transaction(engine) as conn:
        conn.execute(
            update(f)
            .where(f.c.holding_id.in_(select(h.c.id).where(h.c.client_id.in_(ids[:10]))))
            .values(avg_balance_minor=f.c.avg_balance_minor * 3 + 50_000_000)
        )
        conn.execute(update(c).where(c.c.id == moved).values(rm_id=other_rm))
        conn.execute(
            update(c)
            .where(c.c.id == expiring)
            .values(
                attributes={
                    **(attrs or {}),
                    "risk_tolerance": "C4",
                    "risk_assessment_expires": (T1 + dt.timedelta(days=2)).isoformat(),
                }
            )
        )
        at = dt.datetime.combine(T1 - dt.timedelta(days=not_now - 2), dt.time(9), tzinfo=dt.UTC)
        conn.execute(
            insert(o).values(
                suggestion_id=held.id,
                client_id=held.client_id,
                product_id=held.product_id,
                outcome="not_now",
                at=at,
            )
        )
    # its RM snoozes a flag until before T2 (through the app)
    risk_flags.act(
        engine, flag.id, "snooze", until=T1 + dt.timedelta(days=2), today=T1, who=system(rm)
    )
    noted = _notes(engine)
    assert set(ids[:10]) | {moved, expiring, held.client_id, flag.client_id} <= set(noted)

    second = score(engine, today=T1, who=OPERATOR)
    assert second.counts["incremental"], second.counts
    assert len(noted) <= second.counts["recomputed"] < 375
    # clients whose tier moved with others' contribution: read after the plan, joined to its
    # last part (incremental.read_rest), and written the same
    assert second.counts["tiers_moved"] > 0
    assert second.counts["scores_written"] > 0 and _notes(engine) == []
    _nothing_left(engine, T1)
    # the clients whose ranks alone moved keep the run that computed their figures (an update
    # of no indexed column: on PostgreSQL one that stays on its page, which keeps room for it)
    sc = T["client_scores"]
    with engine.connect() as conn:
        by_run = dict(conn.execute(select(sc.c.run_id, func.count()).group_by(sc.c.run_id)).all())
        if conn.dialect.name == "postgresql":
            options = conn.execute(
                text("SELECT reloptions FROM pg_class WHERE relname = 'client_scores'")
            ).scalar_one()
            assert "fillfactor=50" in options
    ranks_only = second.counts["scores_written"] - second.counts["recomputed"]
    assert ranks_only > 100 and set(by_run) == {first.run_id, second.run_id}
    assert by_run[first.run_id] >= ranks_only

    # days pass: the flag wakes, the assessment expires, the product may come back
    third = score(engine, today=T2, who=OPERATOR)
    assert third.counts["incremental"] and third.counts["dated"] >= 3, third.counts
    assert third.counts["flags_re_raised"] >= 1
    assert third.counts["recomputed"] < 375
    results = _nothing_left(engine, T2)
    woke = [r for r in results["flags"] if r.client_id == flag.client_id and r.status == "raised"]
    assert woke
    db.dispose()


def test_the_database_notes_every_writer_and_not_the_run(demo_bank: DemoBank) -> None:
    db = open_database(demo_bank(300))
    engine = db.engine
    score(engine, today=T1, who=OPERATOR)
    assert _notes(engine) == []
    c, h, f, i = (T[n] for n in ("clients", "holdings", "monthly_facts", "interactions"))
    with engine.connect() as conn:
        ids = list(conn.execute(select(c.c.id).order_by(c.c.id)).scalars())
        holding = conn.execute(
            select(h.c.id, h.c.client_id).where(h.c.client_id == ids[1]).limit(1)
        ).one()
        fact = conn.execute(
            select(f.c.id).where(f.c.holding_id == holding.id).order_by(f.c.id).limit(1)
        ).scalar_one()
    now = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    with write_transaction(engine) as conn:
        segment = conn.execute(select(c.c.segment).where(c.c.id == ids[0])).scalar_one()
        other = "mass" if segment != "mass" else "affluent"
        conn.execute(update(c).where(c.c.id == ids[0]).values(segment=other))
        conn.execute(update(c).where(c.c.id == ids[4]).values(segment=c.c.segment))  # the same
        conn.execute(update(f).where(f.c.id == fact).values(fees_minor=f.c.fees_minor + 1))
        conn.execute(
            insert(i).values(client_id=ids[2], channel="phone", occurred_at=now, source="etl")
        )
        conn.execute(update(h).where(h.c.client_id == ids[3]).values(limit_minor=1_000_000))
    assert _notes(engine) == sorted([ids[0], ids[1], ids[2], ids[3]])
    # (an update that changes nothing notes nothing: an import run again)
    with write_transaction(engine) as conn:  # a deleted contact is a change too
        conn.execute(delete(i).where(i.c.client_id == ids[2], i.c.source == "etl"))
    # the run's own writes (scores, flags and their events, suggestions) are not inputs
    done = score(engine, today=T1, who=OPERATOR)
    assert done.counts["incremental"] and done.counts["recomputed"] >= 4
    assert _notes(engine) == []
    again = score(engine, today=T1, who=OPERATOR)
    assert again.counts["recomputed"] == 0 and _notes(engine) == []
    # a branch's run leaves the notes for the bank's
    with write_transaction(engine) as conn:
        conn.execute(update(c).where(c.c.id == ids[5]).values(district="Somewhere else"))
    with engine.connect() as conn:
        code = conn.execute(select(T["branches"].c.code).order_by("id").limit(1)).scalar_one()
    score(engine, branch=code, today=T1, who=OPERATOR)
    assert _notes(engine) == [ids[5]]
    db.dispose()


def test_what_every_client_uses_changing_recomputes_everyone(demo_bank: DemoBank) -> None:
    url = demo_bank(300)
    db = open_database(url)
    engine = db.engine
    score(engine, today=T1, who=OPERATOR)
    assert score(engine, today=T1, who=OPERATOR).counts["incremental"]
    with write_transaction(engine) as conn:
        parameters.set_values(conn, {"not_now_days": 45}, who=OPERATOR)
    changed = score(engine, today=T1, who=OPERATOR)
    assert not changed.counts["incremental"]
    assert changed.counts["recomputed"] == changed.counts["clients"]
    assert score(engine, today=T1, who=OPERATOR).counts["incremental"]
    # an earlier day than the last run's: everyone
    assert not score(engine, today=T1 - dt.timedelta(days=1), who=OPERATOR).counts["incremental"]
    # the command line's --full
    runner = CliRunner()
    out = runner.invoke(
        main,
        ["score", "--today", T1.isoformat(), "--full", "--db", url],
        catch_exceptions=False,
    )
    assert out.exit_code == 0, out.output
    runs = T["scoring_runs"]
    with engine.connect() as conn:
        last = conn.execute(select(runs.c.counts).order_by(runs.c.id.desc()).limit(1)).scalar_one()
        assert conn.execute(select(func.count()).select_from(T["input_changes"])).scalar() == 0
    assert last["incremental"] is False and last["recomputed"] == last["clients"]
    db.dispose()


def test_whose_assessment_ends_is_looked_up_in_the_dates_indexes(db_url: str) -> None:
    # a nightly run asks whose risk assessment ends near its day: the dates are in the
    # clients' JSON attributes, and the lookup must be the expression the indexes are on
    # (models/bank.py), or the database reads every client's attributes each night
    db = open_database(db_url)
    query = inputs.near_assessment_dates(T1, T2)
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")  # a small table: plan as a big one
            explain = "EXPLAIN "
        else:
            explain = "EXPLAIN QUERY PLAN "
        compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(r) for r in conn.exec_driver_sql(explain + str(compiled)).all())
    for key in ASSESSMENT_DATES:
        assert f"ix_clients_{key}" in plan, plan
    db.dispose()


def test_the_notes_are_read_as_ranges_and_cleared_exactly(db_url: str) -> None:
    """A run reads the notes as ranges of consecutive ids and the distinct clients in them,
    clears exactly those ranges, and leaves a note it did not read (a lower id whose
    transaction committed later) for the next run."""
    db = open_database(db_url)
    n = T["input_changes"]
    notes = [(1, 5), (2, 5), (3, 6), (7, 7), (8, 5), (20, 9)]
    with write_transaction(db.engine) as conn:
        conn.execute(insert(n), [{"id": i, "client_id": c} for i, c in notes])
    with db.engine.connect() as conn:
        ranges, noted = inputs.changes(conn)
        assert ranges == [(1, 3), (7, 8), (20, 20)] and noted == {5, 6, 7, 9}
        assert inputs.changes(conn, clients=False) == (ranges, set())
    with write_transaction(db.engine) as conn:
        conn.execute(insert(n), [{"id": 4, "client_id": 11}])  # committed after the read
        inputs.clear(conn, ranges)
    with db.engine.connect() as conn:
        assert conn.execute(select(n.c.id, n.c.client_id)).all() == [(4, 11)]
        assert inputs.changes(conn) == ([(4, 4)], {11})
    db.dispose()
