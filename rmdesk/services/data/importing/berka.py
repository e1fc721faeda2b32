"""The PKDD'99 financial data set (the "Berka" files of a Czech bank, 1993–1998).

districts → branches; accounts, loans, cards and standing orders → products and holdings;
transactions → kept as they are and rolled up into monthly facts; loan status → days past due;
RMs generated per branch with the branch's clients shared among them. The method (and what the
data cannot tell, such as KYC dates or client names) is in docs/import-format.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rmdesk.services.data.importing.dataset import (
    BRANCH_COLUMNS,
    FACT_COLUMNS,
    PRICING_COLUMNS,
    PRODUCT_COLUMNS,
    USER_COLUMNS,
    DataSet,
)
from rmdesk.services.data.importing.files import sha256_of
from rmdesk.services.data.importing.problems import Problems
from rmdesk.services.data.importing.reading import read_text_table
from rmdesk.services.data.importing.tables import Checker, Table, numbers

SOURCE = "berka"
REQUIRED = ("district", "client", "account", "disp")
OPTIONAL = ("loan", "card", "order", "trans")
CLIENTS_PER_RM = 150
#: Loan status → days past due in the month the status describes (see docs/import-format.md).
STATUS_DPD = {"A": 0, "B": 90, "C": 0, "D": 30}
CARD_PRODUCTS = {"junior": "BK-CARD-JUNIOR", "classic": "BK-CARD-CLASSIC", "gold": "BK-CARD-GOLD"}
ORDER_PRODUCTS = {"POJISTNE": "BK-INSURANCE", "LEASING": "BK-LEASING", "SIPO": "BK-HOUSEHOLD"}
TRANS_TYPES = {"prijem": "credit", "vydaj": "debit", "vyber": "debit"}
OPERATIONS = {"VKLAD", "PREVOD Z UCTU", "VYBER", "PREVOD NA UCET", "VYBER KARTOU"}
K_SYMBOLS = {"POJISTNE", "SLUZBY", "UROK", "SANKC. UROK", "SIPO", "DUCHOD", "UVER"}

PRODUCTS = [
    ("BK-CURRENT", "活期账户（捷克）", "Current account (CZ)", "deposit", None, None, None, None),
    ("BK-LOAN", "个人贷款（捷克）", "Personal loan (CZ)", "loan", None, 18, None, None),
    ("BK-CARD-JUNIOR", "青少年卡（捷克）", "Junior card (CZ)", "card", None, None, 25, None),
    ("BK-CARD-CLASSIC", "标准信用卡（捷克）", "Classic card (CZ)", "card", None, 18, None, None),
    ("BK-CARD-GOLD", "金卡（捷克）", "Gold card (CZ)", "card", None, 18, None, None),
    (
        "BK-INSURANCE",
        "保险代扣（捷克）",
        "Insurance payments (CZ)",
        "insurance",
        None,
        18,
        None,
        None,
    ),
    (
        "BK-HOUSEHOLD",
        "家庭缴费代扣（捷克）",
        "Household payments (CZ)",
        "service",
        None,
        None,
        None,
        None,
    ),
    ("BK-LEASING", "租赁（捷克）", "Leasing (CZ)", "loan", None, 18, None, None),
    ("BK-ORDER", "定期转账（捷克）", "Standing order (CZ)", "service", None, None, None, None),
]
# FTP, client rate, monthly fee (haléř), fee rate, cost to serve (haléř/month), PD, LGD:
# 1990s Czech koruna rates (PRIBOR was about 11–13%); an analyst can change them in the catalogue.
PRICING = {
    "BK-CURRENT": ("0.0900", "0.0100", 0, "0", 1500, "0", "0"),
    "BK-LOAN": ("0.1100", "0.1500", 0, "0", 5000, "0.0500", "0.5000"),
    "BK-CARD-JUNIOR": ("0", "0", 500, "0", 500, "0", "0"),
    "BK-CARD-CLASSIC": ("0", "0", 1500, "0", 800, "0", "0"),
    "BK-CARD-GOLD": ("0", "0", 5000, "0", 1200, "0", "0"),
    "BK-INSURANCE": ("0", "0", 3000, "0", 300, "0", "0"),
    "BK-HOUSEHOLD": ("0", "0", 500, "0", 200, "0", "0"),
    "BK-LEASING": ("0", "0", 2000, "0", 500, "0", "0"),
    "BK-ORDER": ("0", "0", 300, "0", 200, "0", "0"),
}
FIRST_M = [
    "Jan",
    "Petr",
    "Josef",
    "Pavel",
    "Martin",
    "Tomáš",
    "Jaroslav",
    "Miroslav",
    "Zdeněk",
    "Václav",
    "Michal",
    "František",
    "Jiří",
    "Karel",
    "Milan",
    "Lukáš",
    "David",
    "Jakub",
]
FIRST_F = [
    "Jana",
    "Marie",
    "Eva",
    "Hana",
    "Anna",
    "Lenka",
    "Kateřina",
    "Věra",
    "Lucie",
    "Alena",
    "Petra",
    "Jaroslava",
    "Ludmila",
    "Helena",
    "Martina",
    "Jitka",
    "Zdeňka",
]
SURNAMES = [
    ("Novák", "Nováková"),
    ("Svoboda", "Svobodová"),
    ("Novotný", "Novotná"),
    ("Dvořák", "Dvořáková"),
    ("Černý", "Černá"),
    ("Procházka", "Procházková"),
    ("Kučera", "Kučerová"),
    ("Veselý", "Veselá"),
    ("Horák", "Horáková"),
    ("Němec", "Němcová"),
    ("Marek", "Marková"),
    ("Pospíšil", "Pospíšilová"),
    ("Pokorný", "Pokorná"),
    ("Hájek", "Hájková"),
    ("Král", "Králová"),
    ("Jelínek", "Jelínková"),
    ("Růžička", "Růžičková"),
    ("Beneš", "Benešová"),
    ("Fiala", "Fialová"),
    ("Sedláček", "Sedláčková"),
    ("Doležal", "Doležalová"),
]


@dataclass
class _Files:
    tables: dict[str, Table]
    checksum: str


def find_files(folder: Path, problems: Problems) -> dict[str, Path]:
    """The Berka files in ``folder`` by table name (``trans.asc`` or ``trans.csv``)."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        problems.add(
            str(folder),
            None,
            None,
            "not a folder; give the folder holding the Berka "
            "files (district.asc, client.asc, account.asc, disp.asc, ...)",
        )
        return found
    for name in (*REQUIRED, *OPTIONAL):
        for ext in (".asc", ".csv", ".txt"):
            path = folder / f"{name}{ext}"
            if path.exists():
                found[name] = path
                break
        else:
            if name in REQUIRED:
                problems.add(f"{name}.asc", None, None, f"missing from {folder}")
    return found


