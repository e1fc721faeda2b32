"""The bank's directory as an administrator keeps it: users, branches and the product list.

Every write is validated first, with a message naming the field in Chinese and English, and
recorded in the audit trail in the same transaction. Users carry a ``version``: an edit names
the version it started from, and an edit made meanwhile by someone else is refused instead of
silently overwritten. Passwords go through ``services.users`` (one length rule, one hashing).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select, update

from rmdesk.db import write_transaction
from rmdesk.models import Base, Role, readable_columns
from rmdesk.services.accounts import users
from rmdesk.services.accounts.passwords import hash_password
from rmdesk.services.common import audit, form_text, frames
from rmdesk.services.common.access import ADMINS, Account, open_to

T = Base.metadata.tables
MIN_VISITS, MAX_VISITS = 1, 20  # visits a day an RM can plan (the generic import's bounds)
_BRANCH_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class DirectoryError(ValueError):
    """A directory change that cannot be made; ``field`` names the form field at fault."""

    def __init__(self, field: str, en: str, zh: str) -> None:
        super().__init__(en)
        self.field = field
        self.en = en
        self.zh = zh


class StaleEdit(DirectoryError):
    """The record was changed by someone else since the edit began."""


# --- reading ---------------------------------------------------------------------------------


@open_to(ADMINS)
def list_users(engine: Engine, *, who: Account) -> pd.DataFrame:
    """Every user, active or not, with branch, capacity, version and the clients they hold."""
    u, b, c = T["users"], T["branches"], T["clients"]
    held = select(c.c.rm_id, func.count().label("clients")).group_by(c.c.rm_id).subquery()
    query = (
        select(
            u.c.id,
            u.c.username,
            u.c.display_name,
            u.c.role,
            u.c.branch_id,
            b.c.code.label("branch_code"),
            b.c.name.label("branch"),
            u.c.active,
            u.c.visits_per_day,
            func.coalesce(held.c.clients, 0).label("clients"),
            u.c.version,
        )
        .outerjoin(b, b.c.id == u.c.branch_id)
        .outerjoin(held, held.c.rm_id == u.c.id)
        .order_by(u.c.username)
    )
    with engine.connect() as conn:
        out = frames.frame(conn.execute(query))
    return out.astype({"branch_id": "Int64", "active": bool})


@open_to(ADMINS)
def list_branches(engine: Engine, *, who: Account) -> pd.DataFrame:
    """Every branch with the number of its active users."""
    u, b = T["users"], T["branches"]
    staff = (
        select(u.c.branch_id, func.count().label("users"))
        .where(u.c.active.is_(True))
        .group_by(u.c.branch_id)
        .subquery()
    )
    query = (
        select(
            b.c.id,
            b.c.code,
            b.c.name,
            b.c.district,
            b.c.region,
            func.coalesce(staff.c.users, 0).label("users"),
        )
        .outerjoin(staff, staff.c.branch_id == b.c.id)
        .order_by(b.c.code)
    )
    with engine.connect() as conn:
        return frames.frame(conn.execute(query))


@open_to(ADMINS)
def list_products(engine: Engine, *, who: Account) -> pd.DataFrame:
    """The product catalogue with each product's latest pricing version (None if unpriced)."""
    prod, p = T["products"], T["product_pricing"]
    latest = (
        select(p.c.product_id, func.max(p.c.version).label("version"))
        .group_by(p.c.product_id)
        .subquery()
    )
    query = (
        select(
            prod.c.id,
            prod.c.code,
            prod.c.name_zh,
            prod.c.name_en,
            prod.c.family,
            prod.c.term_months,
            prod.c.min_age,
            prod.c.max_age,
            prod.c.segments,
            prod.c.client_kinds,
            prod.c.risk_level,
            prod.c.pitch_zh,
            prod.c.pitch_en,
            prod.c.active,
            prod.c.version,
            p.c.version.label("pricing_version"),
            p.c.valid_from,
            p.c.ftp_rate,
            p.c.client_rate,
            p.c.fee_monthly_minor,
            p.c.fee_rate,
            p.c.cost_to_serve_minor,
            p.c.pd,
            p.c.lgd,
        )
        .outerjoin(latest, latest.c.product_id == prod.c.id)
        .outerjoin(p, (p.c.product_id == prod.c.id) & (p.c.version == latest.c.version))
        .order_by(prod.c.code)
    )
    with engine.connect() as conn:
        out = frames.frame(conn.execute(query))
    return out.astype(
        {
            "term_months": "Int64",
            "min_age": "Int64",
            "max_age": "Int64",
            "pricing_version": "Int64",
            "active": bool,
        }
    )


# --- checks ----------------------------------------------------------------------------------


