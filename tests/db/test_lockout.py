"""Lock-out after repeated wrong passwords: counted from the audit log, ended by time, by the
right password before the limit, by a new password or by an administrator's unlock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select, update

from rmdesk.cli import main
from rmdesk.db import open_database
from rmdesk.models import AuditEntry
from rmdesk.services.accounts import users
from rmdesk.services.accounts.users import LOCK_AFTER, LOCK_FOR, LoginError, authenticate
from rmdesk.services.common.access import OPERATOR, system


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    db = open_database(db_url)
    users.create_admin(db.engine, "admin", "adminpass", who=system("setup"))
    yield db.engine
    db.dispose()


def _wrong(engine: Engine, times: int, username: str = "admin") -> None:
    for _ in range(times):
        with pytest.raises(LoginError) as refused:
            authenticate(engine, username, "not-the-password")
        assert refused.value.reason == "wrong"


def test_five_wrong_passwords_lock_the_account(engine: Engine) -> None:
    _wrong(engine, LOCK_AFTER - 1)
    assert authenticate(engine, "admin", "adminpass").username == "admin"  # the run is broken
    _wrong(engine, LOCK_AFTER)
    with pytest.raises(LoginError) as locked:
        authenticate(engine, "admin", "adminpass")  # even the right password is not checked
    assert locked.value.reason == "locked" and locked.value.until is not None
    now = dt.datetime.now(dt.UTC)
    assert now + LOCK_FOR - dt.timedelta(minutes=1) < locked.value.until <= now + LOCK_FOR
    assert "locked until" in str(locked.value)
    with engine.connect() as conn:
        actions = conn.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert actions[-1] == "login_locked" and actions.count("login_failed") == 2 * LOCK_AFTER - 1
    # an unknown user name locks the same way: the answer does not tell which names exist
    _wrong(engine, LOCK_AFTER, "nobody")
    with pytest.raises(LoginError) as unknown:
        authenticate(engine, "nobody", "x")
    assert unknown.value.reason == "locked"


def test_a_lock_ends_with_time_or_an_administrator(engine: Engine) -> None:
    _wrong(engine, LOCK_AFTER)
    with engine.begin() as conn:  # the failures were more than LOCK_FOR ago
        conn.execute(update(AuditEntry).values(at=AuditEntry.at - LOCK_FOR))
    assert authenticate(engine, "admin", "adminpass").username == "admin"
    _wrong(engine, LOCK_AFTER)
    with pytest.raises(LoginError, match="locked"):
        authenticate(engine, "admin", "adminpass")
    result = CliRunner().invoke(
        main, ["unlock", "admin", "--db", str(engine.url.render_as_string(False))]
    )
    assert result.exit_code == 0, result.output
    assert authenticate(engine, "admin", "adminpass").username == "admin"
    _wrong(engine, LOCK_AFTER)
    users.set_password(
        engine, "admin", "a-new-password", who=system("admin")
    )  # a reset ends it too
    assert authenticate(engine, "admin", "a-new-password").username == "admin"


def test_changing_ones_own_password(engine: Engine) -> None:
    from rmdesk.services.accounts.users import PasswordChangeError, change_password

    me = users.account(engine, users.user_id(engine, "admin", who=OPERATOR))

    cases = [
        (("adminpass", "short", "short"), ("new", "short")),
        (("adminpass", "a-new-password", "another-one"), ("repeat", "differ")),
        (("adminpass", "adminpass", "adminpass"), ("new", "same")),
        (("wrong-pass", "a-new-password", "a-new-password"), ("current", "wrong")),
    ]
    for (current, new, repeat), expected in cases:
        with pytest.raises(PasswordChangeError) as refused:
            change_password(engine, current, new, repeat, who=me)
        assert (refused.value.field, refused.value.code) == expected
    assert authenticate(engine, "admin", "adminpass").username == "admin"  # unchanged
    change_password(engine, "adminpass", "a-new-password", "a-new-password", who=me)
    assert authenticate(engine, "admin", "a-new-password").username == "admin"
    with pytest.raises(LoginError):
        authenticate(engine, "admin", "adminpass")
    # guessing the current password counts towards the lock
    for _ in range(LOCK_AFTER):
        with pytest.raises(PasswordChangeError):
            change_password(engine, "guess", "b-new-password", "b-new-password", who=me)
    with pytest.raises(PasswordChangeError) as locked:
        change_password(engine, "a-new-password", "b-new-password", "b-new-password", who=me)
    assert locked.value.code == "locked"


def test_an_unknown_name_costs_a_password_check_as_a_known_one_does(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timing of a refusal does not tell which names exist: every attempt that is not
    locked verifies one Argon2 hash, a dummy one for a name without a hash of its own."""
    from sqlalchemy import insert

    from rmdesk.models import Role, User
    from rmdesk.services.accounts import passwords

    with engine.begin() as conn:  # an imported RM: no password until one is set
        conn.execute(
            insert(User).values(
                username="rm09", display_name="rm09", role=Role.RM, active=True, version=1
            )
        )
    checked: list[str | None] = []

    def counting(stored: str | None, password: str) -> bool:
        checked.append(stored)
        return passwords.verify_password(stored, password)

    monkeypatch.setattr(users, "verify_password", counting)
    for name in ("nobody", "rm09", "admin"):
        with pytest.raises(LoginError) as refused:
            authenticate(engine, name, "not-the-password")
        assert refused.value.reason == "wrong"  # the same answer for all three
    assert authenticate(engine, "admin", "adminpass").username == "admin"
    dummy = passwords.dummy_hash()
    assert checked[:2] == [dummy, dummy] and checked[2] == checked[3] != dummy
    stored = checked[2]
    assert stored is not None  # same algorithm, version and cost parameters as a real hash:
    assert dummy.split("$")[1:4] == stored.split("$")[1:4]  # argon2id, v=19, m=…,t=…,p=…
