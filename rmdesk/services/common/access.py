"""Who may read and change what: checked at every service entry point, not only in the views.

An RM reaches the clients in their own book; a branch head reaches every client of their branch
and may reassign them; an administrator reaches everything. Every public service function that
takes the ``Engine`` is an entry point and is marked here with what it is about (a client, a
visit, a flag, a suggestion, an RM's or a branch's scope) and who may call it. The mark checks
the ``who`` argument against the subject before the function runs; a refusal raises
``AccessDenied`` and nothing is read or written. ``ENTRY_POINTS`` lists them all, so a test can
try each one as an RM on another RM's client (tests/db/test_access.py).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, select

from rmdesk.models import Branch, Client, RiskFlag, Role, Suggestion, Task, User, Visit


@dataclass(frozen=True)
class Account:
    """Who is logged in: what the app shows and allows follows from ``role``."""

    id: int
    username: str
    display_name: str
    role: Role
    branch_id: int | None
    branch_name: str | None
    branch_code: str | None = None

    @property
    def is_rm(self) -> bool:
        return self.role == Role.RM

    @property
    def is_head(self) -> bool:
        return self.role == Role.BRANCH_HEAD

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


F = TypeVar("F", bound=Callable[..., Any])


#: the id of the program's own account (no user has it: ids start at 1)
SYSTEM_ID = 0


def system(name: str) -> Account:
    """The program itself acting (building the demo bank at first start, the command line):
    an administrator's reach under the name ``name`` in the audit log."""
    return Account(
        id=SYSTEM_ID,
        username=name,
        display_name=name,
        role=Role.ADMIN,
        branch_id=None,
        branch_name=None,
    )


@dataclass(frozen=True)
class Scope:
    """Whose clients a person works on: an RM their own book (``rm_id``), a branch head their
    branch (``branch_id``), an administrator the whole bank (neither)."""

    rm_id: int | None = None
    branch_id: int | None = None
    rm_name: str | None = None
    branch_code: str | None = None

    def ids(self) -> dict[str, int]:
        """The scope as the keyword arguments the services' scoped readers take."""
        found = {"rm_id": self.rm_id, "branch_id": self.branch_id}
        return {k: v for k, v in found.items() if v is not None}


def scope_of(who: Account) -> Scope:
    """The one place a person's reach is read from their role."""
    if who.role == Role.RM:
        return Scope(rm_id=who.id, rm_name=who.username)
    if who.role == Role.BRANCH_HEAD:
        return Scope(branch_id=who.branch_id, branch_code=who.branch_code)
    return Scope()


def person_id(who: Account) -> int | None:
    """The user id to store as the person who did something: None for the program itself."""
    return None if who.id == SYSTEM_ID else who.id


#: The person at the command line: whoever holds the database's credentials can read the whole
#: database anyway, so ``rmdesk-cli`` acts with an administrator's reach unless told ``--user``.
OPERATOR = system("cli")


