"""Today: an RM's day (visits in route order with how to reach the client, tasks due and
overdue, new and high flags per client, maturities, birthdays and anniversaries) and a branch
head's (overdue tasks and visits, new high flags by RM, quiet RMs); the command line prints the
same agenda (docs/today.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from click.testing import CliRunner
from sqlalchemy import insert, update

from rmdesk.cli import EXIT_OK, main
from rmdesk.db import open_database
from rmdesk.models import Base
from rmdesk.services.accounts.users import account
from rmdesk.services.visits import tasks
from rmdesk.services.visits.today import branch_agenda, rm_agenda
from tests.bank import TinyBank

ON = dt.date.today()
t = Base.metadata.tables


def _day(n: int) -> dt.date:
    return ON + dt.timedelta(days=n)


def _bank(db_url: str) -> tuple[Any, dict[str, int]]:
    db = open_database(db_url)
    bank = TinyBank(db.engine)
    b = bank.branch()
    i = {
        "rm": bank.user("rm1", b),
        "quiet": bank.user("rm2", b),
        "head": bank.user("head1", b, role="branch_head"),
    }
    born = ON.replace(year=ON.year - 40)
    i["a"] = bank.client(i["rm"], b, name="甲", birth=born, district="国贸")
    i["b"] = bank.client(
        i["rm"], b, name="乙", birth=dt.date(1990, 1, 1) if ON.month > 6 else dt.date(1990, 12, 1)
    )
    i["co"] = bank.client(
        i["rm"], b, name="丙公司", kind="corporate", birth=_day(3).replace(year=2016)
    )
    i["other"] = bank.client(i["quiet"], b, name="丁")
    deposit = bank.product("TD", "deposit")
    bank.holding(i["a"], deposit, maturity=_day(10))
    bank.holding(i["b"], deposit, maturity=_day(90))  # beyond the 30 days
    with db.engine.begin() as conn:
        conn.execute(update(t["clients"]).where(t["clients"].c.id == i["a"]).values(
            mobile="138 0013 8000", address="建国路1号"))  # fmt: skip
        for slot, client in ((2, i["b"]), (1, i["a"])):
            conn.execute(insert(t["visits"]).values(
                client_id=client, user_id=i["rm"], planned_on=ON, slot=slot, status="planned",
                purpose="maturity", version=1))  # fmt: skip
        conn.execute(insert(t["visits"]).values(
            client_id=i["other"], user_id=i["quiet"], planned_on=_day(-3), slot=1,
            status="planned", purpose="cadence", version=1))  # fmt: skip
        flag = {"evidence": "证据", "evidence_en": "evidence", "evidence_data": {}, "version": 1}
        conn.execute(insert(t["risk_flags"]), [
            {"client_id": i["a"], "rule_code": "DPD_90", "severity": "high", "status": "raised",
             "raised_on": _day(-1), **flag},
            {"client_id": i["a"], "rule_code": "KYC_OVERDUE", "severity": "medium",
             "status": "acknowledged", "raised_on": _day(-2), **flag},
            {"client_id": i["b"], "rule_code": "NO_CONTACT", "severity": "medium",
             "status": "raised", "raised_on": _day(-60), **flag},  # old and not high: not listed
            {"client_id": i["b"], "rule_code": "DPD_1", "severity": "low",
             "status": "resolved", "raised_on": _day(-1), **flag},  # closed: not listed
            {"client_id": i["other"], "rule_code": "DPD_90", "severity": "high",
             "status": "raised", "raised_on": _day(-1), **flag},
        ])  # fmt: skip
    bank.contact(i["a"], dt.datetime.now(dt.UTC) - dt.timedelta(days=1), user_id=i["rm"])
    rm = account(db.engine, i["rm"])
    i["late"] = tasks.add(db.engine, i["a"], "寄材料", ON, who=rm)
    i["soon"] = tasks.add(db.engine, i["b"], "回访", _day(2), who=rm)
    i["snoozed"] = tasks.add(db.engine, i["b"], "送礼品", ON, who=rm)
    tasks.snooze(db.engine, i["snoozed"], 1, _day(2), who=rm)
    with db.engine.begin() as conn:  # a task due three days ago (added then)
        conn.execute(update(t["tasks"]).where(t["tasks"].c.id == i["late"]).values(due_on=_day(-3)))
    return db, i


def test_an_rms_day(db_url: str) -> None:
    db, i = _bank(db_url)
    day = rm_agenda(db.engine, i["rm"], ON, who=account(db.engine, i["rm"]))
    # visits in route order, with where and how to reach the client, at suggested times
    assert [v.name for v in day.visits] == ["甲", "乙"]
    first = day.visits[0]
    assert (first.mobile, first.address, first.district) == ("138 0013 8000", "建国路1号", "国贸")
    assert first.purpose == "产品到期" and first.time < day.visits[1].time
    # tasks due today or before, not snoozed past today; the late one says how late
    assert [(t.title, t.days_late) for t in day.tasks] == [("寄材料", 3)]
    # new or high open flags, one line per client, the worst first
    assert [(g.name, g.severity, len(g.flags)) for g in day.flags] == [("甲", "high", 2)]
    assert day.flags[0].flags[0].rule == "逾期90天以上" and day.flags_total == 1
    # a maturity within 30 days, a 40th birthday and a company's 10th year
    kinds = [(d.kind, d.name, d.what) for d in day.dates]
    assert ("maturity", "甲", "TD产品") in kinds and ("birthday", "甲", "40 岁生日") in kinds
    assert ("anniversary", "丙公司", f"成立 {ON.year - 2016} 周年") in kinds
    assert all(d.name != "乙" or d.kind != "maturity" for d in day.dates)
    db.dispose()


def test_a_heads_day_and_the_command_line(db_url: str) -> None:
    db, i = _bank(db_url)
    day = branch_agenda(db.engine, 1, ON, who=account(db.engine, i["head"]))
    assert [(t.title, t.assignee) for t in day.overdue_tasks] == [("寄材料", "RM1")]
    assert [(v.name, day.visit_rms[v.visit_id]) for v in day.overdue_visits] == [("丁", "RM2")]
    assert [(g.rm, g.name) for g in day.new_high_flags] == [("RM1", "甲"), ("RM2", "丁")]
    assert [(q.name, q.last_contact) for q in day.quiet_rms] == [("RM2", None)]
    db.dispose()
    url = db_url
    for user, language, words in [
        ("rm1", "zh_CN", ["今日走访 (2)", "138 0013 8000 · 建国路1号", "逾期 3 天", "40 岁生日"]),
        ("rm1", "en", ["Visits today (2)", "3 days late", "turns 40"]),
        ("head1", "zh_CN", ["全行逾期待办 (1)", "RM2 · 从未联系"]),
    ]:
        result = CliRunner().invoke(
            main, ["today", "--db", url, "--user", user, "--language", language]
        )
        assert result.exit_code == EXIT_OK, result.output
        for w in words:
            assert w in result.output, (w, result.output)
