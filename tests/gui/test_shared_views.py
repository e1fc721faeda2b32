"""The pieces every view shares: the data table (activation, export) and the login service."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from rmdesk.db import Database
from rmdesk.models import AuditEntry
from rmdesk.services.accounts.users import LoginError, authenticate
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.frame_model import Column
from tests.gui.conftest import context_for


def test_the_data_table_exports_the_rows_as_shown(
    qtbot: QtBot, scored_db: Database, tmp_path: Path
) -> None:
    ctx = context_for(scored_db, "rm01")
    table = DataTable(
        ctx,
        [
            Column("name", "Name"),
            Column("amount", "Amount", numeric=True, money=True),
            Column("mobile", "手机"),  # masked by its key, whatever its title
        ],
        "Test",
        "test-table",
    )
    qtbot.addWidget(table)
    table.set_frame(
        pd.DataFrame(
            {
                "name": ["张三", "=cmd|x", "b"],
                "amount": [12345, 50, 700],
                "mobile": ["13812345678", None, "010-12345678"],
            }
        )
    )
    table.sortByColumn(1, table.horizontalHeader().sortIndicatorOrder().DescendingOrder)
    target = tmp_path / "out.xlsx"
    table.export_to(target)
    sheet = load_workbook(target).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["Name", "Amount", "手机"]
    assert rows[1] == ["张三", 123.45, "1381***5678"]  # yuan, biggest first, number masked
    assert [r[0] for r in rows[1:]] == ["张三", "b", "'=cmd|x"]  # a formula is neutralised
    assert [r[2] for r in rows[1:]] == ["1381***5678", "010-****5678", None]
    with scored_db.engine.connect() as conn:
        entry = conn.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.entity).order_by(
                AuditEntry.id.desc()
            )
        ).first()
    assert tuple(entry) == ("export", "rm01", "test-table")


def test_double_click_hands_the_row_over(qtbot: QtBot, scored_db: Database) -> None:
    table = DataTable(None, [Column("name", "Name")], "Test", "t")
    qtbot.addWidget(table)
    table.set_frame(pd.DataFrame({"name": ["a", "b"]}))
    with qtbot.waitSignal(table.row_activated) as got:
        table.doubleClicked.emit(table.model_.index(1, 0))
    assert got.args[0]["name"] == "b"


def test_log_in_with_the_demo_password(scored_db: Database) -> None:
    account = authenticate(scored_db.engine, "head2", "rmdesk")
    assert account.is_head and account.branch_id is not None
    with pytest.raises(LoginError, match="wrong"):
        authenticate(scored_db.engine, "rm01", "nope")
    with pytest.raises(LoginError, match="wrong"):
        authenticate(scored_db.engine, "nobody", "rmdesk")
    with scored_db.engine.connect() as conn:
        actions = conn.execute(
            select(AuditEntry.action).where(AuditEntry.action.like("login%"))
        ).scalars()
        assert sorted(actions) == ["login", "login_failed", "login_failed"]
