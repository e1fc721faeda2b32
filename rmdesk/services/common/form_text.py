"""Text typed into a form, made storable: the same on SQLite and PostgreSQL.

Control characters other than tab and line breaks have no place in a name, a purpose or a
note, and PostgreSQL cannot store NUL at all; they are dropped, and so are zero-width and
direction-changing characters (which make a text read otherwise than it is); line breaks
become "\\n", and the text is trimmed. Found by tests/stress/test_fuzz_forms.py.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: zero-width and direction-changing characters, which make a text read otherwise than it is
FORMAT = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def clean(text: str | None) -> str:
    """``text`` without control characters (tabs and line breaks kept), trimmed."""
    if not text:
        return ""
    text = FORMAT.sub("", CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    return text.strip()
