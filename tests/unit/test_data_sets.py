"""The public data sets are found under $RMDESK_DATA_DIR or ../shared/data beside the checkout;
missing, the tests that need them are skipped saying where they were looked for, or fail under
CI (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import conftest


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout in tmp_path/work/rmdesk, with nothing beside it yet."""
    root = tmp_path / "work" / "rmdesk"
    root.mkdir(parents=True)
    monkeypatch.setattr(conftest, "ROOT", root)
    monkeypatch.delenv("RMDESK_DATA_DIR", raising=False)
    return root


def _put(folder: Path, relative: str) -> Path:
    (folder / relative).parent.mkdir(parents=True, exist_ok=True)
    (folder / relative).write_text("x")
    return folder / relative


def test_found_beside_the_checkout_or_where_the_variable_says(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beside = _put(checkout.parent / "shared" / "data", "berka/trans.asc")
    assert conftest.data_set("berka/trans.asc") == beside
    given = _put(tmp_path / "elsewhere", "berka/trans.asc")
    monkeypatch.setenv("RMDESK_DATA_DIR", str(tmp_path / "elsewhere"))
    assert conftest.data_set("berka/trans.asc") == given


def test_missing_is_a_skip_naming_where_it_looked_and_a_failure_under_ci(
    checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception) as skipped:
        conftest.data_set("bank_marketing/bank-full.csv")
    where = checkout.parent / "shared" / "data"
    assert f"bank_marketing/bank-full.csv is not in {where}" in str(skipped.value)
    assert "set RMDESK_DATA_DIR" in str(skipped.value)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="is not in"):
        conftest.data_set("bank_marketing/bank-full.csv")
