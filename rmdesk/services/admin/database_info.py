"""What is in a database: where it is, its schema version, the size of every table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, func, select, text

from rmdesk.db import Database, current_revision, head_revision
from rmdesk.models import TABLES_IN_ORDER, Base


@dataclass
class DatabaseInfo:
    url: str
    dialect: str
    schema_version: str | None
    schema_head: str
    counts: dict[str, int] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    imports: list[dict[str, Any]] = field(default_factory=list)

    @property
    def up_to_date(self) -> bool:
        return self.schema_version == self.schema_head


def _readable(conn: Connection, table: str) -> bool:
    if conn.dialect.name != "postgresql":
        return True
    return bool(
        conn.execute(text("SELECT has_table_privilege(:t, 'SELECT')"), {"t": table}).scalar()
    )


def describe(db: Database) -> DatabaseInfo:
    tables = Base.metadata.tables
    info = DatabaseInfo(
        db.display_url, db.engine.dialect.name, current_revision(db.engine), head_revision()
    )
    with db.engine.connect() as conn:
        for name in TABLES_IN_ORDER:
            if not _readable(conn, name):  # a person's own login: not the chain's key, say
                continue
            info.counts[name] = int(
                conn.execute(select(func.count()).select_from(tables[name])).scalar_one()
            )
        meta = tables["meta"]
        info.meta = {k: v for k, v in conn.execute(select(meta.c.key, meta.c.value))}
        batches = tables["import_batches"]
        for row in conn.execute(select(batches).order_by(batches.c.id.desc()).limit(5)):
            info.imports.append(
                {
                    "id": row.id,
                    "source": row.source,
                    "path": row.path,
                    "finished_at": str(row.finished_at),
                    "counts": row.counts,
                }
            )
    return info


def file_counts(path: Path) -> dict[str, int]:
    """Rows in each of rmdesk's tables in the SQLite file ``path``, read as it is (read-only,
    the one file: what a backup holds, read back from it)."""
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with engine.connect() as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                for name, table in sorted(Base.metadata.tables.items())
            }
    finally:
        engine.dispose()
