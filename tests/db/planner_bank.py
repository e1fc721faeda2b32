"""Tiny hand-made banks for the visit planner's tests (test_visit_planner.py, test_visit_views.py),
whose plans can be worked out by hand.

The main bank's RM visits two clients a day. With the plan starting Monday 2026-09-28:
  C10 静安 D  last contact 2025-09-01 + 365 d   → due 2026-09-01 (cadence, overdue)
  C01 浦东 A  last contact 2026-08-20 + 30 d    → due 2026-09-19 (cadence, overdue)
  C02 徐汇 B  open high flag DPD_30             → due 2026-09-28 (flag; cadence alone: 10-13)
  C05 徐汇 -  no score (tier D), never contacted → due 2026-09-28 (cadence)
  C04 静安 B  open suggestion worth ¥1,500.00   → due 2026-10-30 − 30 d = 2026-09-30 (suggestion)
  C03 浦东 C  deposit maturing 2026-10-20       → due 2026-10-20 − 14 d = 2026-10-06 (maturity)
  C06 静安 A  contacted 2026-09-20              → due 2026-10-20: after a two-week plan, not planned
  C07 浦东 A  overdue, but already has a planned visit on 2026-10-09: not proposed
  C08        dormant: never planned;  C09: another RM's client
Days fill in due order, each with the first client's district neighbours due within 14 days:
  09-28 C10 + C04 (静安), 09-29 C01 + C03 (浦东), 09-30 C02 + C05 (徐汇).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert, select

from rmdesk.db import make_engine
from rmdesk.models import (
    Branch,
    Client,
    ClientScore,
    Holding,
    Interaction,
    Product,
    RiskFlag,
    ScoringRun,
    Suggestion,
    User,
    Visit,
)

START = dt.date(2026, 9, 28)  # a Monday, three days before National Day


D = dt.date


@dataclass
class Bank:
    engine: Engine
    rm: int
    other_rm: int
    branch: int
    ids: dict[str, int]  # client external id -> id
    product: dict[str, int]
    run: int

    def client(
        self,
        ext: str,
        *,
        district: str | None = None,
        tier: str | None = None,
        contribution: int = 0,
        contacts: tuple[dt.date, ...] = (),
        status: str = "active",
        rm: int | None = None,
        onboarded_on: dt.date | None = None,
    ) -> int:
        """Add a client with an optional score and contacts (at 10:00 Beijing time)."""
        with self.engine.begin() as conn:
            cid = conn.execute(
                insert(Client)
                .values(
                    source="test",
                    external_id=ext,
                    kind="individual",
                    name=f"客户{ext}",
                    district=district,
                    branch_id=self.branch,
                    rm_id=rm or self.rm,
                    status=status,
                    onboarded_on=onboarded_on,
                )
                .returning(Client.id)
            ).scalar_one()
            if tier is not None:
                conn.execute(
                    insert(ClientScore).values(**_score(cid, self.run, tier, contribution))
                )
            for n, day in enumerate(contacts):
                at = dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC)
                conn.execute(
                    insert(Interaction).values(
                        source="test",
                        external_id=f"{ext}-{n}",
                        client_id=cid,
                        occurred_at=at,
                        channel="phone",
                    )
                )
        self.ids[ext] = cid
        return cid

    def visit(self, ext: str, on: dt.date, status: str, slot: int = 1) -> int:
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(Visit)
                    .values(
                        client_id=self.ids[ext],
                        user_id=self.rm,
                        planned_on=on,
                        slot=slot,
                        status=status,
                        purpose="cadence",
                    )
                    .returning(Visit.id)
                ).scalar_one()
            )


def _score(client_id: int, run: int, tier: str, contribution: int) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "run_id": run,
        "as_of": D(2026, 8, 31),
        "contribution_minor": contribution,
        "previous_minor": 0,
        "deposit_margin_minor": contribution,
        "loan_margin_minor": 0,
        "fees_minor": 0,
        "cost_minor": 0,
        "expected_loss_minor": 0,
        "rank_bank": 1,
        "cumulative_share": Decimal("0.5"),
        "tier": tier,
    }


def empty_bank(db_url: str, visits_per_day: int = 2) -> Bank:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        branch = conn.execute(
            insert(Branch).values(code="B01", name="陆家嘴支行").returning(Branch.id)
        ).scalar_one()
        rm, other = (
            conn.execute(
                insert(User)
                .values(
                    username=name,
                    display_name=name,
                    role="rm",
                    branch_id=branch,
                    visits_per_day=visits_per_day,
                )
                .returning(User.id)
            ).scalar_one()
            for name in ("rm01", "rm02")
        )
        products = {
            code: conn.execute(
                insert(Product)
                .values(code=code, name_zh=zh, name_en=en, family=family)
                .returning(Product.id)
            ).scalar_one()
            for code, zh, en, family in [
                ("TD1Y", "一年定期存款", "1-year term deposit", "deposit"),
                ("FUND", "稳健理财", "Steady wealth fund", "investment"),
            ]
        }
        run = conn.execute(
            insert(ScoringRun)
            .values(
                started_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
                as_of=D(2026, 8, 31),
                scope="bank",
                actor="test",
            )
            .returning(ScoringRun.id)
        ).scalar_one()
    return Bank(engine, rm, other, branch, {}, products, run)


def main_bank(db_url: str) -> Bank:
    """The main bank of this module's docstring."""
    b = empty_bank(db_url)
    b.client(
        "C01",
        district="浦东",
        tier="A",
        contribution=9_000_000,
        contacts=(D(2026, 6, 1), D(2026, 8, 20)),
    )
    b.client("C02", district="徐汇", tier="B", contribution=5_000_000, contacts=(D(2026, 7, 15),))
    b.client("C03", district="浦东", tier="C", contribution=1_000_000, contacts=(D(2026, 5, 1),))
    b.client("C04", district="静安", tier="B", contribution=3_000_000, contacts=(D(2026, 8, 1),))
    b.client("C05", district="徐汇")
    b.client("C06", district="静安", tier="A", contribution=8_000_000, contacts=(D(2026, 9, 20),))
    b.client("C07", district="浦东", tier="A", contribution=7_000_000, contacts=(D(2026, 8, 1),))
    b.client("C08", district="浦东", status="dormant")
    b.client("C09", district="浦东", rm=b.other_rm)
    b.client("C10", district="静安", tier="D", contribution=100_000, contacts=(D(2025, 9, 1),))
    ids, td, fund = b.ids, b.product["TD1Y"], b.product["FUND"]
    with b.engine.begin() as conn:
        # rows written together need the same keys: executemany takes its columns from the first
        flag = {"evidence": "逾期", "raised_on": D(2026, 9, 25)}
        conn.execute(
            insert(RiskFlag),
            [
                {**flag, "client_id": ids["C02"], "rule_code": "DPD_30", "severity": "high"}
                | {"status": "raised"},
                {**flag, "client_id": ids["C06"], "rule_code": "DPD_1", "severity": "medium"}
                | {"status": "raised"},
                {**flag, "client_id": ids["C06"], "rule_code": "DPD_90", "severity": "high"}
                | {"status": "resolved"},
            ],
        )
        h = {"source": "test", "product_id": td}
        conn.execute(
            insert(Holding),
            [
                {**h, "external_id": "H1", "client_id": ids["C03"]}
                | {"maturity_on": D(2026, 10, 20), "closed_on": None},
                # beyond the 60 days of maturity_days, and closed: neither pulls a visit
                {**h, "external_id": "H2", "client_id": ids["C01"]}
                | {"maturity_on": D(2026, 12, 31), "closed_on": None},
                {**h, "external_id": "H3", "client_id": ids["C06"]}
                | {"maturity_on": D(2026, 10, 5), "closed_on": D(2026, 9, 1)},
            ],
        )
        offer = {
            "product_id": fund,
            "likelihood": Decimal("0.3"),
            "reason_zh": "同类客户多持有",
            "reason_en": "peers hold it",
            "generated_on": D(2026, 9, 1),
        }
        conn.execute(
            insert(Suggestion),
            [
                {**offer, "client_id": ids["C04"], "expected_value_minor": 150_000}
                | {"status": "open"},
                # too small to pull a visit, and declined
                {**offer, "client_id": ids["C06"], "expected_value_minor": 50_000}
                | {"status": "open"},
                {**offer, "client_id": ids["C06"], "expected_value_minor": 900_000}
                | {"status": "declined"},
            ],
        )
    b.visit("C07", D(2026, 10, 9), "planned")
    return b


def _ext(bank: Bank) -> dict[int, str]:
    return {cid: ext for ext, cid in bank.ids.items()}


def _plan(bank: Bank, frame: Any) -> list[tuple[str, dt.date, int, str]]:
    """The plan as (client, day, slot, purpose), in visiting order."""
    names = _ext(bank)
    return [
        (names[int(r.client_id)], r.planned_on.date(), int(r.slot), str(r.purpose))
        for r in frame.itertuples()
    ]


def _visit_rows(bank: Bank) -> list[tuple[Any, ...]]:
    with bank.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(
                    Visit.id,
                    Visit.client_id,
                    Visit.user_id,
                    Visit.planned_on,
                    Visit.slot,
                    Visit.status,
                    Visit.purpose,
                    Visit.reason,
                    Visit.district,
                    Visit.notes,
                    Visit.version,
                ).order_by(Visit.id)
            )
        ]


def _visit(bank: Bank, visit_id: int) -> Any:
    with bank.engine.connect() as conn:
        return conn.execute(select(Visit.__table__).where(Visit.id == visit_id)).one()


def _id_of(bank: Bank, frame: Any, ext: str) -> int:
    return int(frame.loc[frame["client_id"] == bank.ids[ext], "visit_id"].iloc[0])
