"""Numbers, money and dates written the way the user's locale writes them (QLocale)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from PySide6.QtCore import QDate, QLocale


class Formats:
    def __init__(self, locale: QLocale) -> None:
        self.locale = locale

    def integer(self, value: Any) -> str:
        return self.locale.toString(int(value))

    def money(self, minor: Any) -> str:
        """Minor units (fen, cents) as major units with two decimals and grouping."""
        return self.locale.toString(int(minor) / 100, "f", 2)

    def date(self, value: Any) -> str:
        if isinstance(value, pd.Timestamp):
            value = value.date()
        if isinstance(value, dt.date):
            return self.locale.toString(
                QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat
            )
        return str(value)
