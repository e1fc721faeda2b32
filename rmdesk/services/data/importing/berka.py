"""The PKDD'99 financial data set (the "Berka" files of a Czech bank, 1993–1998).

districts → branches; accounts, loans, cards and standing orders → products and holdings;
transactions → kept as they are and rolled up into monthly facts; loan status → days past due;
RMs generated per branch with the branch's clients shared among them. The method (and what the
data cannot tell, such as KYC dates or client names) is in docs/import-format.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rmdesk.services.data.importing.berka_build import Builder
from rmdesk.services.data.importing.berka_catalogue import (
    CARD_PRODUCTS,
    K_SYMBOLS,
    OPERATIONS,
    OPTIONAL,
    REQUIRED,
    SOURCE,
    STATUS_DPD,
    TRANS_TYPES,
)
from rmdesk.services.data.importing.dataset import (
    DataSet,
)
from rmdesk.services.data.importing.files import sha256_of
from rmdesk.services.data.importing.problems import Problems
from rmdesk.services.data.importing.reading import read_text_table
from rmdesk.services.data.importing.tables import Checker, Table, numbers

__all__ = ["SOURCE", "checksum_of", "find_files", "read"]


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
        return Builder(districts, accounts, clients, disps, loans, cards, orders, trans).build()

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
