"""The local data folder and every file rmdesk writes there are their owner's only (0700/0600):
made so when they are created, and an older install's files are tightened when opened."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportlab.platypus import Paragraph

from rmdesk import settings
from rmdesk.cli import main
from rmdesk.db import backup_sqlite, open_database
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.exporting import export_table
from rmdesk.services.printing import paper as printing
from rmdesk.services.visits.calendar import export_ics
from tests.bank import TinyBank

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """The umask most desktops have (022): without rmdesk's care, files would be 0644."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_a_new_local_database_its_folder_and_its_log_are_private(_isolated_home: Path) -> None:
    _isolated_home.chmod(0o755)
    done = CliRunner().invoke(main, ["init", "--admin-password", "adminpass"])
    assert done.exit_code == 0, done.output
    database = settings.local_database_path()
    assert database.parent == _isolated_home
    assert mode(_isolated_home) == 0o700 and mode(database) == 0o600
    db = open_database(settings.local_database_url())
    with db.engine.begin() as conn:  # a connection in use: its -wal and -shm are there
        conn.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{database}{suffix}")) == 0o600, suffix
    db.dispose()
    settings.save(settings.Settings(language="en"))
    assert mode(settings.config_path()) == 0o600


def test_folders_rmdesk_makes_for_a_database_are_private(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o755)
    db = open_database(str(mine / "new" / "deeper" / "bank.sqlite3"))
    db.dispose()
    assert mode(mine / "new") == mode(mine / "new" / "deeper") == 0o700
    assert mode(mine / "new" / "deeper" / "bank.sqlite3") == 0o600
    assert mode(mine) == 0o755  # a folder the user made and named is theirs to set


def test_an_older_installs_files_are_tightened_when_opened(_isolated_home: Path) -> None:
    database = settings.local_database_path()
    open_database(str(database)).dispose()
    kept = [
        _isolated_home / "rmdesk.sqlite3.before-0003-20261101-101010.bak",
        _isolated_home / "rmdesk.sqlite3.before-restore-20261101-101010",
        _isolated_home / "rmdesk-20261101-101010.backup.sqlite3",
    ]
    for path in kept:
        path.write_bytes(b"")
    other = _isolated_home / "notes.txt"
    other.write_text("not rmdesk's")
    older = sqlite3.connect(database)  # an older rmdesk, still open: its -wal and -shm exist
    older.execute("PRAGMA journal_mode=WAL")
    older.execute("CREATE TABLE scratch (x INTEGER)")
    files = [database, Path(f"{database}-wal"), Path(f"{database}-shm"), *kept, other]
    for path in files:
        path.chmod(0o644)
    _isolated_home.chmod(0o755)
    open_database(settings.local_database_url()).dispose()
    older.close()
    assert mode(_isolated_home) == 0o700
    assert {p.name: mode(p) for p in files if p.exists()} == {
        p.name: 0o644 if p == other else 0o600 for p in files if p.exists()
    }


def test_the_copy_kept_before_a_migration_is_private(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "live.sqlite3"))
    copy = backup_sqlite(db.engine, "before-head")
    db.dispose()
    assert copy is not None and mode(copy) == 0o600


def test_exports_printed_documents_and_calendars_are_private(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    bank = TinyBank(db.engine)
    rm = bank.user("rm01", bank.branch())
    for fmt in ("csv", "xlsx"):
        target = tmp_path / f"users.{fmt}"
        target.write_bytes(b"")
        target.chmod(0o644)  # a file of the same name made before is replaced by a private one
        assert export_table(db.engine, "users", fmt, target, who=OPERATOR) == 1
        assert mode(target) == 0o600
    calendar = tmp_path / "visits.ics"
    day = dt.date(2026, 11, 2)
    export_ics(db.engine, rm, calendar, start=day, end=day, who=OPERATOR)
    assert mode(calendar) == 0o600
    db.dispose()
    pdf = tmp_path / "brief.pdf"
    printing.write_whole(
        pdf,
        lambda part: printing.build(
            part,
            [Paragraph("机密")],
            language="zh_CN",
            generated=dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC),
            title="t",
            author="t",
        ),
    )
    assert mode(pdf) == 0o600 and pdf.read_bytes().startswith(b"%PDF")
