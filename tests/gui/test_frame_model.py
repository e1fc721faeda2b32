"""The table model keeps the selection and the current row on the same rows of the frame when it
sorts or filters: every action of the views reads that selection, so a selection that stayed on
the row numbers would act on other clients than those the user chose."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QItemSelectionModel, QPersistentModelIndex, QPoint, Qt
from pytestqt.qtbot import QtBot

from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.frame_model import Column, FrameModel

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
COLUMNS = [
    Column("key", "Key"),
    Column("name", "Name"),
    Column("amount", "Amount", numeric=True),
    Column("on", "On"),
    Column("tier", "Tier"),
]


def _frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """Keys K0000… in frame order; names, amounts, days and tiers with ties and missing values."""
    rng = np.random.default_rng(seed)
    amount = rng.integers(0, 50, rows).astype("float64")
    amount[rng.random(rows) < 0.1] = np.nan
    days = pd.to_datetime("2026-01-01") + pd.to_timedelta(rng.integers(0, 40, rows), unit="D")
    names = rng.choice(["王芳", "李强", "Alice", "bob", None], rows)
    return pd.DataFrame(
        {
            "key": [f"K{n:04d}" for n in range(rows)],
            "name": names,
            "amount": amount,
            "on": days.where(rng.random(rows) > 0.1),
            "tier": rng.choice(["A", "B", "C"], rows),
        }
    )


def _table(qtbot: QtBot, frame: pd.DataFrame) -> DataTable:
    table = DataTable(None, COLUMNS, "Test", "test")
    qtbot.addWidget(table)
    table.resize(800, 400)
    table.show()
    table.set_frame(frame)
    return table


def _keys(rows: list[Any]) -> set[str]:
    return {str(r["key"]) for r in rows}


def _select_keys(table: DataTable, keys: set[str], current: str) -> None:
    """Ctrl+click the rows with these keys, the last one on ``current``."""
    model, selection = table.model_, table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag
    for r in range(model.rowCount()):
        if model.row_at(r)["key"] in keys:
            selection.select(model.index(r, 0), flags.Select | flags.Rows)
    row = next(r for r in range(model.rowCount()) if model.row_at(r)["key"] == current)
    selection.setCurrentIndex(model.index(row, 2), flags.NoUpdate)


def _check(qtmodeltester: Any, model: FrameModel, force_py: bool) -> None:
    """Attach pytest-qt's model tester, Qt's or its own in Python, for the rest of the test.
    The Python one lets go of the model after qtbot has deleted the table: the model must
    outlive the table then."""
    if force_py:
        model.setParent(None)
    qtmodeltester.check(model, force_py=force_py)


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "python-tester"])
def test_sorting_by_every_column_both_ways_keeps_the_selection_on_its_rows(
    qtbot: QtBot, qtmodeltester: Any, force_py: bool
) -> None:
    table = _table(qtbot, _frame(60))
    model = table.model_
    _check(qtmodeltester, model, force_py)  # stays attached: checks every sort below
    chosen = {"K0003", "K0017", "K0018", "K0042", "K0059"}
    _select_keys(table, chosen, current="K0042")
    pinned = QPersistentModelIndex(model.index(42, 4))  # any persistent index, e.g. an editor's
    for column in (1, 2, 3, 4, 0):
        for order in (ASC, DESC):
            before = [str(model.row_at(r)["key"]) for r in range(model.rowCount())]
            table.sortByColumn(column, order)
            after = [str(model.row_at(r)["key"]) for r in range(model.rowCount())]
            assert after != before or column == 0  # the sort did move rows
            assert _keys(table.selected_rows()) == chosen, (column, order)
            current = table.current_row()
            assert current is not None and current["key"] == "K0042"
            assert table.currentIndex().column() == 2
            assert model.row_at(pinned.row())["key"] == "K0042" and pinned.column() == 4
    # the rows are listed in the order shown
    shown = [str(r["key"]) for r in table.selected_rows()]
    assert shown == sorted(shown, reverse=True)  # the last sort: key, descending


def test_a_header_click_keeps_the_selection(qtbot: QtBot) -> None:
    table = _table(qtbot, _frame(40))
    chosen = {"K0000", "K0001", "K0020"}
    _select_keys(table, chosen, current="K0001")
    header = table.horizontalHeader()
    for _ in range(2):  # ascending, then descending
        qtbot.mouseClick(
            header.viewport(),
            Qt.MouseButton.LeftButton,
            pos=QPoint(header.sectionViewportPosition(2) + 5, 5),
        )
        assert _keys(table.selected_rows()) == chosen
        assert table.current_row()["key"] == "K0001"  # type: ignore[index]
    assert header.sortIndicatorSection() == 2


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "python-tester"])
def test_filtering_drops_hidden_rows_from_the_selection_and_keeps_the_rest(
    qtbot: QtBot, qtmodeltester: Any, force_py: bool
) -> None:
    frame = _frame(80)
    table = _table(qtbot, frame)
    model = table.model_
    _check(qtmodeltester, model, force_py)
    table.sortByColumn(2, DESC)
    tiers = dict(zip(frame["key"], frame["tier"], strict=True))
    chosen = {k for k in list(tiers)[::7]}
    a_tier = {k for k in chosen if tiers[k] == "A"}
    assert a_tier and a_tier != chosen
    current = sorted(a_tier)[0]
    _select_keys(table, chosen, current=current)

    model.set_mask((frame["tier"] == "A").to_numpy())  # a filter that hides some chosen rows
    assert {model.row_at(r)["tier"] for r in range(model.rowCount())} == {"A"}
    assert _keys(table.selected_rows()) == a_tier
    assert table.current_row()["key"] == current  # type: ignore[index]
    table.sortByColumn(1, ASC)  # sorting the filtered rows
    assert _keys(table.selected_rows()) == a_tier
    assert table.current_row()["key"] == current  # type: ignore[index]

    model.set_mask(None)  # the hidden rows come back unselected
    assert model.rowCount() == len(frame)
    assert _keys(table.selected_rows()) == a_tier
    assert table.current_row()["key"] == current  # type: ignore[index]

    # a filter that hides the current row leaves no current row (an action reads nothing)
    model.set_mask((frame["key"] != current).to_numpy())
    assert table.current_row() is None
    assert _keys(table.selected_rows()) == a_tier - {current}


@pytest.mark.parametrize("rows", [40, 2_000])
def test_select_all_then_filter_and_sort(qtbot: QtBot, rows: int) -> None:
    """Select all, then filter: what stays shown stays selected, and only that (Qt takes a
    short cut for a whole table of over 1,000 cells, hence the two sizes)."""
    frame = _frame(rows)
    table = _table(qtbot, frame)
    model = table.model_
    table.selectAll()
    tier_b = (frame["tier"] == "B").to_numpy()
    model.set_mask(tier_b)
    assert _keys(table.selected_rows()) == set(frame["key"][tier_b])
    table.sortByColumn(1, DESC)
    assert _keys(table.selected_rows()) == set(frame["key"][tier_b])
    model.set_mask(None)
    assert _keys(table.selected_rows()) == set(frame["key"][tier_b])
    assert model.rowCount() == rows


def test_a_new_frame_clears_the_selection(qtbot: QtBot) -> None:
    table = _table(qtbot, _frame(20))
    _select_keys(table, {"K0001"}, current="K0001")
    table.set_frame(_frame(20, seed=8))
    assert table.selected_rows() == [] and table.current_row() is None
