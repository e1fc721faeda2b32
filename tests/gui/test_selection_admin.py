"""The administrator's buttons act on the user, KPI or product chosen, whatever sort and search
came after the choice. Checked in the database: the one chosen changed, no other."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from rmdesk.db import Database
from rmdesk.models import KpiWeight, Product, ProductPricing, User
from rmdesk.views.admin.view import AdminView
from tests.gui.conftest import context_for
from tests.gui.table_driver import click_row, row_of, rows, sort_moving


def _view(qtbot: QtBot, db: Database) -> AdminView:
    view = AdminView(context_for(db, "admin"))
    qtbot.addWidget(view)
    view.resize(1366, 900)
    view.show()
    view.refresh()
    return view


def _all(db: Database, *columns: Any) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*columns))]


def test_closing_an_account_after_sorting_and_searching_closes_the_one_chosen(
    qtbot: QtBot, scored_db: Database
) -> None:
    view = _view(qtbot, scored_db)
    view.setCurrentWidget(view.users)
    tab, table = view.users, view.users.users_table
    asked: list[str] = []
    tab.confirm = lambda q: asked.append(q) or True  # type: ignore[method-assign]
    before = dict(_all(scored_db, User.username, User.active))
    at = row_of(table, "username", "rm07")
    click_row(qtbot, table, at)
    sort_moving(qtbot, table, "display_name", "username", "rm07", chosen_at=at)
    qtbot.keyClicks(tab.search, "rm0")  # keeps rm07, hides most
    assert 1 < table.model_.rowCount() < len(before)
    sort_moving(qtbot, table, "clients", "username", "rm07", chosen_at=at)
    current = table.current_row()
    assert current is not None and current.username == "rm07"
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(tab.active_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "rm07" in asked[0]
    after = dict(_all(scored_db, User.username, User.active))
    assert after == before | {"rm07": False}

    # a search that hides the user chosen leaves nobody to act on
    tab.select_user("rm05")
    tab.search.setText("head")
    assert table.current_row() is None and not tab.active_button.isEnabled()
    tab.toggle_active()
    assert dict(_all(scored_db, User.username, User.active)) == after and len(asked) == 1


def test_a_kpi_weight_after_sorting_is_saved_for_the_kpi_chosen(
    qtbot: QtBot, scored_db: Database
) -> None:
    view = _view(qtbot, scored_db)
    view.setCurrentWidget(view.kpis)
    tab, table = view.kpis, view.kpis.table
    before = {i for (i,) in _all(scored_db, KpiWeight.id)}
    chosen = str(rows(table)[3]["kpi"])
    click_row(qtbot, table, 3)
    sort_moving(qtbot, table, "weight", "kpi", chosen, chosen_at=3)
    sort_moving(qtbot, table, "kpi", "kpi", chosen, chosen_at=3)
    current = table.current_row()
    assert current is not None and current.kpi == chosen
    tab.weight.setValue(17)
    tab.valid_from.setDate(QDate(2026, 12, 1))
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    with scored_db.engine.connect() as conn:
        new = conn.execute(
            select(
                KpiWeight.kpi, KpiWeight.branch_id, KpiWeight.weight, KpiWeight.valid_from
            ).where(KpiWeight.id.not_in(before))
        ).all()
    assert [(kpi, branch, float(w), on) for kpi, branch, w, on in new] == [
        (chosen, None, 17.0, dt.date(2026, 12, 1))
    ]


def test_a_pricing_version_after_sorting_is_for_the_product_chosen(
    qtbot: QtBot, scored_db: Database
) -> None:
    view = _view(qtbot, scored_db)
    view.setCurrentWidget(view.catalogue)
    tab, table = view.catalogue, view.catalogue.products
    before = {i for (i,) in _all(scored_db, ProductPricing.id)}
    at = row_of(table, "code", "TD12")
    click_row(qtbot, table, at)
    sort_moving(qtbot, table, "name_en", "code", "TD12", chosen_at=at)
    sort_moving(qtbot, table, "family", "code", "TD12", chosen_at=at)
    dialog = tab.new_version()
    assert dialog is not None and dialog.code == "TD12"
    dialog.boxes["client_rate"].setValue(1.65)
    dialog.valid_from.setDate(dialog.valid_from.date().addMonths(1))
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    with scored_db.engine.connect() as conn:
        new = conn.execute(
            select(Product.code, ProductPricing.version)
            .join(Product, Product.id == ProductPricing.product_id)
            .where(ProductPricing.id.not_in(before))
        ).all()
    assert [tuple(n) for n in new] == [("TD12", 2)]
