"""Every contribution explanation reconciles: read back from the words a person sees, each part
is its factors multiplied (to the fen), each product line the sum of its parts, the total the
sum of the lines and the stored score's; the stored parts add up to the stored contribution
(docs/contribution.md, "How the figures add up")."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import select

from rmdesk.db import open_database
from rmdesk.models import ClientScore
from rmdesk.services.clients.contribution_detail import client_breakdown
from rmdesk.services.common.access import OPERATOR
from tests.demo_banks import DemoBank

AS_OF, TODAY = dt.date(2026, 10, 31), dt.date(2026, 11, 2)
MONEY = r"(-?CN¥[\d,]+\.\d\d)"
RATE = r"([\d.]+)%"
FEN = Decimal("0.01")


def _yuan(text: str) -> Decimal:
    return Decimal(text.replace("CN¥", "").replace(",", ""))


def _rate(text: str) -> Decimal:
    return Decimal(text) / 100


def _check_part(text: str) -> None:
    """One factor line: its amount is its factors multiplied, to the fen."""
    body = text.strip().removeprefix("· ")
    deposit = re.fullmatch(
        rf"deposit margin {MONEY} = average {MONEY} × \(FTP {RATE} − client rate {RATE}\) × "
        r"(\d+)/12",
        body,
    )
    loan = re.fullmatch(
        rf"loan margin {MONEY} = average {MONEY} × \(client rate {RATE} − FTP {RATE}\) × "
        r"(\d+)/12",
        body,
    )
    loss = re.fullmatch(
        rf"expected loss {MONEY} = average {MONEY} × PD {RATE} × LGD {RATE} × (\d+)/12", body
    )
    cost = re.fullmatch(
        rf"cost to serve {MONEY} = {MONEY} an account a month × (\d+) account-months", body
    )
    fees = re.fullmatch(rf"fees {MONEY} \(as booked\)", body)
    if deposit or loan:
        found = deposit or loan
        assert found is not None
        shown, avg, a, b, k = found.groups()
        computed = _yuan(avg) * (_rate(a) - _rate(b)) * int(k) / 12
    elif loss:
        shown, avg, pd_, lgd, k = loss.groups()
        computed = _yuan(avg) * _rate(pd_) * _rate(lgd) * int(k) / 12
    elif cost:
        shown, each, n = cost.groups()
        computed = _yuan(each) * int(n)
    elif fees:
        return
    else:
        raise AssertionError(f"a part not in the documented form: {body!r}")
    assert abs(_yuan(shown) - computed) <= FEN, (body, computed)


def test_every_explanation_line_recomputes_from_its_shown_parts(demo_bank: DemoBank) -> None:
    db = open_database(demo_bank(300, as_of=AS_OF, scored_on=TODAY))
    with db.engine.connect() as conn:
        scores = {r.client_id: r for r in conn.execute(select(ClientScore))}
    checked = lines_checked = 0
    for client_id, score in sorted(scores.items())[:40]:
        parts = (
            score.deposit_margin_minor + score.loan_margin_minor + score.fees_minor
            - score.cost_minor - score.expected_loss_minor
        )  # fmt: skip
        assert parts == score.contribution_minor  # the stored parts add up
        b = client_breakdown(db.engine, client_id, AS_OF, who=OPERATOR)
        assert b.total_minor == score.contribution_minor  # the explanation's is the book's
        assert int(b.products["contribution"].sum()) == b.total_minor
        lines = b.lines["en"]
        if lines[0].startswith("No monthly figures"):
            assert b.total_minor == 0 and len(lines) == 1
            continue
        head = re.match(rf"Trailing-12-month contribution {MONEY}", lines[0])
        assert head is not None and _yuan(head.group(1)) * 100 == b.total_minor
        results = []
        for line in lines[1:]:
            if line.startswith("  · "):
                _check_part(line)
                lines_checked += 1
                continue
            found = re.search(rf"\): {MONEY} = (.*)$", line)
            assert found is not None, line
            result, terms = found.groups()
            amounts = re.findall(r"(−|\+)? ?(-?CN¥[\d,]+\.\d\d)", terms)
            total = sum(
                (-_yuan(a) if sign == "−" else _yuan(a)) for sign, a in amounts
            )  # a line is the signed sum of its parts
            assert total == _yuan(result), line
            results.append(_yuan(result))
        assert sum(results) * 100 == b.total_minor  # the lines add up to the total
        checked += 1
    db.dispose()
    assert checked > 25 and lines_checked > 75
