"""Authorisation in the services: every function given the engine is a checked entry point, or on
a written list of exemptions that still exist (tests/db/test_access.py tries them on a bank)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import rmdesk.services
from rmdesk.models import Role
from rmdesk.services.common.access import ENTRY_POINTS

#: Engine-taking functions that are not entry points, and why
NOT_ENTRY_POINTS = {
    "rmdesk.services.accounts.users.has_admin": (
        "asked before anyone logs in (is there an administrator?)"
    ),
    "rmdesk.services.accounts.users.authenticate": "logging in is how ``who`` comes to be",
    "rmdesk.services.accounts.users.account": "the account of the user who has just logged in",
    "rmdesk.services.accounts.users.session_account": "the database says who its session is",
    "rmdesk.services.accounts.users.open_session": "the session the database authenticated begins",
    "rmdesk.services.engine.loading.load": "a step of ``score``, the entry point that let it in",
}


#: entry points about no client, RM or branch that every role may call, and why that is safe
OPEN_TO_EVERYONE = {
    "rmdesk.services.clients.ids.find_clients": "ids to row ids; what is done is checked there",
    "rmdesk.services.data.exporting.write_rows": "writes rows the caller already holds, audited",
    "rmdesk.services.printing.paper.record": "audits the caller's own printing",
    "rmdesk.services.branch.scorecard.weights": "the KPI weights, shown on every scorecard",
    "rmdesk.services.accounts.users.user_id": "a user name to its id",
    "rmdesk.services.accounts.users.branch_id": "a branch code to its id",
    "rmdesk.services.accounts.users.change_password": "``who``'s own password, checked against it",
    "rmdesk.services.visits.screen.planner_rms": "lists only the RMs ``who`` reaches",
    "rmdesk.services.accounts.users.person": "a name given for a person: who they are, if active",
    "rmdesk.services.accounts.users.usernames": "user ids to names, for lists people read",
    "rmdesk.services.common.audit.check_trail": "checks the chain the login can read",
    "rmdesk.services.common.audit.newest_anchor": "the chain's newest entry, to keep outside",
}


def all_service_functions() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for info in pkgutil.walk_packages(rmdesk.services.__path__, "rmdesk.services."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isfunction(value)
                and not name.startswith("_")
                and value.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_function_given_the_engine_is_a_checked_entry_point() -> None:
    functions = all_service_functions()
    checked = {e.name for e in ENTRY_POINTS}
    takes_engine = {
        name
        for name, f in functions.items()
        if (params := list(inspect.signature(inspect.unwrap(f)).parameters.values()))
        and params[0].name == "engine"
        and not name.startswith("rmdesk.services.common.access.")  # the checks themselves
    }
    assert takes_engine - checked - set(NOT_ENTRY_POINTS) == set()
    assert set(NOT_ENTRY_POINTS) <= takes_engine  # the exemptions are still real
    # functions given a connection that change what users edit are entry points too
    assert "rmdesk.services.common.parameters.set_values" in checked
    open_to_all = {e.name for e in ENTRY_POINTS if e.subject == "bank" and Role.RM in e.roles}
    open_to_all |= {e.name for e in ENTRY_POINTS if e.subject == "user"}
    assert open_to_all == set(OPEN_TO_EVERYONE)
    assert len(ENTRY_POINTS) >= 80
