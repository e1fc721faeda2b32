"""Scorecard reports (考核报告) as PDF: the branch report a head takes to a meeting, and one
page per RM.

The branch report opens with the RM ranking (rank, score, change of rank against the previous
period, and every KPI's attainment), a bar chart of the scores, the branch's average score over
the trend periods and the 20/80 shape of its contribution. A page per RM follows, each with a
bookmark: the KPI table (value, target, attainment, weight, points, as the branch dashboard
shows it) and the RM's score against the branch average. An RM's own report is that page
alone. The figures are those of the scorecard service; the method is docs/scorecard.md.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import Engine, select

from rmdesk.models import Base
from rmdesk.services.branch import review as branch_review
from rmdesk.services.branch import scorecard
from rmdesk.services.branch.scorecard_kpis import KPIS, Period
from rmdesk.services.common import audit
from rmdesk.services.common.access import HEADS, Account, guarded
from rmdesk.services.common.formatting import formatter
from rmdesk.services.printing import charts as pdf_charts
from rmdesk.services.printing import paper as printing
from rmdesk.services.printing.paper import MARGIN, Words

T = Base.metadata.tables
PAGE = landscape(A4)
WIDTH = PAGE[0] - 2 * MARGIN

W = {
    "branch_title": Words("支行客户经理考核报告", "Branch scorecard report"),
    "rm_title": Words("客户经理考核报告", "RM scorecard report"),
    "period": Words("考核期", "Period"),
    "branch": Words("支行", "Branch"),
    "rms": Words("客户经理 {n} 名", "{n} RMs"),
    "ranking": Words("排名", "Ranking"),
    "rank": Words("名次", "Rank"),
    "change": Words("变化", "Change"),
    "rm": Words("客户经理", "RM"),
    "score": Words("得分", "Score"),
    "scores": Words("本期得分", "Scores this period"),
    "trend": Words("支行平均得分走势", "Branch average score"),
    "average": Words("支行平均", "Branch average"),
    "best": Words("最高", "Best"),
    "worst": Words("最低", "Lowest"),
    "pareto": Words("贡献度集中度（20/80）", "Contribution concentration (20/80)"),
    "pareto_line": Words("前 20% 客户贡献 {x}", "Top 20% of clients make {x}"),
    "clients_share": Words("客户占比", "Share of clients"),
    "contribution_share": Words("贡献度占比", "Share of contribution"),
    "kpis": Words("指标明细", "KPIs"),
    "kpi": Words("指标", "KPI"),
    "value": Words("实际", "Value"),
    "target": Words("目标", "Target"),
    "attainment": Words("达成率", "Attainment"),
    "weight": Words("权重", "Weight"),
    "points": Words("得分", "Points"),
    "mine": Words("本人得分与支行平均", "Score against the branch average"),
    "left_out": Words("未计入：", "Left out: "),
    "method": Words(
        "得分 = 100 × Σ 权重 × 达成率 / Σ 权重 − 未达标扣分；达成率上限 120%。"
        "无数据的指标不计入，其权重由其他指标分摊。",
        "Score = 100 × Σ weight × attainment / Σ weight − penalties below target; attainment "
        "is capped at 120%. A KPI without a value is left out and its weight shared.",
    ),
    "none": Words("本期无考核数据。", "No scorecards for this period."),
}


#: KPI names too long for a ranking column's head
SHORT_EN = {"npl_ratio": "NPL ratio", "deposits_growth": "Deposits & AUM growth"}


class ReportError(Exception):
    """The report cannot be made (no such branch or RM, nobody to score); says why."""


@dataclass(frozen=True)
class ReportData:
    branch_id: int
    branch: str
    period: Period
    cards: pd.DataFrame  # scorecard.scorecards for the branch
    previous: pd.DataFrame  # the same for the period before (rank change)
    trend: pd.DataFrame  # branch_review.branch_trend over trend_periods(period)
    rules: pd.DataFrame  # scorecard.weights for the branch at the period's end
    pareto: branch_review.BranchPareto


@guarded("scope", "branch_id", roles=HEADS)
def report_data(
    engine: Engine, branch_id: int, period: Period, *, today: dt.date, who: Account
) -> ReportData:
    branches = T["branches"]
    with engine.connect() as conn:
        name = conn.execute(
            select(branches.c.name).where(branches.c.id == branch_id)
        ).scalar_one_or_none()
    if name is None:
        raise ReportError(f"no branch with id {branch_id}")
    periods = branch_review.trend_periods(period)
    trend = branch_review.branch_trend(engine, branch_id, periods, today=today, who=who)
    cards = scorecard.scorecards(engine, period, branch_id=branch_id, today=today, who=who)
    previous = scorecard.scorecards(
        engine, period.previous(), branch_id=branch_id, today=today, who=who
    )
    return ReportData(
        branch_id=branch_id,
        branch=str(name),
        period=period,
        cards=cards,
        previous=previous,
        trend=trend,
        rules=scorecard.weights(engine, branch_id, on=period.end, who=who),
        pareto=branch_review.branch_pareto(engine, branch_id, who=who),
    )


def kpi_text(value: Any, unit: str, language: str) -> str:
    """A KPI's value as the branch dashboard writes it (the one formatter's ``kpi``): money in
    whole yuan, ratios as %."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return formatter(language).kpi(float(value), unit)


