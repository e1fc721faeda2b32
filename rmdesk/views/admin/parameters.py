"""Administration, engine parameters: tiers, cadences, flag thresholds, cross-sell and planner.

One row a parameter with its current value and its default; the value cell is edited in place
(``ParametersModel``). Edits wait as pending changes, shown in blue, until "Save changes" hands
them all to ``parameters.set_values`` in one transaction (validated there and audited). A refused
save says which parameter is wrong and keeps the pending edits. Money parameters are shown and
typed in yuan; the engine keeps fen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rmdesk.db import write_transaction
from rmdesk.models.kinds import DECLINE_REASONS
from rmdesk.services.common import parameters
from rmdesk.services.common.parameters import DEFAULTS, Parameters
from rmdesk.views.admin.forms import FormMessage
from rmdesk.views.admin.parameter_labels import GROUP_OF, GROUPS, LABELS
from rmdesk.views.widgets.context import ViewContext, error_handler

Index = QModelIndex | QPersistentModelIndex

MONEY = {"balance_drop_min_minor", "strong_suggestion_minor", "penalty_min_minor"}
PENDING_BLUE = "#1565c0"


class ValueTextError(ValueError):
    """Text that is not a value of the parameter's kind; the message is for the user."""


#: parameters whose values (or, for a mapping, keys) are words: each word in Chinese and English,
#: by the value it stands for; shown in the screen's language, typed in either or as the value
WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "decline_cooloff_by_reason": {str(r): words for r, words in DECLINE_REASONS.items()},
    "phones_on_paper": {"masked": ("隐藏", "masked"), "whole": ("完整", "whole")},
}


def _word(name: str, value: str, language: str) -> str:
    """``value`` of parameter ``name`` in ``language``'s word (the value itself if it has none)."""
    words = WORDS.get(name, {}).get(value)
    return value if words is None else words[0 if language.startswith("zh") else 1]


def _value(name: str, typed: str) -> str | None:
    """The value ``typed`` names for parameter ``name``, in either language or as the value;
    None if it names none of them."""
    for value, words in WORDS.get(name, {}).items():
        if typed.casefold() in {value, words[0], words[1].casefold()}:
            return value
    return None


def to_text(name: str, value: Any, language: str = "en") -> str:
    """A parameter's value as the administrator reads and types it (in ``language``)."""
    if isinstance(value, str):
        return _word(name, value, language)
    if name in MONEY:
        return f"{int(value) / 100:.2f}"
    if isinstance(value, dict):
        return ", ".join(f"{_word(name, k, language)}: {to_text('', v)}" for k, v in value.items())
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number(kind: type, text: str) -> Any:
    text = text.strip()
    if kind is int:
        number = float(text)
        if number != int(number):
            raise ValueError(text)
        return int(number)
    return kind(text)


def from_text(name: str, text: str, language: str = "en") -> Any:
    """The value typed for parameter ``name``; ValueTextError if it is not of the right kind.
    A Chinese keyboard's comma and colon are read as the plain ones."""
    default = getattr(DEFAULTS, name)
    text = text.replace("，", ",").replace("：", ":")
    try:
        if name in MONEY:
            return round(float(text.strip()) * 100)
        if isinstance(default, dict):
            kind = type(next(iter(default.values())))
            out: dict[str, Any] = {}
            for part in text.split(","):
                key, sep, raw = part.replace("=", ":").partition(":")
                if not sep or not key.strip():
                    raise ValueError(part)
                named = key.strip() if name not in WORDS else _value(name, key.strip())
                if named is None:
                    raise ValueError(key)
                out[named] = _number(kind, raw)
            return out
        if isinstance(default, tuple):
            return tuple(_number(int, part) for part in text.split(","))
        if isinstance(default, str):
            typed = text.strip()  # a word not listed: the engine's own check says what it may be
            return _value(name, typed) or typed
        return _number(type(default), text)
    except ValueError:
        example = to_text(name, default, language)
        message = QCoreApplication.translate(
            "AdminParameters", '%1: "%2" is not a value of this kind; write it like %3'
        )
        title = QCoreApplication.translate("AdminParameters", str(LABELS.get(name, name)))
        raise ValueTextError(
            message.replace("%1", title).replace("%2", text).replace("%3", example)
        ) from None


