"""Numbers, money and dates written the way the user's locale writes them (QLocale)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from PySide6.QtCore import QDate, QDateTime, QLocale, QTime


class Formats:
    def __init__(self, locale: QLocale) -> None:
        self.locale = locale

    def integer(self, value: Any) -> str:
        return self.locale.toString(int(value))

    def number(self, value: Any, decimals: int = 1) -> str:
        return self.locale.toString(float(value), "f", decimals)

    def money(self, minor: Any) -> str:
        """Minor units (fen, cents) as major units with two decimals and grouping."""
        return self.locale.toString(int(minor) / 100, "f", 2)

    def money_whole(self, minor: Any) -> str:
        """Minor units as whole major units (for tables of large sums)."""
        return self.locale.toString(round(int(minor) / 100))

    def percent(self, ratio: Any, decimals: int = 1) -> str:
        """A ratio (0.125) as a percentage ("12.5%")."""
        return self.locale.toString(float(ratio) * 100, "f", decimals) + "%"

    def date(self, value: Any) -> str:
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return self.locale.toString(
                QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat
            )
        if isinstance(value, str) and len(value) == 10:
            try:
                return self.date(dt.date.fromisoformat(value))
            except ValueError:
                pass
        return str(value)

    def datetime(self, value: Any) -> str:
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone()  # shown in the user's local time
            moment = QDateTime(
                QDate(value.year, value.month, value.day), QTime(value.hour, value.minute)
            )
            return self.locale.toString(moment, QLocale.FormatType.ShortFormat)
        return self.date(value)
