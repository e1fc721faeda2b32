"""Run a long service function in a process of its own, reporting progress and cancellable.

The desktop app runs its background work on threads, but a thread running pandas, numpy and
scikit-learn holds Python's global lock for long stretches and the window stops answering (the
app benchmark measured stalls of 200 ms while scoring). Work given to ``run_in_process`` runs in
a spawned child process instead; the calling thread relays the child's progress reports and,
when the user cancels, tells the child to stop (the child raises ``Cancelled`` between batches,
its transaction rolls back). Results and errors come back pickled.

The target is a module-level function taking ``progress=`` and picklable arguments (a database
URL, not an engine), or its name as ``"package.module:function"``: then only the child imports
it, and the caller's thread does not spend time importing a heavy module (the scoring engine
with scikit-learn) while the window waits for the interpreter lock.
"""

from __future__ import annotations

import importlib
import multiprocessing
import queue
from collections.abc import Callable
from typing import Any

from rmdesk.services.common.progress import Progress

POLL_SECONDS = 0.1


class ProcessFailed(Exception):
    """The child process ended without a result (killed, or out of memory)."""


class _ChildProgress:
    def __init__(self, messages: Any, stop: Any) -> None:
        self._messages, self._stop = messages, stop

    def report(self, done: int, total: int, text: str = "") -> None:
        self._messages.put(("progress", (done, total, text)))

    def cancelled(self) -> bool:
        return bool(self._stop.is_set())


def _resolve(target: Callable[..., Any] | str) -> Callable[..., Any]:
    if callable(target):
        return target
    module, _, name = target.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found


def _child(
    messages: Any,
    stop: Any,
    target: Callable[..., Any] | str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    try:
        work = _resolve(target)
        result = work(*args, progress=_ChildProgress(messages, stop), **kwargs)
    except BaseException as exc:  # handed to the parent, which raises it there
        try:
            messages.put(("error", exc))
        except Exception:  # an exception that cannot be pickled: keep its words
            messages.put(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        return
    messages.put(("done", result))


def run_in_process(
    target: Callable[..., Any] | str, *args: Any, progress: Progress, **kwargs: Any
) -> Any:
    """``target(*args, progress=..., **kwargs)`` in a child process; its result or its error."""
    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    stop = context.Event()
    child = context.Process(target=_child, args=(messages, stop, target, args, kwargs), daemon=True)
    child.start()
    try:
        while True:
            if progress.cancelled():
                stop.set()
            try:
                kind, payload = messages.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not child.is_alive() and messages.empty():
                    raise ProcessFailed(
                        f"the background work stopped unexpectedly (exit code {child.exitcode})"
                    ) from None
                continue
            if kind == "progress":
                progress.report(*payload)
            elif kind == "error":
                raise payload
            else:
                return payload
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.terminate()
            child.join()
        messages.close()
