"""Preview, print and save a PDF the services made: briefs, day packs, scorecard reports.

``make_printout`` runs the service off the GUI thread into a temporary file (the service writes
the "print" audit entry), renders the pages for the screen there too (pypdfium2), then opens a
``PdfPreview``: the pages one under the other, Print… (the system's printer dialog) and
Save as… (a copy where the user chooses, written to the audit log as an export). The temporary
file goes when the dialog closes.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QKeySequence,
    QPainter,
    QPixmap,
    QShortcut,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.common.progress import Progress
from rmdesk.services.printing import paper as printing
from rmdesk.views.widgets.context import ViewContext, error_handler

#: the preview's scale: 1.4 × 72 dpi, about 100 dpi, an A4 page 830 pixels wide
SCREEN_SCALE = 1.4
#: printers get pages rendered at their resolution, up to this many dots per inch
PRINT_DPI = 300


@dataclass
class Printout:
    """A PDF made for the user: where it is, what to call it, what to audit when it is saved."""

    path: Path
    title: str
    file_name: str
    pages: int
    entity: str
    entity_id: int
    what: str
    images: list[QImage] = field(default_factory=list)


def render_page(path: Path, index: int, scale: float) -> QImage:
    """One page of the PDF as an image (``scale`` 1.0 = 72 dpi)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        bitmap = document[index].render(scale=scale, rev_byteorder=True)
        image = QImage(
            bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888
        )
        return image.copy()  # own the pixels: the bitmap's memory goes with the document
    finally:
        document.close()


def page_images(path: Path, scale: float = SCREEN_SCALE) -> list[QImage]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        count = len(document)
    finally:
        document.close()
    return [render_page(path, i, scale) for i in range(count)]


def make_printout(
    ctx: ViewContext,
    parent: QWidget,
    title: str,
    make: Callable[[Path], Printout],
    *,
    shown: Callable[[PdfPreview], None] | None = None,
    failed: Callable[[BaseException], bool] | None = None,
) -> None:
    """Run ``make`` (it writes the PDF at the path given) off the GUI thread, then preview it.

    ``failed`` may show an error its own way (return True); others go to the error handler.
    """
    folder = Path(tempfile.mkdtemp(prefix="rmdesk-print-"))

    def work(_progress: Progress) -> Printout:
        printout = make(folder / "document.pdf")
        printout.images = page_images(printout.path)
        return printout

    def done(printout: Printout) -> None:
        dialog = PdfPreview(ctx, printout, folder, parent)
        if shown is not None:
            shown(dialog)
        dialog.open()

    show_error = error_handler(parent)

    def on_error(exc: BaseException, trace: str) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        if failed is None or not failed(exc):
            show_error(exc, trace)

    ctx.runner.run(title, work, done, on_error, window=parent.window())


class PdfPreview(QDialog):
    """The pages of a printout, with Print… and Save as…."""

    def __init__(
        self, ctx: ViewContext, printout: Printout, folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.printout, self.folder = ctx, printout, folder
        self.setObjectName("PdfPreview")
        self.setWindowTitle(printout.title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        pages = QWidget(self)
        pages.setStyleSheet("background: #8a8a8a")
        column = QVBoxLayout(pages)
        column.setSpacing(12)
        self.page_labels: list[QLabel] = []
        for image in printout.images:
            label = QLabel(pages)
            label.setPixmap(QPixmap.fromImage(image))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            column.addWidget(label)
            self.page_labels.append(label)
        scroll = QScrollArea(self)
        scroll.setWidget(pages)
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.info = QLabel(self.tr("Pages: %1").replace("%1", str(printout.pages)), self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.print_button = QPushButton(self.tr("Print…"), self)
        self.save_button = QPushButton(self.tr("Save as PDF…"), self)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_dialog)
        self.save_button.clicked.connect(self.save_dialog)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_dialog)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_dialog)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.info)
        layout.addWidget(buttons)
        # a page's width, as tall as the screen lets it be with the buttons still on it (a
        # 1366×768 laptop has about 720 pixels below its panel)
        width = max((i.width() for i in printout.images), default=600)
        screen = (
            parent.screen() if parent is not None else None
        ) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        tall = 900 if room is None else min(900, room.height() - 60)
        wide = width + 60 if room is None else min(width + 60, room.width() - 40)
        self.resize(wide, tall)

    def done(self, result: int) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        super().done(result)

    # --- print -------------------------------------------------------------------------------
    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.printout.file_name)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Draw every page on ``printer``, each scaled to fit the printable area."""
        dpi = min(printer.resolution(), PRINT_DPI)
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, self.windowTitle(), self.tr("The printer could not start."))
            return
        try:
            for index in range(self.printout.pages):
                if index:
                    printer.newPage()
                image = render_page(self.printout.path, index, dpi / 72)
                area = painter.viewport()
                fitted = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                target = QRectF(area.x(), area.y(), fitted.width(), fitted.height())
                painter.drawImage(target, image)
        finally:
            painter.end()
        self._audit("print", printer.outputFileName() or printer.printerName())

    # --- save --------------------------------------------------------------------------------
    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save as PDF"), self.printout.file_name, self.tr("PDF (*.pdf)")
        )
        if path:
            self.save_to(Path(path if path.lower().endswith(".pdf") else path + ".pdf"))

    def save_to(self, path: Path) -> None:
        """Copy the PDF to ``path`` (whole or not at all) and note the export in the audit log."""
        source = self.printout.path

        def copy(part: Path) -> int:
            shutil.copyfile(source, part)
            return part.stat().st_size

        try:
            printing.write_whole(path, copy)
        except OSError as exc:
            text = self.tr("Could not save %1: %2")
            reason = exc.strerror or str(exc)
            QMessageBox.warning(
                self, self.windowTitle(), text.replace("%1", str(path)).replace("%2", reason)
            )
            return
        self._audit("export", str(path))
        self.info.setText(self.tr("Saved to %1").replace("%1", str(path)))

    def _audit(self, action: str, where: str) -> None:
        p, engine = self.printout, self.ctx.db.engine
        detail = {"what": p.what, "pages": p.pages, "to": where}
        self.ctx.runner.run(
            self.tr("Writing to the audit log"),
            lambda _p: printing.record(
                engine, action, p.entity, p.entity_id, detail, who=self.ctx.user
            ),
            lambda _r: None,
            error_handler(self),
            write=True,
            cancellable=False,
        )
