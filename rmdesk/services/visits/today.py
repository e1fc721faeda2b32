"""Today (今日工作台): what an RM, or a branch head, has to do on one day, in one place.

The RM's agenda: the day's visits in route order with where, how to reach the client, why and
what to offer; the tasks due and overdue; the new and the high flags of the book, most urgent
first (``flag_priority``); the maturities ahead; birthdays and company anniversaries. The
head's agenda: the branch's overdue tasks and visits, the new high flags by RM, the RMs who
have logged no contact lately, and the head's own tasks. The windows are parameters
(``today_*``, ``quiet_rm_days``); docs/today.md says what each list holds. The screen
(views/today) and ``rmdesk-cli today`` show the same agenda.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Connection, Engine, and_, extract, func, or_, select

from rmdesk.models import (
    Base,
    Role,
    Severity,
    SuggestionStatus,
    TaskStatus,
    VisitStatus,
)
from rmdesk.services.common import parameters
from rmdesk.services.common.access import HEADS, Account, guarded
from rmdesk.services.engine import risk_flags
from rmdesk.services.engine.flag_priority import priority
from rmdesk.services.engine.risk_rules import BY_CODE
from rmdesk.services.visits.anniversaries import month_days, next_date
from rmdesk.services.visits.calendar import purpose_label, reason_text, suggested_times

__all__ = [
    "Agenda",
    "BranchAgenda",
    "ClientFlags",
    "DateItem",
    "FlagItem",
    "QuietRm",
    "TaskItem",
    "VisitItem",
    "branch_agenda",
    "rm_agenda",
]

T = Base.metadata.tables
OPEN_FLAGS = risk_flags.OPEN
TODAYS_VISITS = (VisitStatus.PLANNED, VisitStatus.PROPOSED)
#: the day's list keeps the visits already done, so the RM sees the day's progress
ON_THE_DAY = (*TODAYS_VISITS, VisitStatus.DONE)
#: the most clients with flags an agenda lists (the rest are counted, and in the book and the
#: flags panel)
MAX_FLAGS = 30
_SEVERITY_ORDER = {s.value: i for i, s in enumerate(Severity)}


@dataclass(frozen=True)
class VisitItem:
    visit_id: int
    version: int
    client_id: int
    external_id: str
    name: str
    planned_on: dt.date
    time: dt.time
    status: str
    purpose: str
    reason: str
    district: str
    address: str
    mobile: str
    phone: str
    #: the products to offer, best first (the client view's first suggestions)
    offers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskItem:
    task_id: int
    version: int
    client_id: int
    external_id: str
    name: str
    title: str
    due_on: dt.date
    days_late: int  # 0: due today
    assignee: str


@dataclass(frozen=True)
class FlagItem:
    flag_id: int
    client_id: int
    external_id: str
    name: str
    rule_code: str
    rule: str  # the rule's name in the agenda's language
    severity: str
    evidence: str
    raised_on: dt.date
    new: bool
    rm: str
    priority: float


@dataclass(frozen=True)
class ClientFlags:
    """A client's open flags on the agenda, one line: clients with a high flag first, then by
    the sum of their flags' ``flag_priority``; ``severity`` is the worst of them."""

    client_id: int
    external_id: str
    name: str
    rm: str
    priority: float
    severity: str
    new: bool
    flags: tuple[FlagItem, ...]


@dataclass(frozen=True)
class DateItem:
    """A day ahead that matters to a client: a maturity, a birthday, a company anniversary."""

    client_id: int
    external_id: str
    name: str
    kind: str  # "maturity", "birthday", "anniversary"
    on: dt.date
    what: str  # the product maturing, or the age or years reached


@dataclass(frozen=True)
class QuietRm:
    user_id: int
    name: str
    last_contact: dt.date | None


@dataclass
class Agenda:
    """An RM's day."""

    on: dt.date
    person: str
    visits: list[VisitItem] = field(default_factory=list)
    tasks: list[TaskItem] = field(default_factory=list)
    flags: list[ClientFlags] = field(default_factory=list)
    flags_total: int = 0  # clients with such flags (the first MAX_FLAGS are listed)
    dates: list[DateItem] = field(default_factory=list)


