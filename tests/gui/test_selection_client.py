"""The client view's buttons act on the suggestion or flag chosen, whatever sort came after the
choice (neither list has a filter). Checked in the database: the chosen one changed, no other."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from rmdesk.db import Database
from rmdesk.models import Client, RiskFlag, Suggestion, SuggestionOutcome
from rmdesk.services.accounts.users import user_id
from rmdesk.services.common.access import OPERATOR
from rmdesk.views.client.dialogs import DeclineDialog
from rmdesk.views.client.view import ClientView
from tests.gui.conftest import context_for
from tests.gui.table_driver import click_row, row_of, rows, sort_moving


def _busiest_client(db: Database, table: Any, status: str) -> int:
    """rm01's client with the most rows of ``table`` (suggestions, flags) in ``status``."""
    rm01 = user_id(db.engine, "rm01", who=OPERATOR)
    with db.engine.connect() as conn:
        client, count = conn.execute(
            select(table.client_id, func.count())
            .join(Client, Client.id == table.client_id)
            .where(Client.rm_id == rm01, table.status == status)
            .group_by(table.client_id)
            .order_by(func.count().desc(), table.client_id)
            .limit(1)
        ).one()
    assert count >= 3
    return int(client)


def _statuses(db: Database, table: Any, client: int) -> dict[int, str]:
    with db.engine.connect() as conn:
        found = conn.execute(select(table.id, table.status).where(table.client_id == client))
        return {int(i): str(s) for i, s in found}


def _open(qtbot: QtBot, db: Database, client: int) -> ClientView:
    view = ClientView(context_for(db, "rm01"))
    qtbot.addWidget(view)
    view.resize(1366, 900)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_client(client)
    view.tabs.setCurrentWidget(view.potential)
    return view


def test_an_outcome_after_sorting_goes_to_the_suggestion_chosen(
    qtbot: QtBot, scored_db: Database
) -> None:
    client = _busiest_client(scored_db, Suggestion, "open")
    before = _statuses(scored_db, Suggestion, client)
    view = _open(qtbot, scored_db, client)
    table = view.suggestions.table
    shown = rows(table)
    # the suggestion with the highest or lowest likelihood, not the first row: sorting by
    # likelihood moves it to one end of the table or the other
    likely = [float(r["likelihood"]) for r in shown]
    ends = (likely.index(min(likely)), likely.index(max(likely)))
    chosen = next(shown[i] for i in ends if i > 0 and shown[i]["status"] == "open")
    at = row_of(table, "id", chosen["id"])
    click_row(qtbot, table, at)
    sort_moving(qtbot, table, "likelihood", "id", chosen["id"], chosen_at=at)
    current = view.suggestions.current()
    assert current is not None and current["id"] == chosen["id"]
    assert view.suggestions.reason.text() == chosen["reason_en"]
    with (
        patch.object(DeclineDialog, "exec", return_value=QDialog.DialogCode.Accepted),
        qtbot.waitSignal(view.changed, timeout=5000),
    ):  # OK on the dialog's first reason
        qtbot.mouseClick(view.suggestions.buttons["declined"], Qt.MouseButton.LeftButton)
    with scored_db.engine.connect() as conn:
        outcomes = conn.execute(
            select(SuggestionOutcome.suggestion_id, SuggestionOutcome.outcome).where(
                SuggestionOutcome.client_id == client
            )
        ).all()
    assert [tuple(o) for o in outcomes] == [(int(chosen["id"]), "declined")]
    assert _statuses(scored_db, Suggestion, client) == before | {int(chosen["id"]): "declined"}


def test_acknowledging_after_sorting_acts_on_the_flag_chosen(
    qtbot: QtBot, scored_db: Database
) -> None:
    client = _busiest_client(scored_db, RiskFlag, "raised")
    before = _statuses(scored_db, RiskFlag, client)
    view = _open(qtbot, scored_db, client)
    table = view.flags.table
    raised = [r for r in rows(table) if r["status"] == "raised"]
    chosen = raised[-1]
    at = row_of(table, "id", chosen["id"])
    click_row(qtbot, table, at)
    sort_moving(qtbot, table, "rule_en", "id", chosen["id"], chosen_at=at)
    sort_moving(qtbot, table, "severity", "id", chosen["id"], chosen_at=at)
    current = view.flags.current()
    assert current is not None and current["id"] == chosen["id"]
    assert view.flags.evidence.text() == chosen["evidence_en"]
    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.mouseClick(view.flags.buttons["acknowledge"], Qt.MouseButton.LeftButton)
    assert _statuses(scored_db, RiskFlag, client) == before | {int(chosen["id"]): "acknowledged"}
