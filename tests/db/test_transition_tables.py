"""The services enforce the tables: every action on a visit in every status, and every outcome
on a suggestion in every status, is accepted exactly when the table allows it (SQLite and
PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from rmdesk.models import Suggestion, SuggestionOutcome, SuggestionStatus, Visit, VisitStatus
from rmdesk.services.accounts.users import account
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.engine import suggestions
from rmdesk.services.visits import actions as va
from rmdesk.services.visits.transitions import PERSON_ACTIONS, TRANSITIONS
from tests.db.planner_bank import Bank, empty_bank

TODAY = dt.date(2026, 9, 28)
NOW = dt.datetime(2026, 9, 28, 4, tzinfo=dt.UTC)


@pytest.fixture
def bank(db_url: str) -> Iterator[Bank]:
    b = empty_bank(db_url)
    b.client("C01")
    yield b
    b.engine.dispose()


def _act(bank: Bank, action: str, visit_id: int) -> None:
    who = account(bank.engine, bank.rm)
    if action == "accept":
        va.accept(bank.engine, visit_id, version=1, who=who)
    elif action == "move":
        va.move(bank.engine, visit_id, TODAY + dt.timedelta(days=3), version=1, today=TODAY,
                who=who)  # fmt: skip
    elif action == "cancel":
        va.cancel(bank.engine, visit_id, version=1, reason="客户出差", who=who)
    else:
        va.complete(bank.engine, visit_id, version=1, outcome="已面谈", now=NOW, who=who)


@pytest.mark.parametrize("action", PERSON_ACTIONS)
def test_each_visit_action_is_taken_from_the_tables_statuses_only(bank: Bank, action: str) -> None:
    rule = TRANSITIONS[action]
    for status in VisitStatus:
        visit_id = bank.visit("C01", TODAY, status.value)
        if status in rule.before:
            _act(bank, action, visit_id)
            with bank.engine.connect() as conn:
                after = conn.execute(select(Visit.status).where(Visit.id == visit_id)).scalar()
            assert after == rule.after, (action, status)
        else:
            with pytest.raises(va.PlanError, match=f"a {status.value} visit cannot be {rule.done}"):
                _act(bank, action, visit_id)


def test_mark_missed_takes_planned_visits_of_past_days(bank: Bank) -> None:
    ids = {s: bank.visit("C01", TODAY - dt.timedelta(days=2), s.value) for s in VisitStatus}
    assert va.mark_missed(bank.engine, today=TODAY, who=OPERATOR) == 1
    with bank.engine.connect() as conn:
        query = select(Visit.id, Visit.status).where(Visit.id.in_(ids.values()))
        now = {int(i): s for i, s in conn.execute(query)}
    assert {s: now[i] for s, i in ids.items()} == {
        s: (VisitStatus.MISSED if s in TRANSITIONS["mark_missed"].before else s) for s in ids
    }


def _suggestion(bank: Bank, status: SuggestionStatus) -> int:
    with bank.engine.begin() as conn:
        return int(
            conn.execute(
                insert(Suggestion)
                .values(
                    client_id=bank.ids["C01"],
                    product_id=bank.product["FUND"],
                    likelihood=Decimal("0.3"),
                    expected_value_minor=10_000,
                    reason_zh="理由",
                    reason_en="reason",
                    status=status,
                    generated_on=TODAY,
                )
                .returning(Suggestion.id)
            ).scalar_one()
        )


@pytest.mark.parametrize("outcome", suggestions.OUTCOMES)
def test_each_outcome_is_recorded_from_the_tables_statuses_only(bank: Bank, outcome: str) -> None:
    who = account(bank.engine, bank.rm)
    for status in SuggestionStatus:
        sid = _suggestion(bank, status)
        reason = "other" if outcome == "declined" else None
        if status in suggestions.OUTCOME_FROM[outcome]:
            suggestions.record_outcome(bank.engine, sid, outcome, reason=reason, at=NOW, who=who)
            with bank.engine.connect() as conn:
                now = conn.execute(select(Suggestion.status).where(Suggestion.id == sid)).scalar()
                rows = (
                    conn.execute(
                        select(SuggestionOutcome.outcome).where(
                            SuggestionOutcome.suggestion_id == sid
                        )
                    )
                    .scalars()
                    .all()
                )
            assert (now, rows) == (suggestions.STATUS_AFTER[outcome], [outcome]), status
        else:
            refused = "no outcome to undo" if outcome == "reopened" else "is already"
            with pytest.raises(suggestions.SuggestionError, match=refused):
                suggestions.record_outcome(
                    bank.engine, sid, outcome, reason=reason, at=NOW, who=who
                )


def test_a_pitched_suggestion_is_pitched_again_and_put_off_again(bank: Bank) -> None:
    """What the client view once refused and the service always accepted."""
    who = account(bank.engine, bank.rm)
    sid = _suggestion(bank, SuggestionStatus.OPEN)
    for outcome in ("pitched", "pitched", "not_now", "not_now", "accepted"):
        suggestions.record_outcome(bank.engine, sid, outcome, at=NOW, who=who)
    with bank.engine.connect() as conn:
        rows = (
            conn.execute(
                select(SuggestionOutcome.outcome)
                .where(SuggestionOutcome.suggestion_id == sid)
                .order_by(SuggestionOutcome.id)
            )
            .scalars()
            .all()
        )
    assert rows == ["pitched", "pitched", "not_now", "not_now", "accepted"]
