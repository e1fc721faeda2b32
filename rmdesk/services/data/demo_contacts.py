"""How to reach the demo bank's clients: mobiles, landlines, e-mail, WeChat ids and addresses.

Made up, in the shapes real ones have: a mainland mobile number (1 and ten digits, written
138 1234 5678), a Beijing landline (010-6xxx xxxx), a street address in the city district of the
client's branch (the neighbourhood is the client's district column). Nearly every person has a
mobile and most a WeChat id; nearly every company has an office line and an e-mail, some a
mobile (the boss's) and a WeCom id. A company has one to four contact persons (the legal
representative, the CFO, a finance manager, a cashier; the first two decide). The RMs' recent
next steps are tasks, most of the older ones done.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: the city district of each branch (the order of demo_names.BRANCHES)
AREAS = [("朝阳区", "Chaoyang"), ("海淀区", "Haidian"), ("西城区", "Xicheng"),
         ("东城区", "Dongcheng"), ("丰台区", "Fengtai")]  # fmt: skip
#: streets of each city district (the order of AREAS)
STREETS = [
    [("建国路", "Jianguo Road"), ("望京街", "Wangjing Street"), ("酒仙桥路", "Jiuxianqiao Road"),
     ("东三环中路", "East 3rd Ring Middle Road")],
    [("中关村大街", "Zhongguancun Street"), ("学院路", "Xueyuan Road"),
     ("北四环西路", "North 4th Ring West Road")],
    [("金融大街", "Financial Street"), ("西直门外大街", "Xizhimenwai Street"),
     ("广安门内大街", "Guang'anmennei Street")],
    [("东直门内大街", "Dongzhimennei Street"), ("王府井大街", "Wangfujing Street"),
     ("朝阳门北大街", "Chaoyangmen North Street")],
    [("丽泽路", "Lize Road"), ("南三环西路", "South 3rd Ring West Road"),
     ("方庄路", "Fangzhuang Road")],
]  # fmt: skip
MOBILE_PREFIXES = np.array(["13", "15", "17", "18", "19"])


def draw(bank: Any) -> dict[str, Any]:
    """The contact details of ``bank``'s clients (demo_bank._Bank), column by column."""
    rng = np.random.default_rng([bank.spec.seed, 11])
    n, corp, zh = bank.n, bank.corp, bank.zh
    lang = 0 if zh else 1

    def has(person: float, company: float) -> np.ndarray:
        return np.asarray(rng.random(n) < np.where(corp, company, person))

    body = rng.integers(0, 10**8, size=n)
    prefix = MOBILE_PREFIXES[rng.integers(len(MOBILE_PREFIXES), size=n)]
    third = rng.integers(0, 10, size=n)
    mobile = [  # 11 digits, written 3-4-4
        f"{p}{t} {b // 10**4:04d} {b % 10**4:04d}"
        for p, t, b in zip(prefix, third, body, strict=True)
    ]
    line = rng.integers(0, 10**7, size=n)
    phone = [f"010-6{x // 10**4:03d} {x % 10**4:04d}" for x in line]
    ids = np.arange(1, n + 1)
    email = [
        f"{'info' if c else 'client'}{i:07d}@example.{'cn' if c else 'com'}"
        for i, c in zip(ids, corp, strict=True)
    ]
    letters = np.array(list("abcdefghijkmnpqrstuvwxyz23456789"))
    tails = ["".join(letters[rng.integers(len(letters), size=8)]) for _ in range(n)]
    wechat = [f"{'wecom' if c else 'wxid'}_{t}" for c, t in zip(corp, tails, strict=True)]
    where = [b % len(AREAS) for b in bank.branch]
    pick = rng.integers(0, 12, size=n)
    street = [STREETS[w][k % len(STREETS[w])] for w, k in zip(where, pick, strict=True)]
    number = rng.integers(1, 400, size=n)
    building, room = rng.integers(1, 30, size=n), rng.integers(101, 2800, size=n)
    area = [AREAS[w][lang] for w in where]
    if zh:
        address = [
            f"北京市{a}{s[0]}{k}号" + (f"{r // 100}层" if c else f"{b}号楼{r}室")
            for a, s, k, b, r, c in zip(area, street, number, building, room, corp, strict=True)
        ]
    else:
        address = [
            (f"Floor {r // 100}, " if c else f"Room {r}, Building {b}, ")
            + f"{k} {s[1]}, {a} District, Beijing"
            for a, s, k, b, r, c in zip(area, street, number, building, room, corp, strict=True)
        ]

    def kept(values: list[str], mask: np.ndarray) -> pd.Series:
        return pd.Series(values, dtype=object).where(mask, None)

    return {
        "mobile": kept(mobile, has(0.97, 0.6)),
        "phone": kept(phone, has(0.15, 0.95)),
        "email": kept(email, has(0.4, 0.8)),
        "wechat": kept(wechat, has(0.65, 0.5)),
        "address": kept(address, has(0.92, 0.99)),
    }


