"""The demo bank's campaigns: calls and visits that offered a product, with the client's answer.

Every product the bank sells by offering it (not the current account, payroll or mobile
banking) is offered in the two years before the data date: about a third of its openings in
that time come from an offer the client accepted that day (an answer and its opening on one
day, so that no cut falls between them), and for each yes about three clients
who did not take it up were offered it and said no, on a day after they joined. What the
response model learns from them (docs/cross-sell.md, "Learning from outcomes") is then what the
demo's holdings already say: who takes the product up. The offers land in the contact history
with the product and the answer (``product_code``, ``offer_result``), as an imported campaign
file's would.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

#: products not offered in a campaign: opened with the account, or free
NOT_OFFERED = ("CASA", "PAYROLL", "MOBILE")
#: the share of openings in the window that followed an offer, and declines per yes
FROM_OFFER = 0.35
DECLINES_PER_YES = 3
WINDOW_DAYS = 730
PURPOSE = ("产品推介：{}", "Offer: {}")
ANSWER = {
    "accepted": ("客户接受，已办理", "Accepted, opened"),
    "declined": ("客户婉拒", "Declined"),
}


def offers(
    clients: pd.DataFrame,
    holdings: pd.DataFrame,
    products: pd.DataFrame,
    as_of: dt.date,
    seed: int,
    zh: bool,
) -> pd.DataFrame:
    """The offers as rows of the contact history (dataset.INTERACTION_COLUMNS)."""
    rng = np.random.default_rng([seed, 7])
    lang = 0 if zh else 1
    end = pd.Timestamp(as_of)
    start = end - pd.Timedelta(days=WINDOW_DAYS)
    opened = pd.to_datetime(holdings["opened_on"])
    joined = pd.to_datetime(clients["onboarded_on"]).fillna(start)
    rm_of = dict(zip(clients["external_id"], clients["rm_username"], strict=True))
    alive = (clients["status"] != "closed").to_numpy()
    parts = []
    for product in products.to_dict("records"):
        code = str(product["code"])
        if code in NOT_OFFERED:
            continue
        name = str(product["name_zh" if zh else "name_en"])
        mine = holdings["product_code"] == code
        recent = mine & (opened > start) & (opened <= end)
        took = recent.to_numpy() & (rng.random(len(holdings)) < FROM_OFFER)
        yes = pd.DataFrame(
            {
                "client_external_id": holdings["client_external_id"].to_numpy()[took],
                "at": opened.to_numpy()[took],
                "offer_result": "accepted",
            }
        )
        kinds = product.get("client_kinds")
        may = alive & ~clients["external_id"].isin(holdings.loc[mine, "client_external_id"])
        if isinstance(kinds, str) and kinds:
            may &= (clients["kind"] == kinds).to_numpy()
        pool = np.flatnonzero(may)
        n_no = min(len(pool), DECLINES_PER_YES * len(yes))
        if not len(yes) or not n_no:
            continue
        who = rng.choice(pool, size=n_no, replace=False)
        first = np.maximum(joined.to_numpy()[who], np.datetime64(start))
        span = (np.datetime64(end) - first).astype("timedelta64[D]").astype(np.int64)
        day = first + (rng.random(n_no) * np.maximum(span, 1)).astype("timedelta64[D]")
        no = pd.DataFrame(
            {
                "client_external_id": clients["external_id"].to_numpy()[who],
                "at": day,
                "offer_result": "declined",
            }
        )
        both = pd.concat([yes, no], ignore_index=True)
        both["product_code"] = code
        both["purpose"] = PURPOSE[lang].format(name)
        parts.append(both)
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    out = out[out["at"] <= end].sort_values(["at", "client_external_id"], ignore_index=True)
    n = len(out)
    hour = rng.integers(9, 18, size=n) * 3600 + rng.integers(0, 60, size=n) * 60
    # office hours in Beijing (UTC+8), stored in UTC
    at = pd.to_datetime(out["at"]).dt.normalize() + pd.to_timedelta(hour - 8 * 3600, unit="s")
    return pd.DataFrame(
        {
            "external_id": [f"O{i:08d}" for i in range(1, n + 1)],
            "client_external_id": out["client_external_id"].to_numpy(),
            "username": out["client_external_id"].map(rm_of).to_numpy(),
            "occurred_at": at.to_numpy(),
            "channel": np.where(rng.random(n) < 0.7, "phone", "visit"),
            "purpose": out["purpose"].to_numpy(),
            "outcome": out["offer_result"].map({k: v[lang] for k, v in ANSWER.items()}).to_numpy(),
            "notes": None,
            "next_step": None,
            "next_step_due": pd.NaT,
            "product_code": out["product_code"].to_numpy(),
            "offer_result": out["offer_result"].to_numpy(),
        }
    )
