"""Every string the interface can show has a Chinese translation.

The strings are found the way Qt's own tool finds them (pyside6-lupdate reads every ``tr()``,
``translate()`` and ``QT_TRANSLATE_NOOP`` in rmdesk), then looked up in the zh_CN catalogue files
(tools/translations.py, which also lists what is missing while one works).
"""

from __future__ import annotations

from tools.translations import extracted, missing


def test_every_interface_string_has_a_chinese_translation() -> None:
    assert len(extracted()) > 700  # the extraction found the interface's strings
    gaps = missing()
    assert gaps == [], f"{len(gaps)} strings lack a Chinese translation: {gaps[:20]}"


def test_qts_own_dialogs_speak_chinese(qapp: object, compiled_translations: object) -> None:
    """Qt's file dialog and standard buttons come from Qt's own catalogue (qtbase_zh_CN),
    which the app installs beside its own."""
    from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

    from rmdesk.app import install_language

    install_language(qapp, "zh_CN")  # type: ignore[arg-type]
    try:
        dialog = QFileDialog(None, "", "", "Excel (*.xlsx)")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        texts = {label.text() for label in dialog.findChildren(QLabel)}
        # Qt 6 writes these two with a mnemonic its own catalogue lacks: rmdesk's has them
        assert "查找范围(&L)：" in texts and "文件类型(&T)：" in texts, texts
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
        dialog.deleteLater()
        box.deleteLater()
    finally:
        for t in qapp.findChildren(QTranslator):  # type: ignore[attr-defined]
            QCoreApplication.removeTranslator(t)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))


def test_the_services_progress_steps_are_shown_in_chinese(
    qapp: object, compiled_translations: object, chinese: object
) -> None:
    """The step a long task reports ("scoring", "monthly facts") is in the dialog in Chinese;
    a step with a name keeps the name."""
    from rmdesk.tasks import STEPS, step_text

    assert step_text("scoring") == "评分中" and step_text("monthly facts") == "月度数据"
    assert step_text("planning visits: 李妍琪") == "正在安排走访: 李妍琪"
    assert all(step_text(s) != s for s in STEPS)
    assert step_text("some table") == "some table"


def test_a_flags_history_notes_in_chinese(
    qapp: object, compiled_translations: object, chinese: object
) -> None:
    from rmdesk.views.widgets.labels import flag_note

    assert flag_note("raised by the rules") != "raised by the rules"
    assert flag_note("until 2026-12-01") == "暂缓至 2026-12-01"
    assert flag_note("until 2026-12-01: 客户出差") == "暂缓至 2026-12-01：客户出差"
    assert flag_note("condition persists after snoozed until 2026-12-01") == (
        "暂缓期（至 2026-12-01）结束后情况仍在"
    )
    assert flag_note("data of 2026-10-31 still shows it after it was resolved").startswith(
        "已解决后"
    )
    assert flag_note("客户已还款") == "客户已还款" and flag_note(None) == ""
