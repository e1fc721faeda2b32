"""The catalogue's fields of who a product is for and what an RM says about it, and their checks.

One declaration for the catalogue import, the administrator's catalogue screen and the engine:
``client_kinds`` (empty: individuals and companies), ``risk_level`` (the bank's risk grade
R1..R5, empty: no investment risk) and the pitch lines in Chinese and English (a few short
sentences, one per line). docs/suitability.md says how the engine reads them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from rmdesk.services.common import form_text

#: who a product may be for; empty (None) means both
CLIENT_KINDS: dict[str, tuple[str, str]] = {
    "individual": ("个人客户", "individuals"),
    "corporate": ("公司客户", "companies"),
}
#: the bank's product risk grades, lowest first (R1 谨慎型 … R5 激进型)
RISK_LEVELS: dict[str, tuple[str, str]] = {
    "R1": ("R1 谨慎型", "R1 cautious"),
    "R2": ("R2 稳健型", "R2 conservative"),
    "R3": ("R3 平衡型", "R3 balanced"),
    "R4": ("R4 进取型", "R4 growth"),
    "R5": ("R5 激进型", "R5 aggressive"),
}
#: what the import and the screen accept for them besides the codes themselves
KIND_WORDS: Mapping[str, str] = {
    "individual": "individual",
    "个人": "individual",
    "corporate": "corporate",
    "公司": "corporate",
    "企业": "corporate",
}
RISK_WORDS: Mapping[str, str] = {
    **{code: code for code in RISK_LEVELS},
    **{code.lower(): code for code in RISK_LEVELS},
}
#: a pitch is a few lines an RM reads out, not a brochure
PITCH_MAX_LINES = 6
PITCH_MAX_LINE = 120
PITCH_FIELDS = ("pitch_zh", "pitch_en")
FIELDS = ("client_kinds", "risk_level", *PITCH_FIELDS)


class ProductFieldError(ValueError):
    """A value the catalogue cannot hold; the message names the field, ``zh`` says it in
    Chinese for the screen."""

    def __init__(self, field: str, en: str, zh: str) -> None:
        super().__init__(f"{field}: {en}")
        self.field = field
        self.zh = zh


def _text(raw: object) -> str:
    """``raw`` as trimmed text; None and pandas' missing values are empty."""
    if raw is None or raw is pd.NA or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    return str(raw).strip()


def client_kinds(raw: object) -> str | None:
    """``individual``, ``corporate`` or None (both) from a code or its Chinese word."""
    text = _text(raw)
    if not text:
        return None
    found = KIND_WORDS.get(text.lower())
    if found is None:
        raise ProductFieldError(
            "client_kinds",
            f"{text!r} is not one of individual, corporate (empty: both)",
            f"客户类型“{text}”无效：只能是个人或公司（留空为两者）",
        )
    return found


def risk_level(raw: object) -> str | None:
    """``R1`` .. ``R5`` or None (no investment risk)."""
    text = _text(raw)
    if not text:
        return None
    found = RISK_WORDS.get(text)
    if found is None:
        raise ProductFieldError(
            "risk_level",
            f"{text!r} is not one of R1, R2, R3, R4, R5 (or empty)",
            f"风险等级“{text}”无效：只能是R1至R5（或留空）",
        )
    return found


def pitch(raw: object, field: str = "pitch") -> str | None:
    """The pitch lines as stored: cleaned like any typed text, blank lines dropped, at most
    ``PITCH_MAX_LINES`` lines of ``PITCH_MAX_LINE`` characters; None when there is none."""
    text = form_text.clean(_text(raw))
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return None
    if len(lines) > PITCH_MAX_LINES:
        raise ProductFieldError(
            field,
            f"{len(lines)} lines; a pitch has at most {PITCH_MAX_LINES}",
            f"推介话术有{len(lines)}行，最多{PITCH_MAX_LINES}行",
        )
    long = [i for i, line in enumerate(lines, 1) if len(line) > PITCH_MAX_LINE]
    if long:
        size = len(lines[long[0] - 1])
        raise ProductFieldError(
            field,
            f"line {long[0]} has {size} characters; at most {PITCH_MAX_LINE} a line",
            f"推介话术第{long[0]}行有{size}个字，每行最多{PITCH_MAX_LINE}个字",
        )
    return "\n".join(lines)


def checked(changes: Mapping[str, object]) -> dict[str, str | None]:
    """``changes`` of these fields as they will be stored; an unknown field or value is a
    ``ProductFieldError`` naming it."""
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        names = ", ".join(unknown)
        raise ProductFieldError(
            unknown[0], f"unknown field(s) {names}; use {', '.join(FIELDS)}", f"未知字段：{names}"
        )
    out: dict[str, str | None] = {}
    for name, raw in changes.items():
        if name == "client_kinds":
            out[name] = client_kinds(raw)
        elif name == "risk_level":
            out[name] = risk_level(raw)
        else:
            out[name] = pitch(raw, name)
    return out
