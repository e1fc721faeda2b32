"""The Berka files, checked, turned into rmdesk's branches, people, products, holdings and
monthly facts (the method: docs/import-format.md)."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd

from rmdesk.services.data.importing.berka_catalogue import (
    CARD_PRODUCTS,
    CLIENTS_PER_RM,
    FIRST_F,
    FIRST_M,
    ORDER_PRODUCTS,
    PRICING,
    PRODUCTS,
    SOURCE,
    STATUS_DPD,
    SURNAMES,
)
from rmdesk.services.data.importing.dataset import (
    BRANCH_COLUMNS,
    FACT_COLUMNS,
    PRICING_COLUMNS,
    PRODUCT_COLUMNS,
    USER_COLUMNS,
    DataSet,
)


def _month_index(dates: pd.Series | np.ndarray) -> np.ndarray:
    d = pd.DatetimeIndex(dates)
    return np.asarray(d.year * 12 + d.month - 1, dtype=np.int64)


def _month_start(index: np.ndarray) -> pd.Series:
    years, months = np.divmod(index, 12)
    return pd.to_datetime(pd.DataFrame({"year": years, "month": months + 1, "day": 1}))


class Builder:
    """Turns checked Berka tables into rmdesk's branches, people, holdings and facts."""

    def __init__(
        self,
        districts: pd.DataFrame,
        accounts: pd.DataFrame,
        clients: pd.DataFrame,
        disps: pd.DataFrame,
        loans: pd.DataFrame | None,
        cards: pd.DataFrame | None,
        orders: pd.DataFrame | None,
        trans: pd.DataFrame | None,
    ) -> None:
        self.districts = districts.astype({"id": np.int64})
        self.accounts = accounts.astype({"id": np.int64, "district": np.int64})
        self.clients = clients.astype({"id": np.int64, "district": np.int64})
        self.disps = disps.astype({"id": np.int64, "client": np.int64, "account": np.int64})
        self.loans = loans
        self.cards = cards
        self.orders = orders
        self.trans = trans
        dates = [accounts["opened"].max()]
        for frame, col in ((loans, "date"), (cards, "issued"), (trans, "date")):
            if frame is not None and len(frame):
                dates.append(frame[col].max())
        last = max(dates)
        self.as_of = (last + pd.offsets.MonthEnd(0)).normalize()
        self.horizon = None
        if trans is not None and len(trans):
            self.horizon = (trans["date"].max() + pd.offsets.MonthEnd(0)).normalize()

    def build(self) -> DataSet:
        data = DataSet(source=SOURCE)
        data.branches = pd.DataFrame(
            {
                "code": [f"CZ-{i:02d}" for i in self.districts["id"]],
                "name": self.districts["name"],
                "district": self.districts["name"],
                "region": self.districts["region"],
            }
        )[BRANCH_COLUMNS]
        data.products = pd.DataFrame(PRODUCTS, columns=PRODUCT_COLUMNS)
        data.pricing = pd.DataFrame(
            [(c, "1993-01-01", *v, "PKDD'99 import defaults") for c, v in PRICING.items()],
            columns=PRICING_COLUMNS,
        )
        owner = self.disps[self.disps["type"] == "OWNER"].set_index("account")["client"]
        acc = self.accounts.set_index("id")
        # a client belongs to the branch of the first account it owns (else one it may use)
        first = self.disps.merge(
            self.accounts, left_on="account", right_on="id", suffixes=("", "_acc")
        )
        first = first.sort_values(["client", "type", "opened"], ascending=[True, False, True])
        home = first.drop_duplicates("client").set_index("client")
        clients = self.clients.set_index("id")
        branch_of = home["district"].reindex(clients.index)
        onboarded = first.groupby("client")["opened"].min().reindex(clients.index)
        data.users, rm_of = self._rms(branch_of)
        male = ~clients["female"].to_numpy()
        ids = clients.index.to_numpy()
        data.clients = pd.DataFrame(
            {
                "external_id": ids.astype(str),
                "kind": "individual",
                "name": self._names(ids, male),
                "id_number": clients["birth_number"].to_numpy(),
                "birth_date": clients["born"].to_numpy(),
                "gender": np.where(male, "M", "F"),
                "district": clients["district"]
                .map(self.districts.set_index("id")["name"])
                .to_numpy(),
                "segment": "mass",
                "kyc_due": pd.NaT,
                "onboarded_on": onboarded.to_numpy(),
                "branch_code": [f"CZ-{b:02d}" for b in branch_of.to_numpy()],
                "rm_username": rm_of.reindex(clients.index).to_numpy(),
                "status": "active",
                "attributes": [{}] * len(ids),
            }
        )
        data.holdings = self._holdings(owner, acc)
        data.facts = self._facts
        data.expected_facts = 0
        data.transactions = self._transactions
        data.expected_transactions = 0 if self.trans is None else len(self.trans)
        data.meta = {"as_of": self.as_of.date().isoformat()}
        if self.horizon is not None:
            data.meta["transactions_until"] = self.horizon.date().isoformat()
        return data

    def _rms(self, branch_of: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
        rows = []
        rm_of = pd.Series(index=branch_of.index, dtype=object)
        names = self.districts.set_index("id")["name"]
        k = 0
        for district, members in branch_of.groupby(branch_of):
            n_rm = max(1, math.ceil(len(members) / CLIENTS_PER_RM))
            code = f"CZ-{district:02d}"
            rows.append(
                (
                    f"berka-{district:02d}-head",
                    f"{self._staff(k)} ({names[district]})",
                    "branch_head",
                    code,
                    None,
                    4,
                )
            )
            k += 1
            for r in range(n_rm):
                rows.append(
                    (
                        f"berka-{district:02d}-rm{r + 1}",
                        f"{self._staff(k)} ({names[district]})",
                        "rm",
                        code,
                        None,
                        4,
                    )
                )
                k += 1
            order = np.argsort(members.index.to_numpy(), kind="stable")
            assigned = [f"berka-{district:02d}-rm{(i % n_rm) + 1}" for i in range(len(order))]
            rm_of.loc[members.index[order]] = assigned
        return pd.DataFrame(rows, columns=USER_COLUMNS), rm_of

    @staticmethod
    def _staff(k: int) -> str:
        male = k % 2 == 0
        first = (FIRST_M if male else FIRST_F)[(k * 7) % (len(FIRST_M) if male else len(FIRST_F))]
        return f"{first} {SURNAMES[(k * 5 + 3) % len(SURNAMES)][0 if male else 1]}"

    @staticmethod
    def _names(ids: np.ndarray, male: np.ndarray) -> list[str]:
        """Pseudonyms: the data set is anonymous, but an RM's book needs names to read."""
        out = []
        for i, m in zip(ids.tolist(), male.tolist(), strict=True):
            first = FIRST_M[(i * 7) % len(FIRST_M)] if m else FIRST_F[(i * 7) % len(FIRST_F)]
            out.append(f"{first} {SURNAMES[(i * 13 + i // 7) % len(SURNAMES)][0 if m else 1]}")
        return out

    def _holdings(self, owner: pd.Series, acc: pd.DataFrame) -> pd.DataFrame:
        parts = [
            pd.DataFrame(
                {
                    "external_id": [f"account-{i}" for i in acc.index],
                    "client_external_id": owner.reindex(acc.index).astype(str).to_numpy(),
                    "product_code": "BK-CURRENT",
                    "account_no": acc.index.astype(str),
                    "currency": "CZK",
                    "opened_on": acc["opened"].to_numpy(),
                    "attributes": [{"statement": f} for f in acc["frequency"]],
                }
            )
        ]
        if self.loans is not None and len(self.loans):
            lo = self.loans.astype({"id": np.int64, "account": np.int64, "duration": np.int64})
            maturity = [
                d + pd.DateOffset(months=int(m))
                for d, m in zip(lo["date"], lo["duration"], strict=True)
            ]
            maturity_s = pd.Series(pd.to_datetime(maturity))
            finished = lo["status"].isin(["A", "B"]).to_numpy()
            parts.append(
                pd.DataFrame(
                    {
                        "external_id": [f"loan-{i}" for i in lo["id"]],
                        "client_external_id": owner.reindex(lo["account"]).astype(str).to_numpy(),
                        "product_code": "BK-LOAN",
                        "account_no": lo["account"].astype(str).to_numpy(),
                        "currency": "CZK",
                        "opened_on": lo["date"].to_numpy(),
                        "closed_on": maturity_s.where(
                            finished & (maturity_s <= self.as_of)
                        ).to_numpy(),
                        "maturity_on": maturity_s.to_numpy(),
                        "amount_minor": lo["amount"].to_numpy(),
                        "attributes": [
                            {"status": s, "duration_months": int(d), "payment_minor": int(p)}
                            for s, d, p in zip(
                                lo["status"], lo["duration"], lo["payments"], strict=True
                            )
                        ],
                    }
                )
            )
        if self.cards is not None and len(self.cards):
            ca = self.cards.astype({"id": np.int64, "disp": np.int64})
            disp = self.disps.set_index("id")
            parts.append(
                pd.DataFrame(
                    {
                        "external_id": [f"card-{i}" for i in ca["id"]],
                        "client_external_id": disp["client"]
                        .reindex(ca["disp"])
                        .astype(str)
                        .to_numpy(),
                        "product_code": ca["type"].map(CARD_PRODUCTS).to_numpy(),
                        "account_no": disp["account"].reindex(ca["disp"]).astype(str).to_numpy(),
                        "currency": "CZK",
                        "opened_on": ca["issued"].to_numpy(),
                        "attributes": [{}] * len(ca),
                    }
                )
            )
        if self.orders is not None and len(self.orders):
            od = self.orders.astype({"id": np.int64, "account": np.int64})
            parts.append(
                pd.DataFrame(
                    {
                        "external_id": [f"order-{i}" for i in od["id"]],
                        "client_external_id": owner.reindex(od["account"]).astype(str).to_numpy(),
                        "product_code": od["k_symbol"]
                        .map(ORDER_PRODUCTS)
                        .fillna("BK-ORDER")
                        .to_numpy(),
                        "account_no": od["account"].astype(str).to_numpy(),
                        "currency": "CZK",
                        "opened_on": self._order_opened(od).to_numpy(),
                        "amount_minor": od["amount"].to_numpy(),
                        "attributes": [
                            {"k_symbol": k or None, "bank_to": b, "account_to": a}
                            for k, b, a in zip(
                                od["k_symbol"], od["bank_to"], od["account_to"], strict=True
                            )
                        ],
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)

    def _order_opened(self, od: pd.DataFrame) -> pd.Series:
        """When each standing order started. The order file is a snapshot of the orders at the
        data set's end and carries no dates: an order is taken to run from its account's
        opening, except a loan repayment order (UVER), which runs from its account's loan (it
        exists because of the loan: dated at the account's opening, it would tell a model of
        loans who takes a loan years later)."""
        opened = self.accounts.set_index("id")["opened"].reindex(od["account"]).to_numpy()
        out = pd.Series(opened, index=od.index)
        if self.loans is not None and len(self.loans):
            lo = self.loans.astype({"account": np.int64})
            granted = lo.groupby("account")["date"].min()
            loan_day = granted.reindex(od["account"]).to_numpy()
            repays = (od["k_symbol"].astype(str).str.strip() == "UVER").to_numpy()
            use = repays & ~pd.isna(loan_day)
            out[use] = loan_day[use]
        return out

    # --- facts ---------------------------------------------------------------------------
    def _facts(self) -> Iterator[pd.DataFrame]:
        if self.trans is not None and len(self.trans):
            yield self._account_facts()
        if self.loans is not None and len(self.loans):
            yield self._loan_facts()
        fee_facts = self._fee_facts()
        if len(fee_facts):
            yield fee_facts

    def _account_facts(self) -> pd.DataFrame:
        assert self.trans is not None and self.horizon is not None
        t = self.trans
        account = t["account"].to_numpy(dtype=np.int64)
        day = t["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
        month = _month_index(t["date"])
        amount = t["amount"].to_numpy(dtype=np.int64)
        k = t["k_symbol"]
        credit = (t["direction"] == "credit").to_numpy()
        op = t["operation"]
        salary = credit & (k.isin(["DUCHOD"]) | (op.eq("PREVOD Z UCTU") & k.isna())).to_numpy()
        roll = (
            pd.DataFrame(
                {
                    "account": account,
                    "month": month,
                    "credit": np.where(credit, amount, 0),
                    "debit": np.where(credit, 0, amount),
                    "interest": np.where(k.eq("UROK").to_numpy() & credit, amount, 0),
                    "fees": np.where(k.eq("SLUZBY").to_numpy() & ~credit, amount, 0),
                    "penalty": np.where(k.eq("SANKC. UROK").to_numpy() & ~credit, amount, 0),
                    "salary": np.where(salary, amount, 0),
                    "n": 1,
                }
            )
            .groupby(["account", "month"])
            .sum()
        )

        # day-weighted average balance: each day's closing balance holds until the next one
        order = np.lexsort((np.arange(len(day)), day, account))
        acc_s, day_s = account[order], day[order]
        bal_s = t["balance"].to_numpy(dtype=np.int64)[order]
        last_of_day = np.append((acc_s[1:] != acc_s[:-1]) | (day_s[1:] != day_s[:-1]), True)
        acc_d, day_d, bal_d = acc_s[last_of_day], day_s[last_of_day], bal_s[last_of_day]
        end_all = np.datetime64(self.horizon.date(), "D").astype(np.int64) + 1
        next_day = np.append(day_d[1:], end_all)
        next_day = np.where(np.append(acc_d[1:] != acc_d[:-1], True), end_all, next_day)
        start_m = _month_index(day_d.astype("datetime64[D]"))
        end_m = _month_index((next_day - 1).astype("datetime64[D]"))
        span = end_m - start_m + 1
        rep = np.repeat(np.arange(len(day_d)), span)
        offset = np.arange(len(rep)) - np.repeat(np.cumsum(span) - span, span)
        m = start_m[rep] + offset
        m_start = _month_start(m).to_numpy(dtype="datetime64[D]").astype(np.int64)
        m_end = _month_start(m + 1).to_numpy(dtype="datetime64[D]").astype(np.int64)
        days = np.minimum(next_day[rep], m_end) - np.maximum(day_d[rep], m_start)
        bal = bal_d[rep]
        seg = (
            pd.DataFrame(
                {
                    "account": acc_d[rep],
                    "month": m,
                    "days": days,
                    "weighted": bal.astype(np.float64) * days,
                    "overdraft": np.where(bal < 0, days, 0),
                }
            )
            .groupby(["account", "month"])
            .sum()
        )
        facts = seg.join(roll, how="left").fillna(0)
        facts["avg"] = np.rint(facts["weighted"] / facts["days"].clip(lower=1))
        idx = facts.index.to_frame(index=False)
        out = pd.DataFrame(
            {
                "holding_external_id": "account-" + idx["account"].astype(str),
                "month": _month_start(idx["month"].to_numpy()),
                "avg_balance_minor": facts["avg"].to_numpy(dtype=np.int64),
                "interest_minor": facts["interest"].to_numpy(dtype=np.int64),
                "fees_minor": facts["fees"].to_numpy(dtype=np.int64),
                "penalty_interest_minor": facts["penalty"].to_numpy(dtype=np.int64),
                "salary_inflow_minor": facts["salary"].to_numpy(dtype=np.int64),
                "credit_turnover_minor": facts["credit"].to_numpy(dtype=np.int64),
                "debit_turnover_minor": facts["debit"].to_numpy(dtype=np.int64),
                "txn_count": facts["n"].to_numpy(dtype=np.int64),
                "days_past_due": 0,
                "overdraft_days": facts["overdraft"].to_numpy(dtype=np.int64),
            }
        )
        return out[FACT_COLUMNS]

    def _loan_facts(self) -> pd.DataFrame:
        """Straight-line amortisation of principal; status sets arrears (see the docs)."""
        assert self.loans is not None
        lo = self.loans.astype({"id": np.int64, "duration": np.int64, "amount": np.int64})
        start = _month_index(lo["date"])
        last_possible = _month_index(pd.Series([self.as_of]))[0]
        end = np.minimum(start + lo["duration"].to_numpy() - 1, last_possible)
        span = np.maximum(end - start + 1, 0)
        rep = np.repeat(np.arange(len(lo)), span)
        age = np.arange(len(rep)) - np.repeat(np.cumsum(span) - span, span)
        month = start[rep] + age
        duration = lo["duration"].to_numpy()[rep]
        balance = np.rint(lo["amount"].to_numpy()[rep] * (1 - (age + 1) / duration)).clip(0)
        rate = float(PRICING["BK-LOAN"][1])
        status = lo["status"].to_numpy()[rep]
        is_last = month == end[rep]
        # a loan that ended unpaid (B) still owes the instalments of its 90 days in arrears
        unpaid = np.rint(lo["amount"].to_numpy()[rep] * np.minimum(3, duration) / duration)
        balance = np.where(is_last & (status == "B"), unpaid, balance)
        dpd = np.where(is_last, pd.Series(status).map(STATUS_DPD).to_numpy(), 0)
        outstanding_at_start = np.rint(lo["amount"].to_numpy()[rep] * (1 - age / duration))
        return pd.DataFrame(
            {
                "holding_external_id": [f"loan-{i}" for i in lo["id"].to_numpy()[rep]],
                "month": _month_start(month),
                "avg_balance_minor": balance.astype(np.int64),
                "interest_minor": np.rint(outstanding_at_start * rate / 12).astype(np.int64),
                "fees_minor": 0,
                "penalty_interest_minor": 0,
                "salary_inflow_minor": 0,
                "credit_turnover_minor": 0,
                "debit_turnover_minor": 0,
                "txn_count": 0,
                "days_past_due": dpd.astype(np.int64),
                "overdraft_days": 0,
            }
        )[FACT_COLUMNS]

    def _fee_facts(self) -> pd.DataFrame:
        """Cards and standing orders earn their monthly tariff fee in every month they exist,
        up to the data set's end (the latest date any file carries): the files book no such
        fees. Not only to the end of the transactions, which may stop years earlier (the public
        copy's in 1994, its loans and cards run to 1998): a card issued in 1996 earns too."""
        end = _month_index(pd.Series([self.as_of]))[0]
        parts = []
        if self.cards is not None and len(self.cards):
            ca = self.cards.astype({"id": np.int64})
            parts.append(
                (
                    [f"card-{i}" for i in ca["id"]],
                    _month_index(ca["issued"]),
                    ca["type"].map(CARD_PRODUCTS).to_numpy(),
                )
            )
        if self.orders is not None and len(self.orders):
            od = self.orders.astype({"id": np.int64, "account": np.int64})
            opened = self._order_opened(od)
            parts.append(
                (
                    [f"order-{i}" for i in od["id"]],
                    _month_index(opened.reset_index(drop=True)),
                    od["k_symbol"].map(ORDER_PRODUCTS).fillna("BK-ORDER").to_numpy(),
                )
            )
        frames = []
        for ids, start, codes in parts:
            span = np.maximum(end - start + 1, 0)
            rep = np.repeat(np.arange(len(ids)), span)
            month = start[rep] + (np.arange(len(rep)) - np.repeat(np.cumsum(span) - span, span))
            fee = np.array([PRICING[str(c)][2] for c in codes], dtype=np.int64)
            frames.append(
                pd.DataFrame(
                    {
                        "holding_external_id": np.asarray(ids, dtype=object)[rep],
                        "month": _month_start(month),
                        "avg_balance_minor": 0,
                        "interest_minor": 0,
                        "fees_minor": fee[rep],
                        "penalty_interest_minor": 0,
                        "salary_inflow_minor": 0,
                        "credit_turnover_minor": 0,
                        "debit_turnover_minor": 0,
                        "txn_count": 0,
                        "days_past_due": 0,
                        "overdraft_days": 0,
                    }
                )
            )
        if not frames:
            return pd.DataFrame(columns=FACT_COLUMNS)
        return pd.concat(frames, ignore_index=True)[FACT_COLUMNS]

    def _transactions(self) -> Iterator[pd.DataFrame]:
        if self.trans is None:
            return
        t = self.trans
        step = 250_000
        for s in range(0, len(t), step):
            part = t.iloc[s : s + step]
            yield pd.DataFrame(
                {
                    "holding_external_id": "account-" + part["account"].astype(str),
                    "external_id": part["id"].astype(str),
                    "booked_on": part["date"],
                    "direction": part["direction"],
                    "operation": part["operation"],
                    "category": part["k_symbol"],
                    "amount_minor": part["amount"],
                    "balance_minor": part["balance"],
                    "counterparty_bank": part["bank"],
                    "counterparty_account": part["counterparty"],
                }
            )
