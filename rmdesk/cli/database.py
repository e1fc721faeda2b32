"""rmdesk-cli commands for the database itself: create it, fill a demo bank, show what it holds,
set a password."""

from __future__ import annotations

import datetime as dt
import json
import time

import click

from rmdesk.cli.common import (
    EXIT_NOT_FOUND,
    EXIT_REJECTED,
    EXIT_USAGE,
    Bar,
    ask_password,
    fail,
    guarded,
    operator,
    print_counts,
    with_db,
)
from rmdesk.db import Database


@click.command()
@with_db
@click.option(
    "--admin",
    "admin_name",
    default="admin",
    show_default=True,
    help="User name of the first administrator.",
)
@click.option(
    "--admin-password",
    envvar="RMDESK_ADMIN_PASSWORD",
    help="Password for the first administrator (asked for if not given).",
)
@guarded
def init(db: Database, admin_name: str, admin_password: str | None) -> None:
    """Create or upgrade the database schema and make sure an administrator exists."""
    from rmdesk.services.accounts import users

    click.echo(f"database {db.display_url}: schema up to date")
    if db.backup:
        click.echo(f"backup of the previous file: {db.backup}")
    if users.has_admin(db.engine):
        click.echo("an administrator exists")
        return
    password = ask_password(
        admin_password,
        f"password for {admin_name}",
        "no administrator yet: give --admin-password or RMDESK_ADMIN_PASSWORD",
    )
    try:
        users.create_admin(db.engine, admin_name, password, who=operator(db))
    except users.UserError as exc:
        fail(str(exc), EXIT_USAGE)
    click.echo(f"administrator {admin_name!r} created")


@click.command()
@with_db
@click.option("--clients", default=10_000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option(
    "--language",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Names and places in Chinese or English.",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Business date (default: the end of last month).",
)
@click.option("--quiet", is_flag=True)
@guarded
def demo(
    db: Database, clients: int, seed: int, language: str, as_of: dt.datetime | None, quiet: bool
) -> None:
    """Fill an empty database with the demo bank (deterministic for a seed and date).

    A database that holds any user or client is refused (exit 3): the demo users' password
    is published.
    """
    from rmdesk.services.data.demo_bank import DemoSpec, NotEmpty, build

    spec = DemoSpec(
        clients=clients, seed=seed, language=language, as_of=as_of.date() if as_of else None
    )
    bar = Bar(quiet)
    started = time.perf_counter()
    try:
        result = build(db.engine, spec, empty_only=True, progress=bar, who=operator(db))
    except NotEmpty as exc:
        fail(
            f"{exc}; give --db a new file or an empty database. Nothing was written", EXIT_REJECTED
        )
    bar.close()
    print_counts(result.counts, time.perf_counter() - started)


@click.command()
@with_db
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@guarded
def info(db: Database, as_json: bool) -> None:
    """Show the database, its schema version and what it holds."""
    from rmdesk.services.admin.database_info import describe

    d = describe(db)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "url": d.url,
                    "dialect": d.dialect,
                    "schema_version": d.schema_version,
                    "schema_head": d.schema_head,
                    "counts": d.counts,
                    "meta": d.meta,
                    "imports": d.imports,
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
        return
    click.echo(f"database:       {d.url} ({d.dialect})")
    state = "up to date" if d.up_to_date else f"behind (head {d.schema_head})"
    click.echo(f"schema version: {d.schema_version} ({state})")
    if "as_of" in d.meta:
        click.echo(f"as of:          {d.meta['as_of']} (from {d.meta.get('as_of_source', '?')})")
    click.echo("rows:")
    for name, count in d.counts.items():
        click.echo(f"  {name:<22}{count:>12,}")
    if d.imports:
        click.echo("last imports:")
        for b in d.imports:
            click.echo(f"  #{b['id']} {b['source']:<16} {b['finished_at'][:19]}  {b['path']}")


@click.command()
@with_db
@click.argument("username")
@click.option("--password", envvar="RMDESK_NEW_PASSWORD", help="The new password.")
@guarded
def passwd(db: Database, username: str, password: str | None) -> None:
    """Set a user's password (imported RMs have none until one is set)."""
    from rmdesk.services.accounts import users

    new = ask_password(
        password, f"new password for {username}", "give --password or RMDESK_NEW_PASSWORD"
    )
    try:
        users.set_password(db.engine, username, new, who=operator(db))
    except users.UserError as exc:
        fail(str(exc), EXIT_NOT_FOUND if "no user" in str(exc) else EXIT_USAGE)
    click.echo(f"password of {username} set")
