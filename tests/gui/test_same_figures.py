"""The screen and the printed brief write the same amount the same way, in both languages: the
client view's holdings and suggestions against the brief's, cell by cell."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from reportlab.platypus import Paragraph, Table
from sqlalchemy import select, update

from rmdesk.db import Database
from rmdesk.models import Client, ClientScore, Suggestion
from rmdesk.services.accounts.users import account, user_id
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.printing.brief import brief_data, story
from rmdesk.views.client.view import ClientView
from rmdesk.views.widgets.frame_model import FrameModel
from tests.gui.conftest import TODAY, context_for


def _top_client(db: Database) -> int:
    rm = user_id(db.engine, "rm01", who=OPERATOR)
    with db.engine.connect() as conn:
        return int(
            conn.execute(
                select(Client.id)
                .join(ClientScore, ClientScore.client_id == Client.id)
                .where(Client.rm_id == rm, ClientScore.rank_book == 1)
            ).scalar_one()
        )


def _screen(model: FrameModel, key: str, value: str) -> dict[str, str]:
    """{the ``key`` cell's text: the ``value`` cell's text} of every row, as the screen shows."""
    keys = [c.key for c in model.columns]
    return {
        model.index(row, keys.index(key)).data(): model.index(row, keys.index(value)).data()
        for row in range(model.rowCount())
    }


def _cell(value: Any) -> str:
    return value.getPlainText() if isinstance(value, Paragraph) else str(value)


def _paper(flowables: list[Any], heading: str, key: int, value: int) -> dict[str, str]:
    """{key cell: value cell} of the brief's table whose ``value`` column is headed ``heading``
    (the heading names the currency: the cells do not)."""
    for table in flowables:
        if isinstance(table, Table):
            rows = [[_cell(c) for c in row] for row in table._cellvalues]
            if len(rows[0]) > value and rows[0][value] == heading:
                return {row[key]: row[value] for row in rows[1:]}
    raise AssertionError(f"no column headed {heading!r} in the brief")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_screen_and_the_brief_write_an_amount_alike(
    qtbot: QtBot, scored_db: Database, language: str
) -> None:
    client = _top_client(scored_db)
    with scored_db.engine.begin() as conn:  # one figure with grouping and fen in it
        first = conn.execute(
            select(Suggestion.id)
            .where(Suggestion.client_id == client, Suggestion.status == "open")
            .order_by(Suggestion.rank)
            .limit(1)
        ).scalar_one()
        conn.execute(
            update(Suggestion).where(Suggestion.id == first).values(expected_value_minor=123456789)
        )
    view = ClientView(context_for(scored_db, "rm01", language=language))
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_client(client)
    rm = account(scored_db.engine, user_id(scored_db.engine, "rm01", who=OPERATOR))
    data = brief_data(scored_db.engine, [client], today=TODAY, language=language, who=rm)[client]
    pages = story(data, language)
    zh = language == "zh_CN"

    balances = _screen(view.products.table.model_, "account_no", "balance_minor")
    printed = _paper(pages, "余额 (CNY)" if zh else "Balance (CNY)", key=1, value=2)
    assert printed and set(printed) <= set(balances)  # the live holdings, by masked account
    assert {number: balances[number] for number in printed} == printed
    amounts = [text for text in printed.values() if text]  # an empty cell: no balance yet
    assert amounts and all(text[-3] == "." and "¥" not in text for text in amounts)

    name = "name_zh" if zh else "name_en"
    values = _screen(view.suggestions.table.model_, name, "expected_value_minor")
    offered = _paper(pages, "预期价值 (CNY)" if zh else "Expected value (CNY)", key=0, value=1)
    assert offered and {product: values[product] for product in offered} == offered
    assert "1,234,567.89" in offered.values()
