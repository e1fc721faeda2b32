"""The printed client brief: an A4 PDF an RM carries into a visit, in Chinese or English.

The brief follows the client view: a header (client, RM, visit date and purpose), the 7P summary,
holdings, a 24-month chart of contribution and balances, open flags with their evidence, the top
suggestions as talking points, the last contacts, an agenda and ruled lines for notes. Every page
carries a confidentiality marking, when it was made and "page x of y". ID and account numbers are
masked. The CJK font (WenQuanYi Micro Hei, TrueType) is embedded as a subset, so the PDF prints
the same everywhere. Long content flows on to the next page; tables repeat their header row.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
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
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import Engine

from rmdesk import resources
from rmdesk.services import audit, client_profile, seven_p, wording
from rmdesk.services.client_profile import ClientProfile, mask_id_number
from rmdesk.services.contribution_detail import client_breakdown

FONT = "RmdeskCJK"
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
MAX_CONTACTS = 5
MAX_SUGGESTIONS = 3
NOTE_LINES = 8


@dataclass(frozen=True)
class Words:
    zh: str
    en: str

    def __call__(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en


W = {
    "title": Words("客户拜访简报", "Client visit brief"),
    "rm": Words("客户经理", "RM"),
    "visit": Words("拜访日期", "Visit"),
    "purpose": Words("拜访目的", "Purpose"),
    "data": Words("数据截至", "Data as of"),
    "seven_p": Words("7P 概要", "7P summary"),
    "holdings": Words("在持产品", "Holdings"),
    "chart": Words("近24个月贡献度与日均余额", "Contribution and balances, 24 months"),
    "flags": Words("未结风险预警", "Open risk flags"),
    "suggestions": Words("营销建议与话术要点", "Suggestions and talking points"),
    "contacts": Words("最近联系记录", "Last contacts"),
    "agenda": Words("拜访议程", "Agenda"),
    "notes": Words("拜访记录", "Notes"),
    "none": Words("无", "None"),
    "product": Words("产品", "Product"),
    "account": Words("账号", "Account"),
    "balance": Words("余额", "Balance"),
    "opened": Words("开立日期", "Opened"),
    "matures": Words("到期日", "Matures"),
    "severity": Words("级别", "Severity"),
    "evidence": Words("预警依据", "Evidence"),
    "raised": Words("触发日期", "Raised"),
    "value": Words("预期价值", "Expected value"),
    "reason": Words("推荐理由", "Why"),
    "when": Words("时间", "When"),
    "channel": Words("渠道", "Channel"),
    "outcome": Words("结果", "Outcome"),
    "confidential": Words("内部资料 注意保密", "Confidential: for internal use only"),
    "generated": Words("生成于", "Generated"),
    "page": Words("第 {x} 页，共 {y} 页", "Page {x} of {y}"),
    "contribution": Words("月贡献度", "Monthly contribution"),
    "deposits": Words("存款", "Deposits"),
    "loans": Words("贷款", "Loans"),
    "agenda_open": Words("问候，了解客户近况与需求变化", "Greeting; ask how things have changed"),
    "agenda_flag": Words("沟通预警事项：{x}", "Discuss the flag: {x}"),
    "agenda_offer": Words("介绍：{x}", "Present: {x}"),
    "agenda_close": Words("约定下一步与下次联系时间", "Agree next steps and the next contact"),
}
SEVERITY = {"high": Words("高", "High"), "medium": Words("中", "Medium"), "low": Words("低", "Low")}
CHANNEL = {
    "visit": Words("拜访", "Visit"),
    "phone": Words("电话", "Phone"),
    "counter": Words("柜面", "Counter"),
    "online": Words("网银", "Online"),
    "mobile": Words("手机银行", "Mobile"),
    "email": Words("邮件", "Email"),
}


class BriefError(Exception):
    """The brief cannot be made; the message says why."""


@cache
def register_font() -> str:
    """The bundled TrueType CJK font, registered with reportlab (it embeds a subset)."""
    pdfmetrics.registerFont(TTFont(FONT, str(resources.path(resources.CJK_FONT)), subfontIndex=0))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
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
            textColor=colors.HexColor("#1f4e79"),
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5),
    }


def _escape(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _date(value: Any, language: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value.isoformat()) if isinstance(value, dt.date) else str(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _table(
    rows: Sequence[Sequence[Any]], widths: Sequence[float], styles: dict[str, ParagraphStyle]
) -> Table:
    cell = styles["cell"]
    data = [
        [c if isinstance(c, Flowable) else Paragraph(_escape(c), cell) for c in r] for r in rows
    ]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9e9e9e")),
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # a table names its font even for
                # cells drawn as paragraphs: Helvetica, not embedded, unless told
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _chart(months: pd.DataFrame, balances: pd.DataFrame, p: ClientProfile, language: str) -> Image:
    """The 24 months as a PNG: contribution bars, deposit and loan balance lines."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    resources.use_cjk_font()
    fig = Figure(figsize=(7.2, 2.4), dpi=200, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    labels = [pd.Timestamp(m).strftime("%Y-%m") for m in months["month"]] if len(months) else []
    ax.bar(
        range(len(labels)),
        months["contribution"].to_numpy(dtype=float) / 100 if len(months) else [],
        color="#7fa7d1",
        label=W["contribution"](language),
    )
    ax.set_xticks(range(0, len(labels), 3), labels[::3], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    right = ax.twinx()
    for column, name, colour in (
        ("deposits_minor", "deposits", "#1b5e20"),
        ("loans_minor", "loans", "#b71c1c"),
    ):
        if len(balances) and balances[column].any():
            right.plot(
                range(len(balances)),
                balances[column].to_numpy(dtype=float) / 100,
                color=colour,
                linewidth=1.2,
                label=W[name](language),
            )
    right.tick_params(axis="y", labelsize=7)
    thousands = FuncFormatter(lambda v, _pos: f"{v:,.0f}")
    ax.yaxis.set_major_formatter(thousands)
    right.yaxis.set_major_formatter(thousands)
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    ax.legend(handles=handles, fontsize=7, loc="upper left", frameon=False)
    ax.set_title(f"{W['chart'](language)} ({p.currency})", fontsize=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    buffer.seek(0)
    return Image(buffer, width=WIDTH, height=WIDTH * 2.4 / 7.2)


def _footer(language: str, generated: dt.datetime) -> type[Canvas]:
    """A canvas that writes every page's footer once the page count is known."""

    class Numbered(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFont(FONT, 7.5)
                self.setFillColor(colors.HexColor("#616161"))
                y = 9 * mm
                self.drawString(MARGIN, y, W["confidential"](language))
                stamp = f"{W['generated'](language)} {generated:%Y-%m-%d %H:%M}"
                self.drawCentredString(A4[0] / 2, y, stamp)
                page = W["page"](language).format(x=number, y=total)
                self.drawRightString(A4[0] - MARGIN, y, page)
                super().showPage()
            super().save()

    return Numbered


def story(
    p: ClientProfile,
    months: pd.DataFrame,
    language: str,
    *,
    visit_on: dt.date | None = None,
    purpose: str | None = None,
) -> list[Flowable]:
    """The brief's content, top to bottom (reportlab flowables)."""
    s, t, lang = _styles(), W, language

    def money(minor: Any) -> str:
        return wording.money(int(minor), p.currency, lang)

    out: list[Flowable] = [Paragraph(_escape(p.name), s["title"])]
    head = [
        f"{t['title'](lang)} · {p.external_id} · {p.id_number_masked}",
        f"{t['rm'](lang)}: {p.rm or ''} · {p.branch or ''}",
        f"{t['visit'](lang)}: {_date(visit_on, lang) or '—'}"
        f" · {t['purpose'](lang)}: {purpose or '—'}",
        f"{t['data'](lang)}: {_date(p.as_of, lang)}",
    ]
    out += [Paragraph(_escape(line), s["small"]) for line in head]
    out.append(Paragraph(t["seven_p"](lang), s["h2"]))
    lines = [[f"{line.title}", line.text] for line in seven_p.summary(p, lang)]
    out.append(_table([["7P", ""], *lines], [22 * mm, WIDTH - 22 * mm], s))

    live = p.holdings[p.holdings["live"]] if len(p.holdings) else p.holdings
    out.append(Paragraph(t["holdings"](lang), s["h2"]))
    if len(live):
        name = "name_zh" if lang.startswith("zh") else "name_en"
        rows = [
            [
                t["product"](lang),
                t["account"](lang),
                t["balance"](lang),
                t["opened"](lang),
                t["matures"](lang),
            ]
        ]
        for h in _records(live):
            balance = "" if pd.isna(h["balance_minor"]) else money(h["balance_minor"])
            rows.append(
                [
                    h[name],
                    mask_id_number(h["account_no"]),
                    balance,
                    _date(h["opened_on"], lang),
                    _date(h["maturity_on"], lang),
                ]
            )
        out.append(_table(rows, [50 * mm, 40 * mm, 36 * mm, 27 * mm, WIDTH - 153 * mm], s))
    else:
        out.append(Paragraph(t["none"](lang), s["base"]))

    out.append(Spacer(1, 3 * mm))
    out.append(_chart(months, p.balances, p, lang))

    flags = p.flags[p.flags["status"].isin(["raised", "acknowledged"])] if len(p.flags) else p.flags
    out.append(Paragraph(t["flags"](lang), s["h2"]))
    if len(flags):
        evidence = "evidence" if lang.startswith("zh") else "evidence_en"
        rows = [[t["severity"](lang), t["evidence"](lang), t["raised"](lang)]]
        for f in _records(flags):
            level = SEVERITY.get(str(f["severity"]), Words(str(f["severity"]), str(f["severity"])))(
                lang
            )
            rows.append(
                [level, f.get(evidence) or "" or f["evidence"], _date(f["raised_on"], lang)]
            )
        out.append(_table(rows, [16 * mm, WIDTH - 42 * mm, 26 * mm], s))
    else:
        out.append(Paragraph(t["none"](lang), s["base"]))

    offers = (
        p.suggestions[p.suggestions["status"] == "open"].head(MAX_SUGGESTIONS)
        if len(p.suggestions)
        else p.suggestions
    )
    out.append(Paragraph(t["suggestions"](lang), s["h2"]))
    if len(offers):
        name = "name_zh" if lang.startswith("zh") else "name_en"
        reason = "reason_zh" if lang.startswith("zh") else "reason_en"
        rows = [[t["product"](lang), t["value"](lang), t["reason"](lang)]]
        for o in _records(offers):
            rows.append([o[name], money(o["expected_value_minor"] or 0), o[reason]])
        out.append(_table(rows, [36 * mm, 28 * mm, WIDTH - 64 * mm], s))
    else:
        out.append(Paragraph(t["none"](lang), s["base"]))

    out.append(Paragraph(t["contacts"](lang), s["h2"]))
    if len(p.contacts):
        rows = [[t["when"](lang), t["channel"](lang), t["purpose"](lang), t["outcome"](lang)]]
        for c in _records(p.contacts.head(MAX_CONTACTS)):
            channel = CHANNEL.get(str(c["channel"]), Words(str(c["channel"]), str(c["channel"])))(
                lang
            )
            rows.append(
                [_date(c["occurred_at"], lang), channel, c["purpose"] or "", c["outcome"] or ""]
            )
        out.append(_table(rows, [26 * mm, 22 * mm, 60 * mm, WIDTH - 108 * mm], s))
    else:
        out.append(Paragraph(t["none"](lang), s["base"]))

    agenda = [t["agenda_open"](lang)]
    agenda += (
        [
            t["agenda_flag"](lang).format(
                x=f.get("rule_zh" if lang.startswith("zh") else "rule_en") or f["rule_code"]
            )
            for f in _records(flags.head(3))
        ]
        if len(flags)
        else []
    )
    agenda += (
        [
            t["agenda_offer"](lang).format(x=o["name_zh" if lang.startswith("zh") else "name_en"])
            for o in _records(offers)
        ]
        if len(offers)
        else []
    )
    agenda.append(t["agenda_close"](lang))
    block: list[Flowable] = [Paragraph(t["agenda"](lang), s["h2"])]
    block += [Paragraph(f"{i}. {_escape(item)}", s["base"]) for i, item in enumerate(agenda, 1)]
    out.append(KeepTogether(block))
    lines_table = Table([[""]] * NOTE_LINES, colWidths=[WIDTH], rowHeights=[8 * mm] * NOTE_LINES)
    lines_table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#9e9e9e")),
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # empty cells still name a font
            ]
        )
    )
    out.append(KeepTogether([Paragraph(t["notes"](lang), s["h2"]), lines_table]))
    return out


def render(
    p: ClientProfile,
    months: pd.DataFrame,
    language: str,
    target: Path | io.BytesIO,
    *,
    generated: dt.datetime,
    visit_on: dt.date | None = None,
    purpose: str | None = None,
) -> int:
    """Write the brief to ``target``; returns the number of pages."""
    register_font()
    doc = SimpleDocTemplate(
        str(target) if isinstance(target, Path) else target,
        pagesize=A4,
        initialFontName=FONT,  # every font embedded: not even Helvetica as the first font
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=16 * mm,
        title=f"{W['title'](language)}: {p.name}",
        author=p.rm or "rmdesk",
    )
    doc.build(
        story(p, months, language, visit_on=visit_on, purpose=purpose),
        canvasmaker=_footer(language, generated),
    )
    return int(doc.page)


def write_brief(
    engine: Engine,
    client_id: int,
    path: Path,
    *,
    actor: str,
    language: str = "zh_CN",
    today: dt.date | None = None,
    visit_on: dt.date | None = None,
    purpose: str | None = None,
    rm_id: int | None = None,
) -> int:
    """Make one client's brief at ``path`` (via a temporary file) and audit it; returns pages."""
    today = today or dt.date.today()
    try:
        p = client_profile.load(engine, client_id, today=today, rm_id=rm_id)
    except client_profile.ProfileError as exc:
        raise BriefError(exc.en if not language.startswith("zh") else exc.zh) from exc
    months = client_breakdown(engine, client_id, p.as_of).months
    part = path.with_name(path.name + ".part")
    try:
        pages = render(
            p,
            months,
            language,
            part,
            generated=dt.datetime.now().astimezone(),
            visit_on=visit_on,
            purpose=purpose,
        )
        part.replace(path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    with engine.begin() as conn:
        audit.record(
            conn,
            actor,
            "print",
            "client",
            client_id,
            {"what": "brief", "pages": pages, "path": str(path), "language": language},
        )
    return pages
