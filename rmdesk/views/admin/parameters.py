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
from rmdesk.services.common import parameters
from rmdesk.services.common.parameters import DEFAULTS, Parameters
from rmdesk.views.admin.forms import FormMessage
from rmdesk.views.widgets.context import ViewContext, error_handler

Index = QModelIndex | QPersistentModelIndex

GROUPS = {
    "tiers": QT_TRANSLATE_NOOP("AdminParameters", "Contribution and tiers"),
    "contact": QT_TRANSLATE_NOOP("AdminParameters", "Planned contact"),
    "flags": QT_TRANSLATE_NOOP("AdminParameters", "Risk flags"),
    "cross_sell": QT_TRANSLATE_NOOP("AdminParameters", "Cross-sell"),
    "planner": QT_TRANSLATE_NOOP("AdminParameters", "Visit planner"),
    "scoring": QT_TRANSLATE_NOOP("AdminParameters", "Nightly scoring"),
}
#: what each parameter is, in the administrator's words
LABELS: dict[str, object] = {
    "tier_shares": QT_TRANSLATE_NOOP(
        "AdminParameters", "Tier shares of contribution, best tier first"
    ),
    "cadence_days": QT_TRANSLATE_NOOP("AdminParameters", "Days between contacts, by tier"),
    "dpd_levels": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days past due for a low, medium and high flag"
    ),
    "arrears_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Loan in arrears: months past due of the last 3"
    ),
    "overdraft_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Recurring overdraft: months overdrawn of the last 6"
    ),
    "card_utilisation": QT_TRANSLATE_NOOP(
        "AdminParameters", "Card utilisation that raises a flag (0.80 = 80%)"
    ),
    "balance_drop": QT_TRANSLATE_NOOP(
        "AdminParameters", "Fall in balances against the prior 3 months (0.30 = 30%)"
    ),
    "balance_drop_min_minor": QT_TRANSLATE_NOOP(
        "AdminParameters", "Smallest prior balance for a fall to count (yuan)"
    ),
    "salary_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Months in a row before a salary counts as regular"
    ),
    "salary_gap_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Months without it before a salary counts as stopped"
    ),
    "dormant_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Months without transactions before an account is dormant"
    ),
    "penalty_min_minor": QT_TRANSLATE_NOOP(
        "AdminParameters", "Penalty interest flagged from this much in 3 months (yuan)"
    ),
    "no_contact_grace": QT_TRANSLATE_NOOP(
        "AdminParameters", "No-contact flag: grace past the cadence, as a share of it"
    ),
    "no_contact_escalates": QT_TRANSLATE_NOOP(
        "AdminParameters", "No-contact flag turns medium for (top, all)"
    ),
    "closure_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days a closed account counts as a recent closure"
    ),
    "maturity_days": QT_TRANSLATE_NOOP("AdminParameters", "Days ahead a maturity is flagged"),
    "deadline_days": QT_TRANSLATE_NOOP("AdminParameters", "Days to handle a flag, by severity"),
    "dismiss_quiet_days": QT_TRANSLATE_NOOP("AdminParameters", "Days a dismissed flag stays quiet"),
    "suggestions_per_client": QT_TRANSLATE_NOOP("AdminParameters", "Suggestions per client"),
    "suggestion_min_lift": QT_TRANSLATE_NOOP(
        "AdminParameters", "Lowest lift over the product's take-up rate worth suggesting"
    ),
    "suggestion_min_value_minor": QT_TRANSLATE_NOOP(
        "AdminParameters", "Lowest expected value a year, by tier (minor units)"
    ),
    "rule_min_support": QT_TRANSLATE_NOOP("AdminParameters", "Product rules: lowest support"),
    "rule_min_confidence": QT_TRANSLATE_NOOP("AdminParameters", "Product rules: lowest confidence"),
    "rule_min_lift": QT_TRANSLATE_NOOP("AdminParameters", "Product rules: lowest lift"),
    "rule_max_antecedent": QT_TRANSLATE_NOOP(
        "AdminParameters", "Product rules: most products held before"
    ),
    "decline_cooloff_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days a product declined with no reason recorded is not suggested again"
    ),
    "decline_cooloff_by_reason": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days a declined product is not suggested again, by the reason given"
    ),
    "not_now_days": QT_TRANSLATE_NOOP("AdminParameters", 'Days a product answered "not now" waits'),
    "propensity_min_holders": QT_TRANSLATE_NOOP(
        "AdminParameters", "Propensity: fewest holders of a product to fit it"
    ),
    "propensity_sample": QT_TRANSLATE_NOOP(
        "AdminParameters", "Propensity: clients in the fitting sample"
    ),
    "take_up_horizon_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Take-up models: months ahead a take-up is counted"
    ),
    "take_up_min_events": QT_TRANSLATE_NOOP(
        "AdminParameters", "Take-up models: fewest take-ups in a window to fit a model"
    ),
    "phones_on_paper": QT_TRANSLATE_NOOP(
        "AdminParameters", "Printouts: phone numbers masked or whole (masked, whole)"
    ),
    "response_min_outcomes": QT_TRANSLATE_NOOP(
        "AdminParameters", "Response model: fewest accepted (and declined) offers to fit it"
    ),
    "plan_weeks": QT_TRANSLATE_NOOP("AdminParameters", "Weeks a proposed plan covers"),
    "maturity_lead_days": QT_TRANSLATE_NOOP("AdminParameters", "Days before a maturity to visit"),
    "strong_suggestion_minor": QT_TRANSLATE_NOOP(
        "AdminParameters", "Expected value a year that pulls a visit earlier (yuan)"
    ),
    "suggestion_pull_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days a strong suggestion pulls a visit earlier"
    ),
    "today_maturity_days": QT_TRANSLATE_NOOP("AdminParameters", "Today: maturities within days"),
    "today_dates_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Today: birthdays and anniversaries within days"
    ),
    "today_new_flag_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Today: a flag raised within days is new"
    ),
    "quiet_rm_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Today: days without a contact that mark an RM quiet"
    ),
    "district_window_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days a visit may move earlier to join its district"
    ),
    "holiday_country": QT_TRANSLATE_NOOP("AdminParameters", "Public holidays of (country code)"),
    "batch_size": QT_TRANSLATE_NOOP("AdminParameters", "Clients a batch in the nightly scoring"),
    "partition_clients": QT_TRANSLATE_NOOP("AdminParameters", "Clients a part of the nightly run"),
    "model_sample_clients": QT_TRANSLATE_NOOP("AdminParameters", "Clients the models learn on"),
    "backdate_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days back a contact may be dated when it is logged"
    ),
}
#: the group each parameter is shown in
GROUP_OF: dict[str, str] = {
    "tier_shares": "tiers",
    "cadence_days": "contact",
    "backdate_days": "contact",
    "dpd_levels": "flags",
    "arrears_months": "flags",
    "overdraft_months": "flags",
    "card_utilisation": "flags",
    "balance_drop": "flags",
    "balance_drop_min_minor": "flags",
    "salary_months": "flags",
    "salary_gap_months": "flags",
    "dormant_months": "flags",
    "penalty_min_minor": "flags",
    "no_contact_grace": "flags",
    "no_contact_escalates": "flags",
    "closure_days": "flags",
    "maturity_days": "flags",
    "deadline_days": "flags",
    "dismiss_quiet_days": "flags",
    "suggestions_per_client": "cross_sell",
    "suggestion_min_lift": "cross_sell",
    "suggestion_min_value_minor": "cross_sell",
    "rule_min_support": "cross_sell",
    "rule_min_confidence": "cross_sell",
    "rule_min_lift": "cross_sell",
    "rule_max_antecedent": "cross_sell",
    "decline_cooloff_days": "cross_sell",
    "decline_cooloff_by_reason": "cross_sell",
    "not_now_days": "cross_sell",
    "propensity_min_holders": "cross_sell",
    "propensity_sample": "cross_sell",
    "take_up_horizon_months": "cross_sell",
    "take_up_min_events": "cross_sell",
    "response_min_outcomes": "cross_sell",
    "phones_on_paper": "planner",
    "plan_weeks": "planner",
    "maturity_lead_days": "planner",
    "strong_suggestion_minor": "planner",
    "suggestion_pull_days": "planner",
    "district_window_days": "planner",
    "holiday_country": "planner",
    "today_maturity_days": "planner",
    "today_dates_days": "planner",
    "today_new_flag_days": "planner",
    "quiet_rm_days": "planner",
    "batch_size": "scoring",
    "partition_clients": "scoring",
    "model_sample_clients": "scoring",
}
MONEY = {"balance_drop_min_minor", "strong_suggestion_minor", "penalty_min_minor"}
PENDING_BLUE = "#1565c0"


class ValueTextError(ValueError):
    """Text that is not a value of the parameter's kind; the message is for the user."""


def to_text(name: str, value: Any) -> str:
    """A parameter's value as the administrator reads and types it."""
    if name in MONEY:
        return f"{int(value) / 100:.2f}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {to_text('', v)}" for k, v in value.items())
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


def from_text(name: str, text: str) -> Any:
    """The value typed for parameter ``name``; ValueTextError if it is not of the right kind."""
    default = getattr(DEFAULTS, name)
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
                out[key.strip()] = _number(kind, raw)
            return out
        if isinstance(default, tuple):
            return tuple(_number(int, part) for part in text.split(","))
        if isinstance(default, str):
            return text.strip()
        return _number(type(default), text)
    except ValueError:
        example = to_text(name, default)
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

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
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
                return to_text(name, self.value(name))
            if column == self.DEFAULT:
                return to_text(name, self.defaults[name])
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
            parsed = from_text(name, str(value))
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
        self.model = ParametersModel(self)
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
