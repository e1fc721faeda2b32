"""A table's text parsed into checked columns: dates, money, rates, codes, references.

Every parser here records what it cannot read as a ``Problem`` naming the file, the line and
the column, and goes on, so that one run reports every problem in a file at once. Values are
parsed a column at a time (pandas), which keeps a million-row file fast. Reading the files
into tables of text, within the limits, is reading.py's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from rmdesk.services.data.importing.problems import MAX_LISTED, Problems, quote, shorten

DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
    "%d.%m.%Y",
    "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
)
DATE_HELP = "a date such as 2024-03-31, 2024/03/31, 20240331, 31.03.2024 or 2024年3月31日"
TRUE_WORDS = {"1", "y", "yes", "true", "t", "是", "有"}
FALSE_WORDS = {"0", "n", "no", "false", "f", "否", "无"}
_MONEY_JUNK = re.compile(r"[,\s_¥￥$€£]|CNY|RMB|EUR|CZK|Kč", re.IGNORECASE)


@dataclass
class Table:
    """A file's rows as text, with the line each row came from (the header is line 1)."""

    name: str
    frame: pd.DataFrame
    lines: np.ndarray

    def __len__(self) -> int:
        return len(self.frame)

    def has(self, column: str) -> bool:
        return column in self.frame.columns

    def raw(self, column: str) -> pd.Series:
        """The column's text, stripped; empty cells and absent columns are missing (NA)."""
        if column not in self.frame.columns:
            return pd.Series(np.nan, index=self.frame.index, dtype="str")
        values = self.frame[column]
        if values.dtype != "str":
            values = values.astype("str")
        stripped = values.str.strip()
        return stripped.where(stripped.str.len() > 0)


def numbers(raw: pd.Series) -> np.ndarray:
    """The column as float64 (NaN where not a plain number), by Arrow's cast where it can."""
    array = getattr(raw.array, "_pa_array", None)
    if array is not None:
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            cast = pc.cast(array, pa.float64())
            return np.asarray(cast.to_numpy(zero_copy_only=False), dtype="float64")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # some cell is not a plain number: parse cell by cell below
    return np.asarray(pd.to_numeric(raw, errors="coerce"), dtype="float64")


