"""Scorecard periods: a month or a quarter, parsed from "2026-10" or "2026Q3", with the
period before it and the days it covers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from rmdesk.services.engine.facts_pass import add_months

PeriodKind = Literal["month", "quarter"]


@dataclass(frozen=True)
class Period:
    """A calendar month ("2026-10") or quarter ("2026Q3") that a scorecard covers."""

    kind: PeriodKind
    year: int
    number: int  # the month 1-12, or the quarter 1-4

    def __post_init__(self) -> None:
        top = 12 if self.kind == "month" else 4
        if self.kind not in ("month", "quarter") or not 1 <= self.number <= top:
            raise ValueError(f"no such period: {self.kind} {self.number} of {self.year}")
        if not 1 <= self.year <= 9998:
            raise ValueError(f"no such period: year {self.year}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """A month as 2026-10 or a quarter as 2026Q3 (also 2026-Q3, 2026q3)."""
        raw = text.strip()
        month = re.fullmatch(r"(\d{4})-(\d{1,2})", raw)
        if month and 1 <= int(month[2]) <= 12:
            return cls("month", int(month[1]), int(month[2]))
        quarter = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", raw)
        if quarter:
            return cls("quarter", int(quarter[1]), int(quarter[2]))
        raise ValueError(
            f"{text!r} is not a period: write a month as 2026-10 or a quarter as 2026Q3"
        )

    @classmethod
    def containing(cls, day: dt.date, kind: PeriodKind = "month") -> Period:
        """The month or quarter that ``day`` falls in."""
        number = day.month if kind == "month" else (day.month - 1) // 3 + 1
        return cls(kind, day.year, number)

    @property
    def length(self) -> int:
        """Months in the period: 1 or 3."""
        return 1 if self.kind == "month" else 3

    @property
    def start(self) -> dt.date:
        first = self.number if self.kind == "month" else 3 * self.number - 2
        return dt.date(self.year, first, 1)

    @property
    def end(self) -> dt.date:
        """The period's last day."""
        return add_months(self.start, self.length) - dt.timedelta(days=1)

    @property
    def months(self) -> list[dt.date]:
        """The first day of each month in the period."""
        return [add_months(self.start, n) for n in range(self.length)]

    @property
    def last_month(self) -> dt.date:
        return self.months[-1]

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period.containing(self.start - dt.timedelta(days=1), self.kind)

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.number:02d}"
        return f"{self.year:04d}Q{self.number}"
