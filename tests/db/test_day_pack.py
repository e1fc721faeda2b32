"""The visit-day pack: a cover in route order, one brief per visit, a bookmark per client, the
RM's other days and other RMs' clients left out, every client audited, nothing half-written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import select

from rmdesk.cli import main
from rmdesk.db import Database, open_database
from rmdesk.models import AuditEntry, Client, User
from rmdesk.services.common.access import OPERATOR, system
from rmdesk.services.printing.day_pack import DayPackError, write_day_pack
from rmdesk.services.visits.screen import rm_visits
from tests.demo_banks import DemoBank

AS_OF, TODAY = dt.date(2026, 10, 31), dt.date(2026, 11, 2)
DAY = dt.date(2026, 11, 3)  # the first working day of the plan


@pytest.fixture
def planned(demo_bank: DemoBank) -> Iterator[tuple[Database, int]]:
    db = open_database(demo_bank(300, as_of=AS_OF, scored_on=TODAY, plan=("rm01", DAY, 1)))
    with db.engine.connect() as conn:
        rm = conn.execute(select(User.id).where(User.username == "rm01")).scalar_one()
    yield db, int(rm)
    db.dispose()


def test_the_pack_is_the_days_visits_in_route_order(
    planned: tuple[Database, int], tmp_path: Path
) -> None:
    db, rm = planned
    day = rm_visits(db.engine, rm, start=DAY, end=DAY, who=OPERATOR)
    assert len(day) >= 2  # the plan gives the day several visits
    path = tmp_path / "pack.pdf"
    pack = write_day_pack(db.engine, rm, DAY, path, today=TODAY, who=system("rm01"))
    reader = PdfReader(path)
    assert pack.pages == len(reader.pages) and len(day) + 1 <= pack.pages <= 3 * len(day) + 1
    # bookmarks: the cover, then one per client in route order, each on its brief's first page
    marks = [(m.title, reader.get_destination_page_number(m)) for m in reader.outline]
    names = day["name"].tolist()
    assert marks[0][1] == 0 and [t for t, _ in marks[1:]] == [
        f"{i}. {n}" for i, n in enumerate(names, 1)
    ]
    pages = [p for _, p in marks]
    assert pages == sorted(pages) and len(set(pages)) == len(pages)
    for (_, page), name in zip(marks[1:], names, strict=True):
        assert name in (reader.pages[page].extract_text() or "")
    cover = reader.pages[0].extract_text() or ""
    assert "拜访日程" in cover and "09:00" in cover
    positions = [cover.index(n) for n in names]
    assert positions == sorted(positions)  # the route order
    # each client with how to reach them, the numbers masked as the briefs print them
    with db.engine.connect() as conn:
        reach = conn.execute(
            select(Client.mobile, Client.address).where(Client.id.in_(day["client_id"].tolist()))
        ).all()
    flat = cover.replace("\n", "")
    for mobile, _ in reach:
        if mobile:
            digits = "".join(ch for ch in mobile if ch.isdigit())
            assert f"{digits[:4]}***{digits[-4:]}" in flat and digits not in flat
    assert any(address and address[:6] in flat for _, address in reach)
    # no client of another day or another RM
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    with db.engine.connect() as conn:
        others = (
            conn.execute(select(Client.name).where(Client.id.not_in(day["client_id"].tolist())))
            .scalars()
            .all()
        )
        audited = (
            conn.execute(select(AuditEntry.entity_id).where(AuditEntry.action == "print"))
            .scalars()
            .all()
        )
    assert not [o for o in others if len(o) >= 3 and o in text]
    assert sorted(audited) == sorted(str(c) for c in day["client_id"])


def test_an_empty_day_writes_nothing(planned: tuple[Database, int], tmp_path: Path) -> None:
    db, rm = planned
    sunday = dt.date(2026, 11, 8)
    with pytest.raises(DayPackError, match="没有拜访安排"):
        write_day_pack(db.engine, rm, sunday, tmp_path / "x.pdf", today=TODAY, who=system("rm01"))
    assert not list(tmp_path.glob("x.pdf*"))


def test_rmdesk_cli_briefs(planned: tuple[Database, int], tmp_path: Path) -> None:
    db, _ = planned
    out = tmp_path / "day.pdf"
    runner = CliRunner()
    args = ["briefs", "--rm", "rm01", "--date", DAY.isoformat(), "--db", db.url]
    result = runner.invoke(main, [*args, "-o", str(out), "--language", "en"])
    assert result.exit_code == 0, result.output
    assert out.exists() and "visits" in result.stdout and "1. 09:00" in result.stdout
    assert "Visit day" in (PdfReader(out).pages[0].extract_text() or "")
    nobody = runner.invoke(
        main, ["briefs", "--rm", "nobody", "--date", "2026-11-03", "--db", db.url]
    )
    assert nobody.exit_code == 5
    empty = runner.invoke(
        main, ["briefs", "--rm", "rm01", "--date", "2026-11-08", "--db", db.url, "-o", str(out)]
    )
    assert empty.exit_code == 5 and "没有拜访安排" in empty.stderr


def test_the_days_tasks_are_on_the_cover_and_in_the_brief(
    planned: tuple[Database, int], tmp_path: Path
) -> None:
    """A visited client's open task due by the day is listed under the route and is an item of
    its brief's agenda; a task due later is not on the cover."""
    from rmdesk.services.accounts.users import account
    from rmdesk.services.visits import tasks

    db, rm = planned
    day = rm_visits(db.engine, rm, start=DAY, end=DAY, who=OPERATOR)
    first = int(day["client_id"].iloc[0])
    me = account(db.engine, rm)
    tasks.add(db.engine, first, "带上续存利率表", DAY, who=me, today=TODAY)
    later = DAY + dt.timedelta(days=30)
    tasks.add(db.engine, first, "下月回访理财到期", later, who=me, today=TODAY)
    path = tmp_path / "pack.pdf"
    write_day_pack(db.engine, rm, DAY, path, today=TODAY, who=system("rm01"))
    reader = PdfReader(path)
    cover = (reader.pages[0].extract_text() or "").replace("\n", "")
    assert "待办（当日拜访的客户）" in cover and "带上续存利率表" in cover
    assert "下月回访理财到期" not in cover
    brief = "".join((p.extract_text() or "") for p in reader.pages[1:]).replace("\n", "")
    assert "跟进待办：带上续存利率表" in brief
