"""Handover (客户移交): clients move from one RM's book to another's, their history with them.

A branch head (or an administrator) picks clients and a receiving RM; ``preview`` says what will
move (clients, their contribution, open flags, visits, the RM's open tasks) and ``reassign``
moves it in one transaction, with one audit entry per client. The rule is written out in
docs/handover.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Select, func, insert, select, update

from rmdesk.db import among, write_transaction
from rmdesk.models import Base, Role, TaskStatus, readable_columns
from rmdesk.services.common import audit, frames
from rmdesk.services.common.access import HEADS, SYSTEM_ID, Account, guarded
from rmdesk.services.engine.risk_flags import OPEN
from rmdesk.services.visits.transitions import TO_COME

__all__ = ["MOVING_VISITS", "Handover", "HandoverError", "Preview", "preview", "reassign"]

T = Base.metadata.tables
#: the old RM's visits that go to the receiving RM, when planned for today or later: those
#: still to come (``visits.transitions.TO_COME``)
MOVING_VISITS = tuple(sorted(TO_COME))
PREVIEW_COLUMNS = [
    "client_id",
    "external_id",
    "name",
    "branch_id",
    "from_rm_id",
    "from_rm",
    "contribution_minor",
    "open_flags",
    "visits",
    "tasks",
    "version",
]


class HandoverError(ValueError):
    """A handover that cannot be made; the message names the client or the person, for the user.

    ``str()`` is the English message, ``zh`` the same in Chinese.
    """

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh


@dataclass(frozen=True)
class Preview:
    """What a handover will move, read before it is confirmed."""

    to_rm_id: int
    to_rm: str  # the receiving RM's display name
    #: one row per client (``PREVIEW_COLUMNS``); ``visits``, ``tasks``: how many of its visits
    #: and of its RM's open tasks will move
    clients: pd.DataFrame

    @property
    def count(self) -> int:
        return len(self.clients)

    @property
    def contribution_minor(self) -> int:
        """The clients' trailing-12-month contribution (last scoring run), summed."""
        return int(self.clients["contribution_minor"].fillna(0).sum())

    @property
    def open_flags(self) -> int:
        return int(self.clients["open_flags"].sum())

    @property
    def visits(self) -> int:
        return int(self.clients["visits"].sum())

    @property
    def versions(self) -> dict[int, int]:
        """Each client's version as read: ``reassign`` refuses if one changed meanwhile."""
        return {
            int(c): int(v)
            for c, v in zip(self.clients["client_id"], self.clients["version"], strict=True)
        }


@dataclass(frozen=True)
class Handover:
    """What ``reassign`` wrote."""

    client_ids: tuple[int, ...]
    visit_ids: tuple[int, ...]  # the visits now the receiving RM's


def _client(row: Any) -> str:
    return f"{row.name} ({row.external_id})"


def _ids(client_ids: Iterable[int]) -> list[int]:
    ids = list(dict.fromkeys(int(c) for c in client_ids))
    if not ids:
        raise HandoverError(
            "Choose at least one client to hand over.", "请至少选择一位要移交的客户。"
        )
    return ids


def _user(conn: Connection, **where: Any) -> Any:
    u, b = T["users"], T["branches"]
    query = select(*readable_columns("users"), b.c.name.label("branch_name")).outerjoin(
        b, b.c.id == u.c.branch_id
    )
    for key, value in where.items():
        query = query.where(u.c[key] == value)
    return conn.execute(query).first()


