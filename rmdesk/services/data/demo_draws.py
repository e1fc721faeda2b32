"""The demo bank's random draws, from one seeded generator in a fixed order: who the clients
are (segment, wealth, age, branch, RM, tenure, KYC, who is dormant or deteriorating) and what
they hold. ``demo_bank`` turns the draws into tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rmdesk.services.data import catalogue
from rmdesk.services.data import demo_names as names
from rmdesk.services.data.demo_spec import (
    KYC_CYCLE_DAYS,
    RMS_PER_BRANCH,
    SEGMENT_WEALTH,
    DemoSpec,
    day_numbers,
    month_starts,
)


class Draws:
    """Draws the clients and their holdings once; the tables are read from these."""

    def __init__(self, spec: DemoSpec) -> None:
        self.spec = spec
        self.zh = spec.language == "zh"
        self.as_of = spec.business_date()
        self.months = month_starts(self.as_of, spec.months)
        self.rng = np.random.default_rng(spec.seed)
        self.n = spec.clients
        self._draw_clients()
        self._draw_holdings()

    def _draw_clients(self) -> None:
        rng, n = self.rng, self.n
        corp = rng.random(n) < 0.08
        seg = np.where(
            corp,
            rng.choice(["sme", "corporate"], size=n, p=[0.75, 0.25]),
            rng.choice(["mass", "affluent", "private"], size=n, p=[0.80, 0.16, 0.04]),
        )
        median = np.vectorize(SEGMENT_WEALTH.get, otypes=[float])(seg)
        self.wealth = median * rng.lognormal(0.0, 0.9, size=n)
        self.age = np.where(
            corp, rng.uniform(1, 30, size=n), np.clip(rng.normal(45, 15, size=n), 18, 88)
        )
        self.male = rng.random(n) < 0.5
        self.corp, self.seg = corp, seg
        self.branch = rng.choice(len(names.BRANCHES), size=n, p=[0.26, 0.22, 0.20, 0.17, 0.15])
        self.district = rng.integers(6, size=n)
        rm_local = np.empty(n, dtype=np.int64)
        for b in range(len(names.BRANCHES)):
            mask = self.branch == b
            weights = rng.dirichlet(np.full(RMS_PER_BRANCH, 3.0))
            rm_local[mask] = rng.choice(RMS_PER_BRANCH, size=int(mask.sum()), p=weights)
        self.rm = self.branch * RMS_PER_BRANCH + rm_local + 1
        as_of = np.datetime64(self.as_of, "D")
        tenure = np.minimum(rng.exponential(6 * 365, size=n), 25 * 365).astype(np.int64) + 30
        self.onboarded = as_of - tenure.astype("timedelta64[D]")
        born = as_of - (self.age * 365.25).astype(np.int64).astype("timedelta64[D]")
        self.born = born
        self.dormant = (~corp) & (seg == "mass") & (rng.random(n) < 0.04)
        self.deteriorating = (~self.dormant) & (rng.random(n) < 0.05)
        self.decline_months = rng.integers(2, 6, size=n)
        cycle = np.vectorize(KYC_CYCLE_DAYS.get, otypes=[np.int64])(seg)
        overdue = rng.random(n) < 0.07
        ahead = (rng.random(n) * cycle).astype(np.int64) + 1
        back = rng.integers(1, 181, size=n)
        self.kyc_due = as_of + np.where(overdue, -back, ahead).astype("timedelta64[D]")

    def _draw_holdings(self) -> None:
        rng, n = self.rng, self.n
        ind, age, seg = ~self.corp, self.age, self.seg
        aff = np.isin(seg, ["affluent", "private"])
        rich = self.wealth > np.median(self.wealth)
        active = ~self.dormant

        def p(x: np.ndarray | float) -> np.ndarray:
            return rng.random(n) < np.broadcast_to(np.asarray(x, dtype=float), (n,))

        has: dict[str, np.ndarray] = {}
        has["CASA"] = p(np.where(self.corp, 1.0, 0.97)) | self.dormant
        has["PAYROLL"] = active & p(
            np.where(ind & (age >= 22) & (age <= 60), 0.55, np.where(self.corp, 0.3, 0.0))
        )
        has["MOBILE"] = active & p(np.where(age < 50, 0.85, np.where(age < 65, 0.55, 0.25)))
        has["CREDIT"] = active & ind & (age <= 70) & p(0.15 + 0.30 * has["PAYROLL"] + 0.1 * aff)
        # a personal card: companies hold none (the catalogue's WHO_FOR)
        has["PLATINUM"] = active & p(
            np.where(seg == "private", 0.55, np.where(seg == "affluent", 0.25, 0.0))
        )
        old = age > 55
        has["TD3M"] = active & p(0.08 + 0.10 * old)
        has["TD12"] = active & p(0.12 + 0.15 * rich + 0.10 * old)
        has["TD36"] = active & p(0.05 + 0.12 * old)
        has["WMP"] = (
            active
            & ind
            & p(
                np.vectorize(
                    {
                        "mass": 0.05,
                        "affluent": 0.45,
                        "private": 0.7,
                        "sme": 0.0,
                        "corporate": 0.0,
                    }.get,
                    otypes=[float],
                )(seg)
                + 0.08 * has["MOBILE"]
            )
        )
        has["FUND"] = (
            active & ind & p(0.03 + 0.40 * (has["PAYROLL"] & has["CREDIT"]) + 0.15 * has["WMP"])
        )
        has["MORTGAGE"] = active & ind & (age >= 25) & (age <= 55) & p(0.22)
        has["CONSUMER"] = active & ind & (age >= 22) & (age <= 60) & p(0.06 + 0.06 * has["CREDIT"])
        has["BIZLOAN"] = active & p(
            np.where(seg == "sme", 0.5, np.where(seg == "corporate", 0.4, 0.0))
        )
        has["LIFE"] = active & ind & (age <= 65) & p(0.04 + 0.30 * has["MORTGAGE"] + 0.08 * aff)
        has["PROPERTY"] = active & ind & p(0.02 + 0.40 * has["MORTGAGE"])
        has["SAFEBOX"] = active & p(
            np.where(seg == "private", 0.4, np.where(seg == "affluent", 0.12, 0.0))
        )
        self.has = has

        as_of = np.datetime64(self.as_of, "D")
        parts = []
        for code, _zh, _en, family, term, *_ in catalogue.PRODUCTS:
            owners = np.flatnonzero(has[code])
            k = len(owners)
            if not k:
                continue
            w = self.wealth[owners]
            onboard = day_numbers(self.onboarded[owners])
            today = day_numbers(np.array([as_of]))[0]
            opened = onboard + (rng.random(k) * (today - onboard)).astype(np.int64)
            maturity = np.full(k, np.iinfo(np.int64).min)
            amount = np.zeros(k)
            limit = np.zeros(k)
            base = np.zeros(k)
            if code == "CASA":
                opened = onboard
                base = w * np.where(self.corp[owners], 0.30, 0.15)
                base = np.where(self.dormant[owners], rng.uniform(5, 300, size=k), base)
            elif family == "deposit" or code == "WMP":
                t = int(term or 12)
                opened = today - (rng.random(k) * t * 30.4).astype(np.int64)
                maturity = opened + int(t * 30.4)
                base = w * rng.uniform(0.10, 0.40, size=k)
            elif code == "FUND":
                base = w * rng.uniform(0.05, 0.20, size=k)
            elif code == "MORTGAGE":
                amount = rng.uniform(0.8e6, 4e6, size=k) * (1 + self.wealth[owners] / 2e6).clip(
                    1, 3
                )
                opened = today - (rng.random(k) * 10 * 365).astype(np.int64)
                maturity = opened + 240 * 30
            elif code == "CONSUMER":
                amount = rng.uniform(2e4, 2e5, size=k)
                opened = today - (rng.random(k) * 35 * 30.4).astype(np.int64)
                maturity = opened + int(36 * 30.4)
            elif code == "BIZLOAN":
                amount = w * rng.uniform(0.5, 1.5, size=k)
                opened = today - (rng.random(k) * 23 * 30.4).astype(np.int64)
                maturity = opened + int(24 * 30.4)
            elif code in ("CREDIT", "PLATINUM"):
                lo, hi = (2e4, 1e5) if code == "CREDIT" else (1e5, 5e5)
                limit = np.clip(w * 0.5, lo, hi).round(-3)
                util = np.where(
                    rng.random(k) < 0.12, rng.uniform(0.8, 1.0, size=k), rng.beta(2, 5, size=k)
                )
                base = util * limit
            opened = np.maximum(opened, onboard)
            closed = np.full(k, np.iinfo(np.int64).min)
            if code not in ("CASA", "PAYROLL", "MOBILE"):
                churn = rng.random(k) < np.where(self.deteriorating[owners], 0.35, 0.03)
                closed = np.where(churn, today - rng.integers(0, 365, size=k), closed)
                closed = np.where(churn & (closed < opened), opened + 1, closed)
                closed = np.where(closed > today, np.iinfo(np.int64).min, closed)
            parts.append(
                pd.DataFrame(
                    {
                        "client": owners,
                        "product_code": code,
                        "family": family,
                        "opened": opened,
                        "closed": closed,
                        "maturity": maturity,
                        "amount": amount,
                        "limit": limit,
                        "base": base,
                    }
                )
            )
        h = pd.concat(parts, ignore_index=True).sort_values(
            ["client", "product_code"], kind="stable", ignore_index=True
        )
        self.h = h
