"""The app's main flows on a shared PostgreSQL database, as on the local SQLite file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from rmdesk.app import Shell
from rmdesk.db import Database, open_database
from rmdesk.models import AuditEntry, ScoringRun
from rmdesk.services.common.access import OPERATOR
from rmdesk.settings import Settings
from rmdesk.tasks import ImmediateRunner
from tests.conftest import Databases
from tests.demo_banks import DemoBanks, Recipe
from tests.gui.conftest import AS_OF, TODAY
from tests.secured_bank import Bank


@pytest.fixture(scope="module")
def pg_db(module_databases: Databases, demo_banks: DemoBanks) -> Iterator[Database]:
    db = open_database(
        demo_banks.copy(Recipe(400, as_of=AS_OF, scored_on=TODAY), "postgresql", module_databases)
    )
    yield db
    db.dispose()


def _log_in(qtbot: QtBot, qapp: QApplication, db: Database, user: str) -> Shell:
    shell = Shell(qapp, ImmediateRunner(), Settings(), "en", store_settings=lambda _s: None)
    shell.database_ready(db)
    dialog = shell.show_login()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, user)
    qtbot.keyClicks(dialog.password, "rmdesk")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert shell.window is not None
    qtbot.addWidget(shell.window)
    shell.window.ctx.today = TODAY
    return shell


def test_an_rm_works_on_postgresql(qtbot: QtBot, qapp: QApplication, pg_db: Database) -> None:
    window = _log_in(qtbot, qapp, pg_db, "rm01").window
    assert window is not None and pg_db.display_url.startswith("postgresql")
    assert window.tabs.currentWidget() is window.views["today"]
    window.tabs.setCurrentWidget(window.book)
    model = window.book.model
    contribution = [model.row_at(r)["contribution_minor"] for r in range(model.rowCount())]
    assert contribution and contribution == sorted(contribution, reverse=True)
    window.book.table.doubleClicked.emit(model.index(0, 1))
    assert window.client_view is not None
    assert window.client_view.client_id == int(model.row_at(0)["client_id"])
    with pg_db.engine.connect() as conn:
        actions = set(conn.execute(select(AuditEntry.action)).scalars())
    assert "login" in actions


def test_score_now_on_postgresql(qtbot: QtBot, qapp: QApplication, pg_db: Database) -> None:
    window = _log_in(qtbot, qapp, pg_db, "head1").window
    assert window is not None
    with pg_db.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(ScoringRun)).scalar_one()
    window.score_action.trigger()
    with pg_db.engine.connect() as conn:
        runs = conn.execute(select(ScoringRun.actor).order_by(ScoringRun.id)).scalars().all()
    assert len(runs) == before + 1 and runs[-1] == "head1"
    assert [window.tabs.tabText(i) for i in range(2)] == ["Today", "Branch"]


def test_printing_on_postgresql(
    qtbot: QtBot, qapp: QApplication, pg_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The RM's one-action day pack and the head's branch report, from a PostgreSQL bank."""
    import datetime as dt

    from PySide6.QtWidgets import QMessageBox

    from rmdesk.services.accounts.users import user_id
    from rmdesk.services.visits.planner import propose_plan
    from rmdesk.views.widgets.pdf_preview import PdfPreview

    notes: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: notes.append(a[2]))
    # the plan starts on the next working day, the day the one-action pack is for
    propose_plan(
        pg_db.engine,
        user_id(pg_db.engine, "rm01", who=OPERATOR),
        start=TODAY + dt.timedelta(days=1),
        who=OPERATOR,
    )
    window = _log_in(qtbot, qapp, pg_db, "rm01").window
    assert window is not None
    window.day_pack_action.trigger()
    assert notes == []
    (pack,) = [d for d in window.findChildren(PdfPreview) if d.isVisible()]
    assert pack.printout.what == "day_pack" and pack.printout.pages >= 3
    pack.reject()
    head = _log_in(qtbot, qapp, pg_db, "head1").window
    assert head is not None
    head.tabs.setCurrentWidget(head.views["branch"])
    panel = head.views["branch"].ensure().scorecards  # type: ignore[attr-defined]
    panel.print_branch_button.click()
    (report,) = [d for d in head.findChildren(PdfPreview) if d.isVisible()]
    assert report.printout.what == "scorecard_report" and report.printout.pages == 1 + len(
        panel.card
    )
    report.reject()
    with pg_db.engine.connect() as conn:
        printed = conn.execute(
            select(func.count()).where(AuditEntry.action == "print")
        ).scalar_one()
    assert printed >= 2


def test_an_rms_own_login_opens_on_the_book_with_no_second_password(
    qtbot: QtBot, qapp: QApplication, secured: Bank
) -> None:
    """On a person's own database login the server has said who this is: the app opens on the
    RM's day at once (Today, then the book), with nothing offered that the database would
    refuse."""
    db = open_database(secured.login_url(secured.rm))
    try:
        shell = Shell(qapp, ImmediateRunner(), Settings(), "en", store_settings=lambda _s: None)
        dialog = shell.show_login()
        qtbot.addWidget(dialog)
        shell.database_ready(db)
        window = shell.window
        assert window is not None and shell.own_login and window.ctx.own_login
        qtbot.addWidget(window)
        assert not dialog.isVisible() and window.ctx.user.username == secured.rm
        # the day opens on Today, read through the row policies like everything else
        today = window.views["today"].ensure()  # type: ignore[attr-defined]
        assert today.data is not None and today.data.person
        window.tabs.setCurrentWidget(window.book)
        mine = secured.owner(
            f"SELECT count(*) FROM clients WHERE rm_id = {secured.ids[secured.rm]}"
        )
        assert window.book.model.rowCount() == mine > 0
        assert not window.password_action.isVisible() and not window.score_action.isVisible()
        window.close()
    finally:
        db.dispose()
    with secured.engine.connect() as conn:
        last = conn.execute(
            select(AuditEntry.actor, AuditEntry.login)
            .where(AuditEntry.action == "login")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert last is not None and tuple(last) == (secured.rm, secured.logins[secured.rm])