def _check(
    conn: Connection, client_ids: list[int], to_rm_id: int, asking: Account
) -> tuple[Any, list[Any]]:
    """The receiving RM and the clients, if ``asking`` may make this handover; else
    HandoverError. A person is read afresh: a closed account or a changed role counts now."""
    who = asking if asking.id == SYSTEM_ID else _user(conn, id=asking.id)
    if who is None or not getattr(who, "active", True):
        raise HandoverError(
            f"{asking.username!r} is not an active user and cannot hand over clients.",
            f"{asking.username} 不是有效用户，不能移交客户。",
        )
    admin = who.role == Role.ADMIN
    if not admin and not (who.role == Role.BRANCH_HEAD and who.branch_id is not None):
        raise HandoverError(
            f"{asking.username} cannot hand over clients: "
            "only a branch head or an administrator can.",
            f"{asking.username} 不能移交客户：只有支行行长或系统管理员可以移交。",
        )
    rm = _user(conn, id=to_rm_id)
    if rm is None:
        raise HandoverError(
            f"There is no user with id {to_rm_id} to receive the clients.",
            f"没有编号为 {to_rm_id} 的用户可以接收客户。",
        )
    if rm.role != Role.RM or not rm.active:
        raise HandoverError(
            f"{rm.display_name} ({rm.username}) cannot receive clients: "
            "only an active relationship manager can.",
            f"{rm.display_name}（{rm.username}）不能接收客户：只有在岗的客户经理可以接收。",
        )
    c, b = T["clients"], T["branches"]
    found = conn.execute(
        select(c, b.c.name.label("branch_name"))
        .outerjoin(b, b.c.id == c.c.branch_id)
        .where(among(conn, c.c.id, client_ids))
    ).all()
    by_id = {int(r.id): r for r in found}
    rows = []
    for client_id in client_ids:
        row = by_id.get(client_id)
        if row is None:
            raise HandoverError(
                f"There is no client with id {client_id}.", f"没有编号为 {client_id} 的客户。"
            )
        if not admin and row.branch_id != who.branch_id:
            raise HandoverError(
                f"Client {_client(row)} is not in your branch ({who.branch_name}): "
                "a branch head hands over the branch's own clients only.",
                f"客户 {_client(row)} 不属于您的支行（{who.branch_name}）："
                "支行行长只能移交本支行的客户。",
            )
        if not admin and row.branch_id != rm.branch_id:
            raise HandoverError(
                f"Client {_client(row)} is in {row.branch_name or 'no branch'} but "
                f"{rm.display_name} works in {rm.branch_name or 'no branch'}: a client goes to an "
                "RM of its own branch.",
                f"客户 {_client(row)} 属于{row.branch_name or '（无支行）'}，而{rm.display_name}"
                f"在{rm.branch_name or '（无支行）'}：客户只能移交给本支行的客户经理。",
            )
        if row.rm_id == rm.id:
            raise HandoverError(
                f"Client {_client(row)} is already in {rm.display_name}'s book.",
                f"客户 {_client(row)} 已由{rm.display_name}管户。",
            )
        rows.append(row)
    return rm, rows


def _moving_visits(conn: Connection, rows: Sequence[Any], today: dt.date) -> pd.DataFrame:
    """The old RMs' proposed and planned visits to these clients from ``today`` on."""
    v = T["visits"]
    pairs = [(int(r.id), int(r.rm_id)) for r in rows if r.rm_id is not None]
    if not pairs:
        return pd.DataFrame(columns=["id", "client_id", "user_id", "planned_on", "slot", "version"])
    found = frames.frame(
        conn.execute(
            select(v.c.id, v.c.client_id, v.c.user_id, v.c.planned_on, v.c.slot, v.c.version)
            .where(
                among(conn, v.c.client_id, [p[0] for p in pairs]),
                v.c.status.in_(MOVING_VISITS),
                v.c.planned_on >= today,
            )
            .order_by(v.c.planned_on, v.c.slot, v.c.id)
        )
    )
    old = dict(pairs)
    keep = [
        old.get(int(c)) == int(u) for c, u in zip(found["client_id"], found["user_id"], strict=True)
    ]
    # a boolean Series picks rows even when there are none (an empty list would pick columns)
    return found[pd.Series(keep, index=found.index, dtype=bool)].reset_index(drop=True)


