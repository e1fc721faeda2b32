"""What a demo bank is made from: its specification (size, seed, language, as-of date) and the
constants its draws use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rmdesk.models import Base

SOURCE = "demo"
T = Base.metadata.tables
#: The password of every demo user (documented in the README).
DEMO_PASSWORD = "rmdesk"
RMS_PER_BRANCH = 6
FACT_CHUNK = 20_000  # holdings per generated chunk of monthly facts

SEGMENT_WEALTH = {"mass": 30e3, "affluent": 600e3, "private": 6e6, "sme": 800e3, "corporate": 8e6}
SEGMENT_CONTACTS_PER_YEAR = {
    "mass": 1.0,
    "affluent": 4.0,
    "private": 10.0,
    "sme": 3.0,
    "corporate": 8.0,
}
KYC_CYCLE_DAYS = {"mass": 1095, "affluent": 730, "private": 365, "sme": 1095, "corporate": 365}


@dataclass(frozen=True)
class DemoSpec:
    clients: int = 10_000
    seed: int = 7
    language: str = "zh"
    as_of: dt.date | None = None
    months: int = 24

    def business_date(self) -> dt.date:
        """The as-of date: given, or the last day of the month before today."""
        return self.as_of or dt.date.today().replace(day=1) - dt.timedelta(days=1)


def month_starts(as_of: dt.date, months: int) -> list[dt.date]:
    first = as_of.replace(day=1)
    out = []
    for back in range(months - 1, -1, -1):
        y, m = divmod(first.year * 12 + first.month - 1 - back, 12)
        out.append(dt.date(y, m + 1, 1))
    return out


def minor_or_na(major: pd.Series) -> pd.Series:
    """Positive amounts in minor units; zero means 'none' for limits and principals."""
    minor = pd.Series(np.rint(major.to_numpy() * 100).astype(np.int64), dtype="Int64")
    return minor.where(major.to_numpy() > 0)


def day_numbers(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[D]").astype(np.int64)
