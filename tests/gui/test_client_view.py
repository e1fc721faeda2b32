"""The client view, driven as an RM drives it, checked in the database."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, insert, select

from rmdesk.db import Database
from rmdesk.models import (
    AuditEntry,
    Client,
    ClientScore,
    Interaction,
    RiskFlag,
    RiskFlagEvent,
    Suggestion,
    SuggestionOutcome,
    SuggestionStatus,
    User,
)
from rmdesk.services.accounts.users import user_id
from rmdesk.services.common import contact_details
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine import suggestions
from rmdesk.views.client import view as module
from rmdesk.views.client.marketing import SuggestionsBox
from rmdesk.views.client.view import ClientView
from tests.gui.conftest import TODAY, context_for

TABS_ZH = ["概况", "忠诚度", "利润贡献", "业绩", "潜力", "产品", "营销"]


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the warnings the view shows (instead of a modal message box)."""
    texts: list[str] = []

    def warning(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        texts.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    return texts


def _top_client(db: Database, username: str = "rm01") -> int:
    rm = user_id(db.engine, username, who=OPERATOR)
    with db.engine.connect() as conn:
        return int(
            conn.execute(
                select(Client.id)
                .join(ClientScore, ClientScore.client_id == Client.id)
                .where(Client.rm_id == rm, ClientScore.rank_book == 1)
            ).scalar_one()
        )


def _bare_client(db: Database) -> int:
    """A client of rm01 who holds nothing and has no score, flags, contacts or suggestions."""
    with db.engine.begin() as conn:
        rm, branch = conn.execute(
            select(Client.rm_id, Client.branch_id).where(
                Client.rm_id == user_id(db.engine, "rm01", who=OPERATOR)
            )
        ).first()  # type: ignore[misc]
        return int(
            conn.execute(
                insert(Client)
                .values(
                    source="test",
                    external_id="NEW0001",
                    kind="individual",
                    name="新开户客户",
                    segment="mass",
                    rm_id=rm,
                    branch_id=branch,
                    status="active",
                    attributes={},
                    version=1,
                )
                .returning(Client.id)
            ).scalar_one()
        )


def _open(qtbot: QtBot, db: Database, client_id: int, language: str = "en") -> ClientView:
    view = ClientView(context_for(db, "rm01", language=language))
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_client(client_id)
    return view


def _visit_every_tab(view: ClientView) -> None:
    for i in range(view.tabs.count()):
        view.tabs.setCurrentIndex(i)
        assert view.tabs.currentWidget().isVisibleTo(view)


def test_every_panel_opens_for_the_top_client(
    qtbot: QtBot, scored_db: Database, shown: list[str], qtmodeltester: Any
) -> None:
    client = _top_client(scored_db)
    view = _open(qtbot, scored_db, client)
    _visit_every_tab(view)
    assert shown == []
    with scored_db.engine.connect() as conn:
        name, id_number = conn.execute(
            select(Client.name, Client.id_number).where(Client.id == client)
        ).one()
        contacts = conn.execute(
            select(func.count()).where(Interaction.client_id == client)
        ).scalar_one()
        viewed = conn.execute(
            select(AuditEntry.actor).where(
                AuditEntry.action == "view", AuditEntry.entity_id == str(client)
            )
        ).scalar_one()
    assert view.header.name.text() == name
    assert "Tier A" in view.header.who.text()
    assert view.header.tiles["rank"].text().startswith("1 / ")
    masked = view.profile.facts.values["id_number"].text()
    assert masked == id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]
    # how to reach the client, each detail one click from the clipboard
    with scored_db.engine.connect() as conn:
        reach = conn.execute(
            select(Client.mobile, Client.phone, Client.email, Client.wechat, Client.address).where(
                Client.id == client
            )
        ).one()
    shown_reach = [view.profile.reach[n].text() for n in contact_details.NAMES]
    assert shown_reach == [v or "—" for v in reach] and any(reach)
    first = next(n for n, v in zip(contact_details.NAMES, reach, strict=True) if v)
    view.profile.copy_buttons[first].click()
    assert QGuiApplication.clipboard().text() == view.profile.reach[first].text()
    assert view.products.table.model_.rowCount() > 0
    holdings = view.products.table.model_
    account = holdings.index(0, [c.key for c in holdings.columns].index("account_no")).data()
    full = str(holdings.frame["account_no"].iloc[0])
    assert account == full[:4] + "*" * (len(full) - 8) + full[-4:]  # as on paper and in exports
    assert view.marketing.contacts.model_.rowCount() == contacts
    assert view.suggestions.table.model_.rowCount() > 0
    assert view.flags.table.model_.rowCount() > 0
    assert view.performance.months.model_.rowCount() == 24
    assert view.contribution.products.model_.rowCount() > 0
    assert "Trailing-12-month contribution" in view.contribution.lines.toPlainText()
    assert viewed == "rm01"  # opening a client is in the audit trail
    lines = view.profile.summary
    assert lines.rowCount() == 7  # one line per P
    product = view.profile.summary_box.findChild(QLabel, "summary_product")
    live = view.products.table.model_.frame["live"].sum()
    assert product is not None and product.text().startswith(f"{live} products: ")
    for table in (view.products.table, view.flags.table, view.marketing.contacts):
        qtmodeltester.check(table.model_)


