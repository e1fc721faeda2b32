"""Charts for printed documents, drawn as PDF vector graphics with reportlab.

A brief's 24-month chart used to be a matplotlib PNG; drawing it with reportlab's shapes is
about forty times faster, prints sharp at any size and writes text in the embedded font.
Two kinds are needed: monthly bars with lines on a second axis (a client's contribution and
balances, an RM's score against the branch), and horizontal bars (an RM ranking).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab import rl_config

# Shapes check every attribute they are given; ours are made by this module alone, and checking
# them was a tenth of a brief. The switch is read when reportlab.graphics.shapes is imported.
rl_config.shapeChecking = 0

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String  # noqa: E402
from reportlab.lib import colors  # noqa: E402

from rmdesk.services.printing.paper import FONT  # noqa: E402

TEXT = colors.HexColor("#424242")
RULE = colors.HexColor("#e0e0e0")
AXIS = colors.HexColor("#9e9e9e")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no figure for that point (a gap in a line)
    colour: str


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering [low, high] (0 included), about ``count`` steps."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low <= 0:
        return [0.0, 1.0]
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9 * step:
        ticks.append(ticks[-1] + step)
    return ticks


def compact(value: float) -> str:
    """An axis label: 1,234 / 12.3k / 4.5M."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:,.1f}M".replace(".0M", "M")
    if size >= 1e4:
        return f"{value / 1e3:,.0f}k"
    return f"{value:,.0f}" if size >= 10 or value == 0 else f"{value:,.1f}"


def _text(
    drawing: Drawing, x: float, y: float, text: str, size: float, anchor: str = "start"
) -> None:
    drawing.add(String(x, y, text, fontName=FONT, fontSize=size, fillColor=TEXT, textAnchor=anchor))


def _legend(drawing: Drawing, x: float, y: float, items: Sequence[tuple[str, str, bool]]) -> None:
    """Swatches left to right from (x, y): name, colour, drawn as a bar (True) or a line."""
    for name, colour, bar in items:
        c = colors.HexColor(colour)
        if bar:
            drawing.add(Rect(x, y - 1, 7, 6, fillColor=c, strokeColor=None))
        else:
            drawing.add(Line(x, y + 2, x + 9, y + 2, strokeColor=c, strokeWidth=1.4))
        _text(drawing, x + 11, y, name, 6.5)
        x += 11 + len(name) * 6.5 * (1.0 if any(ord(ch) > 0x2E80 for ch in name) else 0.55) + 10


def bars_and_lines(
    categories: Sequence[str],
    bars: Series | None,
    lines: Sequence[Series],
    *,
    width: float,
    height: float,
    title: str = "",
    label_every: int = 3,
    left: Callable[[float], str] = compact,
    right: Callable[[float], str] = compact,
    lines_on_left: bool = False,
) -> Drawing:
    """Bars against the left axis and lines against the right one (or the left, if asked)."""
    d = Drawing(width, height, initialFontName=FONT)  # not Helvetica, which is not embedded
    top = height - (14 if title else 4) - 10  # room for the title and the legend
    x0, x1, y0, y1 = 40.0, width - (6.0 if lines_on_left else 40.0), 14.0, top
    if title:
        _text(d, width / 2, height - 10, title, 8, "middle")
    legend = [(bars.name, bars.colour, True)] if bars else []
    legend += [(s.name, s.colour, False) for s in lines]
    _legend(d, x0, top + 3, legend)
    n = max(len(categories), 1)
    slot = (x1 - x0) / n

    def span(values: Sequence[float | None]) -> tuple[float, float]:
        known = [v for v in values if v is not None]
        return (min(known), max(known)) if known else (0.0, 0.0)

    left_values: list[float | None] = list(bars.values) if bars else []
    if lines_on_left:
        for s in lines:
            left_values += list(s.values)
    lticks = nice_ticks(*span(left_values))
    right_values = [v for s in lines for v in s.values] if not lines_on_left else []
    rticks = nice_ticks(*span(right_values)) if lines and not lines_on_left else lticks

    def ly(v: float) -> float:
        return y0 + (v - lticks[0]) / (lticks[-1] - lticks[0]) * (y1 - y0)

    def ry(v: float) -> float:
        return y0 + (v - rticks[0]) / (rticks[-1] - rticks[0]) * (y1 - y0)

    for t in lticks:
        d.add(Line(x0, ly(t), x1, ly(t), strokeColor=RULE, strokeWidth=0.4))
        _text(d, x0 - 3, ly(t) - 2, left(t), 6, "end")
    if lines and not lines_on_left:
        for t in rticks:
            _text(d, x1 + 3, ry(t) - 2, right(t), 6)
    d.add(Line(x0, ly(0), x1, ly(0), strokeColor=AXIS, strokeWidth=0.6))
    if bars:
        fill = colors.HexColor(bars.colour)
        for i, v in enumerate(bars.values):
            if v is None or v == 0:
                continue
            base, tip = ly(0), ly(v)
            d.add(
                Rect(
                    x0 + slot * (i + 0.15),
                    min(base, tip),
                    slot * 0.7,
                    abs(tip - base),
                    fillColor=fill,
                    strokeColor=None,
                )
            )
    scale = ly if lines_on_left else ry
    for s in lines:
        run: list[float] = []
        for i, v in enumerate(s.values):
            if v is None:  # a gap: end the current run
                if len(run) >= 4:
                    d.add(_poly(run, s.colour))
                run = []
                continue
            run += [x0 + slot * (i + 0.5), scale(v)]
        if len(run) >= 4:
            d.add(_poly(run, s.colour))
        elif len(run) == 2:  # a single point
            dot = colors.HexColor(s.colour)
            d.add(Rect(run[0] - 1.2, run[1] - 1.2, 2.4, 2.4, fillColor=dot, strokeColor=None))
    for i, name in enumerate(categories):
        if i % label_every == 0:
            _text(d, x0 + slot * (i + 0.5), y0 - 9, name, 6, "middle")
    return d


def _poly(points: list[float], colour: str) -> PolyLine:
    return PolyLine(points, strokeColor=colors.HexColor(colour), strokeWidth=1.2)


def horizontal_bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    width: float,
    colour: str = "#4f81bd",
    highlight: Callable[[int], bool] = lambda _i: False,
    highlight_colour: str = "#c0504d",
    value_text: Callable[[float], str] = lambda v: f"{v:,.1f}",
    label_width: float = 70.0,
    row: float = 12.0,
) -> Drawing:
    """One bar per label, largest first as given, each with its value at the end."""
    height = row * len(labels) + 6
    d = Drawing(width, height, initialFontName=FONT)  # not Helvetica, which is not embedded
    top = max(values, default=0.0)
    span = top if top > 0 else 1.0
    x0, x1 = label_width, width - 40
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = height - row * (i + 1)
        _text(d, x0 - 4, y + 2, label, 7, "end")
        length = max(value, 0.0) / span * (x1 - x0)
        c = colors.HexColor(highlight_colour if highlight(i) else colour)
        d.add(Rect(x0, y, length, row * 0.7, fillColor=c, strokeColor=None))
        _text(d, x0 + length + 3, y + 2, value_text(value), 6.5)
    d.add(Line(x0, 0, x0, height, strokeColor=AXIS, strokeWidth=0.6))
    return d
