"""Frictionless, the reference validator, with its findings as our problems.

Our typed checks decide; Frictionless runs beside them so that anything the standard's reference
implementation finds and we did not still reaches the user. Its findings are translated to our
form (the file as we show it, the line as a person counts it, the column) and whatever we
already reported is left out.

Frictionless only ever sees a package that load_package accepted: every path the descriptor names
has been judged safe (relative, inside the folder, not a URL) before this module runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .descriptor import Package
from .errors import Problem
from .read import TableRead

# Our rules that cover a Frictionless row error of each type; a type not listed is covered by any
# problem of ours on the same line.
_COVERED_BY = {
    "type-error": {"type"},
    "constraint-error": {"type", "required", "enum", "pattern", "minimum", "maximum", "exclusiveMinimum",
                         "exclusiveMaximum", "minLength", "maxLength"},
    # An empty or mistyped key cell: we report why the cell is wrong, once; Frictionless also calls
    # the key a duplicate or missing.
    "primary-key": {"primary-key", "required", "type"},
    "foreign-key": {"foreign-key"},
    "unique-error": {"unique"},
}
# Errors about a whole file, which Frictionless repeats on every table that refers to a broken one.
_FILE_ERRORS = {"scheme-error", "encoding-error", "source-error", "format-error"}


@dataclass(frozen=True)
class Finding:
    """One Frictionless error as a problem of ours, with what is needed to tell if we have it."""

    problem: Problem
    type: str
    refers_to: str | None = None  # the table a foreign-key error looks up


def _label(err) -> str | None:
    if getattr(err, "field_name", None):
        return err.field_name
    if getattr(err, "field_names", None):
        return ", ".join(err.field_names)
    return None


def _message(err, tr: TableRead | None) -> str:
    note = getattr(err, "note", None) or err.message
    if tr is not None:
        # Frictionless counts records; a person counts lines.
        note = re.sub(
            r"(in the )?\b[Rr]ow at position \"?(\d+)\"?",
            lambda m: f"{'on ' if m.group(1) else ''}line {_line(tr, int(m.group(2)))}",
            note,
        )
    cell = getattr(err, "cell", None)
    return f"{cell!r}: {note}" if cell is not None else note


def _line(tr: TableRead | None, row: int | None) -> int | None:
    """A Frictionless row number (records, header = 1) as the file's line number."""
    return tr.line(row - 2) if tr is not None and row is not None and row >= 2 else row


def run_frictionless(pkg: Package, tables: dict[str, TableRead] | None = None) -> list[Finding]:
    """Every error stock Frictionless reports on the package. It never raises: a failure of the
    reference run is itself reported, so that it cannot pass silently."""
    tables = tables or {}
    file = pkg.descriptor_path.name
    try:
        import frictionless

        # Untrusted (Frictionless' default, made explicit): it refuses unsafe local paths too.
        with frictionless.system.use_context(trusted=False):
            report = frictionless.validate(str(pkg.descriptor_path))
    except Exception as exc:  # noqa: BLE001 - a crash of the reference must not hide our own report
        return [Finding(Problem(file, None, None, "frictionless", f"Frictionless could not run: {exc}"), "crash")]
    findings: list[Finding] = []
    for task in report.tasks:
        tr = tables.get(task.name or "")
        display = tr.display if tr else (task.place or file)
        for err in task.errors:
            line = _line(tr, getattr(err, "row_number", None))
            findings.append(
                Finding(
                    Problem(display, line, _label(err), f"frictionless:{err.type}", _message(err, tr)),
                    err.type,
                    getattr(err, "reference_name", None) or None,
                )
            )
    for err in report.errors:
        findings.append(Finding(Problem(file, None, None, f"frictionless:{err.type}", _message(err, None)), err.type))
    return findings


def _covered(f: Finding, ours: list[Problem], unreadable: set[str], unreadable_tables: set[str]) -> bool:
    p = f.problem
    if p.file in unreadable:
        return True  # we said why the file cannot be read; Frictionless' account follows from it
    if f.type in _FILE_ERRORS and unreadable:
        return True
    if f.type == "foreign-key" and f.refers_to in unreadable_tables:
        return True
    if p.row is None:
        # A descriptor fault "at property 'a/b'" that the lint already pointed at (column "...a.b").
        prop = re.search(r"at property '([^']+)'", p.message)
        if prop:
            dotted = prop.group(1).replace("/", ".")
            return any(o.file == p.file and o.column and (o.column == dotted or o.column.endswith("." + dotted))
                       for o in ours)
        return False
    rules = _COVERED_BY.get(f.type)
    theirs = set(p.column.split(", ")) if p.column else set()
    for o in ours:
        if o.file != p.file or (rules is not None and o.rule not in rules):
            continue
        columns_agree = not theirs or not o.column or bool(theirs & set(o.column.split(", ")))
        if o.row == p.row and columns_agree:
            return True
        # "N more rows like these": we stopped listing this column, Frictionless did not.
        if o.row is None and o.column and columns_agree and theirs:
            return True
    return False


def frictionless_problems(
    pkg: Package, tables: dict[str, TableRead] | None = None, known: Iterable[Problem] = ()
) -> list[Problem]:
    """What stock Frictionless finds in the package that is not among `known` (the problems our
    own checks reported on the same reading, `tables`)."""
    tables = tables or {}
    ours = list(known)
    unreadable = {tr.display for tr in tables.values() if tr.table is None}
    unreadable_tables = {name for name, tr in tables.items() if tr.table is None}
    return [
        f.problem
        for f in run_frictionless(pkg, tables)
        if not _covered(f, ours, unreadable, unreadable_tables)
    ]
