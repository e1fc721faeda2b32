"""The standard product catalogue of a Chinese retail and small-business bank (the demo bank's).

Rates are annual; money in fen (1 yuan = 100 fen). These are the defaults an administrator
starts from; every change makes a new pricing version (see docs/contribution.md).
"""

from __future__ import annotations

import pandas as pd

from rmdesk.services.data.importing.dataset import PRICING_COLUMNS, PRODUCT_COLUMNS

# code, 中文名, English name, family, term months, min age, max age, segments (empty = all)
PRODUCTS: list[tuple[str, str, str, str, int | None, int | None, int | None, str | None]] = [
    ("CASA", "活期存款", "Current account", "deposit", None, None, None, None),
    ("TD3M", "三个月定期存款", "3-month term deposit", "deposit", 3, None, None, None),
    ("TD12", "一年期定期存款", "1-year term deposit", "deposit", 12, None, None, None),
    ("TD36", "三年期定期存款", "3-year term deposit", "deposit", 36, None, None, None),
    ("MORTGAGE", "个人住房贷款", "Home mortgage", "loan", 240, 18, 65, "mass,affluent,private"),
    ("CONSUMER", "个人消费贷款", "Consumer loan", "loan", 36, 18, 60, "mass,affluent,private"),
    ("BIZLOAN", "小微经营贷款", "Business loan", "loan", 24, None, None, "sme,corporate"),
    ("CREDIT", "信用卡", "Credit card", "card", None, 18, 70, None),
    (
        "PLATINUM",
        "白金信用卡",
        "Platinum credit card",
        "card",
        None,
        18,
        70,
        "affluent,private,corporate",
    ),
    ("WMP", "理财产品", "Wealth management product", "investment", 6, 18, None, None),
    ("FUND", "基金账户", "Fund account", "investment", None, 18, None, None),
    ("LIFE", "人寿保险", "Life insurance", "insurance", None, 18, 65, "mass,affluent,private"),
    ("PROPERTY", "家庭财产保险", "Home and property insurance", "insurance", None, 18, None, None),
    ("PAYROLL", "代发工资", "Payroll service", "service", None, 16, 65, None),
    ("MOBILE", "手机银行", "Mobile banking", "service", None, 12, None, None),
    ("SAFEBOX", "保管箱", "Safe deposit box", "service", None, 18, None, "affluent,private"),
]

# code: ftp, client rate, monthly fee (fen), fee rate on balance, cost to serve (fen/month), PD, LGD
PRICING: dict[str, tuple[str, str, int, str, int, str, str]] = {
    "CASA": ("0.0180", "0.0020", 0, "0", 500, "0", "0"),
    "TD3M": ("0.0190", "0.0115", 0, "0", 200, "0", "0"),
    "TD12": ("0.0230", "0.0150", 0, "0", 200, "0", "0"),
    "TD36": ("0.0270", "0.0200", 0, "0", 200, "0", "0"),
    "MORTGAGE": ("0.0290", "0.0360", 0, "0", 1500, "0.0040", "0.2500"),
    "CONSUMER": ("0.0290", "0.0620", 0, "0", 1200, "0.0250", "0.6000"),
    "BIZLOAN": ("0.0290", "0.0480", 0, "0", 3000, "0.0180", "0.4500"),
    "CREDIT": ("0.0290", "0.1460", 800, "0", 900, "0.0300", "0.8000"),
    "PLATINUM": ("0.0290", "0.1460", 3000, "0", 1500, "0.0150", "0.8000"),
    "WMP": ("0", "0", 0, "0.0080", 300, "0", "0"),
    "FUND": ("0", "0", 0, "0.0120", 300, "0", "0"),
    "LIFE": ("0", "0", 4500, "0", 300, "0", "0"),
    "PROPERTY": ("0", "0", 1500, "0", 200, "0", "0"),
    "PAYROLL": ("0", "0", 0, "0", 100, "0", "0"),
    "MOBILE": ("0", "0", 0, "0", 50, "0", "0"),
    "SAFEBOX": ("0", "0", 2500, "0", 800, "0", "0"),
}


def products_frame() -> pd.DataFrame:
    return pd.DataFrame(PRODUCTS, columns=PRODUCT_COLUMNS).astype(
        {"term_months": "Int64", "min_age": "Int64", "max_age": "Int64"}
    )


def pricing_frame(valid_from: str, note: str = "standard catalogue") -> pd.DataFrame:
    rows = [
        (code, valid_from, ftp, rate, fee, fee_rate, cost, pd_, lgd, note)
        for code, (ftp, rate, fee, fee_rate, cost, pd_, lgd) in PRICING.items()
    ]
    return pd.DataFrame(rows, columns=PRICING_COLUMNS)
