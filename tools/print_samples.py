"""Sample pages of the printed documents, for docs/: a client brief in both languages, a
visit-day pack's cover, a branch scorecard report and an RM's page.

Built on a scored demo bank with a fixed date, then rendered with pdftoppm (poppler-utils):
    .venv/bin/python tools/print_samples.py
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from rmdesk.db import open_database
from rmdesk.models import Branch, Client, ClientScore, Suggestion, User
from rmdesk.services.accounts.users import account
from rmdesk.services.branch.scorecard_kpis import Period
from rmdesk.services.common.access import OPERATOR, system
from rmdesk.services.data.demo_bank import DemoSpec, build
from rmdesk.services.engine.scoring import score
from rmdesk.services.printing.brief import write_brief
from rmdesk.services.printing.day_pack import write_day_pack
from rmdesk.services.printing.scorecard_report import write_report
from rmdesk.services.visits import tasks
from rmdesk.services.visits.planner import propose_plan
from rmdesk.services.visits.screen import rm_visits

DOCS = Path(__file__).resolve().parent.parent / "docs"
AS_OF, TODAY, DAY = dt.date(2026, 10, 31), dt.date(2026, 11, 2), dt.date(2026, 11, 3)


def png(pdf: Path, name: str, pages: tuple[int, int] = (1, 1), dpi: int = 80) -> None:
    """Pages of ``pdf`` as docs/NAME-N.png (or docs/NAME.png for one page)."""
    out = Path(tempfile.mkdtemp())
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(pages[0]), "-l", str(pages[1]), pdf,
         out / "p"],
        check=True,
    )  # fmt: skip
    made = sorted(out.glob("p-*.png"))
    for i, page in enumerate(made, 1):
        target = DOCS / (f"{name}.png" if len(made) == 1 else f"{name}-{i}.png")
        shutil.copy(page, target)
        print(target)


def main() -> None:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: apt-get install poppler-utils")
    folder = Path(tempfile.mkdtemp())
    db = open_database(str(folder / "demo.sqlite3"))
    build(db.engine, DemoSpec(clients=1_500, as_of=AS_OF), who=OPERATOR)
    score(db.engine, as_of=AS_OF, today=TODAY, who=OPERATOR)
    with db.engine.connect() as conn:
        rm = conn.execute(select(User.id).where(User.username == "rm01")).scalar_one()
        branch = conn.execute(select(Branch.id).order_by(Branch.id)).scalars().first()
        # the RM's best-ranked client with at least two suggestions: the brief shows its
        # talking points
        offers = (
            select(Suggestion.client_id)
            .group_by(Suggestion.client_id)
            .having(func.count() >= 2)
            .scalar_subquery()
        )
        client = conn.execute(
            select(Client.id)
            .join(ClientScore, ClientScore.client_id == Client.id)
            .where(Client.rm_id == rm, Client.id.in_(offers))
            .order_by(ClientScore.rank_book)
            .limit(1)
        ).scalar_one()
    propose_plan(db.engine, rm, start=DAY, who=OPERATOR)
    # a task of the day's first client, due that day: the cover lists it, the brief follows it up
    first = rm_visits(db.engine, rm, start=DAY, end=DAY, who=OPERATOR)["client_id"].iloc[0]
    tasks.add(db.engine, int(first), "带上续存利率表", DAY, who=account(db.engine, rm), today=TODAY)
    assert branch is not None
    for language in ("zh_CN", "en"):
        pdf = folder / f"brief-{language}.pdf"
        write_brief(
            db.engine, client, pdf, language=language, today=TODAY,
            visit_on=DAY, purpose="季度回访" if language == "zh_CN" else "Quarterly review",
            who=system("samples"),
        )  # fmt: skip
        png(pdf, f"brief-sample-{language}", (1, 2))
        pack = folder / f"pack-{language}.pdf"
        write_day_pack(
            db.engine, rm, DAY, pack, language=language, today=TODAY, who=system("samples")
        )
        png(pack, f"day-pack-cover-{language}")
        report = folder / f"scorecard-{language}.pdf"
        write_report(
            db.engine, branch, Period.parse("2026-10"), report, language=language, today=TODAY,
            who=system("samples"),
        )  # fmt: skip
        png(report, f"scorecard-report-{language}", (1, 2))
    db.dispose()


if __name__ == "__main__":
    main()
