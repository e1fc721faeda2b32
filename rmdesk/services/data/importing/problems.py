"""What is wrong with an input file, said so that a person can find and fix it."""

from __future__ import annotations

from dataclasses import dataclass, field

from rmdesk.services.data.importing.problem_words import chinese

#: How many problems an import lists in full; the rest are counted.
MAX_LISTED = 200
#: How much of a cell (or a column name) a message quotes; a longer one is cut with "…".
QUOTE_CHARS = 80


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with "…"."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(value: object) -> str:
    """A cell as a message shows it: quoted, escapes visible, at most ~80 characters."""
    return repr(shorten(value if isinstance(value, str) else str(value)))


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place: ``row`` is the line number in the file (header = 1)."""

    file: str
    row: int | None
    column: str | None
    message: str

    @property
    def zh(self) -> str:
        """The message in Chinese (``problem_words``)."""
        return chinese(self.message)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass
class Problems:
    """Collects problems while a whole input set is checked; nothing is written if any."""

    listed: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED:
            # a column's name comes from the file: a hostile header must not flood the message
            named = shorten(column) if column else column
            self.listed.append(Problem(file, row, named, message))

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if self.total:
            raise ImportRejected(self)


class ImportRejected(Exception):
    """The input set is not valid; nothing was written. ``problems`` says where and why."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        first = problems.listed[0] if problems.listed else "no details"
        super().__init__(
            f"{problems.total} problem(s) in the input, nothing imported; first: {first}"
        )

    def report(self) -> str:
        lines = [str(p) for p in self.problems.listed]
        hidden = self.problems.total - len(self.problems.listed)
        if hidden > 0:
            lines.append(f"... and {hidden} more problem(s) not listed")
        return "\n".join(lines)
