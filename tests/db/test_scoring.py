"""Nightly scoring on the demo bank: idempotent, scoped, and fed back by outcomes."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from rmdesk.cli import main
from rmdesk.db import open_database
from rmdesk.models import Base
from rmdesk.services.common.access import OPERATOR, system
from rmdesk.services.data import reports
from rmdesk.services.engine import suggestions
from rmdesk.services.engine.scoring import score
from tests.demo_banks import DemoBank

T = Base.metadata.tables
TODAY = dt.date(2026, 11, 2)
VOLATILE = {"created_at", "updated_at", "run_id", "generated_on"}


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """The engine's results without the columns that say when they were written."""
    out = {}
    with engine.connect() as conn:
        for name in ("client_scores", "risk_flags", "risk_flag_events", "suggestions"):
            table = T[name]
            cols = [c for c in table.columns if c.name not in VOLATILE]
            rows = conn.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            out[name] = [tuple(r) for r in rows]
    return out


def _engine(url: str) -> Engine:
    return open_database(url).engine


@pytest.mark.smoke
def test_scoring_twice_changes_nothing(demo_bank: DemoBank) -> None:
    engine = _engine(demo_bank(250))
    first = score(engine, today=TODAY, who=OPERATOR)
    assert first.counts["scores_written"] == 250
    assert first.counts["flags_raised"] > 0 and first.counts["suggested"] > 0
    before = snapshot(engine)
    again = score(engine, today=TODAY, who=OPERATOR)
    for key in ("scores_written", "flags_raised", "flags_closed", "flags_re_raised"):
        assert again.counts[key] == 0, key
    assert again.counts["suggested"] == again.counts["updated"] == 0
    assert snapshot(engine) == before
    tier = [c.name for c in T["client_scores"].columns if c.name not in VOLATILE].index("tier")
    tiers = {r[tier] for r in before["client_scores"]}
    assert tiers == {"A", "B", "C", "D"}
    engine.dispose()


def test_an_rm_scope_touches_only_that_book(demo_bank: DemoBank) -> None:
    engine = _engine(demo_bank(250))
    result = score(engine, rm="rm01", today=TODAY, who=OPERATOR)
    c, s = T["clients"], T["client_scores"]
    with engine.connect() as conn:
        rm01 = conn.execute(select(T["users"].c.id).where(T["users"].c.username == "rm01")).scalar()
        scored = set(conn.execute(select(s.c.client_id)).scalars())
        book = set(conn.execute(select(c.c.id).where(c.c.rm_id == rm01)).scalars())
        flagged = set(conn.execute(select(T["risk_flags"].c.client_id)).scalars())
        runs = conn.execute(select(T["scoring_runs"].c.scope)).scalars().all()
    assert scored == book and result.clients == len(book)
    assert flagged <= book
    assert runs == ["rm:rm01"]
    engine.dispose()


def test_a_declined_product_is_not_suggested_again_for_the_cooling_off_period(
    demo_bank: DemoBank,
) -> None:
    engine = _engine(demo_bank(250, scored_on=TODAY))
    s = T["suggestions"]
    with engine.connect() as conn:
        top = conn.execute(select(s).where(s.c.rank == 1).order_by(s.c.id).limit(2)).all()
    declined, later = top
    stamp = dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.UTC)
    suggestions.record_outcome(
        engine, declined.id, "declined", reason="not_interested", at=stamp, who=system("rm")
    )
    suggestions.record_outcome(engine, later.id, "not_now", at=stamp, who=system("rm"))

    def open_pairs() -> set[tuple[int, int]]:
        with engine.connect() as conn:
            rows = conn.execute(
                select(s.c.client_id, s.c.product_id).where(s.c.status == "open")
            ).all()
        return {(r.client_id, r.product_id) for r in rows}

    score(engine, today=TODAY, who=OPERATOR)
    pairs = open_pairs()
    assert (declined.client_id, declined.product_id) not in pairs
    assert (later.client_id, later.product_id) not in pairs
    score(
        engine, today=TODAY + dt.timedelta(days=31), who=OPERATOR
    )  # "not now" lasts 30 days, declined as not interested 180
    pairs = open_pairs()
    assert (later.client_id, later.product_id) in pairs
    assert (declined.client_id, declined.product_id) not in pairs
    with engine.connect() as conn:
        outcomes = conn.execute(select(func.count()).select_from(T["suggestion_outcomes"]))
        assert outcomes.scalar() == 2
    engine.dispose()


