"""Keep the zh_CN catalogue complete.

    python tools/translations.py missing            # strings in rmdesk/ with no Chinese yet
    python tools/translations.py add FILE.ts < TSV  # add "context<TAB>source<TAB>translation" lines

Each part of the interface keeps its strings in its own file in resources/translations/zh_CN/;
`make` compiles them all into one catalogue.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "resources" / "translations" / "zh_CN"


def _pairs(ts: Path, translated: bool) -> set[tuple[str, str]]:
    found = set()
    for context in ET.parse(ts).iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            t = message.find("translation")
            done = (
                t is not None
                and t.get("type") not in ("unfinished", "vanished", "obsolete")
                and "".join(t.itertext()).strip()
            )
            if done or not translated:
                found.add((name, message.findtext("source") or ""))
    return found


def extracted() -> set[tuple[str, str]]:
    """(context, source) of every string pyside6-lupdate finds in rmdesk/."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "x.ts"
        lupdate = Path(sys.executable).with_name("pyside6-lupdate")
        sources = sorted(str(p) for p in (ROOT / "rmdesk").rglob("*.py"))
        subprocess.run([str(lupdate), "-silent", *sources, "-ts", str(out)], check=True)
        return _pairs(out, translated=False)


def missing() -> list[tuple[str, str]]:
    """The strings in rmdesk/ that no zh_CN catalogue file translates."""
    wanted = extracted()
    have: set[tuple[str, str]] = set()
    for ts in FOLDER.glob("*.ts"):
        have |= _pairs(ts, translated=True)
    return sorted(wanted - have)


def add(ts: Path, lines: list[str]) -> int:
    if ts.exists():
        tree = ET.parse(ts)
        root = tree.getroot()
    else:
        root = ET.Element("TS", version="2.1", language="zh_CN")
        tree = ET.ElementTree(root)
    contexts = {c.findtext("name"): c for c in root.iter("context")}
    added = 0
    for line in lines:
        if not line.strip():
            continue
        context, source, translation = line.rstrip("\n").split("\t")
        node = contexts.get(context)
        if node is None:
            node = ET.SubElement(root, "context")
            ET.SubElement(node, "name").text = context
            contexts[context] = node
        for message in node.iter("message"):
            if message.findtext("source") == source:
                message.find("translation").text = translation  # type: ignore[union-attr]
                break
        else:
            message = ET.SubElement(node, "message")
            ET.SubElement(message, "source").text = source
            ET.SubElement(message, "translation").text = translation
            added += 1
    ET.indent(tree, space="    ")
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return added


if __name__ == "__main__":
    if sys.argv[1:2] == ["missing"]:
        for context, source in missing():
            print(f"{context}\t{source}")
    elif sys.argv[1:2] == ["add"] and len(sys.argv) == 3:
        print(f"added {add(Path(sys.argv[2]), sys.stdin.readlines())}")
    else:
        sys.exit(__doc__)
