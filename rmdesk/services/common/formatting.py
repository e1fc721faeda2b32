"""The one way rmdesk writes a number for people: amounts in yuan from fen, percentages, counts
and dates, in Chinese (zh_CN) and English (en_GB), on screen, on paper and in the engine's
sentences (flag evidence, suggestion reasons, which the exports carry).

Babel decides how each locale writes them (separators, the minus sign, the currency symbol and
its place, the short date and time); a ``Formatter`` asks it once per language and then fills in
numbers at Python speed, because a table formats its cells as they are shown and a night's
scoring writes millions of sentences. Amounts are rounded to the fen half away from zero (as
the bank rounds: 0.5 fen is 1 fen, -0.5 fen is -1 fen), whole yuan likewise, and exactly:
integers stay integers however large. A figure that rounds to zero has no minus sign.

In a table, whose column says what it holds, an amount is written without its currency
(``amount``, ``amount_whole``); in a sentence, with it (``money``).
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import dates as babel_dates
from babel import numbers as babel_numbers

#: the languages the engine writes its sentences in
LANGUAGES = ("zh", "en")
_LOCALE = {"zh": "zh_CN", "en": "en_GB"}
_PROBE, _PROBE_TEXT = 1234567.5, "1,234,567.50"
#: what is written for a figure that is not a number (NaN, infinity)
DASH = "—"
_UNASKED = ("", "", "")  # a currency not yet asked about


def locale_of(language: str) -> str:
    """The Babel locale of an interface or sentence language ("zh_CN", "zh", "en")."""
    return _LOCALE.get(language[:2], "en_GB")


def nearest(value: Any) -> int:
    """The nearest whole number, half away from zero: fen from an amount in fractional fen,
    a count held as a float."""
    if type(value) is int:
        return value
    try:
        return operator.index(value)  # numpy's integers
    except TypeError:
        pass
    if isinstance(value, Decimal):
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    x = float(value)
    if x < 0:
        return -nearest(-x)
    below = math.floor(x)
    return below + 1 if x - below >= 0.5 else below  # exact: x - floor(x) loses nothing


#: fen below which ``n / 100`` is written exactly to the fen (a double holds it closely enough)
_EXACT = 10**15


def _yuan(n: int) -> str:
    """``n`` fen as yuan with two decimals, grouped."""
    if -_EXACT < n < _EXACT:
        return f"{n / 100:,.2f}"
    yuan, cents = divmod(-n if n < 0 else n, 100)
    return f"{'-' if n < 0 else ''}{yuan:,}.{cents:02d}"


#: 10 ** digits, looked up rather than computed for every figure
_SCALE = tuple(10**n for n in range(19))
_SPEC = tuple(f",.{n}f" for n in range(19))


def _fixed(x: float, digits: int) -> str:
    """``x`` with ``digits`` decimals and grouping, rounded half away from zero on its exact
    value (as Qt's locale rounds); no minus sign on a figure that rounds to zero."""
    if (x * _SCALE[digits]) % 1 == 0.5:  # a tie, or as good as: the exact value decides
        exact = Decimal(x).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        text = format(exact, _SPEC[digits])
    else:
        text = format(x, _SPEC[digits])
    if text[0] == "-" and not text.strip("-0.,"):
        return text[1:]
    return DASH if text[-1] in "nf" else text  # nan, inf


class Formatter:
    """Amounts, percentages, counts and dates in one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.locale = locale_of(language)
        group = babel_numbers.get_group_symbol(self.locale)
        decimal = babel_numbers.get_decimal_symbol(self.locale)
        self._minus = babel_numbers.get_minus_sign_symbol(self.locale)
        #: None where the locale writes 1,234.5 and -1 as Python does, else the swap
        self._symbols = (
            None
            if (group, decimal, self._minus) == (",", ".", "-")
            else str.maketrans({",": group, ".": decimal, "-": self._minus})
        )
        self._percent_plain = (
            self._symbols is None
            and str(babel_numbers.format_percent(0.123, "#,##0.0%", locale=self.locale)) == "12.3%"
        )
        #: per currency, what the locale writes before and after the amount (None: let Babel)
        self._around: dict[str, tuple[str, str] | None] = {}
        self._date = _date_writer(self.locale)
        self._time = _time_writer(self.locale)
        self._date_time = str(babel_dates.get_datetime_format("short", locale=self.locale))

    def _local_text(self, text: str) -> str:
        return text if self._symbols is None else text.translate(self._symbols)

    # --- numbers -----------------------------------------------------------------------------
    def count(self, value: Any) -> str:
        """A count (clients, rows, visits), grouped: 12,345."""
        try:
            return self._local_text(f"{nearest(value):,}")
        except (ValueError, OverflowError):  # NaN, infinity
            return DASH

    def number(self, value: Any, digits: int = 1) -> str:
        """A number with ``digits`` decimals, grouped, half away from zero: 1,234.5."""
        return self._local_text(_fixed(float(value), digits))

    def percent(self, ratio: Any, digits: int = 1) -> str:
        """A ratio (0.125) as a percentage, half away from zero: 12.5%."""
        if self._percent_plain:
            text = _fixed(float(ratio) * 100, digits)
            return text if text is DASH else text + "%"
        pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
        return str(babel_numbers.format_percent(ratio, format=pattern, locale=self.locale))

    def growth(self, ratio: Any, digits: int = 1) -> str:
        """A change as an arrow and a percentage: ▲ 12.5%, ▼ 3.0%."""
        value = float(ratio)
        arrow = "▲ " if value >= 0 else "▼ "
        return arrow + self.percent(abs(value), digits)

    # --- money ---------------------------------------------------------------------------------
    def amount(self, minor: Any) -> str:
        """An amount in fen as yuan with two decimals, grouped, no currency: -1,234.50."""
        try:
            text = _yuan(nearest(minor))
        except (ValueError, OverflowError):  # NaN, infinity
            return DASH
        return text if self._symbols is None else text.translate(self._symbols)

    def amount_whole(self, minor: Any) -> str:
        """An amount in fen as whole yuan (half away from zero), grouped: -1,235."""
        try:
            n = nearest(minor)
        except (ValueError, OverflowError):
            return DASH
        yuan = (abs(n) + 50) // 100
        text = f"{-yuan if n < 0 else yuan:,}"
        return text if self._symbols is None else text.translate(self._symbols)

    def money(self, minor: Any, currency: str = "CNY", *, whole: bool = False) -> str:
        """An amount in fen with its currency as the locale writes it: ¥1,234.50 (zh),
        CN¥1,234.50 (en); ``whole`` for whole yuan (¥1,235)."""
        try:
            n = nearest(minor)
        except (ValueError, OverflowError):
            return DASH
        around = self._around.get(currency, _UNASKED)
        if around is _UNASKED:
            around = self._around[currency] = _money_template(currency or "CNY", self.locale)
        if around is None:  # a locale that writes this currency unlike 1,234.50
            value = Decimal(n) / 100
            if whole:
                value = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
            return str(babel_numbers.format_currency(value, currency, locale=self.locale))
        if whole:
            yuan = (abs(n) + 50) // 100
            digits, negative = f"{yuan:,}", n < 0 and yuan > 0
        else:
            digits, negative = _yuan(-n if n < 0 else n), n < 0
        if self._symbols is not None:
            digits = digits.translate(self._symbols)
        return f"{self._minus if negative else ''}{around[0]}{digits}{around[1]}"

    # --- dates ---------------------------------------------------------------------------------
    def date(self, value: Any) -> str:
        """A day in the locale's short form (2026/1/5, 05/01/2026); other values as text."""
        if isinstance(value, dt.datetime):  # pandas' Timestamp is one too
            return self._date(value.date())
        if isinstance(value, dt.date):
            return self._date(value)
        if isinstance(value, str) and len(value) == 10:
            try:
                return self._date(dt.date.fromisoformat(value))
            except ValueError:
                pass
        return str(value)

    def datetime(self, value: Any) -> str:
        """A moment in the user's local time, short: 2026/1/5 09:05, 05/01/2026, 09:05."""
        if not isinstance(value, dt.datetime):
            return self.date(value)
        if hasattr(value, "to_pydatetime"):  # pandas' Timestamp
            value = value.to_pydatetime()
        if value.tzinfo is not None:
            value = value.astimezone()  # shown in the user's local time
        return self._date_time.replace("{1}", self._date(value.date())).replace(
            "{0}", self._time(value)
        )

    # --- a KPI --------------------------------------------------------------------------------
    def kpi(self, value: Any, unit: str) -> str:
        """A scorecard KPI's value by its unit: money in whole yuan, ratios as percentages,
        per-client figures with two decimals, counts grouped."""
        if unit == "minor":
            return self.amount_whole(value)
        if unit == "ratio":
            return self.percent(value)
        if unit == "per_client":
            return self.number(value, 2)
        return self.count(nearest(value))  # a count held as a float: the nearest whole one


_MADE: dict[str, Formatter] = {}


def plural_en(n: float, one: str, many: str) -> str:
    """An English noun for a count: ``one`` for exactly 1, ``many`` otherwise ("1 day", "2
    days", "0 days"). Chinese has one form; the English sentences choose with this."""
    return one if n == 1 else many


def formatter(language: str) -> Formatter:
    """The formatter of ``language`` ("zh_CN", "zh", "en"), made once (a sentence asks for it
    for every number it writes)."""
    try:
        return _MADE[language]
    except KeyError:
        made = _MADE[language] = Formatter(language)
        return made


def _money_template(currency: str, locale: str) -> tuple[str, str] | None:
    """(prefix, suffix) around a number written 1,234,567.50, or None when the locale differs."""
    text = str(babel_numbers.format_currency(_PROBE, currency, locale=locale))
    at = text.find(_PROBE_TEXT)
    return None if at < 0 else (text[:at], text[at + len(_PROBE_TEXT) :])


#: CLDR date and time fields the short forms use, as Python format fields
_FIELDS = {
    "y": "{0.year}",
    "yyyy": "{0.year:04d}",
    "M": "{0.month}",
    "MM": "{0.month:02d}",
    "d": "{0.day}",
    "dd": "{0.day:02d}",
    "H": "{0.hour}",
    "HH": "{0.hour:02d}",
    "mm": "{0.minute:02d}",
}
_TOKEN = re.compile(r"'[^']*'|([a-zA-Z])\1*|[^a-zA-Z']+")


def _compiled(pattern: str) -> str | None:
    """A CLDR pattern (y/M/d, dd/MM/y, HH:mm) as a str.format template, or None if it uses a
    field the template cannot write (then Babel writes each value)."""
    out = []
    for match in _TOKEN.finditer(pattern):
        token = match.group(0)
        if token.startswith("'"):
            out.append(token[1:-1].replace("{", "{{").replace("}", "}}") or "'")
        elif token[0].isalpha():
            if token not in _FIELDS:
                return None
            out.append(_FIELDS[token])
        else:
            out.append(token.replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def _date_writer(locale: str) -> Callable[[dt.date], str]:
    pattern = babel_dates.get_date_format("short", locale=locale).pattern
    template = _compiled(pattern)
    if template is None:
        return lambda day: str(babel_dates.format_date(day, "short", locale=locale))
    return template.format


def _time_writer(locale: str) -> Callable[[dt.datetime], str]:
    pattern = babel_dates.get_time_format("short", locale=locale).pattern
    template = _compiled(pattern)
    if template is None:
        return lambda moment: str(babel_dates.format_time(moment, "short", locale=locale))
    return template.format


# --- the engine's sentences: (value, language) calls, one language after the other -----------
def money(minor: Any, currency: str, language: str) -> str:
    """An amount held in minor units (fen, haléř), written with its currency."""
    return formatter(language).money(minor, currency)


def percent(value: Any, language: str, digits: int = 1) -> str:
    return formatter(language).percent(value, digits)


def number(value: Any, language: str, digits: int = 1) -> str:
    return formatter(language).number(value, digits)
