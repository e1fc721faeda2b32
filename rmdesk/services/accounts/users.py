"""User accounts: the first administrator, passwords, and who may log in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text, update

from rmdesk.models import AuditEntry, Branch, DbLogin, Role, User
from rmdesk.services.accounts.passwords import dummy_hash, hash_password, verify_password
from rmdesk.services.common import audit
from rmdesk.services.common.access import ADMINS, Account, guarded, open_to

MIN_PASSWORD = 8


class UserError(Exception):
    """A user operation cannot be done; the message says why."""


def has_admin(engine: Engine) -> bool:
    with engine.connect() as conn:
        found = conn.execute(
            select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).limit(1)
        ).first()
    return found is not None


@open_to(ADMINS)
def create_admin(engine: Engine, username: str, password: str, *, who: Account) -> None:
    """Add an administrator account (the first one is made by ``rmdesk-cli init``)."""
    check_password(password)
    with engine.begin() as conn:
        taken = conn.execute(select(User.id).where(User.username == username)).first()
        if taken:
            raise UserError(f"the user name {username!r} is taken")
        conn.execute(
            insert(User).values(
                username=username,
                display_name=username,
                role=Role.ADMIN,
                active=True,
                password_hash=hash_password(password),
                visits_per_day=4,
                version=1,
            )
        )
        audit.record(conn, who, "create_user", "users", username, {"role": "admin"})


@open_to(ADMINS)
def set_password(engine: Engine, username: str, password: str, *, who: Account) -> None:
    """An administrator sets ``username``'s password (a new user, a forgotten password)."""
    _store_password(engine, username, password, who=who)


def _store_password(engine: Engine, username: str, password: str, *, who: Account) -> None:
    check_password(password)
    with engine.begin() as conn:
        done = conn.execute(
            update(User)
            .where(User.username == username)
            .values(password_hash=hash_password(password), version=User.version + 1)
        ).rowcount
        if not done:
            raise UserError(f"there is no user {username!r}")
        audit.record(conn, who, "set_password", "users", username)


class PasswordChangeError(UserError):
    """A password change is refused; ``field`` is "current", "new" or "repeat" and ``code``
    says why: "wrong", "locked", "short", "same", "differ" or "own_login"."""

    def __init__(self, message: str, field: str, code: str) -> None:
        super().__init__(message)
        self.field, self.code = field, code


@guarded("user")
def change_password(
    engine: Engine, current: str, new: str, repeat: str | None = None, *, who: Account
) -> None:
    """``who`` changes their own password. A wrong current password counts as a wrong log-in
    (so guessing it locks the account); the new one must follow the rule and differ."""
    username = who.username
    if session_account(engine) is not None:
        raise PasswordChangeError(
            "this connection is your own database login: its password is changed with the "
            "database (or the bank's directory), not in rmdesk",
            "current",
            "own_login",
        )
    if repeat is not None and new != repeat:
        raise PasswordChangeError("the two new passwords differ", "repeat", "differ")
    try:
        check_password(new)
    except UserError as exc:
        raise PasswordChangeError(str(exc), "new", "short") from exc
    if new == current:
        raise PasswordChangeError("the new password is the current one", "new", "same")
    try:
        authenticate(engine, username, current)
    except LoginError as exc:
        message = "the current password is wrong" if exc.reason == "wrong" else str(exc)
        raise PasswordChangeError(message, "current", exc.reason) from exc
    _store_password(engine, username, new, who=who)


def check_password(password: str) -> None:
    """Raise UserError when ``password`` breaks the password rule (the one place it is kept)."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")


@open_to()
def user_id(engine: Engine, username: str, *, who: Account) -> int:
    """The id of ``username``; UserError names it when there is no such user."""
    with engine.connect() as conn:
        found = conn.execute(select(User.id).where(User.username == username)).scalar()
    if found is None:
        raise UserError(f"no user {username!r}")
    return int(found)


@dataclass(frozen=True)
class Person:
    """A user as a name given for a person finds them: whether they may act, and as what."""

    id: int
    username: str
    role: str  # Role's value: rm, branch_head, admin
    active: bool


@open_to()
def person(engine: Engine, username: str, *, who: Account) -> Person | None:
    """The user called ``username``, active or not; None when there is no such user."""
    with engine.connect() as conn:
        row = conn.execute(
            select(User.id, User.role, User.active).where(User.username == username)
        ).first()
    if row is None:
        return None
    return Person(int(row.id), username, Role(row.role).value, bool(row.active))


@open_to()
def usernames(engine: Engine, ids: Iterable[int], *, who: Account) -> dict[int, str]:
    """The user names of the users with ``ids`` (those that exist)."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(select(User.id, User.username).where(User.id.in_(wanted)))
        return {int(uid): str(name) for uid, name in rows}


@open_to()
def branch_id(engine: Engine, code: str, *, who: Account) -> int:
    """The id of the branch with ``code``; UserError names it when there is none."""
    with engine.connect() as conn:
        found = conn.execute(select(Branch.id).where(Branch.code == code)).scalar()
    if found is None:
        raise UserError(f"no branch {code!r}")
    return int(found)


class LoginError(Exception):
    """The log-in is refused; ``reason`` says why: "wrong" (user name or password), "closed"
    (the account), "locked" (too many wrong passwords, until ``until``), "empty", or
    "own_login" (the connection is a person's own database login: no rmdesk password)."""

    def __init__(self, message: str, reason: str = "wrong", until: dt.datetime | None = None):
        super().__init__(message)
        self.reason, self.until = reason, until


