"""A tiny hand-made bank for the scorecard tests (test_scorecard.py), whose KPIs can be worked out
by hand.

One branch B1; RMs amy and bob (abe and zed have no clients; old is inactive; hd heads the
branch). Pricing: deposits earn 0.2 % a month (FTP 3 % − client 0.6 %), loans 0.25 % a month
less 0.05 % expected loss = 0.2 % net, cards 1 % a month plus fees, investments their fees,
the service costs 100 a month. Balances (minor units) by quarter, Q2 = Apr–Jun, Q3 = Jul–Sep 2026:

  amy  C1  H1 deposit 10,000,000 → 12,000,000     H2 loan 50,000,000     H3 service
       C2  new 2026-08-05: H4 deposit 6,000,000, H5 card 1,000,000 + fee 500 (Aug, Sep)
       C3  lost: H6 deposit 8,000,000 closed 07-20 (facts to Jul), H7 investment 4,000,000
           + fee 1,000 closed 09-10 (facts to Aug)
       C4  H8 loan 20,000,000, 95 days past due in Sep; H9 deposit 2,000,000 closed 06-15; KYC
           due 09-15 (overdue at the end of Q3)
  bob  C5  H10 deposit 30,000,000 → 27,000,000      H11 investment 5,000,000 + fee 2,000
       C6  new 2026-07-01: H12 deposit 3,000,000 (Jul–Sep)
       C7  lost in Q2: H13 deposit 1,000,000 (Apr, May) closed 05-31

Contribution Q3: amy 72,000 + 300,000 − 300 + 24,000 + 21,000 + 16,000 + 2,000 + 120,000 =
554,700 (Q2: 60,000 + 300,000 − 300 + 48,000 + 3,000 + 120,000 + 12,000 = 542,700);
bob 162,000 + 6,000 + 18,000 = 186,000 (Q2: 180,000 + 6,000 + 4,000 = 190,000).
Times are stored in UTC and count on their Beijing date (the tests run in Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert

from rmdesk.models import Base

T = Base.metadata.tables


MONTHS = [dt.date(2026, m, 1) for m in range(4, 10)]  # Apr … Sep


@dataclass
class Bank:
    engine: Engine
    branch: int
    amy: int
    bob: int


def _utc(y: int, m: int, d: int, h: int = 2) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=dt.UTC)


def _facts(
    holding: int, months: list[int], balance: int, fees: int = 0, dpd: dict[int, int] | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "holding_id": holding,
            "month": dt.date(2026, m, 1),
            "avg_balance_minor": balance,
            "fees_minor": fees,
            "days_past_due": (dpd or {}).get(m, 0),
        }
        for m in months
    ]


def build_bank(engine: Engine) -> Bank:
    d = dt.date
    with engine.begin() as conn:

        def add(table: str, *rows: dict[str, Any]) -> None:
            conn.execute(insert(T[table]), list(rows))

        add("branches", {"id": 1, "code": "B1", "name": "一支行"})
        add(
            "users",
            *[
                {
                    "id": i,
                    "username": u,
                    "display_name": u.title(),
                    "role": r,
                    "branch_id": 1,
                    "active": u != "old",
                }
                for i, u, r in [
                    (1, "amy", "rm"),
                    (2, "bob", "rm"),
                    (3, "abe", "rm"),
                    (4, "zed", "rm"),
                    (5, "old", "rm"),
                    (6, "hd", "branch_head"),
                ]
            ],
        )
        products = [
            (1, "DEP", "deposit", "0.03", "0.006", "0", "0", 0),
            (2, "LOAN", "loan", "0.03", "0.06", "0.012", "0.5", 0),
            (3, "CARD", "card", "0.03", "0.15", "0", "0", 0),
            (4, "INV", "investment", "0", "0", "0", "0", 0),
            (5, "SVC", "service", "0", "0", "0", "0", 100),
        ]
        add(
            "products",
            *[
                {"id": i, "code": c, "name_zh": c, "name_en": c, "family": f}
                for i, c, f, *_ in products
            ],
        )
        add(
            "product_pricing",
            *[
                {
                    "product_id": i,
                    "version": 1,
                    "valid_from": d(2026, 1, 1),
                    "ftp_rate": Decimal(ftp),
                    "client_rate": Decimal(rate),
                    "pd": Decimal(pd_),
                    "lgd": Decimal(lgd),
                    "cost_to_serve_minor": cost,
                }
                for i, _, _, ftp, rate, pd_, lgd, cost in products
            ],
        )
        clients = [  # id, rm, onboarded, kyc_due, status
            (1, 1, d(2025, 1, 10), d(2027, 1, 1), "active"),
            (2, 1, d(2026, 8, 5), None, "active"),
            (3, 1, d(2024, 5, 1), None, "closed"),
            (4, 1, d(2024, 3, 1), d(2026, 9, 15), "active"),
            (5, 2, d(2023, 1, 1), d(2026, 12, 31), "active"),
            (6, 2, d(2026, 7, 1), None, "active"),
            (7, 2, d(2023, 6, 1), None, "closed"),
        ]
        add(
            "clients",
            *[
                {
                    "id": i,
                    "source": "test",
                    "external_id": f"C{i}",
                    "kind": "individual",
                    "name": f"客户{i}",
                    "rm_id": rm,
                    "branch_id": 1,
                    "onboarded_on": on,
                    "kyc_due": kyc,
                    "status": status,
                }
                for i, rm, on, kyc, status in clients
            ],
        )
        holdings = [  # id, client, product, opened, closed
            (1, 1, 1, d(2025, 1, 10), None),
            (2, 1, 2, d(2025, 2, 1), None),
            (3, 1, 5, d(2025, 1, 10), None),
            (4, 2, 1, d(2026, 8, 5), None),
            (5, 2, 3, d(2026, 8, 5), None),
            (6, 3, 1, d(2024, 5, 1), d(2026, 7, 20)),
            (7, 3, 4, d(2024, 5, 1), d(2026, 9, 10)),
            (8, 4, 2, d(2024, 3, 1), None),
            (9, 4, 1, d(2024, 3, 1), d(2026, 6, 15)),
            (10, 5, 1, d(2023, 1, 1), None),
            (11, 5, 4, d(2023, 1, 1), None),
            (12, 6, 1, d(2026, 7, 1), None),
            (13, 7, 1, d(2023, 6, 1), d(2026, 5, 31)),
        ]
        add(
            "holdings",
            *[
                {
                    "id": i,
                    "source": "test",
                    "external_id": f"H{i}",
                    "client_id": c,
                    "product_id": p,
                    "opened_on": o,
                    "closed_on": x,
                }
                for i, c, p, o, x in holdings
            ],
        )
        q2, q3 = [4, 5, 6], [7, 8, 9]
        add(
            "monthly_facts",
            *_facts(1, q2, 10_000_000),
            *_facts(1, q3, 12_000_000),
            *_facts(2, q2 + q3, 50_000_000),
            *_facts(3, q2 + q3, 0),
            *_facts(4, [8, 9], 6_000_000),
            *_facts(5, [8, 9], 1_000_000, fees=500),
            *_facts(6, [*q2, 7], 8_000_000),
            *_facts(7, [*q2, 7, 8], 4_000_000, fees=1_000),
            *_facts(8, q2 + q3, 20_000_000, dpd={7: 30, 8: 60, 9: 95}),
            *_facts(9, q2, 2_000_000),
            *_facts(10, q2, 30_000_000),
            *_facts(10, q3, 27_000_000),
            *_facts(11, q2 + q3, 5_000_000, fees=2_000),
            *_facts(12, q3, 3_000_000),
            *_facts(13, [4, 5], 1_000_000),
        )
        suggestions = [(1, 1, 4), (2, 2, 2), (3, 4, 4), (4, 1, 3), (5, 5, 2)]
        add(
            "suggestions",
            *[
                {
                    "id": i,
                    "client_id": c,
                    "product_id": p,
                    "likelihood": Decimal("0.5"),
                    "expected_value_minor": 1000,
                    "reason_zh": "理由",
                    "reason_en": "reason",
                    "generated_on": d(2026, 6, 1),
                }
                for i, c, p in suggestions
            ],
        )
        outcomes = [  # suggestion, outcome, at (UTC), user
            (1, "pitched", _utc(2026, 7, 10), 1),
            (1, "accepted", _utc(2026, 8, 1), 1),
            (2, "declined", _utc(2026, 9, 20), 1),
            (3, "not_now", _utc(2026, 6, 30, 20), 1),  # 07-01 04:00 in Beijing: Q3
            (4, "accepted", _utc(2026, 9, 30, 17), 1),  # 10-01 01:00 in Beijing: not Q3
            (5, "pitched", _utc(2026, 7, 15), 2),
            (5, "accepted", _utc(2026, 7, 20), 2),
        ]
        by_id = {i: (c, p) for i, c, p in suggestions}
        add(
            "suggestion_outcomes",
            *[
                {
                    "suggestion_id": s,
                    "client_id": by_id[s][0],
                    "product_id": by_id[s][1],
                    "outcome": o,
                    "at": at,
                    "user_id": u,
                }
                for s, o, at, u in outcomes
            ],
        )
        visits = [  # user, client, planned_on, status
            (1, 1, d(2026, 7, 5), "done"),
            (1, 2, d(2026, 8, 10), "done"),
            (1, 4, d(2026, 9, 1), "missed"),
            (1, 1, d(2026, 9, 20), "planned"),  # in the past and not done: counts as not done
            (1, 2, d(2026, 9, 25), "cancelled"),
            (1, 1, d(2026, 9, 28), "proposed"),
            (1, 1, d(2026, 10, 20), "planned"),  # still ahead on TODAY
            (2, 5, d(2026, 8, 15), "done"),
            (2, 6, d(2026, 9, 10), "done"),
            (2, 5, d(2026, 9, 12), "missed"),
        ]
        add(
            "visits",
            *[
                {"user_id": u, "client_id": c, "planned_on": on, "status": s}
                for u, c, on, s in visits
            ],
        )
        flags = [  # id, client, raised_on, due_on
            (1, 1, d(2026, 7, 1), d(2026, 7, 8)),
            (2, 4, d(2026, 8, 1), d(2026, 8, 31)),
            (3, 2, d(2026, 9, 1), d(2026, 9, 8)),
            (4, 1, d(2026, 9, 10), d(2026, 9, 17)),
            (5, 1, d(2026, 9, 28), d(2026, 10, 5)),
            (6, 5, d(2026, 9, 25), d(2026, 9, 30)),
            (7, 5, d(2026, 10, 1), d(2026, 10, 30)),
            (8, 6, d(2026, 10, 1), d(2026, 10, 25)),
        ]
        add(
            "risk_flags",
            *[
                {
                    "id": i,
                    "client_id": c,
                    "rule_code": "DPD_30",
                    "severity": "high",
                    "evidence": "证据",
                    "raised_on": r,
                    "due_on": due,
                }
                for i, c, r, due in flags
            ],
        )
        events = [  # flag, at (UTC), actor (None = the system), to_status
            (1, _utc(2026, 7, 1), None, "raised"),
            (1, _utc(2026, 7, 3), 1, "acknowledged"),  # on time
            (2, _utc(2026, 8, 1), None, "raised"),
            (2, _utc(2026, 9, 5), None, "closed"),  # only the system: never handled
            (3, _utc(2026, 9, 1), None, "raised"),
            (3, _utc(2026, 9, 8, 17), 1, "acknowledged"),  # 09-09 01:00 in Beijing: late
            (4, _utc(2026, 8, 20), 1, "acknowledged"),  # before it was raised again
            (4, _utc(2026, 9, 10), None, "raised"),
            (6, _utc(2026, 9, 29), 2, "resolved"),  # on time
            (8, _utc(2026, 10, 10), 2, "acknowledged"),  # on time
        ]
        add(
            "risk_flag_events",
            *[{"flag_id": f, "at": at, "actor_id": a, "to_status": s} for f, at, a, s in events],
        )
        add(
            "training_points",
            *[
                {"user_id": u, "earned_on": on, "course": "课程", "points": p}
                for u, on, p in [
                    (1, d(2026, 7, 10), 4),
                    (1, d(2026, 9, 30), 8),
                    (1, d(2026, 10, 1), 2),
                    (2, d(2026, 6, 30), 4),
                ]
            ],
        )
    return Bank(engine, 1, 1, 2)
