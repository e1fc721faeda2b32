"""Where rmdesk's plain-file resources (fonts, translations) are, checked out or frozen."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

CJK_FONT = "fonts/wqy-microhei.ttc"
ICON = "icons/rmdesk.png"


def root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data here
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def path(relative: str) -> Path:
    return root() / relative


def translations_dir() -> Path:
    return root() / "translations"


SYSTEM_CJK = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimHei")


@cache
def use_cjk_font() -> None:
    """Make matplotlib draw Chinese: a system CJK font if there is one, else the bundled one.

    For the app's charts and the printed briefs' alike; matplotlib is imported only here.
    """
    import matplotlib
    from matplotlib import font_manager

    bundled = path(CJK_FONT)
    if bundled.exists():
        font_manager.fontManager.addfont(str(bundled))
    installed = {f.name for f in font_manager.fontManager.ttflist}
    families = [f for f in SYSTEM_CJK if f in installed] + ["WenQuanYi Micro Hei", "DejaVu Sans"]
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    matplotlib.rcParams["font.sans-serif"] = families
    matplotlib.rcParams["axes.unicode_minus"] = False  # the minus sign is missing from CJK fonts
