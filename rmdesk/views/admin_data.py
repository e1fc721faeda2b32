"""The administrator's data screens: imports checked before anything is written, and the database.

``AdminDataTab`` holds two pages. *Imports*: pick the kind and the file or folder, "Check" reads
every file off the GUI thread and lists each problem (file, row, column, message) with what the
set would import; "Import" is enabled only after a clean check and writes in one transaction
(cancel or failure keeps nothing). *Database*: the current database, a URL to try with "Test
connection" (nothing is migrated or created) and "Save" for the next start, through an injected
``SettingsStore``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services import connection
from rmdesk.services.connection import ConnectionReport, UrlError, check_connection, parse_url
from rmdesk.services.importing import ImportRejected, ImportResult, check_input, run_import
from rmdesk.services.importing.dataset import DataSet
from rmdesk.services.progress import Cancelled, Progress, check
from rmdesk.settings import Settings
from rmdesk.views.context import ViewContext
from rmdesk.views.data_table import DataTable
from rmdesk.views.frame_model import Column

log = logging.getLogger(__name__)


class SettingsStore(Protocol):
    """Where the database setting is kept: the composition root passes rmdesk.settings' file."""

    def load(self) -> Settings: ...

    def save(self, settings: Settings) -> None: ...


# The importers, in the order offered (the service's KINDS), with their names for people.
KIND_TITLES = {
    "generic": QT_TRANSLATE_NOOP(
        "AdminImportPanel", "Bank extracts (a folder of CSV files or an Excel workbook)"
    ),
    "berka": QT_TRANSLATE_NOOP("AdminImportPanel", "PKDD'99 Czech bank data (the Berka folder)"),
    "bank-marketing": QT_TRANSLATE_NOOP(
        "AdminImportPanel", "UCI bank marketing (bank-full.csv or its folder)"
    ),
}

# Tables as the importers count them, in the order they are written.
TABLE_TITLES = {
    "branches": QT_TRANSLATE_NOOP("AdminImportPanel", "Branches"),
    "users": QT_TRANSLATE_NOOP("AdminImportPanel", "Users"),
    "products": QT_TRANSLATE_NOOP("AdminImportPanel", "Products"),
    "pricing_versions": QT_TRANSLATE_NOOP("AdminImportPanel", "Product pricing"),
    "clients": QT_TRANSLATE_NOOP("AdminImportPanel", "Clients"),
    "holdings": QT_TRANSLATE_NOOP("AdminImportPanel", "Holdings"),
    "monthly_facts": QT_TRANSLATE_NOOP("AdminImportPanel", "Monthly facts"),
    "transactions": QT_TRANSLATE_NOOP("AdminImportPanel", "Transactions"),
    "interactions": QT_TRANSLATE_NOOP("AdminImportPanel", "Contacts"),
    "training_points": QT_TRANSLATE_NOOP("AdminImportPanel", "Training points"),
}

# The step names run_import reports, for the progress dialog.
STEP_TITLES = {
    "checking": QT_TRANSLATE_NOOP("AdminImportPanel", "checking the files"),
    "branches": QT_TRANSLATE_NOOP("AdminImportPanel", "branches"),
    "users": QT_TRANSLATE_NOOP("AdminImportPanel", "users"),
    "products": QT_TRANSLATE_NOOP("AdminImportPanel", "products"),
    "clients": QT_TRANSLATE_NOOP("AdminImportPanel", "clients"),
    "holdings": QT_TRANSLATE_NOOP("AdminImportPanel", "holdings"),
    "monthly facts": QT_TRANSLATE_NOOP("AdminImportPanel", "monthly facts"),
    "transactions": QT_TRANSLATE_NOOP("AdminImportPanel", "transactions"),
    "interactions": QT_TRANSLATE_NOOP("AdminImportPanel", "contacts"),
    "meta": QT_TRANSLATE_NOOP("AdminImportPanel", "finishing"),
    "done": QT_TRANSLATE_NOOP("AdminImportPanel", "done"),
}


def would_write(data: DataSet) -> dict[str, int]:
    """Rows per table in a checked set (the streamed tables only where the reader knows)."""
    counts = data.counts()
    counts["pricing_versions"] = len(data.pricing)
    if data.expected_facts:
        counts["monthly_facts"] = data.expected_facts
    if data.expected_transactions:
        counts["transactions"] = data.expected_transactions
    counts["training_points"] = len(data.training)
    return counts


