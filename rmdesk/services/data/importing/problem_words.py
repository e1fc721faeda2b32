"""An import problem in Chinese: the importers write each problem in English (the command line
and the logs read it so); a person working in Chinese reads it through these words.

``chinese(message)`` matches the message against the forms the importers write it in, the
cell's own value kept as written; a message of no known form is returned as it is. The
problems every file meets (a missing column, a required value, a bad or unknown cell, a
repeated id, an undeclared column, a file that cannot be read) all have their words here;
tests/unit/test_problem_words.py holds the list to the importers' own.
"""

from __future__ import annotations

import re

#: what a cell should have been ("expected …, got …"), in Chinese
_EXPECTED: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^a date such as .*$"),
     "日期，例如 2024-03-31、2024/03/31、20240331 或 2024年3月31日"),
    (re.compile(r"^a whole number between (\S+) and (\S+)$"), r"介于 \1 与 \2 之间的整数"),
    (re.compile(r"^a whole number$"), "整数"),
    (re.compile(r"^at most (\d+) characters$"), r"最多 \1 个字符"),
    (re.compile(r"^a rate between (\S+) and (\S+) such as 0\.025 or 2\.5%$"),
     r"介于 \1 与 \2 之间的比率，例如 0.025 或 2.5%"),
    (re.compile(r"^an (non-negative )?amount with at most (\d+) decimals, e\.g\. 1234\.56$"),
     r"金额（最多 \2 位小数，例如 1234.56）"),
    (re.compile(r"^one of (.*) or empty$"), r"以下之一或留空：\1"),
    (re.compile(r"^one of (.*)$"), r"以下之一：\1"),
    (re.compile(r"^yes or no \(1/0, true/false, 是/否\)$"), "是或否（1/0、true/false、是/否）"),
    (re.compile(r"^a phone number: .*$"), "电话号码（数字、空格、括号和连字符，国际区号前加 +）"),
    (re.compile(r"^an e-mail address \(name@domain\)$"), "电子邮箱地址（name@domain）"),
    (re.compile(r"^a date YYMMDD, e\.g\. 930101$"), "YYMMDD 格式的日期，例如 930101"),
    (re.compile(r"^a birth number YYMMDD.*$"), "YYMMDD 格式的出生编号（女性月份加 50）"),
]  # fmt: skip

#: whole messages, in the order they are tried
_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^missing column \(found: (.*)\)$", re.S), r"缺少该列（文件中的列：\1）"),
    (re.compile(r"^a value is required here$"), "此处必须填写"),
    (re.compile(r"^(.+) appears more than once; ids must be unique$", re.S),
     r"\1 重复出现；编号必须唯一"),
    (re.compile(r"^(.+) is not in (\S+) or in the database$", re.S),
     r"\1 在 \2 文件和数据库中都不存在"),
    (re.compile(r"^(.+) is not in (.+)$", re.S), r"\1 不在 \2 中"),
    (re.compile(r"^column (.+) is not part of the format and was not imported$", re.S),
     r"列 \1 不属于导入格式，未导入"),
    (re.compile(r"^and (\d+) more such columns, not imported$"), r"另有 \1 个此类列未导入"),
    (re.compile(r"^an offer's result needs the product offered \(product_code\)$"),
     "填写了营销结果，须同时填写所推荐的产品（product_code）"),
    (re.compile(r"^no such file or folder$"), "文件或文件夹不存在"),
    (re.compile(r"^give a folder of CSV files or an \.xlsx workbook$"),
     "请选择包含 CSV 文件的文件夹或一个 .xlsx 工作簿"),
    (re.compile(r"^no clients file .*$"),
     "缺少客户文件（clients.csv 或名为 clients 的工作表），见 docs/import-format.md"),
    (re.compile(r"^no rows after the header: no client to import$"),
     "表头之后没有数据：没有可导入的客户"),
    (re.compile(r"^the file has no header line$"), "文件没有表头行"),
    (re.compile(r"^the file is empty$"), "文件是空的"),
    (re.compile(r"^the workbook has no worksheet$"), "工作簿中没有工作表"),
    (re.compile(r"^the workbook has no sheet named (.+)$"), r"工作簿中没有名为 \1 的工作表"),
    (re.compile(r"^this is not a readable Excel workbook: (.*)$", re.S),
     r"不是可读取的 Excel 工作簿：\1"),
    (re.compile(r"^this is not a text table \(it contains binary data\)$"),
     "不是文本表格（文件含有二进制数据）"),
    (re.compile(r"^this is UTF-16 or UTF-32 text; .*$"),
     "文件是 UTF-16 或 UTF-32 编码，请另存为 UTF-8（或 GBK）后再导入"),
    (re.compile(r"^this line is neither UTF-8 nor GBK/GB18030.*$", re.S),
     "此行既不是 UTF-8 也不是 GBK/GB18030 编码；请将整个文件另存为 UTF-8"),
    (re.compile(r"^this line is not .*(UTF-8|GBK).*$", re.S),
     "此行的编码与文件其余部分不一致；请将整个文件另存为 UTF-8"),
    (re.compile(r"^a NUL character .*$", re.S), "文本中不允许出现 NUL 字符（\\x00）"),
    (re.compile(r"^not a regular file$"), "不是普通文件"),
    (re.compile(r"^cannot read (.+?): (.*)$", re.S), r"无法读取 \1：\2"),
    (re.compile(r"^these files were imported before \(batch (\d+)\).*$", re.S),
     r"这些文件已导入过（批次 \1），无需重复导入（命令行可加 --force 再次导入）"),
    (re.compile(r"^(.+), more than the limit of (.+)$", re.S), r"\1，超过上限（\2）"),
]  # fmt: skip


def _expected(text: str) -> str:
    for pattern, words in _EXPECTED:
        if pattern.match(text):
            return pattern.sub(words, text)
    return text


def chinese(message: str) -> str:
    """``message`` in Chinese, the values it quotes kept; as it is when of no known form."""
    found = re.match(r"^expected (.+), got (.+)$", message, re.S)
    if found:
        return f"应为{_expected(found.group(1))}，实际为 {found.group(2)}"
    for pattern, words in _MESSAGES:
        if pattern.match(message):
            return pattern.sub(words, message)
    return message
