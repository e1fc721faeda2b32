"""Words for the codes stored in the database (segments, statuses, severities…), in the UI language.

Each table maps a stored code to an English source text marked for translation in the "Labels"
context; ``label(TABLE, code)`` gives the text in the interface language (the code itself when
the table does not know it, so a new code still shows).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

SEGMENTS = {
    "mass": QT_TRANSLATE_NOOP("Labels", "Mass"),
    "affluent": QT_TRANSLATE_NOOP("Labels", "Affluent"),
    "private": QT_TRANSLATE_NOOP("Labels", "Private banking"),
    "sme": QT_TRANSLATE_NOOP("Labels", "Small business"),
    "corporate": QT_TRANSLATE_NOOP("Labels", "Corporate"),
}
KINDS = {
    "individual": QT_TRANSLATE_NOOP("Labels", "Individual"),
    "corporate": QT_TRANSLATE_NOOP("Labels", "Company"),
}
STATUSES = {
    "active": QT_TRANSLATE_NOOP("Labels", "Active"),
    "dormant": QT_TRANSLATE_NOOP("Labels", "Dormant"),
    "closed": QT_TRANSLATE_NOOP("Labels", "Closed"),
}
#: the notes the nightly scoring writes on a flag's history (``flag_note`` also reads the
#: ones with a date in them, and a snooze's "until DATE[: reason]")
FLAG_NOTES = {
    "raised by the rules": QT_TRANSLATE_NOOP("Labels", "raised by the rules"),
    "condition cleared": QT_TRANSLATE_NOOP("Labels", "condition cleared"),
}
#: (pattern of a note the services write, its words with %1, %2 for the pattern's groups)
_DATED_NOTES = (
    (
        re.compile(r"^condition persists after snoozed until (\d{4}-\d{2}-\d{2})$"),
        QT_TRANSLATE_NOOP("Labels", "the condition persists after the snooze until %1"),
    ),
    (
        re.compile(r"^condition persists after dismissed until (\d{4}-\d{2}-\d{2})$"),
        QT_TRANSLATE_NOOP("Labels", "the condition persists after the quiet period until %1"),
    ),
    (
        re.compile(r"^data of (\d{4}-\d{2}-\d{2}) still shows it after it was resolved$"),
        QT_TRANSLATE_NOOP("Labels", "the data of %1 still show it after it was resolved"),
    ),
    (
        re.compile(r"^until (\d{4}-\d{2}-\d{2}): (.*)$", re.DOTALL),
        QT_TRANSLATE_NOOP("Labels", "snoozed until %1: %2"),
    ),
    (re.compile(r"^until (\d{4}-\d{2}-\d{2})$"), QT_TRANSLATE_NOOP("Labels", "snoozed until %1")),
)


def flag_note(note: object) -> str:
    """A note of a flag's history in the interface language: the nightly run's and a snooze's
    in words (their dates kept); what a person typed as typed."""
    if note is None or note != note:  # missing, or NaN from a frame
        return ""
    text = str(note)
    if text in FLAG_NOTES:
        return label(FLAG_NOTES, text)
    for pattern, words in _DATED_NOTES:
        found = pattern.match(text)
        if found:
            out = QCoreApplication.translate("Labels", str(words))
            for i, value in enumerate(found.groups(), 1):
                out = out.replace(f"%{i}", value)
            return out
    return text


SEVERITIES = {
    "high": QT_TRANSLATE_NOOP("Labels", "High"),
    "medium": QT_TRANSLATE_NOOP("Labels", "Medium"),
    "low": QT_TRANSLATE_NOOP("Labels", "Low"),
}
FLAG_STATUSES = {
    "raised": QT_TRANSLATE_NOOP("Labels", "Raised"),
    "acknowledged": QT_TRANSLATE_NOOP("Labels", "Acknowledged"),
    "resolved": QT_TRANSLATE_NOOP("Labels", "Resolved"),
    "dismissed": QT_TRANSLATE_NOOP("Labels", "Dismissed"),
    "snoozed": QT_TRANSLATE_NOOP("Labels", "Snoozed"),
    "closed": QT_TRANSLATE_NOOP("Labels", "Closed by the system"),
}
SUGGESTION_STATUSES = {
    "open": QT_TRANSLATE_NOOP("Labels", "Open"),
    "pitched": QT_TRANSLATE_NOOP("Labels", "Pitched"),
    "accepted": QT_TRANSLATE_NOOP("Labels", "Accepted"),
    "declined": QT_TRANSLATE_NOOP("Labels", "Declined"),
    "not_now": QT_TRANSLATE_NOOP("Labels", "Not now"),
    "withdrawn": QT_TRANSLATE_NOOP("Labels", "Withdrawn"),
}
CHANNELS = {
    "visit": QT_TRANSLATE_NOOP("Labels", "Visit"),
    "phone": QT_TRANSLATE_NOOP("Labels", "Phone"),
    "counter": QT_TRANSLATE_NOOP("Labels", "Counter"),
    "online": QT_TRANSLATE_NOOP("Labels", "Online banking"),
    "mobile": QT_TRANSLATE_NOOP("Labels", "Mobile banking"),
    "email": QT_TRANSLATE_NOOP("Labels", "Email"),
    "wechat": QT_TRANSLATE_NOOP("Labels", "WeChat"),
    "wecom": QT_TRANSLATE_NOOP("Labels", "WeCom"),
    "sms": QT_TRANSLATE_NOOP("Labels", "Text message"),
}
VISIT_STATUSES = {
    "proposed": QT_TRANSLATE_NOOP("Labels", "Proposed"),
    "planned": QT_TRANSLATE_NOOP("Labels", "Planned"),
    "done": QT_TRANSLATE_NOOP("Labels", "Done"),
    "cancelled": QT_TRANSLATE_NOOP("Labels", "Cancelled"),
    "missed": QT_TRANSLATE_NOOP("Labels", "Missed"),
}
ROLES = {
    "rm": QT_TRANSLATE_NOOP("Labels", "Relationship manager"),
    "branch_head": QT_TRANSLATE_NOOP("Labels", "Branch head"),
    "admin": QT_TRANSLATE_NOOP("Labels", "Administrator"),
}


def label(table: Mapping[str, object], code: object) -> str:
    source = table.get(str(code))
    return QCoreApplication.translate("Labels", str(source)) if source else str(code)


def segment(code: str) -> str:
    return label(SEGMENTS, code)


def kind(code: str) -> str:
    return label(KINDS, code)


def status(code: str) -> str:
    return label(STATUSES, code)


def severity(code: str) -> str:
    return label(SEVERITIES, code)


def counted(n: int, one: str, many: str, shown: str | None = None) -> str:
    """A count with its noun in the right number: ``one`` (translated, "1 client") for one,
    ``many`` (translated, "%1 clients") for any other, ``%1`` replaced by ``shown`` (the number
    as the screen writes it) or the number itself. Chinese has one form; the two sources keep
    English right ("1 client", not "1 clients")."""
    return (one if n == 1 else many).replace("%1", shown if shown is not None else str(n))
