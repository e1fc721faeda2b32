"""A visit's statuses and the one table of what changes them (docs/visit-planner.md §6).

``TRANSITIONS``: each action, the statuses a visit may be in for it, the status it then has, and
who takes it. ``visit_actions`` enforces it, the planner screen enables, filters and explains
its buttons from it, and PostgreSQL's write rules for people's own logins are made from it
(services/security/write_rules.py). The sets below (a visit still to come, one that can be
removed, a finished one) are read off the same table.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from rmdesk.models import VisitStatus

__all__ = [
    "CREATED",
    "FOLLOW_UP",
    "PERSON_ACTIONS",
    "REMOVABLE",
    "STATUSES",
    "STATUS_WORDS",
    "TERMINAL",
    "TO_COME",
    "TRANSITIONS",
    "By",
    "Transition",
    "actions_from",
    "person_pairs",
    "reachable",
]

STATUSES = tuple(VisitStatus)


class By(enum.StrEnum):
    """Who takes an action."""

    #: a person who reaches the visit (its RM, the branch's head, an administrator), on the
    #: planner screen or with ``rmdesk-cli plan``, one visit or a selection at a time
    PERSON = "person"
    #: the planner's run for a person (re-proposing the proposed visits it keeps)
    PLANNER = "planner"
    #: the nightly run, as an administrator or the schema's owner
    NIGHTLY = "nightly"


#: each status in the messages' words: (Chinese, English)
STATUS_WORDS = {
    VisitStatus.PROPOSED: ("建议中", "proposed"),
    VisitStatus.PLANNED: ("已确认", "planned"),
    VisitStatus.DONE: ("已完成", "done"),
    VisitStatus.CANCELLED: ("已取消", "cancelled"),
    VisitStatus.MISSED: ("未按期完成", "missed"),
}


@dataclass(frozen=True)
class Transition:
    action: str
    #: the action's past participle, in the messages ("a done visit cannot be accepted")
    done: str
    before: frozenset[VisitStatus]
    after: VisitStatus
    by: By
    #: whether the planner screen takes it for several selected visits at once
    many: bool = True
    #: the action in Chinese, in the messages ("不能确认")
    done_zh: str = ""


_OPEN = frozenset({VisitStatus.PROPOSED, VisitStatus.PLANNED})

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "accept",
            "accepted",
            frozenset({VisitStatus.PROPOSED}),
            VisitStatus.PLANNED,
            By.PERSON,
            done_zh="确认",
        ),
        Transition("move", "moved", _OPEN, VisitStatus.PLANNED, By.PERSON, done_zh="改期"),
        Transition("cancel", "cancelled", _OPEN, VisitStatus.CANCELLED, By.PERSON, done_zh="取消"),
        # a missed visit can still be recorded as done: the RM went, and logs it a day late
        Transition(
            "complete",
            "completed",
            _OPEN | {VisitStatus.MISSED},
            VisitStatus.DONE,
            By.PERSON,
            many=False,
            done_zh="记录为已完成",
        ),
        Transition(
            "propose",
            "proposed again",
            frozenset({VisitStatus.PROPOSED}),
            VisitStatus.PROPOSED,
            By.PLANNER,
            done_zh="重新建议",
        ),
        # only when its day has passed with nothing recorded (visit_actions.mark_missed)
        Transition(
            "mark_missed",
            "marked missed",
            frozenset({VisitStatus.PLANNED}),
            VisitStatus.MISSED,
            By.NIGHTLY,
            done_zh="标为未按期完成",
        ),
    )
}

#: the actions people take on the planner screen, in its order
PERSON_ACTIONS = tuple(a for a, t in TRANSITIONS.items() if t.by is By.PERSON)
#: the status a new visit has: the planner proposes it
CREATED = VisitStatus.PROPOSED
#: the status of the follow-up visit that completing a visit plans
FOLLOW_UP = VisitStatus.PLANNED
#: still to come: what can be cancelled, and what goes with a client handed to another RM
TO_COME = TRANSITIONS["cancel"].before
#: what the planner's run may remove (its own proposals that it no longer wants)
REMOVABLE = TRANSITIONS["propose"].before
#: no action leads out of these
TERMINAL = frozenset(s for s in STATUSES if not any(s in t.before for t in TRANSITIONS.values()))


def actions_from(status: str, *, by: By = By.PERSON) -> tuple[str, ...]:
    """The actions ``by`` can take on a visit in ``status``, in the table's order."""
    return tuple(a for a, t in TRANSITIONS.items() if t.by is by and status in t.before)


def person_pairs() -> set[tuple[str, str]]:
    """Every (from, to) a person's own login may take a visit through: their actions and the
    planner's run they start (the nightly run's are the owner's or an administrator's)."""
    return {
        (b.value, t.after.value)
        for t in TRANSITIONS.values()
        if t.by in (By.PERSON, By.PLANNER)
        for b in t.before
    }


def reachable(start: VisitStatus = CREATED) -> set[VisitStatus]:
    """Every status a visit can come to from ``start`` along the table."""
    seen, todo = {start}, [start]
    while todo:
        here = todo.pop()
        for t in TRANSITIONS.values():
            if here in t.before and t.after not in seen:
                seen.add(t.after)
                todo.append(t.after)
    return seen
