"""How to reach the demo bank's clients: mobiles, landlines, e-mail, WeChat ids and addresses.

Made up, in the shapes real ones have: a mainland mobile number (1 and ten digits, written
138 1234 5678), a Beijing landline (010-6xxx xxxx), a street address in the city district of the
client's branch (the neighbourhood is the client's district column). Nearly every person has a
mobile and most a WeChat id; nearly every company has an office line and an e-mail, some a
mobile (the boss's) and a WeCom id.
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
