"""The one way rmdesk runs long work off the GUI thread.

A task is a plain function that takes a ``Progress`` (see rmdesk.services.common.progress)
and returns a result. ``TaskRunner`` runs it on a QThreadPool: reads in parallel, writes one at
a time on a single-thread "writer lane" (SQLite has one writer; one order of writes is easier to
reason about).
Results and errors come back on the GUI thread through signals. A progress dialog with Cancel
appears only if the work takes longer than half a second. Tests use ``ImmediateRunner``.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtWidgets import QProgressDialog, QWidget

from rmdesk.services.common.progress import Cancelled, Progress

Work = Callable[[Progress], Any]
Done = Callable[[Any], None]
Failed = Callable[[BaseException, str], None]
SHOW_AFTER_MS = 500


class TaskProgress:
    """The ``Progress`` a worker thread reports to; safe to call from any thread."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._stop = threading.Event()

    def report(self, done: int, total: int, text: str = "") -> None:
        self._signals.progress.emit(done, total, text)

    def cancelled(self) -> bool:
        return self._stop.is_set()

    def cancel(self) -> None:
        self._stop.set()


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)


class _Job(QRunnable):
    def __init__(self, work: Work, signals: _Signals, progress: TaskProgress) -> None:
        super().__init__()
        self.work, self.signals, self.progress = work, signals, progress

    def run(self) -> None:
        try:
            result = self.work(self.progress)
        except BaseException as exc:  # delivered to the GUI thread, shown as a message there
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.finished.emit(result)


class Task(QObject):
    """A running task: its progress, and ``cancel()``."""

    def __init__(self, title: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.signals = _Signals()
        self.progress = TaskProgress(self.signals)

    def cancel(self) -> None:
        self.progress.cancel()


class TaskRunner(QObject):
    """Runs work on worker threads and hands results back to the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.readers = QThreadPool(self)
        self.writer = QThreadPool(self)
        self.writer.setMaxThreadCount(1)
        self._running: set[Task] = set()

    def run(
        self,
        title: str,
        work: Work,
        on_done: Done,
        on_error: Failed,
        *,
        write: bool = False,
        window: QWidget | None = None,
        cancellable: bool = True,
    ) -> Task:
        task = Task(title, self)
        dialog = _dialog(title, window, task, cancellable) if window is not None else None

        def finish(result: Any) -> None:
            self._close(task, dialog)
            on_done(result)

        def fail(exc: BaseException, trace: str) -> None:
            self._close(task, dialog)
            on_error(exc, trace)

        task.signals.finished.connect(finish, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(fail, Qt.ConnectionType.QueuedConnection)
        self._running.add(task)
        (self.writer if write else self.readers).start(_Job(work, task.signals, task.progress))
        return task

    def _close(self, task: Task, dialog: QProgressDialog | None) -> None:
        self._running.discard(task)
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for running work (at exit, so no thread outlives the database)."""
        for task in list(self._running):
            task.cancel()
        return self.readers.waitForDone(msecs) and self.writer.waitForDone(msecs)


def _dialog(title: str, window: QWidget, task: Task, cancellable: bool) -> QProgressDialog:
    dialog = QProgressDialog(
        title, QCoreApplication.translate("Tasks", "Cancel") if cancellable else "", 0, 0, window
    )
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.canceled.connect(task.cancel)

    def show(done: int, total: int, text: str) -> None:
        if dialog.wasCanceled():
            return
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if text:
            dialog.setLabelText(f"{title}\n{step_text(text)}")

    task.signals.progress.connect(show, Qt.ConnectionType.QueuedConnection)
    return dialog


#: the steps the services report their progress in (``Progress.report``'s text), translated
#: here where a person sees them; a step "planning visits: NAME" keeps the name
STEPS = {
    "scoring": QT_TRANSLATE_NOOP("Progress", "scoring"),
    "checking": QT_TRANSLATE_NOOP("Progress", "checking"),
    "branches": QT_TRANSLATE_NOOP("Progress", "branches"),
    "users": QT_TRANSLATE_NOOP("Progress", "users"),
    "products": QT_TRANSLATE_NOOP("Progress", "products"),
    "clients": QT_TRANSLATE_NOOP("Progress", "clients"),
    "holdings": QT_TRANSLATE_NOOP("Progress", "holdings"),
    "monthly facts": QT_TRANSLATE_NOOP("Progress", "monthly facts"),
    "transactions": QT_TRANSLATE_NOOP("Progress", "transactions"),
    "interactions": QT_TRANSLATE_NOOP("Progress", "interactions"),
    "meta": QT_TRANSLATE_NOOP("Progress", "meta"),
    "done": QT_TRANSLATE_NOOP("Progress", "done"),
    "briefs": QT_TRANSLATE_NOOP("Progress", "briefs"),
    "visits": QT_TRANSLATE_NOOP("Progress", "visits"),
    "proposed plan": QT_TRANSLATE_NOOP("Progress", "proposed plan"),
    "overdue contacts": QT_TRANSLATE_NOOP("Progress", "overdue contacts"),
    "visits planned": QT_TRANSLATE_NOOP("Progress", "visits planned"),
    "planning visits": QT_TRANSLATE_NOOP("Progress", "planning visits"),
}


def step_text(text: str) -> str:
    """A service's progress step in the interface's language (an unknown one as it is)."""
    head, sep, rest = text.partition(": ")
    if head in STEPS:
        return QCoreApplication.translate("Progress", head) + (sep + rest if sep else "")
    return text


class Runner(Protocol):
    """What views need to run work: ``TaskRunner``, or ``ImmediateRunner`` in tests."""

    def run(
        self,
        title: str,
        work: Work,
        on_done: Done,
        on_error: Failed,
        *,
        write: bool = False,
        window: QWidget | None = None,
        cancellable: bool = True,
    ) -> object: ...

    def wait(self, msecs: int = 30_000) -> bool: ...


class ImmediateRunner:
    """Runs work at once on the calling thread: for view tests, where order must be exact."""

    class _Progress:
        def report(self, done: int, total: int, text: str = "") -> None:
            pass

        def cancelled(self) -> bool:
            return False

    def run(
        self,
        title: str,
        work: Work,
        on_done: Done,
        on_error: Failed,
        *,
        write: bool = False,
        window: QWidget | None = None,
        cancellable: bool = True,
    ) -> None:
        try:
            result = work(self._Progress())
        except Cancelled as exc:
            on_error(exc, "")
            return
        except Exception as exc:
            on_error(exc, traceback.format_exc())
            return
        on_done(result)

    def wait(self, msecs: int = 0) -> bool:
        return True
