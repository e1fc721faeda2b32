"""RM scorecards on the tiny hand-made bank of scorecard_bank.py, whose KPIs are worked out by
hand there: every KPI, weights, the drill-down, the trend, the export and the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from rmdesk.db import make_engine
from rmdesk.services.branch.scorecard import (
    DEFAULTS,
    EXPORT_COLUMNS,
    KPI_KEYS,
    Period,
    WeightError,
    export_frame,
    kpi_clients,
    scorecards,
    set_weight,
    trend,
    weights,
)
from rmdesk.services.common.access import OPERATOR, system
from tests.db.scorecard_bank import Bank, T, build_bank

Q3, Q2 = Period.parse("2026Q3"), Period.parse("2026Q2")
TODAY = dt.date(2026, 10, 15)


@pytest.fixture
def bank(db_url: str) -> Iterator[Bank]:
    engine = make_engine(db_url)
    yield build_bank(engine)
    engine.dispose()


def _cards(bank: Bank, period: Period = Q3) -> pd.DataFrame:
    return scorecards(bank.engine, period, today=TODAY, who=OPERATOR).set_index("username")


# --- periods -------------------------------------------------------------------------------


# --- the KPIs ------------------------------------------------------------------------------


@pytest.mark.smoke
def test_every_kpi_of_a_quarter_by_hand(bank: Bank) -> None:
    cards = _cards(bank)
    # the inactive RM "old" and the branch head "hd" have no scorecard
    assert set(cards.index) == {"amy", "bob", "abe", "zed"}
    amy, bob = cards.loc["amy"], cards.loc["bob"]
    assert (amy["contribution"], bob["contribution"]) == (554_700, 186_000)
    assert amy["contribution_growth"] == pytest.approx(12_000 / 542_700)
    assert bob["contribution_growth"] == pytest.approx(-4_000 / 190_000)
    assert amy["deposits_growth"] == pytest.approx(18_000_000 / 24_000_000 - 1)
    assert bob["deposits_growth"] == pytest.approx(0.0)
    assert amy["loans_growth"] == pytest.approx(71 / 70 - 1)
    assert pd.isna(bob["loans_growth"])  # no loans at all
    assert (amy["new_clients"], bob["new_clients"]) == (1, 1)
    assert (amy["lost_clients"], bob["lost_clients"]) == (1, 0)  # bob's C7 left in Q2
    assert (amy["products_per_client"], bob["products_per_client"]) == (2.0, 1.5)
    assert amy["conversion"] == pytest.approx(1 / 4)
    assert bob["conversion"] == pytest.approx(1 / 2)
    assert amy["visit_completion"] == pytest.approx(2 / 4)
    assert bob["visit_completion"] == pytest.approx(2 / 3)
    assert amy["flags_on_time"] == pytest.approx(1 / 4)
    assert bob["flags_on_time"] == pytest.approx(1.0)
    assert amy["kyc_compliance"] == pytest.approx(2 / 3)
    assert bob["kyc_compliance"] == pytest.approx(1.0)
    assert (amy["training_points"], bob["training_points"]) == (12, 0)
    assert amy["npl_ratio"] == pytest.approx(20 / 71)
    assert pd.isna(bob["npl_ratio"])
    assert bob["left_out"] == "loans_growth,npl_ratio"
    assert "loans_growth (no value)" in bob["notes"] and "不良率" in bob["notes_zh"]
    assert amy["left_out"] == "" and amy["notes"] == ""
    assert (amy["branch"], amy["display_name"], amy["period"]) == ("B1", "Amy", "2026Q3")


def test_a_book_without_kyc_dates_has_no_kyc_value(bank: Bank) -> None:
    with bank.engine.begin() as conn:  # bob's only review date goes: nothing to judge him on
        conn.execute(T["clients"].update().where(T["clients"].c.id == 5).values(kyc_due=None))
    cards = _cards(bank)
    assert pd.isna(cards.loc["bob", "kyc_compliance"])
    assert "kyc_compliance" in cards.loc["bob", "left_out"].split(",")
    assert cards.loc["amy", "kyc_compliance"] == pytest.approx(2 / 3)  # C1 and C4 have dates


def test_previous_quarter_and_a_month_with_deadlines_ahead(bank: Bank) -> None:
    q2 = _cards(bank, Q2)
    assert (q2.loc["amy", "contribution"], q2.loc["bob", "contribution"]) == (542_700, 190_000)
    assert q2.loc["bob", "lost_clients"] == 1
    assert q2.loc["amy", "new_clients"] == 0
    oct_ = _cards(bank, Period.parse("2026-10"))
    # no October facts yet: the figures from the facts have no value rather than −100 %
    assert pd.isna(oct_.loc["amy", "contribution"]) and pd.isna(oct_.loc["amy", "deposits_growth"])
    assert pd.isna(oct_.loc["amy", "visit_completion"])  # its only visit is still ahead
    assert oct_.loc["amy", "flags_on_time"] == 0.0  # F5 was due 10-05 and nobody handled it
    assert oct_.loc["bob", "flags_on_time"] == 1.0  # F8 on time; F7 not due yet: left out
    assert oct_.loc["amy", "conversion"] == 1.0  # the accepted card: 10-01 in Beijing
    assert oct_.loc["amy", "training_points"] == 2
    assert "contribution" in oct_.loc["amy", "left_out"].split(",")


def test_default_score_shares_out_the_weight_of_missing_kpis(bank: Bank) -> None:
    cards = _cards(bank)
    bob = cards.loc["bob"]
    rules = {k: DEFAULTS[k] for k in KPI_KEYS if k not in ("loans_growth", "npl_ratio")}
    total = sum(r.weight * bob[f"{k}_attainment"] for k, r in rules.items())
    weight = sum(r.weight for r in rules.values())
    penalty = sum(
        r.penalty * 100 * (1 - bob[f"{k}_attainment"])
        for k, r in rules.items()
        if bob[f"{k}_attainment"] < 1
    )
    assert bob["score"] == pytest.approx(100 * total / weight - penalty, abs=1e-4)
    assert pd.isna(bob["npl_ratio_attainment"])
    # amy's contribution attainment: 554,700 of 3 × 6,000,000
    assert cards.loc["amy", "contribution_attainment"] == pytest.approx(554_700 / 18_000_000)
    assert cards.loc["amy", "lost_clients_attainment"] == 1.2  # target 3, lost 1
    # abe and zed have no clients: the same score, so they rank by username
    assert cards.loc["abe", "score"] == cards.loc["zed", "score"]
    assert cards.loc["abe", "rank"] < cards.loc["zed", "rank"]
    assert sorted(cards["rank"]) == [1, 2, 3, 4]


# --- weights -------------------------------------------------------------------------------


def _only(engine: Engine, on: dt.date, **rules: tuple[float, float | None, float]) -> None:
    """Weight 0 for every KPI but those given as (weight, target, penalty)."""
    for kpi in KPI_KEYS:
        w, t, p = rules.get(kpi, (0, None, 0))
        set_weight(engine, kpi, weight=w, target=t, penalty=p, valid_from=on, who=system("test"))


def test_weighted_score_by_hand_and_a_branch_override(bank: Bank) -> None:
    e, jan = bank.engine, dt.date(2026, 1, 1)
    _only(
        e,
        jan,
        visit_completion=(2, 0.5, 0),
        kyc_compliance=(1, 1.0, 0.3),
        conversion=(1, 0.5, 0),
        npl_ratio=(4, 0.02, 0.1),
    )
    cards = _cards(bank)
    # amy: visits 0.5/0.5 = 1, KYC (2/3)/1 with penalty 0.3 × 100 × 1/3 = 10, conversion
    # 0.25/0.5 = 0.5, NPL 0.02 / (20/71) = 0.071 with penalty 0.1 × 100 × 0.929 = 9.29
    amy = 100 * (2 * 1.0 + 1 * (2 / 3) + 1 * 0.5 + 4 * 0.071) / 8 - 10 - 9.29
    assert cards.loc["amy", "score"] == pytest.approx(amy, abs=1e-4)
    # bob: visits (2/3)/0.5 capped at 1.2, KYC 1, conversion 1; no loans, so NPL is left out
    assert cards.loc["bob", "score"] == pytest.approx(100 * (2 * 1.2 + 1 + 1) / 4)
    assert cards.loc["bob", "left_out"] == "npl_ratio"
    assert list(cards.sort_values("rank").index) == ["bob", "amy", "abe", "zed"]
    assert pd.isna(cards.loc["abe", "score"])  # nothing to score: ranked last

    head: dict[str, Any] = {"penalty": 0, "branch_id": 1}
    set_weight(
        e, "visit_completion", weight=2, target="1.0", valid_from=Q3.start, who=OPERATOR, **head
    )
    # too late for Q3: the weights in force on the period's last day count
    set_weight(
        e,
        "kyc_compliance",
        weight=9,
        target=1,
        valid_from=dt.date(2026, 10, 1),
        who=OPERATOR,
        **head,
    )
    cards = _cards(bank)
    amy = 100 * (2 * 0.5 + 1 * (2 / 3) + 1 * 0.5 + 4 * 0.071) / 8 - 10 - 9.29
    assert cards.loc["amy", "score"] == pytest.approx(amy, abs=1e-4)
    assert cards.loc["bob", "score"] == pytest.approx(100 * (2 * (2 / 3) + 1 + 1) / 4)
    branch = weights(e, 1, Q3.end, who=OPERATOR).set_index("kpi")
    bank_wide = weights(e, None, Q3.end, who=OPERATOR).set_index("kpi")
    assert branch.loc["visit_completion", ["weight", "target", "source"]].tolist() == [
        2.0,
        1.0,
        "branch",
    ]
    assert bank_wide.loc["visit_completion", ["target", "source"]].tolist() == [0.5, "bank"]
    assert branch.loc["kyc_compliance", "weight"] == 1.0
    assert (
        weights(e, 1, dt.date(2026, 10, 1), who=OPERATOR)
        .set_index("kpi")
        .loc["kyc_compliance", "weight"]
        == 9
    )
    # a NULL target means the default one
    assert bank_wide.loc["training_points", "target"] == DEFAULTS["training_points"].target
    assert weights(e, 1, dt.date(2025, 12, 31), who=OPERATOR)["source"].eq("default").all()


def test_set_weight_checks_replaces_and_audits(db_url: str) -> None:
    engine = make_engine(db_url)
    day = dt.date(2026, 1, 1)
    set_weight(
        engine,
        "conversion",
        weight=5,
        target=0.2,
        penalty=0,
        valid_from=day,
        who=system("ad"),
    )
    row = set_weight(
        engine,
        "conversion",
        weight=7,
        target=0.3,
        penalty=0.1,
        valid_from=day,
        who=system("ad"),
    )
    for bad, match in [
        ({"kpi": "charm"}, "unknown KPI"),
        ({"weight": -1}, "negative"),
        ({"target": 0}, "above 0"),
        ({"weight": "lots"}, "not a number"),
        ({"branch_id": 99}, "branch 99"),
    ]:
        args: dict[str, Any] = {"kpi": "conversion", "weight": 1, "target": 0.2, "penalty": 0}
        args |= bad
        with pytest.raises(WeightError, match=match):
            set_weight(engine, args.pop("kpi"), **args, valid_from=day, who=system("ad"))
    w, log = T["kpi_weights"], T["audit_log"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(w)).scalar_one() == 1
        assert conn.execute(select(w.c.weight).where(w.c.id == row)).scalar_one() == 7
        entries = conn.execute(
            select(log.c.action, log.c.entity_id, log.c.detail).order_by(log.c.id)
        ).all()
    engine.dispose()
    assert [e.action for e in entries] == ["kpi_weight.set", "kpi_weight.set"]
    assert entries[1].entity_id == str(row)
    assert entries[1].detail["from"]["weight"].startswith("5")
    assert entries[1].detail["to"]["target"] == "0.3"


# --- drill-down, trend, export -------------------------------------------------------------


def test_the_drill_down_adds_up_to_each_kpi(bank: Bank) -> None:
    e, amy = bank.engine, bank.amy
    card = _cards(bank).loc["amy"]

    def rows(kpi: str) -> pd.DataFrame:
        return kpi_clients(e, amy, Q3, kpi, today=TODAY, who=OPERATOR)

    money = rows("contribution")
    assert money["external_id"].tolist() == ["C1", "C4", "C2", "C3"]
    assert round(money["contribution"].sum()) == card["contribution"] == 554_700
    assert round(money["previous"].sum()) == 542_700
    assert money.set_index("external_id").loc["C2", "contribution"] == pytest.approx(45_000)

    dep = rows("deposits_growth")
    assert dep["balance_minor"].sum() / dep["previous_minor"].sum() - 1 == card["deposits_growth"]
    assert dep.set_index("external_id")["change_minor"].to_dict() == {
        "C3": -12_000_000,
        "C4": -2_000_000,
        "C1": 2_000_000,
        "C2": 6_000_000,
    }
    npl = rows("npl_ratio")
    bad = npl[npl["non_performing"]]
    assert bad["holding_id"].tolist() == [8] and bad["days_past_due"].tolist() == [95]
    assert bad["balance_minor"].sum() / npl["balance_minor"].sum() == pytest.approx(20 / 71)

    assert rows("new_clients")["external_id"].tolist() == ["C2"]
    lost = rows("lost_clients")
    assert lost[["external_id", "last_closed_on", "holdings"]].values.tolist() == [
        ["C3", dt.date(2026, 9, 10), 2]
    ]
    active = rows("products_per_client")
    assert active["open_holdings"].sum() / len(active) == card["products_per_client"] == 2.0
    kyc = rows("kyc_compliance")
    assert kyc["kyc_ok"].mean() == pytest.approx(card["kyc_compliance"])
    assert kyc.loc[~kyc["kyc_ok"], "external_id"].tolist() == ["C4"]

    conv = rows("conversion")
    # the newest outcome first
    assert conv["outcome"].tolist() == ["declined", "accepted", "pitched", "not_now"]
    assert conv["recorded_on"].tolist()[-1] == dt.date(2026, 7, 1)  # 06-30 20:00 UTC
    assert conv["accepted"].mean() == card["conversion"]

    visits = rows("visit_completion")
    assert len(visits) == 6  # planned in Q3, whatever their state
    assert visits["done"].sum() / visits["counted"].sum() == card["visit_completion"]

    flags = rows("flags_on_time").sort_values("flag_id", ignore_index=True)
    handled = [None if pd.isna(x) else x for x in flags["first_handled_on"]]
    assert handled == [dt.date(2026, 7, 3), None, dt.date(2026, 9, 9), None]
    assert flags["on_time"].tolist() == [True, False, False, False]
    # the drill-down lists what weighs on the score first: the flags not handled in time
    assert rows("flags_on_time")["on_time"].tolist() == [False, False, False, True]
    assert flags["on_time"].sum() / flags["counted"].sum() == card["flags_on_time"]

    assert rows("training_points")["points"].sum() == card["training_points"] == 12
    with pytest.raises(ValueError, match="unknown KPI 'charm'"):
        kpi_clients(e, amy, Q3, "charm", who=OPERATOR)


def test_trend_one_rm_and_the_export(bank: Bank) -> None:
    e = bank.engine
    line = trend(e, bank.amy, [Q2, Q3], today=TODAY, who=OPERATOR)
    assert line["period"].tolist() == ["2026Q2", "2026Q3"]
    assert line["contribution"].tolist() == [542_700, 554_700]
    assert line["score"].notna().all()
    assert (
        trend(e, 5, [Q3], today=TODAY, who=OPERATOR)["score"].isna().all()
    )  # inactive: no scorecard
    one = scorecards(e, Q3, rm_id=bank.bob, today=TODAY, who=OPERATOR)
    assert one["username"].tolist() == ["bob"]
    assert one["rank"].iloc[0] == _cards(bank).loc["bob", "rank"]  # ranked in the branch
    assert scorecards(e, Q3, branch_id=2, today=TODAY, who=OPERATOR).empty
    out = export_frame(e, Q3, today=TODAY, who=OPERATOR)
    assert list(out.columns) == EXPORT_COLUMNS
    assert EXPORT_COLUMNS[:4] == ["rm", "branch", "period", "contribution_minor"]
    assert EXPORT_COLUMNS[-2:] == ["score", "rank"]
    assert sorted(out["rm"]) == ["abe", "amy", "bob", "zed"]
    assert out.set_index("rm").loc["amy", "contribution_minor"] == 554_700


# --- rmdesk-cli scorecard ------------------------------------------------------------------


def _cli(url: str, *args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from rmdesk.cli import main

    result = CliRunner().invoke(main, ["scorecard", *args, "--db", url], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_the_command_line_shows_sets_and_drills_down(bank: Bank, db_url: str) -> None:
    when = ("--period", "2026Q3", "--today", TODAY.isoformat())
    code, out, _ = _cli(db_url, "show", *when)
    assert code == 0
    ranked = [line.split()[:3] for line in out.splitlines()[1:]]
    cards = _cards(bank)
    assert ranked == [
        ["B1", str(int(cards.loc[u, "rank"])), u] for u in cards.sort_values("rank").index.tolist()
    ]
    code, out, _ = _cli(db_url, "show", "--rm", "amy", *when)
    assert code == 0 and out.startswith("amy (B1), 2026Q3: score ")
    assert "contribution         5,547.00" in out  # 554,700 minor units

    code, _, err = _cli(db_url, "set", "nonsense", "--weight", "1", "--valid-from", "2026-01-01")
    assert code == 2 and "nonsense" in err
    code, out, _ = _cli(
        db_url, "set", "conversion", "--weight", "30", "--target", "0.5",
        "--valid-from", "2026-01-01",
    )  # fmt: skip
    assert code == 0
    rules = weights(bank.engine, on=dt.date(2026, 2, 1), who=OPERATOR).set_index("kpi")
    assert (rules.loc["conversion", "weight"], rules.loc["conversion", "target"]) == (30.0, 0.5)
    code, out, _ = _cli(db_url, "weights", "--on", "2026-02-01")
    assert next(c for c in out.splitlines() if c.startswith("conversion")).split()[:5] == [
        "conversion", "30.00", "0.5000", "0.00", "bank",
    ]  # fmt: skip

    code, out, _ = _cli(db_url, "clients", "--rm", "amy", "--kpi", "contribution", *when)
    assert code == 0
    assert [line.split() for line in out.splitlines()[:3]] == [
        ["client_id", "external_id", "name", "contribution", "previous", "change"],
        ["1", "C1", "客户1", "3,717.00", "3,597.00", "120.00"],  # minor units shown as yuan
        ["4", "C4", "客户4", "1,200.00", "1,320.00", "-120.00"],
    ]
    assert out.splitlines()[-1] == "4 rows behind contribution for amy"
    code, _, err = _cli(db_url, "clients", "--rm", "nobody", "--kpi", "contribution", *when)
    assert code == 5 and "nobody" in err


def test_tasks_count_with_the_visits_they_are_due_beside(bank: Bank) -> None:
    """Visits and tasks done (docs/scorecard.md): a task due in the period counts, done when
    closed by its due day; one closed late or left open past it counts undone; a cancelled
    task and one not yet due do not count."""
    from sqlalchemy import insert, select

    from rmdesk.models import Client, Task

    e, amy = bank.engine, bank.amy
    before = _cards(bank).loc["amy", "visit_completion"]
    base = kpi_clients(e, amy, Q3, "visit_completion", today=TODAY, who=OPERATOR)
    with e.begin() as conn:
        client = conn.execute(select(Client.id).where(Client.rm_id == amy).limit(1)).scalar_one()

        def task(due: dt.date, status: str, closed: dt.datetime | None = None) -> None:
            conn.execute(
                insert(Task).values(
                    client_id=client, user_id=amy, title="t", due_on=due, status=status,
                    closed_at=closed, closed_by=amy if closed else None, version=1,
                )
            )  # fmt: skip

        utc = dt.UTC
        task(dt.date(2026, 8, 10), "done", dt.datetime(2026, 8, 9, 3, tzinfo=utc))  # on time
        task(dt.date(2026, 8, 12), "done", dt.datetime(2026, 8, 20, 3, tzinfo=utc))  # late
        task(dt.date(2026, 8, 15), "open")  # overdue
        task(dt.date(2026, 8, 16), "cancelled", dt.datetime(2026, 8, 1, 3, tzinfo=utc))
        task(dt.date(2026, 11, 1), "open")  # due after the period
    rows = kpi_clients(e, amy, Q3, "visit_completion", today=TODAY, who=OPERATOR)
    tasks = rows[rows["kind"] == "task"]
    assert len(tasks) == 4  # the one due in November is another period's
    assert int(tasks["counted"].sum()) == 3 and int(tasks["done"].sum()) == 1
    done = base["done"].sum() + 1
    counted = base["counted"].sum() + 3
    after = _cards(bank).loc["amy", "visit_completion"]
    assert after == pytest.approx(done / counted) and after != before
