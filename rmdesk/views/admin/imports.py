"""The administrator's imports: each problem named by file, row and column before any write.

Pick the kind and the file or folder; "Check" reads every file off the GUI thread and lists each
problem with what the set would import; "Import" is enabled only after a clean check and writes
in one transaction (a cancel or a failure keeps nothing).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.common.progress import Cancelled, Progress, check
from rmdesk.services.data.importing import ImportRejected, ImportResult, check_input, run_import
from rmdesk.services.data.importing.dataset import DataSet
from rmdesk.services.data.importing.problems import Problem
from rmdesk.views.widgets.context import ViewContext
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.frame_model import Column

log = logging.getLogger(__name__)


# The importers, in the order offered (the service's KINDS), with their names for people.
KIND_TITLES = {
    "generic": QT_TRANSLATE_NOOP(
        "AdminImportPanel", "Bank extracts (a folder of CSV files or an Excel workbook)"
    ),
    "berka": QT_TRANSLATE_NOOP("AdminImportPanel", "PKDD'99 Czech bank data (the Berka folder)"),
    "bank-marketing": QT_TRANSLATE_NOOP(
        "AdminImportPanel",
        "UCI bank marketing (bank-full.csv or bank-additional-full.csv, or its folder)",
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


def set_message(label: QLabel, text: str, kind: str = "") -> None:
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
        self._build_inputs()
        self._build_tables()
        self._lay_out()
        self._connect_signals()
        self._kind_changed()

    def _build_inputs(self) -> None:
        """What to import, from where, the check and import buttons and the status line."""
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

    def _build_tables(self) -> None:
        """The problems a check or an import found, and what it read or wrote per table."""
        ctx, fmt = self.ctx, self.ctx.formats
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

    def _lay_out(self) -> None:
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

    def _connect_signals(self) -> None:
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.path.textChanged.connect(self._invalidate)
        self.source.textChanged.connect(self._invalidate)
        self.folder_button.clicked.connect(self._choose_folder)
        self.file_button.clicked.connect(self._choose_file)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.run_import)

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
        set_message(self.status, self.tr("Check the files before importing."))
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

        def work(progress: Progress) -> tuple[dict[str, int], list[Problem]]:
            progress.report(0, 0, text)
            data = check_input(engine, kind, path, source=source, who=self.ctx.user)
            check(progress)  # the readers cannot stop half-way; a cancel counts from here
            return would_write(data), data.warnings

        self._start()
        self.ctx.runner.run(
            self.tr("Checking the files"), work, self._checked, self._check_failed, window=self
        )

    def _checked(self, checked: tuple[dict[str, int], list[Problem]]) -> None:
        counts, warnings = checked
        self._busy = False
        self._checked_ok = True
        self._show_counts(counts, self.tr("Would be imported"))
        self._list(warnings, warnings=True)
        text = self.tr("No problems found: %1 clients ready to import.").replace(
            "%1", self.ctx.formats.integer(counts.get("clients", 0))
        )
        set_message(self.status, text + self._warned(warnings), "ok")
        self._update_buttons()

    def _warned(self, warnings: list[Problem]) -> str:
        """What the status line adds when the reader did not take every column."""
        if not warnings:
            return ""
        text = self.tr("%1 warning(s), listed: what they name is not imported.")
        return " " + text.replace("%1", self.ctx.formats.integer(len(warnings)))

    def _check_failed(self, exc: BaseException, trace: str) -> None:
        self._busy = False
        self._checked_ok = False
        if isinstance(exc, ImportRejected):
            self._show_problems(exc)
        elif isinstance(exc, Cancelled):
            set_message(self.status, self.tr("The check was cancelled."))
        else:
            log.error("import check failed: %s\n%s", exc, trace)
            set_message(
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
        engine, force = self.ctx.db.engine, self.force.isChecked()
        names = {key: _import_text(title) for key, title in STEP_TITLES.items()}

        def work(progress: Progress) -> ImportResult:
            return run_import(
                engine,
                kind,
                path,
                source=source,
                force=force,
                progress=_StepNames(progress, names),
                who=self.ctx.user,
            )

        self._start()
        self.ctx.runner.run(
            self.tr("Importing"), work, self._imported, self._import_failed, write=True, window=self
        )

    def _imported(self, result: ImportResult) -> None:
        self._busy = False
        self._checked_ok = False  # one import per check: a second click would only be skipped
        if result.skipped:
            set_message(
                self.status,
                self.tr(
                    "These files were imported before (batch %1); nothing was written. "
                    "Tick “Import again” to import them anyway."
                ).replace("%1", str(result.batch_id)),
            )
        else:
            self._show_counts(result.counts, self.tr("Written"))
            self._list(result.warnings, warnings=True)
            set_message(
                self.status,
                self.tr("Imported as batch %1: %2 clients written.")
                .replace("%1", str(result.batch_id))
                .replace("%2", self.ctx.formats.integer(result.counts.get("clients", 0)))
                + self._warned(result.warnings),
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
            set_message(self.status, self.tr("The import was cancelled; nothing was written."))
        else:
            log.error("import failed: %s\n%s", exc, trace)
            set_message(
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
        set_message(self.status, self.tr("Working…"))

    def _show_problems(self, exc: ImportRejected) -> None:
        listed = exc.problems.listed
        self._list(listed)
        total = exc.problems.total
        if total > len(listed):
            text = self.tr("%1 problems found (the first %2 listed); nothing was written.")
            text = text.replace("%2", self.ctx.formats.integer(len(listed)))
        else:
            text = self.tr("%1 problems found; nothing was written. Correct them and check again.")
        set_message(self.status, text.replace("%1", self.ctx.formats.integer(total)), "error")

    def _list(self, listed: list[Problem], warnings: bool = False) -> None:
        """Problems (or a clean set's warnings) in the table, in the files' order."""
        title = self.tr("Not imported (warnings)") if warnings else self.tr("Problems found")
        self.problems_title.setText(title)
        self.problems = pd.DataFrame(
            {
                "file": [p.file for p in listed],
                "row": pd.array([p.row for p in listed], dtype="Int64"),
                "column": [p.column or "" for p in listed],
                "message": [p.zh if self.ctx.zh else p.message for p in listed],
            }
        ).sort_values(["file", "row"], kind="stable", na_position="first")  # as in the files
        self.problem_table.set_frame(self.problems)
        self.problem_table.resizeColumnsToContents()

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