@dataclass
class BranchAgenda:
    """A branch head's day: what is late or new across the branch, and the head's own tasks."""

    on: dt.date
    branch: str
    tasks: list[TaskItem] = field(default_factory=list)  # the head's own
    overdue_tasks: list[TaskItem] = field(default_factory=list)
    overdue_visits: list[VisitItem] = field(default_factory=list)
    visit_rms: dict[int, str] = field(default_factory=dict)  # visit id → its RM
    new_high_flags: list[ClientFlags] = field(default_factory=list)  # by RM
    quiet_rms: list[QuietRm] = field(default_factory=list)


def _zh(language: str) -> bool:
    return language.lower().startswith("zh")


def _tasks(conn: Connection, on: dt.date, *where: ColumnElement[bool]) -> list[TaskItem]:
    t, c, u = T["tasks"], T["clients"], T["users"]
    rows = conn.execute(
        select(t, c.c.external_id, c.c.name, u.c.display_name)
        .join(c, c.c.id == t.c.client_id)
        .join(u, u.c.id == t.c.user_id)
        .where(t.c.status == TaskStatus.OPEN.value, *where)
        .order_by(t.c.due_on, t.c.id)
    ).all()
    return [
        TaskItem(
            int(r.id),
            int(r.version),
            int(r.client_id),
            str(r.external_id),
            str(r.name),
            str(r.title),
            r.due_on,
            (on - r.due_on).days,
            str(r.display_name),
        )
        for r in rows
    ]


def _visible(on: dt.date) -> ColumnElement[bool]:
    """A task not snoozed past ``on``."""
    t = T["tasks"]
    return or_(t.c.snoozed_until.is_(None), t.c.snoozed_until <= on)


def _offers(conn: Connection, client_ids: list[int], language: str, n: int) -> dict[int, list[str]]:
    s, p = T["suggestions"], T["products"]
    name = p.c.name_zh if _zh(language) else p.c.name_en
    rows = conn.execute(
        select(s.c.client_id, name)
        .join(p, p.c.id == s.c.product_id)
        .where(
            s.c.client_id.in_(client_ids),
            s.c.status == SuggestionStatus.OPEN,
            s.c.rank <= n,
        )
        .order_by(s.c.client_id, s.c.rank)
    ).all()
    found: dict[int, list[str]] = {}
    for client_id, product in rows:
        found.setdefault(int(client_id), []).append(str(product))
    return found


def _visits(
    conn: Connection, where: Iterable[ColumnElement[bool]], language: str, *, offers: int = 0
) -> list[VisitItem]:
    v, c = T["visits"], T["clients"]
    rows = conn.execute(
        select(
            v.c.id,
            v.c.version,
            v.c.client_id,
            v.c.planned_on,
            v.c.status,
            v.c.purpose,
            v.c.reason,
            v.c.district,
            c.c.district.label("client_district"),
            c.c.external_id,
            c.c.name,
            c.c.address,
            c.c.mobile,
            c.c.phone,
        )
        .join(c, c.c.id == v.c.client_id)
        .where(*where)
        .order_by(v.c.planned_on, v.c.slot, v.c.id)
    ).all()
    times = suggested_times(len(rows))
    wanted = _offers(conn, [int(r.client_id) for r in rows], language, offers) if offers else {}
    return [
        VisitItem(
            int(r.id),
            int(r.version),
            int(r.client_id),
            str(r.external_id),
            str(r.name),
            r.planned_on,
            time,
            VisitStatus(r.status).value,
            purpose_label(r.purpose, language),
            reason_text(r.reason, language),
            str(r.district or r.client_district or ""),
            str(r.address or ""),
            str(r.mobile or ""),
            str(r.phone or ""),
            tuple(wanted.get(int(r.client_id), ())),
        )
        for r, time in zip(rows, times, strict=True)
    ]


def _rule(code: str, zh: bool) -> str:
    rule = BY_CODE.get(code)
    if rule is None:
        return code
    return rule.name_zh if zh else rule.name_en


