"""A person's own login with a password PostgreSQL checks (scram-sha-256 in pg_hba.conf), as a
bank sets it up: a private PostgreSQL cluster made for this test, since the shared test
server trusts every local connection (docs/security.md, "The app and the command line on
one's own login")."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from rmdesk.cli import main
from rmdesk.db import open_database
from rmdesk.services.accounts.users import session_account


def _bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        path = Path(out.stdout.strip())
        if (path / "initdb").exists():
            return path
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A new cluster on a free port: the superuser ``postgres`` is trusted, everyone else
    gives a password. Yields its address without a user."""
    bindir = _bindir()
    if bindir is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI needs PostgreSQL's initdb (the postgresql package)", pytrace=False)
        pytest.skip("no initdb here")
    as_root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="rmdesk-pg-"))
    run = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    subprocess.run(
        [*run, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
         "-E", "UTF8", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    (data / "pg_hba.conf").write_text(
        "local all postgres trust\n"
        "host all postgres 127.0.0.1/32 trust\n"
        "host all all 127.0.0.1/32 scram-sha-256\n"
    )
    subprocess.run(
        [*run, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"),
         "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*run, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_an_rms_own_password_opens_the_app_and_the_command_line(cluster: str) -> None:
    with psycopg.connect(f"postgresql://postgres@{cluster}/postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE bank")
    owner = f"postgresql://postgres@{cluster}/bank"
    runner = CliRunner()
    made = runner.invoke(main, ["demo", "--clients", "60", "--db", owner])
    assert made.exit_code == 0, made.output
    assert runner.invoke(main, ["pg-security", "apply", "--db", owner]).exit_code == 0
    login = runner.invoke(
        main,
        ["pg-security", "login", "rm01", "--password", "--db", owner],
        input="a-long-secret\na-long-secret\n",
    )
    assert login.exit_code == 0, login.output
    for wrong in ("", ":not-it"):  # PostgreSQL itself refuses the login without its password
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(f"postgresql://rm01{wrong}@{cluster}/bank")
    person = f"postgresql://rm01:a-long-secret@{cluster}/bank"
    db = open_database(person)
    try:
        me = session_account(db.engine)  # who the server authenticated, no rmdesk password
        assert me is not None and me.username == "rm01"
    finally:
        db.dispose()
    info = runner.invoke(main, ["info", "--db", person])
    assert info.exit_code == 0, info.output
    refused = runner.invoke(main, ["info", "--db", f"postgresql://rm01:not-it@{cluster}/bank"])
    assert refused.exit_code == 4 and "password" in refused.stderr
