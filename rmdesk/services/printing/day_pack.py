"""A visit-day pack: one PDF with everything an RM carries on a day of visits.

A cover page lists the day's visits in route order (suggested time, client, district, purpose,
tier, whether the visit is accepted or only proposed); each client's brief follows on a new
page, and the PDF's bookmarks lead to the cover and to each client. Planned and proposed visits
are included (a proposal the RM has not accepted yet is still where the plan sends them);
done, missed and cancelled ones are not.

Visits carry an order in the day's route (``slot``), not a time. The suggested time spreads
them over the working day, 09:00 to 17:00 with a lunch break from 12:00 to 13:30: each visit
gets an equal share of the 390 minutes rounded down to a quarter hour (at least 30 minutes,
at most two hours), and a visit that would start in the lunch break starts at 13:30 instead.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph
from sqlalchemy import Engine, select

from rmdesk.models import Base, VisitStatus
from rmdesk.services.common import audit, contact_details
from rmdesk.services.common.access import Account, guarded
from rmdesk.services.printing import brief
from rmdesk.services.printing import paper as printing
from rmdesk.services.printing.paper import WIDTH, Words
from rmdesk.services.visits.calendar import purpose_label, suggested_times
from rmdesk.services.visits.screen import rm_visits

T = Base.metadata.tables
PACKED = (VisitStatus.PLANNED, VisitStatus.PROPOSED)

W = {
    "title": Words("拜访日程", "Visit day"),
    "cover": Words("拜访日程（封面）", "Cover: the day's visits"),
    "rm": Words("客户经理", "RM"),
    "date": Words("日期", "Date"),
    "count": Words("共 {n} 个拜访", "{n} visits"),
    "count_one": Words("共 1 个拜访", "1 visit"),
    "tasks": Words("待办（当日拜访的客户）", "Tasks of the day's clients"),
    "due": Words("到期日", "Due"),
    "task": Words("待办事项", "Task"),
    "no": Words("序号", "#"),
    "time": Words("建议时间", "Suggested time"),
    "client": Words("客户", "Client"),
    "district": Words("区域", "District"),
    "purpose": Words("拜访目的", "Purpose"),
    "tier": Words("层级", "Tier"),
    "status": Words("状态", "Status"),
    "planned": Words("已确认", "Accepted"),
    "proposed": Words("建议", "Proposed"),
    "rule": Words(
        "建议时间按路线顺序将拜访均匀分布在 09:00–17:00（12:00–13:30 午休）。",
        "Suggested times spread the visits in route order over 09:00–17:00 (lunch 12:00–13:30).",
    ),
}


class DayPackError(Exception):
    """The pack cannot be made (no such RM, no visits that day); the message says why."""


@dataclass(frozen=True)
class PackedVisit:
    visit_id: int
    client_id: int
    external_id: str
    name: str
    slot: int
    time: dt.time
    district: str
    purpose: str
    tier: str
    status: str


@dataclass(frozen=True)
class DayPack:
    pages: int
    visits: list[PackedVisit]


@guarded("scope", "rm_id")
def day_visits(
    engine: Engine, rm_id: int, on: dt.date, language: str, *, who: Account
) -> list[PackedVisit]:
    """The RM's planned and proposed visits on ``on``, in route order."""
    frame = rm_visits(engine, rm_id, start=on, end=on, statuses=PACKED, language=language, who=who)
    times = suggested_times(len(frame))
    return [
        PackedVisit(
            visit_id=int(r["visit_id"]),
            client_id=int(r["client_id"]),
            external_id=str(r["external_id"]),
            name=str(r["name"]),
            slot=int(r["slot"]),
            time=time,
            district=str(r["district"] or ""),
            purpose=purpose_label(r["purpose"], language),
            tier=str(r["tier"] or ""),
            status=str(r["status"]),
        )
        for r, time in zip(printing.records(frame), times, strict=True)
    ]


def cover(
    visits: Sequence[PackedVisit],
    rm_name: str,
    on: dt.date,
    language: str,
    data: dict[int, brief.BriefData] | None = None,
) -> list[Flowable]:
    """The route cover: the day's visits in order, each client with how to reach them (from
    ``data``, the briefs' contents: numbers masked as the briefs print them)."""
    s, lang = printing.styles(), language
    out: list[Flowable] = [
        printing.Bookmark("cover", W["cover"](lang)),
        Paragraph(printing.escape(f"{W['title'](lang)} · {on.isoformat()}"), s["title"]),
        Paragraph(
            printing.escape(
                f"{W['rm'](lang)}: {rm_name} · "
                + (
                    W["count_one"](lang)
                    if len(visits) == 1
                    else W["count"](lang).format(n=len(visits))
                )
            ),
            s["small"],
        ),
        Paragraph(printing.escape(W["rule"](lang)), s["small"]),
        Paragraph("", s["h2"]),
    ]
    rows: list[list[object]] = [
        [
            W["no"](lang),
            W["time"](lang),
            W["client"](lang),
            W["district"](lang),
            W["purpose"](lang),
            W["tier"](lang),
            W["status"](lang),
        ]
    ]
    for number, v in enumerate(visits, 1):
        status = W[v.status](lang) if v.status in W else v.status
        rows.append(
            [
                number,
                v.time.strftime("%H:%M"),
                Paragraph(
                    f"{printing.escape(v.name)}<br/>{printing.escape(v.external_id)}"
                    + _reach(data, v.client_id, lang),
                    s["cell"],
                ),
                v.district,
                v.purpose,
                v.tier,
                status,
            ]
        )
    widths = [10 * mm, 18 * mm, 0.0, 30 * mm, 36 * mm, 12 * mm, 17 * mm]
    widths[2] = WIDTH - sum(widths)
    out.append(printing.table(rows, widths))
    out += _tasks(visits, on, lang, data)
    # ruled space for the day's own notes under the list
    out.append(Paragraph(printing.escape(brief.W["notes"](lang)), s["h2"]))
    out.append(brief.note_lines(6))
    return out


