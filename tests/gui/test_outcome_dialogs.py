"""The client view asks a decline its reason (Cancel records nothing) and undoes an outcome,
and the next scoring run reads what was recorded (docs/cross-sell.md, "Outcomes")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from rmdesk.db import Database
from rmdesk.models import Client, ClientScore, Suggestion, SuggestionOutcome
from rmdesk.services.accounts.users import user_id
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine import suggestions
from rmdesk.services.engine.scoring import score
from rmdesk.views.client.dialogs import DeclineDialog
from rmdesk.views.client.view import ClientView
from tests.gui.conftest import TODAY, context_for


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the warnings the view shows (instead of a modal message box)."""
    texts: list[str] = []

    def warning(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        texts.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    return texts


def _open(qtbot: QtBot, db: Database) -> ClientView:
    """rm01's first client in the book, on the potential panel, its first suggestion chosen."""
    rm = user_id(db.engine, "rm01", who=OPERATOR)
    with db.engine.connect() as conn:
        client = conn.execute(
            select(Client.id)
            .join(ClientScore, ClientScore.client_id == Client.id)
            .where(Client.rm_id == rm, ClientScore.rank_book == 1)
        ).scalar_one()
    view = ClientView(context_for(db, "rm01"))
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_client(int(client))
    view.tabs.setCurrentWidget(view.potential)
    view.suggestions.table.selectRow(0)
    return view


def _answer(code: str | None, note: str = "") -> Callable[[DeclineDialog], QDialog.DialogCode]:
    """The dialog's exec: pick ``code`` and press OK, or (None) press Cancel."""

    def exec_(dialog: DeclineDialog) -> QDialog.DialogCode:
        if code is None:
            return QDialog.DialogCode.Rejected
        dialog.reason.setCurrentIndex(dialog.reason.findData(code))
        dialog.note.setText(note)
        return QDialog.DialogCode.Accepted

    return exec_


def _outcomes(db: Database, sid: int) -> list[tuple[str, str | None, str | None]]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(SuggestionOutcome.outcome, SuggestionOutcome.reason, SuggestionOutcome.note)
            .where(SuggestionOutcome.suggestion_id == sid)
            .order_by(SuggestionOutcome.id)
        ).all()
    return [(o, r, n) for o, r, n in rows]


def _status(db: Database, sid: int) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(select(Suggestion.status).where(Suggestion.id == sid)).scalar())


def test_the_dialog_offers_the_services_reasons_in_the_interface_language(
    qtbot: QtBot, scored_db: Database, chinese: QLocale
) -> None:
    zh = DeclineDialog(context_for(scored_db, "rm01", language="zh_CN"))
    qtbot.addWidget(zh)
    codes = [zh.reason.itemData(k) for k in range(zh.reason.count())]
    assert tuple(codes) == suggestions.REASONS
    assert zh.reason.itemText(0) == "已在他行办理" and zh.reason.itemText(6) == "其他"
    assert zh.windowTitle() == "客户为何拒绝？"
    en = DeclineDialog(context_for(scored_db, "rm01"))
    qtbot.addWidget(en)
    assert en.reason.itemText(0) == "Has it at another bank"


def test_cancelling_the_decline_records_nothing(
    qtbot: QtBot, scored_db: Database, shown: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _open(qtbot, scored_db)
    sid = int(view.suggestions.current()["id"])  # type: ignore[index]
    monkeypatch.setattr(DeclineDialog, "exec", _answer(None))
    with qtbot.assertNotEmitted(view.changed):
        qtbot.mouseClick(view.suggestions.buttons["declined"], Qt.MouseButton.LeftButton)
    assert _outcomes(scored_db, sid) == [] and _status(scored_db, sid) == "open"
    assert shown == []


def test_a_decline_with_its_reason_then_undone_is_suggested_again_by_the_next_run(
    qtbot: QtBot, scored_db: Database, shown: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _open(qtbot, scored_db)
    row = view.suggestions.current()
    assert row is not None
    assert view.client_id is not None
    sid, client, product = int(row["id"]), view.client_id, int(row["product_id"])
    box = view.suggestions
    assert not box.buttons["reopened"].isEnabled()  # nothing to undo on an open one
    monkeypatch.setattr(DeclineDialog, "exec", _answer("has_it_elsewhere", "招商银行"))
    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.mouseClick(box.buttons["declined"], Qt.MouseButton.LeftButton)
    assert _outcomes(scored_db, sid) == [("declined", "has_it_elsewhere", "招商银行")]
    now = box.current()
    assert now is not None and int(now["id"]) == sid and now["status"] == "declined"
    assert box.buttons["reopened"].isEnabled() and not box.buttons["declined"].isEnabled()

    def open_pairs() -> set[tuple[int, int]]:
        with scored_db.engine.connect() as conn:
            found = conn.execute(
                select(Suggestion.client_id, Suggestion.product_id).where(
                    Suggestion.client_id == client, Suggestion.status == "open"
                )
            ).all()
        return {(int(c), int(p)) for c, p in found}

    score(scored_db.engine, rm="rm01", today=TODAY, who=OPERATOR)
    assert (client, product) not in open_pairs()  # a year out, for "has it elsewhere"
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_client(client)
    box.table.selectRow(next(
        r for r in range(box.table.model_.rowCount()) if box.table.model_.row_at(r)["id"] == sid
    ))  # fmt: skip
    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.mouseClick(box.buttons["reopened"], Qt.MouseButton.LeftButton)
    assert [o for o, _r, _n in _outcomes(scored_db, sid)] == ["declined", "reopened"]
    assert _status(scored_db, sid) == "open"
    current = box.current()
    assert current is not None and current["status"] == "open"
    assert not box.buttons["reopened"].isEnabled()
    score(scored_db.engine, rm="rm01", today=TODAY, who=OPERATOR)
    assert (client, product) in open_pairs()
    assert _status(scored_db, sid) == "open"  # the same suggestion, back in the list
    assert shown == []
