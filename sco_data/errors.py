"""Problems and the exceptions that carry them.

A problem is what a person needs to fix one thing: the file, the row as they count it in the file
(header = 1), the column, the rule that failed and a message that says what would fix it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    rule: str
    message: str
    # "warning": worth fixing before publishing, but the data can be read and exported as it is.
    level: str = "error"

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
            if self.column:
                where += f":{self.column}"
        elif self.column:
            where += f"::{self.column}"
        level = "" if self.is_error else f"{self.level}: "
        return f"{where}: [{self.rule}] {level}{self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """By file and line; a whole-file problem first, a "N more rows like these" after the rows."""

    def line(p: Problem) -> float:
        if p.row is not None:
            return p.row
        return 0 if p.column is None else float("inf")

    return sorted(problems, key=lambda p: (p.file, line(p), p.column or "", p.rule, p.message))


class ScoDataError(Exception):
    """Base class: every failure the toolkit reports to a person."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class PackageError(ScoDataError):
    """The descriptor cannot be used: missing, not JSON, or pointing somewhere unsafe."""


class InvalidDataError(ScoDataError):
    """The data breaks its schema or a cross-table rule."""


class ExportError(ScoDataError):
    """An export could not be written."""


class ReleaseError(ScoDataError):
    """A release, verification or diff was refused."""


class DocsError(ScoDataError):
    """Generated documentation could not be built, or a file to fill in lacks its markers."""
