"""The audit trail read as sentences: who did what to which client, in both languages; an
action without words is written as stored."""

from __future__ import annotations

from rmdesk.services.common.audit_words import ACTIONS, parsed, sentence

CLIENTS = {7: ("C0000007", "王伟")}


def test_an_entry_about_a_client_names_the_client() -> None:
    assert (
        sentence("rm01", "view", "client", "7", {}, CLIENTS, "zh")
        == "rm01 查看了客户 C0000007 王伟"
    )
    assert sentence("rm01", "task.done", "tasks", "3", {"client_id": 7}, CLIENTS, "en") == (
        "rm01 closed a task of client C0000007 王伟 as done"
    )
    assert sentence("head1", "client.handover", "clients", "7", {}, CLIENTS, "zh") == (
        "head1 移交了客户 C0000007 王伟"
    )


def test_other_entries_and_unknown_actions_still_read() -> None:
    assert (
        sentence("admin", "create_user", "users", "rm31", {}, {}, "zh") == "admin 新建了用户 rm31"
    )
    assert sentence("admin", "unlock", "users", "rm02", {}, {}, "en") == "admin unlocked user rm02"
    assert sentence("cli", "score", "scoring_run", "5", {}, {}, "en") == "cli ran the scoring"
    assert sentence("x", "something.new", "things", "1", {}, {}, "en") == "x something.new things 1"
    assert parsed('{"client_id": 7}') == {"client_id": 7} and parsed("not json") == {}
    assert all("{x}" in en or "{x}" not in zh for zh, en in ACTIONS.values())


def test_an_entry_without_an_id_reads_without_nan() -> None:
    assert sentence("cli", "visit.propose", "visits", float("nan"), {}, {}, "zh") == (
        "cli 生成了走访建议"
    )