#: wrong passwords in a row that lock an account, and for how long after the last of them
LOCK_AFTER = 5
LOCK_FOR = dt.timedelta(minutes=15)
#: what ends a run of wrong passwords: a right one, a new password, an administrator's unlock
_RESETS = ("login", "set_password", "unlock")


def locked_until(conn: Connection, username: str, now: dt.datetime) -> dt.datetime | None:
    """When the account's lock ends, if ``LOCK_AFTER`` wrong passwords in a row, the last within
    ``LOCK_FOR``, locked it; None when it is not locked. Read from the audit log: the failures
    and resets the program wrote on the password path; a log-in a person's own database login
    records (in their own name) resets nothing, so no one lifts a lock by writing one."""
    own_logins = select(DbLogin.login)
    recent = conn.execute(
        select(AuditEntry.action, AuditEntry.at)
        .where(
            AuditEntry.at >= now - LOCK_FOR,
            AuditEntry.entity == "users",
            AuditEntry.entity_id == username,
            AuditEntry.action.in_(["login_failed", *_RESETS]),
            ~(
                (AuditEntry.action == "login")
                & AuditEntry.login.is_not(None)
                & AuditEntry.login.in_(own_logins)
            ),
        )
        .order_by(AuditEntry.id.desc())
        .limit(LOCK_AFTER)
    ).all()
    if len(recent) < LOCK_AFTER or any(r.action != "login_failed" for r in recent):
        return None
    last = recent[0].at if recent[0].at.tzinfo else recent[0].at.replace(tzinfo=dt.UTC)
    return last + LOCK_FOR  # type: ignore[no-any-return]


@open_to(ADMINS)
def unlock(engine: Engine, username: str, *, who: Account) -> None:
    """End a lock (an administrator, after checking who is asking)."""
    with engine.begin() as conn:
        if conn.execute(select(User.id).where(User.username == username)).first() is None:
            raise UserError(f"there is no user {username!r}")
        audit.record(conn, who, "unlock", "users", username)


def _account_query(with_hash: bool = False) -> Any:
    """The account's columns (and its password hash, for the password log-in only: a
    person's own database login may not read any hash)."""
    hashed = [User.password_hash] if with_hash else []
    return select(
        User.id,
        User.username,
        User.display_name,
        User.role,
        User.branch_id,
        Branch.name.label("branch_name"),
        Branch.code.label("branch_code"),
        User.active,
        *hashed,
    ).outerjoin(Branch, Branch.id == User.branch_id)


def _account(row: Any) -> Account:
    return Account(
        int(row.id),
        row.username,
        row.display_name,
        Role(row.role),
        row.branch_id,
        row.branch_name,
        row.branch_code,
    )


def authenticate(engine: Engine, username: str, password: str) -> Account:
    """The account of ``username`` if ``password`` is right; every attempt goes to the audit log."""
    username = username.strip()
    if not username:
        raise LoginError("enter a user name", "empty")
    now = dt.datetime.now(dt.UTC)
    own = session_account(engine)
    if own is not None:  # the server has said who this is: no second password
        raise LoginError(
            f"this connection is {own.username!r}'s own database login; "
            "rmdesk does not ask for a password on it",
            "own_login",
        )
    with engine.connect() as conn:
        row = conn.execute(_account_query(True).where(User.username == username)).first()
        stored = row.password_hash if row is not None else None
        until = locked_until(conn, username, now)
    if until is not None:  # the password is not even checked: no guessing while locked
        with engine.begin() as conn:
            audit.record_login(conn, username, "login_locked")
        local = until.astimezone()
        raise LoginError(
            f"too many wrong passwords: {username!r} is locked until {local:%H:%M}; "
            "try again then, or ask an administrator to unlock it",
            "locked",
            until,
        )
    # an unknown name, or one without a password, costs one verification too, of a dummy hash
    # (made at the first attempt, whatever its name: the first is as slow for every name)
    dummy = dummy_hash()
    right = verify_password(stored or dummy, password)
    ok = row is not None and bool(stored) and right
    with engine.begin() as conn:
        audit.record_login(conn, username, "login" if ok else "login_failed")
    if row is None or not ok:
        raise LoginError("the user name or the password is wrong")
    if not row.active:
        raise LoginError(f"the account {username!r} is closed; ask an administrator", "closed")
    return _account(row)


def account(engine: Engine, user_id: int) -> Account:
    """The account with ``user_id`` (for tools and tests that act as a user)."""
    with engine.connect() as conn:
        row = conn.execute(_account_query().where(User.id == user_id)).first()
    if row is None:
        raise UserError(f"no user with id {user_id}")
    return _account(row)


def session_account(engine: Engine) -> Account | None:
    """Who the database says this session is, on a person's own PostgreSQL login (mapped to
    an active rmdesk user by ``rmdesk-cli pg-security login``); None on SQLite and on the
    schema owner's or a shared login, where the rmdesk password says who is at the desk."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        found = conn.execute(text("SELECT rmdesk_user_id()")).scalar()
        if found is None:
            return None
        row = conn.execute(_account_query().where(User.id == int(found))).first()
    return None if row is None else _account(row)


def open_session(engine: Engine, own: Account) -> Account:
    """Start the session of the person the database authenticated (``session_account``):
    the log-in is recorded in the audit trail as any other, in their name."""
    with engine.begin() as conn:
        audit.record(conn, own, "login", "users", own.username)
    return own
