"""Writes a checked ``DataSet`` in one transaction: all of it, or nothing.

Rows are matched on the source's own keys, so importing the same data twice changes nothing and
a corrected extract updates what changed. Assignments made in rmdesk (a client's branch and RM)
outlive a re-import; users are created once and never overwritten by an import. Monthly facts and
transactions of a holding are replaced month by month / day by day where the new set has them.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    delete,
    exists,
    func,
    insert,
    select,
    tuple_,
    update,
)

from rmdesk.db import write_transaction
from rmdesk.models import Base
from rmdesk.services.accounts.passwords import shared_hash
from rmdesk.services.common import audit
from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.common.progress import NullProgress, Progress, check
from rmdesk.services.data.importing import bulk
from rmdesk.services.data.importing.dataset import DataSet
from rmdesk.services.data.importing.problems import Problem

T = Base.metadata.tables
#: From this many rows on, a first load builds the table's indexes after the rows are in.
BULK_ROWS = 100_000


@dataclass
class ImportResult:
    source: str
    batch_id: int | None
    counts: dict[str, int] = field(default_factory=dict)
    skipped: bool = False
    message: str = ""
    #: what was read but not imported (docs/import-format.md)
    warnings: list[Problem] = field(default_factory=list)


@open_to(ADMINS)
def already_imported(engine: Engine, source: str, checksum: str, *, who: Account) -> int | None:
    """The batch that imported exactly these files before, if any."""
    batches = T["import_batches"]
    with engine.connect() as conn:
        found = conn.execute(
            select(batches.c.id)
            .where(
                batches.c.source == source,
                batches.c.checksum == checksum,
                batches.c.finished_at.is_not(None),
            )
            .order_by(batches.c.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    return None if found is None else int(found)


@open_to(ADMINS)
def write_dataset(
    engine: Engine,
    data: DataSet,
    *,
    path: str = "",
    checksum: str = "",
    progress: Progress | None = None,
    who: Account,
) -> ImportResult:
    """Write ``data`` in one transaction and record the batch; ``Cancelled`` rolls all back."""
    progress = progress or NullProgress()
    with write_transaction(engine) as conn:
        counts = _write(conn, data, progress)
        warnings = [str(w) for w in data.warnings]
        if warnings:
            counts["warnings"] = len(warnings)
        batches = T["import_batches"]
        now = dt.datetime.now(dt.UTC)
        batch_id = conn.execute(
            insert(batches)
            .values(
                source=data.source, path=path, checksum=checksum, counts=counts, finished_at=now
            )
            .returning(batches.c.id)
        ).scalar_one()
        audit.record(
            conn,
            who,
            "import",
            "import_batches",
            batch_id,
            {"source": data.source, "path": path, "counts": counts, "warnings": warnings[:50]},
        )
    return ImportResult(data.source, int(batch_id), counts, warnings=list(data.warnings))


def _write(conn: Connection, data: DataSet, progress: Progress) -> dict[str, int]:
    counts: dict[str, int] = {}
    steps = 9

    def step(i: int, text: str) -> None:
        check(progress)
        progress.report(i, steps, text)

    step(0, "branches")
    counts["branches"] = bulk.upsert_frame(
        conn, T["branches"], data.branches, ["code"], version_column=None
    )
    branch_ids = bulk.key_map(conn, T["branches"], "code")

    step(1, "users")
    counts["users"] = _write_users(conn, data.users, branch_ids)
    user_ids = bulk.key_map(conn, T["users"], "username")

    step(2, "products")
    counts["products"] = bulk.upsert_frame(conn, T["products"], data.products, ["code"])
    product_ids = bulk.key_map(conn, T["products"], "code")
    counts["pricing_versions"] = _write_pricing(conn, data.pricing, product_ids)

    step(3, "clients")
    clients = data.clients.assign(
        source=data.source,
        branch_id=bulk.resolve(data.clients["branch_code"], branch_ids),
        rm_id=bulk.resolve(data.clients["rm_username"], user_ids),
    )
    counts["clients"] = bulk.upsert_frame(
        conn, T["clients"], clients, ["source", "external_id"], keep_existing=["branch_id", "rm_id"]
    )
    client_ids = bulk.key_map(conn, T["clients"], "external_id", {"source": data.source})

    step(4, "holdings")
    holdings = data.holdings.assign(
        source=data.source,
        client_id=bulk.resolve(data.holdings["client_external_id"], client_ids),
        product_id=bulk.resolve(data.holdings["product_code"], product_ids),
    )
    counts["holdings"] = bulk.upsert_frame(
        conn, T["holdings"], holdings, ["source", "external_id"], version_column=None
    )
    holding_ids = bulk.key_map(conn, T["holdings"], "external_id", {"source": data.source})

    step(5, "monthly facts")
    counts["monthly_facts"] = _replace_stream(
        conn,
        data,
        "facts",
        T["monthly_facts"],
        "month",
        holding_ids,
        progress,
        data.expected_facts,
        "monthly facts",
    )
    step(6, "transactions")
    counts["transactions"] = _replace_stream(
        conn,
        data,
        "transactions",
        T["transactions"],
        "booked_on",
        holding_ids,
        progress,
        data.expected_transactions,
        "transactions",
    )

    step(7, "interactions")
    interactions = data.interactions.assign(
        source=data.source,
        client_id=bulk.resolve(data.interactions["client_external_id"], client_ids),
        user_id=bulk.resolve(data.interactions["username"], user_ids),
        product_id=bulk.resolve(
            data.interactions.get("product_code", pd.Series(None, index=data.interactions.index)),
            product_ids,
        ),
    )
    counts["interactions"] = bulk.upsert_frame(
        conn, T["interactions"], interactions, ["source", "external_id"]
    )
    counts["training_points"] = _write_training(conn, data.training, user_ids)
    counts["contact_persons"] = _write_contact_persons(conn, data.contact_persons, client_ids)
    counts["tasks"] = _write_tasks(conn, data.tasks, data.source)

    step(8, "meta")
    _write_meta(conn, data)
    progress.report(steps, steps, "done")
    return counts


def _write_users(conn: Connection, users: pd.DataFrame, branch_ids: dict[str, int]) -> int:
    if users.empty:
        return 0
    hashes: list[object] = [
        None if not isinstance(p, str) or not p else shared_hash(p)
        for p in users["password"].tolist()
    ]
    frame = users.drop(columns=["password", "branch_code"]).assign(
        password_hash=pd.Series(hashes, index=users.index, dtype=object),
        branch_id=bulk.resolve(users["branch_code"], branch_ids),
    )
    return bulk.upsert_frame(conn, T["users"], frame, ["username"], insert_only=True)


def _write_pricing(conn: Connection, pricing: pd.DataFrame, product_ids: dict[str, int]) -> int:
    """A new pricing version where the parameters differ from the product's latest version."""
    table = T["product_pricing"]
    params = [
        "ftp_rate",
        "client_rate",
        "fee_monthly_minor",
        "fee_rate",
        "cost_to_serve_minor",
        "pd",
        "lgd",
    ]
    latest: dict[int, Any] = {}
    for row in conn.execute(select(table).order_by(table.c.product_id, table.c.version)):
        latest[row.product_id] = row
    added = 0
    for rec in pricing.to_dict("records"):
        pid = product_ids[str(rec["product_code"])]
        old = latest.get(pid)
        values = {p: rec.get(p) for p in params}
        if old is not None and all(_same(getattr(old, p), values[p]) for p in params):
            continue
        conn.execute(
            insert(table).values(
                product_id=pid,
                version=(old.version + 1) if old is not None else 1,
                valid_from=pd.Timestamp(rec["valid_from"]).date(),
                changed_by="import",
                note=rec.get("note") or None,
                **{p: (v if v is not None and not pd.isna(v) else 0) for p, v in values.items()},
            )
        )
        added += 1
    return added


