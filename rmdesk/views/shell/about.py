"""Help › About: the version, the database and the log, and the text a support ticket needs.

The facts come from the composition root (``ViewContext.about``, built by ``rmdesk.support``);
the dialog names them in the interface language, and "Copy diagnostic information" puts them
on the clipboard as ``support.diagnostics`` writes them (in English, the same from every desk).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rmdesk import support

#: how the dialog names each fact (support.facts' names)
NAMES = {
    "rmdesk": QT_TRANSLATE_NOOP("About", "Version"),
    "build": QT_TRANSLATE_NOOP("About", "Build"),
    "program": QT_TRANSLATE_NOOP("About", "Program"),
    "platform": QT_TRANSLATE_NOOP("About", "System"),
    "python": QT_TRANSLATE_NOOP("About", "Python"),
    "database": QT_TRANSLATE_NOOP("About", "Database"),
    "database address": QT_TRANSLATE_NOOP("About", "Database address"),
    "schema": QT_TRANSLATE_NOOP("About", "Schema version"),
    "schema of this version": QT_TRANSLATE_NOOP("About", "This version's schema"),
    "language": QT_TRANSLATE_NOOP("About", "Language"),
    "user": QT_TRANSLATE_NOOP("About", "User"),
    "log": QT_TRANSLATE_NOOP("About", "Log file"),
    "settings (IT)": QT_TRANSLATE_NOOP("About", "Settings set by IT"),
    "settings (user)": QT_TRANSLATE_NOOP("About", "Your settings"),
    "locked by IT": QT_TRANSLATE_NOOP("About", "Locked by IT"),
    "Qt": QT_TRANSLATE_NOOP("About", "Qt"),
}
#: values said in words the dialog translates
VALUES = {
    "frozen package": QT_TRANSLATE_NOOP("About", "installed package"),
    "from source": QT_TRANSLATE_NOOP("About", "from source"),
    "SQLite file": QT_TRANSLATE_NOOP("About", "SQLite file"),
    "PostgreSQL server": QT_TRANSLATE_NOOP("About", "PostgreSQL server"),
    "nothing": QT_TRANSLATE_NOOP("About", "nothing"),
}


def _tr(text: object) -> str:
    return QCoreApplication.translate("About", str(text))


def _value(text: str) -> str:
    if text in VALUES:
        return _tr(VALUES[text])
    return text.replace("(present)", QCoreApplication.translate("About", "(present)")).replace(
        "(none)", QCoreApplication.translate("About", "(none)")
    )


class AboutDialog(QDialog):
    def __init__(self, facts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AboutDialog")
        self.setWindowTitle(QCoreApplication.translate("About", "About rmdesk"))
        self.facts = facts
        title = QLabel(
            QCoreApplication.translate("About", "rmdesk — Relationship manager's workstation"), self
        )
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        form = QFormLayout()
        for name, value in facts:
            shown = QLabel(_value(value), self)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setWordWrap(True)
            shown.setObjectName(f"about:{name}")
            form.addRow(_tr(NAMES.get(name, name)), shown)
        self.copied = QLabel(self)
        self.copied.hide()  # said once something is copied
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(
            QCoreApplication.translate("About", "Close")
        )
        self.copy_button = QPushButton(
            QCoreApplication.translate("About", "Copy diagnostic information"), self
        )
        self.copy_button.setObjectName("copy_diagnostics")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.adjustSize()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(support.diagnostics(self.facts))
        self.copied.setText(
            QCoreApplication.translate("About", "Copied: paste it into your support ticket.")
        )
        self.copied.show()
