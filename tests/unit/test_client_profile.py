"""The client profile's ID numbers, masked as on screen and on paper."""

from __future__ import annotations

import pytest

from rmdesk.services.common.masking import mask_number


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("110105199407064676", "1101**********4676"),
        ("1101051994070646", "1101********0646"),
        ("91110000MA01234567", "9111**********4567"),
        ("12345", "***45"),
        (None, ""),
        ("", ""),
    ],
)
def test_id_numbers_are_masked(raw: str | None, masked: str) -> None:
    assert mask_number(raw) == masked
