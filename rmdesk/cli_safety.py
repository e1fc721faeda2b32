"""rmdesk-cli backup, restore and audit verify: keeping a bank's records safe.

Registered on the ``rmdesk-cli`` group by rmdesk.cli; exit codes as documented there. What is
protected and how: docs/security.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from rmdesk.cli import (
    EXIT_ERROR,
    EXIT_NOT_FOUND,
    EXIT_REJECTED,
    EXIT_USAGE,
    fail,
    guarded,
    main,
    with_db,
)
from rmdesk.db import Database, is_sqlite, resolve_url
from rmdesk.settings import SettingsError, load, local_database_url

PG_HINT = (
    "a PostgreSQL database is backed up with the server's tools: "
    "pg_dump --format=custom --file=rmdesk.dump DBNAME, and restored with "
    "pg_restore --clean --if-exists --dbname=DBNAME rmdesk.dump (docs/security.md)"
)


def _sqlite_path(url: str) -> Path:
    from sqlalchemy import make_url

    database = make_url(url).database
    if not database or database == ":memory:":
        fail(f"{url}: not a database file", EXIT_USAGE)
    return Path(str(database))


@main.command()
@with_db
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The backup file to write.")
@guarded
def backup(db: Database, output: Path | None) -> None:
    """Back up the local (SQLite) database while it is in use, checked before it is kept."""
    from rmdesk.services.backup import BackupError, backup_sqlite, table_counts

    if not db.is_sqlite:
        fail(PG_HINT, EXIT_USAGE)
    source = _sqlite_path(db.url)
    stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    target = output or source.with_name(f"{source.stem}-{stamp}.backup.sqlite3")
    try:
        backup_sqlite(source, target)
    except BackupError as exc:
        fail(str(exc), EXIT_REJECTED)
    from rmdesk.db import open_database

    copy = open_database(f"sqlite:///{target}", migrate_schema=False)
    try:
        counts = table_counts(copy.engine)  # what the backup holds, read back from it
    finally:
        copy.dispose()
    click.echo(f"{target}: {counts['clients']:,} clients, {counts['audit_log']:,} audit entries")


@main.command()
@click.argument("backup_file", metavar="BACKUP", type=click.Path(path_type=Path))
@click.option("--db", "db_url", metavar="URL", help="The SQLite database file to restore to.")
@click.option("--replace", is_flag=True, help="Replace an existing database (it is kept aside).")
@guarded
def restore(backup_file: Path, db_url: str | None, replace: bool) -> None:
    """Restore a backup made by `rmdesk-cli backup` as the local (SQLite) database.

    Close the app first. The backup is checked before anything is touched; a database it
    replaces is kept beside it as NAME.before-restore-STAMP.
    """
    from rmdesk.db import open_database
    from rmdesk.services.backup import BackupError, restore_sqlite, table_counts

    try:
        settings = load()
    except SettingsError as exc:
        fail(str(exc), EXIT_ERROR)
    url = resolve_url(db_url, settings.database_url or None, local_database_url)
    if not is_sqlite(url):
        fail(PG_HINT, EXIT_USAGE)
    target = _sqlite_path(url)
    try:
        kept = restore_sqlite(backup_file, target, replace=replace)
    except BackupError as exc:
        fail(str(exc), EXIT_NOT_FOUND if "no such" in str(exc) else EXIT_REJECTED)
    restored = open_database(url)  # brings an older backup's schema up to date
    try:
        counts = table_counts(restored.engine)
    finally:
        restored.dispose()
    if kept is not None:
        click.echo(f"the database it replaced is kept as {kept}")
    click.echo(
        f"{target}: restored, {counts['clients']:,} clients, {counts['audit_log']:,} audit entries"
    )


@main.group()
def audit() -> None:
    """The audit trail: check that no entry was changed or deleted."""


@audit.command(name="verify")
@with_db
@guarded
def audit_verify(db: Database) -> None:
    """Check the audit trail's hash chain: exit 0 when whole, 3 naming the first broken entry."""
    from sqlalchemy import func, select

    from rmdesk.models import AuditEntry
    from rmdesk.services.audit import verify_chain

    with db.engine.connect() as conn:
        broken = verify_chain(conn)
        total = conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    if broken is not None:
        fail(
            f"the audit trail is broken at entry {broken}: it, or the one before it, was changed "
            f"or deleted after it was written",
            EXIT_REJECTED,
        )
    click.echo(f"the audit trail is whole: {total:,} entries, each chained to the one before")


@main.command()
@with_db
@click.argument("username")
@click.option("--user", "actor", default="cli", show_default=True, help="Who unlocks (audit).")
@guarded
def unlock(db: Database, username: str, actor: str) -> None:
    """End the lock on an account after too many wrong passwords (check who is asking first)."""
    from rmdesk.services.users import UserError
    from rmdesk.services.users import unlock as unlock_account

    try:
        unlock_account(db.engine, username, actor=actor)
    except UserError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    click.echo(f"{username}: unlocked")
