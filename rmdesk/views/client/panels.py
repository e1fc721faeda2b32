"""The read-only panels of the client view: header, profile, loyalty and products.

Each takes a ``ClientProfile`` in ``show_profile`` and formats what the services computed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rmdesk.services.clients import seven_p
from rmdesk.services.clients.profile import ClientProfile
from rmdesk.services.common import contact_details
from rmdesk.services.common.masking import mask_number
from rmdesk.views.widgets import labels
from rmdesk.views.widgets.context import ViewContext
from rmdesk.views.widgets.data_table import DataTable
from rmdesk.views.widgets.formatting import Formats
from rmdesk.views.widgets.frame_model import Column

DASH = "—"
RED, GREEN = "#c62828", "#2e7d32"
FAMILIES = {
    "deposit": QT_TRANSLATE_NOOP("ClientView", "Deposit"),
    "loan": QT_TRANSLATE_NOOP("ClientView", "Loan"),
    "card": QT_TRANSLATE_NOOP("ClientView", "Card"),
    "investment": QT_TRANSLATE_NOOP("ClientView", "Investment"),
    "insurance": QT_TRANSLATE_NOOP("ClientView", "Insurance"),
    "service": QT_TRANSLATE_NOOP("ClientView", "Service"),
}


def family(code: Any) -> str:
    source = FAMILIES.get(str(code))
    return QCoreApplication.translate("ClientView", str(source)) if source else str(code)


def growth_text(ratio: float | None, fmt: Formats) -> str:
    if ratio is None or ratio != ratio:
        return DASH
    return fmt.formatter.growth(ratio)


def month_text(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m")


class Facts(QWidget):
    """Label / value pairs in columns; ``put(key, text, warn)`` fills one value."""

    def __init__(self, rows: list[tuple[str, str]], columns: int = 2, parent: Any = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(16)
        self.values: dict[str, QLabel] = {}
        per = (len(rows) + columns - 1) // columns
        for i, (key, title) in enumerate(rows):
            r, c = i % per, (i // per) * 2
            caption = QLabel(title, self)
            caption.setStyleSheet("color: #616161;")
            value = QLabel(DASH, self)
            value.setObjectName(key)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(caption, r, c)
            grid.addWidget(value, r, c + 1)
            self.values[key] = value
        grid.setColumnStretch(columns * 2 - 1, 1)
        grid.setRowStretch(per, 1)

    def put(self, key: str, text: str, warn: bool = False) -> None:
        label = self.values[key]
        label.setText(text or DASH)
        label.setStyleSheet(f"color: {RED}; font-weight: bold;" if warn else "")


class Header(QFrame):
    """The client's name and who they are, and the key figures in a row of tiles."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.name = QLabel(self)
        self.name.setObjectName("client_name")
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name.setFont(font)
        self.who = QLabel(self)
        self.who.setObjectName("client_who")
        self.who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tiles = QHBoxLayout()
        self.tiles: dict[str, QLabel] = {}
        for key, title in (
            ("contribution", self.tr("Contribution, 12 months")),
            ("growth", self.tr("Growth")),
            ("rank", self.tr("Rank in book")),
            ("deposits", self.tr("Deposits and investments (AUM)")),
            ("loans", self.tr("Loans")),
            ("flags", self.tr("Open flags")),
        ):
            box = QFrame(self)
            box.setFrameShape(QFrame.Shape.StyledPanel)
            lay = QVBoxLayout(box)
            lay.setContentsMargins(8, 4, 8, 4)
            caption = QLabel(title, box)
            caption.setStyleSheet("color: #616161;")
            value = QLabel(DASH, box)
            value.setObjectName(f"tile_{key}")
            big = value.font()
            big.setPointSizeF(big.pointSizeF() * 1.25)
            big.setBold(True)
            value.setFont(big)
            lay.addWidget(caption)
            lay.addWidget(value)
            tiles.addWidget(box)
            self.tiles[key] = value
        tiles.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.name)
        layout.addWidget(self.who)
        layout.addLayout(tiles)

    def show_profile(self, p: ClientProfile) -> None:
        fmt = self.ctx.formats
        self.name.setText(p.name)
        bits = [p.external_id]
        bits.append(self.tr("Tier %1").replace("%1", p.tier) if p.tier else self.tr("Not scored"))
        bits += [labels.segment(p.segment), labels.kind(p.kind)]
        if p.rm:
            bits.append(self.tr("RM %1").replace("%1", p.rm))
        if p.branch:
            bits.append(p.branch)
        self.who.setText(" · ".join(bits))
        money = f" {p.currency}"
        t = self.tiles
        t["contribution"].setText(
            fmt.money_whole(p.contribution_minor) + money
            if p.contribution_minor is not None
            else DASH
        )
        t["growth"].setText(growth_text(p.growth, fmt))
        t["growth"].setStyleSheet(
            "" if p.growth is None else f"color: {GREEN if p.growth >= 0 else RED};"
        )
        rank = DASH
        if p.rank_book is not None:
            rank = f"{fmt.integer(p.rank_book)} / {fmt.integer(p.book_size)}"
        t["rank"].setText(rank)
        t["deposits"].setText(fmt.money_whole(p.deposits_minor) + money)
        t["loans"].setText(fmt.money_whole(p.loans_minor) + money)
        t["flags"].setText(fmt.integer(p.open_flags))
        t["flags"].setStyleSheet(f"color: {RED};" if p.open_flags else "")


