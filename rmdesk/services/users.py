"""User accounts: the first administrator, passwords, and who may log in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert, select, update

from rmdesk.models import Branch, Role, User
from rmdesk.services import audit
from rmdesk.services.passwords import hash_password, verify_password

MIN_PASSWORD = 8


class UserError(Exception):
    """A user operation cannot be done; the message says why."""


def has_admin(engine: Engine) -> bool:
    with engine.connect() as conn:
        found = conn.execute(
            select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).limit(1)
        ).first()
    return found is not None


def create_admin(engine: Engine, username: str, password: str, *, actor: str = "cli") -> None:
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
        audit.record(conn, actor, "create_user", "users", username, {"role": "admin"})


def set_password(engine: Engine, username: str, password: str, *, actor: str = "cli") -> None:
    check_password(password)
    with engine.begin() as conn:
        done = conn.execute(
            update(User)
            .where(User.username == username)
            .values(password_hash=hash_password(password), version=User.version + 1)
        ).rowcount
        if not done:
            raise UserError(f"there is no user {username!r}")
        audit.record(conn, actor, "set_password", "users", username)


def check_password(password: str) -> None:
    """Raise UserError when ``password`` breaks the password rule (the one place it is kept)."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")


def user_id(engine: Engine, username: str) -> int:
    """The id of ``username``; UserError names it when there is no such user."""
    with engine.connect() as conn:
        found = conn.execute(select(User.id).where(User.username == username)).scalar()
    if found is None:
        raise UserError(f"no user {username!r}")
    return int(found)


def branch_id(engine: Engine, code: str) -> int:
    """The id of the branch with ``code``; UserError names it when there is none."""
    with engine.connect() as conn:
        found = conn.execute(select(Branch.id).where(Branch.code == code)).scalar()
    if found is None:
        raise UserError(f"no branch {code!r}")
    return int(found)


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


class LoginError(Exception):
    """The user name or password is wrong, or the account is closed; the message says which."""


def _account_query() -> Any:
    return select(
        User.id,
        User.username,
        User.display_name,
        User.role,
        User.branch_id,
        Branch.name.label("branch_name"),
        Branch.code.label("branch_code"),
        User.active,
        User.password_hash,
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
        raise LoginError("enter a user name")
    with engine.connect() as conn:
        row = conn.execute(_account_query().where(User.username == username)).first()
    ok = row is not None and verify_password(row.password_hash, password)
    with engine.begin() as conn:
        audit.record(conn, username, "login" if ok else "login_failed", "users", username)
    if row is None or not ok:
        raise LoginError("the user name or the password is wrong")
    if not row.active:
        raise LoginError(f"the account {username!r} is closed; ask an administrator")
    return _account(row)


def account(engine: Engine, user_id: int) -> Account:
    """The account with ``user_id`` (for tools and tests that act as a user)."""
    with engine.connect() as conn:
        row = conn.execute(_account_query().where(User.id == user_id)).first()
    if row is None:
        raise UserError(f"no user with id {user_id}")
    return _account(row)
