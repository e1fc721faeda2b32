"""Authorisation in the services: every entry point checks who asks, whatever calls it."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from rmdesk.db import open_database
from rmdesk.models import AuditEntry, Client, RiskFlag, Role, Suggestion, Task, User, Visit
from rmdesk.services.accounts.users import account
from rmdesk.services.branch import handover
from rmdesk.services.clients import book
from rmdesk.services.clients import profile as client_profile
from rmdesk.services.common import access, audit
from rmdesk.services.common.access import ENTRY_POINTS, OPERATOR, AccessDenied, Account
from rmdesk.services.visits import planner as visit_planner
from rmdesk.services.visits import screen as visit_views
from tests.conftest import Databases
from tests.demo_banks import DemoBanks, Recipe
from tests.unit.test_access import OPEN_TO_EVERYONE, all_service_functions

TODAY = dt.date(2026, 11, 2)


@dataclass
class Bank:
    engine: Engine
    rm_a: Account  # the RM asking
    rm_b: Account  # another RM, of another branch
    head_a: Account  # rm_a's branch head
    admin: Account
    ids: dict[str, int]  # rm_b's client, visit, flag and suggestion


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def bank(
    request: pytest.FixtureRequest, module_databases: Databases, demo_banks: DemoBanks
) -> Iterator[Bank]:
    scored = Recipe(300, scored_on=TODAY)
    db = open_database(demo_banks.copy(scored, request.param, module_databases))
    engine = db.engine
    with engine.connect() as conn:
        rms = conn.execute(
            select(User.id, User.branch_id).where(User.role == Role.RM).order_by(User.id)
        ).all()
        a = rms[0]
        b = next(r for r in rms if r.branch_id != a.branch_id)
        head = conn.execute(
            select(User.id).where(User.role == Role.BRANCH_HEAD, User.branch_id == a.branch_id)
        ).scalar_one()
        admin = conn.execute(select(User.id).where(User.role == Role.ADMIN)).scalar_one()
        of_b = select(Client.id).where(Client.rm_id == b.id)
        client = conn.execute(of_b.order_by(Client.id).limit(1)).scalar_one()
        flag = conn.execute(select(RiskFlag.id).where(RiskFlag.client_id.in_(of_b))).scalar()
        suggestion = conn.execute(
            select(Suggestion.id).where(Suggestion.client_id.in_(of_b))
        ).scalar()
    visit_planner.propose_plan(engine, b.id, start=TODAY, weeks=1, who=OPERATOR)
    with engine.connect() as conn:
        visit = conn.execute(select(Visit.id).where(Visit.client_id.in_(of_b))).scalar()
    assert flag and suggestion and visit
    with engine.begin() as conn:  # a task of rm_b's client
        task = conn.execute(
            insert(Task)
            .values(client_id=client, user_id=b.id, title="call", due_on=TODAY, status="open")
            .returning(Task.id)
        ).scalar_one()
    yield Bank(
        engine,
        account(engine, a.id),
        account(engine, b.id),
        account(engine, head),
        account(engine, admin),
        {"client": client, "flag": flag, "suggestion": suggestion, "visit": visit, "task": task},
    )
    db.dispose()


def _first(entry: access.EntryPoint) -> str:
    return next(iter(inspect.signature(inspect.unwrap(entry.function)).parameters))


class _Anything:
    """Stands for every argument the guard does not look at: the guard refuses first."""


def _call_as(entry: access.EntryPoint, bank: Bank, who: Account) -> None:
    """Call ``entry`` as ``who`` about rm_b's client (or rm_b, or rm_b's branch)."""
    target = _target(entry, bank)
    signature = inspect.signature(inspect.unwrap(entry.function))
    kwargs: dict[str, Any] = {}
    for name, param in signature.parameters.items():
        if name in ("engine", "db"):
            kwargs[name] = bank.engine
        elif name == "conn":  # an entry point that works in its caller's transaction
            kwargs[name] = bank.engine.connect()
        elif name == "who":
            kwargs[name] = who
        elif name in target:
            kwargs[name] = target[name]
        elif param.default is inspect.Parameter.empty and param.kind not in (
            param.VAR_POSITIONAL,
            param.VAR_KEYWORD,
        ):
            kwargs[name] = _Anything()
    entry.function(**kwargs)


def _target(entry: access.EntryPoint, bank: Bank) -> dict[str, Any]:
    arg = entry.arg or ""
    if entry.subject in ("client", "visit", "flag", "suggestion", "task"):
        one = bank.ids[entry.subject]
        head, *attribute = arg.split(".")
        if attribute:  # e.g. contact.client_id
            return {head: type("Given", (), {attribute[0]: one})()}
        if head in ("client_ids", "printed", "visits"):
            return {head: [(one, 1)] if head in ("printed", "visits") else [one]}
        return {head: one}
    if entry.subject == "scope":
        names = [n.rsplit(".", 1)[-1] for n in arg.split(",")]
        b = bank.rm_b  # by id, or by user name and branch code (scoring)
        values = {
            "rm_id": b.id,
            "branch_id": b.branch_id,
            "rm": b.username,
            "branch": b.branch_code,
        }
        if arg.startswith("scope."):
            from rmdesk.services.data.reports import Scope

            return {"scope": Scope(**{n: values[n] for n in names})}
        return {n: values[n] for n in names}
    return {}


def _refusals(bank: Bank, username: str) -> list[str]:
    with bank.engine.connect() as conn:
        return list(
            conn.execute(
                select(AuditEntry.entity_id)
                .where(AuditEntry.action == "access_denied", AuditEntry.actor == username)
                .order_by(AuditEntry.id)
            ).scalars()
        )


@pytest.mark.smoke
def test_an_rm_is_refused_at_every_entry_point_on_another_rms_client(bank: Bank) -> None:
    all_service_functions()  # every service imported, so that ENTRY_POINTS lists them all
    before = len(_refusals(bank, bank.rm_a.username))
    refused, tried = [], []
    for entry in ENTRY_POINTS:
        if entry.name in OPEN_TO_EVERYONE:
            continue
        tried.append(entry.name)
        with pytest.raises(AccessDenied) as denied:
            _call_as(entry, bank, bank.rm_a)
        assert denied.value.zh and denied.value.en, entry.name
        refused.append(entry.name)
    assert refused == tried and len(tried) == len(ENTRY_POINTS) - len(OPEN_TO_EVERYONE)
    # each attempt is in the audit trail, naming the function, and the chain is whole
    logged = _refusals(bank, bank.rm_a.username)[before:]
    in_transaction = {e.name for e in ENTRY_POINTS if _first(e) == "conn"}  # rolled back
    assert in_transaction == {"rmdesk.services.common.parameters.set_values"}
    expected = [n for n in tried if n not in in_transaction]
    assert logged == [".".join(name.rsplit(".", 2)[-2:]) for name in expected]
    with bank.engine.connect() as conn:
        assert audit.verify_chain(conn) is None


def test_a_branch_head_is_refused_on_another_branchs_client(bank: Bank) -> None:
    about_b = [
        e for e in ENTRY_POINTS if e.subject in ("client", "visit", "flag", "suggestion", "task")
    ]
    about_b += [e for e in ENTRY_POINTS if e.subject == "scope"]
    for entry in about_b:
        with pytest.raises(AccessDenied):
            _call_as(entry, bank, bank.head_a)


def test_the_owner_and_an_administrator_pass_the_check(bank: Bank) -> None:
    """The same subjects the refusals used, asked by someone who reaches them: no refusal."""
    b, ids = bank.rm_b, bank.ids
    for who in (b, bank.admin):
        for subject in ("client", "visit", "flag", "suggestion", "task"):
            access.check_subjects(bank.engine, who, subject, [ids[subject]])
        access.check_scope(bank.engine, who, b.id, b.branch_id)
    head_b = bank.engine.connect().__enter__()  # the head of rm_b's branch
    head_id = head_b.execute(
        select(User.id).where(User.role == Role.BRANCH_HEAD, User.branch_id == b.branch_id)
    ).scalar_one()
    head_b.close()
    head = account(bank.engine, head_id)
    access.check_subjects(bank.engine, head, "client", [ids["client"]])
    access.check_scope(bank.engine, head, b.id, None)
    access.check_scope(bank.engine, head, None, b.branch_id)


def test_real_calls_follow_the_book(bank: Bank) -> None:
    engine, a, b = bank.engine, bank.rm_a, bank.rm_b
    mine = book.client_book(engine, rm_id=a.id, today=TODAY, who=a)
    assert len(mine) > 0
    with engine.connect() as conn:
        assert set(mine["client_id"]) == set(
            conn.execute(select(Client.id).where(Client.rm_id == a.id)).scalars()
        )
    with pytest.raises(AccessDenied, match="own book"):
        book.client_book(engine, today=TODAY, who=a)  # the whole bank
    own = int(mine["client_id"].iloc[0])
    assert client_profile.load(engine, own, today=TODAY, who=a).client_id == own
    with pytest.raises(AccessDenied, match="not in your book") as refused:
        client_profile.load_many(engine, [own, bank.ids["client"]], today=TODAY, who=a)
    assert "不在您的管户范围内" in refused.value.zh
    # a branch head reads the branch and reassigns within it; an RM cannot reassign at all
    head = bank.head_a
    branch_book = book.client_book(engine, branch_id=head.branch_id, today=TODAY, who=head)
    assert own in set(branch_book["client_id"])
    with pytest.raises(AccessDenied, match="an RM may not"):
        handover.preview(engine, [own], b.id, today=TODAY, who=a)
    rms = visit_views.planner_rms(engine, who=a)
    assert [r.id for r in rms] == [a.id]


def test_nobody_is_let_in_without_saying_who(bank: Bank) -> None:
    with pytest.raises(AccessDenied, match="who is asking"):
        book.client_book(bank.engine, today=TODAY, who=None)  # type: ignore[arg-type]


def test_nobody_acts_in_someone_elses_name(bank: Bank) -> None:
    """``who`` is the only way a service learns who acts: the audit name and the person stored
    on what is written come from it; no entry point takes a second name for the acting person."""
    for entry in ENTRY_POINTS:
        params = set(inspect.signature(inspect.unwrap(entry.function)).parameters)
        assert not params & access.ACTING_NAMES, entry.name
    with pytest.raises(TypeError, match="names the acting person twice"):

        @access.open_to()
        def _sneaky(engine: Engine, *, actor: str, who: Account) -> None: ...

    a = bank.rm_a
    own = int(book.client_book(bank.engine, rm_id=a.id, today=TODAY, who=a)["client_id"].iloc[0])
    client_profile.record_view(bank.engine, own, who=a)
    client_profile.record_view(bank.engine, own, who=access.system("nightly"))
    with bank.engine.connect() as conn:
        names = list(
            conn.execute(
                select(AuditEntry.actor)
                .where(AuditEntry.action == "view", AuditEntry.entity_id == str(own))
                .order_by(AuditEntry.id)
            ).scalars()
        )
    assert names[-2:] == [a.username, "nightly"]
