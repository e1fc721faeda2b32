"""Where rmdesk's plain-file resources (fonts, translations) are, checked out or frozen."""

from __future__ import annotations

import sys
from pathlib import Path

CJK_FONT = "fonts/wqy-microhei.ttc"


def root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data here
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def path(relative: str) -> Path:
    return root() / relative


def translations_dir() -> Path:
    return root() / "translations"
