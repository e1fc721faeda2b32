"""How long work reports progress and learns it should stop, without knowing who is watching.

A service function that takes a while accepts a ``Progress``. The command line passes one that
draws a progress bar, the desktop app one that feeds a dialog with a Cancel button, tests the
``NullProgress``. Work checks ``cancelled()`` between batches and raises ``Cancelled``; the
transaction it was in rolls back, so a cancelled run leaves nothing half-written.
"""

from __future__ import annotations

from typing import Protocol


class Cancelled(Exception):
    """The user asked the work to stop; nothing it did was kept."""


class Progress(Protocol):
    def report(self, done: int, total: int, text: str = "") -> None:
        """``done`` of ``total`` units of the current step; ``text`` names the step."""

    def cancelled(self) -> bool:
        """True once the user asked to stop."""


class NullProgress:
    """Reports nowhere and is never cancelled."""

    def report(self, done: int, total: int, text: str = "") -> None:
        pass

    def cancelled(self) -> bool:
        return False


def check(progress: Progress) -> None:
    """Raise ``Cancelled`` if the user asked to stop; call it between batches."""
    if progress.cancelled():
        raise Cancelled()
