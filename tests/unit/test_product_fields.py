"""The catalogue's fields of who a product is for and its pitch lines, as checked on the way in
(services/common/product_fields.py)."""

from __future__ import annotations

import pytest

from rmdesk.services.common import product_fields as pf
from rmdesk.services.common.product_fields import ProductFieldError


def test_client_kinds_take_codes_and_chinese_words_and_empty_means_both() -> None:
    assert pf.client_kinds("individual") == "individual"
    assert pf.client_kinds(" 企业 ") == "corporate"
    assert pf.client_kinds("Corporate") == "corporate"
    assert pf.client_kinds("") is None and pf.client_kinds(None) is None
    with pytest.raises(ProductFieldError, match="client_kinds: 'both'"):
        pf.client_kinds("both")


def test_risk_levels_are_r1_to_r5_or_nothing() -> None:
    assert pf.risk_level("r3") == "R3"
    assert pf.risk_level(" R5 ") == "R5"
    assert pf.risk_level(None) is None
    for bad in ("R6", "R0", "3", "high"):
        with pytest.raises(ProductFieldError, match="risk_level"):
            pf.risk_level(bad)


def test_pitch_lines_are_cleaned_and_kept_short() -> None:
    text = " 一年期，利率锁定。\r\n\r\n\u200b到期自动转存\x00。 \n"
    assert pf.pitch(text, "pitch_zh") == "一年期，利率锁定。\n到期自动转存。"
    assert pf.pitch("  \n ") is None
    with pytest.raises(ProductFieldError, match="pitch_en: 7 lines"):
        pf.pitch("\n".join("a" * 7), "pitch_en")
    with pytest.raises(ProductFieldError, match="pitch_zh: line 2 has 121 characters"):
        pf.pitch("ok\n" + "x" * 121, "pitch_zh")


def test_checked_names_an_unknown_field() -> None:
    assert pf.checked({"risk_level": "r2", "pitch_en": "Hi"}) == {
        "risk_level": "R2",
        "pitch_en": "Hi",
    }
    with pytest.raises(ProductFieldError, match="unknown field"):
        pf.checked({"name_zh": "x"})