class ParametersModel(QAbstractTableModel):
    """The parameters as rows: group, description, value (editable), default."""

    GROUP, NAME, VALUE, DEFAULT = range(4)
    HEADERS = (
        QT_TRANSLATE_NOOP("AdminParameters", "Group"),
        QT_TRANSLATE_NOOP("AdminParameters", "Parameter"),
        QT_TRANSLATE_NOOP("AdminParameters", "Value"),
        QT_TRANSLATE_NOOP("AdminParameters", "Default"),
    )
    problem = Signal(str)  # a typed value that could not be read
    edited = Signal()  # the pending changes changed

    def __init__(self, parent: Any = None, language: str = "en") -> None:
        super().__init__(parent)
        self.language = language
        # group by group in the order of GROUPS, each group's in the order they are declared
        order = list(GROUPS)
        self.names = sorted(DEFAULTS.as_dict(), key=lambda n: order.index(GROUP_OF[n]))
        self.current: dict[str, Any] = DEFAULTS.as_dict()
        self.defaults: dict[str, Any] = DEFAULTS.as_dict()
        self.pending: dict[str, Any] = {}

    def set_parameters(self, params: Parameters) -> None:
        self.beginResetModel()
        self.current = params.as_dict()
        self.pending = {}
        self.endResetModel()
        self.edited.emit()

    def value(self, name: str) -> Any:
        return self.pending.get(name, self.current[name])

    def set_pending(self, name: str, value: Any) -> None:
        if value == self.current[name]:
            self.pending.pop(name, None)
        else:
            self.pending[name] = value
        row = self.names.index(name)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        self.edited.emit()

    def discard(self) -> None:
        self.beginResetModel()
        self.pending = {}
        self.endResetModel()
        self.edited.emit()

    # --- Qt model interface --------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.names)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.VALUE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.names):
            return None
        name, column = self.names[index.row()], index.column()
        group, description = GROUP_OF[name], LABELS[name]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == self.GROUP:
                return QCoreApplication.translate("AdminParameters", str(GROUPS[group]))
            if column == self.NAME:
                return QCoreApplication.translate("AdminParameters", str(description))
            if column == self.VALUE:
                return to_text(name, self.value(name), self.language)
            if column == self.DEFAULT:
                return to_text(name, self.defaults[name], self.language)
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.NAME, self.VALUE):
            return name  # the name `rmdesk-cli params` uses
        if role == Qt.ItemDataRole.ForegroundRole and column == self.VALUE and name in self.pending:
            return QColor(PENDING_BLUE)
        if role == Qt.ItemDataRole.FontRole and column == self.VALUE:
            changed = self.value(name) != self.defaults[name]
            if changed or name in self.pending:
                font = QFont()
                font.setBold(changed)
                font.setItalic(name in self.pending)
                return font
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != self.VALUE or role != Qt.ItemDataRole.EditRole:
            return False
        name = self.names[index.row()]
        try:
            parsed = from_text(name, str(value), self.language)
        except ValueTextError as exc:
            self.problem.emit(str(exc))
            return False
        self.set_pending(name, parsed)
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return QCoreApplication.translate("AdminParameters", str(self.HEADERS[section]))
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.names):
            return str(section + 1)
        return None


class ParametersTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("ParametersTab")
        self.model = ParametersModel(self, language=ctx.language)
        self.table = QTableView(self)
        self.table.setObjectName("parameters")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ParametersModel.VALUE, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(ParametersModel.VALUE, 320)
        self.hint = QLabel(
            self.tr(
                "Double-click a value to change it. Changes apply from the next scoring run or "
                "visit plan; bold values differ from the default."
            ),
            self,
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #616161;")
        self.status = FormMessage(ctx, self)
        self.save_button = QPushButton(self.tr("Save changes"), self)
        self.save_button.setObjectName("save")
        self.discard_button = QPushButton(self.tr("Discard changes"), self)
        self.discard_button.setObjectName("discard")
        self.default_button = QPushButton(self.tr("Use the default"), self)
        self.default_button.setObjectName("use_default")
        self.save_button.clicked.connect(self.save)
        self.discard_button.clicked.connect(self.discard)
        self.default_button.clicked.connect(self.use_default)
        self.model.problem.connect(self.status.show_problem)
        self.model.edited.connect(self._buttons)
        bar = QHBoxLayout()
        bar.addWidget(self.hint, 1)
        bar.addWidget(self.default_button)
        bar.addWidget(self.discard_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.table)
        self._buttons()

    def _buttons(self) -> None:
        pending = bool(self.model.pending)
        self.save_button.setEnabled(pending)
        self.discard_button.setEnabled(pending)

    def refresh(self) -> None:
        engine = self.ctx.db.engine
        self.ctx.runner.run(
            self.tr("Loading the parameters"),
            lambda _p: parameters.load(engine),
            self.model.set_parameters,
            error_handler(self),
            window=self.window(),
            cancellable=False,
        )

    def edit(self, name: str, text: str) -> bool:
        """Type ``text`` as the value of parameter ``name`` (what the value cell's editor does)."""
        row = self.model.names.index(name)
        return self.model.setData(self.model.index(row, ParametersModel.VALUE), text)

    def use_default(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            name = self.model.names[index.row()]
            self.model.set_pending(name, self.model.defaults[name])

    def discard(self) -> None:
        self.model.discard()
        self.status.clear()

    def save(self) -> None:
        updates = dict(self.model.pending)
        if not updates:
            return
        engine, who = self.ctx.db.engine, self.ctx.user

        def work(_p: object) -> Parameters:
            with write_transaction(engine) as conn:
                return parameters.set_values(conn, updates, who=who)

        def done(params: Parameters) -> None:
            self.model.set_parameters(params)
            names = ", ".join(sorted(updates))
            self.status.show_info(self.tr("Saved: %1").replace("%1", names))
            self.changed.emit()

        self.ctx.runner.run(
            self.tr("Saving the parameters"),
            work,
            done,
            lambda exc, _t: self.status.show_error(exc),
            write=True,
            window=self.window(),
        )
