"""The demo bank: a deterministic, seeded bank with the shape of a real one.

Five sub-branches of a Beijing bank, six RMs and a head each, ``clients`` clients (10,000 by
default, up to 1,000,000 for benchmarks), 16 products and 24 months of monthly facts. Wealth is
log-normal, so contribution comes out Pareto-shaped; holdings are correlated (payroll and a credit
card go with a fund account, a mortgage with insurance); about 5% of clients deteriorate over
their last months (falling balances, salary stopping, arrears, overdrafts); term deposits and loans
mature; some KYC reviews are overdue; every client has a contact history to match its segment.
The same seed and as-of date give the same bank, row for row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.common.progress import Progress
from rmdesk.services.data import catalogue, demo_campaigns, demo_contacts
from rmdesk.services.data import demo_names as names
from rmdesk.services.data.demo_draws import Draws
from rmdesk.services.data.demo_fields import draw_fields
from rmdesk.services.data.demo_spec import (
    DEMO_PASSWORD,
    FACT_CHUNK,
    RMS_PER_BRANCH,
    SEGMENT_CONTACTS_PER_YEAR,
    SOURCE,
    DemoSpec,
    T,
    day_numbers,
    minor_or_na,
)
from rmdesk.services.data.importing.dataset import (
    BRANCH_COLUMNS,
    FACT_COLUMNS,
    USER_COLUMNS,
    DataSet,
)
from rmdesk.services.data.importing.writer import ImportResult, write_dataset

__all__ = ["DEMO_PASSWORD", "SOURCE", "DemoSpec", "NotEmpty", "build", "generate"]


def generate(spec: DemoSpec) -> DataSet:
    """The whole demo bank as a ``DataSet``; monthly facts are generated as they are written."""
    if spec.clients < 1:
        raise ValueError("the demo bank needs at least one client")
    if spec.language not in ("zh", "en"):
        raise ValueError("language must be zh or en")
    bank = _Bank(spec)
    data = DataSet(source=SOURCE)
    data.branches = bank.branches()
    data.users = bank.users()
    data.products = catalogue.products_frame()
    data.pricing = catalogue.pricing_frame(bank.months[0].isoformat())
    data.clients = bank.clients()
    data.holdings = bank.holdings()
    data.facts = bank.facts
    data.expected_facts = bank.expected_facts()
    # the contact history, with the campaigns' offers and their answers (demo_campaigns)
    campaigns = demo_campaigns.offers(
        data.clients, data.holdings, data.products, bank.as_of, spec.seed, bank.zh
    )
    contacts = bank.interactions().assign(product_code=None, offer_result=None)
    data.interactions = pd.concat([contacts, campaigns], ignore_index=True)
    data.training = bank.training()
    data.contact_persons = demo_contacts.persons(bank, data.clients)
    data.tasks = demo_contacts.tasks(contacts, bank.as_of, spec.seed)
    data.meta = {
        "as_of": bank.as_of.isoformat(),
        "seed": str(spec.seed),
        "clients": str(spec.clients),
        "language": spec.language,
    }
    return data


class _Bank(Draws):
    """The bank's tables, one at a time, from its draws."""

    # --- people and places -------------------------------------------------------------
    def branches(self) -> pd.DataFrame:
        rows = [
            (
                code,
                zh if self.zh else en,
                names.CITY[0] if self.zh else names.CITY[1],
                names.CITY[0] if self.zh else names.CITY[1],
            )
            for code, zh, en, _region, _d in names.BRANCHES
        ]
        return pd.DataFrame(rows, columns=BRANCH_COLUMNS)

    def users(self) -> pd.DataFrame:
        rng = np.random.default_rng([self.spec.seed, 99])
        people = self._person_names(rng, rng.random(len(names.BRANCHES) * 7 + 1) < 0.5)
        rows: list[tuple[Any, ...]] = [
            ("admin", "系统管理员" if self.zh else "Administrator", "admin", None, DEMO_PASSWORD, 4)
        ]
        k = 0
        for b, (code, *_rest) in enumerate(names.BRANCHES):
            rows.append((f"head{b + 1}", people[k], "branch_head", code, DEMO_PASSWORD, 4))
            k += 1
            for r in range(RMS_PER_BRANCH):
                rows.append(
                    (f"rm{b * RMS_PER_BRANCH + r + 1:02d}", people[k], "rm", code, DEMO_PASSWORD, 4)
                )
                k += 1
        return pd.DataFrame(rows, columns=USER_COLUMNS)

    def _person_names(self, rng: np.random.Generator, male: np.ndarray) -> list[str]:
        n = len(male)
        w = np.array(names.SURNAME_WEIGHTS) / sum(names.SURNAME_WEIGHTS)
        s_idx = rng.choice(len(w), size=n, p=w)
        two = rng.random(n) < 0.7
        g1m = rng.integers(len(names.GIVEN_MALE), size=n)
        g2m = rng.integers(len(names.GIVEN_MALE), size=n)
        g1f = rng.integers(len(names.GIVEN_FEMALE), size=n)
        g2f = rng.integers(len(names.GIVEN_FEMALE), size=n)
        if self.zh:
            sur = np.array(list(names.SURNAMES))[s_idx]
            gm = np.array(list(names.GIVEN_MALE))
            gf = np.array(list(names.GIVEN_FEMALE))
            sep = ""
        else:
            sur = np.array(names.SURNAMES_PINYIN)[s_idx]
            gm = np.array(names.GIVEN_MALE_PINYIN)
            gf = np.array(names.GIVEN_FEMALE_PINYIN)
            sep = " "
        first = np.where(male, gm[g1m], gf[g1f])
        second = np.where(two, np.where(male, gm[g2m], gf[g2f]), "")
        if self.zh:
            full = np.char.add(np.char.add(sur, first), second)
        else:
            given = np.char.add(first, np.char.lower(second))
            full = np.char.add(np.char.add(given, sep), sur)
        return [str(x) for x in full]

    def clients(self) -> pd.DataFrame:
        n, rng = self.n, self.rng
        people = self._person_names(rng, self.male)
        companies = self._company_names(rng)
        name = np.where(self.corp, companies, np.array(people, dtype=object))
        district_names = [[(d[0] if self.zh else d[1]) for d in b[4]] for b in names.BRANCHES]
        district = [district_names[b][d] for b, d in zip(self.branch, self.district, strict=True)]
        codes = [b[0] for b in names.BRANCHES]
        ids = self._id_numbers(rng)
        attributes = draw_fields(self)
        for i in np.flatnonzero(self.deteriorating):
            attributes[i]["deteriorating_demo"] = True
        return pd.DataFrame(
            {
                "external_id": [f"C{i:07d}" for i in range(1, n + 1)],
                "kind": np.where(self.corp, "corporate", "individual"),
                "name": name,
                "id_number": ids,
                "birth_date": pd.to_datetime(self.born),
                "gender": pd.Series(np.where(self.male, "M", "F"), dtype=object).where(
                    ~self.corp, None
                ),
                "district": district,
                "segment": self.seg,
                "kyc_due": pd.to_datetime(self.kyc_due),
                "onboarded_on": pd.to_datetime(self.onboarded),
                "branch_code": np.array(codes, dtype=object)[self.branch],
                "rm_username": [f"rm{r:02d}" for r in self.rm],
                "status": np.where(self.dormant, "dormant", "active"),
                "attributes": attributes,
                **demo_contacts.draw(self),
            }
        )

    def _company_names(self, rng: np.random.Generator) -> np.ndarray:
        n = self.n
        words = np.array([names.COMPANY_WORDS[i : i + 2] for i in range(0, 28, 2)])
        words_en = np.array(names.COMPANY_WORDS_EN)
        a = rng.integers(len(words), size=n)
        b = (a + 1 + rng.integers(len(words) - 1, size=n)) % len(words)  # two different words
        ind = rng.integers(len(names.INDUSTRIES), size=n)
        if self.zh:
            industry = np.array([i[0] for i in names.INDUSTRIES])[ind]
            return np.char.add(
                np.char.add(np.char.add("北京", words[a]), np.char.add(words[b], industry)),
                "有限公司",
            ).astype(object)
        industry = np.array([i[1] for i in names.INDUSTRIES])[ind]
        joined = np.char.add(np.char.add(words_en[a], np.char.lower(words_en[b])), " ")
        return np.char.add(
            np.char.add("Beijing ", np.char.add(joined, industry)), " Co., Ltd."
        ).astype(object)

    def _id_numbers(self, rng: np.random.Generator) -> list[str]:
        """Resident ID numbers (GB 11643, with the check digit) and credit codes (GB 32100)."""
        n = self.n
        region = np.array([b[3] for b in names.BRANCHES])[self.branch]
        birth = pd.to_datetime(self.born).strftime("%Y%m%d").to_numpy(dtype=str)
        seq = rng.integers(0, 500, size=n) * 2 + np.where(self.male, 1, 0)
        body = np.char.add(np.char.add(region, birth), np.char.zfill(seq.astype(str), 3))
        digits = np.frombuffer("".join(body).encode(), dtype=np.uint8).reshape(n, 17) - 48
        weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
        check = np.array(list("10X98765432"))[(digits * weights).sum(axis=1) % 11]
        personal = np.char.add(body, check)
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        org = rng.integers(0, 31, size=(n, 9))
        head = np.array([[9, 1]] * n)
        reg = np.frombuffer("".join(region).encode(), dtype=np.uint8).reshape(n, 6) - 48
        code = np.concatenate([head, reg, org], axis=1)
        w2 = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
        c = (31 - (code * w2).sum(axis=1) % 31) % 31
        letters = np.array(list(alphabet))
        full = np.concatenate([code, c[:, None]], axis=1)
        credit = ["".join(row) for row in letters[full]]
        return [credit[i] if self.corp[i] else str(personal[i]) for i in range(n)]

    # --- holdings ------------------------------------------------------------------------
    def holdings(self) -> pd.DataFrame:
        h = self.h
        nat = np.iinfo(np.int64).min

        def dates(days: pd.Series) -> pd.Series:
            values = days.to_numpy()
            out = pd.Series(values.astype("datetime64[D]"), dtype="datetime64[s]")
            return out.where(values != nat, pd.NaT)

        ids = np.arange(1, len(h) + 1)
        return pd.DataFrame(
            {
                "external_id": [f"H{i:08d}" for i in ids],
                "client_external_id": [f"C{c + 1:07d}" for c in h["client"]],
                "product_code": h["product_code"],
                "account_no": [f"6222{i:015d}" for i in ids * 7919 % 10**15],
                "currency": "CNY",
                "opened_on": dates(h["opened"]),
                "closed_on": dates(h["closed"]),
                "maturity_on": dates(h["maturity"]),
                "limit_minor": minor_or_na(h["limit"]),
                "amount_minor": minor_or_na(h["amount"]),
                "attributes": [{}] * len(h),
            }
        )

    # --- monthly facts ---------------------------------------------------------------------
    def _fact_holdings(self) -> np.ndarray:
        return np.flatnonzero(~self.h["product_code"].isin(["PAYROLL", "MOBILE"]).to_numpy())

    def expected_facts(self) -> int:
        idx = self._fact_holdings()
        h = self.h.iloc[idx]
        starts = day_numbers(np.array(self.months, dtype="datetime64[D]"))
        first = np.searchsorted(starts, h["opened"].to_numpy(), side="right") - 1
        closed = h["closed"].to_numpy()
        last = np.where(
            closed == np.iinfo(np.int64).min,
            len(starts) - 1,
            np.searchsorted(starts, closed, side="right") - 1,
        )
        return int(np.clip(last - np.maximum(first, 0) + 1, 0, None).sum())

    def facts(self) -> Iterator[pd.DataFrame]:
        idx = self._fact_holdings()
        for chunk_no, start in enumerate(range(0, len(idx), FACT_CHUNK)):
            yield self._facts_chunk(idx[start : start + FACT_CHUNK], chunk_no)

    def _facts_chunk(self, idx: np.ndarray, chunk_no: int) -> pd.DataFrame:
        rng = np.random.default_rng([self.spec.seed, 1, chunk_no])
        h = self.h.iloc[idx]
        k, m = len(h), len(self.months)
        client = h["client"].to_numpy()
        code = h["product_code"].to_numpy()
        fam = h["family"].to_numpy()
        starts = day_numbers(np.array(self.months, dtype="datetime64[D]"))
        ends = np.append(starts[1:], starts[-1] + 31) - 1
        opened = h["opened"].to_numpy()[:, None]
        closed = h["closed"].to_numpy()[:, None]
        live = (opened <= ends[None, :]) & (
            (closed == np.iinfo(np.int64).min) | (closed >= starts[None, :])
        )
        t = np.arange(m)[None, :]
        growth = rng.normal(0.03, 0.10, size=(k, 1))
        noise = rng.normal(0.0, 0.06, size=(k, m))
        bal = h["base"].to_numpy()[:, None] * np.exp(growth * (t - (m - 1)) / 12 + noise)
        det = self.deteriorating[client][:, None]
        decline_from = (m - self.decline_months[client])[:, None]
        falling = det & (t >= decline_from)
        depo = np.isin(fam, ["deposit", "investment"])[:, None]
        bal = np.where(falling & depo, bal * rng.uniform(0.35, 0.65, size=(k, 1)), bal)
        # loans amortise straight-line from their principal over their term
        loan = (fam == "loan")[:, None]
        term_days = np.maximum(h["maturity"].to_numpy() - h["opened"].to_numpy(), 1)[:, None]
        run = np.clip((ends[None, :] - opened) / term_days, 0, 1)
        bal = np.where(loan, h["amount"].to_numpy()[:, None] * (1 - run), bal)
        bal = np.where(np.isin(code, ["LIFE", "PROPERTY", "SAFEBOX"])[:, None], 0.0, bal)
        bal = np.maximum(bal, 0.0)

        pricing = catalogue.PRICING
        rate = np.array([float(pricing[c][1]) for c in code])[:, None]
        fee_m = np.array([pricing[c][2] / 100 for c in code])[:, None]
        fee_r = np.array([float(pricing[c][3]) for c in code])[:, None]
        interest = bal * rate / 12
        fees = fee_m + bal * fee_r / 12 + np.zeros((k, m))

        credit = np.isin(fam, ["loan", "card"])[:, None]
        severity = rng.choice([5, 35, 95], size=(k, 1), p=[0.3, 0.4, 0.3])
        dpd = np.where(det & credit, np.maximum(0, severity - 30 * (m - 1 - t)), 0)
        blip = credit & (rng.random((k, 1)) < 0.01) & (t == m - 1)
        dpd = np.where(blip & (dpd == 0), rng.integers(1, 15, size=(k, 1)), dpd)
        penalty = np.where(dpd > 0, bal * rate * 0.5 / 12, 0.0)

        casa = (code == "CASA")[:, None]
        payroll = self.has["PAYROLL"][client][:, None]
        pension = ((self.age[client] > 60) & ~self.corp[client])[:, None]
        salary_level = np.clip(self.wealth[client] / 30, 4000, 100000)[:, None]
        salary = np.where(payroll, salary_level, np.where(pension, 4500.0, 0.0))
        salary = salary * rng.uniform(0.95, 1.05, size=(k, m))
        salary = np.where(casa & ~(det & payroll & (t >= decline_from)), salary, 0.0)
        dormant = self.dormant[client][:, None]
        credit_to = np.where(casa, salary + bal * rng.uniform(0.1, 0.4, size=(k, m)), 0.0)
        credit_to = np.where(dormant, 0.0, credit_to)
        debit_to = credit_to * rng.uniform(0.8, 1.05, size=(k, m))
        txns = np.where(casa & ~dormant, rng.poisson(12, size=(k, m)), 0)
        overdraft = np.where(casa & falling, rng.integers(3, 21, size=(k, m)), 0)

        rows, cols = np.nonzero(live)
        month = np.array(self.months, dtype="datetime64[D]")[cols]

        def minor(a: np.ndarray) -> np.ndarray:
            out: np.ndarray = np.rint(np.broadcast_to(a, (k, m))[rows, cols] * 100)
            return out.astype(np.int64)

        ext = np.array([f"H{i + 1:08d}" for i in idx], dtype=object)
        out = pd.DataFrame(
            {
                "holding_external_id": ext[rows],
                "month": pd.to_datetime(month),
                "avg_balance_minor": minor(bal),
                "interest_minor": minor(interest),
                "fees_minor": minor(fees),
                "penalty_interest_minor": minor(penalty),
                "salary_inflow_minor": minor(salary),
                "credit_turnover_minor": minor(credit_to),
                "debit_turnover_minor": minor(debit_to),
                "txn_count": np.broadcast_to(txns, (k, m))[rows, cols].astype(np.int64),
                "days_past_due": np.broadcast_to(dpd, (k, m))[rows, cols].astype(np.int64),
                "overdraft_days": np.broadcast_to(overdraft, (k, m))[rows, cols].astype(np.int64),
            }
        )
        return out[FACT_COLUMNS]

    # --- contacts and training -------------------------------------------------------------
    def interactions(self) -> pd.DataFrame:
        rng = np.random.default_rng([self.spec.seed, 2])
        rate = np.vectorize(SEGMENT_CONTACTS_PER_YEAR.get, otypes=[float])(self.seg)
        rate = np.where(self.dormant, 0.1, rate) * np.where(rng.random(self.n) < 0.08, 0, 1)
        span = len(self.months) / 12
        count = rng.poisson(rate * span)
        client = np.repeat(np.arange(self.n), count)
        total = len(client)
        start = np.datetime64(self.months[0], "s")
        seconds = int((np.datetime64(self.as_of, "s") - start).astype(np.int64)) + 86400
        day = (rng.random(total) * seconds // 86400).astype(np.int64)
        hour = rng.integers(9, 18, size=total) * 3600 + rng.integers(0, 60, size=total) * 60
        # office hours in Beijing (UTC+8), stored in UTC
        at = start + (day * 86400 + hour - 8 * 3600).astype("timedelta64[s]")
        visit_heavy = np.isin(self.seg[client], ["private", "corporate"])
        channels = np.array(["visit", "phone", "counter", "online", "mobile", "email"])
        ch = np.where(
            visit_heavy,
            rng.choice(6, size=total, p=[0.45, 0.35, 0.05, 0.02, 0.08, 0.05]),
            rng.choice(6, size=total, p=[0.12, 0.38, 0.25, 0.07, 0.13, 0.05]),
        )
        lang = 0 if self.zh else 1
        purposes = np.array([p[lang] for p in names.CONTACT_PURPOSES], dtype=object)
        outcomes = np.array([o[lang] for o in names.CONTACT_OUTCOMES], dtype=object)
        steps = np.array([s[lang] or None for s in names.NEXT_STEPS], dtype=object)
        step_idx = rng.integers(len(steps), size=total)
        next_step = steps[step_idx]
        due = pd.Series(pd.to_datetime(at).normalize() + pd.Timedelta(days=14))
        by_rm = rng.random(total) < 0.85
        order = np.lexsort((at, client))
        frame = pd.DataFrame(
            {
                "external_id": [f"I{i:08d}" for i in range(1, total + 1)],
                "client_external_id": [f"C{c + 1:07d}" for c in client[order]],
                "username": pd.Series(
                    np.array([f"rm{r:02d}" for r in self.rm], dtype=object)[client]
                )
                .where(by_rm, None)
                .to_numpy()[order],
                "occurred_at": pd.to_datetime(at[order]),
                "channel": channels[ch][order],
                "purpose": purposes[rng.integers(len(purposes), size=total)][order],
                "outcome": outcomes[rng.integers(len(outcomes), size=total)][order],
                "notes": None,
                "next_step": next_step[order],
                "next_step_due": due.where(pd.notna(next_step)).to_numpy()[order],
            }
        )
        return frame

    def training(self) -> pd.DataFrame:
        rng = np.random.default_rng([self.spec.seed, 3])
        rows = []
        lang = 0 if self.zh else 1
        first = np.datetime64(self.months[0], "D")
        span = int((np.datetime64(self.as_of, "D") - first).astype(np.int64))
        for r in range(1, len(names.BRANCHES) * RMS_PER_BRANCH + 1):
            for _ in range(int(rng.integers(3, 9))):
                course = names.COURSES[int(rng.integers(len(names.COURSES)))]
                day = first + np.timedelta64(int(rng.integers(0, span)), "D")
                rows.append(
                    (f"rm{r:02d}", pd.Timestamp(day), course[lang], int(rng.choice([2, 4, 8])))
                )
        frame = pd.DataFrame(rows, columns=["username", "earned_on", "course", "points"])
        return frame.drop_duplicates(["username", "earned_on", "course"], ignore_index=True)


class NotEmpty(Exception):
    """The database already holds people or clients: the demo bank is not added to it."""


def _refuse_unless_empty(engine: Engine) -> None:
    """The demo bank's users all have the published password (``DEMO_PASSWORD``): added to a
    database in use, they would be accounts anyone can log in to."""
    with engine.connect() as conn:
        held = {
            name: int(conn.execute(select(func.count()).select_from(T[name])).scalar_one())
            for name in ("users", "clients")
        }
    if any(held.values()):
        holds = " and ".join(
            f"{n:,} {name.removesuffix('s') if n == 1 else name}" for name, n in held.items()
        )
        raise NotEmpty(
            f"the database already holds {holds}; the demo bank goes only into an empty "
            f"database, as its users' password ({DEMO_PASSWORD!r}) is published"
        )


@open_to(ADMINS)
def build(
    engine: Engine,
    spec: DemoSpec,
    *,
    empty_only: bool = False,
    progress: Progress | None = None,
    who: Account,
) -> ImportResult:
    """Generate the demo bank and write it in one transaction (re-running it changes nothing).

    ``empty_only``: refuse (``NotEmpty``, nothing written) a database that holds any user or
    client, as ``rmdesk-cli demo`` does.
    """
    if empty_only:
        _refuse_unless_empty(engine)
    data = generate(spec)
    tag = f"clients={spec.clients};seed={spec.seed};lang={spec.language};as_of={data.meta['as_of']}"
    return write_dataset(engine, data, path="demo", checksum=tag, progress=progress, who=who)