def test_an_imported_campaigns_decline_cools_the_product_off_too(demo_bank: DemoBank) -> None:
    """A call of an imported campaign that offered the product and was declined keeps it out
    for ``decline_cooloff_days``, as a decline recorded in the app with no reason; one dated
    after today does not count yet."""
    from sqlalchemy import insert

    from rmdesk.services.common.parameters import DEFAULTS

    engine = _engine(demo_bank(250, scored_on=TODAY))
    s, i = T["suggestions"], T["interactions"]
    with engine.connect() as conn:
        first, second = conn.execute(
            select(s.c.client_id, s.c.product_id).where(s.c.rank == 1).order_by(s.c.id).limit(2)
        ).all()
    with engine.begin() as conn:
        for n, (pair, day) in enumerate(((first, TODAY), (second, TODAY + dt.timedelta(days=5)))):
            conn.execute(
                insert(i).values(
                    source="crm", external_id=f"campaign-{n}", client_id=pair.client_id,
                    product_id=pair.product_id, offer_result="declined", channel="phone",
                    occurred_at=dt.datetime.combine(day, dt.time(2), tzinfo=dt.UTC),
                )
            )  # fmt: skip

    def open_pairs(today: dt.date) -> set[tuple[int, int]]:
        score(engine, today=today, who=OPERATOR)
        with engine.connect() as conn:
            rows = conn.execute(
                select(s.c.client_id, s.c.product_id).where(s.c.status == "open")
            ).all()
        return {(r.client_id, r.product_id) for r in rows}

    pairs = open_pairs(TODAY)
    assert tuple(first) not in pairs
    assert tuple(second) in pairs  # declined after the run's today: not yet
    later = TODAY + dt.timedelta(days=DEFAULTS.decline_cooloff_days + 1)
    assert tuple(first) in open_pairs(later)
    engine.dispose()


def _csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig") as fh:
        return next(csv.reader(fh))


