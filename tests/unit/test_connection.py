"""Database URLs as people write them, and the environment variable that overrides the setting."""

from __future__ import annotations

import pytest

from rmdesk.services.admin import connection
from rmdesk.services.admin.connection import UrlError, check_connection, parse_url, safe_display


def test_urls_people_write() -> None:
    assert parse_url("postgres://a@h/db") == "postgresql+psycopg://a@h/db"
    assert parse_url("  postgresql://a@h:5433/db ") == "postgresql+psycopg://a@h:5433/db"
    assert parse_url("bank.sqlite3").startswith("sqlite:///") and parse_url(
        "bank.sqlite3"
    ).endswith("/bank.sqlite3")
    for bad, code in [
        ("", connection.BAD_URL),
        ("   ", connection.BAD_URL),
        ("mysql://u:pw@h/d", connection.UNSUPPORTED),
        ("postgresql://u:pw@h:port/d", connection.BAD_URL),
    ]:
        with pytest.raises(UrlError) as caught:
            parse_url(bad)
        assert caught.value.code == code
        report = check_connection(bad)
        assert not report.ok and report.problem == code and "pw" not in report.url
    assert safe_display("postgresql://u:pw@h/d") == "postgresql+psycopg://u:***@h/d"
    assert safe_display("postgresql://u:pw@h:port/d") == "postgresql://u:***@h:port/d"


def test_the_environment_overrides_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RMDESK_DATABASE_URL", raising=False)
    assert connection.overridden_by_environment() is None
    monkeypatch.setenv("RMDESK_DATABASE_URL", "postgresql://u:pw@h/bank")
    assert connection.overridden_by_environment() == "postgresql+psycopg://u:***@h/bank"