class ProfilePanel(QWidget):
    """概况: who the client is."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.facts = Facts(
            [
                ("external_id", self.tr("Client ID")),
                ("kind", self.tr("Type")),
                ("segment", self.tr("Segment")),
                ("age", self.tr("Age")),
                ("birth", self.tr("Born / founded")),
                ("id_number", self.tr("ID number")),
                ("district", self.tr("District")),
                ("onboarded", self.tr("Client since")),
                ("kyc_due", self.tr("KYC review due")),
                ("status", self.tr("Status")),
                ("branch", self.tr("Branch")),
                ("rm", self.tr("Relationship manager")),
            ],
            parent=self,
        )
        self.reach_box = QGroupBox(self.tr("How to reach"), self)
        reach = QFormLayout(self.reach_box)
        self.reach: dict[str, QLabel] = {}
        self.copy_buttons: dict[str, QToolButton] = {}
        for d in contact_details.DETAILS:
            value = QLabel(self.reach_box)
            value.setObjectName(f"reach_{d.name}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            copy = QToolButton(self.reach_box)
            copy.setText(self.tr("Copy"))
            copy.setToolTip(self.tr("Copy to the clipboard"))
            copy.clicked.connect(lambda _=False, v=value: self._copy(v.text()))
            row = QHBoxLayout()
            row.addWidget(value, 1)
            row.addWidget(copy)
            reach.addRow(d.label_zh if ctx.zh else d.label_en, row)
            self.reach[d.name], self.copy_buttons[d.name] = value, copy
        # a company's people: who decides first
        self.persons = QLabel(self.reach_box)
        self.persons.setObjectName("contact_persons")
        self.persons.setWordWrap(True)
        self.persons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.persons_title = QLabel(self.tr("Contact persons"), self.reach_box)
        reach.addRow(self.persons_title, self.persons)
        self.summary_box = QGroupBox(self.tr("7P summary"), self)
        self.summary = QFormLayout(self.summary_box)
        self.summary.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        top = QHBoxLayout()
        top.addWidget(self.facts, 3)
        top.addWidget(self.reach_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_box)
        layout.addStretch(1)

    def _copy(self, text: str) -> None:
        if text:
            QGuiApplication.clipboard().setText(text)

    def show_profile(self, p: ClientProfile) -> None:
        fmt, put = self.ctx.formats, self.facts.put
        while self.summary.rowCount():
            self.summary.removeRow(0)
        for line in seven_p.summary(p, self.ctx.language):
            title, text = QLabel(line.title, self.summary_box), QLabel(line.text, self.summary_box)
            title.setStyleSheet("font-weight: bold;")
            text.setWordWrap(True)
            text.setObjectName(f"summary_{line.key}")
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.summary.addRow(title, text)
        put("external_id", p.external_id)
        put("kind", labels.kind(p.kind))
        put("segment", labels.segment(p.segment))
        if p.age is None:
            put("age", "")
        elif p.kind == "corporate":
            put(
                "age",
                labels.counted(
                    p.age, self.tr("Founded 1 year ago"), self.tr("Founded %1 years ago")
                ),
            )
        else:
            put("age", labels.counted(p.age, self.tr("1 year"), self.tr("%1 years")))
        put("birth", fmt.date(p.birth_date) if p.birth_date else "")
        put("id_number", p.id_number_masked)
        put("district", p.district or "")
        put("onboarded", fmt.date(p.onboarded_on) if p.onboarded_on else "")
        kyc = fmt.date(p.kyc_due) if p.kyc_due else ""
        if p.kyc_overdue:
            kyc = self.tr("%1 (overdue)").replace("%1", kyc)
        put("kyc_due", kyc, warn=p.kyc_overdue)
        put("status", labels.status(p.status), warn=p.status != "active")
        put("branch", p.branch or "")
        put("rm", p.rm or "")
        for name, label in self.reach.items():
            value = p.reach.get(name) or ""
            label.setText(value or "—")  # a dash: nothing on file
            self.copy_buttons[name].setEnabled(bool(value))
        company = p.kind == "corporate"
        self.persons_title.setVisible(company)
        self.persons.setVisible(company)
        self.persons.setText(self._persons(p.persons) if company else "")

    def _persons(self, persons: pd.DataFrame) -> str:
        """One line a person: name (title, decides), then the numbers and e-mail on file."""
        if persons.empty:
            return "—"
        lines = []
        for r in persons.to_dict("records"):
            role = [str(r["title"])] if isinstance(r["title"], str) and r["title"] else []
            if r["decision_maker"]:
                role.append(self.tr("decides"))
            sep = "，" if self.ctx.zh else ", "
            head = str(r["name"]) + (f"（{sep.join(role)}）" if self.ctx.zh and role else "")
            if role and not self.ctx.zh:
                head += f" ({sep.join(role)})"
            reach = [str(r[k]) for k in ("mobile", "phone", "email") if isinstance(r[k], str)]
            lines.append(" · ".join([head, *reach]))
        return "\n".join(lines)


class LoyaltyPanel(QWidget):
    """忠诚度: how long and how closely the client has stayed with the bank."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.facts = Facts(
            [
                ("tenure", self.tr("Tenure")),
                ("products", self.tr("Products held")),
                ("contacts_12m", self.tr("Contacts in the last 12 months")),
                ("last_contact", self.tr("Last contact")),
            ],
            columns=1,
            parent=self,
        )
        history = QGroupBox(self.tr("Handover history"), self)
        self.handovers = DataTable(
            ctx,
            [
                Column("effective_on", QT_TRANSLATE_NOOP("ClientView", "Since"), ctx.formats.date),
                Column("from_rm", QT_TRANSLATE_NOOP("ClientView", "Previous RM")),
                Column("to_rm", QT_TRANSLATE_NOOP("ClientView", "New RM")),
            ],
            "ClientView",
            "client-handovers",
            history,
        )
        self.handovers.setObjectName("handovers")
        QVBoxLayout(history).addWidget(self.handovers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.facts)
        layout.addWidget(history, 1)

    def show_profile(self, p: ClientProfile) -> None:
        fmt, put = self.ctx.formats, self.facts.put
        self.handovers.set_frame(p.handovers)
        put(
            "tenure",
            self.tr("%1 years").replace("%1", fmt.number(p.tenure_years))
            if p.tenure_years is not None
            else "",
        )
        put(
            "products",
            self.tr("%1 products in %2 families")
            .replace("%1", fmt.integer(p.products_held))
            .replace("%2", fmt.integer(p.families_held)),
        )
        put("contacts_12m", fmt.integer(p.contacts_12m), warn=p.contacts_12m == 0)
        if p.last_contact_at is None:
            put("last_contact", self.tr("Never contacted"), warn=True)
        else:
            channel = labels.label(labels.CHANNELS, p.last_contact_channel)
            put("last_contact", f"{fmt.datetime(p.last_contact_at)} · {channel}")