class Checker:
    """Parses a table's columns into typed Series, recording each bad cell as a problem."""

    def __init__(self, table: Table, problems: Problems) -> None:
        self.table = table
        self.problems = problems

    def require_columns(self, columns: Iterable[str]) -> bool:
        missing = [c for c in columns if not self.table.has(c)]
        names = [shorten(str(c), 40) for c in self.table.frame.columns]
        found = ", ".join(names[:30]) + (f" and {len(names) - 30} more" if len(names) > 30 else "")
        for column in missing:
            message = f"missing column (found: {found or 'none'})"
            self.problems.add(self.table.name, 1, column, message)
        return not missing

    def bad(self, column: str, mask: pd.Series | np.ndarray, raw: pd.Series, expected: str) -> None:
        idx = np.flatnonzero(np.asarray(mask, dtype=bool))
        self.report(idx, column, lambda i: f"expected {expected}, got {quote(raw.iloc[i])}")

    def report(self, idx: np.ndarray, column: str, message: Callable[[int], str]) -> None:
        room = self._room()
        for i in idx[:room]:
            self.problems.add(self.table.name, int(self.table.lines[i]), column, message(int(i)))
        self.problems.total += max(0, len(idx) - room)

    def _room(self) -> int:
        return max(0, MAX_LISTED - len(self.problems.listed))

    def missing(self, column: str, raw: pd.Series, required: bool) -> None:
        if required:
            idx = np.flatnonzero(raw.isna().to_numpy())
            self.report(idx, column, lambda _i: "a value is required here")

    def unique(self, column: str, values: pd.Series) -> None:
        """Each value (an id) may appear once."""
        dup = values.notna() & values.duplicated(keep="first")
        self.report(
            np.flatnonzero(dup.to_numpy()),
            column,
            lambda i: f"{_show(values.iloc[i])} appears more than once; ids must be unique",
        )

    def known(
        self, column: str, values: pd.Series, allowed: Collection[object], where: str
    ) -> None:
        """Each value refers to something that exists: one of ``allowed`` (said as ``where``)."""
        missing = values.notna() & ~values.isin(allowed)
        self.report(
            np.flatnonzero(missing.to_numpy()),
            column,
            lambda i: f"{_show(values.iloc[i])} is not in {where}",
        )

    def text(self, column: str, *, required: bool = False, max_len: int | None = None) -> pd.Series:
        raw = self.table.raw(column)
        self.missing(column, raw, required)
        if max_len is not None:
            too_long = raw.str.len().fillna(0).to_numpy() > max_len
            self.bad(column, too_long, raw, f"at most {max_len} characters")
        return raw

    def integer(
        self,
        column: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> pd.Series:
        raw = self.table.raw(column)
        self.missing(column, raw, required)
        num = pd.Series(numbers(raw), index=raw.index)
        retry = (raw.notna() & num.isna()).to_numpy()
        if retry.any():  # only cells a plain parse could not read: "1,234"
            num[retry] = pd.to_numeric(
                raw[retry].str.replace(",", "", regex=False), errors="coerce"
            )
        # past 2^53 a float is no longer a whole number exactly, and past 2^63 no integer fits
        bad = raw.notna() & (num.isna() | (num % 1 != 0) | (num.abs() >= 2**53))
        if minimum is not None:
            bad |= num < minimum
        if maximum is not None:
            bad |= num > maximum
        bounds = ""
        if minimum is not None or maximum is not None:
            bounds = (
                f" between {minimum if minimum is not None else '-∞'} and "
                f"{maximum if maximum is not None else '∞'}"
            )
        self.bad(column, bad, raw, f"a whole number{bounds}")
        return num.where(~bad).astype("Int64")

    def money(
        self, column: str, *, required: bool = False, decimals: int = 2, allow_negative: bool = True
    ) -> pd.Series:
        """Amounts in major units ('1,234.56', '¥1234.5') as integer minor units."""
        raw = self.table.raw(column)
        self.missing(column, raw, required)
        scale = 10**decimals
        # Fast path: a plain number below a million needs no more than float arithmetic to be
        # exact in minor units (the rounding error stays under 1e-7 of a unit).
        num = numbers(raw)
        with np.errstate(invalid="ignore", over="ignore"):  # '1e999' is inf: the slow path says so
            scaled = num * scale
            rounded = np.rint(scaled)
            fast = np.isfinite(num) & (np.abs(num) < 1e6) & (np.abs(scaled - rounded) < 1e-7)
        minor = np.where(fast, rounded, 0).astype(np.int64)
        bad = np.zeros(len(raw), dtype=bool)
        slow = raw.notna().to_numpy() & ~fast
        if slow.any():  # everything else is read digit by digit, exactly
            exact, wrong = _exact_minor(raw[slow], decimals)
            minor[slow] = exact
            bad[slow] = wrong
        if not allow_negative:
            bad |= fast & (num < 0)
        sign = "" if allow_negative else "non-negative "
        self.bad(
            column, bad, raw, f"an {sign}amount with at most {decimals} decimals, e.g. 1234.56"
        )
        ok = raw.notna().to_numpy() & ~bad
        return pd.Series(minor, index=raw.index).astype("Int64").where(ok)

    def rate(
        self, column: str, *, required: bool = False, minimum: float = -1.0, maximum: float = 1.0
    ) -> pd.Series:
        """Rates as exact decimals: '0.025' or '2.5%' both give Decimal('0.025')."""
        raw = self.table.raw(column)
        self.missing(column, raw, required)
        out: list[Decimal | None] = []
        bad = np.zeros(len(raw), dtype=bool)
        for i, value in enumerate(raw.tolist()):
            if value is None or pd.isna(value):
                out.append(None)
                continue
            try:
                text = str(value).replace(" ", "")
                dec = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
                if not dec.is_finite() or not (minimum <= dec <= maximum):
                    raise InvalidOperation
                out.append(dec)
            except (InvalidOperation, ValueError):
                bad[i] = True
                out.append(None)
        self.bad(column, bad, raw, f"a rate between {minimum} and {maximum} such as 0.025 or 2.5%")
        return pd.Series(out, index=raw.index, dtype="object")

    def date(self, column: str, *, required: bool = False) -> pd.Series:
        raw = self.table.raw(column)
        self.missing(column, raw, required)
        parsed = parse_dates(raw)
        bad = raw.notna() & parsed.isna()
        self.bad(column, bad, raw, DATE_HELP)
        return parsed

    def choice(
        self,
        column: str,
        mapping: Mapping[str, str],
        *,
        required: bool = False,
        default: str | None = None,
    ) -> pd.Series:
        """A value from a closed list; ``mapping`` maps every accepted spelling (lowercase)."""
        raw = self.table.raw(column)
        self.missing(column, raw, required and default is None)
        mapped = raw.str.lower().map(mapping)
        bad = raw.notna() & mapped.isna()
        names = sorted(set(mapping.values()))
        self.bad(column, bad, raw, "one of " + ", ".join(names))
        if default is not None:
            mapped = mapped.where(raw.notna(), default)
        return mapped.astype("object")

    def boolean(self, column: str, *, default: bool = False) -> pd.Series:
        mapping = {w: "1" for w in TRUE_WORDS} | {w: "0" for w in FALSE_WORDS}
        raw = self.table.raw(column)
        mapped = raw.str.lower().map(mapping)
        bad = raw.notna() & mapped.isna()
        self.bad(column, bad, raw, "yes or no (1/0, true/false, 是/否)")
        return mapped.map({"1": True, "0": False}).where(mapped.notna(), default).astype(bool)


def _exact_minor(raw: pd.Series, decimals: int) -> tuple[np.ndarray, np.ndarray]:
    """Minor units by integer arithmetic on the digits ('1,234.56', '¥12.5', 16 digits)."""
    cleaned = raw.str.replace(_MONEY_JUNK, "", regex=True)
    parts = cleaned.str.extract(r"^([+-]?)(\d*)(?:\.(\d*))?$")
    whole, frac = parts[1].fillna(""), parts[2].fillna("")
    shape_ok = parts[1].notna() & ((whole.str.len() > 0) | (frac.str.len() > 0))
    fits = (frac.str.len() <= decimals) & (whole.str.lstrip("0").str.len() <= 15)
    ok = (shape_ok & fits).fillna(False).astype(bool).to_numpy()
    units = pd.to_numeric(whole.where(ok & (whole != "").to_numpy(), "0"), errors="coerce")
    cents = (
        pd.to_numeric(frac.where(ok, "").str.ljust(decimals, "0"), errors="coerce")
        if decimals
        else pd.Series(0, index=raw.index)
    )
    sign = np.where((parts[0] == "-").fillna(False).to_numpy(), -1, 1)
    minor = units.fillna(0).astype("int64") * 10**decimals + cents.fillna(0).astype("int64")
    return np.where(ok, minor.to_numpy() * sign, 0), ~ok


def _show(value: object) -> str:
    return quote(value) if isinstance(value, str) else str(value)


def parse_dates(raw: pd.Series) -> pd.Series:
    """Dates in any of ``DATE_FORMATS``; what none of them reads is NaT."""
    result = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    todo = raw.notna()
    for fmt in DATE_FORMATS:
        if not todo.any():
            break
        got = pd.to_datetime(raw[todo], format=fmt, errors="coerce")
        ok = got.notna()
        result.loc[got.index[ok]] = got[ok]
        todo.loc[got.index[ok]] = False
    return result
