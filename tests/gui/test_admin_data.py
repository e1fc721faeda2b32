"""The admin's data page: imports checked before writing (its database half:
test_admin_connection.py)."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, text

from rmdesk.db import Database
from rmdesk.models import Base
from rmdesk.services.common.progress import Cancelled
from rmdesk.settings import Settings
from rmdesk.tasks import Work
from rmdesk.views.admin.data import AdminDataTab
from rmdesk.views.widgets.context import ViewContext
from tests.gui.conftest import context_for

PG_URL = os.environ.get("RMDESK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


class FakeStore:
    """Settings kept in memory; records every save."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.saved: list[Settings] = []

    def load(self) -> Settings:
        return dataclasses.replace(self.settings)

    def save(self, settings: Settings) -> None:
        self.settings = dataclasses.replace(settings)
        self.saved.append(self.settings)


def make_tab(qtbot: QtBot, ctx: ViewContext, store: FakeStore | None = None) -> AdminDataTab:
    tab = AdminDataTab(ctx, store or FakeStore())
    qtbot.addWidget(tab)
    tab.show()  # buttons take clicks only when shown
    return tab


def counts(db: Database, *tables: str) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t: int(
                conn.execute(select(func.count()).select_from(Base.metadata.tables[t])).scalar_one()
            )
            for t in tables
        }


def click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def write(folder: Path, name: str, lines: list[str]) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


GOOD_CLIENTS = [
    "client_id,name,birth_date,segment,district",
    "T-0001,测试甲,1980-01-31,affluent,陆家嘴",
    "T-0002,测试乙,1985-06-30,mass,徐家汇",
]
GOOD_HOLDINGS = [
    "holding_id,client_id,product_code,opened_on",
    "TH-1,T-0001,SH-CASA,2020-01-01",
]
SH_PRODUCTS = [
    "code,name_zh,name_en,family,ftp_rate,client_rate",
    "SH-CASA,活期存款,Current account,存款,1.80%,0.20%",
]


# --- imports ---------------------------------------------------------------------------------
def test_a_bad_csv_lists_its_problems_and_cannot_be_imported(
    qtbot: QtBot, scored_db: Database, tmp_path: Path
) -> None:
    bad = write(
        tmp_path / "bad",
        "clients.csv",
        [
            "client_id,name,birth_date,kind",
            "T-0001,测试甲,1980-01-31,个人",
            "T-0002,测试乙,1980-02-30,individual",
            "T-0003,测试丙,1990-05-05,robot",
        ],
    )
    before = counts(scored_db, "clients", "import_batches", "audit_log")
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.imports
    panel.set_input("generic", bad)
    assert panel.check_button.isEnabled() and not panel.import_button.isEnabled()
    click(qtbot, panel.check_button)

    model = panel.problem_table.model_
    shown = [
        (model.index(r, 0).data(), model.index(r, 1).data(), model.index(r, 2).data())
        for r in range(model.rowCount())
    ]
    assert shown == [("clients.csv", "3", "birth_date"), ("clients.csv", "4", "kind")]
    messages = [model.index(r, 3).data() for r in range(model.rowCount())]
    assert any("1980-02-30" in m for m in messages) and any("robot" in m for m in messages)
    assert "2 problems found" in panel.status.text()
    assert not panel.import_button.isEnabled()
    click(qtbot, panel.import_button)  # a disabled button does nothing
    panel.run_import()  # nor does the slot without a clean check
    assert counts(scored_db, "clients", "import_batches", "audit_log") == before