def _same(stored: Any, new: Any) -> bool:
    from decimal import Decimal

    if new is None or (isinstance(new, float) and pd.isna(new)):
        new = 0
    return Decimal(str(stored)) == Decimal(str(new))


def _replace_stream(
    conn: Connection,
    data: DataSet,
    part: str,
    table: Table,
    date_column: str,
    holding_ids: dict[str, int],
    progress: Progress,
    expected: int,
    label: str,
) -> int:
    """Write a streamed table; rows for the same (holding, date) as new rows are replaced."""
    holdings = T["holdings"]
    fresh = not conn.execute(
        select(
            exists().where(table.c.holding_id == holdings.c.id, holdings.c.source == data.source)
        )
    ).scalar()
    written = 0
    big = fresh and expected >= BULK_ROWS
    with bulk.indexes_built_after(conn, table) if big else nullcontext():
        for chunk in data.stream(part):
            check(progress)
            if chunk.empty:
                continue
            ids = bulk.resolve(chunk["holding_external_id"], holding_ids)
            frame = chunk.assign(holding_id=ids)
            if fresh:
                written += bulk.insert_frame(conn, table, frame)
            else:
                written += _replace_rows(conn, table, frame, date_column)
            progress.report(written, max(expected, written), label)
    return written


def _replace_rows(conn: Connection, table: Table, frame: pd.DataFrame, date_column: str) -> int:
    names, columns, gaps = bulk.prepare_columns(frame, table, conn.dialect.name)
    stage = bulk.stage_table(conn, table, names)
    rows = bulk.write_columns(conn, stage.name, names, columns, gaps)
    keys = select(stage.c.holding_id, stage.c[date_column])
    conn.execute(delete(table).where(tuple_(table.c.holding_id, table.c[date_column]).in_(keys)))
    conn.execute(insert(table).from_select(names, select(*[stage.c[n] for n in names])))
    stage.drop(conn)
    return rows


