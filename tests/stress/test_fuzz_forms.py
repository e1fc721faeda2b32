"""Hostile input in the app's forms: generated values for every field of the forms that write
(a contact, a user, a branch, a product's pricing, the parameters, a KPI weight), sent to the
services the forms call. Each either saves, or is refused with the service's own error naming
the field; never another exception, and a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from rmdesk.db import open_database, write_transaction
from rmdesk.models import AuditEntry, Base
from rmdesk.services.accounts.users import account
from rmdesk.services.admin import directory, pricing
from rmdesk.services.branch import scorecard
from rmdesk.services.common import parameters
from rmdesk.services.common.access import system
from rmdesk.services.visits import contacts
from tests.demo_banks import DemoBank

T = Base.metadata.tables
#: examples per form and database in the suite; RMDESK_FUZZ_EXAMPLES=1000 for a longer hunt
EXAMPLES = int(os.environ.get("RMDESK_FUZZ_EXAMPLES", "60"))
RUNS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", "=cmd|' /C calc'!A0", "@SUM(1)", "+1", "\x00", "长" * 300, "x" * 5000,
         "'; DROP TABLE users; --", "\u202e", "1e999", "-1", "0", "NaN", "2026-02-30"]
    ),
)  # fmt: skip
NUMBERS = st.one_of(NASTY, st.integers(-(10**12), 10**12), st.floats(allow_nan=True))


@pytest.fixture
def engine(demo_bank: DemoBank) -> Iterator[Engine]:
    db = open_database(demo_bank(30))
    yield db.engine
    db.dispose()


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(T[table])).scalar_one())


def _entries(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def _refused_cleanly(engine: Engine, table: str, call: Any, errors: Any, fields: set[str]) -> bool:
    """Run ``call``; True if it saved. A refusal must be ``errors`` naming one of ``fields``
    and leave ``table`` and the audit trail as they were."""
    rows, entries = _count(engine, table), _entries(engine)
    try:
        call()
    except errors as exc:
        field = getattr(exc, "field", None)
        text = str(exc)
        named = field in fields if field else any(f in text or repr(f) in text for f in fields)
        assert named, f"{type(exc).__name__} names no field: {exc}"
        assert (_count(engine, table), _entries(engine)) == (rows, entries), "a refusal wrote"
        return False
    return True


def test_the_contact_form(engine: Engine) -> None:
    with engine.connect() as conn:
        client = int(conn.execute(select(T["clients"].c.id).limit(1)).scalar_one())
    fields = {"channel", "occurred_at", "purpose", "outcome", "notes", "next_step", "next_step_due"}

    @RUNS
    @given(
        channel=st.one_of(NASTY, st.sampled_from(sorted(contacts.CHANNELS))),
        when=st.one_of(st.none(), st.datetimes(timezones=st.just(dt.UTC))),
        purpose=NASTY,
        outcome=NASTY,
        notes=NASTY,
        next_step=NASTY,
        due=st.one_of(st.none(), st.dates()),
    )
    def attempt(
        channel: str, when: Any, purpose: str, outcome: str, notes: str, next_step: str, due: Any
    ) -> None:
        contact = contacts.NewContact(
            client, channel, when, purpose, outcome, notes, next_step, due
        )
        _refused_cleanly(
            engine,
            "interactions",
            lambda: contacts.log_contact(engine, contact, who=account(engine, 1)),
            contacts.ContactError,
            fields,
        )

    attempt()


def test_the_user_and_branch_forms(engine: Engine) -> None:
    user_fields = {"username", "display_name", "role", "branch", "password", "visits_per_day"}

    @RUNS
    @given(
        username=NASTY,
        name=NASTY,
        role=st.one_of(NASTY, st.sampled_from(["rm", "branch_head", "admin"])),
        branch=st.one_of(st.none(), st.integers(-5, 10)),
        password=NASTY,
        visits=st.integers(-(10**6), 10**6),
    )
    def add_user(
        username: str, name: str, role: str, branch: Any, password: str, visits: int
    ) -> None:
        _refused_cleanly(
            engine,
            "users",
            lambda: directory.create_user(
                engine, username=username, display_name=name, role=role, branch_id=branch,
                password=password, visits_per_day=visits, who=system("fuzz"),
            ),
            directory.DirectoryError,
            user_fields,
        )  # fmt: skip

    @RUNS
    @given(code=NASTY, name=NASTY, district=NASTY, region=NASTY)
    def add_branch(code: str, name: str, district: str, region: str) -> None:
        _refused_cleanly(
            engine,
            "branches",
            lambda: directory.create_branch(
                engine, code=code, name=name, district=district, region=region, who=system("fuzz"),
            ),
            directory.DirectoryError,
            {"code", "name", "district", "region"},
        )  # fmt: skip

    add_user()
    add_branch()


def test_the_pricing_parameter_and_weight_forms(engine: Engine) -> None:
    with engine.connect() as conn:
        product = str(conn.execute(select(T["products"].c.code).limit(1)).scalar_one())

    @RUNS
    @given(field=st.one_of(st.sampled_from(pricing.FIELDS), NASTY), value=NUMBERS, day=st.dates())
    def price(field: str, value: Any, day: dt.date) -> None:
        _refused_cleanly(
            engine,
            "product_pricing",
            lambda: pricing.change(
                engine, product, {field: value}, valid_from=day, who=system("fuzz")
            ),
            pricing.PricingError,
            {field, product, str(day)},
        )

    names = sorted(parameters.DEFAULTS.as_dict())

    @RUNS
    @given(
        name=st.one_of(st.sampled_from(names), NASTY),
        value=st.one_of(NUMBERS, st.dictionaries(NASTY, NUMBERS, max_size=3)),
    )
    def parameter(name: str, value: Any) -> None:
        def save() -> None:
            with write_transaction(engine) as conn:
                parameters.set_values(conn, {name: value}, who=system("fuzz"))

        _refused_cleanly(engine, "meta", save, parameters.ParameterError, {name})

    @RUNS
    @given(
        kpi=st.one_of(st.sampled_from(sorted(scorecard.KPI_KEYS)), NASTY),
        weight=NUMBERS,
        target=st.one_of(st.none(), NUMBERS),
        penalty=NUMBERS,
    )
    def weight(kpi: str, weight: Any, target: Any, penalty: Any) -> None:
        _refused_cleanly(
            engine,
            "kpi_weights",
            lambda: scorecard.set_weight(
                engine, kpi, weight=weight, target=target, penalty=penalty,
                valid_from=dt.date(2026, 11, 1), who=system("fuzz"),
            ),
            (scorecard.WeightError, ValueError),
            {kpi, "weight", "target", "penalty"},
        )  # fmt: skip

    price()
    parameter()
    weight()
