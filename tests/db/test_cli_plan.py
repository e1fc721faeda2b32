"""rmdesk-cli plan in-process on a tiny bank: what it prints, what it writes, its exit codes.

rm01 makes two visits a day and has four clients; rm02 has one. Nobody is scored, so every
client is tier D (a contact a year). From Monday 2026-11-02:
  T0001 张三 浦东, T0002 李四 浦东, T0003 赵六 徐汇   never contacted: due on the start
  T0004 孙七 浦东                                     contacted 2026-10-20: not due for a year
  T0005 王五 (rm02)                                   contacted 2025-10-01: 32 days overdue
so rm01's plan is 11-02 T0001 + T0002 (浦东), 11-03 T0003.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from sqlalchemy import Engine, select

from rmdesk.cli import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, main
from rmdesk.db import make_engine
from rmdesk.models import Client, Interaction, Visit
from rmdesk.services.visits.calendar import working_days
from tests.bank import TinyBank

START = "2026-11-02"  # an ordinary Monday
WEEK = ("--start", START, "--weeks", "1")


@dataclass
class Bank:
    url: str
    engine: Engine

    def run(self, *args: str) -> tuple[int, str, str]:
        """``rmdesk-cli plan ARGS --db URL``: exit code, stdout, stderr."""
        result = CliRunner().invoke(main, ["plan", *args, "--db", self.url], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    def visits(self) -> dict[str, Any]:
        """The latest visit of each client, by the client's external id."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(Client.external_id, Visit.__table__)
                .join(Client, Client.id == Visit.client_id)
                .order_by(Visit.id)
            ).all()
        return {r.external_id: r for r in rows}

    def status(self, visit_id: str) -> str:
        with self.engine.connect() as conn:
            return str(conn.execute(select(Visit.status).where(Visit.id == int(visit_id))).scalar())


@pytest.fixture
def bank(db_url: str) -> Iterator[Bank]:
    engine = make_engine(db_url)
    tiny = TinyBank(engine)
    branch = tiny.branch("B1")
    rm01 = tiny.user("rm01", branch, visits_per_day=2)
    rm02 = tiny.user("rm02", branch)
    tiny.user("head", branch, role="branch_head")
    for name, district in (("张三", "浦东"), ("李四", "浦东"), ("赵六", "徐汇"), ("孙七", "浦东")):
        tiny.client(rm01, branch, name=name, district=district)
    tiny.contact(4, dt.datetime(2026, 10, 20, 2, tzinfo=dt.UTC))
    tiny.client(rm02, branch, name="王五")
    tiny.contact(5, dt.datetime(2025, 10, 1, 2, tzinfo=dt.UTC))
    yield Bank(db_url, engine)
    engine.dispose()


def _rows(out: str) -> list[list[str]]:
    """The table printed before the summary line, as lists of cells (columns are padded)."""
    return [line.split() for line in out.splitlines()[:-1]]


def _last(out: str) -> str:
    return out.splitlines()[-1]


def test_propose_prints_the_plan_and_writes_it(bank: Bank) -> None:
    code, out, _ = bank.run("propose", "--rm", "rm01", *WEEK)
    assert code == EXIT_OK
    assert _rows(out) == [
        ["date", "slot", "district", "client", "name", "purpose"],
        ["2026-11-02", "1", "浦东", "T0001", "张三", "cadence"],
        ["2026-11-02", "2", "浦东", "T0002", "李四", "cadence"],
        ["2026-11-03", "1", "徐汇", "T0003", "赵六", "cadence"],
    ]
    assert _last(out) == (
        "3 visits proposed for rm01, 2026-11-02 to 2026-11-08; 0 clients due did not fit"
    )
    visits = bank.visits()
    assert sorted(visits) == ["T0001", "T0002", "T0003"]
    assert {v.status for v in visits.values()} == {"proposed"}

    code, out, _ = bank.run("show", "--rm", "rm01", "--from", START, "--to", "2026-11-08")
    assert code == EXIT_OK
    first = [str(visits["T0001"].id), START, "1", "proposed", "浦东", "T0001", "张三", "cadence"]
    assert _rows(out)[1] == first
    assert _last(out) == "3 visits for rm01, 2026-11-02 to 2026-11-08: 3 proposed"

    # every active RM, counts only; the branch head is not an RM
    code, out, _ = bank.run("propose", "--all", *WEEK)
    assert code == EXIT_OK
    assert out.splitlines() == [
        "rm01      3 visits proposed,     0 clients due did not fit",
        "rm02      1 visits proposed,     0 clients due did not fit",
        "2 RMs, 2026-11-02 to 2026-11-08: 4 visits proposed, 0 clients due did not fit",
    ]
    assert len(bank.visits()) == 4  # rm01's proposals were replaced, not doubled

    # without --start the plan begins on the next working day
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    first = working_days(tomorrow, tomorrow + dt.timedelta(days=31))[0]
    code, out, _ = bank.run("propose", "--rm", "rm02", "--weeks", "1")
    assert code == EXIT_OK and f"for rm02, {first} to " in out