def checksum_of(paths: dict[str, Path], problems: Problems) -> str:
    """One SHA-256 over the files' names and contents, to know a set seen before; a file that
    may not be read (a pipe, a device, too large) is a problem instead."""
    return sha256_of(((name, paths[name]) for name in sorted(paths)), problems)


def read(folder: Path, problems: Problems, *, encoding: str | None = None) -> DataSet:
    """Check every Berka file in ``folder`` and build the data set; problems stop the import."""
    paths = find_files(folder, problems)
    tables: dict[str, Table] = {}
    for name, path in paths.items():
        table = read_text_table(path, problems, encoding=encoding, sep=";")
        if table is not None:
            tables[name] = table
    problems.raise_if_any()
    return _Reader(tables, problems).build()


def _yymmdd(
    check: Checker, column: str, *, birth: bool = False, required: bool = True
) -> tuple[pd.Series, pd.Series]:
    """Dates written YYMMDD in the 1900s; birth numbers add 50 to a woman's month."""
    raw = check.table.raw(column)
    check.missing(column, raw, required)
    # "930101" (or "930101 00:00:00" on cards): take the six digits as a number
    head = raw.str.slice(0, 6)
    rest = raw.str.slice(6).str.strip()
    number = numbers(head)
    shape_ok = (head.str.len() == 6).fillna(False).to_numpy() & np.isfinite(number)
    shape_ok &= (rest.isna() | rest.isin(["", "00:00:00"])).to_numpy()
    value = np.where(shape_ok, number, 0).astype(np.int64)
    month = value // 100 % 100
    female = birth & (month > 50)
    month = np.where(female, month - 50, month)
    parsed = pd.to_datetime(
        pd.DataFrame({"year": 1900 + value // 10000, "month": month, "day": value % 100}),
        errors="coerce",
    )
    bad = raw.notna().to_numpy() & (~shape_ok | parsed.isna().to_numpy())
    what = "a birth number YYMMDD (women: month + 50)" if birth else "a date YYMMDD, e.g. 930101"
    check.bad(column, bad, raw, what)
    return parsed.where(~bad), pd.Series(female & ~bad, index=raw.index)


class _Reader:
    def __init__(self, tables: dict[str, Table], problems: Problems) -> None:
        self.t = tables
        self.p = problems

    def _check(self, name: str, columns: list[str]) -> Checker | None:
        table = self.t.get(name)
        if table is None:
            return None
        check = Checker(table, self.p)
        return check if check.require_columns(columns) else None

    def build(self) -> DataSet:
        p = self.p
        dist = self._check("district", ["a1", "a2", "a3"])
        acc = self._check("account", ["account_id", "district_id", "frequency", "date"])
        cli = self._check("client", ["client_id", "birth_number", "district_id"])
        disp = self._check("disp", ["disp_id", "client_id", "account_id", "type"])
        p.raise_if_any()
        assert dist and acc and cli and disp

        d_id = dist.integer("a1", required=True, minimum=1)
        dist.unique("a1", d_id)
        districts = pd.DataFrame(
            {"id": d_id, "name": dist.text("a2", required=True), "region": dist.text("a3")}
        ).dropna(subset=["id"])
        known_d = pd.Index(districts["id"])

        a_id = acc.integer("account_id", required=True, minimum=1)
        acc.unique("account_id", a_id)
        a_dist = acc.integer("district_id", required=True)
        acc.known("district_id", a_dist, known_d, "district.asc")
        a_freq = acc.choice(
            "frequency",
            {
                "poplatek mesicne": "monthly",
                "poplatek tydne": "weekly",
                "poplatek po obratu": "after transaction",
            },
            required=True,
        )
        a_date, _ = _yymmdd(acc, "date")
        accounts = pd.DataFrame(
            {"id": a_id, "district": a_dist, "frequency": a_freq, "opened": a_date}
        )
        known_a = pd.Index(a_id.dropna())

        c_id = cli.integer("client_id", required=True, minimum=1)
        cli.unique("client_id", c_id)
        born, female = _yymmdd(cli, "birth_number", birth=True)
        c_dist = cli.integer("district_id", required=True)
        cli.known("district_id", c_dist, known_d, "district.asc")
        clients = pd.DataFrame(
            {
                "id": c_id,
                "born": born,
                "female": female,
                "district": c_dist,
                "birth_number": cli.text("birth_number"),
            }
        )
        known_c = pd.Index(c_id.dropna())

        s_id = disp.integer("disp_id", required=True, minimum=1)
        disp.unique("disp_id", s_id)
        s_client = disp.integer("client_id", required=True)
        disp.known("client_id", s_client, known_c, "client.asc")
        s_acc = disp.integer("account_id", required=True)
        disp.known("account_id", s_acc, known_a, "account.asc")
        s_type = disp.choice("type", {"owner": "OWNER", "disponent": "DISPONENT"}, required=True)
        disps = pd.DataFrame({"id": s_id, "client": s_client, "account": s_acc, "type": s_type})
        is_owner = disps["type"] == "OWNER"
        two = is_owner & disps["account"].where(is_owner).duplicated(keep="first")
        disp.report(
            np.flatnonzero(two.to_numpy()), "type", lambda i: "a second OWNER of the same account"
        )
        owners = disps[is_owner]
        no_owner = known_a.difference(pd.Index(owners["account"].dropna()))
        for account in no_owner[:20]:
            p.add(disp.table.name, None, "account_id", f"account {account} has no OWNER")

        loans = self._loans(known_a)
        cards = self._cards(pd.Index(s_id.dropna()))
        orders = self._orders(known_a)
        trans = self._trans(known_a)
        p.raise_if_any()
        return _Builder(districts, accounts, clients, disps, loans, cards, orders, trans).build()

    def _loans(self, known_a: pd.Index) -> pd.DataFrame | None:
        c = self._check(
            "loan", ["loan_id", "account_id", "date", "amount", "duration", "payments", "status"]
        )
        if c is None:
            return None
        lid = c.integer("loan_id", required=True, minimum=1)
        c.unique("loan_id", lid)
        acc = c.integer("account_id", required=True)
        c.known("account_id", acc, known_a, "account.asc")
        date, _ = _yymmdd(c, "date")
        return pd.DataFrame(
            {
                "id": lid,
                "account": acc,
                "date": date,
                "amount": c.money("amount", required=True, allow_negative=False),
                "duration": c.integer("duration", required=True, minimum=1, maximum=600),
                "payments": c.money("payments", required=True, allow_negative=False),
                "status": c.choice("status", {s.lower(): s for s in STATUS_DPD}, required=True),
            }
        )

    def _cards(self, known_disp: pd.Index) -> pd.DataFrame | None:
        c = self._check("card", ["card_id", "disp_id", "type", "issued"])
        if c is None:
            return None
        cid = c.integer("card_id", required=True, minimum=1)
        c.unique("card_id", cid)
        did = c.integer("disp_id", required=True)
        c.known("disp_id", did, known_disp, "disp.asc")
        issued, _ = _yymmdd(c, "issued")
        kind = c.choice("type", {k: k for k in CARD_PRODUCTS}, required=True)
        return pd.DataFrame({"id": cid, "disp": did, "type": kind, "issued": issued})

    def _orders(self, known_a: pd.Index) -> pd.DataFrame | None:
        c = self._check(
            "order", ["order_id", "account_id", "bank_to", "account_to", "amount", "k_symbol"]
        )
        if c is None:
            return None
        oid = c.integer("order_id", required=True, minimum=1)
        c.unique("order_id", oid)
        acc = c.integer("account_id", required=True)
        c.known("account_id", acc, known_a, "account.asc")
        k = c.choice(
            "k_symbol",
            {"pojistne": "POJISTNE", "leasing": "LEASING", "sipo": "SIPO", "uver": "UVER"},
            default="",
        )
        return pd.DataFrame(
            {
                "id": oid,
                "account": acc,
                "bank_to": c.text("bank_to"),
                "account_to": c.text("account_to"),
                "amount": c.money("amount", required=True, allow_negative=False),
                "k_symbol": k,
            }
        )

    def _trans(self, known_a: pd.Index) -> pd.DataFrame | None:
        c = self._check(
            "trans",
            [
                "trans_id",
                "account_id",
                "date",
                "type",
                "operation",
                "amount",
                "balance",
                "k_symbol",
                "bank",
                "account",
            ],
        )
        if c is None:
            return None
        tid = c.integer("trans_id", required=True, minimum=1)
        c.unique("trans_id", tid)
        acc = c.integer("account_id", required=True)
        c.known("account_id", acc, known_a, "account.asc")
        date, _ = _yymmdd(c, "date")
        direction = c.choice("type", TRANS_TYPES, required=True)
        op = c.text("operation")
        bad_op = op.notna() & ~op.isin(OPERATIONS)
        c.bad("operation", bad_op, op, "one of " + ", ".join(sorted(OPERATIONS)) + " or empty")
        k = c.text("k_symbol")
        bad_k = k.notna() & ~k.isin(K_SYMBOLS)
        c.bad("k_symbol", bad_k, k, "one of " + ", ".join(sorted(K_SYMBOLS)) + " or empty")
        return pd.DataFrame(
            {
                "id": tid,
                "account": acc,
                "date": date,
                "direction": direction,
                "operation": op,
                "k_symbol": k,
                "amount": c.money("amount", required=True, allow_negative=False),
                "balance": c.money("balance", required=True),
                "bank": c.text("bank", max_len=16),
                "counterparty": c.text("account", max_len=32),
            }
        )


def _month_index(dates: pd.Series | np.ndarray) -> np.ndarray:
    d = pd.DatetimeIndex(dates)
    return np.asarray(d.year * 12 + d.month - 1, dtype=np.int64)


def _month_start(index: np.ndarray) -> pd.Series:
    years, months = np.divmod(index, 12)
    return pd.to_datetime(pd.DataFrame({"year": years, "month": months + 1, "day": 1}))


class _Builder:
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
                        "opened_on": acc["opened"].reindex(od["account"]).to_numpy(),
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
        up to the end of the transactions (else the data date): the files book no such fees."""
        end = _month_index(pd.Series([self.horizon if self.horizon is not None else self.as_of]))[0]
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
            opened = self.accounts.set_index("id")["opened"].reindex(od["account"])
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