class AccessDenied(PermissionError):
    """The user may not do this; ``zh`` and ``en`` say what was refused."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class EntryPoint:
    """One service function that checks its caller: ``subject`` is what it is about, ``arg``
    the argument naming it, ``roles`` who may call it at all."""

    function: Callable[..., Any]
    subject: str
    arg: str | None
    roles: frozenset[Role]

    @property
    def name(self) -> str:
        return f"{self.function.__module__}.{self.function.__name__}"


ENTRY_POINTS: list[EntryPoint] = []
#: parameter names that would name the acting person beside ``who``; no entry point has one
ACTING_NAMES = frozenset({"actor", "actor_id", "acting_user", "actor_name"})
EVERYONE = frozenset(Role)
HEADS = frozenset({Role.BRANCH_HEAD, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})

#: the subjects a guard can look up, each as (table, its client column or None for clients)
_BY_ID: dict[str, Any] = {
    "client": Client.id,
    "visit": Visit.id,
    "flag": RiskFlag.id,
    "suggestion": Suggestion.id,
    "task": Task.id,
}
_CLIENT_OF: dict[str, Any] = {
    "client": Client.id,
    "visit": Visit.client_id,
    "flag": RiskFlag.client_id,
    "suggestion": Suggestion.client_id,
    "task": Task.client_id,
}
_ROLE_NAMES = {Role.RM: ("客户经理", "an RM"), Role.BRANCH_HEAD: ("支行行长", "a branch head")}


def guarded(
    subject: str,
    arg: str | None = None,
    *,
    roles: frozenset[Role] = EVERYONE,
) -> Callable[[F], F]:
    """Mark ``function`` as an entry point about ``subject`` named by argument ``arg``.

    ``subject`` is "client", "visit", "flag", "suggestion" or "task" (``arg`` holds one id, a
    list of ids, or a list of (id, version) pairs), "scope" (``arg`` names the RM and/or branch
    the call reads, e.g. "rm_id,branch_id" or "scope.rm_id,scope.branch_id"; neither set means
    the whole bank), "user" (the function limits what it returns to ``who`` itself) or "bank" (only
    ``roles`` matter). The function must take ``who: Account`` as a keyword argument.

    ``who`` is the only way a service learns who acts: the audit name, the person stored on
    what is written and the reach all come from it. An entry point may not take a second
    parameter naming the acting person (``actor``, ``actor_id``, ``acting_user``), so nobody
    can act, or be recorded, in someone else's name.
    """

    def mark(function: F) -> F:
        signature = inspect.signature(function)
        names = (arg or "rm_id,branch_id").split(",")
        if "who" not in signature.parameters:
            raise TypeError(f"{function.__qualname__} is an entry point without a 'who' argument")
        second = ACTING_NAMES & set(signature.parameters)
        if second:
            raise TypeError(f"{function.__qualname__} names the acting person twice: {second}")

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            who = bound.arguments.get("who")
            if not isinstance(who, Account):
                raise AccessDenied("未指明操作人。", "who is asking was not said")
            if who.role not in roles:
                zh, en = _ROLE_NAMES.get(who.role, ("该角色", "this role"))
                refused = AccessDenied(f"{zh}无权执行此操作。", f"{en} may not do this")
                _record_refusal(next(iter(bound.arguments.values())), who, function, refused)
                raise refused
            if subject in _BY_ID or subject == "scope":
                engine = next(iter(bound.arguments.values()))
                try:
                    if subject == "scope":
                        named = {n.rsplit(".", 1)[-1]: _value(bound.arguments, n) for n in names}
                        rm = next((v for k, v in named.items() if k.startswith("rm")), None)
                        branch = next((v for k, v in named.items() if k.startswith("branch")), None)
                        check_scope(engine, who, rm, branch)
                    else:
                        ids = _ids(_value(bound.arguments, names[0]))
                        check_subjects(engine, who, subject, ids)
                except AccessDenied as refused:
                    _record_refusal(engine, who, function, refused)
                    raise
            return function(*args, **kwargs)

        ENTRY_POINTS.append(EntryPoint(checked, subject, arg, roles))
        return checked  # type: ignore[return-value]  # same signature, checked first

    return mark


def _record_refusal(
    engine: Any, who: Account, function: Callable[..., Any], refused: AccessDenied
) -> None:
    """A refused attempt goes to the audit trail: who tried what, and what was refused."""
    from rmdesk.services.common import audit

    if not isinstance(engine, Engine):
        return  # inside the caller's transaction, which the refusal rolls back
    with engine.begin() as conn:
        audit.record(
            conn,
            who,
            "access_denied",
            "function",
            f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__}",
            {"refused": refused.en},
        )


def _value(arguments: dict[str, Any], name: str) -> Any:
    """The argument ``name``, or an attribute of one ("contact.client_id")."""
    head, *path = name.split(".")
    value = arguments.get(head)
    for attribute in path:
        value = getattr(value, attribute, None)
    return value


def _ids(value: Any) -> list[int]:
    if value is None:
        return []
    if isinstance(value, int):
        return [value]
    out: list[int] = []
    for item in value:
        out.append(int(item[0]) if isinstance(item, tuple | list) else int(item))
    return out


def _connect(engine_or_conn: Engine | Connection) -> Any:
    if isinstance(engine_or_conn, Connection):
        return _Borrowed(engine_or_conn)
    return engine_or_conn.connect()


class _Borrowed:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Connection:
        return self.conn

    def __exit__(self, *_: object) -> None:
        return None


def check_subjects(
    engine: Engine | Connection, who: Account, subject: str, ids: Iterable[int]
) -> None:
    """Refuse unless every ``subject`` row in ``ids`` belongs to a client ``who`` reaches.

    Ids that do not exist are left to the function, which says so in its own words.
    """
    wanted = sorted(set(ids))
    if who.role == Role.ADMIN or not wanted:
        return
    key = _BY_ID[subject]
    query = select(key, Client.external_id, Client.rm_id, Client.branch_id)
    if subject != "client":
        query = query.select_from(key.table).join(Client, Client.id == _CLIENT_OF[subject])
    with _connect(engine) as conn:
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            for _id, external_id, rm_id, branch_id in conn.execute(query.where(key.in_(chunk))):
                if not _reaches(who, rm_id, branch_id):
                    raise AccessDenied(
                        f"客户 {external_id} 不在您的管户范围内。",
                        f"client {external_id} is not in your book",
                    )


def _reaches(who: Account, rm_id: int | None, branch_id: int | None) -> bool:
    if who.role == Role.ADMIN:
        return True
    if who.role == Role.BRANCH_HEAD:
        return who.branch_id is not None and branch_id == who.branch_id
    return rm_id is not None and rm_id == who.id


def check_scope(
    engine: Engine | Connection,
    who: Account,
    rm_id: int | str | None,
    branch_id: int | str | None,
) -> None:
    """Refuse unless ``who`` reaches the RM ``rm_id`` and/or the branch ``branch_id`` (ids, or
    a user name and a branch code); neither means the whole bank, which only an administrator
    reaches. A name that matches no one is left to the function to refuse in its own words."""
    if who.role == Role.ADMIN:
        return
    if isinstance(rm_id, str) or isinstance(branch_id, str):
        with _connect(engine) as conn:
            if isinstance(rm_id, str):
                found = conn.execute(select(User.id).where(User.username == rm_id)).scalar()
                rm_id = -1 if found is None else int(found)
            if isinstance(branch_id, str):
                found = conn.execute(select(Branch.id).where(Branch.code == branch_id)).scalar()
                branch_id = -1 if found is None else int(found)
    if who.role == Role.RM:
        if (
            rm_id is None
            or int(rm_id) != who.id
            or (branch_id is not None and branch_id != who.branch_id)
        ):
            raise AccessDenied("只能查看本人管户的数据。", "an RM sees only their own book")
        return
    if branch_id is not None and branch_id != who.branch_id:
        raise AccessDenied("只能查看本支行的数据。", "a branch head sees only their own branch")
    if rm_id is None:
        if branch_id is None:
            raise AccessDenied("只能查看本支行的数据。", "a branch head sees only their own branch")
        return
    with _connect(engine) as conn:
        rm_branch = conn.execute(select(User.branch_id).where(User.id == int(rm_id))).scalar()
    if rm_branch is not None and rm_branch != who.branch_id:
        raise AccessDenied("该客户经理不属于您的支行。", "that RM is not in your branch")


def open_to(roles: frozenset[Role] = EVERYONE) -> Callable[[F], F]:
    """An entry point about no one client, RM or branch: only the role is checked."""
    return guarded("bank", roles=roles)


def describe() -> list[tuple[str, str, str, str]]:
    """The entry points as (function, subject, argument, roles), for docs/security.md."""
    return [
        (e.name, e.subject, e.arg or "", ", ".join(sorted(r.value for r in e.roles)))
        for e in sorted(ENTRY_POINTS, key=lambda e: e.name)
    ]