#: the people a company client's RM deals with: (title zh, title en, decides, how likely)
ROLES = [
    ("法定代表人", "Legal representative", True, 0.9),
    ("财务总监", "Chief financial officer", True, 0.6),
    ("财务经理", "Finance manager", False, 0.7),
    ("出纳", "Cashier", False, 0.4),
]


def persons(bank: Any, clients: pd.DataFrame) -> pd.DataFrame:
    """Contact persons of ``bank``'s company clients: one to four, the deciders first."""
    rng = np.random.default_rng([bank.spec.seed, 12])
    lang = 0 if bank.zh else 1
    companies = clients.loc[clients["kind"] == "corporate", "external_id"].tolist()
    rows = []
    for client in companies:
        chosen = [r for r in ROLES if rng.random() < r[3]] or [ROLES[0]]
        for zh_title, en_title, decides, _p in chosen:
            rows.append((client, zh_title if lang == 0 else en_title, decides))
    if not rows:
        return pd.DataFrame(
            columns=["client_external_id", "name", "title", "mobile", "phone", "email",
                     "decision_maker"]
        )  # fmt: skip
    n = len(rows)
    names = bank._person_names(rng, rng.random(n) < 0.55)
    prefix = MOBILE_PREFIXES[rng.integers(len(MOBILE_PREFIXES), size=n)]
    body = rng.integers(0, 10**9, size=n)
    line = rng.integers(0, 10**7, size=n)
    return pd.DataFrame(
        {
            "client_external_id": [r[0] for r in rows],
            "name": names,
            "title": [r[1] for r in rows],
            "mobile": [f"{p}{b // 10**8} {b // 10**4 % 10**4:04d} {b % 10**4:04d}"
                       for p, b in zip(prefix, body, strict=True)],
            "phone": pd.Series([f"010-8{x // 10**4:03d} {x % 10**4:04d}" for x in line],
                               dtype=object).where(rng.random(n) < 0.6, None),
            "email": pd.Series([f"person{i:06d}@example.cn" for i in range(1, n + 1)],
                               dtype=object).where(rng.random(n) < 0.5, None),
            "decision_maker": [r[2] for r in rows],
        }
    )  # fmt: skip


def tasks(contacts: pd.DataFrame, as_of: Any, seed: int) -> pd.DataFrame:
    """The tasks of the RMs' recent next steps: due up to two weeks before the data date or
    later; most of those due a week before it or earlier are done, the rest still open (some
    overdue on the day after the data date, as in any book)."""
    rng = np.random.default_rng([seed, 13])
    due = pd.to_datetime(contacts["next_step_due"])
    first = pd.Timestamp(as_of) - pd.Timedelta(days=14)
    mine = contacts[contacts["username"].notna() & contacts["next_step"].notna() & (due >= first)]
    due = pd.to_datetime(mine["next_step_due"])
    old = (due < pd.Timestamp(as_of) - pd.Timedelta(days=7)).to_numpy()
    done = old & (rng.random(len(mine)) < 0.85)
    closed_at = (due + pd.Timedelta(hours=10)).dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC")
    return pd.DataFrame(
        {
            "interaction_external_id": mine["external_id"].to_numpy(),
            "title": mine["next_step"].to_numpy(),
            "due_on": due.dt.date.to_numpy(),
            "status": np.where(done, "done", "open"),
            "closed_at": pd.Series(closed_at.to_numpy(), dtype=object).where(done, None).to_numpy(),
            "note": None,
        }
    )