def test_a_good_file_checks_clean_imports_and_lands_in_the_database(
    qtbot: QtBot, scored_db: Database, tmp_path: Path
) -> None:
    folder = write(tmp_path / "good", "clients.csv", GOOD_CLIENTS)
    write(folder, "holdings.csv", GOOD_HOLDINGS)
    write(folder, "products.csv", SH_PRODUCTS)
    before = counts(scored_db, "clients", "holdings")
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.imports
    panel.set_input("generic", folder, source="branch-extract")
    click(qtbot, panel.check_button)

    assert panel.problem_table.model_.rowCount() == 0
    assert panel.summary() == {
        "clients": 2,
        "holdings": 1,
        "products": 1,
        "pricing_versions": 1,
    }
    assert panel.summary_title.text() == "Would be imported"
    assert counts(scored_db, "clients", "holdings") == before  # a check writes nothing
    assert panel.import_button.isEnabled()

    with qtbot.waitSignal(tab.changed, timeout=1000):
        click(qtbot, panel.import_button)
    assert "Imported as batch" in panel.status.text()
    assert panel.summary_title.text() == "Written"
    assert panel.summary()["clients"] == 2
    after = counts(scored_db, "clients", "holdings")
    assert after == {"clients": before["clients"] + 2, "holdings": before["holdings"] + 1}
    with scored_db.engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT external_id, name, segment, source FROM clients"
                " WHERE external_id LIKE 'T-%' ORDER BY external_id"
            )
        ).all()
        batch = conn.execute(
            text("SELECT source FROM import_batches ORDER BY id DESC LIMIT 1")
        ).scalar()
        actor = conn.execute(
            text("SELECT actor FROM audit_log WHERE action = 'import' ORDER BY id DESC LIMIT 1")
        ).scalar()
    assert [tuple(r) for r in stored] == [
        ("T-0001", "测试甲", "affluent", "branch-extract"),
        ("T-0002", "测试乙", "mass", "branch-extract"),
    ]
    assert batch == "branch-extract" and actor == "admin"
    # one import per check: the button waits for the next check
    assert not panel.import_button.isEnabled()


def test_a_column_no_format_knows_is_listed_as_not_imported(
    qtbot: QtBot, scored_db: Database, tmp_path: Path
) -> None:
    folder = write(
        tmp_path / "extra",
        "clients.csv",
        ["client_id,name,occupation,shoe_size", "T-0009,测试丁,退休,42"],
    )
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.imports
    panel.set_input("generic", folder, source="extra")
    click(qtbot, panel.check_button)

    said = "column 'shoe_size' is not part of the format and was not imported"
    assert list(panel.problems["message"]) == [said]
    assert panel.problems_title.text() == "Not imported (warnings)"
    assert "1 warning(s)" in panel.status.text()
    assert panel.import_button.isEnabled()  # a warning does not stop the import
    with qtbot.waitSignal(tab.changed, timeout=1000):
        click(qtbot, panel.import_button)
    assert "Imported as batch" in panel.status.text() and "1 warning(s)" in panel.status.text()
    assert list(panel.problems["message"]) == [said]
    with scored_db.engine.connect() as conn:
        attributes = conn.execute(
            text("SELECT attributes FROM clients WHERE external_id = 'T-0009'")
        ).scalar()
    assert (json.loads(attributes) if isinstance(attributes, str) else attributes) == {
        "occupation": "retired"
    }


def test_the_same_files_again_are_skipped_unless_forced(
    qtbot: QtBot, scored_db: Database, tmp_path: Path
) -> None:
    folder = write(tmp_path / "good", "clients.csv", GOOD_CLIENTS)
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.imports
    panel.set_input("generic", folder)
    click(qtbot, panel.check_button)
    click(qtbot, panel.import_button)
    batches = counts(scored_db, "import_batches")["import_batches"]

    click(qtbot, panel.check_button)
    with qtbot.assertNotEmitted(tab.changed):
        click(qtbot, panel.import_button)
    assert "imported before" in panel.status.text()
    assert counts(scored_db, "import_batches")["import_batches"] == batches

    panel.force.setChecked(True)
    click(qtbot, panel.check_button)
    with qtbot.waitSignal(tab.changed, timeout=1000):
        click(qtbot, panel.import_button)
    assert counts(scored_db, "import_batches")["import_batches"] == batches + 1


