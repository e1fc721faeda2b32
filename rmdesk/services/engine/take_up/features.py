"""What the take-up models read about a client at a cut date, and nothing after it.

A cut is a past date: cut 0 is the data date, cut 1 one horizon before it, cut 2 two. At each
cut a client is described by what the bank knew on that day: age and tenure then, the products
held then (opened on or before, not closed), the balances of the cut's month and their change
over six months, six months of salary, turnover, card spending, overdraft and arrears (from the
monthly facts up to the cut's month), contacts in the year before, and the declared client
attributes (services/common/client_fields.py). A product's own model never reads that
product's holding or balance: ``matrix(k, exclude=code)`` leaves both out, and adds how often
the product was offered to the client up to the cut and how often accepted.

Take-up of a product between cut k and cut k-1: the client did not hold it at cut k and opened
it after cut k, up to cut k-1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rmdesk.services.common import client_fields
from rmdesk.services.engine.facts_pass import CUTS, Window

FUNDS = ("deposit", "investment")
CREDIT = ("loan", "card")
#: categorical columns: the client's kind, segment and gender, then the declared attributes
#: the models read (the district is left out: hundreds of values, each a few clients, that a
#: model learns by heart and a banker would not give as a reason)
BASE_CATEGORIES = ("kind", "segment", "gender")
#: figures per holding at a cut, summed per client (docs/cross-sell.md, "Features")
FLOWS = ("sal", "cred", "deb", "txn", "od", "dpd")
#: a flow, the feature it sums into, and whether that feature is a log
OWN_FLOWS = (
    ("sal", "salary", True),
    ("cred", "inflow", True),
    ("deb", "outflow", True),
    ("txn", "transactions", False),
    ("od", "overdraft_months", False),
    ("dpd", "arrears_months", False),
)


def _log(values: np.ndarray) -> np.ndarray:
    return np.asarray(np.log1p(np.clip(values, 0, None)), dtype="float64")


def _unlog(values: Any) -> np.ndarray:
    """The amounts (whole minor units) behind ``_log``: rounded, so that taking a product's own
    amount out of a sum leaves exactly 0 where it was all of it. (Unrounded, a holder's sum
    came back as a few billionths where a non-holder's is 0, and a tree split there found the
    holders: the leak the hide-one bench showed, docs/cross-sell.md.)"""
    return np.asarray(np.rint(np.expm1(np.asarray(values, dtype="float64"))))


@dataclass
class Features:
    """The bank's clients at every cut: features, holdings and take-ups, built once per run."""

    client_ids: np.ndarray
    codes: list[str]
    cut_dates: dict[int, dt.date]
    #: per cut: clients × product codes, True where held on the cut date
    held: dict[int, np.ndarray]
    #: per cut k ≥ 1: clients × codes, True where taken up after cut k up to cut k-1
    took: dict[int, np.ndarray]
    #: per cut: clients × codes, the balance in the cut's month and six months before it (for
    #: leaving a product out)
    balance: dict[int, np.ndarray]
    balance6: dict[int, np.ndarray]
    #: per cut: the features every product's model shares
    shared: dict[int, pd.DataFrame]
    #: per cut: the client existed (joined on or before it, not closed)
    exists: dict[int, np.ndarray]
    #: products with opening dates: their take-up can be seen
    dated: set[str] = field(default_factory=set)
    family: dict[str, str] = field(default_factory=dict)
    #: per holding: its client's row, its product's column, and per cut its six months'
    #: flows (for taking a product's own flows out of its model's features)
    holding_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    holding_col: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    flows: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)
    #: offers of a product with the client's answer (loading._pitches), up to the data date:
    #: the client's row, the product's column, the day, and whether it was accepted
    pitches: Pitches | None = None
    #: made when first asked for: the clients' ids as an index, each product's holdings
    _index: pd.Index | None = field(default=None, init=False, repr=False, compare=False)
    _owned: dict[int, np.ndarray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def column(self, code: str) -> int:
        return self.codes.index(code)

    def positions(self, client_ids: Any) -> np.ndarray:
        """The rows of ``client_ids`` in the features (-1 for a client not in them)."""
        if self._index is None:
            self._index = pd.Index(self.client_ids)
        # as integers: a column of ids as Python objects is looked up a hundred times slower
        return np.asarray(self._index.get_indexer(pd.Index(np.asarray(client_ids, dtype="int64"))))

    def _holdings_of(self, j: int) -> np.ndarray:
        """The positions of product ``j``'s holdings."""
        if j not in self._owned:
            self._owned[j] = np.flatnonzero(self.holding_col == j)
        return self._owned[j]

    def matrix(
        self, k: int, exclude: str | None = None, rows: np.ndarray | None = None
    ) -> pd.DataFrame:
        """The features at cut ``k`` (of the clients at positions ``rows``, else all); with
        ``exclude``, without that product's own holding and balance (a model of a product never
        reads them)."""
        base = self.shared[k] if rows is None else self.shared[k].iloc[rows]
        held = self.held[k] if rows is None else self.held[k][rows]
        js = [j for j, code in enumerate(self.codes) if code != exclude]
        owned = pd.DataFrame(
            held[:, js].astype("int8"),
            columns=[f"held_{self.codes[j]}" for j in js],
            index=base.index,
        )
        x = pd.concat([base, owned], axis=1)
        if exclude is not None:
            j = self.column(exclude)
            pick = slice(None) if rows is None else rows
            own = self.balance[k][pick, j]
            own6 = self.balance6[k][pick, j]
            fam = self.family.get(exclude)
            for name, families in (("funds", FUNDS), ("credit", CREDIT)):
                if fam in families:
                    now = _unlog(x[name]) - np.clip(own, 0, None)
                    then = _unlog(x[name].to_numpy(dtype="float64") - x[f"{name}_trend"])
                    then = then - np.clip(own6, 0, None)
                    x[name] = _log(now)
                    x[f"{name}_trend"] = _log(now) - _log(then)
            x["n_products"] = x["n_products"] - held[:, j]
            self._without_own_flows(x, k, j, rows)
            if self.pitches is not None:
                offered, accepted = self.pitches.before(self.cut_dates[k], j, len(self.client_ids))
                pick = slice(None) if rows is None else rows
                x["offered_before"] = offered[pick]
                x["accepted_before"] = accepted[pick]
        return x

    def _without_own_flows(self, x: pd.DataFrame, k: int, j: int, rows: Any) -> None:
        """Take product ``j``'s own holdings' six months of flows out of the sums (a current
        account's look-alike must not find its holders by their transactions on it)."""
        own = self._holdings_of(j)
        if not len(own) or k not in self.flows:
            return
        n = len(self.client_ids)
        at, size, back = self.holding_row[own], n, None
        if rows is not None:
            # only the holdings of the clients asked for, summed at their place among them (a
            # client asked for twice, an offer each, gets the same sums twice)
            wanted, back = np.unique(np.asarray(rows) % n, return_inverse=True)
            where = np.full(n, -1)
            where[wanted] = np.arange(len(wanted))
            at = where[at]
            mine = at >= 0
            own, at, size = own[mine], at[mine], len(wanted)

        def summed(name: str) -> np.ndarray:
            found = np.bincount(at, weights=self.flows[k][name][own], minlength=size)
            return found if back is None else found[back]

        for name, column, logged in OWN_FLOWS:
            part = summed(name)
            if logged:
                x[column] = _log(_unlog(x[column]) - part)
            else:
                x[column] = np.clip(x[column].to_numpy(dtype="float64") - part, 0, None)
        if self.family.get(self.codes[j]) == "card":
            x["card_spend"] = _log(_unlog(x["card_spend"]) - summed("deb"))


@dataclass
class Pitches:
    """Offers of products with the clients' answers, one entry per offer."""

    row: np.ndarray  # the client's position in the run
    col: np.ndarray  # the product's column
    day: np.ndarray  # datetime64[ns], the day of the offer
    accepted: np.ndarray  # bool

    @classmethod
    def of(
        cls, frame: pd.DataFrame, ids: np.ndarray, codes: list[str], code_of: dict[Any, str]
    ) -> Pitches:
        row = pd.Index(ids).get_indexer(pd.Index(frame["client_id"]))
        col = pd.Index(codes).get_indexer(pd.Index(frame["product_id"].map(code_of)))
        keep = (row >= 0) & (col >= 0)
        day = pd.to_datetime(frame["at"]).to_numpy(dtype="datetime64[ns]")
        return cls(row[keep], col[keep], day[keep], frame["accepted"].to_numpy(dtype=bool)[keep])

    def before(self, when: dt.date, j: int, n: int) -> tuple[np.ndarray, ...]:
        """Per client: offers of product ``j`` on or before ``when``, and those accepted."""
        mine = (self.col == j) & (self.day <= np.datetime64(when, "ns"))
        offered = np.bincount(self.row[mine], minlength=n).astype("float64")
        accepted = np.bincount(self.row[mine & self.accepted], minlength=n).astype("float64")
        return offered, accepted


def of_run(
    loaded: Any, as_of: dt.date, horizon: int, clients: np.ndarray | None = None
) -> Features:
    """The features of a scoring run's data (``loading.Loaded``) at its cuts, of all its
    clients or of ``clients`` only (each client's features are its own: the same either way)."""
    from rmdesk.services.engine.loading import cut_date

    window = Window(as_of)
    cuts = {k: cut_date(window, horizon, k) for k in CUTS}
    chosen = loaded.clients
    if clients is not None:
        chosen = chosen[chosen["client_id"].isin(clients)].reset_index(drop=True)
    return build(chosen, loaded.holdings, loaded.products, loaded.features, cuts, loaded.pitches)


def build(
    clients: pd.DataFrame,
    holdings: pd.DataFrame,
    products: pd.DataFrame,
    facts: pd.DataFrame,
    cut_dates: dict[int, dt.date],
    pitches: pd.DataFrame | None = None,
) -> Features:
    """``clients``: the run's clients with birth and joining dates, kind, segment, gender,
    district, status, attributes and ``cut{k}_contacts`` / ``cut{k}_last_contact``;
    ``holdings`` with client, product and dates; ``facts``: one row per holding with the
    ``cut{k}_*`` figures of the monthly facts; ``pitches``: offers with the answers, up to
    the data date (client, product, at, accepted)."""
    ids = clients["client_id"].to_numpy()
    codes = [str(c) for c in products["code"]]
    family = dict(zip(codes, products["family"].astype(str), strict=True))
    code_of = dict(zip(products["product_id"].tolist(), codes, strict=True))
    h = holdings[holdings["client_id"].isin(ids)]
    row = pd.Index(ids).get_indexer(pd.Index(h["client_id"]))
    col = pd.Index(codes).get_indexer(pd.Index(h["product_id"].map(code_of)))
    opened = pd.to_datetime(h["opened_on"]).to_numpy()
    closed = pd.to_datetime(h["closed_on"]).to_numpy()
    dated = {codes[j] for j in np.unique(col[~pd.isna(opened)])}
    n, m = len(ids), len(codes)
    held, took, balance, balance6, shared, exists = {}, {}, {}, {}, {}, {}
    f = facts.set_index("holding_id").reindex(h["holding_id"]).fillna(0)
    joined = pd.to_datetime(clients["onboarded_on"]).to_numpy()
    born = pd.to_datetime(clients["birth_date"]).to_numpy()
    static = _static(clients)
    fam = np.array([family[c] for c in codes])
    is_card = fam[col] == "card"
    for k in CUTS:
        when = np.datetime64(cut_dates[k], "ns")
        is_open = (pd.isna(opened) | (opened <= when)) & (pd.isna(closed) | (closed > when))
        grid = np.zeros((n, m), dtype=bool)
        grid[row[is_open], col[is_open]] = True
        held[k] = grid
        bal = np.zeros((n, m))
        np.add.at(bal, (row, col), f[f"cut{k}_bal"].to_numpy(dtype="float64"))
        balance[k] = bal
        bal6 = np.zeros((n, m))
        np.add.at(bal6, (row, col), f[f"cut{k}_bal6"].to_numpy(dtype="float64"))
        balance6[k] = bal6
        exists[k] = (pd.isna(joined) | (joined <= when)) & (
            (clients["status"] != "closed").to_numpy() | (k > 0)
        )
        shared[k] = _at_cut(k, clients, f, row, is_card, fam, grid, bal, bal6, when, born, joined)
        shared[k] = pd.concat([shared[k], static], axis=1)
    for k in CUTS[1:]:
        after = np.datetime64(cut_dates[k], "ns")
        upto = np.datetime64(cut_dates[k - 1], "ns")
        new = ~pd.isna(opened) & (opened > after) & (opened <= upto)
        grid = np.zeros((n, m), dtype=bool)
        grid[row[new], col[new]] = True
        took[k] = grid & ~held[k]
    flows = {
        k: {name: f[f"cut{k}_{name}"].to_numpy(dtype="float64") for name in FLOWS} for k in CUTS
    }
    offers = None if pitches is None else Pitches.of(pitches, ids, codes, code_of)
    return Features(
        ids, codes, cut_dates, held, took, balance, balance6, shared, exists, dated, family,
        row, col, flows, offers,
    )  # fmt: skip


def _at_cut(
    k: int,
    clients: pd.DataFrame,
    f: pd.DataFrame,
    row: np.ndarray,
    is_card: np.ndarray,
    fam: np.ndarray,
    held: np.ndarray,
    bal: np.ndarray,
    bal6: np.ndarray,
    when: np.datetime64,
    born: np.ndarray,
    joined: np.ndarray,
) -> pd.DataFrame:
    n = len(clients)
    funds_cols, credit_cols = np.isin(fam, FUNDS), np.isin(fam, CREDIT)
    sums = {}
    for name in FLOWS:
        out = np.zeros(n)
        np.add.at(out, row, f[f"cut{k}_{name}"].to_numpy(dtype="float64"))
        sums[name] = out
    card = np.zeros(n)
    np.add.at(card, row[is_card], f[f"cut{k}_deb"].to_numpy(dtype="float64")[is_card])
    day = np.timedelta64(1, "D")
    x = pd.DataFrame(index=pd.Index(clients["client_id"].to_numpy(), name="client_id"))
    x["age"] = (when - born).astype("timedelta64[D]").astype("float64") / 365.25
    x["tenure"] = (when - joined).astype("timedelta64[D]").astype("float64") / 365.25
    x["n_products"] = held.sum(axis=1)
    funds = bal[:, funds_cols].sum(axis=1)
    credit = bal[:, credit_cols].sum(axis=1)
    x["funds"] = _log(funds)
    x["credit"] = _log(credit)
    x["funds_trend"] = _log(funds) - _log(bal6[:, funds_cols].sum(axis=1))
    x["credit_trend"] = _log(credit) - _log(bal6[:, credit_cols].sum(axis=1))
    x["salary"] = _log(sums["sal"])
    x["inflow"] = _log(sums["cred"])
    x["outflow"] = _log(sums["deb"])
    x["card_spend"] = _log(card)
    x["transactions"] = sums["txn"]
    x["overdraft_months"] = sums["od"]
    x["arrears_months"] = sums["dpd"]
    if not np.abs(bal).any() and not sums["txn"].any():
        # no monthly facts reach this cut (the history is shorter): unknown, not zero
        for c in ("funds", "credit", "funds_trend", "credit_trend", "salary", "inflow"):
            x[c] = np.nan
        for c in ("outflow", "card_spend", "transactions", "overdraft_months", "arrears_months"):
            x[c] = np.nan
    contacts = clients.get(f"cut{k}_contacts")
    x["contacts_year"] = (
        pd.to_numeric(contacts, errors="coerce").fillna(0).to_numpy() if contacts is not None else 0
    )
    last = clients.get(f"cut{k}_last_contact")
    if last is not None:
        x["days_since_contact"] = (when - pd.to_datetime(last).to_numpy()) / day
    else:
        x["days_since_contact"] = np.nan
    return x


def _static(clients: pd.DataFrame) -> pd.DataFrame:
    """The categorical columns, typed once so every cut and model shares the categories."""
    index = pd.Index(clients["client_id"].to_numpy(), name="client_id")
    out = pd.DataFrame(index=index)
    for name in BASE_CATEGORIES:
        values = clients[name] if name in clients else pd.Series(None, index=clients.index)
        out[name] = pd.Categorical(values.astype(object).where(values.notna(), None).to_numpy())
    attrs = clients["attributes"] if "attributes" in clients else pd.Series([{}] * len(clients))
    dicts = [a if isinstance(a, dict) else {} for a in attrs.tolist()]
    for fld in client_fields.model_fields():
        raw: list[Any] = [d.get(fld.name) for d in dicts]
        if fld.kind == "choice":
            codes = set(fld.codes)
            known = [v if v in codes else None for v in raw]
            out[fld.name] = pd.Categorical(known, categories=list(fld.codes))
        elif fld.kind == "integer":
            out[fld.name] = pd.to_numeric(pd.Series(raw, index=index), errors="coerce")
    return out
