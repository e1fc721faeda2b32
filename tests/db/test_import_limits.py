"""Hostile inputs through the command line on both databases: exit 3 with nothing written (the
limits themselves, file by file, are tested in tests/unit/test_import_limits.py)."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from rmdesk.cli import EXIT_OK, EXIT_REJECTED, main
from tests.conftest import ROOT
from tests.helpers import copy_folder, counts, rows
from tests.unit.test_import_limits import book, within

SAMPLE = ROOT / "docs" / "samples" / "generic"
WATCHED = ("clients", "holdings", "monthly_facts", "interactions", "users", "import_batches")


def run(*args: str) -> tuple[int, str]:
    with within(60):
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


def test_hostile_inputs_are_refused_with_exit_3_and_nothing_written(
    db_url: str, tmp_path: Path
) -> None:
    code, said = run("import", "generic", str(SAMPLE), "--db", db_url, "--quiet")
    assert code == EXIT_OK, said
    before = counts(db_url, *WATCHED)
    names = rows(db_url, "SELECT external_id, name FROM clients ORDER BY external_id")

    fifo = tmp_path / "bank-full.csv"
    os.mkfifo(fifo)
    piped = copy_folder(SAMPLE, tmp_path / "piped")
    (piped / "holdings.csv").unlink()
    os.mkfifo(piped / "holdings.csv")
    berka = tmp_path / "berka"
    berka.mkdir()
    for name in ("district", "client", "account"):
        (berka / f"{name}.asc").write_text("x\n")
    os.mkfifo(berka / "disp.asc")
    mixed = copy_folder(SAMPLE, tmp_path / "mixed")  # one renamed client, saved in GBK
    clients = (mixed / "clients.csv").read_bytes().decode("utf-8").split("\n")
    first = clients[1].split(",")
    clients[1] = ",".join([first[0], "新名字", *first[2:]])
    (mixed / "clients.csv").write_bytes(
        "\n".join(clients[:1]).encode()
        + b"\n"
        + clients[1].encode("gbk")
        + b"\n"
        + "\n".join(clients[2:]).encode()
    )
    nul = copy_folder(SAMPLE, tmp_path / "nul")
    (nul / "clients.csv").write_text(
        (nul / "clients.csv").read_text(encoding="utf-8").replace("陈思远", "陈\x00思远"),
        encoding="utf-8",
    )
    cases = [
        (["bank-marketing", str(fifo)], f"{fifo} is a named pipe (FIFO), not a regular file"),
        (["bank-marketing", "/dev/zero"], "/dev/zero is a character device, not a regular file"),
        (["generic", str(piped)], "holdings.csv: "),
        (["berka", str(berka)], "disp.asc: "),
        (
            ["generic", str(book(tmp_path / "x.xlsx", {"A1": "client_id", "XFD9": "b"}))],
            "x.xlsx[clients], row 9, column XFD: cell XFD9 is in column 16,384",
        ),
        (["generic", str(mixed)], "clients.csv, row 2: this line is not UTF-8"),
        (["generic", str(nul), "--check"], "clients.csv, row 2, column name: a NUL character"),
        (["generic", str(nul)], "clients.csv, row 2, column name: a NUL character"),
    ]
    for args, words in cases:
        code, said = run("import", *args, "--db", db_url, "--quiet", "--force")
        assert code == EXIT_REJECTED, (args, said)
        assert words in said, (args, said)
        assert "Traceback" not in said and "unexpected" not in said
    assert counts(db_url, *WATCHED) == before
    assert rows(db_url, "SELECT external_id, name FROM clients ORDER BY external_id") == names