def _score(value: Any, language: str) -> str:
    return "—" if value is None or pd.isna(value) else formatter(language).number(value, 1)


def _name(card: dict[str, Any]) -> str:
    return str(card.get("display_name") or card.get("username") or "")


def _header(title: str, data: ReportData, language: str, extra: str = "") -> list[Flowable]:
    s, lang = printing.styles(), language
    line = f"{W['branch'](lang)}: {data.branch} · {W['period'](lang)}: {data.period}"
    out: list[Flowable] = [
        Paragraph(printing.escape(title), s["title"]),
        Paragraph(printing.escape(line + (f" · {extra}" if extra else "")), s["small"]),
    ]
    return out


def _ranking(data: ReportData, language: str) -> list[Flowable]:
    lang = language
    cards = printing.records(data.cards)
    before = {
        int(r["rm_id"]): int(r["rank"]) for r in printing.records(data.previous, ["rm_id", "rank"])
    }
    short = [(k.zh if lang.startswith("zh") else SHORT_EN.get(k.key, k.en)) for k in KPIS]
    # thirteen KPI columns: their heads are set smaller so whole words fit
    head = ParagraphStyle(
        "ranking_head",
        parent=printing.styles()["cell"],
        fontSize=6.5,
        leading=8,
        wordWrap="CJK" if lang.startswith("zh") else None,
    )
    names = [W["rank"](lang), W["rm"](lang), W["score"](lang), W["change"](lang)]
    # a KPI's column holds its attainment, not its value: the head says so under its name
    rows: list[list[Any]] = [
        [Paragraph(printing.escape(n), head) for n in names]
        + [
            Paragraph(f"{printing.escape(n)}<br/>({printing.escape(W['attainment'](lang))})", head)
            for n in short
        ]
    ]
    for c in cards:
        was = before.get(int(c["rm_id"]))
        move = "" if was is None else ("—" if was == c["rank"] else f"{was - c['rank']:+d}")
        rows.append(
            [
                c["rank"],
                _name(c),
                _score(c["score"], lang),
                move,
                *[_percent(c.get(f"{k.key}_attainment"), lang) for k in KPIS],
            ]
        )
    fixed = [11 * mm, 26 * mm, 13 * mm, 13 * mm]
    each = (WIDTH - sum(fixed)) / len(KPIS)
    numeric = [0, 2, 3, *range(4, 4 + len(KPIS))]
    tight = [("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    widths = [*fixed, *[each] * len(KPIS)]
    return [printing.table(rows, widths, numeric=numeric, extra=tight)]


def _percent(value: Any, language: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    return formatter(language).percent(float(value), 0)


def _values(series: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in series.tolist()]


def _period_label(period: object) -> str:
    """A month's axis label is its month number; a quarter keeps its name."""
    text = str(period)
    return text if "Q" in text else text[-2:]


def _charts(data: ReportData, language: str) -> Flowable:
    """Three charts in a row: this period's scores, the branch over time, the 20/80 curve."""
    s, lang = printing.styles(), language
    gap = 6 * mm
    third = (WIDTH - 2 * gap) / 3
    cards = data.cards[data.cards["score"].notna()]
    scores = pdf_charts.horizontal_bars(
        [_name(c) for c in printing.records(cards, ["display_name", "username"])],
        [float(v) for v in cards["score"]],
        width=third,
        value_text=lambda v: f"{v:.1f}",
        label_width=52,
    )
    periods = list(dict.fromkeys(data.trend["period"].tolist()))
    grouped = data.trend.groupby("period", sort=False)["score"]
    height = max(scores.height, 58 * mm)
    trend = pdf_charts.bars_and_lines(
        [_period_label(p) for p in periods],
        None,
        [
            pdf_charts.Series(
                W["average"](lang), _values(grouped.mean().reindex(periods)), "#1f4e79"
            ),
            pdf_charts.Series(W["best"](lang), _values(grouped.max().reindex(periods)), "#2e7d32"),
            pdf_charts.Series(W["worst"](lang), _values(grouped.min().reindex(periods)), "#c62828"),
        ],
        width=third,
        height=height,
        label_every=1 if len(periods) <= 12 else 2,
        lines_on_left=True,
    )
    heads = [W["scores"](lang), W["trend"](lang), W["pareto"](lang)]
    row: list[Any] = [scores, trend, _pareto(data, lang, third, height)]
    return _side_by_side(
        [[Paragraph(printing.escape(h), s["h2"]) for h in heads], row],
        [third + gap, third + gap, third],
    )


def _side_by_side(rows: list[list[Any]], widths: list[float]) -> Table:
    """Flowables next to each other, without a grid."""
    grid = Table(rows, colWidths=widths)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), printing.FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return grid


def _pareto(data: ReportData, language: str, width: float, height: float) -> list[Flowable]:
    """The share of contribution made by the top x% of clients, with the 20% point named."""
    s, lang, p = printing.styles(), language, data.pareto
    if p.clients == 0:
        return [Paragraph(printing.escape(W["none"](lang)), s["small"])]
    # the curve read at every 2% of clients, so the axis is labelled 0%, 20% … 100%
    shares = [i / 50 for i in range(51)]
    curve = np.interp(
        shares,
        np.concatenate([[0.0], p.curve["client_share"].to_numpy(dtype=float)]),
        np.concatenate([[0.0], p.curve["contribution_share"].to_numpy(dtype=float)]),
    )
    line = W["pareto_line"](lang).format(x=formatter(lang).percent(p.top_share))
    chart = pdf_charts.bars_and_lines(
        [f"{x:.0%}" for x in shares],
        None,
        [pdf_charts.Series(W["contribution_share"](lang), [float(v) for v in curve], "#1f4e79")],
        width=width,
        height=height - 12,
        label_every=10,
        lines_on_left=True,
        left=lambda v: f"{v:.0%}",
    )
    return [Paragraph(printing.escape(line), s["small"]), chart]


def rm_page(data: ReportData, rm_id: int, language: str) -> list[Flowable]:
    """One RM's page: the KPI table and the score against the branch average."""
    s, lang = printing.styles(), language
    found = data.cards[data.cards["rm_id"] == rm_id]
    if found.empty:
        raise ReportError(f"RM {rm_id} has no scorecard in {data.branch} for {data.period}")
    card = printing.records(found)[0]
    rank = f"{W['rank'](lang)} {card['rank']}/{len(data.cards)} · {W['score'](lang)} "
    out = _header(
        f"{W['rm_title'](lang)}: {_name(card)}",
        data,
        lang,
        rank + _score(card["score"], lang),
    )
    points = branch_review.kpi_points(card, data.rules, data.period)
    rows: list[list[Any]] = [
        [
            W["kpi"](lang),
            W["value"](lang),
            W["target"](lang),
            W["attainment"](lang),
            W["weight"](lang),
            W["points"](lang),
        ]
    ]
    name, number = "name_zh" if lang.startswith("zh") else "name_en", formatter(lang).number
    for p in printing.records(points):
        target = kpi_text(p["target"], p["unit"], lang)
        weight = float(p["weight"])
        rows.append(
            [
                p[name],
                kpi_text(p["value"], p["unit"], lang),
                ("≤ " if p["lower_is_better"] else "") + target,
                _percent(p["attainment"], lang),
                number(weight, 0 if weight.is_integer() else 2),  # as the screen writes them
                "—" if p["points"] is None or pd.isna(p["points"]) else number(p["points"], 1),
            ]
        )
    widths = [55 * mm, 32 * mm, 32 * mm, 22 * mm, 16 * mm, 16 * mm]
    left = printing.table(rows, widths, numeric=[1, 2, 3, 4, 5])
    mine = branch_review.rm_trend(data.trend, rm_id)
    chart = pdf_charts.bars_and_lines(
        [_period_label(p) for p in mine["period"]],
        None,
        [
            pdf_charts.Series(
                W["score"](lang),
                [None if pd.isna(v) else float(v) for v in mine["score"]],
                "#1f4e79",
            ),
            pdf_charts.Series(
                W["average"](lang),
                [None if pd.isna(v) else float(v) for v in mine["branch_average"]],
                "#9e9e9e",
            ),
        ],
        width=WIDTH - sum(widths) - 6 * mm,
        height=70 * mm,
        title=W["mine"](lang),
        label_every=1,
        lines_on_left=True,
    )
    grid = _side_by_side([[left, chart]], [sum(widths) + 6 * mm, WIDTH - sum(widths) - 6 * mm])
    out += [Paragraph(printing.escape(W["kpis"](lang)), s["h2"]), grid]
    notes = card.get("notes_zh" if lang.startswith("zh") else "notes")
    if notes:
        out.append(Paragraph(printing.escape(str(notes)), s["small"]))
    out.append(Spacer(1, 2 * mm))
    out.append(Paragraph(printing.escape(W["method"](lang)), s["small"]))
    return out


def branch_story(data: ReportData, language: str) -> list[Flowable]:
    s, lang = printing.styles(), language
    out: list[Flowable] = [printing.Bookmark("branch", f"{data.branch} · {data.period}")]
    out += _header(W["branch_title"](lang), data, lang, W["rms"](lang).format(n=len(data.cards)))
    if data.cards.empty:
        out.append(Paragraph(printing.escape(W["none"](lang)), s["base"]))
        return out
    out.append(Paragraph(printing.escape(W["ranking"](lang)), s["h2"]))
    out += _ranking(data, lang)
    out.append(Spacer(1, 3 * mm))
    out.append(_charts(data, lang))
    out.append(Paragraph(printing.escape(W["method"](lang)), s["small"]))
    for c in printing.records(data.cards, ["rm_id", "rank", "display_name", "username"]):
        out.append(PageBreak())
        out.append(printing.Bookmark(f"rm-{c['rm_id']}", f"{c['rank']}. {_name(c)}", level=1))
        out += rm_page(data, int(c["rm_id"]), lang)
    return out


def render(
    data: ReportData,
    language: str,
    target: Path | io.BytesIO,
    *,
    generated: dt.datetime,
    rm_id: int | None = None,
) -> int:
    """The branch report, or with ``rm_id`` that RM's page alone; returns the pages."""
    if rm_id is None:
        flowables = branch_story(data, language)
        title = f"{W['branch_title'](language)}: {data.branch} {data.period}"
    else:
        flowables = rm_page(data, rm_id, language)
        title = f"{W['rm_title'](language)}: {data.period}"
    return printing.build(
        target,
        flowables,
        language=language,
        generated=generated,
        title=title,
        author=data.branch,
        pagesize=PAGE,
    )


@guarded("scope", "rm_id,branch_id", roles=HEADS)
def write_report(
    engine: Engine,
    branch_id: int,
    period: Period,
    path: Path,
    *,
    language: str = "zh_CN",
    rm_id: int | None = None,
    today: dt.date | None = None,
    who: Account,
) -> int:
    """Write the branch's report (or one RM's) at ``path``, whole or not at all, and audit it;
    returns the number of pages."""
    data = report_data(engine, branch_id, period, today=today or dt.date.today(), who=who)
    if rm_id is not None and not (data.cards["rm_id"] == rm_id).any():
        users = T["users"]
        with engine.connect() as conn:
            name = conn.execute(select(users.c.username).where(users.c.id == rm_id)).scalar()
        raise ReportError(
            f"{name or rm_id} 不是{data.branch}在 {period} 有考核的客户经理。"
            if language.startswith("zh")
            else f"{name or rm_id} is not an RM with a scorecard in {data.branch} for {period}"
        )
    generated = dt.datetime.now().astimezone()
    pages = printing.write_whole(
        path, lambda part: render(data, language, part, generated=generated, rm_id=rm_id)
    )
    with engine.begin() as conn:
        audit.record(
            conn,
            who,
            "print",
            "user" if rm_id is not None else "branch",
            rm_id if rm_id is not None else branch_id,
            {
                "what": "scorecard_report",
                "branch_id": branch_id,
                "period": str(period),
                "pages": pages,
                "path": str(path),
                "language": language,
            },
        )
    return pages