def test_a_client_with_nothing_opens_on_every_panel(
    qtbot: QtBot, scored_db: Database, shown: list[str]
) -> None:
    view = _open(qtbot, scored_db, _bare_client(scored_db))
    _visit_every_tab(view)
    assert shown == []
    assert view.header.name.text() == "新开户客户"
    assert "Not scored" in view.header.who.text()
    assert view.products.table.model_.rowCount() == 0 and not view.products.empty.isHidden()
    assert view.flags.table.model_.rowCount() == 0 and not view.flags.empty.isHidden()
    assert view.suggestions.table.model_.rowCount() == 0
    assert not any(b.isEnabled() for b in view.flags.buttons.values())
    assert not any(b.isEnabled() for b in view.suggestions.buttons.values())
    assert view.loyalty.facts.values["last_contact"].text() == "Never contacted"
    assert len(view.contribution.chart.figure.axes[0].patches) == 24


def test_a_client_outside_the_book_is_not_shown(
    qtbot: QtBot, scored_db: Database, shown: list[str]
) -> None:
    other = _top_client(scored_db, "rm02")
    view = ClientView(context_for(scored_db, "rm01"))
    qtbot.addWidget(view)
    view.show_client(other)
    assert shown and "not in your book" in shown[0]
    assert view.header.isHidden()
    chinese_view = ClientView(context_for(scored_db, "rm01", language="zh_CN"))
    qtbot.addWidget(chinese_view)
    chinese_view.show_client(other)
    assert "不在您的管户范围内" in shown[-1]


def _flag_of(db: Database, flag_id: int) -> tuple[str, str | None, list[tuple[Any, ...]]]:
    with db.engine.connect() as conn:
        status, reason = conn.execute(
            select(RiskFlag.status, RiskFlag.reason).where(RiskFlag.id == flag_id)
        ).one()
        events = conn.execute(
            select(RiskFlagEvent.actor_id, RiskFlagEvent.from_status, RiskFlagEvent.to_status)
            .where(RiskFlagEvent.flag_id == flag_id)
            .order_by(RiskFlagEvent.id)
        ).all()
    return str(status), reason, [tuple(e) for e in events]


def test_acknowledging_a_flag(qtbot: QtBot, scored_db: Database, shown: list[str]) -> None:
    view = _open(qtbot, scored_db, _top_client(scored_db))
    view.tabs.setCurrentWidget(view.potential)
    view.flags.table.selectRow(0)
    flag_id = int(view.flags.current()["id"])  # type: ignore[index]
    assert view.flags.buttons["acknowledge"].isEnabled()
    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.mouseClick(view.flags.buttons["acknowledge"], Qt.MouseButton.LeftButton)
    assert shown == []
    status, _reason, events = _flag_of(scored_db, flag_id)
    rm01 = user_id(scored_db.engine, "rm01", who=OPERATOR)
    assert status == "acknowledged"
    assert events[-1] == (rm01, "raised", "acknowledged")
    # the view shows the new state, the same flag still selected, with its history
    row = view.flags.current()
    assert row is not None and int(row["id"]) == flag_id and row["status"] == "acknowledged"
    assert view.flags.history.model_.rowCount() == len(events)
    assert not view.flags.buttons["acknowledge"].isEnabled()
    assert view.flags.buttons["resolve"].isEnabled()


