"""Hiding most of an ID, account or phone number: one rule for the screen, paper and exports.

``mask_number`` keeps the first and last four characters of a long number (1101**********4676)
and the last two of a short one. ``is_masked_column`` tells from a column's name whether it
holds such a number; the words it reads are listed here and nowhere else, so a new column
(a phone number, say) is masked everywhere by being named for what it holds.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

#: what a number is of, in a column's name, when followed by a number word (id_number, card_no)
KINDS = (
    "id",
    "identity",
    "passport",
    "account",
    "acct",
    "card",
    "phone",
    "mobile",
    "tel",
    "telephone",
    "cellphone",
)
#: the words that say "number"
NUMBER_WORDS = ("number", "no", "num", "nr", "nbr")
#: kinds whose name alone, as the last word, says it is a number (phone, counterparty_account)
ALONE = ("account", "acct", "phone", "mobile", "telephone", "tel", "cellphone", "msisdn", "iban")
_COMPACT = frozenset(k + n for k in KINDS for n in NUMBER_WORDS) | {"idcard"}  # idno, phoneno


def mask_number(text: str | None) -> str:
    """A number with all but its first and last four characters hidden (1101**…**1234); one
    of eight characters or fewer keeps only its last two."""
    if not text:
        return ""
    text = text.strip()
    if len(text) <= 8:
        return "*" * (len(text) - 2) + text[-2:] if len(text) > 2 else "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def _words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)  # accountNo -> account_No
    return re.findall(r"[a-z]+", spaced.lower())


def is_masked_column(name: str) -> bool:
    """Whether a column named ``name`` holds an ID, account, card or phone number."""
    words = _words(name)
    if not words:
        return False
    if words[-1] in ALONE or words[-2:] == ["id", "card"] or _COMPACT & set(words):
        return True
    return any(a in KINDS and b in NUMBER_WORDS for a, b in itertools.pairwise(words))


def masked_columns(names: Sequence[str]) -> list[int]:
    """The positions of the columns in ``names`` that ``is_masked_column`` masks."""
    return [i for i, name in enumerate(names) if is_masked_column(name)]


def mask_cell(value: Any) -> Any:
    """A cell of a masked column: text masked, an empty cell left empty."""
    if value is None or value == "":
        return value
    return mask_number(str(value))
