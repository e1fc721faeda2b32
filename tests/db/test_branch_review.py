"""What the branch head reviews: periods, the RMs, the KPI points behind a score, trend, Pareto."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import Engine, insert, select

from rmdesk.db import open_database
from rmdesk.models import Base
from rmdesk.services.branch import review as br
from rmdesk.services.branch.scorecard import Period, scorecards, set_weight, weights
from rmdesk.services.common.access import OPERATOR, system
from tests.demo_banks import DemoBank

T = Base.metadata.tables
TODAY = dt.date(2026, 11, 2)


@pytest.fixture
def engine(demo_bank: DemoBank) -> Iterator[Engine]:
    db = open_database(demo_bank(300))
    yield db.engine
    db.dispose()


def test_branches_and_their_active_rms(engine: Engine) -> None:
    assert list(br.branches(engine, who=OPERATOR)["code"]) == sorted(
        br.branches(engine, who=OPERATOR)["code"]
    )
    assert len(br.branches(engine, who=OPERATOR)) == 5
    rms = br.branch_rms(engine, 1, who=OPERATOR)
    assert list(rms["username"]) == [f"rm0{n}" for n in range(1, 7)]
    with engine.connect() as conn:
        held = conn.execute(
            select(T["clients"].c.id).where(T["clients"].c.rm_id.in_(list(rms["rm_id"])))
        ).all()
    assert rms["clients"].sum() == len(held) > 0


def test_the_kpi_points_add_up_to_the_score(engine: Engine) -> None:
    for period in (Period.parse("2026-10"), Period.parse("2026Q3")):
        card = scorecards(engine, period, branch_id=1, today=TODAY, who=OPERATOR)
        rules = weights(engine, 1, on=period.end, who=OPERATOR)
        for row in card.to_dict("records"):
            points = br.kpi_points(row, rules, period)
            assert list(points["kpi"]) == list(rules["kpi"])
            assert points["points"].sum() == pytest.approx(row["score"], abs=1e-3)
            left_out = set(filter(None, str(row["left_out"]).split(",")))
            assert set(points.loc[points["points"].isna(), "kpi"]) == left_out
        # per-month targets count the months of the period; ratios do not
        by = points.set_index("kpi")
        months = period.length
        assert by.loc["contribution", "target"] == 6_000_000 * months
        assert by.loc["kyc_compliance", "target"] == 1.0
        assert by.loc["npl_ratio", "lower_is_better"]


def test_points_follow_a_branch_weight_and_a_penalty(engine: Engine) -> None:
    period = Period.parse("2026-10")
    set_weight(
        engine,
        "kyc_compliance",
        weight=40,
        target="1.0",
        penalty="0.5",
        branch_id=1,
        valid_from=dt.date(2026, 1, 1),
        who=system("test"),
    )
    card = scorecards(engine, period, branch_id=1, today=TODAY, who=OPERATOR)
    rules = weights(engine, 1, on=period.end, who=OPERATOR)
    row = card.iloc[0].to_dict()
    points = br.kpi_points(row, rules, period).set_index("kpi")
    a = row["kyc_compliance_attainment"]
    weight_sum = points.loc[points["attainment"].notna(), "weight"].sum()
    expected = 100 * 40 * a / weight_sum - 0.5 * 100 * max(0.0, 1 - a)
    assert points.loc["kyc_compliance", "weight"] == 40
    assert points.loc["kyc_compliance", "points"] == pytest.approx(expected)
    assert points["points"].sum() == pytest.approx(row["score"], abs=1e-3)


def test_the_branch_trend_is_the_ranking_of_each_period(engine: Engine) -> None:
    periods = [Period.parse("2026-09"), Period.parse("2026-10")]
    trend = br.branch_trend(engine, 1, periods, today=TODAY, who=OPERATOR)
    assert list(trend.columns) == br.TREND_COLUMNS
    assert len(trend) == 2 * 6
    october = scorecards(engine, periods[1], branch_id=1, today=TODAY, who=OPERATOR)
    got = trend[trend["period"] == "2026-10"].set_index("rm_id")["score"]
    want = october.set_index("rm_id")["score"]
    assert got.sort_index().tolist() == pytest.approx(want.sort_index().tolist())
    rm = int(october["rm_id"].iloc[0])
    mine = br.rm_trend(trend, rm)
    assert list(mine["period"]) == ["2026-09", "2026-10"]
    assert mine["rank"].iloc[1] == 1
    assert mine["branch_average"].iloc[1] == pytest.approx(want.mean())


def test_the_pareto_curve_of_the_branchs_scored_clients(engine: Engine) -> None:
    c = T["clients"]
    with engine.begin() as conn:
        ids = list(
            conn.execute(select(c.c.id).where(c.c.branch_id == 1).order_by(c.c.id).limit(10))
        )
        other = conn.execute(select(c.c.id).where(c.c.branch_id == 2).limit(1)).scalar_one()
        run = conn.execute(
            insert(T["scoring_runs"])
            .values(
                started_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
                as_of=dt.date(2026, 10, 31),
                scope="bank",
                actor="test",
            )
            .returning(T["scoring_runs"].c.id)
        ).scalar_one()
        # two clients make 800 of 1,000: the 20/80 shape; one loses money
        values = [500, 300, 50, 40, 30, 30, 20, 20, 10, -5]
        for (client,), value in zip([*ids], values, strict=True):
            _score(conn, run, client, value)
        _score(conn, run, other, 1_000_000)  # another branch's client is not counted
    shape = br.branch_pareto(engine, 1, who=OPERATOR)
    assert shape.clients == 10 and shape.as_of == dt.date(2026, 10, 31)
    assert shape.top_share == pytest.approx(800 / 1000)
    curve = shape.curve
    assert curve["client_share"].iloc[0] == 0 and curve["client_share"].iloc[-1] == 1
    assert np.interp(0.2, curve["client_share"], curve["contribution_share"]) == pytest.approx(0.8)
    assert br.branch_pareto(engine, 5, who=OPERATOR).clients == 0


def _score(conn: object, run: int, client: int, value: int) -> None:
    conn.execute(  # type: ignore[attr-defined]
        insert(T["client_scores"]).values(
            client_id=client, run_id=run, as_of=dt.date(2026, 10, 31), contribution_minor=value,
            previous_minor=0, deposit_margin_minor=0, loan_margin_minor=0, fees_minor=0,
            cost_minor=0, expected_loss_minor=0, rank_book=1, rank_branch=1, rank_bank=1,
            cumulative_share=0.5, tier="A",
        )
    )  # fmt: skip