def test_dismissing_needs_a_reason(
    qtbot: QtBot, scored_db: Database, shown: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _open(qtbot, scored_db, _top_client(scored_db))
    view.flags.table.selectRow(0)
    flag_id = int(view.flags.current()["id"])  # type: ignore[index]
    before = _flag_of(scored_db, flag_id)
    # the dialog's OK with an empty reason: refused with a message, nothing written
    monkeypatch.setattr(module.FlagActionDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    with qtbot.assertNotEmitted(view.changed):
        qtbot.mouseClick(view.flags.buttons["dismiss"], Qt.MouseButton.LeftButton)
    assert shown == ["Say why the flag is dismissed: a reason is required."]
    assert _flag_of(scored_db, flag_id) == before

    def with_reason(dialog: Any) -> QDialog.DialogCode:
        dialog.reason.setPlainText("客户已说明：资金用于购房")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(module.FlagActionDialog, "exec", with_reason)
    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.mouseClick(view.flags.buttons["dismiss"], Qt.MouseButton.LeftButton)
    status, reason, events = _flag_of(scored_db, flag_id)
    assert (status, reason) == ("dismissed", "客户已说明：资金用于购房")
    assert events[-1][2] == "dismissed" and len(shown) == 1


def test_the_dismiss_dialog_asks_why_and_until_when(qtbot: QtBot, scored_db: Database) -> None:
    """Every field of the dialog is in its form (no stray widget), OK waits for a reason, and
    the quiet date starts at the dismiss_quiet_days parameter and can be chosen."""
    from PySide6.QtWidgets import QDateEdit, QDialogButtonBox, QFormLayout

    today = dt.date(2026, 11, 2)
    dialog = module.FlagActionDialog("dismiss", today, "Dismiss", quiet_days=30)
    qtbot.addWidget(dialog)
    form = dialog.findChild(QFormLayout)
    laid_out = {form.itemAt(i).widget() for i in range(form.count())}
    assert all(edit in laid_out for edit in dialog.findChildren(QDateEdit))
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reason.setPlainText("已与客户核实")
    assert ok.isEnabled()
    assert dialog.values() == ("已与客户核实", today + dt.timedelta(days=30))
    dialog.until.setDate(QDate(2027, 1, 15))
    assert dialog.values()[1] == dt.date(2027, 1, 15)


def test_snoozing_until_a_date(
    qtbot: QtBot, scored_db: Database, shown: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _open(qtbot, scored_db, _top_client(scored_db))
    view.flags.table.selectRow(0)
    flag_id = int(view.flags.current()["id"])  # type: ignore[index]

    def until(dialog: Any) -> QDialog.DialogCode:
        dialog.until.setDate(QDate(2026, 12, 1))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(module.FlagActionDialog, "exec", until)
    qtbot.mouseClick(view.flags.buttons["snooze"], Qt.MouseButton.LeftButton)
    assert shown == []
    with scored_db.engine.connect() as conn:
        status, snoozed = conn.execute(
            select(RiskFlag.status, RiskFlag.snoozed_until).where(RiskFlag.id == flag_id)
        ).one()
    assert (status, snoozed) == ("snoozed", dt.date(2026, 12, 1))
    assert view.flags.current()["status"] == "snoozed"  # type: ignore[index]


def test_recording_a_suggestions_outcome(
    qtbot: QtBot, scored_db: Database, shown: list[str]
) -> None:
    view = _open(qtbot, scored_db, _top_client(scored_db))
    view.suggestions.table.selectRow(0)
    row = view.suggestions.current()
    assert row is not None
    assert view.suggestions.reason.text() == row["reason_en"]
    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.mouseClick(view.suggestions.buttons["accepted"], Qt.MouseButton.LeftButton)
    assert shown == []
    with scored_db.engine.connect() as conn:
        outcome = conn.execute(
            select(SuggestionOutcome.outcome, SuggestionOutcome.user_id).where(
                SuggestionOutcome.suggestion_id == int(row["id"])
            )
        ).one()
        status = conn.execute(
            select(Suggestion.status).where(Suggestion.id == int(row["id"]))
        ).scalar_one()
    assert tuple(outcome) == ("accepted", user_id(scored_db.engine, "rm01", who=OPERATOR))
    assert status == "accepted"
    assert not view.suggestions.buttons["declined"].isEnabled()  # accepted is final


def _interactions(db: Database, client: int) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(
                Interaction.user_id,
                Interaction.channel,
                Interaction.purpose,
                Interaction.next_step_due,
            )
            .where(Interaction.client_id == client, Interaction.source == "app")
            .order_by(Interaction.id)
        ).all()
    return [tuple(r) for r in rows]


def test_logging_a_contact(qtbot: QtBot, scored_db: Database, shown: list[str]) -> None:
    client = _top_client(scored_db)
    view = _open(qtbot, scored_db, client)
    before = view.marketing.contacts.model_.rowCount()
    form = view.form
    form.set_channel("phone")
    qtbot.keyClicks(form.purpose, "Wealth product matures")
    form.outcome.setText("客户同意续投")
    form.next_step.setText("送达产品说明书")
    form.has_due.setChecked(True)
    form.due.setDate(QDate.currentDate().addDays(3))
    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    assert shown == [] and form.message.text() == ""
    rm01 = user_id(scored_db.engine, "rm01", who=OPERATOR)
    due = dt.date.today() + dt.timedelta(days=3)
    assert _interactions(scored_db, client) == [(rm01, "phone", "Wealth product matures", due)]
    assert view.marketing.contacts.model_.rowCount() == before + 1
    assert form.purpose.text() == ""  # the form is ready for the next one


def test_a_bad_contact_is_named_and_nothing_is_written(
    qtbot: QtBot, scored_db: Database, shown: list[str]
) -> None:
    client = _top_client(scored_db)
    view = _open(qtbot, scored_db, client)
    form = view.form
    form.purpose.setText("电话回访")
    with qtbot.assertNotEmitted(view.changed):
        qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    assert form.message.text().startswith("Channel:")
    assert _interactions(scored_db, client) == []
    assert form.purpose.text() == "电话回访"  # the RM's input is kept

    form.set_channel("visit")
    form.next_step.setText("补充资料")
    form.has_due.setChecked(True)
    form.due.setDate(form.occurred_at.date().addDays(-1))
    with qtbot.assertNotEmitted(view.changed):
        qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    assert form.message.text().startswith("Next step due:")
    assert "before the contact" in form.message.text()
    assert _interactions(scored_db, client) == []
    assert shown == []


def test_the_chart_has_24_months(qtbot: QtBot, scored_db: Database) -> None:
    view = _open(qtbot, scored_db, _top_client(scored_db))
    data = view.data
    assert data is not None
    bars_axis, lines_axis = view.contribution.chart.figure.axes
    heights = [p.get_height() for p in bars_axis.patches]
    assert len(heights) == 24
    assert heights == pytest.approx((data.breakdown.months["contribution"] / 100).tolist())
    deposits, loans = lines_axis.get_lines()
    assert len(deposits.get_xdata()) == len(loans.get_xdata()) == 24
    assert deposits.get_ydata()[-1] == pytest.approx(
        data.profile.balances["deposits_minor"].iloc[-1] / 100
    )
    labels = [t.get_text() for t in bars_axis.get_xticklabels()]
    assert labels[-1] == "2026-10" and all(len(t) == 7 for t in labels)
    legend = [t.get_text() for t in bars_axis.get_legend().get_texts()]
    assert legend == [
        "Contribution",
        "Deposits and investments (average balance)",
        "Loans (average balance)",
    ]


def test_the_view_in_chinese(qtbot: QtBot, scored_db: Database, chinese: QLocale) -> None:
    view = _open(qtbot, scored_db, _top_client(scored_db), language="zh_CN")
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == TABS_ZH
    legend = view.contribution.chart.figure.axes[0].get_legend().get_texts()
    assert [t.get_text() for t in legend] == [
        "贡献度",
        "存款及理财（日均余额）",
        "贷款（日均余额）",
    ]
    view.suggestions.table.selectRow(0)
    row = view.suggestions.current()
    assert row is not None and view.suggestions.reason.text() == row["reason_zh"]
    assert view.flags.buttons["acknowledge"].text() == "确认"
    assert "A 级客户" in view.header.who.text()
    assert view.marketing.form.save.text() == "登记联系"
    assert "近12个月贡献度" in view.contribution.lines.toPlainText()
    assert view.profile.summary_box.title() == "7P 概要"
    summary = view.profile.summary_box.findChild(QLabel, "summary_profitability")
    assert summary is not None and summary.text().startswith("近12个月贡献 ¥")
    header = view.products.table.model_.headerData(0, Qt.Orientation.Horizontal)
    assert header == "产品"


def test_the_outcome_buttons_are_the_services_table(qtbot: QtBot, scored_db: Database) -> None:
    """One button per outcome of ``suggestions.OUTCOME_FROM``, enabled exactly from the
    statuses the service records it from: a pitched suggestion can be pitched again."""
    box = SuggestionsBox(context_for(scored_db, "rm01"))
    qtbot.addWidget(box)
    assert tuple(box.buttons) == suggestions.OUTCOMES
    statuses = [s.value for s in SuggestionStatus]
    frame = pd.DataFrame(
        {
            "id": range(1, len(statuses) + 1),
            "rank": 1,
            "name_en": "Fund",
            "expected_value_minor": 100,
            "likelihood": 0.5,
            "status": statuses,
            "reason_en": "why",
        }
    )
    box.show_profile(SimpleNamespace(suggestions=frame), None)  # type: ignore[arg-type]
    for row, status in enumerate(statuses):
        box.table.selectRow(row)
        enabled = {code for code, button in box.buttons.items() if button.isEnabled()}
        allowed = {o for o, before in suggestions.OUTCOME_FROM.items() if status in before}
        assert enabled == allowed, status
    box.table.selectRow(statuses.index("pitched"))
    assert box.buttons["pitched"].isEnabled() and box.buttons["not_now"].isEnabled()
    box.table.selectRow(statuses.index("declined"))
    assert [c for c, b in box.buttons.items() if b.isEnabled()] == ["reopened"]  # only an undo


def test_pitching_twice_from_the_view(qtbot: QtBot, scored_db: Database, shown: list[str]) -> None:
    view = _open(qtbot, scored_db, _top_client(scored_db))
    view.suggestions.table.selectRow(0)
    row = view.suggestions.current()
    assert row is not None
    for _ in range(2):
        assert view.suggestions.buttons["pitched"].isEnabled()
        with qtbot.waitSignal(view.changed, timeout=5000):
            qtbot.mouseClick(view.suggestions.buttons["pitched"], Qt.MouseButton.LeftButton)
    assert shown == []
    with scored_db.engine.connect() as conn:
        outcomes = (
            conn.execute(
                select(SuggestionOutcome.outcome).where(
                    SuggestionOutcome.suggestion_id == int(row["id"])
                )
            )
            .scalars()
            .all()
        )
    assert outcomes == ["pitched", "pitched"]


def test_a_handover_is_in_the_clients_history_and_its_tasks_follow(
    qtbot: QtBot, scored_db: Database
) -> None:
    """Handed from rm02 to rm01, the client shows the handover (when, from whom, to whom)
    and its open task, now rm01's."""
    from rmdesk.services.accounts.users import account
    from rmdesk.services.branch.handover import reassign
    from rmdesk.services.common.access import system
    from rmdesk.services.visits import tasks

    client = _top_client(scored_db, "rm02")
    rm02 = account(scored_db.engine, user_id(scored_db.engine, "rm02", who=OPERATOR))
    tasks.add(scored_db.engine, client, "寄送对账单", TODAY, who=rm02, today=TODAY)
    reassign(
        scored_db.engine,
        [client],
        user_id(scored_db.engine, "rm01", who=OPERATOR),
        reason="rm02 on leave",
        today=TODAY,
        who=system("head1"),
    )
    view = _open(qtbot, scored_db, client)
    history = view.loyalty.handovers.model_
    assert history.rowCount() == 1
    row = history.row_at(0)
    with scored_db.engine.connect() as conn:
        names = dict(
            conn.execute(
                select(User.username, User.display_name).where(User.username.in_(["rm01", "rm02"]))
            ).all()
        )
    assert (row["effective_on"], row["from_rm"], row["to_rm"]) == (
        TODAY, names["rm02"], names["rm01"]
    )  # fmt: skip
    open_tasks = view.marketing.tasks.model_
    assert [open_tasks.row_at(r)["title"] for r in range(open_tasks.rowCount())] == ["寄送对账单"]
