"""The one SQLite copy routine (rmdesk.sqlite_backup): whole, checked, owner-only, and the one
the copy before a migration, ``rmdesk-cli backup`` and a restore's kept copy all go through."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from rmdesk import sqlite_backup
from rmdesk.cli import main
from rmdesk.db import downgrade, make_engine, migrate, open_database
from rmdesk.services.admin.backup import restore_sqlite
from rmdesk.services.common import audit
from rmdesk.services.common.access import system
from rmdesk.sqlite_backup import BackupError, copy_database

POSIX = os.name == "posix"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """The umask most desktops have (022): without rmdesk's care, files would be 0644."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, Path]]:
    """Every copy made through the routine: (source, target)."""
    made: list[tuple[Path, Path]] = []
    real = sqlite_backup.copy_database

    def spy(source: Path | sqlite3.Connection, target: Path, **kwargs: object) -> Path:
        shown = source if isinstance(source, Path) else Path(sqlite_backup._file_of(source))
        made.append((shown, target))
        return real(source, target, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_backup, "copy_database", spy)
    return made


def _live(path: Path, entries: int = 3) -> Path:
    db = open_database(str(path))
    with db.engine.begin() as conn:
        for n in range(entries):
            audit.record(conn, system("t"), "view", "client", n)
    db.dispose()
    return path


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT id, actor, entity_id FROM audit_log ORDER BY id").fetchall()


def test_the_copy_is_whole_with_what_is_still_in_the_wal_and_checked(tmp_path: Path) -> None:
    live = _live(tmp_path / "live.sqlite3")
    writer = sqlite3.connect(live, isolation_level=None)  # keeps its commits in the -wal file
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE probe (n INTEGER)")
    writer.executemany("INSERT INTO probe VALUES (?)", [(n,) for n in range(500)])
    assert Path(f"{live}-wal").stat().st_size > 0
    copy = copy_database(live, tmp_path / "copy.sqlite3")
    writer.close()
    assert copy == tmp_path / "copy.sqlite3"
    assert _rows(copy) == _rows(live) and len(_rows(copy)) == 3
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM probe").fetchone() == (500,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file
    assert not Path(f"{copy}-wal").exists() and not list(tmp_path.glob("*.part"))


def test_a_copy_refused_by_the_callers_check_is_not_kept(tmp_path: Path) -> None:
    live = _live(tmp_path / "live.sqlite3")
    seen: list[Path] = []

    def refuse(part: Path) -> None:
        seen.append(part)
        assert _rows(part) == _rows(live)  # checked whole, before it gets its name
        raise BackupError("not this one")

    with pytest.raises(BackupError, match="not this one"):
        copy_database(live, tmp_path / "copy.sqlite3", check=refuse)
    assert seen and not (tmp_path / "copy.sqlite3").exists()
    assert not list(tmp_path.glob("*.part"))


def _corrupt(path: Path) -> Path:
    """A database that opens and reads, but whose index no longer matches its table."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
        conn.execute("CREATE INDEX tb ON t (b)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(n, f"v{n}") for n in range(200)])
    conn.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX tb ON t (a)' WHERE name = 'tb'")
    conn.commit()
    conn.close()
    return path


def test_a_corrupt_or_unreadable_source_is_refused_naming_it(tmp_path: Path) -> None:
    corrupt = _corrupt(tmp_path / "corrupt.sqlite3")
    target = tmp_path / "copy.sqlite3"
    with pytest.raises(BackupError) as refused:
        copy_database(corrupt, target)
    message = str(refused.value)
    assert message.startswith(f"{corrupt}: its copy is not sound") and "integrity" in message
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is no database, " * 400)
    with pytest.raises(BackupError, match=rf"^{garbage}: cannot be read \(file is not a database"):
        copy_database(garbage, target)
    with pytest.raises(BackupError, match=rf"^{tmp_path / 'missing.sqlite3'}: no such database"):
        copy_database(tmp_path / "missing.sqlite3", target)
    assert not target.exists() and not list(tmp_path.glob("*.part"))


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX's")
def test_the_copy_is_0600_in_a_0700_folder(tmp_path: Path) -> None:
    live = _live(tmp_path / "live.sqlite3")
    old = tmp_path / "old.sqlite3"
    old.write_bytes(b"")
    old.chmod(0o644)  # a file of the same name made before is replaced by a private one
    assert mode(copy_database(live, old)) == 0o600
    copy = copy_database(live, tmp_path / "new" / "deeper" / "copy.sqlite3")
    assert mode(copy) == 0o600
    assert mode(tmp_path / "new") == mode(tmp_path / "new" / "deeper") == 0o700


def test_the_copy_before_a_migration_goes_through_the_routine(
    tmp_path: Path, calls: list[tuple[Path, Path]]
) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(str(path))
    migrate(engine)
    downgrade(engine, "0003")  # a file one revision behind, with work in it
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE keepsake (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO keepsake VALUES (42)")
    engine.dispose()
    db = open_database(str(path))
    db.dispose()
    assert db.backup is not None and calls == [(path, db.backup)]
    assert db.backup.name.startswith("old.sqlite3.before-head-")
    with sqlite3.connect(f"file:{db.backup}?mode=ro", uri=True) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
        assert copy.execute("SELECT x FROM keepsake").fetchall() == [(42,)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    if POSIX:
        assert mode(db.backup) == 0o600


def test_a_migration_without_a_sound_copy_does_not_happen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(str(path))
    migrate(engine)
    downgrade(engine, "0003")
    engine.dispose()

    def fails(source: Path, target: Path, **kwargs: object) -> Path:
        raise BackupError(f"{source}: cannot be read (disk I/O error)")

    monkeypatch.setattr(sqlite_backup, "copy_database", fails)
    from rmdesk.db import DatabaseError

    with pytest.raises(DatabaseError, match=r"not migrated: no sound copy of it: .*disk I/O"):
        open_database(str(path))
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)


def test_the_cli_backup_and_a_restores_kept_copy_go_through_the_routine(
    tmp_path: Path, calls: list[tuple[Path, Path]]
) -> None:
    live = _live(tmp_path / "live.sqlite3")
    copy = tmp_path / "copy.sqlite3"
    made = CliRunner().invoke(main, ["backup", "--db", str(live), "-o", str(copy)])
    assert made.exit_code == 0, made.output
    assert calls == [(live, copy)]
    kept = restore_sqlite(copy, live, replace=True)
    assert kept is not None and calls[1:] == [(live, kept)]
    assert _rows(kept) == _rows(copy)
    if POSIX:
        assert mode(copy) == mode(kept) == 0o600