class ProductsPanel(QWidget):
    """产品: the client's holdings, open ones first."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        fmt = ctx.formats
        self.table = DataTable(
            ctx,
            [
                Column(
                    "name_zh" if ctx.zh else "name_en",
                    QT_TRANSLATE_NOOP("ClientView", "Product"),
                ),
                Column("family", QT_TRANSLATE_NOOP("ClientView", "Family"), family),
                Column("account_no", QT_TRANSLATE_NOOP("ClientView", "Account"), mask_number),
                Column(
                    "balance_minor",
                    QT_TRANSLATE_NOOP("ClientView", "Balance (latest month)"),
                    fmt.money,
                    numeric=True,
                    money=True,
                ),
                Column("currency", QT_TRANSLATE_NOOP("ClientView", "Currency")),
                Column(
                    "limit_minor",
                    QT_TRANSLATE_NOOP("ClientView", "Limit"),
                    fmt.money,
                    numeric=True,
                    money=True,
                ),
                Column("opened_on", QT_TRANSLATE_NOOP("ClientView", "Opened"), fmt.date),
                Column("maturity_on", QT_TRANSLATE_NOOP("ClientView", "Matures"), fmt.date),
                Column("closed_on", QT_TRANSLATE_NOOP("ClientView", "Closed"), fmt.date),
            ],
            "ClientView",
            "client-holdings",
            self,
        )
        self.table.setObjectName("holdings")
        self.empty = QLabel(self.tr("The client holds no products."), self)
        self.empty.setObjectName("holdings_empty")
        self.empty.setStyleSheet("color: #616161;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

    def show_profile(self, p: ClientProfile) -> None:
        self.table.set_frame(p.holdings)
        self.empty.setVisible(p.holdings.empty)
