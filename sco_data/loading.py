"""One table, read and checked: what `sco_data.load`, `status_on` and `diff` use.

Reading (read.py) and checking (checks/) stay apart; this module joins them for the callers that
want a table they can use, so that neither imports the other.
"""

from __future__ import annotations

from .checks import check_table, lint_package
from .descriptor import Package, Resource
from .errors import InvalidDataError, PackageError
from .read import read_resource

READING_RULES = ("type", "encoding", "malformed-csv", "dialect", "field-type", "file-missing", "file-empty",
                 "file-unreadable", "header", "blank-row")


def refuse_unreadable_descriptor(pkg: Package) -> None:
    """The descriptor checks that validate and export make (the errors of the metadata lint: keys
    that name nothing, an encoding other than UTF-8, an unsupported dialect or constraint), made
    for every other reader too."""
    errors = [p for p in lint_package(pkg) if p.is_error]
    if errors:
        raise PackageError(f"{pkg.display(pkg.descriptor_path)}: {len(errors)} problem(s) in the descriptor; "
                           "run `sco-data validate`", errors)


def read_table(res: Resource, display: str | None = None, *, check: bool = True):
    """A typed table whose every cell passed the table's own checks (types, calendar, constraints,
    clean text, the primary key), or InvalidDataError listing why not. Cross-table rules are
    validate's: one table can be read without the others. check=False keeps only what reading
    itself refuses (a cell that is not of its type, bytes that are not UTF-8, broken CSV): for
    comparing versions, whose older constraints may not be today's."""
    tr = read_resource(res, display)
    if check:
        check_table(tr)
        errors = [p for p in tr.problems if p.is_error]
    else:
        errors = [p for p in tr.problems if p.rule in READING_RULES]
    if tr.table is None or errors:
        raise InvalidDataError(f"{tr.display} cannot be read: {len(errors or tr.problems)} problem(s); run "
                               "`sco-data validate`", errors or tr.problems)
    return tr.table