def test_accept_complete_move_and_cancel(bank: Bank) -> None:
    assert bank.run("propose", "--rm", "rm01", *WEEK)[0] == EXIT_OK
    ids = {ext: str(v.id) for ext, v in bank.visits().items()}
    one, two, three = ids["T0001"], ids["T0002"], ids["T0003"]

    code, out, _ = bank.run("accept", one, "--user", "rm01")
    assert (code, out) == (EXIT_OK, f"visit {one}: planned (version 2)\n")
    assert bank.status(one) == "planned"

    follow_up = dt.date.today() + dt.timedelta(days=7)
    code, out, _ = bank.run(
        "complete",
        one,
        "--user",
        "rm01",
        "--outcome",
        "同意续存",
        "--notes",
        "关心利率",
        "--next-step",
        "送理财资料",
        "--follow-up",
        follow_up.isoformat(),
    )
    assert code == EXIT_OK and out.startswith(f"visit {one}: done (version 3), contact ")
    assert f"planned on {follow_up}" in out and bank.status(one) == "done"
    with bank.engine.connect() as conn:
        contact = conn.execute(
            select(Interaction.__table__).where(Interaction.visit_id == int(one))
        ).one()
    assert (contact.channel, contact.outcome, contact.notes, contact.next_step) == (
        "visit",
        "同意续存",
        "关心利率",
        "送理财资料",
    )
    follow = bank.visits()["T0001"]  # the follow-up is now the client's latest visit
    assert (follow.planned_on, follow.status, follow.purpose) == (follow_up, "planned", "follow_up")

    code, _, err = bank.run("accept", one, "--user", "rm01")
    assert code == EXIT_USAGE and "a done visit cannot be accepted" in err

    later = dt.date.today() + dt.timedelta(days=10)
    code, out, _ = bank.run("move", two, "--user", "rm01", "--to", later.isoformat())
    assert (code, out) == (EXIT_OK, f"visit {two}: planned on {later} (version 2)\n")
    assert (bank.visits()["T0002"].planned_on, bank.visits()["T0002"].status) == (later, "planned")

    code, _, err = bank.run("cancel", three, "--user", "rm01")
    assert code == EXIT_USAGE and "--reason" in err
    code, _, err = bank.run("cancel", three, "--user", "rm01", "--reason", " ")
    assert code == EXIT_USAGE and "Say why" in err
    assert bank.run("cancel", three, "--user", "rm01", "--reason", "客户出差")[0] == EXIT_OK
    assert (bank.visits()["T0003"].status, bank.visits()["T0003"].notes) == (
        "cancelled",
        "客户出差",
    )


def test_unknown_names_exit_5_and_bad_usage_exits_2(bank: Bank) -> None:
    for args in (
        ("propose", "--rm", "nobody", *WEEK),
        ("show", "--rm", "nobody"),
        ("accept", "1", "--user", "nobody"),
        ("overdue", "--branch", "NOPE"),
    ):
        code, out, err = bank.run(*args)
        assert code == EXIT_NOT_FOUND and err.startswith("rmdesk-cli: no ") and not out, args
    code, _, err = bank.run("accept", "999999", "--user", "rm01")
    assert (code, err) == (EXIT_NOT_FOUND, "rmdesk-cli: no visit 999999\n")
    for args, message in (
        (("propose", *WEEK), "give either --rm USER or --all"),
        (("propose", "--rm", "rm01", "--all"), "give either --rm USER or --all"),
        (("overdue",), "give either --rm USER or --branch CODE"),
        (("show", "--rm", "rm01", "--from", START, "--to", "2026-11-01"), "is before --from"),
    ):
        code, _, err = bank.run(*args)
        assert code == EXIT_USAGE and message in err, args
    assert "Traceback" not in err


def test_ics_writes_a_file_a_calendar_reads(bank: Bank, tmp_path: Path) -> None:
    assert bank.run("propose", "--rm", "rm01", *WEEK)[0] == EXIT_OK
    ids = {ext: str(v.id) for ext, v in bank.visits().items()}
    assert bank.run("accept", ids["T0003"], "--user", "rm01")[0] == EXIT_OK
    path = tmp_path / "plan.ics"
    span = ("--from", START, "--to", "2026-11-08")
    code, out, _ = bank.run("ics", "--rm", "rm01", "-o", str(path), *span)
    assert (code, out) == (EXIT_OK, f"1 visit of rm01, {START} to 2026-11-08, written to {path}\n")
    (event,) = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert str(event["UID"]) == f"visit-{ids['T0003']}@rmdesk"
    assert str(event["SUMMARY"]) == "走访 赵六：定期联系"
    begin = event.decoded("DTSTART")  # the day's first visit, at 09:00 local time
    assert (begin.date(), begin.time()) == (dt.date(2026, 11, 3), dt.time(9, 0))

    code, _, _ = bank.run(
        "ics", "--rm", "rm01", "-o", str(path), *span, "--language", "en", "--include-proposed"
    )
    events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert code == EXIT_OK and len(events) == 3
    assert {str(e["SUMMARY"]) for e in events} == {
        f"Visit {name}: Regular contact" for name in ("张三", "李四", "赵六")
    }


def test_overdue_lists_the_clients_due_for_contact(bank: Bank) -> None:
    code, out, _ = bank.run("overdue", "--rm", "rm01", "--today", START)
    assert code == EXIT_OK
    assert _rows(out) == [
        ["client", "name", "tier", "last", "contact", "due", "days", "overdue", "next", "visit"],
        ["T0001", "张三", "D", "-", "-", "-", "-"],
        ["T0002", "李四", "D", "-", "-", "-", "-"],
        ["T0003", "赵六", "D", "-", "-", "-", "-"],
    ]
    assert _last(out) == "3 clients of rm01 overdue for contact on 2026-11-02 (3 never contacted)"
    code, out, _ = bank.run("overdue", "--branch", "B1", "--today", START)
    assert code == EXIT_OK
    assert _rows(out)[4] == ["T0005", "王五", "rm02", "D", "2025-10-01", "2026-10-01", "32", "-"]
    assert _last(out).startswith("4 clients of branch B1 overdue")
