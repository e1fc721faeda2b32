"""Getting a bank's data in: the real public data sets, a bank's own extracts, the demo bank.

Each entry point checks the whole input first (``ImportRejected`` lists every problem, nothing
is written), then writes it in one transaction. A set imported before (same checksum) is skipped
unless ``force`` is given; re-importing changed data updates rather than duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.common.progress import NullProgress, Progress
from rmdesk.services.data.importing import bank_marketing, berka, generic
from rmdesk.services.data.importing.dataset import DataSet
from rmdesk.services.data.importing.problems import ImportRejected, Problem, Problems
from rmdesk.services.data.importing.writer import ImportResult, already_imported, write_dataset

__all__ = [
    "KINDS",
    "ImportRejected",
    "ImportResult",
    "Problem",
    "Problems",
    "check_input",
    "run_import",
]

#: The importers by the name the command line and the app use.
KINDS = ("berka", "bank-marketing", "generic")


Reader = Callable[[Path, Problems], DataSet]
Checksum = Callable[[Path, Problems], str]


def _reader(
    kind: str, engine: Engine, source: str | None, encoding: str | None
) -> tuple[str, Reader, Checksum]:
    if kind == "berka":
        return berka.SOURCE, lambda p, pr: berka.read(p, pr, encoding=encoding), _berka_sum
    if kind == "bank-marketing":
        return (
            bank_marketing.SOURCE,
            lambda p, pr: bank_marketing.read(p, pr, encoding=encoding),
            bank_marketing.checksum_of,
        )
    if kind == "generic":
        src = source or "generic"
        return (
            src,
            lambda p, pr: generic.read(
                p, pr, generic.Known.from_database(engine, src), source=src, encoding=encoding
            ),
            generic.checksum_of,
        )
    raise ValueError(f"unknown import kind {kind!r}; choose one of {', '.join(KINDS)}")


def _berka_sum(path: Path, problems: Problems) -> str:
    paths = berka.find_files(path, problems)
    return berka.checksum_of(paths, problems) if not problems else ""


@open_to(ADMINS)
def check_input(
    engine: Engine,
    kind: str,
    path: Path,
    *,
    source: str | None = None,
    encoding: str | None = None,
    who: Account,
) -> DataSet:
    """Read and check an input set without writing; raises ``ImportRejected``."""
    _, read, _ = _reader(kind, engine, source, encoding)
    return read(path, Problems())


@open_to(ADMINS)
def run_import(
    engine: Engine,
    kind: str,
    path: Path,
    *,
    source: str | None = None,
    encoding: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    who: Account,
) -> ImportResult:
    """Check, then write, one input set; raises ``ImportRejected`` if anything is wrong."""
    progress = progress or NullProgress()
    src, read, checksum = _reader(kind, engine, source, encoding)
    progress.report(0, 1, "checking")
    problems = Problems()
    if not path.exists():
        problems.add(str(path), None, None, "no such file or folder")
        problems.raise_if_any()
    # the checksum reads every input file: each is first checked to be a regular file within the
    # size limit, so a pipe or a device stops the import here, before anything opens it
    digest = checksum(path, problems)
    problems.raise_if_any()
    if not force and digest:
        batch = already_imported(engine, src, digest, who=who)
        if batch is not None:
            return ImportResult(
                src,
                batch,
                skipped=True,
                message=f"these files were imported before (batch {batch}); "
                "nothing to do (use --force to import them again)",
            )
    data = read(path, problems)
    return write_dataset(
        engine,
        data,
        path=str(path.resolve()),
        checksum=digest,
        progress=progress,
        who=who,
    )
