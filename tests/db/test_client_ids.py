"""A client id in two sources is refused as ambiguous, naming both; SOURCE:ID names one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rmdesk.cli import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, main
from rmdesk.db import open_database
from rmdesk.services.clients.ids import ClientIdError, find_clients
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.importing import run_import
from tests.conftest import ROOT

SAMPLE = ROOT / "docs/samples/generic"


def test_an_id_in_two_sources_is_ambiguous_and_source_id_resolves_it(
    db_url: str, tmp_path: Path
) -> None:
    db = open_database(db_url)
    run_import(db.engine, "generic", SAMPLE, who=OPERATOR)
    run_import(db.engine, "generic", SAMPLE, source="branchsys", who=OPERATOR)
    with pytest.raises(ClientIdError) as caught:
        find_clients(db.engine, ["SH0001"], who=OPERATOR)
    assert str(caught.value) == (
        "client SH0001 is in two sources: branchsys and generic; "
        "write branchsys:SH0001 or generic:SH0001"
    )
    found = find_clients(db.engine, ["generic:SH0001", "branchsys:SH0001"], who=OPERATOR)
    assert [r.qualified for r in found.values()] == ["generic:SH0001", "branchsys:SH0001"]
    assert found["generic:SH0001"].id != found["branchsys:SH0001"].id
    with pytest.raises(ClientIdError, match="no client 'nope:SH0001', 'XX'") as caught:
        find_clients(db.engine, ["nope:SH0001", "XX"], who=OPERATOR)
    assert caught.value.missing == ["nope:SH0001", "XX"] and not caught.value.ambiguous
    db.dispose()

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, [*args, "--db", db_url], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    for command in (["explain", "SH0001"], ["brief", "SH0001", "-o", str(tmp_path / "a.pdf")]):
        code, _, err = run(*command)
        assert code == EXIT_USAGE and "write branchsys:SH0001 or generic:SH0001" in err
    code, out, _ = run("explain", "branchsys:SH0001", "--language", "en")
    assert code == EXIT_OK and out.startswith("陈思远 (branchsys:SH0001)")
    code, _, err = run("explain", "XX")
    assert code == EXIT_NOT_FOUND and "no client 'XX'" in err
    target = tmp_path / "b.pdf"
    code, out, _ = run("brief", "generic:SH0001", "-o", str(target), "--language", "en")
    assert code == EXIT_OK and target.exists()
