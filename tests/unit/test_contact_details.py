"""How to reach a client on paper: the client's own numbers, and a company's deciders, masked
as the parameter ``phones_on_paper`` says."""

from __future__ import annotations

from rmdesk.services.common import contact_details as cd

PEOPLE = [
    {"name": "周建国", "title": "法定代表人", "mobile": "139 1770 2288", "phone": None,
     "decision_maker": True},
    {"name": "何敏", "title": "出纳", "mobile": "137 0000 1111", "phone": None,
     "decision_maker": False},
    {"name": "孙丽", "title": None, "mobile": None, "phone": "021-6888 1208",
     "decision_maker": True},
]  # fmt: skip


def test_a_companys_deciders_on_paper_masked_or_whole() -> None:
    masked = cd.persons_on_paper(PEOPLE, "zh_CN", masked=True)
    assert masked == "决策人：周建国（法定代表人） 1391***2288；孙丽 0216***1208"
    assert "何敏" not in masked  # not a decider
    whole = cd.persons_on_paper(PEOPLE, "en", masked=False)
    assert whole == "Decides: 周建国 (法定代表人) 139 1770 2288; 孙丽 021-6888 1208"
    assert cd.persons_on_paper(PEOPLE[1:2], "zh_CN", masked=True) == ""


def test_the_clients_own_line_and_the_phones_parameter() -> None:
    reach = {"mobile": "138 1234 5678", "phone": None, "email": "a@b.cn", "wechat": "wx",
             "address": "建国路1号"}  # fmt: skip
    assert cd.on_paper(reach, "zh_CN", masked=True) == "手机: 1381***5678 · 地址: 建国路1号"
    assert cd.masks_phones("masked") and not cd.masks_phones("whole")
