"""Many clients' briefs at once, one PDF each in a folder: a campaign's call list, a handover,
the briefs of a week's visits.

The clients are read together (``brief.brief_data``: a client missing or out of scope refuses
the whole batch before anything is written). Pages are laid out by a pool of processes when the
batch is large enough to repay starting them (a brief is CPU-bound Python: threads would take
turns), each file written whole or not at all; every client is audited in one transaction at
the end. Cancelling stops between chunks; the files already finished stay, whole.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from rmdesk.services.common.access import Account, guarded
from rmdesk.services.common.progress import NullProgress, Progress, check
from rmdesk.services.printing import brief
from rmdesk.services.printing import paper as printing

#: briefs a worker lays out between two progress reports (and cancel checks)
CHUNK = 20
#: below this many briefs per worker, starting processes costs more than it saves
MIN_PER_WORKER = 40


def file_name(data: brief.BriefData) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in data.profile.external_id)
    return f"brief-{safe}.pdf"


def _write(
    jobs: list[tuple[brief.BriefData, Path]], language: str, generated: dt.datetime
) -> list[int]:
    """Lay out and write a chunk of briefs (in a worker process, or in this one)."""
    return [
        printing.write_whole(path, partial(_render, data, language, generated))
        for data, path in jobs
    ]


def _render(data: brief.BriefData, language: str, generated: dt.datetime, part: Path) -> int:
    return brief.render(data, language, part, generated=generated)


def workers_for(count: int, workers: int | None = None) -> int:
    """The processes a batch of ``count`` briefs is worth (1: lay out in this process)."""
    available = workers if workers is not None else (os.cpu_count() or 1)
    return max(1, min(available, count // MIN_PER_WORKER))


@guarded("client", "client_ids")
def write_briefs(
    engine: Engine,
    client_ids: Sequence[int],
    folder: Path,
    *,
    language: str = "zh_CN",
    today: dt.date | None = None,
    rm_id: int | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    always_mask_phones: bool = False,
    who: Account,
) -> dict[int, tuple[Path, int]]:
    """Write each client's brief into ``folder``; returns client id → (file, pages)."""
    progress = progress or NullProgress()
    today = today or dt.date.today()
    if not folder.is_dir():
        raise brief.BriefError(f"{folder}: no such folder")
    ids = list(dict.fromkeys(int(i) for i in client_ids))
    pool_size = workers_for(len(ids), workers)
    with ExitStack() as stack:
        pool = None
        if pool_size > 1:
            # the workers start (and import reportlab) while this process reads the clients
            context = multiprocessing.get_context("spawn")  # no inherited threads, connections
            pool = stack.enter_context(ProcessPoolExecutor(pool_size, mp_context=context))
            for _ in range(pool_size):
                pool.submit(printing.register_font)
        data = brief.brief_data(
            engine,
            ids,
            today=today,
            rm_id=rm_id,
            language=language,
            always_mask_phones=always_mask_phones,
            who=who,
        )
        generated = dt.datetime.now().astimezone()
        jobs = [(data[i], folder / file_name(data[i])) for i in ids]
        pages: list[int] = []
        progress.report(0, len(ids), "briefs")
        try:
            futures = []
            for chunk in (jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)):
                if pool is None:
                    check(progress)
                    pages += _write(chunk, language, generated)
                    progress.report(len(pages), len(ids), "briefs")
                else:
                    futures.append(pool.submit(_write, chunk, language, generated))
            for future in futures:
                pages += future.result()
                progress.report(len(pages), len(ids), "briefs")
                check(progress)
        except BaseException:
            if pool is not None:  # chunks under way finish, the rest never start
                pool.shutdown(wait=True, cancel_futures=True)
            # what was finished but not collected goes, so the audit log names every file left
            for _data, path in jobs[len(pages) :]:
                path.unlink(missing_ok=True)
            raise
        finally:
            done = zip(ids, jobs, pages, strict=False)  # the files finished
            brief.record_prints(engine, language, [(i, j[1], n) for i, j, n in done], who=who)
    return {i: (path, n) for (_d, path), n, i in zip(jobs, pages, ids, strict=True)}
