"""The visit planner's calendar side: working days, a visit's reason in words, the .ics export.

Working days come from the ``holidays`` library, including China's adjusted working weekends
(调休) for the years the library has them. Every reason is written in Chinese and English with its
numbers and stored as JSON; amounts are written by ``formatting.money``, like every amount in a
sentence rmdesk writes. The export writes one event per visit, at its suggested time and the
client's address, with the ``icalendar`` library, so any calendar program (Outlook, WPS, a
phone) can show the plan.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import holidays
from icalendar import Calendar, Event
from sqlalchemy import Engine, select

from rmdesk import local_files
from rmdesk.db import write_transaction
from rmdesk.models import Base, VisitStatus
from rmdesk.services.common import audit, contact_details, formatting, parameters
from rmdesk.services.common.access import Account, guarded

T = Base.metadata.tables

#: Purpose codes the planner writes, with their Chinese and English labels.
PURPOSE_LABELS: dict[str, tuple[str, str]] = {
    "cadence": ("定期联系", "Regular contact"),
    "flag": ("风险预警", "Risk flag"),
    "maturity": ("产品到期", "Maturity"),
    "suggestion": ("营销建议", "Suggestion"),
    "follow_up": ("跟进", "Follow-up"),
}


def _is_zh(language: str) -> bool:
    return language.lower().startswith("zh")


def purpose_label(purpose: str | None, language: str) -> str:
    """A purpose code in words; an unknown code is shown as it is."""
    if not purpose:
        return ""
    labels = PURPOSE_LABELS.get(purpose)
    if labels is None:
        return purpose
    return labels[0] if _is_zh(language) else labels[1]


def reason_json(zh: str, en: str) -> str:
    """The text stored in ``visits.reason``: the reason in both languages as JSON."""
    return json.dumps({"zh": zh, "en": en}, ensure_ascii=False, sort_keys=True)


def reason_text(visit_reason: str | None, language: str) -> str:
    """A visit's reason in one language ("zh_CN", "zh", "en", ...).

    The planner stores ``{"zh": ..., "en": ...}``; text that is not such JSON (written by hand or
    by an older version) is returned as it is, and a missing language falls back to the other.
    """
    if not visit_reason:
        return ""
    try:
        parsed = json.loads(visit_reason)
    except (ValueError, RecursionError):  # not JSON, or JSON Python will not read (a number
        return visit_reason  # of 5,000 digits, a nesting 3,000 deep): shown as it is
    if not isinstance(parsed, dict):
        return visit_reason
    first, second = ("zh", "en") if _is_zh(language) else ("en", "zh")
    text = parsed.get(first) or parsed.get(second) or ""
    return str(text)


Words = tuple[str, str]  # (Chinese, English)


def cadence(tier: str, days: int, last: dt.date | None, due: dt.date, start: dt.date) -> Words:
    """Why a client is due by its tier's cadence."""
    if last is None:
        return (
            f"尚无联系记录，{tier} 级客户每 {days} 天联系一次",
            f"no contact on record; tier {tier} clients are contacted every {days} days",
        )
    late = (start - due).days
    return (
        f"上次联系 {last}，{tier} 级客户每 {days} 天联系一次，应于 {due} 联系"
        + (f"（已逾期 {late} 天）" if late > 0 else ""),
        f"last contact {last}; tier {tier} clients are contacted every {days} days, due {due}"
        + (f" ({late} {formatting.plural_en(late, 'day', 'days')} overdue)" if late > 0 else ""),
    )


def flag(codes: list[str], since: dt.date) -> Words:
    return (
        f"有未处理的高风险预警 {'、'.join(codes)}（{since} 起），请尽快走访",
        f"open high-severity flag {', '.join(codes)} (since {since}): visit promptly",
    )


def maturity(product: Words, on: dt.date, by: dt.date) -> Words:
    lead = (on - by).days
    return (
        f"{product[0]} 将于 {on} 到期，请在到期前 {lead} 天即 {by} 前走访",
        f"{product[1]} matures on {on}: visit {lead} days before, by {by}",
    )


def suggestion(product: Words, value_minor: int, pull_days: int, currency: str = "CNY") -> Words:
    """Why a strong suggestion brings the visit forward (the value in minor units of currency)."""
    zh, en = (formatting.money(value_minor, currency, language) for language in ("zh", "en"))
    return (
        f"有较强的营销建议：{product[0]}，预期年价值 {zh}，走访提前 {pull_days} 天",
        f"strong suggestion: {product[1]}, expected value {en} a year; "
        f"visit brought forward {pull_days} days",
    )


def follow_up(visited_on: dt.date, next_step: str | None) -> Words:
    return (
        f"{visited_on} 走访后的跟进" + (f"：{next_step}" if next_step else ""),
        f"Follow-up to the visit on {visited_on}" + (f": {next_step}" if next_step else ""),
    )


def join(parts: list[Words]) -> Words:
    """Sentences in both languages, the first one the visit's purpose."""
    zh = "；".join(p[0] for p in parts) + "。"
    en = "; ".join(p[1] for p in parts) + "."
    return zh, en[:1].upper() + en[1:]


