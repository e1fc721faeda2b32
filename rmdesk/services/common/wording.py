"""Numbers inside sentences the engine writes (flag evidence, suggestion reasons, breakdowns).

Babel decides how each locale writes an amount and a percentage (symbol, its place, separators);
the engine asks it once per currency and language and then fills in numbers at Python speed,
because a night's scoring writes millions of them. Every sentence exists in Chinese and English.
"""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import format_currency, format_decimal, format_percent

LANGUAGES = ("zh", "en")
_LOCALE = {"zh": "zh_CN", "en": "en_GB"}
_PROBE, _PROBE_TEXT = 1234567.5, "1,234,567.50"


def locale_of(language: str) -> str:
    return _LOCALE.get(language[:2], "en_GB")


@lru_cache(maxsize=256)
def _money_template(currency: str, language: str) -> tuple[str, str] | None:
    """(prefix, suffix) around a number written 1,234.50, or None when the locale differs."""
    text = str(format_currency(_PROBE, currency, locale=locale_of(language)))
    at = text.find(_PROBE_TEXT)
    return None if at < 0 else (text[:at], text[at + len(_PROBE_TEXT) :])


def money(minor: float, currency: str, language: str) -> str:
    """An amount held in minor units (fen, haléř), written with its currency."""
    currency = currency or "CNY"
    value = round(minor) / 100
    template = _money_template(currency, language)
    if template is None:
        return str(format_currency(value, currency, locale=locale_of(language)))
    sign = "-" if value < 0 else ""
    return f"{sign}{template[0]}{abs(value):,.2f}{template[1]}"


@lru_cache(maxsize=16)
def _percent_plain(language: str) -> bool:
    return str(format_percent(0.123, format="#,##0.0%", locale=locale_of(language))) == "12.3%"


def percent(value: float, language: str, digits: int = 1) -> str:
    if _percent_plain(language):
        return f"{value * 100:,.{digits}f}%"
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return str(format_percent(value, format=pattern, locale=locale_of(language)))


def number(value: float, language: str, digits: int = 1) -> str:
    if _percent_plain(language):
        return f"{value:,.{digits}f}"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return str(format_decimal(value, format=pattern, locale=locale_of(language)))
