"""What every printed document shares: the embedded CJK font, paragraph styles, tables, a footer
with the confidentiality marking and "page x of y", PDF bookmarks, and writing a file whole.

Briefs, day packs and scorecard reports are reportlab documents on A4. The one font is the
bundled WenQuanYi Micro Hei (TrueType), embedded as a subset, so a PDF prints the same on every
machine; no table or canvas is left naming Helvetica, which would not be embedded.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy import Engine

from rmdesk import local_files, resources
from rmdesk.services.common import audit
from rmdesk.services.common.access import Account, open_to

FONT = "RmdeskCJK"
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
GRID = colors.HexColor("#9e9e9e")
HEAD = colors.HexColor("#e8eef5")
ACCENT = colors.HexColor("#1f4e79")
PADDING = 4  # points left and right of a table cell's text


@dataclass(frozen=True)
class Words:
    """A printed phrase in Chinese and English."""

    zh: str
    en: str

    def __call__(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en


FOOTER = {
    "confidential": Words("内部资料 注意保密", "Confidential: for internal use only"),
    "generated": Words("生成于", "Generated"),
    "page": Words("第 {x} 页，共 {y} 页", "Page {x} of {y}"),
}


@cache
def register_font() -> str:
    """The bundled TrueType CJK font, registered with reportlab (it embeds a subset)."""
    pdfmetrics.registerFont(TTFont(FONT, str(resources.path(resources.CJK_FONT)), subfontIndex=0))
    return FONT


@cache
def styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5),
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=20, spaceAfter=2),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=11,
            leading=15,
            spaceBefore=7,
            spaceAfter=3,
            textColor=ACCENT,
            keepWithNext=1,  # a heading never ends a page without what it heads
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5),
        "num": ParagraphStyle("num", parent=base, fontSize=8, leading=10.5, alignment=2),
        # Latin text wraps between words; CJK wrapping would split "Contribution" anywhere
        "cell_latin": ParagraphStyle(
            "cell_latin", parent=base, fontSize=8, leading=10.5, wordWrap=None
        ),
    }


def has_cjk(text: str) -> bool:
    return any(ord(ch) >= 0x2E80 for ch in text)


def escape(text: object) -> str:
    """Text for a reportlab paragraph: markup characters escaped, line breaks kept."""
    safe = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return safe.replace("\r\n", "\n").replace("\n", "<br/>")


def date_text(value: Any) -> str:
    """A date as YYYY-MM-DD (both languages); empty for a missing one."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value.isoformat()) if isinstance(value, dt.date) else str(value)


def records(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The rows as dicts of ``columns`` (all by default), read column by column: pandas'
    row-wise to_dict is ten times slower, and a brief prints a few columns of wide frames."""
    names = list(frame.columns) if columns is None else list(dict.fromkeys(columns))
    values = {str(c): frame[c].tolist() for c in names}
    return [dict(zip(values, row, strict=True)) for row in zip(*values.values(), strict=True)]


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    numeric: Sequence[int] = (),
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A grid with a shaded header row that repeats on every page; text cells wrap (CJK too).

    ``numeric`` names columns whose cells are right-aligned; ``extra`` adds table style commands.
    Text that fits on one line is drawn as it is; only longer text becomes a wrapping paragraph
    (a paragraph costs ten times more to lay out, and most cells are a date or an amount).
    """
    s = styles()
    cell = s["cell"]
    room = [w - 2 * PADDING for w in widths]
    data = []
    for r, row in enumerate(rows):
        cells: list[Any] = []
        for c, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
                continue
            text = str(value)
            if "\n" not in text and stringWidth(text, FONT, cell.fontSize) <= room[c]:
                cells.append(text)
            elif r > 0 and c in numeric:
                cells.append(Paragraph(escape(text), s["num"]))
            else:
                style = cell if has_cjk(text) else s["cell_latin"]
                cells.append(Paragraph(escape(text), style))
        data.append(cells)
    out = Table(data, colWidths=list(widths), repeatRows=1)
    out.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, GRID),
                # a table names its font even for cells drawn as paragraphs: Helvetica, which
                # is not embedded, unless told
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), cell.fontSize),
                ("LEADING", (0, 0), (-1, -1), cell.leading),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                *[("ALIGN", (c, 1), (c, -1), "RIGHT") for c in numeric],
                *extra,
            ]
        )
    )
    return out


class Bookmark(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """An invisible mark: a PDF outline entry pointing at the page it lands on."""

    def __init__(self, key: str, title: str, level: int = 0) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        mark = getattr(self.canv, "mark", None)
        if mark is not None:  # a page-numbering canvas emits its pages at the end
            mark(self.key, self.title, self.level)
        else:
            self.canv.bookmarkPage(self.key)
            self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=False)


def numbered_canvas(language: str, generated: dt.datetime) -> type[Canvas]:
    """A canvas that writes every page's footer once the page count is known.

    Pages are kept until the end and emitted then, so a bookmark is recorded with the page it
    is on (``mark``) and set when that page is emitted: set at once, it would point at page 1.
    """

    class Numbered(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self._marks: dict[int, list[tuple[str, str, int]]] = {}

        def mark(self, key: str, title: str, level: int) -> None:
            self._marks.setdefault(len(self._pages), []).append((key, title, level))

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            stamp = f"{FOOTER['generated'](language)} {generated:%Y-%m-%d %H:%M}"
            width = self._pagesize[0]
            marks = self._marks
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                for key, title, level in marks.get(number - 1, []):
                    self.bookmarkPage(key)
                    self.addOutlineEntry(title, key, level=level, closed=False)
                self.setFont(FONT, 7.5)
                self.setFillColor(colors.HexColor("#616161"))
                y = 9 * mm
                self.drawString(MARGIN, y, FOOTER["confidential"](language))
                self.drawCentredString(width / 2, y, stamp)
                page = FOOTER["page"](language).format(x=number, y=total)
                self.drawRightString(width - MARGIN, y, page)
                super().showPage()
            super().save()

    return Numbered


def build(
    target: Path | io.BytesIO,
    flowables: list[Flowable],
    *,
    language: str,
    generated: dt.datetime,
    title: str,
    author: str,
    pagesize: tuple[float, float] = A4,
) -> int:
    """Lay ``flowables`` out on A4 pages with the footer; returns the number of pages."""
    register_font()
    doc = SimpleDocTemplate(
        str(target) if isinstance(target, Path) else target,
        pagesize=pagesize,
        initialFontName=FONT,  # every font embedded: not even Helvetica as the first font
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=16 * mm,
        title=title,
        author=author,
        creator="rmdesk",
    )
    doc.build(flowables, canvasmaker=numbered_canvas(language, generated))
    return int(doc.page)


def write_whole(path: Path, write: Callable[[Path], int]) -> int:
    """Run ``write`` on a temporary file beside ``path`` and move it into place only when it
    succeeds, so a failed or cancelled print never leaves a half-written PDF. The file is its
    owner's only (0600), made so before a byte is written."""
    part = path.with_name(path.name + ".part")
    try:
        local_files.create_private(part)
        result = write(part)
        part.replace(path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return result


@open_to()
def record(
    engine: Engine,
    action: str,
    entity: str,
    entity_id: int,
    detail: dict[str, Any],
    *,
    who: Account,
) -> None:
    """Note in the audit log that a printed document went to a printer or a file."""
    with engine.begin() as conn:
        audit.record(conn, who, action, entity, entity_id, detail)
