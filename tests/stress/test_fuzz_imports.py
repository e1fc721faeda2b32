"""Hostile input: the generic importer fed hundreds of damaged copies of a valid extract.

Each case damages one file of docs/samples/generic in one way (cut short mid-character, another
encoding, a wrong-typed or huge cell, a duplicated key, a formula-like cell, a lost or renamed
header, binary junk, an empty file). The importer must either import it or refuse it with
``ImportRejected`` whose every problem names its file; never another exception (a traceback in
front of a user), and a refused import must leave every table as it was. Cases are seeded, so
a failure names the case to replay.
"""

from __future__ import annotations

import os
import random
import shutil
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine, func, select

from rmdesk.db import open_database
from rmdesk.models import AuditEntry, Base
from rmdesk.services.common.access import system
from rmdesk.services.data.importing import ImportRejected, run_import
from tests.conftest import ROOT

SAMPLE = ROOT / "docs" / "samples" / "generic"
#: damaged extracts per database in the suite; RMDESK_FUZZ_CASES=2000 for a longer hunt
CASES = int(os.environ.get("RMDESK_FUZZ_CASES", "80"))
WATCHED = ["clients", "holdings", "monthly_facts", "interactions", "users", "branches",
           "products", "import_batches"]  # fmt: skip
NASTY_CELLS = [
    "",
    "abc",
    "-",
    "1e999",
    "NaN",
    "-0",
    "99999999999999999999999999",
    "2026-13-45",
    "0000-00-00",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1:A9)",
    "-2+3",
    '"unbalanced',
    "a,b,c",
    "\x00\x01\x02",
    "长" * 5000,
    "x" * 100_000,
    "\u202eevil",
    "'; DROP TABLE clients; --",
]


def _damage(folder: Path, rng: random.Random) -> str:
    """Damage one file of ``folder`` in one way; returns what was done."""
    path = rng.choice(sorted(folder.glob("*.csv")))
    data = path.read_bytes()
    text = data.decode("utf-8")
    lines = text.splitlines(keepends=True)
    how = rng.choice(
        ["cut", "encoding", "cell", "duplicate", "header", "junk", "empty", "cell", "cell"]
    )
    if how == "cut":
        path.write_bytes(data[: rng.randrange(1, len(data))])
    elif how == "encoding":
        codec = rng.choice(["gbk", "utf-16", "latin-1", "big5"])
        path.write_bytes(text.encode(codec, errors="replace"))
        how += f":{codec}"
    elif how == "cell" and len(lines) > 1:
        row = rng.randrange(1, len(lines))
        cells = lines[row].rstrip("\r\n").split(",")
        col = rng.randrange(len(cells))
        cells[col] = rng.choice(NASTY_CELLS)
        lines[row] = ",".join(cells) + "\n"
        path.write_text("".join(lines), encoding="utf-8")
        how += f":row {row + 1} col {col + 1}"
    elif how == "duplicate" and len(lines) > 1:
        lines.append(lines[rng.randrange(1, len(lines))])
        path.write_text("".join(lines), encoding="utf-8")
    elif how == "header":
        head = lines[0].rstrip("\r\n").split(",")
        if rng.random() < 0.5 and len(head) > 1:
            head.pop(rng.randrange(len(head)))
        else:
            head[rng.randrange(len(head))] = rng.choice(["", "名字", "client id", "x" * 300])
        lines[0] = ",".join(head) + "\n"
        path.write_text("".join(lines), encoding="utf-8")
    elif how == "junk":
        at = rng.randrange(len(data))
        path.write_bytes(data[:at] + bytes(rng.randrange(256) for _ in range(64)) + data[at:])
    else:
        path.write_bytes(b"")
        how = "empty"
    return f"{path.name}: {how}"


def _counts(engine: Engine) -> dict[str, int]:
    tables = Base.metadata.tables
    with engine.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(tables[name])).scalar_one())
            for name in WATCHED
        }


def import_or_refuse(engine: Engine, kind: str, path: Path, case: str) -> str:
    """Import one damaged input: "imported", or "refused" with every problem naming its file
    and nothing written. Any other exception fails the case (a traceback in front of a user)."""
    before = _counts(engine)
    try:
        run_import(engine, kind, path, force=True, who=system("fuzz"))
    except ImportRejected as exc:
        assert exc.problems.total > 0, f"{case}: refused without a problem"
        for problem in exc.problems.listed:
            assert problem.file and problem.message, f"{case}: {problem}"
        assert _counts(engine) == before, f"{case}: a refused import wrote"
        return "refused"
    except Exception as exc:
        raise AssertionError(f"{case}: {type(exc).__name__}: {exc}") from exc
    return "imported"


def test_damaged_extracts_are_imported_or_refused_cleanly(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    seen: Counter[str] = Counter()
    for case in range(CASES):
        rng = random.Random(case)
        folder = tmp_path / f"case{case}"
        shutil.copytree(SAMPLE, folder)
        what = _damage(folder, rng)
        seen[import_or_refuse(db.engine, "generic", folder, f"case {case} ({what})")] += 1
        shutil.rmtree(folder)
    with db.engine.connect() as conn:
        imports = conn.execute(
            select(func.count()).where(AuditEntry.action == "import", AuditEntry.actor == "fuzz")
        ).scalar_one()
    db.dispose()
    assert seen["refused"] + seen["imported"] == CASES and seen["refused"] > CASES // 3
    print(f"\n{CASES} damaged extracts: {seen['refused']} refused, {seen['imported']} imported")
    assert imports <= seen["imported"]
