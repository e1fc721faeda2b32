"""The main window on a seeded database: it loads the book, sorts, searches, speaks Chinese."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator
from pytestqt.qtbot import QtBot

from rmdesk import resources
from rmdesk.db import Database
from rmdesk.tasks import ImmediateRunner
from rmdesk.views.formatting import Formats
from rmdesk.views.frame_model import Column, FrameModel
from rmdesk.views.main_window import DEFAULT_SORT, MainWindow


def _window(qtbot: QtBot, runner: ImmediateRunner, db: Database) -> MainWindow:
    window = MainWindow(runner, Formats(QLocale(QLocale.Language.English)))
    qtbot.addWidget(window)
    window.attach(db)
    return window


def test_opens_on_the_book_biggest_deposits_first(
    qtbot: QtBot, runner: ImmediateRunner, demo_db: Database, english: None
) -> None:
    window = _window(qtbot, runner, demo_db)
    model = window.model
    assert model.rowCount() == 1_500
    deposits = [model.row_at(r)["deposits_minor"] for r in range(model.rowCount())]
    assert deposits == sorted(deposits, reverse=True)
    top = model.index(0, DEFAULT_SORT).data()
    assert "," in top and top.endswith(f"{deposits[0] % 100:02d}")  # grouped, two decimals


def test_clicking_a_header_sorts_by_that_column(
    qtbot: QtBot, runner: ImmediateRunner, demo_db: Database, english: None
) -> None:
    window = _window(qtbot, runner, demo_db)
    window.table.sortByColumn(7, Qt.SortOrder.AscendingOrder)  # products
    counts = [window.model.row_at(r)["products"] for r in range(window.model.rowCount())]
    assert counts == sorted(counts)


def test_search_filters_as_you_type(
    qtbot: QtBot, runner: ImmediateRunner, demo_db: Database, english: None
) -> None:
    window = _window(qtbot, runner, demo_db)
    target = window.model.row_at(10)
    qtbot.keyClicks(window.search, target["external_id"])
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    assert window.model.row_at(0)["name"] == target["name"]
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1_500, timeout=2000)


def test_headers_and_codes_in_chinese(
    qtbot: QtBot, runner: ImmediateRunner, demo_db: Database, compiled_translations: Path
) -> None:
    translator = QTranslator()
    assert translator.load("rmdesk_zh_CN", str(resources.translations_dir()))
    QCoreApplication.installTranslator(translator)
    try:
        window = MainWindow(
            runner, Formats(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        )
        qtbot.addWidget(window)
        window.attach(demo_db)
        headers = [
            window.model.headerData(c, Qt.Orientation.Horizontal)
            for c in range(window.model.columnCount())
        ]
        assert headers[:4] == ["客户名称", "客户号", "类型", "客户分层"]
        segments = {window.model.index(r, 3).data() for r in range(200)}
        assert segments <= {"大众客户", "富裕客户", "私人银行", "小微企业", "公司客户"}
        assert window.windowTitle() == "rmdesk — 客户经理工作台"
    finally:
        QCoreApplication.removeTranslator(translator)


def test_the_frame_model_passes_the_model_tester(qtmodeltester: object) -> None:
    frame = pd.DataFrame({"a": ["x", None, "y"], "n": [3, 1, np.nan]})
    model = FrameModel([Column("a", "A"), Column("n", "N", numeric=True)], "Test")
    model.set_frame(frame)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [model.row_at(r)["n"] for r in range(2)] == [3, 1]  # missing values last
    assert pd.isna(model.row_at(2)["n"])
    model.set_mask(np.array([True, False, True]))
    assert model.rowCount() == 2
    qtmodeltester.check(model)
