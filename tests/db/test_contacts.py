"""Logging a contact: validated field by field, written with its user, audited, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from rmdesk.db import Database, open_database
from rmdesk.models import AuditEntry, Interaction
from rmdesk.services.accounts.users import account
from rmdesk.services.visits.contacts import ContactError, NewContact, log_contact
from tests.bank import TinyBank

NOW = dt.datetime(2026, 7, 2, 10, tzinfo=dt.UTC)


def _bank(db_url: str) -> tuple[Database, int, int]:
    db = open_database(db_url)
    bank = TinyBank(db.engine)
    b = bank.branch()
    rm = bank.user("rm1", b)
    return db, rm, bank.client(rm, b)


def _contact(client: int, **changes: object) -> NewContact:
    values: dict[str, object] = {
        "client_id": client,
        "channel": "phone",
        "occurred_at": dt.datetime(2026, 7, 1, 15, 30, tzinfo=dt.UTC),
        "purpose": "  定期存款到期  ",
        "outcome": "同意续存",
        "notes": "",
        "next_step": "下周面谈",
        "next_step_due": dt.date(2026, 7, 8),
    }
    values.update(changes)
    return NewContact(**values)  # type: ignore[arg-type]


def _count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Interaction)).scalar_one())


def test_a_contact_lands_in_the_history_with_its_user(db_url: str) -> None:
    db, rm, client = _bank(db_url)
    new_id = log_contact(db.engine, _contact(client), now=NOW, who=account(db.engine, rm))
    with db.engine.connect() as conn:
        row = conn.execute(select(Interaction).where(Interaction.id == new_id)).one()
        audit = conn.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity_id).where(
                AuditEntry.action == "contact.log"
            )
        ).one()
    db.dispose()
    assert (row.client_id, row.user_id, row.channel, row.source) == (client, rm, "phone", "app")
    assert row.purpose == "定期存款到期"  # trimmed
    assert row.notes is None  # an empty field is stored as missing
    assert row.next_step == "下周面谈" and row.next_step_due == dt.date(2026, 7, 8)
    at = row.occurred_at if row.occurred_at.tzinfo else row.occurred_at.replace(tzinfo=dt.UTC)
    assert at == dt.datetime(2026, 7, 1, 15, 30, tzinfo=dt.UTC)
    assert tuple(audit) == ("rm1", "contact.log", str(new_id))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"channel": ""}, "channel", "Channel: choose"),
        ({"channel": "fax"}, "channel", "'fax' is not a channel"),
        ({"occurred_at": None}, "occurred_at", "Date and time"),
        (
            {"occurred_at": dt.datetime(2026, 7, 3, 9, tzinfo=dt.UTC)},
            "occurred_at",
            "cannot be in the future",
        ),
        ({"purpose": "   "}, "purpose", "Purpose"),
        ({"purpose": "x" * 201}, "purpose", "at most 200"),
        ({"outcome": "y" * 201}, "outcome", "Outcome: at most 200"),
        ({"next_step": ""}, "next_step", "Next step: say what"),
        ({"next_step_due": dt.date(2026, 6, 30)}, "next_step_due", "before the contact"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    db_url: str, changes: dict[str, object], field: str, words: str
) -> None:
    db, rm, client = _bank(db_url)
    with pytest.raises(ContactError, match=words) as caught:
        log_contact(db.engine, _contact(client, **changes), now=NOW, who=account(db.engine, rm))
    assert caught.value.field == field
    assert caught.value.zh and caught.value.zh != caught.value.en  # said in Chinese too
    assert _count(db) == 0
    db.dispose()


def test_an_unknown_client_is_refused(db_url: str) -> None:
    db, rm, _client = _bank(db_url)
    with pytest.raises(ContactError, match="does not exist"):
        log_contact(db.engine, _contact(987_654), now=NOW, who=account(db.engine, rm))
    assert _count(db) == 0
    db.dispose()


def test_a_local_time_and_a_same_day_due_date(db_url: str) -> None:
    db, rm, client = _bank(db_url)
    local = dt.datetime(2026, 7, 1, 23, 0)  # noqa: DTZ001 (the point: a local time, Asia/Shanghai)
    contact = _contact(client, occurred_at=local, next_step_due=dt.date(2026, 7, 1))
    log_contact(db.engine, contact, now=NOW, who=account(db.engine, rm))
    with db.engine.connect() as conn:
        at = conn.execute(select(Interaction.occurred_at)).scalar_one()
    db.dispose()
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    assert at == dt.datetime(2026, 7, 1, 15, 0, tzinfo=dt.UTC)
