"""rmdesk-cli end to end in-process: the commands, their output and their exit codes."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from rmdesk.cli import (
    EXIT_DATABASE,
    EXIT_NOT_ALLOWED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
    main,
)
from rmdesk.services.accounts.passwords import verify_password
from rmdesk.services.common.masking import mask_number
from tests.conftest import ROOT
from tests.helpers import counts, rows


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_init_migrates_and_makes_the_first_administrator(db_url: str) -> None:
    code, out, _ = run("init", "--db", db_url, "--admin-password", "correct-horse")
    assert code == EXIT_OK and "administrator 'admin' created" in out
    code, out, _ = run("init", "--db", db_url)
    assert code == EXIT_OK and "an administrator exists" in out


def test_init_without_a_password_in_a_script_is_a_usage_error(db_url: str) -> None:
    code, _, err = run("init", "--db", db_url)
    assert code == EXIT_USAGE and "--admin-password" in err


def test_demo_then_info_shows_the_counts(db_url: str) -> None:
    code, out, _ = run("demo", "--db", db_url, "--clients", "400", "--as-of", "2026-10-31")
    assert code == EXIT_OK and "400 clients" in out
    code, _, err = run("demo", "--db", db_url, "--clients", "50", "--as-of", "2026-10-31")
    assert code == EXIT_REJECTED and "already holds 36 users and 400 clients" in err
    code, out, _ = run("info", "--db", db_url, "--json")
    info = json.loads(out)
    assert info["counts"]["clients"] == 400 and info["schema_version"] == info["schema_head"]
    assert info["meta"]["as_of"] == "2026-10-31"


def test_import_berka_check_only_writes_nothing(db_url: str, berka_dir: Path) -> None:
    code, out, _ = run("import", "berka", str(berka_dir), "--db", db_url, "--check")
    assert code == EXIT_OK and "no problems found" in out and "5,369 clients" in out
    assert counts(db_url, "clients")["clients"] == 0


@pytest.mark.smoke
def test_import_and_reimport(db_url: str) -> None:
    code, out, _ = run("import", "generic", str(ROOT / "docs/samples/generic"), "--db", db_url)
    assert code == EXIT_OK and "6 clients" in out
    code, out, _ = run("import", "generic", str(ROOT / "docs/samples/generic"), "--db", db_url)
    assert code == EXIT_OK and "imported before" in out


def test_rejected_input_exits_3_and_lists_the_problems(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "clients.csv").write_text("client_id,name,birth_date\nA1,张三,someday\n")
    code, _, err = run("import", "generic", str(folder), "--db", db_url)
    assert code == EXIT_REJECTED
    assert "clients.csv, row 2, column birth_date: expected a date" in err
    assert "nothing was imported" in err and "Traceback" not in err


def test_an_unreachable_database_exits_4() -> None:
    code, _, err = run("info", "--db", "postgresql://nobody@127.0.0.1:1/x")
    assert code == EXIT_DATABASE and "Cannot open the database" in err


def test_export_writes_a_file_and_an_unknown_table_exits_5(db_url: str, tmp_path: Path) -> None:
    run("demo", "--db", db_url, "--clients", "50", "--as-of", "2026-10-31")
    target = tmp_path / "c.xlsx"
    code, out, _ = run("export", "clients", "--format", "xlsx", "-o", str(target), "--db", db_url)
    assert code == EXIT_OK and target.exists() and "50 rows" in out
    code, _, err = run("export", "nonsense", "--db", db_url)
    assert code == EXIT_NOT_FOUND and "no table 'nonsense'" in err
    # masked unless an administrator asks (the operator is one); an RM or a head is refused
    masked, full = tmp_path / "m.csv", tmp_path / "u.csv"
    run("export", "clients", "-o", str(masked), "--db", db_url)
    code, out, _ = run("export", "clients", "--unmasked", "-o", str(full), "--db", db_url)
    assert code == EXIT_OK and "unmasked" in out
    with masked.open(encoding="utf-8-sig") as m, full.open(encoding="utf-8-sig") as u:
        hidden, shown = next(csv.DictReader(m))["id_number"], next(csv.DictReader(u))["id_number"]
    assert hidden == mask_number(shown) and "*" not in shown
    for user, args in (("rm01", ["contribution", "--rm", "rm01"]), ("head1", ["clients"])):
        target = tmp_path / f"{user}.csv"
        code, _, err = run(
            "export", *args, "--unmasked", "--user", user, "-o", str(target), "--db", db_url
        )
        assert code == EXIT_NOT_ALLOWED and "only an administrator" in err and not target.exists()
    entries = rows(db_url, "SELECT actor, action, detail FROM audit_log ORDER BY id")
    assert [e[1] for e in entries if e[0] != "cli"] == ["access_denied", "access_denied"]
    unmasked = [e for e in entries if e[1] == "export" and "unmasked" in str(e[2])]
    assert len(unmasked) == 1


def test_passwd_sets_a_password_an_imported_rm_can_log_in_with(db_url: str) -> None:
    run("import", "generic", str(ROOT / "docs/samples/generic"), "--db", db_url)
    code, _, _ = run("passwd", "sh-rm01", "--password", "s3cret-pass", "--db", db_url)
    assert code == EXIT_OK
    from sqlalchemy import text

    from rmdesk.db import open_database

    db = open_database(db_url)
    with db.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT password_hash FROM users WHERE username = 'sh-rm01'")
        ).scalar()
    db.dispose()
    assert verify_password(stored, "s3cret-pass") and not verify_password(stored, "wrong")
    code, _, err = run("passwd", "ghost", "--password", "s3cret-pass", "--db", db_url)
    assert code == EXIT_NOT_FOUND and "no user 'ghost'" in err
    code, _, err = run("passwd", "sh-rm01", "--password", "short", "--db", db_url)
    assert code == EXIT_USAGE


def test_the_database_can_come_from_the_environment(db_url: str) -> None:
    code, out, _ = run("info", env={"RMDESK_DATABASE_URL": db_url})
    assert code == EXIT_OK and "schema version" in out


def test_a_malformed_url_exits_4_naming_where_it_came_from(tmp_path: Path) -> None:
    """--db, RMDESK_DATABASE_URL and the settings file: one message, the password hidden."""
    bad = "postgresql://a:s3cret@host:notaport/x"
    for args, env, where in [
        (["--db", bad], None, "given by --db"),
        (["--db", ""], None, "given by --db is empty"),
        ([], {"RMDESK_DATABASE_URL": "postgresql://[::1"}, "in RMDESK_DATABASE_URL"),
        (["--db", str(tmp_path)], None, "is a folder"),
        (["--db", "mysql://u:s3cret@h/db"], None, "names 'mysql'"),
    ]:
        code, _, err = run("info", *args, env=env)
        assert code == EXIT_DATABASE and where in err and "s3cret" not in err, err
        assert err.count("\n") == 1 and "Traceback" not in err
    settings = Path(os.environ["RMDESK_HOME"]) / "settings.toml"
    settings.write_text(f'schema_version = 2\ndatabase_url = "{bad}"\n')
    for command in (["info"], ["restore", str(tmp_path / "x.bak")]):
        code, _, err = run(*command)
        assert code == EXIT_DATABASE and f"in the settings file {settings} (" in err, err
        assert "notaport" in err and "s3cret" not in err


def test_demo_refuses_a_database_that_holds_anyone(db_url: str) -> None:
    """The demo users' password is published: they never join a database in use."""
    code, _, _ = run("init", "--db", db_url, "--admin-password", "correct-horse")
    assert code == EXIT_OK
    code, _, err = run("demo", "--db", db_url, "--clients", "50", "--quiet")
    assert code == EXIT_REJECTED and "already holds 1 user and 0 clients" in err
    assert "Nothing was written" in err and "'rmdesk'" in err
    assert counts(db_url, "users", "clients") == {"users": 1, "clients": 0}
