"""Cells that could be read as formulas are made literal; numbers and plain text are left alone."""

from __future__ import annotations

import pytest

from rmdesk.services.data.exporting import safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\r=x", "'\r'=x"),
        ("a;=1+1", "a;'=1+1"),  # a reader splitting on ; would start a cell at the =
        ("a,-1", "a,'-1"),
        ("a|@x", "a|'@x"),
        ("a\t+x", "a\t'+x"),
        ('a;"=1"', 'a;"\'=1"'),  # quotes do not hide it from a reader that drops them
        ("note\n=2", "note\n'=2"),
        ("a - b; c", "a - b; c"),
    ],
)
def test_text_that_could_be_a_formula_is_made_literal(value: str, cell: str) -> None:
    assert safe_cell(value) == cell


def test_numbers_and_plain_text_are_left_alone() -> None:
    assert safe_cell(-5) == -5
    assert safe_cell("张三") == "张三"
