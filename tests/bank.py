"""A tiny hand-built bank for tests whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert

from rmdesk.models import Base

T = Base.metadata.tables


def months(first: str, last: str) -> list[dt.date]:
    """First days of the months from ``first`` to ``last`` (YYYY-MM), inclusive."""
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


class TinyBank:
    """Insert rows with sensible defaults; every method returns the new row's id."""

    def __init__(self, engine: Engine, as_of: dt.date | None = None) -> None:
        self.engine = engine
        self.n = 0
        if as_of:
            self._insert("meta", key="as_of", value=as_of.isoformat())

    def _insert(self, table: str, **values: Any) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(insert(T[table]).values(**values))
            key = result.inserted_primary_key
            return int(key[0]) if key and isinstance(key[0], int) else 0

    def _next(self) -> int:
        self.n += 1
        return self.n

    def branch(self, code: str = "B1") -> int:
        return self._insert("branches", code=code, name=f"Branch {code}")

    def user(
        self, username: str, branch_id: int | None, role: str = "rm", visits_per_day: int = 4
    ) -> int:
        return self._insert(
            "users",
            username=username,
            display_name=username.upper(),
            role=role,
            branch_id=branch_id,
            visits_per_day=visits_per_day,
            active=True,
            version=1,
        )

    def product(
        self,
        code: str,
        family: str,
        *,
        ftp: str = "0",
        rate: str = "0",
        cost: int = 0,
        pd: str = "0",
        lgd: str = "0",
        valid_from: dt.date = dt.date(2020, 1, 1),
        min_age: int | None = None,
        max_age: int | None = None,
        segments: str | None = None,
    ) -> int:
        pid = self._insert(
            "products",
            code=code,
            name_zh=f"{code}产品",
            name_en=f"{code} product",
            family=family,
            min_age=min_age,
            max_age=max_age,
            segments=segments,
            active=True,
            version=1,
        )
        self.pricing(pid, 1, valid_from, ftp=ftp, rate=rate, cost=cost, pd=pd, lgd=lgd)
        return pid

    def pricing(
        self,
        product_id: int,
        version: int,
        valid_from: dt.date,
        *,
        ftp: str = "0",
        rate: str = "0",
        cost: int = 0,
        pd: str = "0",
        lgd: str = "0",
    ) -> int:
        return self._insert(
            "product_pricing",
            product_id=product_id,
            version=version,
            valid_from=valid_from,
            ftp_rate=Decimal(ftp),
            client_rate=Decimal(rate),
            fee_monthly_minor=0,
            fee_rate=Decimal(0),
            cost_to_serve_minor=cost,
            pd=Decimal(pd),
            lgd=Decimal(lgd),
        )

    def client(
        self,
        rm_id: int | None,
        branch_id: int | None,
        *,
        name: str | None = None,
        birth: dt.date | None = dt.date(1980, 1, 1),
        kyc_due: dt.date | None = None,
        segment: str = "mass",
        kind: str = "individual",
        onboarded: dt.date = dt.date(2015, 1, 1),
        district: str | None = None,
        status: str = "active",
    ) -> int:
        n = self._next()
        return self._insert(
            "clients",
            source="test",
            external_id=f"T{n:04d}",
            kind=kind,
            name=name or f"Client {n}",
            birth_date=birth,
            segment=segment,
            kyc_due=kyc_due,
            onboarded_on=onboarded,
            branch_id=branch_id,
            rm_id=rm_id,
            district=district,
            status=status,
            attributes={},
            version=1,
        )

    def holding(
        self,
        client_id: int,
        product_id: int,
        *,
        opened: dt.date = dt.date(2015, 1, 1),
        closed: dt.date | None = None,
        maturity: dt.date | None = None,
        limit: int | None = None,
        currency: str = "CNY",
    ) -> int:
        n = self._next()
        return self._insert(
            "holdings",
            source="test",
            external_id=f"H{n:05d}",
            client_id=client_id,
            product_id=product_id,
            account_no=f"6222{n:08d}",
            currency=currency,
            opened_on=opened,
            closed_on=closed,
            maturity_on=maturity,
            limit_minor=limit,
            attributes={},
        )

    def facts(self, holding_id: int, when: list[dt.date], balance: int = 0, **values: int) -> None:
        rows = [
            {
                "holding_id": holding_id,
                "month": m,
                "avg_balance_minor": balance,
                "interest_minor": 0,
                "fees_minor": values.get("fees", 0),
                "penalty_interest_minor": values.get("penalty", 0),
                "salary_inflow_minor": values.get("salary", 0),
                "credit_turnover_minor": 0,
                "debit_turnover_minor": 0,
                "txn_count": values.get("txn", 0),
                "days_past_due": values.get("dpd", 0),
                "overdraft_days": values.get("overdraft", 0),
            }
            for m in when
        ]
        with self.engine.begin() as conn:
            conn.execute(insert(T["monthly_facts"]), rows)

    def fact(self, holding_id: int, month: dt.date, balance: int = 0, **values: int) -> None:
        self.facts(holding_id, [month], balance, **values)

    def contact(self, client_id: int, at: dt.datetime, user_id: int | None = None) -> int:
        return self._insert(
            "interactions",
            source="test",
            client_id=client_id,
            user_id=user_id,
            occurred_at=at,
            channel="phone",
            version=1,
        )