def test_changing_the_input_after_a_check_needs_a_new_check(
    qtbot: QtBot, scored_db: Database, tmp_path: Path
) -> None:
    folder = write(tmp_path / "good", "clients.csv", GOOD_CLIENTS)
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.imports
    panel.set_input("generic", folder)
    click(qtbot, panel.check_button)
    assert panel.import_button.isEnabled()
    qtbot.keyClicks(panel.path, "x")
    assert not panel.import_button.isEnabled()
    assert panel.summary() == {}
    panel.path.clear()
    assert not panel.check_button.isEnabled()


def test_a_slice_of_the_real_bank_marketing_file(
    qtbot: QtBot, scored_db: Database, tmp_path: Path, bank_marketing_csv: Path
) -> None:
    lines = bank_marketing_csv.read_text(encoding="latin-1").splitlines()[:41]
    part = tmp_path / "bank-full.csv"
    part.write_text("\n".join(lines) + "\n", encoding="latin-1")
    before = counts(scored_db, "clients")["clients"]
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.imports
    panel.set_input("bank-marketing", part)
    assert panel.source.isHidden()  # the source name is for bank extracts only
    click(qtbot, panel.check_button)
    assert panel.summary()["clients"] == 40
    assert panel.summary()["monthly_facts"] == 41
    click(qtbot, panel.import_button)
    assert counts(scored_db, "clients")["clients"] == before + 40
    with scored_db.engine.connect() as conn:
        n = conn.execute(
            text("SELECT count(*) FROM clients WHERE source = 'bank_marketing'")
        ).scalar()
    assert n == 40


def test_the_real_berka_folder_checks_clean(
    qtbot: QtBot, scored_db: Database, berka_dir: Path
) -> None:
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.imports
    panel.set_input("berka", berka_dir)
    assert not panel.file_button.isEnabled()  # Berka is a folder
    click(qtbot, panel.check_button)
    summary = panel.summary()
    assert summary["clients"] == 5_369 and summary["branches"] == 77
    assert summary["transactions"] == 49_102
    assert panel.import_button.isEnabled()


def test_a_missing_folder_is_a_problem_not_a_crash(
    qtbot: QtBot, scored_db: Database, tmp_path: Path
) -> None:
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.imports
    panel.set_input("berka", tmp_path / "nowhere")
    click(qtbot, panel.check_button)
    assert panel.problem_table.model_.rowCount() == 1
    assert "not a folder" in panel.problem_table.model_.index(0, 3).data()
    assert not panel.import_button.isEnabled()


class _ScriptedProgress:
    """A progress that asks to stop, or fails, when the import reaches a given step."""

    def __init__(self, at: str, action: str) -> None:
        self.at, self.action = at, action
        self.seen: list[str] = []
        self.stop = False

    def report(self, done: int, total: int, text: str = "") -> None:
        self.seen.append(text)
        if text == self.at:
            if self.action == "fail":
                raise RuntimeError("the disk is full")
            self.stop = True

    def cancelled(self) -> bool:
        return self.stop


class ScriptedRunner:
    """Runs work at once like ImmediateRunner, but write work gets a scripted progress."""

    def __init__(self, at: str, action: str) -> None:
        self.progress = _ScriptedProgress(at, action)

    def run(
        self,
        title: str,
        work: Work,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException, str], None],
        *,
        write: bool = False,
        window: object = None,
        cancellable: bool = True,
    ) -> None:
        from rmdesk.services.common.progress import NullProgress

        try:
            result = work(self.progress if write else NullProgress())
        except Exception as exc:
            on_error(exc, "Traceback (most recent call last): ...")
            return
        on_done(result)

    def wait(self, msecs: int = 0) -> bool:
        return True


