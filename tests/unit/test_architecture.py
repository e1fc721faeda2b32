"""The code's shape stays what docs/architecture.md says: the drawing of the layers and
packages is the one tools/architecture.py draws from the code now, and no module passes 500
lines."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 500


def _tool() -> object:
    spec = importlib.util.spec_from_file_location(
        "architecture", ROOT / "tools" / "architecture.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_drawing_in_architecture_md_is_what_the_code_says() -> None:
    tool = _tool()
    drawn = tool.drawing()  # type: ignore[attr-defined]
    assert "services    printing  │  data  │  security  │  admin" in drawn
    assert tool.written() == drawn, (  # type: ignore[attr-defined]
        "docs/architecture.md is out of date: run python tools/architecture.py --write"
    )


def test_no_module_passes_500_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "rmdesk").rglob("*.py")
        if "migrations" not in p.parts
        and (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}
