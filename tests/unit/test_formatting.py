"""The one formatter (services/common/formatting.py): amounts from fen, percentages, counts and
dates in Chinese and English, as the screen, the printed pages and the engine's sentences write
them. No Qt, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from rmdesk.services.common import formatting
from rmdesk.services.common.formatting import DASH, formatter, nearest

ZH, EN = formatter("zh_CN"), formatter("en")


@pytest.mark.parametrize(
    ("minor", "amount", "zh", "en"),
    [
        (123_450, "1,234.50", "¥1,234.50", "CN¥1,234.50"),
        (-123_450, "-1,234.50", "-¥1,234.50", "-CN¥1,234.50"),
        (0, "0.00", "¥0.00", "CN¥0.00"),
        (-5, "-0.05", "-¥0.05", "-CN¥0.05"),
        # exact however large: a float would lose the last fen
        (10**17 + 1, "1,000,000,000,000,000.01", "¥1,000,000,000,000,000.01", None),
        (np.int64(987_654_321_012), "9,876,543,210.12", "¥9,876,543,210.12", None),
    ],
)
def test_amounts_in_both_languages(minor: object, amount: str, zh: str, en: str | None) -> None:
    assert ZH.amount(minor) == EN.amount(minor) == amount
    assert ZH.money(minor) == formatting.money(minor, "CNY", "zh") == zh
    if en is not None:
        assert EN.money(minor, "CNY") == formatting.money(minor, "CNY", "en") == en


@pytest.mark.parametrize(
    ("minor", "amount"),
    [
        (12.5, "0.13"),  # half a fen is a fen, away from zero
        (-12.5, "-0.13"),
        (12.4999, "0.12"),
        (np.float64(99.5), "1.00"),
        (Decimal("2.5"), "0.03"),
        (Decimal("-2.5"), "-0.03"),
        (66_666.67, "666.67"),
        (0.4, "0.00"),
        (-0.4, "0.00"),  # rounds to nothing: no minus sign
        (float("nan"), DASH),
    ],
)
def test_fractions_of_a_fen_round_half_away_from_zero(minor: object, amount: str) -> None:
    assert ZH.amount(minor) == EN.amount(minor) == amount


def test_whole_yuan() -> None:
    assert [ZH.amount_whole(m) for m in (250, 249, -250, -49, 123_456_789, 0)] == [
        "3",
        "2",
        "-3",
        "0",
        "1,234,568",
        "0",
    ]
    assert ZH.money(123_456, whole=True) == "¥1,235"
    assert EN.money(-123_456, whole=True) == "-CN¥1,235"
    assert EN.money(-49, whole=True) == "CN¥0"


def test_other_currencies_take_their_own_symbol() -> None:
    assert EN.money(123_450, "EUR") == ZH.money(123_450, "EUR") == "€1,234.50"
    assert EN.money(-100, "CZK") == "-CZK1.00"


@pytest.mark.parametrize("f", [ZH, EN], ids=["zh", "en"])
def test_percentages_numbers_and_counts(f: formatting.Formatter) -> None:
    assert f.percent(0.125) == "12.5%"
    assert f.percent(0.125, 0) == "13%"  # half away from zero, as Qt's locale wrote it
    assert f.percent(-0.034, 2) == "-3.40%"
    assert f.percent(12.5) == "1,250.0%"
    assert f.percent(-0.00001) == "0.0%"
    assert f.percent(float("inf")) == DASH
    assert f.growth(0.125) == "▲ 12.5%" and f.growth(-0.03) == "▼ 3.0%"
    assert f.number(1234.56, 2) == "1,234.56"
    assert f.number(2.675, 2) == "2.67"  # 2.675 is 2.67499… in binary: the exact value rounds
    assert f.number(-1234.5, 0) == "-1,235"
    assert f.number(-0.04) == "0.0"
    assert f.count(1_234_567) == "1,234,567"
    assert f.count(np.float64(3.0)) == "3"
    assert f.count(0) == "0"


def test_dates_in_each_languages_short_form() -> None:
    day = dt.date(2026, 1, 5)
    assert ZH.date(day) == "2026/1/5"
    assert EN.date(day) == "05/01/2026"
    noon = dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)
    for same in (pd.Timestamp("2026-01-05 10:30"), noon, "2026-01-05"):
        assert ZH.date(same) == "2026/1/5" and EN.date(same) == "05/01/2026"
    assert EN.date("not a day") == "not a day"
    moment = pd.Timestamp("2026-01-05 09:05").to_pydatetime()  # as the database gives it
    assert ZH.datetime(moment) == "2026/1/5 09:05"
    assert EN.datetime(moment) == "05/01/2026, 09:05"
    assert EN.datetime(day) == "05/01/2026"


def test_a_moment_is_shown_in_local_time() -> None:
    utc = dt.datetime(2026, 1, 5, 1, 5, tzinfo=dt.UTC)
    local = utc.astimezone()
    assert ZH.datetime(utc) == f"2026/1/{local.day} {local.hour:02d}:{local.minute:02d}"
    assert ZH.datetime(pd.Timestamp(utc)) == ZH.datetime(utc)


def test_a_scorecard_kpi_by_its_unit() -> None:
    assert EN.kpi(2_345_650.0, "minor") == "23,457"
    assert ZH.kpi(0.87654, "ratio") == "87.7%"
    assert EN.kpi(3.14159, "per_client") == "3.14"
    assert EN.kpi(1234.6, "count") == "1,235"


def test_nearest() -> None:
    assert [nearest(v) for v in (2.5, -2.5, 3.5, 0.49999999999999994, True, np.int32(7))] == [
        3,
        -3,
        4,
        0,
        1,
        7,
    ]
    with pytest.raises(ValueError):
        nearest(float("nan"))


def test_the_engines_sentences_and_the_screen_share_one_formatter_per_language() -> None:
    assert formatter("zh") is formatter("zh") and formatter("zh") is not formatter("en")
    assert formatter("zh").locale == formatter("zh_CN").locale == "zh_CN"
    assert formatter("en").locale == "en_GB"
    assert formatting.percent(0.5, "zh", 0) == ZH.percent(0.5, 0) == "50%"
    assert formatting.number(1.25, "en", 1) == "1.3"
