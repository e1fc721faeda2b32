"""Benchmark: writing numbers for people, the one formatter (services/common/formatting.py)
beside the ways it replaced, in the same run.

    .venv/bin/python -m bench.formatting [--rows 100000] [--runs 5]

Screen: every cell of a 100,000-row book's money, whole-yuan, percentage, count and date columns
written through ``Formats`` (what the table model calls as Qt asks for a cell), then through
``FrameModel.data`` for the cells a screenful shows; baseline: Qt's ``QLocale`` as the screen
called it before, on the same values. Sentences: ``formatting.money`` / ``percent`` against the
engine's former Babel-template functions (copied here as they were). Prints the median time per
cell and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from babel.numbers import format_currency
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QApplication

from bench.common import median_of, save
from rmdesk.services.common import formatting
from rmdesk.views.widgets.formatting import Formats
from rmdesk.views.widgets.frame_model import Column, FrameModel


class QtFormats:
    """The screen's formats before: Qt's locale, called as the views called it."""

    def __init__(self, locale: QLocale) -> None:
        self.locale = locale

    def integer(self, value: Any) -> str:
        return self.locale.toString(int(value))

    def money(self, minor: Any) -> str:
        return self.locale.toString(int(minor) / 100, "f", 2)

    def money_whole(self, minor: Any) -> str:
        return self.locale.toString(round(int(minor) / 100))

    def percent(self, ratio: Any, decimals: int = 1) -> str:
        return self.locale.toString(float(ratio) * 100, "f", decimals) + "%"

    def date(self, value: Any) -> str:
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if isinstance(value, dt.datetime):
            value = value.date()
        return self.locale.toString(
            QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat
        )


@lru_cache(maxsize=64)
def _old_template(currency: str, locale: str) -> tuple[str, str] | None:
    text = str(format_currency(1234567.5, currency, locale=locale))
    at = text.find("1,234,567.50")
    return None if at < 0 else (text[:at], text[at + 12 :])


def old_money(minor: float, currency: str, language: str) -> str:
    """The engine's sentences' amounts before (services/common/wording.py)."""
    value = round(minor) / 100
    template = _old_template(currency, "zh_CN" if language.startswith("zh") else "en_GB")
    assert template is not None
    return f"{'-' if value < 0 else ''}{template[0]}{abs(value):,.2f}{template[1]}"


def old_percent(value: float, _language: str, digits: int = 1) -> str:
    return f"{value * 100:,.{digits}f}%"


def book(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "contribution_minor": rng.integers(-5_000_000, 900_000_000, rows),
            "deposits_minor": rng.integers(0, 50_000_000_000, rows),
            "growth": rng.normal(0.02, 0.3, rows),
            "open_flags": rng.integers(0, 9, rows),
            "kyc_due": pd.Timestamp("2026-01-01")
            + pd.to_timedelta(rng.integers(0, 700, rows), unit="D"),
        }
    )


def _pair(
    runs: int, cells: int, before: Callable[[], object], now: Callable[[], object]
) -> tuple[float, float]:
    """Median ns per cell of each, the two run in turn (so a busy moment of a shared machine
    falls on both alike)."""
    before(), now()  # warm
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for spent, work in zip(times, (before, now), strict=True):
            spent.append(median_of(1, work)[0])
    return tuple(1e9 * statistics.median(t) / cells for t in times)  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _app = QApplication.instance() or QApplication([])
    frame = book(args.rows)
    results: dict[str, Any] = {"rows": args.rows, "runs": args.runs}
    print(f"{args.rows:,} rows, median of {args.runs} runs, ns per cell (before → now):")
    for language, locale in (
        ("zh_CN", QLocale(QLocale.Language.Chinese, QLocale.Country.China)),
        ("en", QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)),
    ):
        old, new = QtFormats(locale), Formats(locale)
        columns = {
            "money (fen → yuan)": ("deposits_minor", "money"),
            "whole yuan": ("contribution_minor", "money_whole"),
            "percent": ("growth", "percent"),
            "count": ("open_flags", "integer"),
            "date": ("kyc_due", "date"),
        }
        for name, (key, method) in columns.items():
            values = (
                list(frame[key]) if key == "kyc_due" else frame[key].to_numpy().tolist()
            )  # as FrameModel hands cells over: Python scalars, Timestamps
            before_fn, now_fn = getattr(old, method), getattr(new, method)
            before, now = _pair(
                args.runs,
                len(values),
                lambda f=before_fn, v=values: [f(x) for x in v],
                lambda f=now_fn, v=values: [f(x) for x in v],
            )
            print(f"  {language:<5} {name:<20} {before:7.0f} → {now:7.0f}  ({now / before:.2f}x)")
            results[f"{language} {name}"] = {"before_ns": before, "now_ns": now}
        shown = _model_cells(frame, old, new, args.runs)
        print(f"  {language:<5} {'FrameModel.data':<20} {shown[0]:7.0f} → {shown[1]:7.0f}"
              f"  ({shown[1] / shown[0]:.2f}x)")  # fmt: skip
        results[f"{language} FrameModel.data"] = {"before_ns": shown[0], "now_ns": shown[1]}
    minors = frame["deposits_minor"].to_numpy().tolist()

    def money_zh(x: Any) -> str:
        return formatting.money(x, "CNY", "zh")

    def percent_zh(x: Any) -> str:
        return formatting.percent(x, "zh")

    ratios = frame["growth"].to_numpy().tolist()
    for name, before_fn, now_fn, values in (
        ("sentence money", lambda x: old_money(x, "CNY", "zh"), money_zh, minors),
        ("sentence percent", lambda x: old_percent(x, "zh"), percent_zh, ratios),
    ):
        before, now = _pair(
            args.runs,
            len(values),
            lambda f=before_fn, v=values: [f(x) for x in v],
            lambda f=now_fn, v=values: [f(x) for x in v],
        )
        print(f"  zh    {name:<20} {before:7.0f} → {now:7.0f}  ({now / before:.2f}x)")
        results[name] = {"before_ns": before, "now_ns": now}
    print(f"written to {save('formatting', results)}")


def _model_cells(frame: pd.DataFrame, old: Any, new: Any, runs: int) -> tuple[float, float]:
    """ns per cell for screenfuls (40 rows) of every column, through the table model."""

    def model(fmt: Any) -> Callable[[], object]:
        made = FrameModel(
            [
                Column("contribution_minor", "", fmt.money_whole, numeric=True),
                Column("deposits_minor", "", fmt.money, numeric=True),
                Column("growth", "", fmt.percent, numeric=True),
                Column("open_flags", "", fmt.integer, numeric=True),
                Column("kyc_due", "", fmt.date),
            ],
            "Bench",
        )
        made.set_frame(frame)
        cells = [made.index(r, c) for r in range(0, 4000, 100) for c in range(5)]
        role = Qt.ItemDataRole.DisplayRole
        return lambda: [made.data(i, role) for _ in range(50) for i in cells]

    return _pair(runs, 40 * 5 * 50, model(old), model(new))


if __name__ == "__main__":
    main()
