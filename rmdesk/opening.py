"""Opening the database behind the log-in dialog: the demo bank on a first start, and what the
log-in needs loaded while the password is typed (app.py, "Start-up phases" 4)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from rmdesk import support
from rmdesk.settings import Settings, local_database_path, local_database_url

if TYPE_CHECKING:
    from rmdesk.db import Database
    from rmdesk.services.common.progress import Progress

log = logging.getLogger("rmdesk")


def prepare_database(url: str, settings: Settings, progress: Progress) -> Database:
    """Open (and migrate) the database; a new local file gets the demo bank, scored and planned."""
    from rmdesk.db import is_sqlite, open_database
    from rmdesk.services.common.access import system
    from rmdesk.services.data import demo_history
    from rmdesk.services.data.demo_bank import DemoSpec, build
    from rmdesk.services.engine.scoring import score
    from rmdesk.services.visits.planner import plan_everyone

    first_start = (
        not settings.bank_database  # where IT names the bank's database, never a demo bank
        and is_sqlite(url)
        and url == local_database_url()
        and not local_database_path().exists()
    )
    progress.report(0, 1, "opening the database")
    db = open_database(url)
    program = system("app")  # the program builds the demo bank, before anyone logs in
    if first_start:
        try:
            build(
                db.engine,
                DemoSpec(clients=settings.demo_clients),
                progress=progress,
                who=program,
            )
            score(db.engine, progress=progress, who=program)
            demo_history.fill(db.engine, who=program)  # the RMs' last month: every KPI counts
            plan_everyone(db.engine, start=dt.date.today(), progress=progress, who=program)
        except BaseException:
            db.dispose()
            local_database_path().unlink(missing_ok=True)  # a half-made demo is not kept
            raise
    return db


def warm_up(db: Database) -> None:
    """What logging in and the first screens need, loaded while the password is typed: the
    password check (Argon2), the main window with the book and Today (pandas and their
    services), and a first connection from the pool."""
    import rmdesk.views.shell.main_window
    import rmdesk.views.today.view  # noqa: F401 - an RM's and a head's first tab
    from rmdesk.services.accounts.passwords import dummy_hash

    dummy_hash()  # made once, for every name alike: not at the first press of Log in

    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")


def warm_up_failed(exc: BaseException, _trace: str) -> None:
    # nothing is lost: what was not loaded loads at log-in
    log.warning("warming up failed: %s", support.where(exc))