def _pairs(conn: Connection, query: Select[Any]) -> dict[Any, Any]:
    """A two-column query as a dict from the first column to the second."""
    return {row[0]: row[1] for row in conn.execute(query)}


def _preview(conn: Connection, rm: Any, rows: Sequence[Any], today: dt.date) -> Preview:
    u, s, f = T["users"], T["client_scores"], T["risk_flags"]
    ids = [int(r.id) for r in rows]
    names = _pairs(conn, select(u.c.id, u.c.display_name))
    contribution = _pairs(
        conn, select(s.c.client_id, s.c.contribution_minor).where(among(conn, s.c.client_id, ids))
    )
    flags = _pairs(
        conn,
        select(f.c.client_id, func.count())
        .where(among(conn, f.c.client_id, ids), f.c.status.in_(OPEN))
        .group_by(f.c.client_id),
    )
    visits = _moving_visits(conn, rows, today)["client_id"].value_counts()
    t = T["tasks"]
    tasks = _pairs(
        conn,
        select(t.c.client_id, func.count())
        .where(
            among(conn, t.c.client_id, ids),
            t.c.status == TaskStatus.OPEN.value,
            t.c.user_id
            == select(T["clients"].c.rm_id)
            .where(T["clients"].c.id == t.c.client_id)
            .scalar_subquery(),
        )
        .group_by(t.c.client_id),
    )
    frame = pd.DataFrame(
        [
            (
                int(r.id),
                r.external_id,
                r.name,
                r.branch_id,
                r.rm_id,
                names.get(r.rm_id),
                contribution.get(r.id),
                int(flags.get(r.id, 0)),
                int(visits.get(r.id, 0)),
                int(tasks.get(r.id, 0)),
                int(r.version),
            )
            for r in rows
        ],
        columns=PREVIEW_COLUMNS,
    )
    frame["contribution_minor"] = pd.array(frame["contribution_minor"].tolist(), dtype="Int64")
    return Preview(int(rm.id), str(rm.display_name), frame)


@guarded("client", "client_ids", roles=HEADS)
def preview(
    engine: Engine,
    client_ids: Iterable[int],
    to_rm_id: int,
    *,
    today: dt.date,
    who: Account,
) -> Preview:
    """What handing ``client_ids`` to ``to_rm_id`` will move; HandoverError if it is not allowed."""
    ids = _ids(client_ids)
    with engine.connect() as conn:
        rm, rows = _check(conn, ids, to_rm_id, who)
        return _preview(conn, rm, rows, today)


def _next_slots(conn: Connection, user_id: int, days: Iterable[dt.date]) -> dict[dt.date, int]:
    """The last slot of the receiving RM's proposed and planned visits on each day (0: none)."""
    v = T["visits"]
    wanted = sorted(set(days))
    if not wanted:
        return {}
    found = _pairs(
        conn,
        select(v.c.planned_on, func.max(v.c.slot))
        .where(v.c.user_id == user_id, v.c.planned_on.in_(wanted), v.c.status.in_(MOVING_VISITS))
        .group_by(v.c.planned_on),
    )
    last = {day: int(slot or 0) for day, slot in found.items()}
    return {day: last.get(day, 0) for day in wanted}


def _move_tasks(conn: Connection, row: Any, to_rm_id: int, *, across: bool) -> list[int]:
    """The old RM's open tasks of the client go to the new RM (every open task, when the
    client changes branch: its heads no longer reach it); written after the client moves, so
    the new RM is the client's when the write rule checks the assignee."""
    t = T["tasks"]
    where = [t.c.client_id == row.id, t.c.status == TaskStatus.OPEN.value]
    if not across:
        where.append(t.c.user_id == row.rm_id)
    ids = [int(i) for i in conn.execute(select(t.c.id).where(*where)).scalars()]
    if ids:
        conn.execute(
            update(t).where(t.c.id.in_(ids)).values(user_id=to_rm_id, version=t.c.version + 1)
        )
    return ids


