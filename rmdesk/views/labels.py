"""Words for the codes stored in the database (segments, kinds, statuses), in the UI language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def segment(code: str) -> str:
    return {
        "mass": _t("Mass"), "affluent": _t("Affluent"), "private": _t("Private banking"),
        "sme": _t("Small business"), "corporate": _t("Corporate"),
    }.get(code, code)


def kind(code: str) -> str:
    return {"individual": _t("Individual"), "corporate": _t("Company")}.get(code, code)


def status(code: str) -> str:
    return {"active": _t("Active"), "dormant": _t("Dormant"), "closed": _t("Closed")}.get(
        code, code)
