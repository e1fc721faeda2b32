"""The layers and feature packages of rmdesk, drawn from the code.

    python tools/architecture.py          # print the picture
    python tools/architecture.py --write  # put it into docs/architecture.md

The layers come from the import-linter contracts in pyproject.toml (the same ones `make lint`
enforces); the packages, their modules and the imports between them from the code itself
(grimp, which import-linter uses). tests/unit/test_architecture.py fails when the picture in
docs/architecture.md is no longer what this prints.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections import Counter
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
BEGIN = "<!-- drawn by tools/architecture.py: do not edit by hand -->"
END = "<!-- end of the drawing -->"


def _contracts() -> dict[str, list[str]]:
    """The layers of each container that has a layers contract, top first."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        config = tomllib.load(f)
    found: dict[str, list[str]] = {}
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] == "layers" and contract.get("containers"):
            found[contract["containers"][0]] = contract["layers"]
    return found


def _summary(path: Path) -> str:
    """The first sentence of a module's docstring."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = " ".join(doc.split("\n\n")[0].split())
    return first.split(". ")[0].rstrip(".")


def _package_of(module: str, container: str) -> str | None:
    rest = module[len(container) + 1 :] if module.startswith(container + ".") else None
    return rest.split(".")[0] if rest else None


def drawing() -> str:
    graph = grimp.build_graph("rmdesk")
    layers = _contracts()
    lines: list[str] = ["```"]
    lines.append("rmdesk.app (composition root)           rmdesk.cli (rmdesk-cli)")
    lines.append("        │                                        │")
    for container, title in (("rmdesk.views", "views"), ("rmdesk.services", "services")):
        for i, layer in enumerate(layers[container]):
            label = f"{title:<10}" if i == 0 else " " * 10
            lines.append(label + "  " + "  │  ".join(p.strip() for p in layer.split("|")))
        lines.append("        │                                        │")
    lines.append("rmdesk.db · sqlite_backup · settings · tasks · local_files · secrets · resources")
    lines.append("rmdesk.models")
    lines.append("```")
    lines.append("")
    lines.append("Each line imports only from the lines below it; packages side by side on a line")
    lines.append("import nothing from each other. The packages, their modules, and the packages")
    lines.append("each imports from (with the number of module-to-module imports):")
    for container in ("rmdesk.services", "rmdesk.views"):
        lines.append("")
        lines.append(f"| `{container}` package | what it holds | modules | imports from |")
        lines.append("| --- | --- | --- | --- |")
        for layer in layers[container]:
            for package in (p.strip() for p in layer.split("|")):
                name = f"{container}.{package}"
                folder = ROOT / Path(*name.split("."))
                modules = sorted(
                    p.stem for p in folder.glob("*.py") if p.name != "__init__.py"
                ) + sorted(f"{p.name}/" for p in folder.iterdir() if (p / "__init__.py").exists())
                uses: Counter[str] = Counter()
                for module in graph.find_descendants(name) | {name}:
                    for imported in graph.find_modules_directly_imported_by(module):
                        other = _package_of(imported, container)
                        if other and other != package:
                            uses[other] += 1
                used = ", ".join(f"{p} ({n})" for p, n in sorted(uses.items())) or "—"
                what = _summary(folder / "__init__.py")
                lines.append(f"| `{package}` | {what} | {', '.join(modules)} | {used} |")
    return "\n".join(lines) + "\n"


def written() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip("\n") + "\n"


def write() -> None:
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{BEGIN}\n{drawing()}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        print(drawing())
