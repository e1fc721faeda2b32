"""How to reach a client: the contact details a client record carries, and what a valid one
looks like (docs/import-format.md). One list, read by the importers, the demo bank, the client
view and the book's search."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rmdesk.services.common.masking import mask_number


@dataclass(frozen=True)
class Detail:
    name: str
    label_zh: str
    label_en: str
    max_len: int
    #: what a valid value looks like, and how an import's problem says it (None: any text)
    pattern: re.Pattern[str] | None = None
    expected: str = ""
    #: printed on a brief, the day pack's cover and an .ics event (else on the screen only)
    on_paper: bool = True


PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,30}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_SAID = "a phone number: digits, spaces, ( ) and -, with + before a country code"

DETAILS: tuple[Detail, ...] = (
    Detail("mobile", "手机", "Mobile", 32, PHONE, PHONE_SAID),
    Detail("phone", "固定电话", "Phone", 32, PHONE, PHONE_SAID),
    Detail("email", "电子邮箱", "E-mail", 200, EMAIL, "an e-mail address (name@domain)", False),
    Detail("wechat", "微信/企业微信", "WeChat / WeCom", 64, on_paper=False),
    Detail("address", "地址", "Address", 300),
)
NAMES = tuple(d.name for d in DETAILS)


def digits(text: object) -> str:
    """A phone number's digits alone, for matching any part of it however it was written
    (nothing for an empty or missing one)."""
    return "".join(ch for ch in text if ch.isdigit()) if isinstance(text, str) else ""


def masks_phones(phones_on_paper: str, *, always: bool = False) -> bool:
    """Whether phone numbers are masked on paper: the bank's parameter ``phones_on_paper``
    asks for it, or this computer's settings do (``always``: a computer's ``print_masking``
    can make paper stricter than the bank's parameter, never less strict)."""
    return always or phones_on_paper == "masked"


def on_paper(reach: dict[str, str | None], lang: str, masked: bool) -> str:
    """How to reach a client on paper or in a file that leaves the app (a brief, the day
    pack's cover, an .ics event): mobile, phone and address (e-mail and WeChat stay on the
    screen); the numbers masked (``1381***5678``) unless the bank prints them whole (the
    parameter ``phones_on_paper``)."""
    zh = lang.startswith("zh")
    parts = []
    for d in DETAILS:
        value = reach.get(d.name)
        if not value or not d.on_paper:
            continue
        shown = mask_number(digits(value)) if masked and d.pattern is PHONE else value
        parts.append(f"{d.label_zh if zh else d.label_en}: {shown}")
    return (
        " · ".join(parts) if parts else ("联系方式：未登记" if zh else "How to reach: none on file")
    )


def persons_on_paper(persons: list[dict[Any, Any]], lang: str, masked: bool) -> str:
    """A company's deciders on paper: name (title), and their mobile or phone, masked as the
    client's numbers are; empty when none decides or none is on file."""
    zh = lang.startswith("zh")
    parts = []
    for p in persons:
        if not p.get("decision_maker"):
            continue
        title = p.get("title")
        head = (
            str(p["name"]) + (f"（{title}）" if zh else f" ({title})") if title else str(p["name"])
        )
        number = next(
            (p[k] for k in ("mobile", "phone") if isinstance(p.get(k), str) and p[k]), None
        )
        if number:
            head += " " + (mask_number(digits(number)) if masked else str(number))
        parts.append(head)
    if not parts:
        return ""
    return ("决策人：" if zh else "Decides: ") + ("；" if zh else "; ").join(parts)