def _flags(
    conn: Connection, on: dt.date, new_days: int, language: str, *where: ColumnElement[bool]
) -> list[ClientFlags]:
    """Open flags that are high, or medium and new, per client, the most urgent first."""
    f, c, s, u = T["risk_flags"], T["clients"], T["client_scores"], T["users"]
    since = on - dt.timedelta(days=new_days)
    rows = conn.execute(
        select(
            f.c.id,
            f.c.client_id,
            f.c.rule_code,
            f.c.severity,
            f.c.evidence,
            f.c.evidence_en,
            f.c.raised_on,
            c.c.external_id,
            c.c.name,
            u.c.display_name,
            s.c.contribution_minor,
        )
        .join(c, c.c.id == f.c.client_id)
        .outerjoin(u, u.c.id == c.c.rm_id)
        .outerjoin(s, s.c.client_id == f.c.client_id)
        .where(
            f.c.status.in_(OPEN_FLAGS),
            # high ones, and new medium ones: a low flag is an event (a maturity, a closure) or
            # a lapse the planner plans for, listed where it belongs (dates ahead, the planner)
            or_(
                f.c.severity == Severity.HIGH,
                and_(f.c.severity == Severity.MEDIUM, f.c.raised_on >= since),
            ),
            *where,
        )
        .order_by(f.c.client_id, f.c.id)
    ).all()
    zh = _zh(language)
    per_client: dict[int, list[FlagItem]] = {}
    for r in rows:
        severity = Severity(r.severity).value
        per_client.setdefault(int(r.client_id), []).append(
            FlagItem(
                int(r.id),
                int(r.client_id),
                str(r.external_id),
                str(r.name),
                str(r.rule_code),
                _rule(str(r.rule_code), zh),
                severity,
                str(r.evidence if zh or not r.evidence_en else r.evidence_en),
                r.raised_on,
                r.raised_on >= since,
                str(r.display_name or ""),
                priority(severity, int(r.contribution_minor or 0), (on - r.raised_on).days),
            )
        )
    groups = []
    for items in per_client.values():
        items.sort(key=lambda i: (-i.priority, i.flag_id))
        first = items[0]
        groups.append(
            ClientFlags(
                first.client_id,
                first.external_id,
                first.name,
                first.rm,
                sum(i.priority for i in items),
                min((i.severity for i in items), key=_SEVERITY_ORDER.__getitem__),
                any(i.new for i in items),
                tuple(items),
            )
        )
    # the worst severity first (a high flag is never below a medium one), then by urgency
    return sorted(groups, key=lambda g: (_SEVERITY_ORDER[g.severity], -g.priority, g.client_id))


def _dates(
    conn: Connection,
    on: dt.date,
    params: parameters.Parameters,
    language: str,
    *where: ColumnElement[bool],
) -> list[DateItem]:
    c, h, p = T["clients"], T["holdings"], T["products"]
    zh = _zh(language)
    name = p.c.name_zh if zh else p.c.name_en
    last = on + dt.timedelta(days=params.today_maturity_days)
    items = [
        DateItem(
            int(r.id), str(r.external_id), str(r.name), "maturity", r.maturity_on, str(r.product)
        )
        for r in conn.execute(
            select(c.c.id, c.c.external_id, c.c.name, h.c.maturity_on, name.label("product"))
            .join(h, h.c.client_id == c.c.id)
            .join(p, p.c.id == h.c.product_id)
            .where(h.c.closed_on.is_(None), h.c.maturity_on.between(on, last), *where)
        )
    ]
    until = on + dt.timedelta(days=params.today_dates_days)
    # only the clients whose day falls in the window, chosen by the database (not every client
    # of the book read to find the few)
    in_window = or_(
        *[
            and_(extract("month", c.c.birth_date) == m, extract("day", c.c.birth_date) == d)
            for m, d in month_days(on, until)
        ]
    )
    for r in conn.execute(
        select(c.c.id, c.c.external_id, c.c.name, c.c.kind, c.c.birth_date).where(
            c.c.birth_date.is_not(None), c.c.status == "active", in_window, *where
        )
    ):
        day = next_date(r.birth_date, on)
        if day > until:
            continue
        years = day.year - r.birth_date.year
        company = r.kind == "corporate"
        if zh:
            what = f"成立 {years} 周年" if company else f"{years} 岁生日"
        else:
            what = f"{years} years in business" if company else f"turns {years}"
        kind = "anniversary" if company else "birthday"
        items.append(DateItem(int(r.id), str(r.external_id), str(r.name), kind, day, what))
    return sorted(items, key=lambda d: (d.on, d.kind, d.name))