def test_score_and_the_exports_from_the_command_line(demo_bank: DemoBank, tmp_path: Path) -> None:
    db_url = demo_bank(200)
    run = CliRunner().invoke
    done = run(main, ["score", "--db", db_url, "--today", "2026-11-02", "--quiet"])
    assert done.exit_code == 0, done.output
    assert "scored 200 clients (bank, data as of 2026-10-31)" in done.output
    assert "top 20% make" in done.output
    for name, columns in (
        ("suggestions", reports.SUGGESTION_COLUMNS),
        ("flags", reports.FLAG_COLUMNS),
        ("contribution", reports.CONTRIBUTION_COLUMNS),
    ):
        out = tmp_path / f"{name}.csv"
        done = run(main, ["export", name, "--db", db_url, "-o", str(out), "--quiet"])
        assert done.exit_code == 0, done.output
        assert _csv_header(out) == columns
    with (tmp_path / "contribution.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 200 and [r["rank_bank"] for r in rows[:3]] == ["1", "2", "3"]
    with (tmp_path / "suggestions.csv").open(encoding="utf-8-sig") as fh:
        reasons = [r["reason_en"] for r in csv.DictReader(fh)]
    # the reasons are a banker's: what this client's data says and what similar clients hold,
    # never the model's statistics
    assert reasons and all(r and "likelihood" not in r and "model" not in r for r in reasons)
    assert any(" clients hold " in r or "also hold" in r for r in reasons)
    raw = tmp_path / "raw.csv"
    done = run(main, ["export", "suggestions", "--table", "--db", db_url, "-o", str(raw)])
    assert done.exit_code == 0 and "status" in _csv_header(raw) and "version" in _csv_header(raw)
    done = run(main, ["export", "flags", "--db", db_url, "--branch", "NOPE", "-o", str(raw)])
    assert done.exit_code == 5 and "no branch 'NOPE'" in done.output
    done = run(main, ["score", "--db", db_url, "--rm", "nobody"])
    assert done.exit_code == 5 and "no user 'nobody' (--rm)" in done.output
    done = run(main, ["explain", "C0000001", "--db", db_url, "--language", "en"])
    assert done.exit_code == 0 and "Trailing-12-month contribution" in done.output


def test_parameters_and_pricing_from_the_command_line(demo_bank: DemoBank) -> None:
    db_url = demo_bank(50)
    run = CliRunner().invoke
    done = run(main, ["params", "set", "rule_min_lift=1.5", "--db", db_url])
    assert done.exit_code == 0, done.output
    shown = run(main, ["params", "show", "--db", db_url]).output
    assert "* rule_min_lift" in shown and "  rule_min_confidence" in shown
    bad = run(main, ["params", "set", 'tier_shares={"A": 0.9}', "--db", db_url])
    assert bad.exit_code == 2 and "add up to 1" in bad.output
    bad = run(main, ["params", "set", "no_such=1", "--db", db_url])
    assert bad.exit_code == 2 and "unknown parameter(s): no_such" in bad.output
    done = run(
        main,
        [
            "pricing",
            "set",
            "CASA",
            "--client-rate",
            "0.0025",
            "--valid-from",
            "2026-09-01",
            "--db",
            db_url,
        ],
    )
    assert done.exit_code == 0 and "CASA: pricing version 2 from 2026-09-01" in done.output
    bad = run(
        main,
        [
            "pricing",
            "set",
            "CASA",
            "--client-rate",
            "x",
            "--valid-from",
            "2026-09-01",
            "--db",
            db_url,
        ],
    )
    assert bad.exit_code == 2 and "client_rate: 'x' is not a number" in bad.output
    bad = run(
        main,
        ["pricing", "set", "CASA", "--pd", "0.1", "--valid-from", "2020-01-01", "--db", db_url],
    )
    assert bad.exit_code == 2 and "versions only move forward" in bad.output
    db = open_database(db_url)
    result = score(db.engine, today=TODAY, who=OPERATOR)
    with db.engine.connect() as conn:
        run_row = conn.execute(
            select(T["scoring_runs"]).where(T["scoring_runs"].c.id == result.run_id)
        ).one()
    db.dispose()
    assert run_row.pricing["CASA"] == [1, 2]
    assert run_row.parameters["rule_min_lift"] == 1.5


def test_score_says_which_products_nobody_is_suggested_and_why(demo_bank: DemoBank) -> None:
    """A run that suggests nothing says so, and names each product with its reason, instead of
    a count of 0 that reads like success."""
    db_url = demo_bank(50)
    run = CliRunner().invoke
    done = run(main, ["params", "set", "suggestion_min_lift=1000", "--db", db_url])
    assert done.exit_code == 0, done.output
    done = run(main, ["score", "--db", db_url, "--today", "2026-11-02", "--quiet"])
    assert done.exit_code == 0, done.output
    assert "warning: no client of bank is suggested any product" in done.stderr
    said = [line for line in done.stdout.splitlines() if "not suggested:" in line]
    assert said and all("at least 1000 times" in s or "earned nothing" in s for s in said)
    as_json = run(main, ["score", "--db", db_url, "--today", "2026-11-02", "--json", "--quiet"])
    counts = json.loads(as_json.stdout)
    assert counts["products_suggested"] == 0 and len(counts["not_suggested"]) == len(said)


def test_a_client_gets_the_whole_ranked_list_and_the_screen_the_first_few(
    demo_bank: DemoBank,
) -> None:
    """Every product a client passes the thresholds for is stored, ranked; the client view and
    the brief show the first ``suggestions_per_client``, with the model's factors; the export
    has them all."""
    from rmdesk.services.clients import profile
    from rmdesk.services.common.parameters import DEFAULTS
    from rmdesk.services.engine.take_up.models import MODELLED

    engine = _engine(demo_bank(1500))
    score(engine, today=TODAY, who=OPERATOR)
    shown = DEFAULTS.suggestions_per_client
    with engine.connect() as conn:
        s = T["suggestions"]
        rows = conn.execute(select(s.c.client_id, s.c.rank, s.c.evidence_data)).all()
    by_client: dict[int, list[int]] = {}
    for client, rank, _ in rows:
        by_client.setdefault(client, []).append(rank)
    longer = [c for c, ranks in by_client.items() if len(ranks) > shown]
    assert longer, "no client has more suggestions than the screen shows"
    assert all(sorted(r) == list(range(1, len(r) + 1)) for r in by_client.values())
    # the factors (a model's reasons for this client) are worked out for the ones shown
    modelled = [(rank, d) for _, rank, d in rows if d.get("method") in MODELLED]
    assert any(d.get("factors") for rank, d in modelled if rank <= shown)
    assert not any(d.get("factors") for rank, d in modelled if rank > shown)
    client = longer[0]
    seen = profile.load(engine, client, today=TODAY, who=OPERATOR).suggestions
    assert sorted(seen["rank"]) == list(range(1, shown + 1))
    with engine.connect() as conn:
        c = T["clients"]
        external = conn.execute(select(c.c.external_id).where(c.c.id == client)).scalar_one()
    exported = reports.suggestions_frame(engine, who=OPERATOR)
    assert (exported["client_id"] == external).sum() == len(by_client[client])
    engine.dispose()
