"""Who the command line acts as is asked of each open database, not remembered by address."""

from __future__ import annotations

import gc

from rmdesk.cli import common
from rmdesk.db import Database
from rmdesk.services.accounts import users
from rmdesk.services.common.access import OPERATOR, Account


class _Engine:
    """Stands for an open engine: only who its login is matters here."""


def _database(engine: object | None = None) -> Database:
    return Database(url="sqlite://", engine=engine or _Engine(), sessions=None)  # type: ignore[arg-type]


def test_a_database_opened_after_another_is_freed_is_asked_who_its_login_is(
    monkeypatch,
) -> None:
    people: dict[object, Account] = {}
    monkeypatch.setattr(users, "session_account", lambda engine: people.get(engine))
    rm = Account(
        id=7, username="wang", display_name="王", role="rm", branch_id=1, branch_name="东城"
    )
    before = len(common._operators)

    # every object at one address, as when CPython hands a new database a freed one's memory
    monkeypatch.setattr(common, "id", lambda _obj: 1, raising=False)

    first = _database()
    assert common.operator(first) is OPERATOR  # the database's own credentials
    del first
    gc.collect()
    assert len(common._operators) == before  # forgotten with its engine

    # the next database is a person's own login: it is asked who it is, not given the
    # operator remembered for the last one at its address
    own_login = _Engine()
    people[own_login] = rm
    assert common.operator(_database(own_login)) == rm
    assert common.operator(_database()) is OPERATOR
