"""The demo bank's declared client fields (rmdesk/services/common/client_fields.py), drawn for
individuals from what the bank already drew about them, so that a model can learn something
real from them, but not everything.

A generator of their own (the demo's seed and 23) draws them after the clients and holdings, so
adding fields changes no other draw. How each relates to the rest: age makes retirees (women
from 50–55, men from 60, as in China) and students; payroll holders are employed; segment and
wealth shape occupation, education and income band; income band goes with wealth, payroll,
segment and funds; risk tolerance (C1–C5) with fund and wealth-product holdings, income, age and
education; channel with age and mobile banking; household with marital status. A risk grade is
assessed for every active individual, lasts a year, and is missing for about 15% (mostly clients
without investments) and expired for about 20% as of the demo's date. docs/demo-bank.md has the
figures.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from rmdesk.services.common.client_fields import FIELDS, RISK_TOLERANCE

EMPLOYED = [
    "employee",
    "manager",
    "professional",
    "technician",
    "civil_servant",
    "worker",
    "service",
]
#: occupation weights for a working-age client without payroll, by segment
WORKING = {
    "mass": {
        "employee": 18,
        "worker": 16,
        "service": 16,
        "technician": 8,
        "self_employed": 14,
        "farmer": 6,
        "homemaker": 8,
        "unemployed": 6,
        "professional": 5,
        "civil_servant": 3,
    },
    "affluent": {
        "manager": 22,
        "professional": 24,
        "self_employed": 16,
        "entrepreneur": 14,
        "civil_servant": 10,
        "employee": 10,
        "homemaker": 4,
    },
    "private": {
        "entrepreneur": 45,
        "manager": 25,
        "professional": 18,
        "self_employed": 8,
        "homemaker": 4,
    },
}
#: occupation weights for payroll holders, by segment
PAYROLL = {
    "mass": {"employee": 34, "worker": 24, "service": 16, "technician": 14, "civil_servant": 6}
    | {"professional": 4, "manager": 2},
    "affluent": {"manager": 34, "professional": 34, "civil_servant": 14, "employee": 12}
    | {"technician": 6},
    "private": {"manager": 55, "professional": 35, "civil_servant": 10},
}
EDUCATION_BONUS = {"professional": 1.2, "manager": 0.9, "civil_servant": 0.9, "student": 1.0}
EDUCATION_BONUS |= {"technician": 0.4, "employee": 0.3, "entrepreneur": 0.2}
EDUCATION_BONUS |= {"worker": -0.6, "farmer": -1.0, "service": -0.4, "homemaker": -0.4}
SEGMENT_SCORE = {"mass": 0.0, "affluent": 0.8, "private": 1.2}
INCOME_SHARES = (0.2, 0.25, 0.25, 0.18, 0.12)  # low … high, among individuals
RISK_SHARES = (0.15, 0.30, 0.30, 0.17, 0.08)  # C1 … C5, among those assessed


class DrawnClients(Protocol):
    """What the fields are drawn from: demo_draws.Draws."""

    spec: Any
    as_of: Any
    n: int
    age: np.ndarray
    male: np.ndarray
    corp: np.ndarray
    seg: np.ndarray
    wealth: np.ndarray
    dormant: np.ndarray
    has: dict[str, np.ndarray]


def draw_fields(d: DrawnClients) -> list[dict[str, Any]]:
    """Each client's fields (an empty dict for a company), deterministically from the seed."""
    rng = np.random.default_rng([d.spec.seed, 23])
    n, ind, age = d.n, ~d.corp, d.age
    noise = rng.standard_normal((3, n))  # one row of draws per use, in a fixed order
    u = rng.random((9, n))

    occupation = _occupation(d, rng, u)
    retired = occupation == "retired"
    # education: segment, occupation and younger age raise it
    bonus = np.vectorize(EDUCATION_BONUS.get, otypes=[float])(occupation, 0.0)
    seg_score = np.vectorize(SEGMENT_SCORE.get, otypes=[float])(d.seg, 0.0)
    edu_z = seg_score + bonus - 0.025 * (age - 40) + 0.8 * noise[0]
    education = np.where(edu_z < -0.9, "primary", np.where(edu_z < 0.7, "secondary", "tertiary"))
    tertiary = education == "tertiary"

    # marital status by age
    married_p = np.clip((age - 22) / 12, 0, 0.82)
    widowed = (age > 60) & (u[1] < np.clip((age - 60) / 60, 0, 0.35))
    divorced = ~widowed & (age > 28) & (u[2] < 0.08)
    married = ~widowed & ~divorced & (u[3] < married_p)
    marital = np.where(
        widowed, "widowed", np.where(divorced, "divorced", np.where(married, "married", "single"))
    )
    # household: a married couple and their children; alone or with parents otherwise
    children = rng.poisson(np.where((age > 26) & (age < 60), 1.1, 0.3))
    household = np.where(married, 2 + children, 1 + (u[4] < 0.35) + children * (age < 45))
    household = np.clip(household, 1, 8)

    # income band: wealth, payroll, segment and funds, not retirement, with noise
    income_z = (
        0.7 * np.log(d.wealth + 1)
        + 0.5 * d.has["PAYROLL"]
        + 0.4 * d.has["FUND"]
        + 0.5 * tertiary
        - 0.6 * retired
        + 0.9 * noise[1]
    )
    income = _cut(income_z, ind, INCOME_SHARES, FIELDS["income_band"].codes)

    channel = _channel(d, age, u[5])

    # risk tolerance: investments, income, youth and education
    investing = d.has["FUND"] | d.has["WMP"]
    risk_z = (
        1.0 * d.has["FUND"]
        + 0.5 * d.has["WMP"]
        + 0.25 * income_z
        - 0.03 * (age - 45)
        + 0.3 * tertiary
        + 0.8 * noise[2]
    )
    assessed = ind & ~d.dormant & (u[0] >= np.where(investing, 0.03, 0.19))
    risk = _cut(risk_z, assessed, RISK_SHARES, RISK_TOLERANCE)
    expired = assessed & (rng.random(n) < np.where(investing, 0.16, 0.25))
    as_of = np.datetime64(d.as_of, "D")
    # a valid grade was assessed in the last 11 months; an expired one over a year ago
    back = np.where(expired, rng.integers(367, 3 * 365, size=n), rng.integers(0, 335, size=n))
    days: np.ndarray = np.asarray(as_of - back.astype("timedelta64[D]"), dtype="datetime64[D]")
    on = pd.DatetimeIndex(days)
    until = on + pd.DateOffset(years=1)
    on_text = np.asarray(on.strftime("%Y-%m-%d"), dtype=object)
    until_text = np.asarray(until.strftime("%Y-%m-%d"), dtype=object)
    on_text[~assessed] = None
    until_text[~assessed] = None

    columns = {
        "occupation": occupation,
        "education": education,
        "marital_status": marital,
        "income_band": income,
        "channel_preference": channel,
        "household_size": household.astype(np.int64),
        "risk_tolerance": risk,
        "risk_assessed_on": on_text,
        "risk_assessment_expires": until_text,
    }
    names = list(columns)
    values = [
        col.astype(object).tolist() if col.dtype != np.int64 else col.tolist()
        for col in columns.values()
    ]
    out: list[dict[str, Any]] = []
    for i, row in enumerate(zip(*values, strict=True)):
        if d.corp[i]:
            out.append({})
        else:
            out.append({k: v for k, v in zip(names, row, strict=True) if v is not None})
    return out


