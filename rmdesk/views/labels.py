"""Words for the codes stored in the database (segments, kinds, statuses), in the UI language."""

from __future__ import annotations

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


def _label(table: Mapping[str, object], code: str) -> str:
    source = table.get(code)
    return QCoreApplication.translate("Labels", str(source)) if source else code


def segment(code: str) -> str:
    return _label(SEGMENTS, code)


def kind(code: str) -> str:
    return _label(KINDS, code)


def status(code: str) -> str:
    return _label(STATUSES, code)
