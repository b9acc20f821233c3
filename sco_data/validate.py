"""Validation: every problem in a package, in one pass over the data.

The checks that decide whether data can be exported run vectorised on the typed Arrow tables
(constraints, keys, cross-table rules); Frictionless, the reference implementation of the
standard, runs beside them on demand and must agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import arrow as lit
from . import schema as sch
from .errors import Problem, sort_problems
from .package import Package
from .read import MAX_PROBLEMS_PER_COLUMN, TableRead, read_package


@dataclass
class Report:
    package: Package
    tables: dict[str, TableRead]
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def table(self, name: str):
        return self.tables[name].table


def _flag(tr: TableRead, mask, column: str, rule: str, message) -> None:
    """Problems for every row where mask is true (capped per column)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    mask = pc.fill_null(mask, lit.scalar(False, pa.bool_()))
    if not pc.any(mask).as_py():
        return
    idx = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
    for i in idx[:MAX_PROBLEMS_PER_COLUMN]:
        tr.problems.append(Problem(tr.display, tr.line(int(i)), column, rule, message(int(i))))
    if len(idx) > MAX_PROBLEMS_PER_COLUMN:
        tr.problems.append(Problem(tr.display, None, column, rule, f"{len(idx) - MAX_PROBLEMS_PER_COLUMN} more rows like these"))


def _bound(value):
    """A minimum or maximum as an Arrow scalar, to be cast to the column's type."""
    import pyarrow as pa

    if isinstance(value, str):
        return lit.text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return lit.scalar(value, pa.int64())
    return lit.scalar(value, pa.float64())


def check_constraints(tr: TableRead) -> None:
    """required, enum, pattern, minimum/maximum, minLength/maxLength on one typed table."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = tr.table
    for fdef in tr.resource.fields:
        name = fdef["name"]
        col = t.column(name)
        cons = sch.constraints(fdef)
        if cons.get("required"):
            _flag(tr, pc.is_null(col), name, "required", lambda i: "empty, but this column is required; fill it in")
        if sch.field_type(fdef) == "list":
            continue
        if "enum" in cons:
            allowed = cons["enum"]
            bad = pc.invert(pc.is_in(col, value_set=lit.values(allowed, col.type)))
            _flag(tr, pc.and_(pc.is_valid(col), bad), name, "enum",
                  lambda i: f"{col[i].as_py()!r} is not allowed; use one of: {', '.join(map(str, allowed))}")
        if "pattern" in cons and pa.types.is_string(col.type):
            pattern = cons["pattern"]
            anchored = pattern if pattern.startswith("^") else f"^(?:{pattern})$"
            bad = pc.invert(pc.match_substring_regex(col, anchored))
            _flag(tr, bad, name, "pattern", lambda i: f"{col[i].as_py()!r} does not match the pattern {pattern}")
        for key, op, word in (("minimum", pc.less, "below the minimum"), ("maximum", pc.greater, "above the maximum")):
            if key in cons and not pa.types.is_string(col.type):
                bound = _bound(cons[key]).cast(col.type)
                _flag(tr, op(col, bound), name, key, lambda i, b=cons[key], w=word: f"{col[i].as_py()!r} is {w} {b}")
        for key, op, word in (("minLength", pc.less, "shorter than"), ("maxLength", pc.greater, "longer than")):
            if key in cons and pa.types.is_string(col.type):
                _flag(tr, op(pc.utf8_length(col), lit.scalar(cons[key], pa.int64())), name, key,
                      lambda i, b=cons[key], w=word: f"value is {w} {b} characters")


def _key_strings(table, fields: list[str]):
    """One string per row for a (possibly composite) key; null where any part is null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [pc.cast(table.column(f), pa.string()) for f in fields]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, lit.text("\x1f"))


def _has_duplicates(keys) -> bool:
    """Sorting and comparing neighbours: about twice as fast as hashing a million strings."""
    import pyarrow.compute as pc

    if len(keys) < 2:
        return False
    keys = lit.combined(keys)
    ordered = keys.take(pc.sort_indices(keys))
    return bool(pc.any(pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))).as_py())


def check_primary_key(tr: TableRead) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    pk = tr.resource.primary_key
    if not pk:
        return
    keys = _key_strings(tr.table, pk)
    if not _has_duplicates(keys):
        return
    # value_counts, a plain hash kernel: Table.group_by runs through Acero, whose worker threads
    # abort the interpreter at exit after a large grouping (pyarrow 23), and is slower here anyway.
    counts = pc.value_counts(keys)
    dupes = pc.drop_null(counts.field("values").filter(pc.greater(counts.field("counts"), lit.scalar(1, pa.int64()))))
    if len(dupes) == 0:
        return
    label = ", ".join(pk)
    mask = pc.is_in(keys, value_set=dupes)
    seen: set = set()
    first_line: dict = {}
    for i in np.flatnonzero(pc.fill_null(mask, lit.scalar(False, pa.bool_())).to_numpy(zero_copy_only=False))[: MAX_PROBLEMS_PER_COLUMN * 2]:
        k = keys[int(i)].as_py()
        if k in seen:
            shown = k.replace("\x1f", ", ")
            tr.problems.append(
                Problem(tr.display, tr.line(int(i)), label, "primary-key",
                        f"duplicate key ({shown}); line {first_line[k]} has it already; each key must be unique")
            )
        else:
            seen.add(k)
            first_line[k] = tr.line(int(i))


def check_foreign_keys(tr: TableRead, tables: dict[str, TableRead]) -> None:
    import pyarrow.compute as pc

    for fk in tr.resource.foreign_keys:
        target = tables.get(fk["resource"])
        label = ", ".join(fk["fields"])
        if target is None or target.table is None:
            if target is None:
                tr.problems.append(Problem(tr.display, None, label, "foreign-key",
                                           f"refers to a table {fk['resource']!r} that the package does not have"))
            continue
        child = _key_strings(tr.table, fk["fields"])
        parent = _key_strings(target.table, fk["ref_fields"])
        bad = pc.and_(pc.is_valid(child), pc.invert(pc.is_in(child, value_set=lit.combined(parent))))
        ref = f"{target.display} ({', '.join(fk['ref_fields'])})"
        _flag(tr, bad, label, "foreign-key",
              lambda i: f"{child[i].as_py().replace(chr(31), ', ')!r} is not in {ref}; add it there or fix the value")


def validate_package(pkg: Package, *, frictionless: bool = False) -> Report:
    """Read every table once and collect every problem. With frictionless=True the reference
    validator runs too and anything it finds that we did not is added."""
    from . import lint, rules

    tables = read_package(pkg)
    report = Report(pkg, tables)
    report.problems.extend(lint.lint_package(pkg))
    readable = {name: tr for name, tr in tables.items() if tr.table is not None}
    for tr in readable.values():
        check_constraints(tr)
        check_primary_key(tr)
        check_foreign_keys(tr, tables)
    for tr in tables.values():
        report.problems.extend(tr.problems)
    report.problems.extend(rules.run_rules(pkg, tables))
    if frictionless:
        from .reference import frictionless_problems

        ours = {(p.file, p.row) for p in report.problems}
        files_with_problems = {p.file for p in report.problems}
        for p in frictionless_problems(pkg):
            if (p.file, p.row) not in ours and p.file not in files_with_problems:
                report.problems.append(p)
    report.problems = sort_problems(list(dict.fromkeys(report.problems)))
    return report
