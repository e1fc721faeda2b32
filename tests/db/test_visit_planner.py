"""The visit planner on the tiny hand-made banks of planner_bank.py, whose plans are worked
out by hand there: due dates, districts and reasons, reruns, capacity and holidays, what the RM
does with a plan, and the calendar export."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar
from sqlalchemy import insert, select, text, update

from rmdesk.models import (
    AuditEntry,
    Holding,
    Interaction,
    Suggestion,
    Visit,
)
from rmdesk.services.accounts.users import account
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.common.parameters import DEFAULTS
from rmdesk.services.visits import actions as va
from rmdesk.services.visits import planner as vp
from tests.db.planner_bank import (
    START,
    Bank,
    D,
    _ext,
    _id_of,
    _plan,
    _visit,
    _visit_rows,
    empty_bank,
    main_bank,
)


@pytest.fixture
def bank(db_url: str) -> Iterator[Bank]:
    b = main_bank(db_url)
    yield b
    b.engine.dispose()


@pytest.mark.smoke
def test_due_dates_order_districts_and_reasons(bank: Bank) -> None:
    frame = vp.propose_plan(bank.engine, bank.rm, start=START, weeks=2, who=OPERATOR)
    # due by the first day: C01 (A), C02 (B), C10 (D, silent for a year) and C05 (never
    # contacted) in tier and contribution order; neighbours due soon join them by district
    assert _plan(bank, frame) == [
        ("C01", D(2026, 9, 28), 1, "cadence"),
        ("C03", D(2026, 9, 28), 2, "maturity"),
        ("C02", D(2026, 9, 29), 1, "flag"),
        ("C05", D(2026, 9, 29), 2, "cadence"),
        ("C10", D(2026, 9, 30), 1, "cadence"),
        ("C04", D(2026, 9, 30), 2, "suggestion"),
    ]
    due = dict(zip(frame["client_id"].map(_ext(bank)), frame["due_on"].dt.date, strict=True))
    assert due == {
        "C10": D(2026, 9, 1),
        "C01": D(2026, 9, 19),
        "C02": START,
        "C05": START,
        "C04": D(2026, 9, 30),
        "C03": D(2026, 10, 6),
    }
    assert frame.attrs["unplaced"] == []
    by = frame.set_index(frame["client_id"].map(_ext(bank)))
    assert by.loc["C05", "tier"] == "D"  # no score: the lowest tier
    assert list(by["district"]) == ["浦东", "浦东", "徐汇", "徐汇", "静安", "静安"]
    assert by.loc["C03", "reason_zh"] == (
        "一年定期存款 将于 2026-10-20 到期，请在到期前 14 天即 2026-10-06 前走访；"
        "上次联系 2026-05-01，C 级客户每 180 天联系一次，应于 2026-10-28 联系。"
    )
    assert by.loc["C04", "reason_zh"].startswith(
        "有较强的营销建议：稳健理财，预期年价值 ¥1,500.00，走访提前 30 天；"
    )
    assert by.loc["C04", "reason_en"] == (
        "Strong suggestion: Steady wealth fund, expected value CN¥1,500.00 a year; "
        "visit brought forward 30 days; last contact 2026-08-01; tier B clients are contacted "
        "every 90 days, due 2026-10-30."
    )
    assert by.loc["C02", "reason_en"].startswith(
        "Open high-severity flag DPD_30 (since 2026-09-25)"
    )
    assert "已逾期 9 天" in by.loc["C01", "reason_zh"]
    assert "尚无联系记录" in by.loc["C05", "reason_zh"]
    # the stored visit carries the same reason as JSON, and its district
    row = _visit(bank, int(by.loc["C03", "visit_id"]))
    assert (row.status, row.district, row.version) == ("proposed", "浦东", 1)
    assert vp.reason_text(row.reason, "zh_CN") == by.loc["C03", "reason_zh"]
    assert vp.reason_text(row.reason, "en") == by.loc["C03", "reason_en"]
    assert vp.reason_text("written by hand", "en") == "written by hand"
    assert vp.reason_text(None, "zh_CN") == ""


def test_rerunning_changes_nothing_and_keeps_what_the_rm_decided(bank: Bank) -> None:
    first = vp.propose_plan(bank.engine, bank.rm, start=START, weeks=2, who=OPERATOR)
    before = _visit_rows(bank)
    again = vp.propose_plan(bank.engine, bank.rm, start=START, weeks=2, who=OPERATOR)
    assert _visit_rows(bank) == before
    assert again.equals(first)

    accepted = _id_of(bank, first, "C02")
    va.accept(bank.engine, accepted, version=1, who=account(bank.engine, bank.rm))
    moved = _id_of(bank, first, "C01")
    va.move(
        bank.engine,
        moved,
        D(2026, 10, 9),
        version=1,
        today=START,
        who=account(bank.engine, bank.rm),
    )
    kept = {status: bank.visit("C06", D(2026, 10, 8), status) for status in ("done", "missed")}
    kept["cancelled"] = _id_of(bank, first, "C05")
    va.cancel(
        bank.engine, kept["cancelled"], version=1, reason="出国", who=account(bank.engine, bank.rm)
    )
    untouched = [r for r in _visit_rows(bank) if r[5] != "proposed"]

    third = vp.propose_plan(bank.engine, bank.rm, start=START, weeks=2, who=OPERATOR)
    assert [r for r in _visit_rows(bank) if r[5] != "proposed"] == untouched
    # C01 and C02 now have planned visits in the horizon; the cancelled C05 is proposed again
    assert _plan(bank, third) == [
        ("C10", D(2026, 9, 28), 1, "cadence"),
        ("C04", D(2026, 9, 28), 2, "suggestion"),
        ("C05", D(2026, 9, 29), 2, "cadence"),  # after C02's accepted visit that day
        # no longer joins C01 in 浦东, so C03 waits until it is due (10-06, a holiday: 10-08)
        ("C03", D(2026, 10, 8), 1, "maturity"),
    ]
    # a visit kept for the same client keeps its id; one that changed gets a new version
    for ext, version in (("C10", 2), ("C04", 2), ("C03", 2)):
        assert _id_of(bank, third, ext) == _id_of(bank, first, ext)
        assert _visit(bank, _id_of(bank, third, ext)).version == version
    assert _id_of(bank, third, "C05") != kept["cancelled"]


def test_capacity_weekends_and_national_day(db_url: str) -> None:
    bank = empty_bank(db_url)
    for n in range(1, 10):
        bank.client(f"N{n}")
    bank.client("X")
    bank.visit("X", D(2026, 10, 8), "planned", slot=1)  # takes one of that day's two places
    start = D(2026, 9, 30)  # the Wednesday before National Day
    frame = vp.propose_plan(bank.engine, bank.rm, start=start, weeks=2, who=OPERATOR)
    assert _plan(bank, frame) == [
        ("N1", D(2026, 9, 30), 1, "cadence"),
        ("N2", D(2026, 9, 30), 2, "cadence"),
        ("N3", D(2026, 10, 8), 2, "cadence"),
        ("N4", D(2026, 10, 9), 1, "cadence"),
        ("N5", D(2026, 10, 9), 2, "cadence"),
        ("N6", D(2026, 10, 10), 1, "cadence"),  # a Saturday made a working day (调休)
        ("N7", D(2026, 10, 10), 2, "cadence"),
        ("N8", D(2026, 10, 12), 1, "cadence"),
        ("N9", D(2026, 10, 12), 2, "cadence"),
    ]
    days = set(frame["planned_on"].dt.date)
    assert not days & {D(2026, 10, d) for d in range(1, 8)}  # the National Day holiday
    assert D(2026, 10, 11) not in days  # an ordinary Sunday
    assert frame.groupby("planned_on").size().max() <= 2

    one_week = vp.propose_plan(bank.engine, bank.rm, start=start, weeks=1, who=OPERATOR)
    assert len(one_week) == 2  # 09-30 is the only working day until 10-06
    # X's planned visit is after this shorter horizon, so X is due and waits too
    assert one_week.attrs["unplaced"] == [bank.ids[f"N{n}"] for n in range(3, 10)] + [bank.ids["X"]]
    assert len(_visit_rows(bank)) == 3  # the longer plan's proposals were replaced
    bank.engine.dispose()


def test_a_suggestion_is_valued_in_the_clients_currency(db_url: str) -> None:
    bank = empty_bank(db_url)
    cid = bank.client("U1", tier="B", contacts=(D(2026, 8, 1),))
    with bank.engine.begin() as conn:
        h = {"source": "test", "client_id": cid, "product_id": bank.product["TD1Y"]}
        conn.execute(  # the first holding gives the client's currency, as in scoring
            insert(Holding),
            [
                {**h, "external_id": "U1-1", "currency": "USD"},
                {**h, "external_id": "U1-2", "currency": "CNY"},
            ],
        )
        conn.execute(
            insert(Suggestion).values(
                client_id=cid,
                product_id=bank.product["FUND"],
                likelihood=Decimal("0.3"),
                expected_value_minor=250_000,
                reason_zh="-",
                reason_en="-",
                generated_on=D(2026, 9, 1),
                status="open",
            )
        )
    frame = vp.propose_plan(bank.engine, bank.rm, start=START, weeks=2, who=OPERATOR)
    assert list(frame["purpose"]) == ["suggestion"]
    assert "预期年价值 US$2,500.00，" in frame.loc[0, "reason_zh"]
    assert "expected value US$2,500.00 a year" in frame.loc[0, "reason_en"]
    bank.engine.dispose()


def test_district_neighbours_join_a_day_and_the_route_goes_by_district(db_url: str) -> None:
    bank = empty_bank(db_url, visits_per_day=3)
    start = D(2026, 11, 2)  # an ordinary Monday
    bank.client("P1", district="Z区", tier="A", contribution=900)  # never contacted: due now
    bank.client("P2", district="A区", tier="B", contribution=500)  # never contacted: due now
    bank.client("P3", district="Z区", tier="A", contacts=(start - dt.timedelta(days=10),))
    bank.client("P4", district="A区", tier="A", contacts=(start - dt.timedelta(days=20),))
    frame = vp.propose_plan(bank.engine, bank.rm, start=start, weeks=4, who=OPERATOR)
    # P4 (due 11-12) joins P2 in A区; P3 (due 11-22, a Sunday) is beyond the 14-day window
    assert _plan(bank, frame) == [
        ("P2", start, 1, "cadence"),
        ("P4", start, 2, "cadence"),
        ("P1", start, 3, "cadence"),
        ("P3", D(2026, 11, 23), 1, "cadence"),
    ]
    alone = dataclasses.replace(DEFAULTS, district_window_days=0)
    frame = vp.propose_plan(bank.engine, bank.rm, start=start, weeks=4, params=alone, who=OPERATOR)
    assert _plan(bank, frame) == [
        ("P2", start, 1, "cadence"),
        ("P1", start, 2, "cadence"),
        ("P4", D(2026, 11, 12), 1, "cadence"),
        ("P3", D(2026, 11, 23), 1, "cadence"),
    ]
    bank.engine.dispose()


def test_accept_move_cancel_complete_and_missed(bank: Bank) -> None:
    frame = vp.propose_plan(bank.engine, bank.rm, start=START, weeks=2, who=OPERATOR)
    c01, c02, c04, c10 = (_id_of(bank, frame, e) for e in ("C01", "C02", "C04", "C10"))

    assert va.accept(bank.engine, c01, version=1, who=account(bank.engine, bank.rm)) == 2
    assert _visit(bank, c01).status == "planned"
    with pytest.raises(va.PlanError, match="changed by someone else"):
        va.accept(bank.engine, c01, version=1, who=account(bank.engine, bank.rm))
    with pytest.raises(va.PlanError, match="a planned visit cannot be accepted"):
        va.accept(bank.engine, c01, version=2, who=account(bank.engine, bank.rm))
    with pytest.raises(va.PlanError, match="does not exist"):
        va.accept(bank.engine, 999_999, version=1, who=account(bank.engine, bank.rm))

    with pytest.raises(va.PlanError, match="in the past"):
        va.move(
            bank.engine,
            c02,
            D(2026, 9, 27),
            version=1,
            today=START,
            who=account(bank.engine, bank.rm),
        )
    assert (
        va.move(
            bank.engine,
            c02,
            D(2026, 10, 9),
            version=1,
            today=START,
            who=account(bank.engine, bank.rm),
        )
        == 2
    )
    moved = _visit(bank, c02)
    # proposed becomes planned, and goes after C07's visit already on that day
    assert (moved.status, moved.planned_on, moved.slot) == ("planned", D(2026, 10, 9), 2)

    with pytest.raises(va.PlanError, match="Say why"):
        va.cancel(bank.engine, c04, version=1, reason="  ", who=account(bank.engine, bank.rm))
    va.cancel(bank.engine, c04, version=1, reason="客户出差", who=account(bank.engine, bank.rm))
    assert (_visit(bank, c04).status, _visit(bank, c04).notes) == ("cancelled", "客户出差")
    with pytest.raises(va.PlanError, match="a cancelled visit cannot be moved"):
        va.move(
            bank.engine,
            c04,
            D(2026, 10, 9),
            version=2,
            today=START,
            who=account(bank.engine, bank.rm),
        )

    at = dt.datetime(2026, 9, 29, 15, 30, tzinfo=dt.UTC)
    done = va.complete(
        bank.engine,
        c01,
        version=2,
        outcome="同意续存",
        notes="客户关心利率",
        next_step="送理财资料",
        follow_up_on=D(2026, 10, 12),
        at=at,
        now=at + dt.timedelta(hours=2),  # recorded the same afternoon
        who=account(bank.engine, bank.rm),
    )
    assert done.version == 3 and done.follow_up_visit_id is not None
    visit = _visit(bank, c01)
    assert (visit.status, visit.outcome, visit.follow_up_on) == (
        "done",
        "同意续存",
        D(2026, 10, 12),
    )
    with bank.engine.connect() as conn:
        contact = conn.execute(
            select(Interaction.__table__).where(Interaction.id == done.interaction_id)
        ).one()
    assert (contact.client_id, contact.visit_id, contact.channel, contact.source) == (
        bank.ids["C01"],
        c01,
        "visit",
        "app",
    )
    assert (contact.outcome, contact.notes, contact.next_step, contact.next_step_due) == (
        "同意续存",
        "客户关心利率",
        "送理财资料",
        D(2026, 10, 12),
    )
    stored = contact.occurred_at  # SQLite gives back UTC without a zone
    assert (stored if stored.tzinfo else stored.replace(tzinfo=dt.UTC)) == at
    follow = _visit(bank, done.follow_up_visit_id)
    assert (follow.client_id, follow.planned_on, follow.status, follow.purpose) == (
        bank.ids["C01"],
        D(2026, 10, 12),
        "planned",
        "follow_up",
    )
    assert follow.district == "浦东"
    assert vp.reason_text(follow.reason, "en") == "Follow-up to the visit on 2026-09-29: 送理财资料"
    with pytest.raises(va.PlanError, match="a done visit cannot be moved"):
        va.move(
            bank.engine,
            c01,
            D(2026, 10, 9),
            version=3,
            today=START,
            who=account(bank.engine, bank.rm),
        )

    # the new contact counts: C01 is no longer overdue on 2026-09-30
    overdue = vp.overdue_contacts(bank.engine, rm_id=bank.rm, today=D(2026, 9, 30), who=OPERATOR)
    assert bank.ids["C01"] not in set(overdue["client_id"])

    va.accept(
        bank.engine, c10, version=1, who=account(bank.engine, bank.rm)
    )  # planned on 09-28, never recorded
    assert va.mark_missed(bank.engine, today=D(2026, 10, 1), who=OPERATOR) == 1
    assert _visit(bank, c10).status == "missed" and _visit(bank, c10).version == 3
    assert va.mark_missed(bank.engine, today=D(2026, 10, 1), who=OPERATOR) == 0
    assert _visit(bank, c02).status == "planned"  # 10-09 is still to come

    with bank.engine.connect() as conn:
        trail = conn.execute(
            select(AuditEntry.actor, AuditEntry.action)
            .where(AuditEntry.action.like("visit.%"))
            .order_by(AuditEntry.id)
        ).all()
    assert [tuple(t) for t in trail] == [
        ("cli", "visit.propose"),
        ("rm01", "visit.accept"),
        ("rm01", "visit.move"),
        ("rm01", "visit.cancel"),
        ("rm01", "visit.complete"),
        ("rm01", "visit.accept"),
        ("cli", "visit.mark_missed"),
    ]


def test_a_change_lost_to_another_writer_is_refused(bank: Bank) -> None:
    frame = vp.propose_plan(bank.engine, bank.rm, start=START, weeks=2, who=OPERATOR)
    visit_id = _id_of(bank, frame, "C03")
    # someone else accepts it between our read and our write
    with bank.engine.begin() as conn:
        conn.execute(update(Visit.__table__).where(Visit.id == visit_id).values(version=2))
    with pytest.raises(va.PlanError, match="version 2, you had version 1"):
        va.cancel(
            bank.engine, visit_id, version=1, reason="重复", who=account(bank.engine, bank.rm)
        )
    assert _visit(bank, visit_id).status == "proposed"


def test_ics_export_reads_back(bank: Bank, tmp_path: Path) -> None:
    frame = vp.propose_plan(bank.engine, bank.rm, start=START, weeks=2, who=OPERATOR)
    for ext in ("C03", "C04"):
        va.accept(
            bank.engine, _id_of(bank, frame, ext), version=1, who=account(bank.engine, bank.rm)
        )
    path = tmp_path / "plan.ics"
    end = D(2026, 10, 11)
    assert (
        vp.export_ics(bank.engine, bank.rm, path, start=START, end=end, who=OPERATOR) == 3
    )  # + C07's
    events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in events}
    c03 = _id_of(bank, frame, "C03")
    assert set(by_uid) == {
        f"visit-{_id_of(bank, frame, 'C04')}@rmdesk",
        f"visit-{c03}@rmdesk",
        f"visit-{_visit_rows(bank)[0][0]}@rmdesk",  # C07's planned visit, made first
    }
    event = by_uid[f"visit-{c03}@rmdesk"]
    # at the time the day pack suggests: the day's visits in route order from 09:00
    begin, end_at = event.decoded("DTSTART"), event.decoded("DTEND")
    assert begin.date() == D(2026, 9, 28) and begin.time() >= dt.time(9, 0)
    assert dt.timedelta(minutes=30) <= end_at - begin <= dt.timedelta(hours=2)
    assert str(event["SUMMARY"]) == "走访 客户C03：产品到期"
    assert str(event["LOCATION"]) == "浦东"
    assert str(event["DESCRIPTION"]).startswith("一年定期存款 将于 2026-10-20 到期")

    english = tmp_path / "plan-en.ics"
    count = vp.export_ics(
        bank.engine,
        bank.rm,
        english,
        start=START,
        end=end,
        language="en",
        include_proposed=True,
        who=OPERATOR,
    )
    assert count == 7
    events = Calendar.from_ical(english.read_bytes()).walk("VEVENT")
    dates = sorted(e.decoded("DTSTART").date() for e in events)
    assert dates[0] == START and dates[-1] == D(2026, 10, 9)
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "Visit 客户C02: Risk flag" in summaries
    assert vp.export_ics(bank.engine, bank.rm, english, start=end, end=end, who=OPERATOR) == 0


def test_overdue_contacts(bank: Bank) -> None:
    today = START
    mine = vp.overdue_contacts(bank.engine, rm_id=bank.rm, today=today, who=OPERATOR)
    names = _ext(bank)
    assert list(mine["client_id"].map(names)) == ["C05", "C07", "C10", "C01"]
    row = mine.set_index(mine["client_id"].map(names))
    assert pd.isna(row.loc["C05", "last_contact"]) and pd.isna(row.loc["C05", "days_overdue"])
    assert row.loc["C07", "due_on"].date() == D(2026, 8, 31)
    assert int(row.loc["C07", "days_overdue"]) == 28
    assert row.loc["C07", "next_visit_on"].date() == D(2026, 10, 9)
    assert row.loc["C10", "last_contact"].date() == D(2025, 9, 1)
    assert (row.loc["C10", "tier"], int(row.loc["C10", "cadence_days"])) == ("D", 365)
    assert int(row.loc["C01", "days_overdue"]) == 9
    branch = vp.overdue_contacts(bank.engine, branch_id=bank.branch, today=today, who=OPERATOR)
    assert list(branch["client_id"].map(names)) == ["C05", "C09", "C07", "C10", "C01"]
    assert int(branch.loc[1, "rm_id"]) == bank.other_rm


def test_clients_are_planned_from_the_day_they_join(db_url: str) -> None:
    bank = empty_bank(db_url)
    bank.client("OLD", onboarded_on=D(2020, 1, 1))
    bank.client("SOON", onboarded_on=D(2026, 11, 4))  # a Wednesday within the week
    bank.client("LATER", onboarded_on=D(2026, 12, 1))  # after the plan's last day
    start = D(2026, 11, 2)
    frame = vp.propose_plan(bank.engine, bank.rm, start=start, weeks=1, who=OPERATOR)
    assert _plan(bank, frame) == [
        ("OLD", start, 1, "cadence"),
        ("SOON", D(2026, 11, 4), 1, "cadence"),
    ]
    assert frame.attrs["unplaced"] == []
    overdue = vp.overdue_contacts(bank.engine, rm_id=bank.rm, today=D(2026, 11, 3), who=OPERATOR)
    assert list(overdue["client_id"].map(_ext(bank))) == ["OLD"]
    bank.engine.dispose()


def test_bad_input_is_refused(bank: Bank) -> None:
    with pytest.raises(vp.PlanError, match="at least one week"):
        vp.propose_plan(bank.engine, bank.rm, start=START, weeks=0, who=OPERATOR)
    with pytest.raises(vp.PlanError, match="no user"):
        vp.propose_plan(bank.engine, 999_999, start=START, who=OPERATOR)
    odd = dataclasses.replace(DEFAULTS, holiday_country="XX")
    with pytest.raises(vp.PlanError, match="holiday_country"):
        vp.propose_plan(bank.engine, bank.rm, start=START, params=odd, who=OPERATOR)
    with bank.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM visits")).scalar() == 1
