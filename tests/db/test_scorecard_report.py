"""Scorecard reports: the branch's ranking and every RM's page with the scorecard's own figures,
a bookmark per RM, both languages, one RM's page alone, audit, and the command line."""

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
from rmdesk.models import AuditEntry, Branch, User
from rmdesk.services.branch import scorecard
from rmdesk.services.branch.scorecard_kpis import Period
from rmdesk.services.common.access import OPERATOR, system
from rmdesk.services.printing.scorecard_report import ReportError, write_report
from tests.demo_banks import DemoBank

AS_OF, TODAY = dt.date(2026, 10, 31), dt.date(2026, 11, 2)
PERIOD = Period.parse("2026-10")


@pytest.fixture
def bank(demo_bank: DemoBank) -> Iterator[tuple[Database, int, str]]:
    db = open_database(demo_bank(300, as_of=AS_OF, scored_on=TODAY))
    with db.engine.connect() as conn:
        branch = conn.execute(select(Branch.id, Branch.code).order_by(Branch.id)).first()
    assert branch is not None
    yield db, int(branch.id), str(branch.code)
    db.dispose()


def test_the_branch_report(bank: tuple[Database, int, str], tmp_path: Path) -> None:
    db, branch, _ = bank
    cards = scorecard.scorecards(db.engine, PERIOD, branch_id=branch, today=TODAY, who=OPERATOR)
    assert len(cards) >= 2
    path = tmp_path / "branch.pdf"
    pages = write_report(db.engine, branch, PERIOD, path, today=TODAY, who=system("head1"))
    reader = PdfReader(path)
    assert pages == len(reader.pages) == 1 + len(cards)  # the overview, then a page per RM
    first = reader.pages[0].extract_text() or ""
    assert "支行客户经理考核报告" in first and "2026-10" in first and "排名" in first
    # the ranking in rank order, with each RM's score as the scorecard computed it
    names = cards["display_name"].tolist()
    positions = [first.index(n) for n in names]
    assert positions == sorted(positions)
    for s in cards["score"].dropna():
        assert f"{s:.1f}" in first
    # a KPI's column is its attainment, and its head says so (不良率 120% read as a rate)
    flat = first.replace("\n", "")
    assert "不良率(达成率)" in flat and "流失客户(达成率)" in flat
    # one bookmark per RM, on that RM's page, under the branch's
    outline = reader.outline
    top = outline[0]
    children = outline[1]
    assert reader.get_destination_page_number(top) == 0
    assert [m.title for m in children] == [
        f"{r}. {n}" for r, n in zip(cards["rank"], names, strict=True)
    ]
    for m, name in zip(children, names, strict=True):
        page = reader.pages[reader.get_destination_page_number(m)].extract_text() or ""
        assert name in page and "指标明细" in page and "达成率" in page
    fonts = {
        str(f.get_object()["/BaseFont"]).split("+")[-1]
        for p in reader.pages
        for f in (p["/Resources"].get("/Font") or {}).values()
    }
    assert fonts == {"WenQuanYiMicroHei-0"}
    with db.engine.connect() as conn:
        entry = conn.execute(
            select(AuditEntry.actor, AuditEntry.entity, AuditEntry.entity_id).where(
                AuditEntry.action == "print"
            )
        ).one()
    assert tuple(entry) == ("head1", "branch", str(branch))


def test_one_rms_page_in_english(bank: tuple[Database, int, str], tmp_path: Path) -> None:
    db, branch, _ = bank
    cards = scorecard.scorecards(db.engine, PERIOD, branch_id=branch, today=TODAY, who=OPERATOR)
    card = cards.iloc[-1]
    path = tmp_path / "rm.pdf"
    pages = write_report(
        db.engine, branch, PERIOD, path, language="en",
        rm_id=int(card["rm_id"]), today=TODAY, who=system("head1"),
    )  # fmt: skip
    text = "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)
    assert pages == 1 and "RM scorecard report" in text and str(card["display_name"]) in text
    assert f"Rank {int(card['rank'])}/{len(cards)}" in text and "Attainment" in text
    others = [n for n in cards["display_name"] if n != card["display_name"]]
    assert not [n for n in others if n in text]  # no other RM's name on the page
    with db.engine.connect() as conn:
        outside = conn.execute(
            select(User.id).where(User.branch_id != branch, User.username.like("rm%")).limit(1)
        ).scalar_one()
    with pytest.raises(ReportError, match="not an RM with a scorecard"):
        write_report(
            db.engine, branch, PERIOD, tmp_path / "x.pdf", language="en",
            rm_id=int(outside), today=TODAY, who=system("t"),
        )  # fmt: skip
    assert not list(tmp_path.glob("x.pdf*"))


def test_rmdesk_cli_scorecard_report(bank: tuple[Database, int, str], tmp_path: Path) -> None:
    db, _, code = bank
    runner = CliRunner()
    out = tmp_path / "r.pdf"
    base = ["scorecard-report", "--db", db.url, "--branch", code]
    ok = runner.invoke(main, [*base, "--period", "2026-10", "-o", str(out), "--language", "en"])
    assert ok.exit_code == 0, ok.output
    assert "pages" in ok.stdout and "Branch scorecard report" in (
        PdfReader(out).pages[0].extract_text() or ""
    )
    quarter = runner.invoke(main, [*base, "--period", "2026Q3", "-o", str(out)])
    assert quarter.exit_code == 0 and "2026Q3" in (PdfReader(out).pages[0].extract_text() or "")
    assert runner.invoke(main, [*base, "--period", "2026-13"]).exit_code == 2
    nowhere = runner.invoke(main, ["scorecard-report", "--db", db.url, "--branch", "NOPE"])
    assert nowhere.exit_code == 5
