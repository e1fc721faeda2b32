"""Benchmark: printed briefs per second in a batch of 500, and a visit-day pack of 8, beside a
bare reportlab page made in the same run.

Baseline: a one-page reportlab document with a title and one line of text in the same embedded
CJK font (what any PDF costs here: the document, a page, a font subset, compression).
rmdesk's figures:
- batch: ``brief.brief_data`` for 500 clients (the batched reads) and ``brief.render`` of each
  to memory, in one process; and ``brief_batch.write_briefs``, what ``rmdesk-cli brief`` runs
  for several clients: the same reads, a pool of ``--workers`` processes laying the pages out,
  every file written and audited;
- day pack: ``day_pack.write_day_pack`` for an RM's day of 8 visits, to a file, audit included.
Targets (issue 5): at least 30 briefs/s; a day pack of 8 in at most 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate
from sqlalchemy import select, update

from bench.common import OUT, median_of, save
from rmdesk.db import open_database
from rmdesk.models import Client, User, Visit
from rmdesk.services.common.access import OPERATOR, system
from rmdesk.services.data.demo_bank import DemoSpec, build
from rmdesk.services.engine.scoring import score
from rmdesk.services.printing import brief, brief_batch, day_pack
from rmdesk.services.printing import paper as printing
from rmdesk.services.visits.planner import propose_plan

AS_OF, TODAY = dt.date(2026, 10, 31), dt.date(2026, 11, 2)
GENERATED = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)


def bare_page() -> None:
    styles = printing.styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, initialFontName=printing.FONT)
    doc.build(
        [
            Paragraph("客户拜访简报 Client brief", styles["title"]),
            Paragraph("一行文字", styles["base"]),
        ]
    )


def _render(data: brief.BriefData) -> int:
    return brief.render(data, "zh_CN", io.BytesIO(), generated=GENERATED)


def prepare(path: Path, clients: int) -> tuple[Any, int, dt.date]:
    """The demo bank, scored, with rm01 planned at 8 visits a day (built once, kept)."""
    fresh = not path.exists()
    db = open_database(str(path))
    if fresh:
        print(f"building the demo bank ({clients:,} clients) in {path} ...", flush=True)
        build(db.engine, DemoSpec(clients=clients, as_of=AS_OF), who=OPERATOR)
        score(db.engine, as_of=AS_OF, today=TODAY, who=OPERATOR)
    with db.engine.begin() as conn:
        rm = conn.execute(select(User.id).where(User.username == "rm01")).scalar_one()
        conn.execute(update(User).where(User.id == rm).values(visits_per_day=8))
    day = dt.date(2026, 11, 3)
    with db.engine.connect() as conn:
        have = conn.execute(
            select(Visit.id).where(Visit.user_id == rm, Visit.planned_on == day)
        ).all()
    if len(have) != 8:
        propose_plan(db.engine, int(rm), start=day, weeks=1, who=OPERATOR)
    return db, int(rm), day


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db, rm, day = prepare(OUT / f"briefs-{args.clients}.sqlite3", args.clients)
    engine = db.engine
    with engine.connect() as conn:
        ids = [int(i) for i in conn.execute(select(Client.id).order_by(Client.id)).scalars()]
    ids = ids[: args.batch]
    bare_page()  # fonts and imports warm, for every figure alike
    _render(brief.brief_data(engine, ids[:1], today=TODAY, who=OPERATOR)[ids[0]])

    base_s, _ = median_of(args.runs, lambda: [bare_page() for _ in range(100)])
    base_per_s = 100 / base_s
    print(f"bare reportlab page (1 page, CJK font):   {base_per_s:7.1f} pages/s")

    timings: dict[str, float] = {}

    def batch() -> None:
        start = time.perf_counter()
        data = brief.brief_data(engine, ids, today=TODAY, who=OPERATOR)
        timings["read"] = time.perf_counter() - start
        pages = sum(_render(data[i]) for i in ids)
        timings["pages"] = pages

    batch_s, batch_runs = median_of(args.runs, batch)
    rate = len(ids) / batch_s
    read_ms = 1000 * timings["read"] / len(ids)
    print(
        f"briefs, batch of {len(ids)} (1 process):       {rate:7.1f} briefs/s "
        f"({1000 * batch_s / len(ids):.0f} ms a brief, of which reads {read_ms:.1f} ms; "
        f"{timings['pages'] / len(ids):.2f} pages a brief) — "
        f"{base_per_s / rate:.1f}x a bare page"
    )

    folder = Path(tempfile.mkdtemp())
    par_s, _ = median_of(
        args.runs,
        lambda: brief_batch.write_briefs(
            engine,
            ids,
            folder,
            today=TODAY,
            workers=args.workers,
            who=system("bench"),
        ),
    )
    par_rate = len(ids) / par_s
    print(
        f"briefs, batch of {len(ids)} (write_briefs, {args.workers} processes): {par_rate:5.1f} "
        f"briefs/s (files and audit included, the pool started each time)"
    )

    pack_s, pack_runs = median_of(
        max(args.runs, 5),
        lambda: day_pack.write_day_pack(
            engine,
            rm,
            day,
            folder / "pack.pdf",
            today=TODAY,
            who=system("bench"),
        ),
    )
    pack = day_pack.write_day_pack(
        engine, rm, day, folder / "pack.pdf", today=TODAY, who=system("bench")
    )
    print(
        f"day pack of {len(pack.visits)} visits ({pack.pages} pages):      {pack_s:7.2f} s — "
        f"{pack_s * base_per_s:.0f}x a bare page"
    )
    result = {
        "clients": args.clients,
        "batch": len(ids),
        "bare_pages_per_s": base_per_s,
        "briefs_per_s": rate,
        "batch_runs_s": batch_runs,
        "read_ms_per_brief": read_ms,
        "pages_per_brief": timings["pages"] / len(ids),
        "workers": args.workers,
        "briefs_per_s_parallel": par_rate,
        "day_pack_visits": len(pack.visits),
        "day_pack_pages": pack.pages,
        "day_pack_s": pack_s,
        "day_pack_runs_s": pack_runs,
    }
    print("saved", save(f"briefs_{args.clients}", result))
    db.dispose()


if __name__ == "__main__":
    main()
