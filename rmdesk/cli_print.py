"""rmdesk-cli's printed output: client briefs as PDF (day packs and scorecard reports to follow)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from rmdesk.cli import EXIT_NOT_FOUND, EXIT_USAGE, fail, guarded, main, with_db
from rmdesk.db import Database

DATE = click.DateTime(["%Y-%m-%d"])


@main.command()
@with_db
@click.argument("client")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="PDF file to write.")
@click.option("--language", type=click.Choice(["zh_CN", "en"]), default="zh_CN", show_default=True)
@click.option("--visit-date", type=DATE, help="The visit the brief is for.")
@click.option("--purpose", help="The visit's purpose, printed in the header.")
@click.option("--user", "username", default="cli", show_default=True, help="Who prints (audit).")
@guarded
def brief(
    db: Database,
    client: str,
    output: Path | None,
    language: str,
    visit_date: dt.datetime | None,
    purpose: str | None,
    username: str,
) -> None:
    """Print one client's visit brief to PDF (CLIENT is the client's id in its source)."""
    from sqlalchemy import select

    from rmdesk.models import Client
    from rmdesk.services.brief import BriefError, write_brief

    with db.engine.connect() as conn:
        found = conn.execute(select(Client.id).where(Client.external_id == client)).scalar()
    if found is None:
        fail(f"no client {client!r}", EXIT_NOT_FOUND)
    assert found is not None
    path = output or Path(f"brief-{client}.pdf")
    if path.suffix.lower() != ".pdf":
        fail(f"{path}: the brief is a PDF; give a file name ending in .pdf", EXIT_USAGE)
    try:
        pages = write_brief(
            db.engine,
            int(found),
            path,
            actor=username,
            language=language,
            visit_on=visit_date.date() if visit_date else None,
            purpose=purpose,
        )
    except BriefError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    click.echo(f"{path}: {pages} page{'s' if pages != 1 else ''}")
