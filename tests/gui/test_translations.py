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
