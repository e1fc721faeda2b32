"""What rmdesk makes of the Berka files' codes: the files, the products and their 1990s pricing,
the transaction codes it knows, loan statuses as days past due, and the Czech names the RMs it
generates are given (docs/import-format.md)."""

from __future__ import annotations

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
