"""Every refusal a person can meet on a screen says why in Chinese and in English: the error
classes the screens show are bilingual, and every ``raise`` of one in the services gives its
Chinese (read from the source, so a new English-only ``raise`` fails here, not in front of an
RM working in Chinese)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import rmdesk.services
from rmdesk.services.common.refusal import Refusal

ROOT = Path(rmdesk.services.__file__).parent
#: the errors the screens show a person (the rest are the command line's or the program's own)
ON_SCREEN = {
    "AccessDenied",
    "ContactError",
    "DirectoryError",
    "FlagError",
    "HandoverError",
    "ParameterError",
    "PlanError",
    "PricingError",
    "ProductFieldError",
    "ProfileError",
    "SuggestionError",
    "TaskError",
    "WeightError",
}


def _classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages([str(ROOT)], "rmdesk.services."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and name.endswith(("Error", "Denied"))
            ):
                found.setdefault(name, obj)
    return found


def _zh_position(cls: type[BaseException]) -> int | None:
    params = list(inspect.signature(cls.__init__).parameters)[1:]
    return params.index("zh") if "zh" in params else None


def test_the_errors_on_screen_are_bilingual() -> None:
    classes = _classes()
    missing = sorted(n for n in ON_SCREEN if n not in classes)
    assert not missing
    english_only = sorted(n for n in ON_SCREEN if _zh_position(classes[n]) is None)
    assert not english_only, f"give these a Chinese message: {english_only}"
    assert issubclass(classes["PlanError"], Refusal) and issubclass(classes["FlagError"], Refusal)


def test_every_raise_of_a_bilingual_error_gives_its_chinese() -> None:
    classes = _classes()
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            cls = classes.get(name)
            position = _zh_position(cls) if cls is not None else None
            if position is None:
                continue
            given = len(node.exc.args) > position or any(k.arg == "zh" for k in node.exc.keywords)
            if not given:
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert not bad, "raised without their Chinese: " + ", ".join(bad)
