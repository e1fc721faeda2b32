"""Demo banks built once per run and backend, copied for each test that asks for one.

Building a demo bank and scoring it takes seconds; copying it takes milliseconds (a file copy on
SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL). A recipe names what a bank holds; the
first test asking for a recipe on a backend builds it, every test gets a copy of its own, so a
test may change its bank freely.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

from rmdesk.db import open_database
from rmdesk.services.accounts.users import user_id
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.demo_bank import DemoSpec, build
from tests.databases import Databases

#: the data date of most test banks, and the Monday after it on which they are scored
AS_OF = dt.date(2026, 10, 31)
MONDAY = dt.date(2026, 11, 2)

#: the ``demo_bank`` fixture: ``demo_bank(clients, **recipe)`` is the URL of a fresh copy
DemoBank = Callable[..., str]


@dataclass(frozen=True)
class Recipe:
    """A demo bank of ``clients`` with data to ``as_of``; scored on ``scored_on`` if given; with
    a proposed plan of ``plan`` = (RM's user name, first day, weeks or None for the default)."""

    clients: int
    as_of: dt.date = AS_OF
    scored_on: dt.date | None = None
    plan: tuple[str, dt.date, int | None] | None = None

    def make(self, url: str) -> None:
        db = open_database(url)
        try:
            build(db.engine, DemoSpec(clients=self.clients, as_of=self.as_of), who=OPERATOR)
            if self.scored_on:
                from rmdesk.services.engine.scoring import score

                score(db.engine, as_of=self.as_of, today=self.scored_on, who=OPERATOR)
            if self.plan:
                from rmdesk.services.visits.planner import propose_plan

                rm, start, weeks = self.plan
                rm_id = user_id(db.engine, rm, who=OPERATOR)
                propose_plan(db.engine, rm_id, start=start, weeks=weeks, who=OPERATOR)
        finally:
            db.dispose()


class DemoBanks:
    """The banks built in this run, by recipe and backend; they live in their own databases."""

    def __init__(self, databases: Databases) -> None:
        self.databases = databases
        self.built: dict[tuple[Recipe, str], str] = {}

    def source(self, recipe: Recipe, backend: str) -> str:
        """The built bank to copy: a SQLite file or a PostgreSQL database name."""
        key = (recipe, backend)
        if key not in self.built:
            url = self.databases.new(backend)
            recipe.make(url)
            self.built[key] = url if backend == "sqlite" else str(make_url(url).database)
        return self.built[key]

    def copy(self, recipe: Recipe, backend: str, into: Databases) -> str:
        """A fresh copy of the bank, dropped with ``into``'s databases; its URL."""
        return into.copy_of(backend, self.source(recipe, backend))

    def copy_to(self, recipe: Recipe, path: Path) -> str:
        """A copy of the SQLite bank at ``path`` (where a test needs its file by name)."""
        shutil.copy(self.source(recipe, "sqlite"), path)
        return f"sqlite:///{path}"
