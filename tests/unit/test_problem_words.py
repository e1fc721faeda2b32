"""Every problem a bank's extract meets is said in Chinese too: a set with one of each kind of
mistake is read, and each problem listed has Chinese words (the cell's own value kept)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rmdesk.services.data.importing import generic
from rmdesk.services.data.importing.problem_words import chinese
from rmdesk.services.data.importing.problems import ImportRejected, Problems

CJK = re.compile(r"[\u4e00-\u9fff]")


def _write(folder: Path, name: str, text: str) -> None:
    (folder / f"{name}.csv").write_text(text, encoding="utf-8")


def test_each_kind_of_mistake_is_said_in_chinese(tmp_path: Path) -> None:
    _write(
        tmp_path, "clients",
        "client_id,name,kind,birth_date,mobile,email,segment,rm_username,extra\n"
        "C1,甲,person,1980-13-45,call me,not-an-email,mass,nobody,x\n"
        "C1,乙,individual,1980-01-01,138 0000 0000,a@b.cn,mass,,x\n"
        "C3,,individual,1980-01-01,,,mass,,x\n",
    )  # fmt: skip
    _write(tmp_path, "holdings", "holding_id,client_id\nH1,C1\n")  # no product_code column
    _write(
        tmp_path, "contact_persons",
        "client_id,name,decision_maker\nC9,丙,maybe\n",
    )  # fmt: skip
    problems = Problems()
    with pytest.raises(ImportRejected):
        generic.read(tmp_path, problems, generic.Known())
    listed = problems.listed
    assert len(listed) >= 8
    untranslated = [p.message for p in listed if not CJK.search(p.zh)]
    assert untranslated == []
    said = {p.zh for p in listed}
    assert any("'call me'" in z and z.startswith("应为电话号码") for z in said)
    assert any("重复出现" in z for z in said) and any(z == "此处必须填写" for z in said)


@pytest.mark.parametrize(
    "message",
    [
        "no such file or folder",
        "the file is empty",
        "column 'foo' is not part of the format and was not imported",
        "these files were imported before (batch 3); nothing to do (use --force to import "
        "them again)",
        "this is UTF-16 or UTF-32 text; save it as UTF-8 (or GBK) and import it again",
    ],
)
def test_file_level_problems_in_chinese(message: str) -> None:
    assert CJK.search(chinese(message)), message
