"""rmdesk-cli backup, restore and audit verify: keeping a bank's records safe.

Added to the ``rmdesk-cli`` group in rmdesk.cli.main; exit codes as in rmdesk.cli. What is
protected and how: docs/security.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from rmdesk.cli.common import (
    EXIT_DATABASE,
    EXIT_ERROR,
    EXIT_NOT_FOUND,
    EXIT_REJECTED,
    EXIT_USAGE,
    acting,
    fail,
    guarded,
    operator,
    person,
    with_db,
)
from rmdesk.db import Database, DatabaseError, database_name, is_sqlite, resolve_url, sqlite_file
from rmdesk.services.common.access import OPERATOR
from rmdesk.settings import SettingsError, config_path, load, local_database_url

PG_HINT = (
    "a PostgreSQL database is backed up with the server's tools: "
    "pg_dump --format=custom --file=rmdesk.dump DBNAME, and restored with "
    "pg_restore --clean --if-exists --dbname=DBNAME rmdesk.dump (docs/security.md)"
)


def _sqlite_path(url: str) -> Path:
    found = sqlite_file(url)
    if found is None:
        fail(f"{url}: not a database file", EXIT_USAGE)
    assert found is not None
    return found


@click.command()
@with_db
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The backup file to write.")
@guarded
def backup(db: Database, output: Path | None) -> None:
    """Back up the local (SQLite) database while it is in use, checked before it is kept."""
    from rmdesk.services.admin.backup import BackupError, backup_sqlite
    from rmdesk.services.admin.database_info import file_counts

    if not db.is_sqlite:
        fail(PG_HINT, EXIT_USAGE)
    source = _sqlite_path(db.url)
    stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    target = output or source.with_name(f"{source.stem}-{stamp}.backup.sqlite3")
    try:
        backup_sqlite(source, target)
    except BackupError as exc:
        fail(str(exc), EXIT_REJECTED)
    counts = file_counts(target)  # what the backup holds, read back from it
    click.echo(f"{target}: {counts['clients']:,} clients, {counts['audit_log']:,} audit entries")


@click.command()
@click.argument("backup_file", metavar="BACKUP", type=click.Path(path_type=Path))
@click.option("--db", "db_url", metavar="URL", help="The SQLite database file to restore to.")
@click.option("--replace", is_flag=True, help="Replace an existing database (it is kept aside).")
@guarded
def restore(backup_file: Path, db_url: str | None, replace: bool) -> None:
    """Restore a backup made by `rmdesk-cli backup` as the local (SQLite) database.

    Close the app first: a restore is refused while any other program has the database open,
    naming them (pid, program, user) where the system tells. The backup is checked before
    anything is touched; a database it replaces is kept beside it as NAME.before-restore-STAMP,
    and nobody can commit into it from then until the backup is in place.
    """
    from rmdesk.db import open_database
    from rmdesk.services.admin.backup import BackupError, restore_sqlite, table_counts

    try:
        settings = load()
    except SettingsError as exc:
        fail(str(exc), EXIT_ERROR)
    try:
        url = resolve_url(
            db_url, settings.database_url, local_database_url, settings_file=config_path()
        )
    except DatabaseError as exc:
        fail(str(exc), EXIT_DATABASE)
    if not is_sqlite(url):
        fail(PG_HINT, EXIT_USAGE)
    target = _sqlite_path(url)
    try:
        kept = restore_sqlite(backup_file, target, replace=replace)
    except BackupError as exc:
        fail(str(exc), EXIT_NOT_FOUND if "no such" in str(exc) else EXIT_REJECTED)
    restored = open_database(url)  # brings an older backup's schema up to date
    try:
        counts = table_counts(restored.engine, who=OPERATOR)
    finally:
        restored.dispose()
    if kept is not None:
        click.echo(f"the database it replaced is kept as {kept}")
    click.echo(
        f"{target}: restored, {counts['clients']:,} clients, {counts['audit_log']:,} audit entries"
    )


@click.group()
def audit() -> None:
    """The audit trail: check that no entry was changed or deleted."""


@audit.command(name="verify")
@with_db
@click.option(
    "--anchor", "kept", metavar="ID:HASH", help="An anchor kept earlier: the trail must hold it."
)
@guarded
def audit_verify(db: Database, kept: str | None) -> None:
    """Check the audit trail's hash chain: exit 0 when whole, 3 naming the first broken entry.

    With --anchor (from `audit anchor`, kept outside the database), entries cut from the end of
    the trail since the anchor was taken are found too.
    """
    from rmdesk.services.common.audit import check_trail

    try:
        found = check_trail(db.engine, kept, who=operator(db))
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    broken, total, waiting, held = found.broken, found.entries, found.waiting, found.holds_anchor
    if broken is not None:
        fail(
            f"the audit trail is broken at entry {broken}: it, or the one before it, was changed "
            f"or deleted after it was written",
            EXIT_REJECTED,
        )
    if not held:
        fail(
            f"the audit trail no longer holds the anchored entry {kept}: entries were cut from "
            "its end, or the trail was rewritten, after the anchor was taken",
            EXIT_REJECTED,
        )
    click.echo(
        f"the audit trail is whole: {total - waiting:,} entries, each chained to the one before"
        + (f"; {waiting:,} not yet chained (this login may not chain them)" if waiting else "")
    )


@audit.command(name="anchor")
@with_db
@guarded
def audit_anchor(db: Database) -> None:
    """Print the newest entry as ID:HASH, to keep outside the database for `verify --anchor`."""
    from rmdesk.services.common.audit import newest_anchor

    found = newest_anchor(db.engine, who=operator(db))
    if found is None:
        fail("the audit trail is empty", EXIT_NOT_FOUND)
    click.echo(found)


@click.command()
@with_db
@click.argument("username")
@click.option("--user", "actor", default="cli", show_default=True, help="Who unlocks (audit).")
@guarded
def unlock(db: Database, username: str, actor: str) -> None:
    """End the lock on an account after too many wrong passwords (check who is asking first)."""
    from rmdesk.services.accounts.users import UserError
    from rmdesk.services.accounts.users import unlock as unlock_account

    who = acting(db, actor)
    person(db, username, "unlock")  # an existing, active account, or exit 5 naming it
    try:
        unlock_account(db.engine, username, who=who)
    except UserError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    click.echo(f"{username}: unlocked")


@click.group(name="pg-security")
def pg_security() -> None:
    """Row-level security on a shared PostgreSQL database (run as the schema's owner)."""


@pg_security.command(name="sql")
@click.option("--database", "database", help="The database's name (default: that of --db).")
@click.option("--schema", default="public", show_default=True, help="rmdesk's schema.")
@click.option("--db", "db_url", metavar="URL", help="Database URL (for its name).")
def pg_security_sql(database: str | None, schema: str, db_url: str | None) -> None:
    """Print the set-up for one database, for a DBA to read and run with psql."""
    from rmdesk.services.security.row_security import Target, statements

    if database is None:
        if not db_url:
            fail("say which database: --database NAME or --db URL", EXIT_USAGE)
        database = database_name(str(db_url))
        if not database:
            fail(f"{db_url!r} names no database", EXIT_USAGE)
    for sql in statements(Target(str(database), schema)):
        click.echo(sql + ";")


def _postgresql(db: Database) -> None:
    if db.is_sqlite:
        fail("row-level security and logins are for a shared PostgreSQL database", EXIT_USAGE)


@pg_security.command(name="apply")
@with_db
@guarded
def pg_security_apply(db: Database) -> None:
    """Apply (or bring up to date) the groups, functions, rules, policies and grants."""
    from rmdesk.services.security.setup import install

    _postgresql(db)
    done, target, left = install(db.engine, who=OPERATOR)
    for what in left:
        click.echo(f"left for a superuser: {what}", err=True)
    click.echo(
        f"row-level security applied: {done} statements; "
        f"groups {target.app_group} and {target.admin_group}"
    )


@pg_security.command(name="login")
@with_db
@click.argument("username")
@click.option("--login", "login", help="The database login's name (default: USERNAME).")
@click.option("--password", "ask", is_flag=True, help="Set the login's password (asked for).")
@click.option("--force", is_flag=True, help="Take over an existing role, stripping its powers.")
@guarded
def pg_security_login(
    db: Database, username: str, login: str | None, ask: bool, force: bool
) -> None:
    """Give the rmdesk user USERNAME a database login of their own, kept to their reach."""
    from rmdesk.services.security.db_logins import DbLoginError
    from rmdesk.services.security.setup import give_login

    _postgresql(db)
    password = click.prompt("password", hide_input=True, confirmation_prompt=True) if ask else None
    try:
        done = give_login(
            db.engine, username, login=login, password=password, force=force, who=OPERATOR
        )
    except DbLoginError as exc:
        fail(str(exc), EXIT_NOT_FOUND if "no rmdesk user" in str(exc) else EXIT_USAGE)
    for what in done.taken_away:
        click.echo(f"taken away: {what}")
    for what in done.left:
        click.echo(f"could not take away (do it as a superuser): {what}", err=True)
    state = "made" if done.created else "mapped"
    click.echo(f"{username}: database login {done.login} {state} ({done.role})")


@pg_security.command(name="remove")
@with_db
@click.argument("username")
@guarded
def pg_security_remove(db: Database, username: str) -> None:
    """Unmap USERNAME's database login: it loses this database (the login stays, to drop)."""
    from rmdesk.services.security.setup import take_login

    _postgresql(db)
    login = take_login(db.engine, username, who=OPERATOR)
    if login is None:
        fail(f"{username} has no database login here", EXIT_NOT_FOUND)
    click.echo(f"{username}: login {login} no longer reaches this database")


@pg_security.command(name="list")
@with_db
@guarded
def pg_security_list(db: Database) -> None:
    """The database logins and the rmdesk users they are."""
    from rmdesk.services.security.setup import logins

    _postgresql(db)
    rows = logins(db.engine, who=OPERATOR)
    for login, username, role, active in rows:
        click.echo(f"{login}\t{username}\t{role}\t{'active' if active else 'closed'}")


@pg_security.command(name="watchdog")
@with_db
@click.option(
    "--idle", default=60, show_default=True, help="End a person's session idle this many "
    "seconds inside a transaction."
)  # fmt: skip
@click.option(
    "--waited", default=20, show_default=True, help="End a person's session that another "
    "session has waited on this many seconds."
)  # fmt: skip
@guarded
def pg_security_watchdog(db: Database, idle: int, waited: int) -> None:
    """End people's sessions that hold others up, and chain the audit entries people added
    (run it every minute from the database server's scheduler)."""
    from rmdesk.services.security.setup import run_watchdog

    _postgresql(db)
    ended = run_watchdog(db.engine, idle, waited, who=OPERATOR)
    for pid, login, reason in ended:
        click.echo(f"ended {login} (pid {pid}): {reason}")
