"""A service's refusal of what a person asked, said in both languages.

The screens show ``zh`` or ``en`` by the interface's language (``views.widgets.context``); the
command line and the logs show the English (the exception's text). Every refusal a person can
meet on a screen is one of these, and a test (tests/unit/test_refusals.py) fails on a
``raise`` of one without its Chinese.
"""

from __future__ import annotations


class Refusal(ValueError):
    """Why a change or a request was refused: ``en`` (also ``str()``) and ``zh``."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh
