"""What an RM records on a suggestion feeds the next run: a decline names its reason, which
sets how long the product stays out; an undo (reopened) takes the last outcome back, and only
a product's latest outcome counts (docs/cross-sell.md, "Outcomes"). SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from rmdesk.cli import main
from rmdesk.models import AuditEntry, Suggestion, SuggestionOutcome, SuggestionStatus
from rmdesk.services.accounts.users import account
from rmdesk.services.common.access import Account
from rmdesk.services.common.parameters import DEFAULTS
from rmdesk.services.engine import keep_outs, suggestions
from tests.db.planner_bank import Bank, empty_bank

TODAY = dt.date(2026, 9, 28)
NOW = dt.datetime(2026, 9, 28, 4, tzinfo=dt.UTC)


@pytest.fixture
def bank(db_url: str) -> Iterator[Bank]:
    b = empty_bank(db_url)
    for ext in ("C01", "C02", "C03"):
        b.client(ext)
    yield b
    b.engine.dispose()


def _suggestion(bank: Bank, ext: str, status: str = "open", product: str = "FUND") -> int:
    with bank.engine.begin() as conn:
        return int(
            conn.execute(
                insert(Suggestion)
                .values(
                    client_id=bank.ids[ext],
                    product_id=bank.product[product],
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


def _rm(bank: Bank) -> Account:
    return account(bank.engine, bank.rm)


def _left_out(bank: Bank, day: dt.date, **params: object) -> set[tuple[int, int]]:
    use = dataclasses.replace(DEFAULTS, **params)  # type: ignore[arg-type]
    with bank.engine.connect() as conn:
        frame = keep_outs.recent_outcomes(conn, list(bank.ids.values()), today=day, params=use)
    return {(int(c), int(p)) for c, p in zip(frame["client_id"], frame["product_id"], strict=True)}


def _outcomes(bank: Bank, sid: int) -> list[tuple[str, str | None]]:
    with bank.engine.connect() as conn:
        rows = conn.execute(
            select(SuggestionOutcome.outcome, SuggestionOutcome.reason)
            .where(SuggestionOutcome.suggestion_id == sid)
            .order_by(SuggestionOutcome.id)
        ).all()
    return [(o, r) for o, r in rows]


def _status(bank: Bank, sid: int) -> str:
    with bank.engine.connect() as conn:
        return str(conn.execute(select(Suggestion.status).where(Suggestion.id == sid)).scalar())


def test_a_decline_names_one_of_the_reasons_and_no_other_outcome_has_one(bank: Bank) -> None:
    sid = _suggestion(bank, "C01")
    codes = ", ".join(suggestions.REASONS)
    with pytest.raises(suggestions.SuggestionError, match=f"no reason\\): use one of {codes}"):
        suggestions.record_outcome(bank.engine, sid, "declined", at=NOW, who=_rm(bank))
    with pytest.raises(suggestions.SuggestionError, match="reason 'cheaper'"):
        suggestions.record_outcome(
            bank.engine, sid, "declined", reason="cheaper", at=NOW, who=_rm(bank)
        )
    with pytest.raises(suggestions.SuggestionError, match="only a decline has a reason"):
        suggestions.record_outcome(
            bank.engine, sid, "pitched", reason="no_funds", at=NOW, who=_rm(bank)
        )
    assert _outcomes(bank, sid) == [] and _status(bank, sid) == "open"
    suggestions.record_outcome(bank.engine, sid, "declined", reason="no_funds", who=_rm(bank))
    assert _outcomes(bank, sid) == [("declined", "no_funds")]
    with bank.engine.connect() as conn:
        detail = conn.execute(
            select(AuditEntry.detail).where(AuditEntry.action == "suggestion.declined")
        ).scalar_one()
    assert detail["reason"] == "no_funds"


def test_the_database_keeps_a_reason_to_the_codes(bank: Bank) -> None:
    """The CHECK of migration 0007, on both databases."""
    sid = _suggestion(bank, "C01")
    row = (
        "INSERT INTO suggestion_outcomes (suggestion_id, client_id, product_id, outcome, at, "
        f"reason) SELECT id, client_id, product_id, 'declined', :at, {{r}} FROM suggestions "
        f"WHERE id = {sid}"
    )
    refused = r"ck_suggestion_outcomes_reason|CHECK constraint"
    with pytest.raises(IntegrityError, match=refused), bank.engine.begin() as conn:
        conn.execute(text(row.format(r="'cheaper'")), {"at": NOW})
    with bank.engine.begin() as conn:
        conn.execute(text(row.format(r="'other'")), {"at": NOW})


def test_a_declined_product_stays_out_for_its_reasons_days(bank: Bank) -> None:
    """no_need_now: 60 days; has_it_elsewhere: 365; a decline recorded before reasons were:
    decline_cooloff_days (180)."""
    soon, long = _suggestion(bank, "C01"), _suggestion(bank, "C02")
    old = _suggestion(bank, "C03")
    who = _rm(bank)
    suggestions.record_outcome(bank.engine, soon, "declined", reason="no_need_now", at=NOW, who=who)
    suggestions.record_outcome(
        bank.engine, long, "declined", reason="has_it_elsewhere", at=NOW, who=who
    )
    with bank.engine.begin() as conn:  # as recorded before migration 0007
        conn.execute(
            insert(SuggestionOutcome).values(
                suggestion_id=old,
                client_id=bank.ids["C03"],
                product_id=bank.product["FUND"],
                outcome="declined",
                at=NOW,
            )
        )
    fund = bank.product["FUND"]
    c1, c2, c3 = ((bank.ids[e], fund) for e in ("C01", "C02", "C03"))
    assert _left_out(bank, TODAY + dt.timedelta(days=60)) == {c1, c2, c3}
    assert _left_out(bank, TODAY + dt.timedelta(days=61)) == {c2, c3}
    assert _left_out(bank, TODAY + dt.timedelta(days=181)) == {c2}
    assert _left_out(bank, TODAY + dt.timedelta(days=366)) == set()
    # the bank's own days, by reason
    by_reason = {**DEFAULTS.decline_cooloff_by_reason, "has_it_elsewhere": 30}
    later = TODAY + dt.timedelta(days=31)
    assert _left_out(bank, later, decline_cooloff_by_reason=by_reason) == {c1, c3}


def test_an_undone_decline_puts_the_suggestion_back_and_no_longer_keeps_it_out(
    bank: Bank,
) -> None:
    sid = _suggestion(bank, "C01")
    who = _rm(bank)
    fund = (bank.ids["C01"], bank.product["FUND"])
    suggestions.record_outcome(
        bank.engine, sid, "declined", reason="not_interested", at=NOW, who=who
    )
    assert fund in _left_out(bank, TODAY)
    suggestions.record_outcome(
        bank.engine, sid, "reopened", note="wrong client", at=NOW + dt.timedelta(1), who=who
    )
    assert _status(bank, sid) == SuggestionStatus.OPEN
    assert _outcomes(bank, sid) == [("declined", "not_interested"), ("reopened", None)]
    assert fund not in _left_out(bank, TODAY + dt.timedelta(days=1))
    with bank.engine.connect() as conn:
        audited = conn.execute(
            select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.detail)
            .where(AuditEntry.action.like("suggestion.%"))
            .order_by(AuditEntry.id)
        ).all()
    assert [(a, e) for a, e, _ in audited] == [
        ("suggestion.declined", str(sid)),
        ("suggestion.reopened", str(sid)),
    ]
    assert audited[1][2]["undone"] == "declined" and audited[1][2]["note"] == "wrong client"
    # nothing left to undo; and it can be declined again, for another reason
    with pytest.raises(suggestions.SuggestionError, match="is open: no outcome to undo"):
        suggestions.record_outcome(bank.engine, sid, "reopened", who=who)
    suggestions.record_outcome(bank.engine, sid, "declined", reason="no_funds", who=who)
    assert _status(bank, sid) == "declined"


@pytest.mark.parametrize("status", [s.value for s in SuggestionStatus])
def test_an_undo_follows_exactly_the_outcomes_an_rm_records(bank: Bank, status: str) -> None:
    sid = _suggestion(bank, "C01", status)
    if SuggestionStatus(status) in suggestions.OUTCOME_FROM["reopened"]:
        suggestions.record_outcome(bank.engine, sid, "reopened", at=NOW, who=_rm(bank))
        assert (_status(bank, sid), _outcomes(bank, sid)) == ("open", [("reopened", None)])
    else:
        with pytest.raises(suggestions.SuggestionError, match="no outcome to undo"):
            suggestions.record_outcome(bank.engine, sid, "reopened", at=NOW, who=_rm(bank))


def test_an_undo_is_refused_when_the_product_was_suggested_again_since(bank: Bank) -> None:
    """Reopening the old one would put the product twice in the client's list."""
    old = _suggestion(bank, "C01", "declined")
    new = _suggestion(bank, "C01")
    with pytest.raises(suggestions.SuggestionError, match=f"suggestion {new}\\)"):
        suggestions.record_outcome(bank.engine, old, "reopened", at=NOW, who=_rm(bank))
    assert _status(bank, old) == "declined" and _outcomes(bank, old) == []


def test_the_command_line_asks_a_decline_its_reason_and_undoes(bank: Bank, db_url: str) -> None:
    sid = _suggestion(bank, "C01")
    url = db_url
    run = CliRunner().invoke
    base = ["outcome", str(sid), "declined", "--user", "rm01", "--db", url]
    refused = run(main, base)
    assert refused.exit_code == 2, refused.output
    assert "use one of has_it_elsewhere, not_interested, too_expensive" in refused.stderr
    done = run(main, [*base, "--reason", "too_expensive"])
    assert done.exit_code == 0, done.output
    undone = run(main, ["outcome", str(sid), "reopened", "--user", "rm01", "--db", url])
    assert undone.exit_code == 0, undone.output
    assert _outcomes(bank, sid) == [("declined", "too_expensive"), ("reopened", None)]
    assert _status(bank, sid) == "open"


def test_a_run_that_no_longer_suggests_an_undone_one_withdraws_it_and_keeps_its_history(
    bank: Bank,
) -> None:
    """An open suggestion with outcomes (put back by an undo) is withdrawn, not deleted, when
    the run's list leaves it out; one with none is removed as before."""
    undone, plain = _suggestion(bank, "C01"), _suggestion(bank, "C02")
    who = _rm(bank)
    suggestions.record_outcome(bank.engine, undone, "pitched", at=NOW, who=who)
    suggestions.record_outcome(bank.engine, undone, "reopened", at=NOW, who=who)
    columns = ["client_id", "product_id", "rank", "likelihood", "expected_value_minor"]
    fresh = pd.DataFrame(columns=[*columns, "evidence_data"])
    with bank.engine.begin() as conn:
        counts = suggestions.reconcile(
            conn,
            fresh,
            [bank.ids["C01"], bank.ids["C02"]],
            today=TODAY,
            describe=lambda rows: ([], []),
        )
    assert counts == {"suggested": 0, "updated": 0, "withdrawn": 2}
    assert _status(bank, undone) == "withdrawn"
    assert _outcomes(bank, undone) == [("pitched", None), ("reopened", None)]
    with bank.engine.connect() as conn:
        assert conn.execute(select(Suggestion.id).where(Suggestion.id == plain)).first() is None