def _occupation(d: DrawnClients, rng: np.random.Generator, u: np.ndarray) -> np.ndarray:
    n, age = d.n, d.age
    seg = np.where(np.isin(d.seg, list(WORKING)), d.seg, "mass")
    out = np.empty(n, dtype=object)
    for name, table in (("working", WORKING), ("payroll", PAYROLL)):
        for s, weights in table.items():
            mask = (seg == s) & (d.has["PAYROLL"] if name == "payroll" else ~d.has["PAYROLL"])
            codes = list(weights)
            p = np.array(list(weights.values()), dtype=float)
            out[mask] = rng.choice(codes, size=int(mask.sum()), p=p / p.sum())
    retire_at = np.where(d.male, 60, np.where(u[6] < 0.5, 50, 55))
    retired = ~d.has["PAYROLL"] & (age >= retire_at) & (u[7] < 0.9)
    student = ~d.has["PAYROLL"] & (age < 24) & (u[8] < 0.6)
    out[retired] = "retired"
    out[student] = "student"
    out[d.corp] = None
    return out


def _channel(d: DrawnClients, age: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Younger clients and mobile-banking users prefer the phone apps; older ones the branch."""
    young = np.clip((65 - age) / 40, 0, 1)
    mobile = d.has["MOBILE"]
    weights = np.stack(
        [
            1.2 - young,  # branch
            0.3 + 0.2 * (age > 55),  # phone
            0.2 + 1.2 * young * mobile,  # mobile
            0.15 + 0.3 * young,  # online
            0.1 + 1.0 * young * mobile,  # wechat
        ],
        axis=1,
    )
    cum = np.cumsum(weights, axis=1)
    pick = (u[:, None] * cum[:, -1:] > cum).sum(axis=1)
    chosen: np.ndarray = np.array(FIELDS["channel_preference"].codes, dtype=object)[pick]
    return chosen


def _cut(
    score: np.ndarray, among: np.ndarray, shares: tuple[float, ...], codes: tuple[str, ...]
) -> np.ndarray:
    """Codes by the score's rank among ``among``, in ``shares``; None for the others."""
    out = np.full(len(score), None, dtype=object)
    if not among.any():
        return out
    edges = np.quantile(score[among], np.cumsum(shares)[:-1])
    out[among] = np.array(codes, dtype=object)[np.searchsorted(edges, score[among])]
    return out