def _text(field: str, value: str | None, max_len: int, *, required: bool, en: str, zh: str) -> str:
    text = form_text.clean(value)
    if required and not text:
        raise DirectoryError(field, f"{en}: enter a value", f"{zh}：不能为空")
    if len(text) > max_len:
        raise DirectoryError(
            field,
            f"{en}: at most {max_len} characters",
            f"{zh}：最多 {max_len} 个字符",
        )
    return text


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise DirectoryError(
            "role",
            f"role: {value!r} is not one of rm, branch_head, admin",
            f"角色：{value!r} 不是有效角色（客户经理、支行行长、管理员）",
        ) from None


def _visits(value: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not (MIN_VISITS <= value <= MAX_VISITS)
    ):
        raise DirectoryError(
            "visits_per_day",
            f"visits per day: give a whole number from {MIN_VISITS} to {MAX_VISITS}",
            f"每日走访数：请填写 {MIN_VISITS} 到 {MAX_VISITS} 之间的整数",
        )
    return value


def _branch(conn: Connection, role: Role, branch_id: int | None) -> None:
    """An RM or branch head belongs to a branch, and the branch must exist."""
    if branch_id is None:
        if role in (Role.RM, Role.BRANCH_HEAD):
            who_en = "a relationship manager" if role == Role.RM else "a branch head"
            who_zh = "客户经理" if role == Role.RM else "支行行长"
            raise DirectoryError(
                "branch", f"branch: {who_en} needs a branch", f"所属支行：{who_zh}必须属于一个支行"
            )
        return
    b = T["branches"]
    if conn.execute(select(b.c.id).where(b.c.id == branch_id)).first() is None:
        raise DirectoryError(
            "branch",
            f"branch: there is no branch with id {branch_id}",
            f"所属支行：支行 {branch_id} 不存在",
        )


def _keeps_an_admin(conn: Connection, user_id: int) -> None:
    """Refuse a change that would leave the bank without an active administrator."""
    u = T["users"]
    others = conn.execute(
        select(func.count())
        .select_from(u)
        .where(u.c.role == Role.ADMIN.value, u.c.active.is_(True), u.c.id != user_id)
    ).scalar_one()
    if not others:
        raise DirectoryError(
            "role",
            "the last active administrator must stay an active administrator",
            "这是最后一个有效的管理员账户，不能停用或改为其他角色",
        )


def _current(conn: Connection, user_id: int) -> Any:
    u = T["users"]
    row = conn.execute(select(*readable_columns("users")).where(u.c.id == user_id)).first()
    if row is None:
        raise DirectoryError(
            "username", f"there is no user with id {user_id}", f"用户 {user_id} 不存在"
        )
    return row


def _stale(row: Any, version: int) -> StaleEdit:
    return StaleEdit(
        "version",
        f"{row.username} was changed by someone else since you opened it "
        f"(version {version}, now {row.version}); reload and make your change again",
        f"{row.username} 在您打开后已被他人修改（版本 {version}，现为 {row.version}），"
        "请刷新后重新修改",
    )


# --- users -----------------------------------------------------------------------------------


@open_to(ADMINS)
def create_user(
    engine: Engine,
    *,
    username: str,
    display_name: str,
    role: Role | str,
    branch_id: int | None,
    password: str,
    visits_per_day: int = 4,
    who: Account,
) -> int:
    """Add a user who can log in with ``password``; returns the new user's id."""
    name = _text("username", username, 64, required=True, en="user name", zh="用户名")
    if not _USERNAME.match(name):
        raise DirectoryError(
            "username",
            "user name: use letters, digits and . _ - @ only, no spaces",
            "用户名：只能使用字母、数字和 . _ - @，不能有空格",
        )
    shown = _text("display_name", display_name, 120, required=True, en="name", zh="姓名")
    kind = _role(role)
    visits = _visits(visits_per_day)
    try:
        users.check_password(password)  # the one password rule, kept in users.py
    except users.UserError as exc:
        raise DirectoryError(
            "password", f"password: {exc}", f"密码：至少需要 {users.MIN_PASSWORD} 个字符"
        ) from None
    u = T["users"]
    with write_transaction(engine) as conn:
        taken = conn.execute(
            select(u.c.username).where(func.lower(u.c.username) == name.lower())
        ).scalar()
        if taken is not None:
            raise DirectoryError(
                "username", f"user name: {taken!r} is taken", f"用户名：{taken} 已被使用"
            )
        _branch(conn, kind, branch_id)
        new_id = conn.execute(
            insert(u)
            .values(
                username=name,
                display_name=shown,
                role=kind.value,
                branch_id=branch_id,
                password_hash=hash_password(password),
                active=True,
                visits_per_day=visits,
                version=1,
            )
            .returning(u.c.id)
        ).scalar_one()
        audit.record(
            conn,
            who,
            "create_user",
            "users",
            name,
            {"role": kind.value, "branch_id": branch_id, "visits_per_day": visits},
        )
    return int(new_id)


