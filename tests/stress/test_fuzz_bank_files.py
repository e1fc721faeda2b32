"""Hostile input for the Berka and bank-marketing importers: damaged copies of small, consistent
extracts of the real files, each imported or refused cleanly (as tests/stress/test_fuzz_imports.py
does for the generic format). Cases are seeded; RMDESK_FUZZ_CASES raises their number."""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path

import pytest

from rmdesk.db import open_database
from rmdesk.services.common.access import system
from rmdesk.services.data.importing import run_import
from tests.conftest import ROOT
from tests.stress.test_fuzz_imports import NASTY_CELLS, import_or_refuse

CASES = max(10, int(os.environ.get("RMDESK_FUZZ_CASES", "80")) // 3)
assert ROOT.exists()


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _field(line: str, n: int) -> str:
    return line.split(";")[n].strip().strip('"')


def berka_extract(berka: Path, folder: Path, accounts: int = 40) -> Path:
    """The Berka files cut down to ``accounts`` accounts and everything hanging off them."""
    folder.mkdir(parents=True, exist_ok=True)
    acc = _lines(berka / "account.asc")
    keep = {_field(line, 0) for line in acc[1 : accounts + 1]}
    disp = _lines(berka / "disp.asc")
    disp_keep = [line for line in disp[1:] if _field(line, 2) in keep]
    clients = {_field(line, 1) for line in disp_keep}
    disps = {_field(line, 0) for line in disp_keep}
    wanted = {
        "account.asc": lambda line: _field(line, 0) in keep,
        "disp.asc": lambda line: _field(line, 2) in keep,
        "client.asc": lambda line: _field(line, 0) in clients,
        "trans.asc": lambda line: _field(line, 1) in keep,
        "loan.asc": lambda line: _field(line, 1) in keep,
        "order.asc": lambda line: _field(line, 1) in keep,
        "card.asc": lambda line: _field(line, 1) in disps,
        "district.asc": lambda _line: True,
    }
    for name, keeps in wanted.items():
        lines = _lines(berka / name)
        (folder / name).write_text(lines[0] + "".join(filter(keeps, lines[1:])), encoding="utf-8")
    return folder


def marketing_extract(bank_marketing: Path, folder: Path, rows: int = 300) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "bank-full.csv"
    target.write_text("".join(_lines(bank_marketing)[: rows + 1]), encoding="utf-8")
    return target


def _damage(files: list[Path], rng: random.Random) -> str:
    path = rng.choice(files)
    data = path.read_bytes()
    lines = data.decode("utf-8").splitlines(keepends=True)
    how = rng.choice(["cut", "encoding", "cell", "cell", "cell", "duplicate", "header", "junk"])
    if how == "cut":
        path.write_bytes(data[: rng.randrange(1, len(data))])
    elif how == "encoding":
        codec = rng.choice(["utf-16", "latin-1", "gbk"])
        path.write_bytes(data.decode("utf-8").encode(codec, errors="replace"))
        how += f":{codec}"
    elif how == "cell" and len(lines) > 1:
        row = rng.randrange(1, len(lines))
        cells = lines[row].rstrip("\r\n").split(";")
        col = rng.randrange(len(cells))
        cells[col] = rng.choice([*NASTY_CELLS, '""', "0", "-1", "999999"])
        lines[row] = ";".join(cells) + "\n"
        path.write_text("".join(lines), encoding="utf-8")
        how += f":row {row + 1} col {col + 1}"
    elif how == "duplicate" and len(lines) > 1:
        lines.append(lines[rng.randrange(1, len(lines))])
        path.write_text("".join(lines), encoding="utf-8")
    elif how == "header":
        head = lines[0].rstrip("\r\n").split(";")
        head[rng.randrange(len(head))] = rng.choice(['""', '"x"', '"名字"'])
        lines[0] = ";".join(head) + "\n"
        path.write_text("".join(lines), encoding="utf-8")
    else:
        at = rng.randrange(len(data))
        path.write_bytes(data[:at] + bytes(rng.randrange(256) for _ in range(64)) + data[at:])
        how = "junk"
    return f"{path.name}: {how}"


@pytest.mark.parametrize("kind", ["berka", "bank-marketing"])
def test_damaged_bank_files_are_imported_or_refused_cleanly(
    db_url: str, tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    real = request.getfixturevalue("berka_dir" if kind == "berka" else "bank_marketing_csv")
    extract = berka_extract if kind == "berka" else marketing_extract
    db = open_database(db_url)
    clean = tmp_path / "clean"
    source = extract(real, clean)
    run_import(db.engine, kind, source, force=True, who=system("fuzz"))  # it is valid
    seen: Counter[str] = Counter()
    for case in range(CASES):
        rng = random.Random(f"{kind}{case}")
        folder = tmp_path / f"case{case}"
        copy = extract(real, folder)
        files = sorted(folder.glob("*.asc")) if kind == "berka" else [copy]
        what = _damage(files, rng)
        seen[import_or_refuse(db.engine, kind, copy, f"{kind} case {case} ({what})")] += 1
    db.dispose()
    assert seen["refused"] + seen["imported"] == CASES and seen["refused"] > 0
    print(
        f"\n{kind}: {CASES} damaged copies: {seen['refused']} refused, {seen['imported']} imported"
    )
