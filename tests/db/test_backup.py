"""Backup and restore of the local database, and the audit trail's hash chain."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, update

from rmdesk.cli import main
from rmdesk.db import open_database
from rmdesk.models import AuditEntry, Client
from rmdesk.services.admin.backup import BackupError, backup_sqlite, restore_sqlite, table_counts
from rmdesk.services.common import audit
from rmdesk.services.common.access import OPERATOR, system
from tests.demo_banks import DemoBanks, Recipe

AS_OF = dt.date(2026, 10, 31)


#: the bank backed up and restored (a SQLite file: backups are of the local database)
BANK = Recipe(150, as_of=AS_OF)


def test_a_backup_restores_to_the_same_counts(tmp_path: Path, demo_banks: DemoBanks) -> None:
    live = tmp_path / "live.sqlite3"
    url = demo_banks.copy_to(BANK, live)
    runner = CliRunner()
    copy = tmp_path / "copy.sqlite3"
    made = runner.invoke(main, ["backup", "--db", url, "-o", str(copy)])
    assert made.exit_code == 0, made.output
    assert "150 clients" in made.stdout
    db = open_database(url)
    before = table_counts(db.engine, who=OPERATOR)
    with db.engine.begin() as conn:  # work after the backup: lost by the restore, kept aside
        conn.execute(update(Client).where(Client.id == 1).values(name="改名以后"))
        for _ in range(5):
            audit.record(conn, system("t"), "test")
    after = table_counts(db.engine, who=OPERATOR)
    db.dispose()
    assert after["audit_log"] == before["audit_log"] + 5
    refused = runner.invoke(main, ["restore", str(copy), "--db", url])
    assert refused.exit_code == 3 and "--replace" in refused.stderr
    done = runner.invoke(main, ["restore", str(copy), "--db", url, "--replace"])
    assert done.exit_code == 0, done.output
    restored = open_database(url)
    assert table_counts(restored.engine, who=OPERATOR) == before
    with restored.engine.connect() as conn:
        assert conn.execute(select(Client.name).where(Client.id == 1)).scalar() != "改名以后"
    restored.dispose()
    (kept,) = tmp_path.glob("live.sqlite3.before-restore-*")
    aside = open_database(f"sqlite:///{kept}", migrate_schema=False)
    assert table_counts(aside.engine, who=OPERATOR) == after
    aside.dispose()


def test_a_damaged_backup_is_refused_and_nothing_is_touched(
    tmp_path: Path, demo_banks: DemoBanks
) -> None:
    live = tmp_path / "live.sqlite3"
    demo_banks.copy_to(BANK, live)
    copy = backup_sqlite(live, tmp_path / "copy.sqlite3")
    with pytest.raises(BackupError, match="already exists"):
        backup_sqlite(live, copy)
    damaged = tmp_path / "damaged.sqlite3"
    data = copy.read_bytes()
    damaged.write_bytes(data[: len(data) // 3])  # cut short, as by a full disk
    original = live.read_bytes()
    with pytest.raises(BackupError, match=r"damaged\.sqlite3"):
        restore_sqlite(damaged, live, replace=True)
    assert live.read_bytes() == original and not list(tmp_path.glob("*.part"))
    not_ours = tmp_path / "other.sqlite3"
    import sqlite3

    with sqlite3.connect(not_ours) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="not an rmdesk database"):
        restore_sqlite(not_ours, tmp_path / "new.sqlite3")
    assert not (tmp_path / "new.sqlite3").exists()


def test_the_audit_chain_finds_an_edited_or_deleted_entry(db_url: str) -> None:
    db = open_database(db_url)
    with db.engine.begin() as conn:
        for n in range(6):
            audit.record(conn, system("rm01"), "view", "client", n, {"n": n})
    runner = CliRunner()
    whole = runner.invoke(main, ["audit", "verify", "--db", db.url])
    assert whole.exit_code == 0 and "whole: 6 entries" in whole.stdout
    with db.engine.connect() as conn:
        ids = list(conn.execute(select(AuditEntry.id).order_by(AuditEntry.id)).scalars())
    with db.engine.begin() as conn:  # someone edits what an entry says
        conn.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(actor="rm02"))
    edited = runner.invoke(main, ["audit", "verify", "--db", db.url])
    assert edited.exit_code == 3 and f"entry {ids[2]}" in edited.stderr
    with db.engine.begin() as conn:  # put it back, then delete another
        conn.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(actor="rm01"))
        conn.execute(delete(AuditEntry).where(AuditEntry.id == ids[4]))
    with db.engine.connect() as conn:
        assert audit.verify_chain(conn) == ids[5]  # the entry after the gap no longer links
    db.dispose()


def test_an_anchor_kept_outside_finds_entries_cut_from_the_end(db_url: str) -> None:
    db = open_database(db_url)
    with db.engine.begin() as conn:
        for n in range(4):
            audit.record(conn, system("rm01"), "view", "client", n, {"n": n})
    runner = CliRunner()
    kept = runner.invoke(main, ["audit", "anchor", "--db", db.url]).stdout.strip()
    with db.engine.connect() as conn:
        newest = conn.execute(
            select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc())
        ).first()
    assert newest is not None and kept == f"{newest.id}:{newest.hash}"
    with db.engine.begin() as conn:  # more work, then the anchor still holds
        audit.record(conn, system("rm01"), "view", "client", 9, {})
    fine = runner.invoke(main, ["audit", "verify", "--anchor", kept, "--db", db.url])
    assert fine.exit_code == 0
    with db.engine.begin() as conn:  # the newest entries are cut: the chain alone is whole
        conn.execute(delete(AuditEntry).where(AuditEntry.id >= newest.id))
        assert audit.verify_chain(conn) is None
    cut = runner.invoke(main, ["audit", "verify", "--anchor", kept, "--db", db.url])
    assert cut.exit_code == 3 and "no longer holds the anchored entry" in cut.stderr
    bad = runner.invoke(main, ["audit", "verify", "--anchor", "nonsense", "--db", db.url])
    assert bad.exit_code == 2 and "not an anchor" in bad.stderr
    db.dispose()


def test_searching_the_audit_trail(db_url: str) -> None:
    db = open_database(db_url)
    with db.engine.begin() as conn:
        for n in range(4):
            audit.record(conn, system("rm01"), "view", "client", n, {"n": n})
        audit.record(conn, system("rm02"), "print", "client", 2, {"what": "brief"})
        audit.record(conn, system("admin"), "unlock", "users", "rm01")
    everything, total = audit.search(db.engine, who=OPERATOR)
    assert total == len(everything) == 6 and everything["id"].is_monotonic_decreasing
    views, n = audit.search(db.engine, person="rm01", action="view", who=OPERATOR)
    assert n == 4 and set(views["entity_id"]) == {"0", "1", "2", "3"}
    about, _ = audit.search(db.engine, entity="client", entity_id="2", who=OPERATOR)
    assert list(about["action"]) == ["print", "view"] and '"what": "brief"' in about["detail"][0]
    newest, n = audit.search(db.engine, limit=2, who=OPERATOR)
    assert n == 6 and list(newest["action"]) == ["unlock", "print"]
    today = dt.datetime.now(dt.UTC).date()
    assert audit.search(db.engine, since=today, until=today, who=OPERATOR)[1] == 6
    assert audit.search(db.engine, until=today - dt.timedelta(days=1), who=OPERATOR)[1] == 0
    assert audit.choices(db.engine, who=OPERATOR) == (
        ["print", "unlock", "view"],
        ["client", "users"],
    )
    db.dispose()
