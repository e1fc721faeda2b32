"""Every person rmdesk-cli is given by name (``--user``, ``--rm``, ``unlock USER``) must exist and
be active, and an RM named with ``--rm`` must be an RM: otherwise exit 5, naming them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from rmdesk.cli import main
from rmdesk.db import open_database
from rmdesk.models import User
from tests.bank import TinyBank


@pytest.fixture(scope="module")
def people(module_databases, request: pytest.FixtureRequest) -> Iterator[str]:
    """rm01 (an RM), rm02 (an RM whose account is closed), head1 (a branch head)."""
    url = module_databases.new(request.param)
    db = open_database(url)
    bank = TinyBank(db.engine)
    branch = bank.branch("B1")
    bank.user("rm01", branch)
    bank.user("rm02", branch)
    bank.user("head1", branch, role="branch_head")
    with db.engine.begin() as conn:
        conn.execute(update(User).where(User.username == "rm02").values(active=False))
    db.dispose()
    yield url


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "people" in metafunc.fixturenames:
        metafunc.parametrize("people", ["sqlite", "postgresql"], indirect=True, scope="module")


NO_SUCH = "rmdesk-cli: no user 'ghost' ({})"
CLOSED = "rmdesk-cli: the account 'rm02' is closed ({})"
NOT_RM = "rmdesk-cli: 'head1' is not a relationship manager ({}; role branch_head)"
DAY = "2026-11-02"

REFUSED = [
    (["flag", "acknowledge", "1", "--user", "ghost"], NO_SUCH.format("--user")),
    (["flag", "acknowledge", "1", "--user", "rm02"], CLOSED.format("--user")),
    (["outcome", "1", "pitched", "--user", "ghost"], NO_SUCH.format("--user")),
    (["plan", "accept", "1", "--user", "rm02"], CLOSED.format("--user")),
    (["plan", "move", "1", "--user", "ghost", "--to", DAY], NO_SUCH.format("--user")),
    (["plan", "cancel", "1", "--user", "ghost", "--reason", "r"], NO_SUCH.format("--user")),
    (["plan", "complete", "1", "--user", "rm02", "--outcome", "o"], CLOSED.format("--user")),
    (["unlock", "ghost"], NO_SUCH.format("unlock")),
    (["unlock", "rm02"], CLOSED.format("unlock")),
    (["unlock", "rm01", "--user", "ghost"], NO_SUCH.format("--user")),
    (["briefs", "--rm", "rm01", "--date", DAY, "--user", "ghost"], NO_SUCH.format("--user")),
    (["plan", "show", "--rm", "head1"], NOT_RM.format("--rm")),
    (["plan", "show", "--rm", "rm02"], CLOSED.format("--rm")),
    (["plan", "propose", "--rm", "ghost"], NO_SUCH.format("--rm")),
    (["plan", "overdue", "--rm", "head1"], NOT_RM.format("--rm")),
    (["plan", "ics", "--rm", "ghost", "-o", "x.ics"], NO_SUCH.format("--rm")),
    (["score", "--rm", "head1"], NOT_RM.format("--rm")),
    (["export", "suggestions", "--rm", "ghost"], NO_SUCH.format("--rm")),
    (["export", "clients", "--user", "rm02"], CLOSED.format("--user")),
    (["scorecard", "show", "--rm", "rm02"], CLOSED.format("--rm")),
    (["scorecard", "clients", "--rm", "head1", "--kpi", "contribution"], NOT_RM.format("--rm")),
    (["briefs", "--rm", "ghost", "--date", DAY], NO_SUCH.format("--rm")),
    (["scorecard-report", "--branch", "B1", "--rm", "head1"], NOT_RM.format("--rm")),
]


@pytest.mark.parametrize(("args", "message"), REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_a_person_who_does_not_exist_or_cannot_act_is_refused_by_name(
    people: str, args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # nothing is written, but if it were, it would be here
    result = CliRunner().invoke(main, [*args, "--db", people])
    assert result.exit_code == 5, result.output
    assert message in result.stderr


def test_an_active_person_passes(people: str) -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["plan", "show", "--rm", "rm01", "--db", people])
    assert shown.exit_code == 0 and "no visits for rm01" in shown.stdout
    unlocked = runner.invoke(main, ["unlock", "rm01", "--db", people])
    assert unlocked.exit_code == 0 and "rm01: unlocked" in unlocked.stdout
    not_allowed = runner.invoke(main, ["unlock", "rm01", "--user", "rm01", "--db", people])
    assert not_allowed.exit_code == 6  # an RM exists and is active, but may not unlock
