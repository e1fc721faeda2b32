"""Logging a contact with a client: any channel, one history (the interactions table).

``log_contact`` checks every field first and refuses bad input with a ``ContactError`` that
names the field and says what is wrong, in Chinese and English; nothing is written then. A
contact is written with the user who logged it and an audit entry, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select

from rmdesk.db import write_transaction
from rmdesk.models import Base, Channel
from rmdesk.services.common import audit, form_text, parameters
from rmdesk.services.common.access import Account, guarded, person_id
from rmdesk.services.common.parameters import DEFAULTS
from rmdesk.services.visits import tasks
from rmdesk.services.visits.bounds import AHEAD_DAYS, CLOCK_SLACK

T = Base.metadata.tables
CHANNELS = tuple(c.value for c in Channel)
#: the longest purpose and outcome the table holds
SHORT_TEXT = 200


class ContactError(ValueError):
    """Input a contact cannot be logged with: ``field`` names it, ``zh`` / ``en`` say why."""

    def __init__(self, field: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.field, self.zh, self.en = field, zh, en


@dataclass(frozen=True)
class NewContact:
    """A contact as the RM enters it; ``occurred_at`` without a zone is local time."""

    client_id: int
    channel: str
    occurred_at: dt.datetime | None
    purpose: str = ""
    outcome: str = ""
    notes: str = ""
    next_step: str = ""
    next_step_due: dt.date | None = None


def _clean(text: str | None) -> str | None:
    return form_text.clean(text) or None


def validate(
    contact: NewContact, *, now: dt.datetime | None = None, backdate_days: int | None = None
) -> dt.datetime:
    """Check every field; returns the contact's moment in UTC. Raises ``ContactError``.

    A contact is dated at most ``backdate_days`` back (the engine's parameter): a closed
    period's scorecard is not changed after the fact."""
    channel = (contact.channel or "").strip()
    if not channel:
        raise ContactError(
            "channel", "联系渠道：请选择联系方式。", "Channel: choose how you were in contact."
        )
    if channel not in CHANNELS:
        raise ContactError(
            "channel",
            f"联系渠道：“{channel}”不是可用的渠道（{'、'.join(CHANNELS)}）。",
            f"Channel: {channel!r} is not a channel ({', '.join(CHANNELS)}).",
        )
    if contact.occurred_at is None:
        raise ContactError("occurred_at", "联系时间：请填写。", "Date and time: enter when it was.")
    when = contact.occurred_at.astimezone(dt.UTC)
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    if when > now + CLOCK_SLACK:
        raise ContactError(
            "occurred_at",
            "联系时间：不能晚于现在（尚未发生的联系请安排走访计划）。",
            "Date and time: a contact cannot be in the future (plan a visit instead).",
        )
    days = DEFAULTS.backdate_days if backdate_days is None else backdate_days
    if when < now - dt.timedelta(days=days):
        raise ContactError(
            "occurred_at",
            f"联系时间：最多只能补记 {days} 天内的联系。",
            f"Date and time: a contact can be recorded at most {days} days back.",
        )
    if not _clean(contact.purpose):
        raise ContactError(
            "purpose", "联系目的：请填写。", "Purpose: say what the contact was about."
        )
    for name, text, zh_name, en_name in (
        ("purpose", contact.purpose, "联系目的", "Purpose"),
        ("outcome", contact.outcome, "联系结果", "Outcome"),
    ):
        if len((text or "").strip()) > SHORT_TEXT:
            raise ContactError(
                name,
                f"{zh_name}：最多 {SHORT_TEXT} 个字。",
                f"{en_name}: at most {SHORT_TEXT} characters.",
            )
    if contact.next_step_due is not None:
        if not _clean(contact.next_step):
            raise ContactError(
                "next_step",
                "下一步：有到期日时请写明下一步要做什么。",
                "Next step: say what is to be done by the due date.",
            )
        local_day = contact.occurred_at.astimezone().date()
        if contact.next_step_due < local_day:
            raise ContactError(
                "next_step_due",
                f"下一步到期日：{contact.next_step_due} 早于联系日期 {local_day}。",
                f"Next step due: {contact.next_step_due} is before the contact ({local_day}).",
            )
        if contact.next_step_due > local_day + dt.timedelta(days=AHEAD_DAYS):
            raise ContactError(
                "next_step_due",
                f"下一步到期日：{contact.next_step_due} 超过一年之后。",
                f"Next step due: {contact.next_step_due} is more than a year ahead.",
            )
    return when


@guarded("client", "contact.client_id")
def log_contact(
    engine: Engine,
    contact: NewContact,
    *,
    now: dt.datetime | None = None,
    who: Account,
) -> int:
    """Write the contact to the client's history; returns the new interaction's id."""
    clients, contacts = T["clients"], T["interactions"]
    with write_transaction(engine) as conn:
        when = validate(contact, now=now, backdate_days=parameters.load(conn).backdate_days)
        found = conn.execute(select(clients.c.id).where(clients.c.id == contact.client_id)).scalar()
        if found is None:
            raise ContactError(
                "client",
                f"客户 {contact.client_id} 不存在。",
                f"Client {contact.client_id} does not exist.",
            )
        channel = Channel(contact.channel.strip())
        new_id = conn.execute(
            insert(contacts)
            .values(
                source="app",
                client_id=contact.client_id,
                user_id=person_id(who),
                occurred_at=when,
                channel=channel,
                purpose=_clean(contact.purpose),
                outcome=_clean(contact.outcome),
                notes=_clean(contact.notes),
                next_step=_clean(contact.next_step),
                next_step_due=contact.next_step_due,
                version=1,
            )
            .returning(contacts.c.id)
        ).scalar_one()
        if contact.next_step_due is not None:
            tasks.from_contact(
                conn,
                interaction_id=int(new_id),
                client_id=contact.client_id,
                next_step=contact.next_step,
                due_on=contact.next_step_due,
                who=who,
            )
        audit.record(
            conn,
            who,
            "contact.log",
            "interaction",
            new_id,
            {"client_id": contact.client_id, "channel": channel.value},
        )
    return int(new_id)
