"""The branch head's view on the scored demo bank: head1 heads 朝阳支行 with rm01…rm06.

Driven with qtbot as the head would (clicks, double-clicks, the choosers, the buttons) and
checked against the services and the database.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from rmdesk.db import Database
from rmdesk.models import AuditEntry, Client, Visit
from rmdesk.services.accounts.users import account, user_id
from rmdesk.services.branch.scorecard import KPIS, Period, kpi_clients
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine import risk_rules
from rmdesk.views.branch.view import BranchView
from tests.gui.conftest import TODAY, context_for

BRANCH_RMS = {f"rm0{n}" for n in range(1, 7)}


def _view(qtbot: QtBot, db: Database, user: str = "head1", language: str = "en") -> BranchView:
    view = BranchView(context_for(db, user, language=language))
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    view.refresh()
    return view


def _rows(table: Any) -> list[Any]:
    model = table.model_
    return [model.row_at(r) for r in range(model.rowCount())]


def _click(qtbot: QtBot, table: QAbstractItemView, row: int, *, double: bool = False) -> None:
    """A click (or double-click) on a row of a table, as the user makes it."""
    table.scrollTo(table.model().index(row, 0))
    centre = table.visualRect(table.model().index(row, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    if double:  # Qt's test double-click is the second click of a pair
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def _row_of(table: Any, key: str, value: Any) -> int:
    return next(r for r, row in enumerate(_rows(table)) if row[key] == value)


def _lines(canvas: Any) -> dict[str, Any]:
    (axes,) = canvas.figure.axes
    return {str(line.get_label()): line for line in axes.get_lines()}


def test_head1_ranks_the_branchs_six_rms_and_reads_one_rms_kpis(
    qtbot: QtBot, scored_db: Database, qtmodeltester: Any
) -> None:
    view = _view(qtbot, scored_db)
    cards = view.scorecards
    assert cards.current_period() == Period.parse("2026-10")  # the last complete month
    ranking = _rows(cards.ranking)
    assert {r["username"] for r in ranking} == BRANCH_RMS
    head = account(scored_db.engine, user_id(scored_db.engine, "head1", who=OPERATOR))
    assert {r["branch_id"] for r in ranking} == {head.branch_id}
    scores = [r["score"] for r in ranking]
    assert scores == sorted(scores, reverse=True)
    assert [r["rank"] for r in ranking] == [1, 2, 3, 4, 5, 6]
    assert cards.ranking.model_.index(0, 1).data() == ranking[0]["display_name"]

    # the best RM is selected at first; click the fourth
    assert cards.selected_rm_id() == ranking[0]["rm_id"]
    _click(qtbot, cards.ranking, 3)
    fourth = ranking[3]
    assert cards.selected_rm_id() == fourth["rm_id"]
    assert fourth["display_name"] in cards.kpi_title.text()
    kpis = _rows(cards.kpis)
    assert [r["kpi"] for r in kpis] == [k.key for k in KPIS]
    by_kpi = {r["kpi"]: r for r in kpis}
    assert by_kpi["contribution"]["value"] == fourth["contribution"]
    assert by_kpi["contribution"]["target"] == 6_000_000  # the default, for one month
    assert by_kpi["kyc_compliance"]["attainment"] == pytest.approx(
        fourth["kyc_compliance_attainment"]
    )
    shown = {r["kpi"]: r for r in _rows(cards.kpis)}
    assert shown["contribution"]["value_text"] == view.ctx.formats.money_whole(
        fourth["contribution"]
    )
    assert sum(r["points"] for r in kpis if r["points"] == r["points"]) == pytest.approx(
        fourth["score"], abs=1e-3
    )

    # the trend: the RM's score over the last 12 months, the branch's average beside it
    lines = _lines(cards.trend_canvas)
    rm_line = lines[fourth["display_name"]]
    assert len(rm_line.get_ydata()) == 12
    assert rm_line.get_ydata()[-1] == pytest.approx(fourth["score"])
    assert len(lines["Branch average"].get_ydata()) == 12
    # the Pareto curve of the branch, with the 20 % point marked
    pareto = _lines(cards.pareto_canvas)["Contribution"]
    assert pareto.get_xdata()[0] == 0 and pareto.get_xdata()[-1] == 1
    assert pareto.get_ydata()[-1] > 0.9
    (axes,) = cards.pareto_canvas.figure.axes
    marks = [line for line in axes.get_lines() if list(line.get_xdata()) == [0.2]]
    assert len(marks) == 1 and 0.5 < marks[0].get_ydata()[0] <= 1
    assert "Top 20% of clients" in " ".join(t.get_text() for t in axes.texts)

    for table in (cards.ranking, cards.kpis, view.flags.table, view.handover.clients):
        qtmodeltester.check(table.model_)


def test_a_kpi_drills_down_to_its_clients_and_a_client_opens(
    qtbot: QtBot, scored_db: Database, qtmodeltester: Any
) -> None:
    view = _view(qtbot, scored_db)
    cards = view.scorecards
    rm = cards.ranking.current_row()
    assert rm is not None
    _click(qtbot, cards.kpis, _row_of(cards.kpis, "kpi", "contribution"), double=True)
    expected = kpi_clients(
        scored_db.engine,
        int(rm["rm_id"]),
        Period.parse("2026-10"),
        "contribution",
        today=TODAY,
        who=OPERATOR,
    )
    rows = _rows(cards.drill)
    assert len(rows) == len(expected) > 10
    assert [r["client_id"] for r in rows] == list(expected["client_id"])
    assert cards.right.currentIndex() == 1
    assert f"{len(rows)} rows" in cards.drill_title.text()
    qtmodeltester.check(cards.drill.model_)
    with qtbot.waitSignal(view.client_requested) as opened:
        _click(qtbot, cards.drill, 2, double=True)
    assert opened.args == [int(rows[2]["client_id"])]


def test_the_branchs_open_flags_filtered_by_severity_and_rm(
    qtbot: QtBot, scored_db: Database
) -> None:
    view = _view(qtbot, scored_db)
    view.tabs.setCurrentWidget(view.flags)
    flags = view.flags
    rows = _rows(flags.table)
    assert len(rows) > 20
    head = account(scored_db.engine, user_id(scored_db.engine, "head1", who=OPERATOR))
    with scored_db.engine.connect() as conn:
        branches = set(
            conn.execute(
                select(Client.branch_id).where(Client.id.in_({int(r["client_id"]) for r in rows}))
            ).scalars()
        )
    assert branches == {head.branch_id}
    assert {r["status"] for r in rows} <= {"raised", "acknowledged"}
    assert view.tabs.tabText(1) == f"Risk flags ({len(rows)})"

    flags.severity.setCurrentIndex(flags.severity.findData("high"))
    high = _rows(flags.table)
    assert high and {r["severity"] for r in high} == {"high"}
    rm = next(i for i in range(flags.rm.count()) if "rm03" in flags.rm.itemText(i))
    flags.rm.setCurrentIndex(rm)
    rm03 = user_id(scored_db.engine, "rm03", who=OPERATOR)
    assert all(r["rm_id"] == rm03 and r["severity"] == "high" for r in _rows(flags.table))
    flags.severity.setCurrentIndex(0)
    theirs = _rows(flags.table)
    assert theirs and {r["rm_id"] for r in theirs} == {rm03}
    assert f"of {len(rows)}" in flags.count.text()
    with qtbot.waitSignal(view.client_requested) as opened:
        _click(qtbot, flags.table, 0, double=True)
    assert opened.args == [int(theirs[0]["client_id"])]


def test_the_flags_rule_filter_offers_the_registrys_rules(
    qtbot: QtBot, scored_db: Database
) -> None:
    view = _view(qtbot, scored_db)
    flags = view.flags
    offered = [flags.rule.itemData(i) for i in range(flags.rule.count())]
    assert offered == ["", *(r.code for r in risk_rules.RULES)]  # all, then the registry's order
    assert flags.rule.itemText(offered.index("NO_CONTACT")) == "No contact within cadence"
    every = _rows(flags.table)
    code = next(r.code for r in risk_rules.RULES if r.code in {x["rule_code"] for x in every})
    flags.rule.setCurrentIndex(offered.index(code))
    shown = _rows(flags.table)
    assert shown and {r["rule_code"] for r in shown} == {code}
    assert len(shown) == sum(r["rule_code"] == code for r in every) < len(every)
    assert f"{len(shown)} of {len(every)}" in flags.count.text()
    flags.rule.setCurrentIndex(0)
    assert len(_rows(flags.table)) == len(every)


def test_a_handover_through_the_view_moves_the_clients(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    view.tabs.setCurrentWidget(view.handover)
    panel = view.handover
    rm01, rm02 = (
        user_id(scored_db.engine, "rm01", who=OPERATOR),
        user_id(scored_db.engine, "rm02", who=OPERATOR),
    )
    panel.from_rm.setCurrentIndex(panel.from_rm.findData(rm01))
    book = _rows(panel.clients)
    assert book and {r["rm"] for r in book} == {book[0]["rm"]}
    chosen = [int(r["client_id"]) for r in book[:3]]
    _click(qtbot, panel.clients, 0)
    qtbot.mouseClick(
        panel.clients.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        panel.clients.visualRect(panel.clients.model().index(2, 0)).center(),
    )
    assert panel.chosen_ids() == chosen
    assert panel.selected.text() == "3 clients"

    # no receiving RM yet: the preview says so and nothing can be confirmed
    qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
    assert "receiving RM" in panel.message.text() and not panel.confirm_button.isEnabled()
    # the same RM: refused, naming the client
    panel.to_rm.setCurrentIndex(panel.to_rm.findData(rm01))
    qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
    assert "already in" in panel.message.text() and book[0]["external_id"] in panel.message.text()

    panel.to_rm.setCurrentIndex(panel.to_rm.findData(rm02))
    qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
    assert panel.plan is not None and panel.plan.count == 3
    assert panel.summary.text().startswith("3 clients to")
    assert not panel.confirm_button.isEnabled()  # a reason first
    qtbot.keyClicks(panel.reason, "rm01 leaves for the head office")
    assert panel.confirm_button.isEnabled()
    moving_visits = panel.plan.visits
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)

    with scored_db.engine.connect() as conn:
        held = dict(
            conn.execute(select(Client.id, Client.rm_id).where(Client.id.in_(chosen))).all()
        )
        entries = conn.execute(
            select(AuditEntry.entity_id, AuditEntry.actor, AuditEntry.detail).where(
                AuditEntry.action == "client.handover"
            )
        ).all()
        ahead = conn.execute(
            select(Visit.user_id).where(
                Visit.client_id.in_(chosen),
                Visit.planned_on >= TODAY,
                Visit.status.in_(["proposed", "planned"]),
            )
        ).scalars()
        ahead_users = list(ahead)
    assert held == dict.fromkeys(chosen, rm02)
    assert sorted(int(e.entity_id) for e in entries) == sorted(chosen)
    assert {e.actor for e in entries} == {"head1"}
    assert {e.detail["reason"] for e in entries} == {"rm01 leaves for the head office"}
    assert moving_visits > 0 and ahead_users == [rm02] * len(ahead_users)
    assert "3 clients handed over" in panel.message.text()
    # the list shows rm01's book without them, and the ranking has been reloaded
    assert not set(chosen) & {int(r["client_id"]) for r in _rows(panel.clients)}
    assert not panel.confirm_button.isEnabled() and panel.reason.text() == ""


def test_quarterly_scorecards(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    cards = view.scorecards
    month_rm = cards.selected_rm_id()
    cards.kind.setCurrentIndex(cards.kind.findData("quarter"))
    assert cards.current_period() == Period.parse("2026Q3")
    ranking = _rows(cards.ranking)
    assert {r["period"] for r in ranking} == {"2026Q3"} and len(ranking) == 6
    contribution = {r["kpi"]: r for r in _rows(cards.kpis)}["contribution"]
    assert contribution["target"] == 3 * 6_000_000
    chosen = cards.ranking.current_row()
    assert chosen is not None and chosen["rm_id"] == month_rm  # the RM chosen stays chosen
    rm_line = _lines(cards.trend_canvas)[str(chosen["display_name"])]
    assert len(rm_line.get_ydata()) == 8
    assert rm_line.get_ydata()[-1] == pytest.approx(chosen["score"])


def test_in_chinese(qtbot: QtBot, scored_db: Database, chinese: object) -> None:
    view = _view(qtbot, scored_db, language="zh_CN")
    assert [view.tabs.tabText(i).split("（")[0] for i in range(3)] == [
        "考核",
        "风险预警",
        "客户移交",
    ]
    cards = view.scorecards
    header = cards.ranking.model_.headerData
    assert header(0, Qt.Orientation.Horizontal) == "排名"
    assert header(3, Qt.Orientation.Horizontal) == "贡献度"  # the KPI's own Chinese name
    assert _rows(cards.kpis)[0]["name"] == "贡献度"
    assert cards.kind.currentText() == "月度"
    (trend,) = cards.trend_canvas.figure.axes
    assert trend.get_title().startswith("得分及支行排名")
    (pareto,) = cards.pareto_canvas.figure.axes
    assert pareto.get_xlabel() == "客户数占比" and pareto.get_ylabel() == "贡献度累计占比"
    flags = view.flags.table.model_
    rule = [c.key for c in flags.columns].index("rule_zh")
    assert flags.headerData(rule, Qt.Orientation.Horizontal) == "预警规则"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(flags.index(0, rule).data()))
    assert flags.index(0, 0).data() in {"高", "中", "低"}
    panel = view.handover
    panel.to_rm.setCurrentIndex(1)
    qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
    assert panel.message.text() == "请选择要移交的客户。"


def test_an_administrator_chooses_the_branch(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db, user="admin")
    assert view.branch.isVisibleTo(view) and view.branch.count() == 5
    first = view.branch.itemData(0)
    assert view.branch_id == first
    view.set_branch(2)
    assert view.branch_id == 2
    assert {r["username"] for r in _rows(view.scorecards.ranking)} == {
        f"rm{n:02d}" for n in range(7, 13)
    }
    assert {r["branch_id"] for r in _rows(view.scorecards.ranking)} == {2}
