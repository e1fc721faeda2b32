"""The administrator sets who a product is for, its risk grade and its pitch lines in the
catalogue screen (views/admin/product_dialog.py), checked in the database and the audit trail."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

from rmdesk.db import Database
from rmdesk.models import AuditEntry
from rmdesk.views.admin.view import AdminView
from tests.gui.conftest import context_for


def _view(qtbot: QtBot, db: Database, language: str = "en") -> AdminView:
    view = AdminView(context_for(db, "admin", language=language))
    qtbot.addWidget(view)
    view.refresh()
    return view


def _stored(db: Database, code: str) -> tuple[object, ...]:
    with db.engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT client_kinds, risk_level, pitch_zh, pitch_en, version FROM products "
                    "WHERE code = :c"
                ),
                {"c": code},
            ).one()
        )


def test_set_who_a_product_is_for_its_grade_and_pitch(qtbot: QtBot, scored_db: Database) -> None:
    view = _view(qtbot, scored_db)
    tab = view.catalogue
    assert tab.select_product("TD36")
    grade = [c.key for c in tab.products.model_.columns].index("risk_level")
    assert tab.products.model_.index(tab.products.currentIndex().row(), grade).data() == ""
    kinds_before, _, zh_before, _, version = _stored(scored_db, "TD36")
    assert kinds_before is None
    dialog = tab.edit_product()
    assert dialog is not None
    assert dialog.kinds.currentText() == "Individuals and companies"
    assert dialog.risk.currentText() == "No risk grade"
    assert dialog.pitches["pitch_zh"].toPlainText() == zh_before
    dialog.submit()
    assert dialog.message.text() == "Change at least one field"
    dialog.kinds.setCurrentIndex(dialog.kinds.findData("individual"))
    dialog.risk.setCurrentIndex(dialog.risk.findData("R1"))
    dialog.pitches["pitch_en"].setPlainText(
        "Three years, rate fixed.\n\nCovered by deposit insurance."
    )
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert _stored(scored_db, "TD36") == (
        "individual",
        "R1",
        zh_before,
        "Three years, rate fixed.\nCovered by deposit insurance.",
        version + 1,
    )
    with scored_db.engine.connect() as conn:
        entry = conn.execute(
            select(AuditEntry.actor, AuditEntry.entity_id, AuditEntry.detail).where(
                AuditEntry.action == "product.change"
            )
        ).one()
    assert entry.actor == "admin" and entry.entity_id == "TD36"
    assert entry.detail["changes"]["risk_level"] == {"from": None, "to": "R1"}
    assert tab.status.text() == "TD36: saved"
    row = tab.products.current_row()
    assert row is not None and row.code == "TD36" and row.risk_level == "R1"
    assert tab.products.model_.index(tab.products.currentIndex().row(), grade).data() == (
        "R1 cautious"
    )


def test_a_pitch_too_long_is_refused_with_the_field_named(
    qtbot: QtBot, scored_db: Database, chinese: QLocale
) -> None:
    view = _view(qtbot, scored_db, language="zh_CN")
    tab = view.catalogue
    assert tab.select_product("WMP")
    dialog = tab.edit_product()
    assert dialog is not None
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
    assert "风险等级" in labels and "推介话术（中文）" in labels
    assert dialog.risk.currentText() == "R2 稳健型"
    before = _stored(scored_db, "WMP")
    dialog.pitches["pitch_zh"].setPlainText("\n".join(["一句话"] * 8))
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.ok.isEnabled())
    assert dialog.message.text() == "推介话术有8行，最多6行"
    assert dialog.isVisible() and _stored(scored_db, "WMP") == before
    dialog.reject()
