"""Matplotlib charts inside Qt windows, drawing Chinese with the bundled font when needed.

``ChartCanvas`` is a FigureCanvas (QtAgg) with one figure; views draw on ``canvas.figure`` and
call ``canvas.draw_idle()``. ``use_cjk_font()`` runs once: it registers the bundled WenQuanYi
Micro Hei with matplotlib and puts it after any system CJK font in the sans-serif list, so
labels in Chinese never show as empty boxes.
"""

from __future__ import annotations

from functools import cache

import matplotlib

matplotlib.use("QtAgg")

from matplotlib import font_manager
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtWidgets import QSizePolicy, QWidget

from rmdesk import resources

SYSTEM_CJK = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimHei")


@cache
def use_cjk_font() -> None:
    bundled = resources.path(resources.CJK_FONT)
    if bundled.exists():
        font_manager.fontManager.addfont(str(bundled))
    installed = {f.name for f in font_manager.fontManager.ttflist}
    families = [f for f in SYSTEM_CJK if f in installed] + ["WenQuanYi Micro Hei", "DejaVu Sans"]
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    matplotlib.rcParams["font.sans-serif"] = families
    matplotlib.rcParams["axes.unicode_minus"] = False  # the minus sign is missing from CJK fonts


class ChartCanvas(FigureCanvasQTAgg):
    def __init__(self, parent: QWidget | None = None, width: float = 6, height: float = 3) -> None:
        use_cjk_font()
        super().__init__(Figure(figsize=(width, height), layout="constrained"))  # type: ignore[no-untyped-call]
        self.setParent(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(180)

    def clear(self) -> None:
        self.figure.clear()
        self.draw_idle()  # type: ignore[no-untyped-call]
