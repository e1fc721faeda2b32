"""Support: the log keeps no password and no client's words; the diagnostic text is complete."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from rmdesk import __version__, support


@pytest.mark.parametrize(
    ("line", "hidden"),
    [
        ("cannot open postgresql://rm01:Secr3t!@db.bank/rmdesk: refused", "Secr3t!"),
        ("postgresql+psycopg://u:p%40ss@h:5432/d", "p%40ss"),
        ("login failed: password=hunter2 user=rm01", "hunter2"),
        ("PASSWORD: topsecret", "topsecret"),
    ],
)
def test_scrub_blanks_every_password(line: str, hidden: str) -> None:
    scrubbed = support.scrub(line)
    assert hidden not in scrubbed and "***" in scrubbed


def test_scrub_leaves_an_address_without_a_password_alone() -> None:
    line = "database ready: postgresql://rm01@db.bank/rmdesk and sqlite:////tmp/a.sqlite3"
    assert support.scrub(line) == line


def test_where_says_where_a_failure_happened_but_not_what_it_said() -> None:
    def inner() -> None:
        raise ValueError("client 冯军航 has 1381234567")

    try:
        try:
            inner()
        except ValueError as exc:
            raise RuntimeError("import of 张三 failed") from exc
    except RuntimeError as exc:
        said = support.where(exc)
    assert "builtins.RuntimeError" in said and "builtins.ValueError" in said
    assert "in inner" in said and "caused by" in said
    assert "冯军航" not in said and "张三" not in said and "1381234567" not in said


def test_the_log_file_is_private_scrubbed_and_rotates(
    _isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(support, "MAX_BYTES", 2_000)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = support.start_logging("test-program", console_level=None)
        assert path == _isolated_home / "logs" / "test-program.log"
        log = logging.getLogger("rmdesk.test")
        log.warning("cannot open postgresql://rm01:Secr3t@db/rmdesk")
        for n in range(400):
            log.info("line %d of a long day", n)
        for handler in root.handlers:
            handler.flush()
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
    files = sorted(path.parent.glob("test-program.log*"))
    assert len(files) == 1 + support.BACKUPS  # rotated, the oldest dropped
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    assert (path.parent.stat().st_mode & 0o777) == 0o700
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    assert "Secr3t" not in text
    assert "line 399 of a long day" in path.read_text(encoding="utf-8")


def test_the_diagnostic_text_names_what_support_asks_for(tmp_path: Path) -> None:
    facts = support.facts(
        database_kind="PostgreSQL server",
        database_address="postgresql://rm01:pw@db.bank/rmdesk",
        schema="0010",
        schema_head="0010",
        settings_files=[("settings (IT)", tmp_path / "none.toml")],
        locked=["language", "database_url"],
        language="zh_CN",
        user="rm01",
    )
    text = support.diagnostics(facts)
    assert f"rmdesk: {__version__}" in text
    assert "schema: 0010\nschema of this version: 0010" in text
    assert "database address: postgresql://rm01:***@db.bank/rmdesk" in text
    assert f"settings (IT): {tmp_path / 'none.toml'} (none)" in text
    assert "locked by IT: database_url, language" in text
    assert f"log: {support.log_path()}" in text
    assert "pw@" not in text
