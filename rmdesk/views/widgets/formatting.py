"""Numbers, money and dates on screen: the services' formatter (services/common/formatting.py)
in the interface language, so that the screen writes a figure as the printed pages and the
engine's sentences do. Qt's locale is kept for what only it names (day and month names).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QLocale

from rmdesk.services.common.formatting import Formatter, formatter


def language_of(locale: QLocale) -> str:
    """The interface language ("zh_CN" or "en") a Qt locale stands for."""
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


class Formats:
    """The formatter's functions under the names the views use; each is the formatter's own
    bound method (a table formats every cell it shows through one of them)."""

    integer: Callable[[Any], str]
    number: Callable[..., str]
    #: minor units (fen) as yuan with two decimals and grouping, no currency
    money: Callable[[Any], str]
    #: minor units as whole yuan (for tables of large sums)
    money_whole: Callable[[Any], str]
    #: a ratio (0.125) as a percentage ("12.5%")
    percent: Callable[..., str]
    date: Callable[[Any], str]
    datetime: Callable[[Any], str]

    def __init__(self, locale: QLocale) -> None:
        self.locale = locale
        self.formatter: Formatter = formatter(language_of(locale))
        f = self.formatter
        self.integer, self.number, self.percent = f.count, f.number, f.percent
        self.money, self.money_whole = f.amount, f.amount_whole
        self.date, self.datetime = f.date, f.datetime