@guarded("client", "client_ids", roles=HEADS)
def reassign(
    engine: Engine,
    client_ids: Iterable[int],
    to_rm_id: int,
    *,
    reason: str,
    today: dt.date,
    versions: Mapping[int, int] | None = None,
    who: Account,
) -> Handover:
    """Hand the clients to ``to_rm_id``: all or nothing, one audit entry per client.

    The clients keep their history (contacts, flags, suggestions, scores stay on the client).
    The old RM's proposed and planned visits to them from ``today`` on go to the new RM, last in
    that day's route. ``versions`` (client id → version, from ``Preview.versions``) refuses the
    handover when someone changed one of the clients since the preview.
    """
    ids = _ids(client_ids)
    why = reason.strip()
    if not why:
        raise HandoverError(
            "Say why the clients are handed over (the reason goes to the audit trail).",
            "请填写移交原因（原因将记入审计日志）。",
        )
    c, v = T["clients"], T["visits"]
    with write_transaction(engine) as conn:
        rm, rows = _check(conn, ids, to_rm_id, who)
        moving = _moving_visits(conn, rows, today)
        slots = _next_slots(conn, int(rm.id), moving["planned_on"])
        moved: dict[int, list[int]] = {}
        for visit in moving.to_dict("records"):
            slots[visit["planned_on"]] += 1
            done = conn.execute(
                update(v)
                .where(v.c.id == visit["id"], v.c.version == visit["version"])
                .values(user_id=rm.id, slot=slots[visit["planned_on"]], version=v.c.version + 1)
            )
            if done.rowcount != 1:
                raise HandoverError(
                    f"Visit {visit['id']} was changed by someone else meanwhile; "
                    "try the handover again.",
                    f"走访 {visit['id']} 已被他人修改，请重新移交。",
                )
            moved.setdefault(int(visit["client_id"]), []).append(int(visit["id"]))
        users = _pairs(conn, select(T["users"].c.id, T["users"].c.username))
        for row in rows:
            expected = int(row.version) if versions is None else versions.get(int(row.id))
            if expected is None:
                expected = int(row.version)
            # who holds the client from when (the scorecards' handover rule); written before the
            # client moves, so the row names the RM the database still holds
            conn.execute(
                insert(T["client_handovers"]).values(
                    client_id=int(row.id),
                    from_rm_id=row.rm_id,
                    to_rm_id=int(rm.id),
                    effective_on=today,
                    at=dt.datetime.now(dt.UTC),
                )
            )
            values: dict[str, Any] = {"rm_id": rm.id, "version": c.c.version + 1}
            if rm.branch_id is not None and rm.branch_id != row.branch_id:
                values["branch_id"] = rm.branch_id  # an administrator's move across branches
            done = conn.execute(
                update(c).where(c.c.id == row.id, c.c.version == expected).values(**values)
            )
            if done.rowcount != 1:
                raise HandoverError(
                    f"Client {_client(row)} was changed by someone else since the preview; "
                    "look at the handover again and confirm it.",
                    f"客户 {_client(row)} 在预览后已被他人修改，请重新预览并确认移交。",
                )
            tasks_moved = _move_tasks(conn, row, int(rm.id), across="branch_id" in values)
            detail: dict[str, Any] = {
                "from_rm": users.get(row.rm_id),
                "from_rm_id": row.rm_id,
                "to_rm": rm.username,
                "to_rm_id": int(rm.id),
                "reason": why,
                "visits_moved": moved.get(int(row.id), []),
                "tasks_moved": tasks_moved,
            }
            if "branch_id" in values:
                detail["from_branch_id"] = row.branch_id
                detail["to_branch_id"] = rm.branch_id
            audit.record(conn, who, "client.handover", "clients", int(row.id), detail)
    return Handover(tuple(int(r.id) for r in rows), tuple(int(i) for i in moving["id"].tolist()))
