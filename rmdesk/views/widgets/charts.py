"""Matplotlib charts inside Qt windows, drawing Chinese with the bundled font when needed.

``ChartCanvas`` is a FigureCanvas (QtAgg) with one figure; views draw on ``canvas.figure`` and
call ``canvas.draw_idle()``. ``resources.use_cjk_font()`` runs once: it registers the bundled
WenQuanYi Micro Hei with matplotlib and puts it after any system CJK font in the sans-serif
list, so labels in Chinese never show as empty boxes.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("QtAgg")

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtWidgets import QSizePolicy, QWidget

from rmdesk.resources import use_cjk_font


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