def test_conversion_leaves_out_an_undo_and_the_outcome_it_took_back(db_url: str) -> None:
    """The hand-made scorecard bank (tests/db/scorecard_bank.py): amy's Q3 outcomes are not
    now, pitched, accepted and declined (1/4); her accepted one undone, 0 of 3 remain."""
    from rmdesk.db import make_engine
    from rmdesk.services.branch.scorecard import Period, kpi_clients, scorecards
    from rmdesk.services.common.access import OPERATOR
    from tests.db.scorecard_bank import build_bank

    engine = make_engine(db_url)
    try:
        bank = build_bank(engine)
        q3, today = Period.parse("2026Q3"), dt.date(2026, 10, 15)
        with engine.begin() as conn:
            client, product = conn.execute(
                select(Suggestion.client_id, Suggestion.product_id).where(Suggestion.id == 1)
            ).one()
            conn.execute(
                insert(SuggestionOutcome).values(
                    suggestion_id=1,
                    client_id=client,
                    product_id=product,
                    outcome="reopened",
                    at=dt.datetime(2026, 8, 2, 2, tzinfo=dt.UTC),
                    user_id=1,
                )
            )
        rows = kpi_clients(engine, bank.amy, q3, "conversion", today=today, who=OPERATOR)
        assert rows["outcome"].tolist() == ["declined", "pitched", "not_now"]  # newest first
        card = scorecards(engine, q3, today=today, who=OPERATOR).set_index("username")
        assert card.loc["amy", "conversion"] == 0.0
        assert card.loc["bob", "conversion"] == pytest.approx(1 / 2)  # untouched
    finally:
        engine.dispose()