class _StepNames:
    """A Progress that shows run_import's step names in the interface language."""

    def __init__(self, progress: Progress, names: dict[str, str]) -> None:
        self._progress, self._names = progress, names

    def report(self, done: int, total: int, text: str = "") -> None:
        self._progress.report(done, total, self._names.get(text, text))

    def cancelled(self) -> bool:
        return self._progress.cancelled()


def _import_text(source: object) -> str:
    """A source text marked with QT_TRANSLATE_NOOP("AdminImportPanel", ...), translated."""
    return QCoreApplication.translate("AdminImportPanel", str(source))


def _connection_text(source: object) -> str:
    """A source text marked with QT_TRANSLATE_NOOP("AdminConnectionPanel", ...), translated."""
    return QCoreApplication.translate("AdminConnectionPanel", str(source))


def _set_message(label: QLabel, text: str, kind: str = "") -> None:
    """A status line: plain, "ok" (green), "error" (red)."""
    colour = {"ok": "#1b6e20", "error": "#b3261e"}.get(kind, "")
    label.setStyleSheet(f"color: {colour};" if colour else "")
    label.setProperty("kind", kind)
    label.setText(text)


class AdminImportPanel(QWidget):
    """Check an input set, see every problem, then import it in one transaction."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._checked_ok = False
        self._busy = False
        #: the last check's or import's problems, for tests and the status line
        self.problems = pd.DataFrame(columns=["file", "row", "column", "message"])

        self.kind = QComboBox(self)
        self.kind.setObjectName("kind")
        for key, title in KIND_TITLES.items():
            self.kind.addItem(_import_text(title), key)
        self.path = QLineEdit(self)
        self.path.setObjectName("path")
        self.path.setPlaceholderText(self.tr("A folder, or a .csv or .xlsx file"))
        self.folder_button = QPushButton(self.tr("Folder…"), self)
        self.file_button = QPushButton(self.tr("File…"), self)
        self.source = QLineEdit(self)
        self.source.setObjectName("source")
        self.source.setPlaceholderText("generic")
        self.source.setToolTip(
            self.tr(
                "A name for the system the extracts come from; rows are matched on their ids "
                "within it, so a later extract updates them"
            )
        )
        self.force = QCheckBox(self.tr("Import again even if these files were imported before"))
        self.check_button = QPushButton(self.tr("Check"), self)
        self.check_button.setObjectName("check")
        self.import_button = QPushButton(self.tr("Import"), self)
        self.import_button.setObjectName("import")
        self.import_button.setToolTip(self.tr("Enabled once a check has found no problems"))
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        fmt = ctx.formats
        self.problem_table = DataTable(
            ctx,
            [
                Column("file", QT_TRANSLATE_NOOP("AdminImportPanel", "File")),
                Column("row", QT_TRANSLATE_NOOP("AdminImportPanel", "Row"), fmt.integer, True),
                Column("column", QT_TRANSLATE_NOOP("AdminImportPanel", "Column")),
                Column("message", QT_TRANSLATE_NOOP("AdminImportPanel", "Problem")),
            ],
            "AdminImportPanel",
            "import-problems",
            self,
        )
        self.problem_table.setObjectName("problems")
        self.summary_table = DataTable(
            ctx,
            [
                Column("title", QT_TRANSLATE_NOOP("AdminImportPanel", "Table")),
                Column("rows", QT_TRANSLATE_NOOP("AdminImportPanel", "Rows"), fmt.integer, True),
            ],
            "AdminImportPanel",
            "import-summary",
            self,
        )
        self.summary_table.setObjectName("summary")
        self.summary_title = QLabel(self)
        self.summary_title.setObjectName("summary_title")
        self.problems_title = QLabel(self.tr("Problems found"), self)

        form = QFormLayout()
        form.addRow(self.tr("Data to import:"), self.kind)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(self.folder_button)
        where.addWidget(self.file_button)
        form.addRow(self.tr("File or folder:"), where)
        self.source_label = QLabel(self.tr("Source system:"), self)
        form.addRow(self.source_label, self.source)
        form.addRow("", self.force)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.status, 1)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.problems_title)
        left_layout.addWidget(self.problem_table)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.summary_title)
        right_layout.addWidget(self.summary_table)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.path.textChanged.connect(self._invalidate)
        self.source.textChanged.connect(self._invalidate)
        self.folder_button.clicked.connect(self._choose_folder)
        self.file_button.clicked.connect(self._choose_file)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.run_import)
        self._kind_changed()

    # --- input ---------------------------------------------------------------------------
    def set_input(self, kind: str, path: Path | str, source: str = "") -> None:
        """Fill in the kind, the path and the source (as the user would)."""
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.path.setText(str(path))
        self.source.setText(source)

    def _inputs(self) -> tuple[str, Path, str | None]:
        kind = str(self.kind.currentData())
        source = (self.source.text().strip() or None) if kind == "generic" else None
        return kind, Path(self.path.text().strip()).expanduser(), source

    def _kind_changed(self) -> None:
        generic = self.kind.currentData() == "generic"
        self.source.setVisible(generic)
        self.source_label.setVisible(generic)
        self.file_button.setEnabled(self.kind.currentData() != "berka")
        self._invalidate()

    def _invalidate(self) -> None:
        """The input changed: what was checked no longer applies."""
        self._checked_ok = False
        self.problems = self.problems.iloc[0:0]
        self.problem_table.set_frame(self.problems)
        self.summary_table.set_frame(pd.DataFrame(columns=["title", "rows"]))
        self.summary_title.setText(self.tr("Would be imported"))
        _set_message(self.status, self.tr("Check the files before importing."))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_path = bool(self.path.text().strip())
        self.check_button.setEnabled(has_path and not self._busy)
        self.import_button.setEnabled(self._checked_ok and not self._busy)
        for widget in (self.kind, self.path, self.source, self.folder_button, self.force):
            widget.setEnabled(not self._busy)
        self.file_button.setEnabled(not self._busy and self.kind.currentData() != "berka")

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the folder to import"))
        if folder:
            self.path.setText(folder)

    def _choose_file(self) -> None:
        kind = self.kind.currentData()
        filters = (
            self.tr("Excel workbook (*.xlsx)")
            if kind == "generic"
            else self.tr("CSV file (*.csv *.txt)")
        )
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the file to import"), "", filters
        )
        if chosen:
            self.path.setText(chosen)

    # --- check -----------------------------------------------------------------------------
    def check(self) -> None:
        """Read and check the input off the GUI thread; nothing is written."""
        if self._busy or not self.path.text().strip():
            return
        kind, path, source = self._inputs()
        engine = self.ctx.db.engine
        text = _import_text(STEP_TITLES["checking"])

        def work(progress: Progress) -> dict[str, int]:
            progress.report(0, 0, text)
            data = check_input(engine, kind, path, source=source)
            check(progress)  # the readers cannot stop half-way; a cancel counts from here
            return would_write(data)

        self._start()
        self.ctx.runner.run(
            self.tr("Checking the files"), work, self._checked, self._check_failed, window=self
        )

    def _checked(self, counts: dict[str, int]) -> None:
        self._busy = False
        self._checked_ok = True
        self._show_counts(counts, self.tr("Would be imported"))
        _set_message(
            self.status,
            self.tr("No problems found: %1 clients ready to import.").replace(
                "%1", self.ctx.formats.integer(counts.get("clients", 0))
            ),
            "ok",
        )
        self._update_buttons()

    def _check_failed(self, exc: BaseException, trace: str) -> None:
        self._busy = False
        self._checked_ok = False
        if isinstance(exc, ImportRejected):
            self._show_problems(exc)
        elif isinstance(exc, Cancelled):
            _set_message(self.status, self.tr("The check was cancelled."))
        else:
            log.error("import check failed: %s\n%s", exc, trace)
            _set_message(
                self.status,
                self.tr("The check failed: %1").replace("%1", str(exc) or type(exc).__name__),
                "error",
            )
        self._update_buttons()

    # --- import ----------------------------------------------------------------------------
    def run_import(self) -> None:
        """Write the checked input in one transaction, with progress and cancel."""
        if self._busy or not self._checked_ok:
            return
        kind, path, source = self._inputs()
        engine, actor, force = self.ctx.db.engine, self.ctx.user.username, self.force.isChecked()
        names = {key: _import_text(title) for key, title in STEP_TITLES.items()}

        def work(progress: Progress) -> ImportResult:
            return run_import(
                engine,
                kind,
                path,
                source=source,
                force=force,
                actor=actor,
                progress=_StepNames(progress, names),
            )

        self._start()
        self.ctx.runner.run(
            self.tr("Importing"), work, self._imported, self._import_failed, write=True, window=self
        )

    def _imported(self, result: ImportResult) -> None:
        self._busy = False
        self._checked_ok = False  # one import per check: a second click would only be skipped
        if result.skipped:
            _set_message(
                self.status,
                self.tr(
                    "These files were imported before (batch %1); nothing was written. "
                    "Tick “Import again” to import them anyway."
                ).replace("%1", str(result.batch_id)),
            )
        else:
            self._show_counts(result.counts, self.tr("Written"))
            _set_message(
                self.status,
                self.tr("Imported as batch %1: %2 clients written.")
                .replace("%1", str(result.batch_id))
                .replace("%2", self.ctx.formats.integer(result.counts.get("clients", 0))),
                "ok",
            )
            self.changed.emit()
        self._update_buttons()

    def _import_failed(self, exc: BaseException, trace: str) -> None:
        self._busy = False
        self._checked_ok = False
        if isinstance(exc, ImportRejected):  # the files changed since the check
            self._show_problems(exc)
        elif isinstance(exc, Cancelled):
            _set_message(self.status, self.tr("The import was cancelled; nothing was written."))
        else:
            log.error("import failed: %s\n%s", exc, trace)
            _set_message(
                self.status,
                self.tr("The import failed and nothing was written: %1").replace(
                    "%1", str(exc) or type(exc).__name__
                ),
                "error",
            )
        self._update_buttons()

    # --- showing -------------------------------------------------------------------------------
    def _start(self) -> None:
        self._busy = True
        self._update_buttons()
        _set_message(self.status, self.tr("Working…"))

    def _show_problems(self, exc: ImportRejected) -> None:
        listed = exc.problems.listed
        self.problems = pd.DataFrame(
            {
                "file": [p.file for p in listed],
                "row": pd.array([p.row for p in listed], dtype="Int64"),
                "column": [p.column or "" for p in listed],
                "message": [p.message for p in listed],
            }
        ).sort_values(["file", "row"], kind="stable", na_position="first")  # as in the files
        self.problem_table.set_frame(self.problems)
        self.problem_table.resizeColumnsToContents()
        total = exc.problems.total
        if total > len(listed):
            text = self.tr("%1 problems found (the first %2 listed); nothing was written.")
            text = text.replace("%2", self.ctx.formats.integer(len(listed)))
        else:
            text = self.tr("%1 problems found; nothing was written. Correct them and check again.")
        _set_message(self.status, text.replace("%1", self.ctx.formats.integer(total)), "error")

    def _show_counts(self, counts: dict[str, int], title: str) -> None:
        keys = [k for k in TABLE_TITLES if counts.get(k)]
        frame = pd.DataFrame(
            {
                "table": keys,
                "title": [_import_text(TABLE_TITLES[k]) for k in keys],
                "rows": pd.array([counts[k] for k in keys], dtype="Int64"),
            }
        )
        self.summary_table.set_frame(frame)
        self.summary_title.setText(title)

    def summary(self) -> dict[str, int]:
        """The table keys and row counts the summary shows."""
        frame = self.summary_table.model_.frame
        if "table" not in frame:
            return {}
        return {str(k): int(v) for k, v in zip(frame["table"], frame["rows"], strict=True)}


class AdminConnectionPanel(QWidget):
    """The database this rmdesk uses, a URL to try, and saving it for the next start."""

    def __init__(
        self, ctx: ViewContext, store: SettingsStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.store = store
        self._busy = False
        #: the last "Test connection" result, and the text it was for
        self.last_report: ConnectionReport | None = None
        self._tested_text = ""

        self.current = QLabel(self)
        self.current.setObjectName("current")
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved = QLabel(self)
        self.saved.setObjectName("saved")
        self.saved.setWordWrap(True)
        self.environment = QLabel(self)
        self.environment.setObjectName("environment")
        self.environment.setWordWrap(True)
        self.url = QLineEdit(self)
        self.url.setObjectName("url")
        self.url.setPlaceholderText(
            self.tr("postgresql://user@server:5432/rmdesk, or the path of a SQLite file")
        )
        self.url.setClearButtonEnabled(True)
        self.file_button = QPushButton(self.tr("SQLite file…"), self)
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_button.setObjectName("test")
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("save")
        self.local_button = QPushButton(self.tr("Use the local database"), self)
        self.local_button.setObjectName("local")
        self.result = QLabel(self)
        self.result.setObjectName("result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        now = QGroupBox(self.tr("In use"), self)
        now_form = QFormLayout(now)
        now_form.addRow(self.tr("Current database:"), self.current)
        now_form.addRow(self.tr("Saved for the next start:"), self.saved)
        now_form.addRow(self.environment)

        other = QGroupBox(self.tr("Another database"), self)
        other_layout = QVBoxLayout(other)
        where = QHBoxLayout()
        where.addWidget(QLabel(self.tr("Database:"), self))
        where.addWidget(self.url, 1)
        where.addWidget(self.file_button)
        other_layout.addLayout(where)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.local_button)
        other_layout.addLayout(buttons)
        other_layout.addWidget(self.result)
        note = QLabel(
            self.tr(
                "Testing only connects and reads the schema version; it changes nothing. "
                "A saved database is used from the next start of rmdesk, which creates or "
                "upgrades its tables then (a SQLite file is backed up first). A password in "
                "the address is kept in the settings file of this computer."
            ),
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        other_layout.addWidget(note)

        layout = QVBoxLayout(self)
        layout.addWidget(now)
        layout.addWidget(other)
        layout.addStretch(1)

        self.url.textChanged.connect(self._update_buttons)
        self.url.returnPressed.connect(self.test_connection)
        self.file_button.clicked.connect(self._choose_file)
        self.test_button.clicked.connect(self.test_connection)
        self.save_button.clicked.connect(self.save)
        self.local_button.clicked.connect(self.use_local)
        self.refresh()

    def refresh(self) -> None:
        db = self.ctx.db
        kind = self.tr("SQLite file") if db.is_sqlite else self.tr("PostgreSQL server")
        self.current.setText(f"{db.display_url}  ({kind})")
        self._show_saved()
        override = connection.overridden_by_environment()
        self.environment.setVisible(override is not None)
        if override is not None:
            self.environment.setText(
                self.tr(
                    "RMDESK_DATABASE_URL is set on this computer (%1): it wins over the saved "
                    "database."
                ).replace("%1", override)
            )
        self._update_buttons()

    def _show_saved(self) -> None:
        try:
            settings = self.store.load()
        except Exception as exc:  # a damaged settings file is shown, not raised
            self.saved.setText(self.tr("cannot read the settings: %1").replace("%1", str(exc)))
            return
        url = settings.database_url
        self.saved.setText(
            connection.safe_display(url) if url else self.tr("the local database (default)")
        )

    def _update_buttons(self) -> None:
        has_text = bool(self.url.text().strip())
        self.test_button.setEnabled(has_text and not self._busy)
        self.save_button.setEnabled(has_text and not self._busy)

    def _choose_file(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Choose or name a SQLite file"),
            "",
            self.tr("SQLite database (*.sqlite3 *.sqlite *.db);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if chosen:
            self.url.setText(chosen)

    # --- test ------------------------------------------------------------------------------
    def test_connection(self) -> None:
        """Try the database in the field off the GUI thread; the result is shown in words."""
        text = self.url.text()
        if self._busy or not text.strip():
            return
        self._busy = True
        self._update_buttons()
        _set_message(self.result, self.tr("Connecting…"))

        def work(_progress: Progress) -> ConnectionReport:
            return check_connection(text)

        self.ctx.runner.run(
            self.tr("Testing the connection"),
            work,
            lambda report: self._tested(text, report),
            self._test_failed,
            window=self,
            cancellable=False,
        )

    def _tested(self, text: str, report: ConnectionReport) -> None:
        self._busy = False
        self.last_report, self._tested_text = report, text
        _set_message(self.result, self.describe(report), "ok" if _usable(report) else "error")
        self._update_buttons()

    def _test_failed(self, exc: BaseException, trace: str) -> None:
        self._busy = False
        log.error("connection test failed: %s\n%s", exc, trace)
        _set_message(
            self.result,
            self.tr("The test itself failed: %1").replace("%1", str(exc) or type(exc).__name__),
            "error",
        )
        self._update_buttons()

    def describe(self, report: ConnectionReport) -> str:
        """The report in words, in the interface language."""
        if not report.ok:
            reason = _connection_text(PROBLEMS.get(report.problem, PROBLEMS[connection.OTHER]))
            lines = [reason, self.tr("Details: %1").replace("%1", report.detail)]
            return "\n".join(lines)
        if report.new_file:
            return self.tr(
                "The file %1 does not exist yet: rmdesk will create a new database there at its "
                "next start."
            ).replace("%1", report.url)
        if report.backend == "postgresql":
            first = self.tr("Connected to PostgreSQL %1 at %2.")
        else:
            first = self.tr("Opened the SQLite file (SQLite %1) %2.")
        lines = [first.replace("%1", report.server_version).replace("%2", report.url)]
        revision = report.schema_revision or ""
        if report.up_to_date:
            lines.append(self.tr("Schema revision %1: up to date.").replace("%1", revision))
        elif report.foreign:
            lines.append(
                self.tr(
                    "It holds %1 tables but no rmdesk schema: probably another program's "
                    "database. Choose another one."
                ).replace("%1", str(report.tables))
            )
        elif report.newer_schema:
            lines.append(
                self.tr(
                    "Schema revision %1 was made by a newer rmdesk: this version cannot use it."
                ).replace("%1", revision)
            )
        elif report.schema_revision is None:
            lines.append(
                self.tr("The database is empty: rmdesk will create its tables at the next start.")
            )
        else:
            lines.append(
                self.tr(
                    "Schema revision %1: rmdesk will migrate it to %2 at the next start "
                    "(migration needed)."
                )
                .replace("%1", revision)
                .replace("%2", report.schema_head)
            )
        return "\n".join(lines)

    # --- save ------------------------------------------------------------------------------
    def save(self) -> None:
        """Keep the database in the field for the next start (the settings, through the store)."""
        text = self.url.text()
        try:
            url = parse_url(text)
        except UrlError as exc:
            problem = PROBLEMS.get(exc.code, PROBLEMS[connection.BAD_URL])
            _set_message(self.result, _connection_text(problem), "error")
            return
        if self._store(url):
            message = self.tr(
                "Saved. rmdesk will use %1 from its next start: restart rmdesk to switch."
            ).replace("%1", connection.safe_display(url))
            tested = self.last_report if self._tested_text == text else None
            if tested is not None and not _usable(tested):
                message += " " + self.tr("Note: the last test of this database failed.")
            _set_message(self.result, message, "ok")

    def use_local(self) -> None:
        """Go back to the local database at the next start."""
        if self._store(""):
            _set_message(
                self.result,
                self.tr(
                    "Saved. rmdesk will use the local database from its next start: restart "
                    "rmdesk to switch."
                ),
                "ok",
            )

    def _store(self, url: str) -> bool:
        try:
            settings = self.store.load()
            settings.database_url = url
            self.store.save(settings)
        except Exception as exc:  # the settings file cannot be read or written: say so
            log.error("saving the database setting failed: %s", exc)
            _set_message(
                self.result,
                self.tr("The setting could not be saved: %1").replace("%1", str(exc)),
                "error",
            )
            return False
        self._show_saved()
        return True


def _usable(report: ConnectionReport) -> bool:
    return report.ok and not report.newer_schema and not report.foreign


PROBLEMS = {
    connection.BAD_URL: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel",
        "This is not a database address. Write e.g. postgresql://user@server:5432/rmdesk, "
        "or the path of a SQLite file.",
    ),
    connection.UNSUPPORTED: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel", "rmdesk works with a PostgreSQL server or a SQLite file only."
    ),
    connection.UNREACHABLE: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel",
        "Cannot reach the database: check the server name and port, and that the server is "
        "running and accepts connections from this computer.",
    ),
    connection.TIMEOUT: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel",
        "The server did not answer in time: check the server name, the port and the network.",
    ),
    connection.LOGIN: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel", "The server refused the user name or password."
    ),
    connection.NO_DATABASE: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel",
        "The server has no database of that name: ask its administrator to create it.",
    ),
    connection.NOT_A_DATABASE: QT_TRANSLATE_NOOP(
        "AdminConnectionPanel", "The file is not a SQLite database."
    ),
    connection.OTHER: QT_TRANSLATE_NOOP("AdminConnectionPanel", "The connection failed."),
}


class AdminDataTab(QWidget):
    """The admin's data page: imports and the database connection, as two tabs."""

    #: rows were imported: the book and everything computed from it may have changed
    changed = Signal()

    def __init__(
        self, ctx: ViewContext, settings_store: SettingsStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("admin_data")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("admin_data_tabs")
        self.imports = AdminImportPanel(ctx, self)
        self.imports.setObjectName("imports")
        self.connection = AdminConnectionPanel(ctx, settings_store, self)
        self.connection.setObjectName("connection")
        self.tabs.addTab(self.imports, self.tr("Imports"))
        self.tabs.addTab(self.connection, self.tr("Database connection"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.imports.changed.connect(self.changed)

    def refresh(self) -> None:
        self.connection.refresh()