def _write_training(conn: Connection, training: pd.DataFrame, user_ids: dict[str, int]) -> int:
    if training.empty:
        return 0
    table = T["training_points"]
    have = {
        (r.user_id, r.earned_on.isoformat(), r.course)
        for r in conn.execute(select(table.c.user_id, table.c.earned_on, table.c.course))
    }
    frame = training.assign(user_id=bulk.resolve(training["username"], user_ids))
    frame["earned_on"] = pd.to_datetime(frame["earned_on"])
    keys = list(
        zip(
            frame["user_id"].tolist(),
            frame["earned_on"].dt.strftime("%Y-%m-%d"),
            frame["course"].tolist(),
            strict=True,
        )
    )
    new = frame[[k not in have for k in keys]]
    return bulk.insert_frame(conn, table, new)


def _write_contact_persons(
    conn: Connection, persons: pd.DataFrame, client_ids: dict[str, int]
) -> int:
    """Each client named gets exactly the persons listed for it, in the order listed."""
    if persons.empty:
        return 0
    table = T["contact_persons"]
    frame = persons.assign(client_id=bulk.resolve(persons["client_external_id"], client_ids))
    frame["position"] = frame.groupby("client_id").cumcount()
    frame["decision_maker"] = frame["decision_maker"].fillna(False).astype(bool)
    ids = sorted({int(i) for i in frame["client_id"]})
    for start in range(0, len(ids), 900):
        conn.execute(delete(table).where(table.c.client_id.in_(ids[start : start + 900])))
    return bulk.insert_frame(conn, table, frame.drop(columns=["client_external_id"]))


def _write_tasks(conn: Connection, tasks: pd.DataFrame, source: str) -> int:
    """Tasks of the contacts named (for the contact's client and person), once per contact."""
    if tasks.empty:
        return 0
    i, t = T["interactions"], T["tasks"]
    found = {
        str(r.external_id): r
        for r in conn.execute(
            select(i.c.external_id, i.c.id, i.c.client_id, i.c.user_id)
            .where(i.c.source == source, i.c.user_id.is_not(None))
            .where(~exists().where(t.c.interaction_id == i.c.id))
        )
    }
    rows = []
    for rec in tasks.to_dict("records"):
        contact = found.get(str(rec["interaction_external_id"]))
        if contact is None:
            continue
        closed = rec["status"] != "open"
        rows.append(
            {
                "client_id": contact.client_id,
                "user_id": contact.user_id,
                "created_by": contact.user_id,
                "interaction_id": contact.id,
                "title": rec["title"],
                "due_on": rec["due_on"],
                "status": rec["status"],
                "closed_at": rec["closed_at"] if closed else None,
                "closed_by": contact.user_id if closed else None,
                "note": rec["note"] if closed else None,
                "version": 1,
            }
        )
    return bulk.insert_frame(conn, t, pd.DataFrame(rows)) if rows else 0


def _write_meta(conn: Connection, data: DataSet) -> None:
    meta = T["meta"]
    values = {f"{data.source}.{k}": v for k, v in data.meta.items()}
    if "as_of" in data.meta:
        values["as_of"] = data.meta["as_of"]  # the business date: that of the latest import
        values["as_of_source"] = data.source
    for key, value in values.items():
        done = conn.execute(update(meta).where(meta.c.key == key).values(value=value)).rowcount
        if not done:
            conn.execute(insert(meta).values(key=key, value=value))


def count_rows(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
