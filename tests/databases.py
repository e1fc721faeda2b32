"""Databases for tests on SQLite and PostgreSQL: a migrated template per backend, made on first
use, and copies of it (or of any prepared database) that are dropped when their owner is done.

A copy is a file copy on SQLite and ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL. PostgreSQL
comes from $RMDESK_TEST_PG_URL; when $CI is true a missing server fails instead of skipping.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url

from rmdesk.db import open_database

BACKENDS = ["sqlite", "postgresql"]
_counter = itertools.count()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pg_url(admin_url: str, database: str) -> str:
    """The URL of ``database`` on the server of ``admin_url``."""
    url = make_url(admin_url).set(database=database)
    return url.render_as_string(hide_password=False)


def pg_exec(admin_url: str, sql: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]  # names made by the tests


class Server:
    """The PostgreSQL server to test against, asked for once, when a test first needs it;
    never when the run leaves PostgreSQL out (``wanted`` false: ``--backend sqlite``)."""

    def __init__(self, *, wanted: bool = True) -> None:
        self.wanted = wanted
        self._asked = False
        self._url: str | None = None

    def admin_url(self) -> str | None:
        """The server's URL, or None (a failure instead, under CI)."""
        if not self.wanted:
            return None
        if not self._asked:
            self._asked = True
            self._url = self._reach()
        if self._url is None and in_ci():
            pytest.fail("CI needs PostgreSQL: set RMDESK_TEST_PG_URL to a server", pytrace=False)
        return self._url

    @staticmethod
    def _reach() -> str | None:
        url = os.environ.get("RMDESK_TEST_PG_URL")
        if not url:
            return None
        try:
            with psycopg.connect(url, connect_timeout=5):
                pass
        except psycopg.OperationalError as exc:
            if in_ci():
                pytest.fail(f"CI needs PostgreSQL at {url}: {exc}", pytrace=False)
            return None
        return url

    def required(self) -> str:
        """The server's URL; a skip (outside CI) when there is none."""
        url = self.admin_url()
        if url is None:
            if not self.wanted:
                pytest.skip("PostgreSQL left out by --backend")
            pytest.skip("PostgreSQL not available (set RMDESK_TEST_PG_URL)")
        return url


class Templates:
    """One migrated, empty database per backend, made the first time a test asks for it."""

    def __init__(self, folder: Path, server: Server) -> None:
        self.folder, self.server = folder, server
        self.made: dict[str, str] = {}

    def get(self, backend: str) -> str:
        """The template's file (SQLite) or database name (PostgreSQL)."""
        if backend not in self.made:
            if backend == "sqlite":
                path = self.folder / "template.sqlite3"
                open_database(str(path)).dispose()
                self.made[backend] = str(path)
            else:
                admin = self.server.required()
                name = f"rmdesk_tpl_{os.getpid()}"
                pg_exec(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                pg_exec(admin, f"CREATE DATABASE {name}")
                open_database(pg_url(admin, name)).dispose()
                self.made[backend] = name
        return self.made[backend]

    def drop_all(self) -> None:
        if "postgresql" in self.made:
            admin = self.server.required()
            pg_exec(admin, f"DROP DATABASE IF EXISTS {self.made['postgresql']} WITH (FORCE)")


class Databases:
    """Makes fresh databases for a test (or a module, or the run) and drops them afterwards."""

    def __init__(self, folder: Path, templates: Templates) -> None:
        self.folder, self.templates = folder, templates
        self.dropped: list[str] = []

    @property
    def admin(self) -> str | None:
        return self.templates.server.admin_url()

    def new(self, backend: str, *, migrated: bool = True) -> str:
        """A fresh database: a copy of the migrated template, or empty."""
        if migrated:
            return self.copy_of(backend, self.templates.get(backend))
        if backend == "sqlite":
            return str(self.folder / f"db{next(_counter)}.sqlite3")
        return self._create(None)

    def copy_of(self, backend: str, source: str) -> str:
        """A copy of ``source``: a SQLite file, or a PostgreSQL database nobody is connected to."""
        if backend == "sqlite":
            target = self.folder / f"db{next(_counter)}.sqlite3"
            shutil.copy(source, target)
            return str(target)
        return self._create(source)

    def _create(self, template: str | None) -> str:
        admin = self.templates.server.required()
        name = f"rmdesk_t_{os.getpid()}_{next(_counter)}"
        pg_exec(admin, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        self.dropped.append(name)
        return pg_url(admin, name)

    def drop_all(self) -> None:
        if self.dropped:
            admin = self.templates.server.required()
            for name in self.dropped:
                pg_exec(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