def _tasks(
    visits: Sequence[PackedVisit], on: dt.date, lang: str, data: dict[int, brief.BriefData] | None
) -> list[Flowable]:
    """The open tasks of the day's clients due by the day, in route order (none: nothing)."""
    s = printing.styles()
    rows: list[list[object]] = [[W["client"](lang), W["due"](lang), W["task"](lang)]]
    for v in visits:
        d = (data or {}).get(v.client_id)
        if d is None or d.profile.tasks.empty:
            continue
        for task in d.profile.tasks.to_dict("records"):
            if task["due_on"] <= on:
                rows.append(
                    [
                        v.name,
                        task["due_on"].isoformat(),
                        Paragraph(printing.escape(task["title"]), s["cell"]),
                    ]
                )
    if len(rows) == 1:
        return []
    return [
        Paragraph(printing.escape(W["tasks"](lang)), s["h2"]),
        printing.table(rows, [50 * mm, 24 * mm, WIDTH - 74 * mm]),
    ]


def _reach(data: dict[int, brief.BriefData] | None, client_id: int, lang: str) -> str:
    """The cover's line of how to reach a client, as its brief prints it (escaped)."""
    d = (data or {}).get(client_id)
    if d is None:
        return ""
    return "<br/>" + printing.escape(contact_details.on_paper(d.profile.reach, lang, d.mask_phones))


def render(
    visits: Sequence[PackedVisit],
    data: dict[int, brief.BriefData],
    rm_name: str,
    on: dt.date,
    language: str,
    target: Path | io.BytesIO,
    *,
    generated: dt.datetime,
) -> int:
    """Write the pack (cover, then one brief per visit) to ``target``; returns the pages."""
    flowables = cover(visits, rm_name, on, language, data)
    for number, v in enumerate(visits, 1):
        flowables.append(PageBreak())
        flowables.append(printing.Bookmark(f"visit-{v.visit_id}", f"{number}. {v.name}"))
        flowables += brief.story(data[v.client_id], language, visit_on=on, purpose=v.purpose)
    return printing.build(
        target,
        flowables,
        language=language,
        generated=generated,
        title=f"{W['title'](language)} {on.isoformat()}: {rm_name}",
        author=rm_name,
    )


@guarded("scope", "rm_id")
def rm_name(engine: Engine, rm_id: int, *, who: Account) -> str:
    users = T["users"]
    with engine.connect() as conn:
        row = conn.execute(
            select(users.c.display_name, users.c.username).where(users.c.id == rm_id)
        ).one_or_none()
    if row is None:
        raise DayPackError(f"no user with id {rm_id}")
    return str(row.display_name or row.username)


@guarded("scope", "rm_id")
def write_day_pack(
    engine: Engine,
    rm_id: int,
    on: dt.date,
    path: Path,
    *,
    language: str = "zh_CN",
    today: dt.date | None = None,
    always_mask_phones: bool = False,
    who: Account,
) -> DayPack:
    """Make the RM's pack for ``on`` at ``path`` (written whole or not at all); every client in
    it is written to the audit log as printed."""
    today = today or dt.date.today()
    name = rm_name(engine, rm_id, who=who)
    visits = day_visits(engine, rm_id, on, language, who=who)
    if not visits:
        raise DayPackError(
            f"{name} 在 {on.isoformat()} 没有拜访安排。"
            if language.startswith("zh")
            else f"{name} has no visits on {on.isoformat()}"
        )
    data = brief.brief_data(
        engine,
        [v.client_id for v in visits],
        today=today,
        language=language,
        always_mask_phones=always_mask_phones,
        who=who,
    )
    generated = dt.datetime.now().astimezone()
    pages = printing.write_whole(
        path, lambda part: render(visits, data, name, on, language, part, generated=generated)
    )
    with engine.begin() as conn:
        for v in visits:
            audit.record(
                conn,
                who,
                "print",
                "client",
                v.client_id,
                {
                    "what": "day_pack",
                    "rm_id": rm_id,
                    "date": on.isoformat(),
                    "visit_id": v.visit_id,
                    "pages": pages,
                    "path": str(path),
                    "language": language,
                },
            )
    return DayPack(pages, visits)
