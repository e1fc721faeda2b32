"""What every view is given by the composition root: the runner, formats, database and user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QMessageBox, QWidget

from rmdesk.db import Database
from rmdesk.services.common.access import Account
from rmdesk.services.common.progress import Cancelled
from rmdesk.tasks import Failed, Runner
from rmdesk.views.widgets.formatting import Formats


@dataclass
class ViewContext:
    runner: Runner
    formats: Formats
    db: Database
    user: Account
    #: "zh_CN" or "en": which of the services' zh/en texts to show
    language: str = "zh_CN"
    #: the day the views plan from (fixed in tests)
    today: dt.date = field(default_factory=dt.date.today)
    #: the session is a person's own PostgreSQL login: the database, not rmdesk, holds the
    #: password, and the database keeps the writes to what the person's role allows
    own_login: bool = False
    #: this computer's settings mask phone numbers on paper whatever the bank's parameter says
    always_mask_phones: bool = False
    #: the settings IT's file locks on this computer (the screens do not offer to change them)
    locked: frozenset[str] = frozenset()
    #: what Help › About shows and copies for a support ticket: (name, value) pairs
    about: Callable[[], list[tuple[str, str]]] | None = None

    @property
    def zh(self) -> bool:
        return self.language.startswith("zh")

    def text(self, zh: object, en: object) -> str:
        """The service's text in the interface language."""
        return str(zh if self.zh else en)

    def said(self, exc: BaseException) -> str:
        """Why a service refused, in the interface language (a refusal carries both)."""
        return said(exc, self.zh)


def said(exc: BaseException, zh: bool) -> str:
    """An exception's message in the interface language: a service's refusal in its own
    words (``zh`` / ``en``), anything else as its text."""
    chinese, english = getattr(exc, "zh", None), getattr(exc, "en", None)
    if chinese and english:
        return str(chinese if zh else english)
    return str(exc) or type(exc).__name__


def error_handler(widget: QWidget, on_cancel: Callable[[], None] | None = None) -> Failed:
    """A ``Failed`` callback that shows the error to the user as a message, never a traceback."""

    def show(exc: BaseException, _trace: str) -> None:
        if isinstance(exc, Cancelled):
            if on_cancel is not None:
                on_cancel()
            return
        text = said(exc, QLocale().language() == QLocale.Language.Chinese)
        QMessageBox.warning(widget, QCoreApplication.translate("Errors", "rmdesk"), text)

    return show