@open_to(ADMINS)
def update_user(
    engine: Engine,
    user_id: int,
    *,
    version: int,
    display_name: str,
    role: Role | str,
    branch_id: int | None,
    visits_per_day: int,
    who: Account,
) -> int:
    """Change a user's name, role, branch and capacity; returns the new version.

    ``version`` is the one the edit started from; a StaleEdit says someone changed it meanwhile.
    """
    shown = _text("display_name", display_name, 120, required=True, en="name", zh="姓名")
    kind = _role(role)
    visits = _visits(visits_per_day)
    u = T["users"]
    with write_transaction(engine) as conn:
        row = _current(conn, user_id)
        if row.version != version:
            raise _stale(row, version)
        _branch(conn, kind, branch_id)
        if row.role == Role.ADMIN.value and kind != Role.ADMIN and row.active:
            _keeps_an_admin(conn, user_id)
        new = {
            "display_name": shown,
            "role": kind.value,
            "branch_id": branch_id,
            "visits_per_day": visits,
        }
        changes = {
            k: {"from": row._mapping[k], "to": v} for k, v in new.items() if row._mapping[k] != v
        }
        done = conn.execute(
            update(u)
            .where(u.c.id == user_id, u.c.version == version)
            .values(**new, version=version + 1)
        ).rowcount
        if not done:  # changed between our read and our write
            raise _stale(_current(conn, user_id), version)
        audit.record(conn, who, "update_user", "users", row.username, changes)
    return version + 1


@open_to(ADMINS)
def set_active(engine: Engine, user_id: int, active: bool, *, version: int, who: Account) -> int:
    """Close (``active=False``) or reopen an account; returns the new version.

    A closed account cannot log in; its clients stay with it until they are handed over.
    """
    u = T["users"]
    with write_transaction(engine) as conn:
        row = _current(conn, user_id)
        if row.version != version:
            raise _stale(row, version)
        if not active:
            if row.id == who.id:
                raise DirectoryError(
                    "active", "you cannot close your own account", "不能停用您自己的账户"
                )
            if row.role == Role.ADMIN.value:
                _keeps_an_admin(conn, user_id)
        done = conn.execute(
            update(u)
            .where(u.c.id == user_id, u.c.version == version)
            .values(active=active, version=version + 1)
        ).rowcount
        if not done:
            raise _stale(_current(conn, user_id), version)
        audit.record(
            conn, who, "activate_user" if active else "deactivate_user", "users", row.username
        )
    return version + 1


# --- branches --------------------------------------------------------------------------------


def _branch_fields(name: str, district: str | None, region: str | None) -> dict[str, Any]:
    return {
        "name": _text("name", name, 120, required=True, en="branch name", zh="支行名称"),
        "district": _text("district", district, 120, required=False, en="district", zh="区域")
        or None,
        "region": _text("region", region, 120, required=False, en="region", zh="地区") or None,
    }


@open_to(ADMINS)
def create_branch(
    engine: Engine,
    *,
    code: str,
    name: str,
    district: str | None = None,
    region: str | None = None,
    who: Account,
) -> int:
    """Add a branch; its code is the key the bank's extracts use, so it cannot change later."""
    key = _text("code", code, 32, required=True, en="branch code", zh="支行代码")
    if any(ch.isspace() for ch in key):
        raise DirectoryError("code", "branch code: no spaces", "支行代码：不能包含空格")
    if not _BRANCH_CODE.match(key):  # a key in the bank's extracts: plain letters and digits
        raise DirectoryError(
            "code",
            "branch code: letters, digits, '-', '_' and '.' only",
            "支行代码：只能使用字母、数字及 - _ .",
        )
    values = _branch_fields(name, district, region)
    b = T["branches"]
    with write_transaction(engine) as conn:
        codes = conn.execute(select(b.c.code)).scalars()
        taken = next((c for c in codes if c.casefold() == key.casefold()), None)
        if taken is not None:
            raise DirectoryError(
                "code", f"branch code: {taken!r} is taken", f"支行代码：{taken} 已被使用"
            )
        new_id = conn.execute(insert(b).values(code=key, **values).returning(b.c.id)).scalar_one()
        audit.record(conn, who, "create_branch", "branches", key, values)
    return int(new_id)


@open_to(ADMINS)
def update_branch(
    engine: Engine,
    branch_id: int,
    *,
    name: str,
    district: str | None = None,
    region: str | None = None,
    who: Account,
) -> None:
    """Change a branch's name, district and region (its code stays: extracts refer to it)."""
    values = _branch_fields(name, district, region)
    b = T["branches"]
    with write_transaction(engine) as conn:
        row = conn.execute(select(b).where(b.c.id == branch_id)).first()
        if row is None:
            raise DirectoryError(
                "code", f"there is no branch with id {branch_id}", f"支行 {branch_id} 不存在"
            )
        changes = {
            k: {"from": row._mapping[k], "to": v} for k, v in values.items() if row._mapping[k] != v
        }
        conn.execute(update(b).where(b.c.id == branch_id).values(**values))
        audit.record(conn, who, "update_branch", "branches", row.code, changes)
