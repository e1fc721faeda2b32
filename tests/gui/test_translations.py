"""Every string the interface can show has a Chinese translation.

The strings are found the way Qt's own tool finds them (pyside6-lupdate reads every ``tr()``,
``translate()`` and ``QT_TRANSLATE_NOOP`` in rmdesk), then looked up in the zh_CN catalogue files.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from rmdesk import resources

ROOT = Path(__file__).resolve().parents[2]


def _messages(ts: Path, *, translated: bool) -> set[tuple[str, str]]:
    found = set()
    for context in ET.parse(ts).iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            done = (
                translation is not None
                and translation.get("type") not in ("unfinished", "vanished", "obsolete")
                and "".join(translation.itertext()).strip()
            )
            if done or not translated:
                found.add((name, message.findtext("source") or ""))
    return found


def test_every_interface_string_has_a_chinese_translation(tmp_path: Path) -> None:
    sources = sorted(str(p) for p in (ROOT / "rmdesk").rglob("*.py"))
    extracted = tmp_path / "extracted.ts"
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run([str(lupdate), "-silent", *sources, "-ts", str(extracted)], check=True)
    wanted = _messages(extracted, translated=False)
    assert len(wanted) > 30  # the extraction found the interface's strings
    have: set[tuple[str, str]] = set()
    for ts in sorted((resources.translations_dir() / "zh_CN").glob("*.ts")):
        have |= _messages(ts, translated=True)
    missing = sorted(wanted - have)
    assert missing == [], f"{len(missing)} strings lack a Chinese translation: {missing[:20]}"
