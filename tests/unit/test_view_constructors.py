"""A screen's constructor reads as a list of named builders (``_build_toolbar()``,
``_build_table()``, ``_connect_signals()``): none in rmdesk/views is longer than 80 lines."""

from __future__ import annotations

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[2] / "rmdesk" / "views"
LONGEST = 80


def long_constructors(source: str, limit: int = LONGEST) -> list[tuple[str, int]]:
    """(class, lines) of every ``__init__`` in ``source`` longer than ``limit`` lines, from its
    ``def`` (decorators included) to its last line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name == "__init__":
                first = min([item.lineno, *(d.lineno for d in item.decorator_list)])
                lines = (item.end_lineno or item.lineno) - first + 1
                if lines > limit:
                    found.append((node.name, lines))
    return found


def test_the_check_measures_a_constructor_from_def_to_last_line() -> None:
    body = "\n".join(f"        self.x{n} = {n}" for n in range(80))
    source = f"class A:\n    def __init__(self) -> None:\n{body}\n\n    def other(self): pass\n"
    assert long_constructors(source) == [("A", 81)]
    assert long_constructors(source, limit=81) == []


def test_no_view_constructor_is_longer_than_80_lines() -> None:
    files = sorted(VIEWS.rglob("*.py"))
    assert len(files) > 30  # the views were found
    too_long = {
        f"{path.relative_to(VIEWS)}: {name}.__init__ ({lines} lines)"
        for path in files
        for name, lines in long_constructors(path.read_text(encoding="utf-8"))
    }
    assert sorted(too_long) == []
