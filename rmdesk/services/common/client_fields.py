"""The declared client attributes: what a bank may tell rmdesk about a client beyond the columns.

Each field has a name (the key in ``clients.attributes`` and the column name in the generic
import format), a kind (``choice``, ``integer``, ``date``), for a choice its allowed codes with
their labels in Chinese and English, and whether the take-up models learn from it. A value is
stored in ``clients.attributes`` under the field's name: a choice as its code, an integer as a
number, a date as ``YYYY-MM-DD``; an unknown value is left out, never stored as "unknown".
docs/import-format.md lists them for a bank's extract; docs/cross-sell.md says how the models
use them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # choice | integer | date
    label_zh: str
    label_en: str
    #: for a choice: code -> (zh, en)
    choices: tuple[tuple[str, str, str], ...] = ()
    #: the take-up models learn from it (a date field is read as days before the scoring date)
    model: bool = True
    #: for an integer: the smallest and largest value an import accepts
    minimum: int | None = None
    maximum: int | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c for c, _, _ in self.choices)

    def label_of(self, code: str, lang: str) -> str:
        for c, zh, en in self.choices:
            if c == code:
                return zh if lang == "zh" else en
        return code


#: the client segments (clients.segment): code -> (Chinese, English)
SEGMENTS = {
    "mass": ("大众客户", "mass"),
    "affluent": ("富裕客户", "affluent"),
    "private": ("私人银行客户", "private banking"),
    "sme": ("小微企业", "small business"),
    "corporate": ("公司客户", "corporate"),
}

#: risk-tolerance assessment grades, most cautious first (C1 保守型 … C5 激进型)
RISK_TOLERANCE = ("C1", "C2", "C3", "C4", "C5")

FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field(
            "occupation",
            "choice",
            "职业",
            "Occupation",
            (
                ("employee", "职员", "employee"),
                ("manager", "管理人员", "manager"),
                ("professional", "专业人士", "professional"),
                ("technician", "技术人员", "technician"),
                ("civil_servant", "公务员", "civil servant"),
                ("worker", "工人", "worker"),
                ("service", "服务业人员", "service worker"),
                ("self_employed", "个体经营", "self-employed"),
                ("entrepreneur", "企业主", "business owner"),
                ("farmer", "农民", "farmer"),
                ("student", "学生", "student"),
                ("retired", "退休", "retired"),
                ("homemaker", "家庭主妇/主夫", "homemaker"),
                ("unemployed", "待业", "unemployed"),
            ),
        ),
        Field(
            "education",
            "choice",
            "学历",
            "Education",
            (
                ("primary", "小学及以下", "primary"),
                ("secondary", "中学/中专", "secondary"),
                ("tertiary", "大专及以上", "tertiary"),
            ),
        ),
        Field(
            "marital_status",
            "choice",
            "婚姻状况",
            "Marital status",
            (
                ("single", "未婚", "single"),
                ("married", "已婚", "married"),
                ("divorced", "离异", "divorced"),
                ("widowed", "丧偶", "widowed"),
            ),
        ),
        Field(
            "income_band",
            "choice",
            "收入档次",
            "Income band",
            (
                ("low", "低", "low"),
                ("lower_middle", "中低", "lower middle"),
                ("middle", "中等", "middle"),
                ("upper_middle", "中高", "upper middle"),
                ("high", "高", "high"),
            ),
        ),
        Field(
            "channel_preference",
            "choice",
            "偏好渠道",
            "Preferred channel",
            (
                ("branch", "网点", "branch"),
                ("phone", "电话", "phone"),
                ("mobile", "手机银行", "mobile banking"),
                ("online", "网上银行", "online banking"),
                ("wechat", "微信", "WeChat"),
            ),
        ),
        Field(
            "risk_tolerance",
            "choice",
            "风险承受能力",
            "Risk tolerance",
            (
                ("C1", "C1 保守型", "C1 conservative"),
                ("C2", "C2 稳健型", "C2 cautious"),
                ("C3", "C3 平衡型", "C3 balanced"),
                ("C4", "C4 成长型", "C4 growth"),
                ("C5", "C5 进取型", "C5 aggressive"),
            ),
        ),
        Field("risk_assessed_on", "date", "风险评估日期", "Risk assessed on", model=False),
        Field(
            "risk_assessment_expires",
            "date",
            "风险评估到期日",
            "Risk assessment expires",
            model=False,
        ),
        Field("household_size", "integer", "家庭人数", "Household size", minimum=1, maximum=20),
        Field(
            "credit_in_default",
            "choice",
            "信用违约",
            "Credit in default",
            (("yes", "是", "yes"), ("no", "否", "no")),
        ),
    )
}


def model_fields() -> list[Field]:
    """The fields the take-up models read, in a fixed order."""
    return [f for f in FIELDS.values() if f.model]
