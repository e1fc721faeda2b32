"""Users and branches as an administrator keeps them: validated, versioned and audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from rmdesk.db import open_database
from rmdesk.models import AuditEntry, Branch, User
from rmdesk.services.accounts import users
from rmdesk.services.accounts.users import LoginError, authenticate
from rmdesk.services.admin import directory
from rmdesk.services.admin.directory import DirectoryError, StaleEdit
from rmdesk.services.common.access import OPERATOR, system


def _audit(engine: Engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity_id).order_by(
                AuditEntry.id
            )
        ).all()
    return [tuple(r) for r in rows]


def _count(engine: Engine, table: type[User] | type[Branch]) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(table.id)).all())


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    db = open_database(db_url)
    users.create_admin(db.engine, "admin", "adminpass", who=system("setup"))
    yield db.engine
    db.dispose()


def test_branches_are_added_listed_and_edited(engine: Engine) -> None:
    bid = directory.create_branch(
        engine,
        code="B01",
        name="朝阳支行",
        district="朝阳区",
        region="北京",
        who=system("admin"),
    )
    with pytest.raises(DirectoryError, match="branch code: 'B01' is taken") as taken:
        directory.create_branch(engine, code="b01", name="另一个", who=system("admin"))
    assert taken.value.field == "code" and "已被使用" in taken.value.zh
    with pytest.raises(DirectoryError, match="branch name: enter a value"):
        directory.create_branch(engine, code="B02", name="  ", who=system("admin"))
    directory.update_branch(
        engine,
        bid,
        name="朝阳门支行",
        district="",
        region="北京",
        who=system("admin"),
    )
    branches = directory.list_branches(engine, who=OPERATOR)
    assert branches[["code", "name", "region", "users"]].values.tolist() == [
        ["B01", "朝阳门支行", "北京", 0]
    ]
    assert branches["district"].isna().all()  # an empty district is stored as none
    assert _count(engine, Branch) == 1
    assert _audit(engine)[1:] == [
        ("admin", "create_branch", "B01"),
        ("admin", "update_branch", "B01"),
    ]


def test_a_user_is_created_edited_and_closed(engine: Engine) -> None:
    bid = directory.create_branch(engine, code="B01", name="朝阳支行", who=system("admin"))
    uid = directory.create_user(
        engine,
        username="li.na",
        display_name="李娜",
        role="rm",
        branch_id=bid,
        password="s3cret-pass",
        visits_per_day=5,
        who=system("admin"),
    )
    assert authenticate(engine, "li.na", "s3cret-pass").branch_name == "朝阳支行"
    listed = directory.list_users(engine, who=OPERATOR).set_index("username")
    assert listed.loc[
        "li.na", ["display_name", "role", "branch_code", "visits_per_day"]
    ].tolist() == [
        "李娜",
        "rm",
        "B01",
        5,
    ]
    assert listed.loc["li.na", "version"] == 1 and bool(listed.loc["li.na", "active"])
    assert listed.loc["li.na", "clients"] == 0

    version = directory.update_user(
        engine,
        uid,
        version=1,
        display_name="李娜 (团队长)",
        role="branch_head",
        branch_id=bid,
        visits_per_day=2,
        who=system("admin"),
    )
    assert version == 2
    account = users.account(engine, uid)
    assert account.is_head and account.display_name == "李娜 (团队长)"

    version = directory.set_active(engine, uid, False, version=version, who=system("admin"))
    with pytest.raises(LoginError, match="closed"):
        authenticate(engine, "li.na", "s3cret-pass")
    directory.set_active(engine, uid, True, version=version, who=system("admin"))
    assert authenticate(engine, "li.na", "s3cret-pass").username == "li.na"

    actions = [a[1:] for a in _audit(engine) if a[0] == "admin" and a[1] != "login"]
    assert actions == [
        ("create_branch", "B01"),
        ("create_user", "li.na"),
        ("update_user", "li.na"),
        ("deactivate_user", "li.na"),
        ("activate_user", "li.na"),
    ]
    with engine.connect() as conn:
        detail = conn.execute(
            select(AuditEntry.detail).where(AuditEntry.action == "update_user")
        ).scalar_one()
    assert detail["role"] == {"from": "rm", "to": "branch_head"}
    assert "branch_id" not in detail  # only what changed


def test_bad_users_are_refused_and_nothing_is_written(engine: Engine) -> None:
    bid = directory.create_branch(engine, code="B01", name="朝阳支行", who=system("admin"))
    good = {
        "username": "rm01",
        "display_name": "王芳",
        "role": "rm",
        "branch_id": bid,
        "password": "longenough",
        "visits_per_day": 4,
    }
    before = _count(engine, User)
    cases = [
        ({"username": "ADMIN"}, "username", "'admin' is taken"),
        ({"username": "two words"}, "username", "no spaces"),
        ({"display_name": ""}, "display_name", "name: enter a value"),
        ({"password": "short"}, "password", "at least 8 characters"),
        ({"branch_id": None}, "branch", "relationship manager needs a branch"),
        ({"role": "branch_head", "branch_id": None}, "branch", "branch head needs a branch"),
        ({"branch_id": 999}, "branch", "no branch with id 999"),
        ({"role": "boss"}, "role", "not one of"),
        ({"visits_per_day": 0}, "visits_per_day", "from 1 to 20"),
    ]
    for change, field, message in cases:
        with pytest.raises(DirectoryError, match=message) as refused:
            directory.create_user(engine, **(good | change), who=system("admin"))
        assert refused.value.field == field
        assert refused.value.zh  # the Chinese message is there too
    assert _count(engine, User) == before
    # an administrator needs no branch
    directory.create_user(
        engine, **(good | {"role": "admin", "branch_id": None}), who=system("admin")
    )
    assert _count(engine, User) == before + 1


def test_a_stale_edit_is_refused(engine: Engine) -> None:
    bid = directory.create_branch(engine, code="B01", name="朝阳支行", who=system("admin"))
    uid = directory.create_user(
        engine,
        username="rm01",
        display_name="王芳",
        role="rm",
        branch_id=bid,
        password="longenough",
        who=system("admin"),
    )
    fields = {"role": "rm", "branch_id": bid, "visits_per_day": 4}
    # two administrators open version 1; the first saves
    directory.update_user(engine, uid, version=1, display_name="王芳芳", who=system("a1"), **fields)
    with pytest.raises(StaleEdit, match="changed by someone else") as stale:
        directory.update_user(
            engine, uid, version=1, display_name="王小芳", who=system("a2"), **fields
        )
    assert "version 1, now 2" in str(stale.value) and "已被他人修改" in stale.value.zh
    with pytest.raises(StaleEdit):
        directory.set_active(engine, uid, False, version=1, who=system("a2"))
    # a password reset moves the version on too
    users.set_password(engine, "rm01", "another-one", who=system("a1"))
    with pytest.raises(StaleEdit, match="now 3"):
        directory.set_active(engine, uid, False, version=2, who=system("a2"))
    assert users.account(engine, uid).display_name == "王芳芳"
    assert authenticate(engine, "rm01", "another-one").username == "rm01"


def test_the_bank_keeps_an_active_administrator(engine: Engine) -> None:
    admin = users.user_id(engine, "admin", who=OPERATOR)
    with pytest.raises(DirectoryError, match="own account"):
        directory.set_active(engine, admin, False, version=1, who=users.account(engine, admin))
    with pytest.raises(DirectoryError, match="last active administrator"):
        directory.set_active(engine, admin, False, version=1, who=system("someone"))
    with pytest.raises(DirectoryError, match="last active administrator"):
        directory.update_user(
            engine,
            admin,
            version=1,
            display_name="admin",
            role="rm",
            branch_id=directory.create_branch(engine, code="B1", name="x", who=system("admin")),
            visits_per_day=4,
            who=system("someone"),
        )
    directory.create_user(
        engine,
        username="admin2",
        display_name="Second",
        role="admin",
        branch_id=None,
        password="longenough",
        who=system("admin"),
    )
    directory.set_active(engine, admin, False, version=1, who=system("admin2"))
    assert not bool(
        directory.list_users(engine, who=OPERATOR).set_index("username").loc["admin", "active"]
    )


def test_products_come_with_their_latest_pricing(engine: Engine) -> None:
    import datetime as dt

    from rmdesk.services.admin import pricing
    from rmdesk.services.data.demo_bank import DemoSpec, build

    build(engine, DemoSpec(clients=50, as_of=dt.date(2026, 10, 31)), who=OPERATOR)
    pricing.change(
        engine,
        "CASA",
        {"client_rate": "0.0025"},
        valid_from=dt.date(2026, 12, 1),
        who=system("admin"),
    )
    products = directory.list_products(engine, who=OPERATOR).set_index("code")
    assert len(products) == 16
    casa = products.loc["CASA"]
    assert casa["pricing_version"] == 2 and str(casa["valid_from"]) == "2026-12-01"
    assert float(casa["client_rate"]) == 0.0025 and float(casa["ftp_rate"]) == 0.018
    assert products.loc["TD12", "pricing_version"] == 1
    people = directory.list_users(engine, who=OPERATOR).set_index("username")
    assert people["clients"].sum() == 50  # every demo client is held by an RM
