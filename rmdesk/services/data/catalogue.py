"""The standard product catalogue of a Chinese retail and small-business bank (the demo bank's).

Rates are annual; money in fen (1 yuan = 100 fen). These are the defaults an administrator
starts from; every change makes a new pricing version (see docs/contribution.md). Who each
product is for, its risk grade and what an RM says about it are in ``WHO_FOR`` and
``PITCHES`` (docs/suitability.md).
"""

from __future__ import annotations

import pandas as pd

from rmdesk.services.data.importing.dataset import (
    PRICING_COLUMNS,
    PRODUCT_COLUMNS,
    PRODUCT_RULE_COLUMNS,
)

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
        "affluent,private",
    ),
    ("WMP", "理财产品", "Wealth management product", "investment", 6, 18, None, None),
    ("FUND", "基金账户", "Fund account", "investment", None, 18, None, None),
    ("LIFE", "人寿保险", "Life insurance", "insurance", None, 18, 65, "mass,affluent,private"),
    ("PROPERTY", "家庭财产保险", "Home and property insurance", "insurance", None, 18, None, None),
    ("PAYROLL", "代发工资", "Payroll service", "service", None, 16, 65, None),
    ("MOBILE", "手机银行", "Mobile banking", "service", None, 12, None, None),
    ("SAFEBOX", "保管箱", "Safe deposit box", "service", None, 18, None, "affluent,private"),
]

# code: client kinds (None = individuals and companies), risk grade (None = no investment risk);
# wealth and insurance graded as a Chinese bank grades what it sells or distributes: a
# fixed-income wealth product R2, a fund account (mixed funds) R3, a savings-type life policy R2,
# home insurance R1
WHO_FOR: dict[str, tuple[str | None, str | None]] = {
    "CASA": (None, None),
    "TD3M": (None, None),
    "TD12": (None, None),
    "TD36": (None, None),
    "MORTGAGE": ("individual", None),
    "CONSUMER": ("individual", None),
    "BIZLOAN": ("corporate", None),
    "CREDIT": ("individual", None),
    "PLATINUM": ("individual", None),
    "WMP": ("individual", "R2"),
    "FUND": ("individual", "R3"),
    "LIFE": ("individual", "R2"),
    "PROPERTY": ("individual", "R1"),
    "PAYROLL": (None, None),
    "MOBILE": (None, None),
    "SAFEBOX": ("individual", None),
}

# code: what an RM says, in Chinese and in English, one sentence a line
PITCHES: dict[str, tuple[str, str]] = {
    "CASA": (
        "随存随取，工资、转账、缴费都从这里走。\n开通手机银行，本行转账不收手续费。",
        "Money in and out any day: salary, transfers and bills all go through it.\n"
        "With mobile banking, transfers within the bank cost nothing.",
    ),
    "TD3M": (
        "闲钱先存三个月，利息比活期高。\n到期自动转存，不用专门跑网点。",
        "Spare cash for three months earns more than in the current account.\n"
        "It rolls over by itself at maturity: no trip to the branch.",
    ),
    "TD12": (
        "一年期定期，开户当天利率就锁定。\n急用钱可以提前支取，提前部分按活期计息。",
        "One year, the rate fixed on the day you open it.\n"
        "Need it early? You can take it out; that part earns the current-account rate.",
    ),
    "TD36": (
        "三年期利率更高，适合确定三年内不用的钱。\n存款受存款保险保障。",
        "Three years pays a higher rate, for money you won't need for three years.\n"
        "Deposits are covered by deposit insurance.",
    ),
    "MORTGAGE": (
        "住房按揭最长二十年，等额本息、等额本金都可以选。\n提前还款在手机银行就能预约。",
        "A home loan for up to twenty years, equal instalments or equal principal.\n"
        "Early repayment can be booked in mobile banking.",
    ),
    "CONSUMER": (
        "装修、教育、买车都能用，手机上就能申请。\n按日计息，随借随还。",
        "For a renovation, school fees or a car; apply on your phone.\n"
        "Interest by the day; repay whenever you like.",
    ),
    "BIZLOAN": (
        "小微企业流动资金贷款，期限最长两年。\n凭企业结算流水申请，额度还了可以再用。",
        "Working capital for a small business, for up to two years.\n"
        "Applied for on the company's account turnover; repaid credit can be drawn again.",
    ),
    "CREDIT": (
        "最长五十天免息期，分期手续费事先说清楚。\n绑定手机银行，每笔消费即时提醒。",
        "Up to fifty interest-free days; instalment fees stated up front.\n"
        "Linked to mobile banking, every purchase is notified at once.",
    ),
    "PLATINUM": (
        "白金卡带机场贵宾厅和道路救援权益。\n额度更高，年费可以用消费积分抵。",
        "Airport lounges and roadside assistance come with the card.\n"
        "A higher limit, and the annual fee can be paid with points from spending.",
    ),
    "WMP": (
        "稳健型理财，主要投债券和存款类资产，期限六个月。\n理财非存款，产品有风险，投资须谨慎。",
        "A cautious six-month product, mostly bonds and deposit-like assets.\n"
        "A wealth product is not a deposit: it carries risk; invest with care.",
    ),
    "FUND": (
        "一个账户买公募基金，可以每月定投，一百元起。\n基金有涨有跌、不保本，适合三年以上不用的钱。",
        "One account for mutual funds, with a monthly plan from 100 yuan.\n"
        "Funds go up and down and are not guaranteed: for money you can leave three years.",
    ),
    "LIFE": (
        "保障加储蓄，交费期满后有保证的现金价值。\n和房贷搭配，家里还款能力多一份保障。",
        "Cover and savings: once the premiums are paid the policy has a guaranteed cash value.\n"
        "Next to a mortgage, it keeps the family able to repay.",
    ),
    "PROPERTY": (
        "房屋和家财一年一保，保费不高。\n火灾、水管爆裂造成的损失都能理赔。",
        "Home and contents cover for a year, at a modest premium.\n"
        "Fire and burst pipes are claimed against it.",
    ),
    "PAYROLL": (
        "代发工资一个文件批量到账，发薪日准时。\n员工在本行领工资，跨行取现免手续费。",
        "Payroll in one file, every salary in on the day.\n"
        "Staff paid here withdraw at other banks without a fee.",
    ),
    "MOBILE": (
        "转账、理财、缴费都在手机上办，不用排队。\n刷脸登录，每笔交易短信提醒。",
        "Transfers, investments and bills on your phone, no queue.\n"
        "Face log-in, and a text message for every transaction.",
    ),
    "SAFEBOX": (
        "证件、金条、合同放保管箱，比放家里安心。\n按年租用，本人凭指纹开箱。",
        "Papers, gold and contracts are safer here than at home.\n"
        "Rented by the year, opened with your own fingerprint.",
    ),
}

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
    """The catalogue as an import writes it, with who each product is for and its pitch."""
    rows = [(*product, *WHO_FOR[product[0]], *PITCHES[product[0]]) for product in PRODUCTS]
    return pd.DataFrame(rows, columns=PRODUCT_COLUMNS + PRODUCT_RULE_COLUMNS).astype(
        {"term_months": "Int64", "min_age": "Int64", "max_age": "Int64"}
    )


def pricing_frame(valid_from: str, note: str = "standard catalogue") -> pd.DataFrame:
    rows = [
        (code, valid_from, ftp, rate, fee, fee_rate, cost, pd_, lgd, note)
        for code, (ftp, rate, fee, fee_rate, cost, pd_, lgd) in PRICING.items()
    ]
    return pd.DataFrame(rows, columns=PRICING_COLUMNS)
