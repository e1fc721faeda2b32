"""The generic format's closed lists: every accepted spelling (lowercase, English or Chinese)
of a code → the code (docs/import-format.md)."""

from __future__ import annotations

ROLES = {
    "rm": "rm",
    "客户经理": "rm",
    "branch_head": "branch_head",
    "支行行长": "branch_head",
    "行长": "branch_head",
    "admin": "admin",
    "管理员": "admin",
}
KINDS = {
    "individual": "individual",
    "个人": "individual",
    "corporate": "corporate",
    "公司": "corporate",
    "企业": "corporate",
}
GENDERS = {"m": "M", "male": "M", "男": "M", "f": "F", "female": "F", "女": "F"}
STATUSES = {
    "active": "active",
    "正常": "active",
    "dormant": "dormant",
    "休眠": "dormant",
    "closed": "closed",
    "销户": "closed",
}
FAMILIES = {
    "deposit": "deposit",
    "存款": "deposit",
    "loan": "loan",
    "贷款": "loan",
    "card": "card",
    "卡": "card",
    "银行卡": "card",
    "investment": "investment",
    "理财": "investment",
    "投资": "investment",
    "insurance": "insurance",
    "保险": "insurance",
    "service": "service",
    "服务": "service",
}
#: what a client answered to a contact that offered a product (``offer_result``)
OFFER_RESULTS = {
    "accepted": "accepted",
    "yes": "accepted",
    "接受": "accepted",
    "已接受": "accepted",
    "declined": "declined",
    "no": "declined",
    "拒绝": "declined",
    "已拒绝": "declined",
}
CHANNELS = {
    "visit": "visit",
    "拜访": "visit",
    "上门": "visit",
    "phone": "phone",
    "电话": "phone",
    "counter": "counter",
    "柜面": "counter",
    "网点": "counter",
    "online": "online",
    "网银": "online",
    "mobile": "mobile",
    "手机银行": "mobile",
    "email": "email",
    "邮件": "email",
    "wechat": "wechat",
    "微信": "wechat",
    "wecom": "wecom",
    "企业微信": "wecom",
    "sms": "sms",
    "短信": "sms",
}