@guarded("scope", "rm_id")
def rm_agenda(
    engine: Engine, rm_id: int, on: dt.date, *, language: str = "zh_CN", who: Account
) -> Agenda:
    """The RM's day ``on``."""
    c, t, v = T["clients"], T["tasks"], T["visits"]
    with engine.connect() as conn:
        params = parameters.load(conn)
        person = conn.execute(
            select(T["users"].c.display_name).where(T["users"].c.id == rm_id)
        ).scalar()
        agenda = Agenda(on, str(person or rm_id))
        agenda.visits = _visits(
            conn,
            [v.c.user_id == rm_id, v.c.planned_on == on, v.c.status.in_(ON_THE_DAY)],
            language,
            offers=params.suggestions_per_client,
        )
        agenda.tasks = _tasks(conn, on, t.c.user_id == rm_id, t.c.due_on <= on, _visible(on))
        flags = _flags(conn, on, params.today_new_flag_days, language, c.c.rm_id == rm_id)
        agenda.flags, agenda.flags_total = flags[:MAX_FLAGS], len(flags)
        agenda.dates = _dates(conn, on, params, language, c.c.rm_id == rm_id)
    return agenda


@guarded("scope", "branch_id", roles=HEADS)
def branch_agenda(
    engine: Engine, branch_id: int, on: dt.date, *, language: str = "zh_CN", who: Account
) -> BranchAgenda:
    """The branch's day ``on``, for its head (``who``'s own tasks among them)."""
    c, t, v, u = T["clients"], T["tasks"], T["visits"], T["users"]
    in_branch = c.c.branch_id == branch_id
    with engine.connect() as conn:
        params = parameters.load(conn)
        name = conn.execute(
            select(T["branches"].c.name).where(T["branches"].c.id == branch_id)
        ).scalar()
        agenda = BranchAgenda(on, str(name or branch_id))
        agenda.tasks = _tasks(conn, on, t.c.user_id == who.id, t.c.due_on <= on, _visible(on))
        agenda.overdue_tasks = _tasks(conn, on, in_branch, t.c.due_on < on)
        late = or_(
            and_(v.c.status.in_(TODAYS_VISITS), v.c.planned_on < on),
            and_(v.c.status == VisitStatus.MISSED, v.c.planned_on >= on - dt.timedelta(days=14)),
        )
        agenda.overdue_visits = _visits(conn, [in_branch, late], language)
        owners = conn.execute(
            select(v.c.id, u.c.display_name)
            .join(u, u.c.id == v.c.user_id)
            .where(v.c.id.in_([i.visit_id for i in agenda.overdue_visits]))
        ).all()
        agenda.visit_rms = {int(i): str(n) for i, n in owners}
        flags = _flags(conn, on, params.today_new_flag_days, language, in_branch)
        agenda.new_high_flags = sorted(
            (
                dataclasses.replace(g, flags=new_high)
                for g in flags
                if (new_high := tuple(i for i in g.flags if i.new and i.severity == "high"))
            ),
            key=lambda g: (g.rm, -g.priority),
        )
        agenda.quiet_rms = _quiet(conn, branch_id, on, params.quiet_rm_days)
    return agenda


def _quiet(conn: Connection, branch_id: int, on: dt.date, days: int) -> list[QuietRm]:
    """Active RMs of the branch with no contact logged in the ``days`` before ``on``."""
    u, i = T["users"], T["interactions"]
    rms = select(u.c.id).where(
        u.c.branch_id == branch_id, u.c.role == Role.RM, u.c.active.is_(True)
    )
    last = (  # the branch's RMs' contacts only (by the index on the contact's user)
        select(i.c.user_id, func.max(i.c.occurred_at).label("at"))
        .where(i.c.user_id.in_(rms.scalar_subquery()))
        .group_by(i.c.user_id)
        .subquery()
    )
    rows = conn.execute(
        select(u.c.id, u.c.display_name, last.c.at)
        .outerjoin(last, last.c.user_id == u.c.id)
        .where(u.c.branch_id == branch_id, u.c.role == Role.RM, u.c.active.is_(True))
        .order_by(u.c.display_name)
    ).all()
    since = on - dt.timedelta(days=days)
    out = []
    for r in rows:
        day = r.at.date() if r.at is not None else None
        if day is None or day < since:
            out.append(QuietRm(int(r.id), str(r.display_name), day))
    return out
