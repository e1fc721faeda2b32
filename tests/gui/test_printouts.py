"""Printing from the app: the client view's brief, the planner's day pack, the branch head's
scorecard reports. Each opens the print preview with the document's pages; Save as writes the
PDF and Print draws every page on a printer (a PDF printer here); all of it is audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from rmdesk.db import Database
from rmdesk.models import AuditEntry, Client, ClientScore
from rmdesk.services.accounts.users import user_id
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.visits.screen import rm_visits
from rmdesk.views.branch.view import BranchView
from rmdesk.views.client.view import ClientView
from rmdesk.views.planner.view import PlannerView
from rmdesk.views.shell.main_window import MainWindow
from rmdesk.views.widgets.pdf_preview import PdfPreview
from tests.gui.conftest import context_for


@pytest.fixture
def notes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the information and warning boxes (instead of modal message boxes)."""
    texts: list[str] = []

    def note(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        texts.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "information", staticmethod(note))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(note))
    return texts


def _open_previews(widget: Any) -> list[PdfPreview]:
    return [d for d in widget.window().findChildren(PdfPreview) if d.isVisible()]


def _preview(widget: Any) -> PdfPreview:
    found = _open_previews(widget)
    assert len(found) == 1, "the print preview did not open"
    return found[0]


def _audit(db: Database, action: str) -> list[Any]:
    with db.engine.connect() as conn:
        return list(
            conn.execute(
                select(AuditEntry.actor, AuditEntry.entity, AuditEntry.entity_id, AuditEntry.detail)
                .where(AuditEntry.action == action)
                .order_by(AuditEntry.id)
            ).all()
        )


def _text(path: Path) -> tuple[str, int]:
    reader = PdfReader(path)
    return "\n".join(p.extract_text() or "" for p in reader.pages), len(reader.pages)


def test_the_client_views_brief_previews_saves_and_prints(
    qtbot: QtBot, scored_db: Database, tmp_path: Path, notes: list[str]
) -> None:
    rm = user_id(scored_db.engine, "rm01", who=OPERATOR)
    with scored_db.engine.connect() as conn:
        client, name, external = conn.execute(
            select(Client.id, Client.name, Client.external_id)
            .join(ClientScore, ClientScore.client_id == Client.id)
            .where(Client.rm_id == rm, ClientScore.rank_book == 1)
        ).one()
    view = ClientView(context_for(scored_db, "rm01", language="zh_CN"))
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_client(client)
    assert view.print_button.isVisibleTo(view)
    qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
    preview = _preview(view)
    assert external in preview.windowTitle()
    # the whole dialog, its Print and Save buttons too, fits the screen it opens on
    room = preview.screen().availableGeometry()
    assert preview.frameGeometry().height() <= room.height()
    assert preview.print_button.isVisible() and preview.save_button.isVisible()
    assert preview.printout.pages == len(preview.page_labels) >= 1
    assert preview.page_labels[0].pixmap().width() > 700  # an A4 page at about 100 dpi
    made = _audit(scored_db, "print")
    assert [(a, e, i) for a, e, i, _ in made] == [("rm01", "client", str(client))]

    saved = tmp_path / "brief.pdf"
    preview.save_to(saved)
    text, pages = _text(saved)
    assert name in text and "客户拜访简报" in text and pages == preview.printout.pages
    exported = _audit(scored_db, "export")
    assert [(a, e, i) for a, e, i, _ in exported] == [("rm01", "client", str(client))]
    assert exported[0][3]["to"] == str(saved)

    printed = tmp_path / "printer.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    preview.print_to(printer)
    assert len(PdfReader(printed).pages) == preview.printout.pages
    assert len(_audit(scored_db, "print")) == 2  # made, then sent to the printer
    folder = preview.folder
    preview.reject()
    assert not folder.exists()  # the temporary copy goes with the preview
    assert notes == []


def test_the_planners_day_pack_in_one_action(
    qtbot: QtBot, scored_db: Database, notes: list[str]
) -> None:
    rm = user_id(scored_db.engine, "rm01", who=OPERATOR)
    view = PlannerView(context_for(scored_db, "rm01"))
    qtbot.addWidget(view)
    view.refresh()
    day = view.plan_actions.pack_day()  # nothing selected: the next working day
    assert day == dt.date(2026, 11, 3)
    visits = rm_visits(scored_db.engine, rm, start=day, end=day, who=OPERATOR)
    assert len(visits) >= 2
    qtbot.mouseClick(view.pack_button, Qt.MouseButton.LeftButton)
    preview = _preview(view)
    assert day.isoformat() in preview.windowTitle()
    assert preview.printout.pages >= len(visits) + 1
    audited = _audit(scored_db, "print")
    assert sorted(int(i) for _, _, i, _ in audited) == sorted(visits["client_id"].tolist())
    preview.reject()
    # a day without visits says so and opens nothing
    view.plan_actions.print_day_pack(dt.date(2026, 11, 8))
    assert notes and "no visits on 2026-11-08" in notes[-1]
    assert not _open_previews(view)


def test_the_main_windows_day_pack_action(qtbot: QtBot, scored_db: Database) -> None:
    window = MainWindow(context_for(scored_db, "rm01"))
    qtbot.addWidget(window)
    window.day_pack_action.trigger()
    preview = _preview(window)
    assert "2026-11-03" in preview.windowTitle() and preview.printout.pages >= 3
    preview.reject()


def test_the_branch_heads_reports(qtbot: QtBot, scored_db: Database, notes: list[str]) -> None:
    view = BranchView(context_for(scored_db, "head1", language="zh_CN"))
    qtbot.addWidget(view)
    view.refresh()
    panel = view.scorecards
    rms = len(panel.card)
    assert rms == 6
    qtbot.mouseClick(panel.print_branch_button, Qt.MouseButton.LeftButton)
    preview = _preview(view)
    assert preview.printout.pages == 1 + rms
    assert str(panel.current_period()) in preview.windowTitle()
    preview.reject()
    panel.select_rm(int(panel.card["rm_id"].iloc[0]))
    qtbot.mouseClick(panel.print_rm_button, Qt.MouseButton.LeftButton)
    preview = _preview(view)
    assert preview.printout.pages == 1
    saved = preview.folder.parent / f"{preview.folder.name}-rm.pdf"
    preview.save_to(saved)
    text, _ = _text(saved)
    assert "客户经理考核报告" in text and str(panel.card["display_name"].iloc[0]) in text
    preview.reject()
    saved.unlink()
    entities = [(e, a) for a, e, _, _ in _audit(scored_db, "print")]
    assert entities == [("branch", "head1"), ("user", "head1")]
    assert notes == []
