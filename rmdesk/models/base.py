"""The declarative base, the naming of constraints, money and id types, stored enums."""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    func,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Rate = Numeric(12, 8)
Money = BigInteger
#: ids of the rows people add by hand (contacts, visits, flag events, outcomes, handovers):
#: 64-bit, so no one can use up the ids (an integer sequence ends at 2,147,483,647)
BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON}


def stored_enum(cls: type[enum.Enum], name: str) -> SAEnum:
    # Stored as the value text with a CHECK constraint, the same on SQLite and PostgreSQL.
    return SAEnum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class attribute_text(FunctionElement[str]):  # noqa: N801 (a SQL function's name)
    """``attribute_text(column, "key")``: the text of a JSON column's top-level ``key``, written
    the same way in a query and in an index on it (PostgreSQL ``(column ->> 'key')``, SQLite
    ``json_extract(column, '$.key')``), so the database looks the value up in the index
    instead of reading every row's JSON. ``key`` is a plain name, written into the SQL."""

    type = String()
    inherit_cache = True
    name = "attribute_text"


def _attribute_parts(element: attribute_text) -> tuple[Any, str]:
    column, key = list(element.clauses)
    name = str(key.value)
    if not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(f"not a plain attribute name: {name!r}")
    return column, name


@compiles(attribute_text, "postgresql")
def _attribute_pg(element: attribute_text, compiler: Any, **kw: Any) -> str:
    column, name = _attribute_parts(element)
    return f"({compiler.process(column, **kw)} ->> '{name}')"


@compiles(attribute_text, "sqlite")
def _attribute_sqlite(element: attribute_text, compiler: Any, **kw: Any) -> str:
    column, name = _attribute_parts(element)
    return f"json_extract({compiler.process(column, **kw)}, '$.{name}')"