@pytest.mark.parametrize(
    ("action", "said"),
    [
        ("cancel", "The import was cancelled; nothing was written."),
        ("fail", "The import failed and nothing was written: the disk is full"),
    ],
)
def test_a_cancelled_or_failed_import_writes_nothing(
    qtbot: QtBot, scored_db: Database, tmp_path: Path, action: str, said: str
) -> None:
    folder = write(tmp_path / "good", "clients.csv", GOOD_CLIENTS)
    write(folder, "holdings.csv", GOOD_HOLDINGS)
    write(folder, "products.csv", SH_PRODUCTS)
    runner = ScriptedRunner("holdings", action)  # clients are written by then, in the transaction
    ctx = dataclasses.replace(context_for(scored_db, "admin"), runner=runner)
    tables = ("clients", "holdings", "products", "import_batches", "audit_log")
    before = counts(scored_db, *tables)
    tab = make_tab(qtbot, ctx)
    panel = tab.imports
    panel.set_input("generic", folder)
    click(qtbot, panel.check_button)
    with qtbot.assertNotEmitted(tab.changed):
        click(qtbot, panel.import_button)
    assert "clients" in runner.progress.seen  # it got past the clients before stopping
    assert panel.status.text() == said
    assert "Traceback" not in panel.status.text()
    assert counts(scored_db, *tables) == before
    assert panel.check_button.isEnabled() and not panel.import_button.isEnabled()
    assert panel.path.text() == str(folder)  # the input is kept for another try


def test_cancelling_the_check_says_so(qtbot: QtBot, scored_db: Database, tmp_path: Path) -> None:
    folder = write(tmp_path / "good", "clients.csv", GOOD_CLIENTS)

    class CancelledRunner(ScriptedRunner):
        def run(self, title: str, work: Work, on_done: Any, on_error: Any, **kw: Any) -> None:
            progress = _ScriptedProgress("", "cancel")
            progress.stop = True
            try:
                on_done(work(progress))
            except Cancelled as exc:
                on_error(exc, "")

    ctx = dataclasses.replace(context_for(scored_db, "admin"), runner=CancelledRunner("", ""))
    tab = make_tab(qtbot, ctx)
    panel = tab.imports
    panel.set_input("generic", folder)
    click(qtbot, panel.check_button)
    assert panel.status.text() == "The check was cancelled."
    assert not panel.import_button.isEnabled()


def test_the_tables_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: Any, scored_db: Database, tmp_path: Path
) -> None:
    bad = write(
        tmp_path / "bad",
        "clients.csv",
        ["client_id,name,birth_date", "T-1,a,1980-13-01", "T-2,b,x", "T-3,,1990-01-01"],
    )
    tab = make_tab(qtbot, context_for(scored_db, "admin"))
    panel = tab.imports
    panel.set_input("generic", bad)
    click(qtbot, panel.check_button)
    assert panel.problem_table.model_.rowCount() >= 3
    qtmodeltester.check(panel.problem_table.model_)
    good = write(tmp_path / "good", "clients.csv", GOOD_CLIENTS)
    panel.set_input("generic", good)
    click(qtbot, panel.check_button)
    qtmodeltester.check(panel.summary_table.model_)


def test_check_and_import_on_the_real_task_runner(
    qtbot: QtBot, scored_db: Database, tmp_path: Path
) -> None:
    from rmdesk.tasks import TaskRunner

    bad = write(tmp_path / "bad", "clients.csv", ["client_id,name,birth_date", "T-1,a,1980-13-01"])
    good = write(tmp_path / "good", "clients.csv", GOOD_CLIENTS)
    runner = TaskRunner()
    ctx = dataclasses.replace(context_for(scored_db, "admin"), runner=runner)
    tab = make_tab(qtbot, ctx)
    panel = tab.imports
    before = counts(scored_db, "clients")["clients"]
    try:
        panel.set_input("generic", bad)
        click(qtbot, panel.check_button)
        assert not panel.check_button.isEnabled()  # busy while the check runs
        qtbot.waitUntil(lambda: panel.problem_table.model_.rowCount() == 1, timeout=10_000)
        assert panel.problem_table.model_.index(0, 2).data() == "birth_date"
        panel.set_input("generic", good)
        click(qtbot, panel.check_button)
        qtbot.waitUntil(panel.import_button.isEnabled, timeout=10_000)
        with qtbot.waitSignal(tab.changed, timeout=10_000):
            click(qtbot, panel.import_button)
    finally:
        assert runner.wait(10_000)
    assert counts(scored_db, "clients")["clients"] == before + 2
