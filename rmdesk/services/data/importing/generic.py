"""A bank's own extracts in rmdesk's documented format (docs/import-format.md).

A folder of CSV files (``clients.csv``, ``holdings.csv``, ...) or one Excel workbook with a sheet
per file. Only ``clients`` is required; each file may refer to rows of the others or to rows
already in the database (a monthly facts extract on its own, say). Every file is checked in full
before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from rmdesk.models import Base
from rmdesk.services.common import contact_details, product_fields
from rmdesk.services.data.importing.dataset import (
    BRANCH_COLUMNS,
    CLIENT_COLUMNS,
    CONTACT_PERSON_COLUMNS,
    FACT_COLUMNS,
    HOLDING_COLUMNS,
    INTERACTION_COLUMNS,
    PRICING_COLUMNS,
    PRODUCT_COLUMNS,
    PRODUCT_RULE_COLUMNS,
    USER_COLUMNS,
    DataSet,
)
from rmdesk.services.data.importing.declared import COLUMNS, read_attributes, undeclared
from rmdesk.services.data.importing.files import sha256_of
from rmdesk.services.data.importing.problems import Problems, quote
from rmdesk.services.data.importing.reading import read_excel_sheet, read_text_table
from rmdesk.services.data.importing.spellings import (
    CHANNELS,
    FAMILIES,
    GENDERS,
    KINDS,
    OFFER_RESULTS,
    ROLES,
    STATUSES,
)
from rmdesk.services.data.importing.tables import Checker, Table
from rmdesk.services.data.importing.workbook import open_workbook

FILES = (
    "branches",
    "users",
    "products",
    "clients",
    "holdings",
    "monthly_facts",
    "interactions",
    "contact_persons",
)


def _detail(c: Checker, detail: contact_details.Detail) -> pd.Series:
    """A contact detail of the clients file, checked against what a valid one looks like."""
    values = c.text(detail.name, max_len=detail.max_len)
    if detail.pattern is not None:
        bad = values.notna() & ~values.fillna("").str.match(detail.pattern)
        c.bad(detail.name, bad, values, detail.expected)
    return values


@dataclass
class Known:
    """Keys already in the database that the files may refer to."""

    branches: set[str] = field(default_factory=set)
    users: set[str] = field(default_factory=set)
    products: set[str] = field(default_factory=set)
    clients: set[str] = field(default_factory=set)
    holdings: set[str] = field(default_factory=set)

    @classmethod
    def from_database(cls, engine: Engine, source: str) -> Known:
        t = Base.metadata.tables
        with engine.connect() as conn:

            def keys(table: str, col: str, by_source: bool = False) -> set[str]:
                q = select(t[table].c[col])
                if by_source:
                    q = q.where(t[table].c.source == source)
                return {str(v) for v in conn.execute(q).scalars()}

            return cls(
                keys("branches", "code"),
                keys("users", "username"),
                keys("products", "code"),
                keys("clients", "external_id", True),
                keys("holdings", "external_id", True),
            )


def inputs(path: Path) -> dict[str, Path]:
    """The files of a folder by table name (the first of .csv, .txt, .xlsx present)."""
    found: dict[str, Path] = {}
    for name in FILES:
        for ext in (".csv", ".txt", ".xlsx"):
            candidate = path / f"{name}{ext}"
            if candidate.exists():  # a stat: a pipe or a folder by that name is refused later
                found[name] = candidate
                break
    return found


def locate(
    path: Path, problems: Problems, encoding: str | None = None
) -> dict[str, Callable[[], Table | None]]:
    """Readers for each file present: CSV files in a folder, or sheets of a workbook."""
    found: dict[str, Callable[[], Table | None]] = {}
    if path.is_dir():
        for name, candidate in inputs(path).items():
            if candidate.suffix == ".xlsx":
                found[name] = _sheet(candidate, 0, candidate.name, problems)
            else:
                found[name] = _csv(candidate, problems, encoding)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        book = open_workbook(path, problems)
        if book is None:
            return found
        with book:
            sheets = set(book.sheets)
        for name in FILES:
            if name in sheets:
                found[name] = _sheet(path, name, f"{path.name}[{name}]", problems)
    elif path.exists():
        problems.add(path.name, None, None, "give a folder of CSV files or an .xlsx workbook")
        return found
    else:
        problems.add(str(path), None, None, "no such file or folder")
        return found
    if "clients" not in found and not problems:
        problems.add(
            str(path),
            None,
            None,
            "no clients file (clients.csv or a 'clients' sheet); see docs/import-format.md",
        )
    return found


def _csv(path: Path, problems: Problems, encoding: str | None) -> Callable[[], Table | None]:
    return lambda: read_text_table(path, problems, encoding=encoding)


def _sheet(
    path: Path, sheet: str | int, name: str, problems: Problems
) -> Callable[[], Table | None]:
    return lambda: read_excel_sheet(path, sheet, problems, name=name)


def checksum_of(path: Path, problems: Problems) -> str:
    """One SHA-256 over the names and contents of the files the import reads, in name order;
    a file that may not be read is a problem instead."""
    files = sorted(inputs(path).values()) if path.is_dir() else [path]
    return sha256_of(((f.name, f) for f in files), problems)


def read(
    path: Path,
    problems: Problems,
    known: Known,
    *,
    source: str = "generic",
    encoding: str | None = None,
) -> DataSet:
    """Check every file of the set and build the data set; problems stop the import."""
    readers = locate(path, problems, encoding)
    problems.raise_if_any()
    tables = {name: reader() for name, reader in readers.items()}
    problems.raise_if_any()
    data = DataSet(source=source)
    for name, table in tables.items():
        if table is not None:
            data.warnings += undeclared(table, COLUMNS[name])
    parse = _Parser(problems, known)
    if tables.get("branches") is not None:
        data.branches = parse.branches(_t(tables, "branches"))
    if tables.get("users") is not None:
        data.users = parse.users(_t(tables, "users"), data.branches)
    if tables.get("products") is not None:
        data.products, data.pricing = parse.products(_t(tables, "products"))
    data.clients = parse.clients(_t(tables, "clients"), data.branches, data.users)
    if tables.get("holdings") is not None:
        data.holdings = parse.holdings(_t(tables, "holdings"), data.clients, data.products)
    if tables.get("monthly_facts") is not None:
        facts = parse.facts(_t(tables, "monthly_facts"), data.holdings)
        data.facts = [facts]
        data.expected_facts = len(facts)
    if tables.get("interactions") is not None:
        data.interactions = parse.interactions(
            _t(tables, "interactions"), data.clients, data.users, data.products
        )
    if tables.get("contact_persons") is not None:
        data.contact_persons = parse.persons(_t(tables, "contact_persons"), data.clients)
    problems.raise_if_any()
    facts_parts = data.facts if isinstance(data.facts, list) else []
    months = [f["month"].max() for f in facts_parts if len(f)]
    if months:
        data.meta["as_of"] = (max(months) + pd.offsets.MonthEnd(0)).date().isoformat()
    return data


def _local_to_utc(stamps: pd.Series) -> pd.Series:
    """Times in an extract carry no zone: they are the bank's wall clock, this machine's zone."""
    from dateutil.tz import tzlocal

    local = stamps.dt.tz_localize(tzlocal(), ambiguous="NaT", nonexistent="shift_forward")
    utc: pd.Series = local.dt.tz_convert("UTC").dt.tz_localize(None)
    return utc


def _t(tables: dict[str, Table | None], name: str) -> Table:
    table = tables[name]
    assert table is not None
    return table


class _Parser:
    def __init__(self, problems: Problems, known: Known) -> None:
        self.p = problems
        self.known = known

    def _check(self, table: Table, required: list[str]) -> Checker | None:
        c = Checker(table, self.p)
        return c if c.require_columns(required) else None

    def _refers(
        self,
        c: Checker,
        column: str,
        values: pd.Series,
        here: pd.Series,
        stored: set[str],
        where: str,
    ) -> None:
        c.known(column, values, set(here.dropna()) | stored, f"{where} or in the database")

    def branches(self, table: Table) -> pd.DataFrame:
        c = self._check(table, ["code", "name"])
        if c is None:
            return pd.DataFrame(columns=BRANCH_COLUMNS)
        code = c.text("code", required=True, max_len=32)
        c.unique("code", code)
        return pd.DataFrame(
            {
                "code": code,
                "name": c.text("name", required=True, max_len=120),
                "district": c.text("district", max_len=120),
                "region": c.text("region", max_len=120),
            }
        )

    def users(self, table: Table, branches: pd.DataFrame) -> pd.DataFrame:
        c = self._check(table, ["username", "display_name", "role"])
        if c is None:
            return pd.DataFrame(columns=USER_COLUMNS)
        name = c.text("username", required=True, max_len=64)
        c.unique("username", name)
        branch = c.text("branch_code")
        self._refers(c, "branch_code", branch, branches["code"], self.known.branches, "branches")
        return pd.DataFrame(
            {
                "username": name,
                "display_name": c.text("display_name", required=True, max_len=120),
                "role": c.choice("role", ROLES, required=True),
                "branch_code": branch,
                "password": None,
                "visits_per_day": c.integer("visits_per_day", minimum=1, maximum=20).fillna(4),
            }
        )

    def products(self, table: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
        c = self._check(table, ["code", "name_zh", "name_en", "family"])
        if c is None:
            return pd.DataFrame(columns=PRODUCT_COLUMNS), pd.DataFrame(columns=PRICING_COLUMNS)
        code = c.text("code", required=True, max_len=32)
        c.unique("code", code)
        products = pd.DataFrame(
            {
                "code": code,
                "name_zh": c.text("name_zh", required=True, max_len=120),
                "name_en": c.text("name_en", required=True, max_len=120),
                "family": c.choice("family", FAMILIES, required=True),
                "term_months": c.integer("term_months", minimum=0, maximum=600),
                "min_age": c.integer("min_age", minimum=0, maximum=120),
                "max_age": c.integer("max_age", minimum=0, maximum=120),
                "segments": c.text("segments", max_len=200),
            }
        )
        # only the columns the file has: a file without them leaves the stored values alone
        for column in PRODUCT_RULE_COLUMNS:
            if table.has(column):
                products[column] = self._product_field(c, table, column)
        priced = ["ftp_rate", "client_rate"]
        if not all(table.has(col) for col in priced):
            return products, pd.DataFrame(columns=PRICING_COLUMNS)
        valid = c.date("valid_from")
        pricing = pd.DataFrame(
            {
                "product_code": code,
                "valid_from": valid.fillna(pd.Timestamp("2000-01-01")),
                "ftp_rate": c.rate("ftp_rate", required=True),
                "client_rate": c.rate("client_rate", required=True),
                "fee_monthly_minor": c.money("fee_monthly", allow_negative=False).fillna(0),
                "fee_rate": c.rate("fee_rate").fillna(0),
                "cost_to_serve_minor": c.money("cost_to_serve", allow_negative=False).fillna(0),
                "pd": c.rate("pd", minimum=0, maximum=1).fillna(0),
                "lgd": c.rate("lgd", minimum=0, maximum=1).fillna(0),
                "note": "generic import",
            }
        )
        return products, pricing

    def _product_field(self, c: Checker, table: Table, column: str) -> pd.Series:
        """Who a product is for, its risk grade, or a pitch, checked as the catalogue screen
        checks them (services/common/product_fields.py)."""
        if column == "client_kinds":
            return c.choice(column, product_fields.KIND_WORDS)
        if column == "risk_level":
            return c.choice(column, product_fields.RISK_WORDS)
        raw = c.text(column)
        values: list[str | None] = []
        wrong: dict[int, str] = {}
        for i, cell in enumerate(raw.tolist()):
            try:
                values.append(product_fields.pitch(cell, column))
            except product_fields.ProductFieldError as exc:
                values.append(None)
                wrong[i] = str(exc).removeprefix(f"{exc.field}: ")
        c.report(np.array(sorted(wrong), dtype=np.int64), column, wrong.__getitem__)
        return pd.Series(values, index=raw.index, dtype=object)

    def clients(self, table: Table, branches: pd.DataFrame, users: pd.DataFrame) -> pd.DataFrame:
        c = self._check(table, ["client_id", "name"])
        if c is None:
            return pd.DataFrame(columns=CLIENT_COLUMNS)
        cid = c.text("client_id", required=True, max_len=64)
        c.unique("client_id", cid)
        branch = c.text("branch_code")
        self._refers(c, "branch_code", branch, branches["code"], self.known.branches, "branches")
        rm = c.text("rm_username")
        self._refers(c, "rm_username", rm, users["username"], self.known.users, "users")
        return pd.DataFrame(
            {
                "external_id": cid,
                "kind": c.choice("kind", KINDS, default="individual"),
                "name": c.text("name", required=True, max_len=200),
                "id_number": c.text("id_number", max_len=64),
                "birth_date": c.date("birth_date"),
                "gender": c.choice("gender", GENDERS),
                "district": c.text("district", max_len=120),
                "segment": c.text("segment", max_len=32).fillna("mass"),
                "kyc_due": c.date("kyc_due"),
                "onboarded_on": c.date("onboarded_on"),
                "branch_code": branch,
                "rm_username": rm,
                "status": c.choice("status", STATUSES, default="active"),
                "attributes": read_attributes(c),
                **{d.name: _detail(c, d) for d in contact_details.DETAILS},
            }
        )

    def persons(self, table: Table, clients: pd.DataFrame) -> pd.DataFrame:
        """A company's contact persons; a client named gets exactly the rows listed for it."""
        c = self._check(table, ["client_id", "name"])
        if c is None:
            return pd.DataFrame(columns=CONTACT_PERSON_COLUMNS)
        client = c.text("client_id", required=True)
        self._refers(c, "client_id", client, clients["external_id"], self.known.clients, "clients")
        details = {d.name: d for d in contact_details.DETAILS}
        return pd.DataFrame(
            {
                "client_external_id": client,
                "name": c.text("name", required=True, max_len=200),
                "title": c.text("title", max_len=120),
                **{n: _detail(c, details[n]) for n in ("mobile", "phone", "email")},
                "decision_maker": c.boolean("decision_maker"),
            }
        )

    def holdings(self, table: Table, clients: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
        c = self._check(table, ["holding_id", "client_id", "product_code"])
        if c is None:
            return pd.DataFrame(columns=HOLDING_COLUMNS)
        hid = c.text("holding_id", required=True, max_len=64)
        c.unique("holding_id", hid)
        client = c.text("client_id", required=True)
        self._refers(c, "client_id", client, clients["external_id"], self.known.clients, "clients")
        product = c.text("product_code", required=True)
        self._refers(c, "product_code", product, products["code"], self.known.products, "products")
        currency = c.text("currency", max_len=3).fillna("CNY").str.upper()
        return pd.DataFrame(
            {
                "external_id": hid,
                "client_external_id": client,
                "product_code": product,
                "account_no": c.text("account_no", max_len=64),
                "currency": currency,
                "opened_on": c.date("opened_on"),
                "closed_on": c.date("closed_on"),
                "maturity_on": c.date("maturity_on"),
                "limit_minor": c.money("limit", allow_negative=False),
                "amount_minor": c.money("amount", allow_negative=False),
                "attributes": [{}] * len(table),
            }
        )

    def facts(self, table: Table, holdings: pd.DataFrame) -> pd.DataFrame:
        c = self._check(table, ["holding_id", "month", "avg_balance"])
        if c is None:
            return pd.DataFrame(columns=FACT_COLUMNS)
        hid = c.text("holding_id", required=True)
        self._refers(c, "holding_id", hid, holdings["external_id"], self.known.holdings, "holdings")
        raw_month = table.raw("month")
        as_month = raw_month.where(
            ~raw_month.fillna("").str.fullmatch(r"\d{4}[-/]\d{1,2}"), raw_month + "-01"
        )
        table.frame["month"] = as_month.str.replace("/", "-", regex=False)
        month = c.date("month", required=True).dt.to_period("M").dt.to_timestamp()
        dup = hid.notna() & month.notna() & pd.DataFrame({"h": hid, "m": month}).duplicated()
        c.report(
            np.flatnonzero(dup.to_numpy()),
            "month",
            lambda i: f"a second row for holding {quote(hid.iloc[i])} in the same month",
        )

        def amount(col: str, required: bool = False) -> Any:
            return c.money(col, required=required).fillna(0)

        def count(col: str) -> Any:
            return c.integer(col, minimum=0, maximum=10**9).fillna(0)

        return pd.DataFrame(
            {
                "holding_external_id": hid,
                "month": month,
                "avg_balance_minor": amount("avg_balance", True),
                "interest_minor": amount("interest"),
                "fees_minor": amount("fees"),
                "penalty_interest_minor": amount("penalty_interest"),
                "salary_inflow_minor": amount("salary_inflow"),
                "credit_turnover_minor": amount("credit_turnover"),
                "debit_turnover_minor": amount("debit_turnover"),
                "txn_count": count("txn_count"),
                "days_past_due": count("days_past_due"),
                "overdraft_days": count("overdraft_days"),
            }
        )

    def interactions(
        self, table: Table, clients: pd.DataFrame, users: pd.DataFrame, products: pd.DataFrame
    ) -> pd.DataFrame:
        c = self._check(table, ["interaction_id", "client_id", "occurred_at", "channel"])
        if c is None:
            return pd.DataFrame(columns=INTERACTION_COLUMNS)
        iid = c.text("interaction_id", required=True, max_len=64)
        c.unique("interaction_id", iid)
        client = c.text("client_id", required=True)
        self._refers(c, "client_id", client, clients["external_id"], self.known.clients, "clients")
        user = c.text("username")
        self._refers(c, "username", user, users["username"], self.known.users, "users")
        product = c.text("product_code")
        self._refers(c, "product_code", product, products["code"], self.known.products, "products")
        result = c.choice("offer_result", OFFER_RESULTS)
        alone = result.notna() & product.isna()
        c.report(
            np.flatnonzero(alone.to_numpy()),
            "offer_result",
            lambda _i: "an offer's result needs the product offered (product_code)",
        )
        return pd.DataFrame(
            {
                "external_id": iid,
                "client_external_id": client,
                "username": user,
                "occurred_at": _local_to_utc(c.date("occurred_at", required=True)),
                "channel": c.choice("channel", CHANNELS, required=True),
                "purpose": c.text("purpose", max_len=200),
                "outcome": c.text("outcome", max_len=200),
                "notes": c.text("notes"),
                "next_step": c.text("next_step"),
                "next_step_due": c.date("next_step_due"),
                "product_code": product,
                "offer_result": result,
            }
        )