def working_days(start: dt.date, end: dt.date, country: str = "CN") -> list[dt.date]:
    """The working days from ``start`` to ``end`` inclusive, in order.

    A day is a working day when it is not a public holiday of ``country`` and either falls on a
    weekday or is one of the weekend days the government made a working day (调休).
    """
    if end < start:
        return []
    try:
        calendar = holidays.country_holidays(country, years=range(start.year, end.year + 1))
    except NotImplementedError as exc:
        raise ValueError(
            f"holiday_country {country!r} is not a country the holidays library knows"
        ) from exc
    weekend: set[int] = set(getattr(calendar, "weekend", {5, 6}))
    made_working: set[dt.date] = set(getattr(calendar, "weekend_workdays", set()))
    days = []
    day = start
    while day <= end:
        if day not in calendar and (day.weekday() not in weekend or day in made_working):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


#: a day of visits: from 09:00, 390 working minutes, lunch 12:00–13:30 (``suggested_times``)
DAY_START = dt.time(9, 0)
LUNCH = (dt.time(12, 0), dt.time(13, 30))
WORKING_MINUTES = 390


def visit_length(count: int) -> dt.timedelta:
    """How long each of ``count`` visits of a day gets: an equal share of the working minutes,
    rounded down to a quarter hour, at least 30 minutes and at most two hours."""
    share = WORKING_MINUTES // max(count, 1) // 15 * 15
    return dt.timedelta(minutes=min(max(share, 30), 120))


def suggested_times(count: int) -> list[dt.time]:
    """Start times for ``count`` visits in route order: they spread over the working day, and
    a visit that would start in the lunch break starts after it (the day pack's cover and the
    .ics export say the same times)."""
    if count <= 0:
        return []
    length = visit_length(count)
    at = dt.datetime.combine(dt.date.min, DAY_START)
    times = []
    for _ in range(count):
        if LUNCH[0] <= at.time() < LUNCH[1]:
            at = dt.datetime.combine(dt.date.min, LUNCH[1])
        times.append(at.time())
        at += length
    return times


@guarded("scope", "rm_id")
def export_ics(
    engine: Engine,
    rm_id: int,
    path: str | Path,
    *,
    start: dt.date,
    end: dt.date,
    language: str = "zh_CN",
    include_proposed: bool = False,
    always_mask_phones: bool = False,
    who: Account,
) -> int:
    """Write one RM's visits from ``start`` to ``end`` as an .ics file; returns the event count.

    Each visit is an event at the time the day pack suggests for it (its day's visits in route
    order, ``suggested_times``), at the client's address and district, its description the
    visit's reason and how to reach the client (the numbers masked unless ``phones_on_paper``
    is ``whole``). Its UID is stable (``visit-<id>@rmdesk``) and whose SEQUENCE
    is the visit's version, so importing the file again updates moved visits instead of copying.
    """
    visits, clients = T["visits"], T["clients"]
    statuses = [VisitStatus.PLANNED] + ([VisitStatus.PROPOSED] if include_proposed else [])
    query = (
        select(
            visits.c.id,
            visits.c.planned_on,
            visits.c.status,
            visits.c.purpose,
            visits.c.reason,
            visits.c.district,
            visits.c.version,
            clients.c.name,
            *(clients.c[name] for name in contact_details.NAMES),
        )
        .join(clients, clients.c.id == visits.c.client_id)
        .where(
            visits.c.user_id == rm_id,
            visits.c.planned_on >= start,
            visits.c.planned_on <= end,
            visits.c.status.in_(statuses),
        )
        .order_by(visits.c.planned_on, visits.c.slot, visits.c.id)
    )
    zh = _is_zh(language)
    cal = Calendar()
    cal.add("prodid", "-//rmdesk//visit plan//ZH" if zh else "-//rmdesk//visit plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "走访计划" if zh else "Visit plan")
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with write_transaction(engine) as conn:
        masked = contact_details.masks_phones(
            parameters.load(conn).phones_on_paper, always=always_mask_phones
        )
        rows = conn.execute(query).all()
        # each day's visits at the times the day pack suggests, in route order
        per_day: dict[dt.date, int] = {}
        for row in rows:
            per_day[row.planned_on] = per_day.get(row.planned_on, 0) + 1
        times = {day: iter(suggested_times(n)) for day, n in per_day.items()}
        for row in rows:
            label = purpose_label(row.purpose, language)
            event = Event()
            event.add("uid", f"visit-{row.id}@rmdesk")
            event.add("dtstamp", stamp)
            begin = dt.datetime.combine(row.planned_on, next(times[row.planned_on]))
            event.add("dtstart", begin)  # local time, as the RM's calendar shows it
            event.add("dtend", begin + visit_length(per_day[row.planned_on]))
            event.add("sequence", int(row.version))
            event.add(
                "summary", f"走访 {row.name}：{label}" if zh else f"Visit {row.name}: {label}"
            )
            where = ", ".join(x for x in (row.address, row.district) if x)
            if where:
                event.add("location", where)
            reach = {name: getattr(row, name) for name in contact_details.NAMES}
            event.add(
                "description",
                reason_text(row.reason, language)
                + "\n"
                + contact_details.on_paper(reach, language, masked),
            )
            event.add("status", "TENTATIVE" if row.status == VisitStatus.PROPOSED else "CONFIRMED")
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
        with local_files.open_private(Path(path), "wb") as fh:  # owner-only: clients' names
            fh.write(cal.to_ical())
        audit.record(
            conn,
            who,
            "visit.export_ics",
            "visits",
            None,
            {
                "rm_id": rm_id,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "events": len(rows),
                "include_proposed": include_proposed,
                "path": str(path),
            },
        )
    return len(rows)
