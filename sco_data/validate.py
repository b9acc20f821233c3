"""Validation: every problem in a package, in one pass over the data.

The checks that decide whether data can be exported run vectorised on the typed Arrow tables
(constraints, keys, cross-table rules); Frictionless, the reference implementation of the
standard, runs beside them on demand and must agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce

from . import arrow as lit
from . import schema as sch
from .descriptor import Package
from .errors import Problem, sort_problems
from .read import TableRead, read_package


@dataclass
class Report:
    package: Package
    tables: dict[str, TableRead]
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def valid(self) -> bool:
        """No errors; warnings (metadata a published package should have) do not count."""
        return not self.errors

    def table(self, name: str):
        return self.tables[name].table


def _enum_array(fdef: dict, allowed: list, arrow_type):
    """The enum as an Arrow array of the column's type, or None when the values do not fit it
    (the metadata lint reports that; the data cannot be judged against it)."""
    import datetime as dt

    import pyarrow as pa

    try:
        if sch.field_type(fdef) == "date":
            days = [(dt.date.fromisoformat(v) - dt.date(1970, 1, 1)).days for v in allowed]
            return lit.values(days, pa.int32()).cast(pa.date32())
        if sch.field_type(fdef) == "datetime":
            # Instants, as the cells are read: the same moment in any zone is the same value.
            moments = [dt.datetime.fromisoformat(v) for v in allowed]
            if any(m.tzinfo is None for m in moments):
                raise ValueError("a date-time without a zone names no instant")
            epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
            micros = [(m - epoch) // dt.timedelta(microseconds=1) for m in moments]
            return lit.values(micros, pa.int64()).cast(arrow_type)
        return lit.values(allowed, arrow_type)
    except (TypeError, ValueError, pa.ArrowException):
        return None


def _shown_value(value) -> str:
    """A typed cell as a person wrote it: text quoted, dates and date-times (UTC) in ISO form."""
    import datetime as dt

    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat().replace("+00:00", "Z")
    return repr(value)


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _bound(value):
    """A minimum or maximum as an Arrow scalar, to be cast to the column's type."""
    import pyarrow as pa

    if isinstance(value, str):
        return lit.text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return lit.scalar(value, pa.int64())
    return lit.scalar(value, pa.float64())


def check_constraints(tr: TableRead) -> None:
    """required, enum, pattern, minimum/maximum, minLength/maxLength on one typed table. A
    constraint the metadata lint finds unusable (a bad regex, an enum of the wrong type) is
    skipped here rather than crashing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = tr.table
    # A cell that failed its type is already reported; it must not also count as empty.
    mistyped = {(p.row, p.column) for p in tr.problems if p.rule == "type"}
    for fdef in tr.resource.fields:
        name = fdef["name"]
        col = t.column(name)
        cons = sch.constraints(fdef)
        if cons.get("required"):
            before = len(tr.problems)
            tr.flag(pc.is_null(col), name, "required", lambda i: "empty, but this column is required; fill it in")
            if mistyped:
                tr.problems[before:] = [p for p in tr.problems[before:] if (p.row, p.column) not in mistyped]
        if sch.field_type(fdef) == "list":
            # minLength and maxLength count a list's items.
            items = pc.list_value_length(col)
            for key, op, word in (("minLength", pc.less, "at least"), ("maxLength", pc.greater, "at most")):
                if isinstance(cons.get(key), int) and not isinstance(cons[key], bool):
                    tr.flag(op(items, lit.scalar(cons[key], pa.int64())), name, key,
                            lambda i, items=items, b=cons[key], w=word:
                                f"{_items(items[i].as_py())}; the list takes {w} {b}")
            continue
        if isinstance(cons.get("enum"), list) and cons["enum"]:
            allowed = cons["enum"]
            value_set = _enum_array(fdef, allowed, col.type)
            if value_set is not None:
                bad = pc.invert(pc.is_in(col, value_set=value_set))
                tr.flag(pc.and_(pc.is_valid(col), bad), name, "enum",
                        lambda i, col=col, allowed=allowed: f"{_shown_value(col[i].as_py())} is not allowed; "
                                                            f"use one of: {', '.join(map(str, allowed))}")
        if isinstance(cons.get("pattern"), str) and pa.types.is_string(col.type):
            pattern = cons["pattern"]
            # Table Schema patterns match the whole value (XML Schema semantics).
            anchored = f"^(?:{pattern})$"
            try:
                bad = pc.invert(pc.match_substring_regex(col, anchored))
            except pa.ArrowInvalid:
                # Not a regular expression Arrow (RE2) accepts: the lint reports a broken one, and
                # the Frictionless reference run judges the data against the ones only Python takes.
                bad = None
            if bad is not None:
                tr.flag(bad, name, "pattern",
                        lambda i, col=col, pattern=pattern: f"{col[i].as_py()!r} does not match the pattern {pattern}")
        for key, op, word in (("minimum", pc.less, "below the minimum"), ("maximum", pc.greater, "above the maximum"),
                              ("exclusiveMinimum", pc.less_equal, "not above the exclusive minimum"),
                              ("exclusiveMaximum", pc.greater_equal, "not below the exclusive maximum")):
            if key in cons and not pa.types.is_string(col.type):
                try:
                    bound = _bound(cons[key]).cast(col.type)
                except (TypeError, ValueError, pa.ArrowException):
                    continue
                tr.flag(op(col, bound), name, key,
                        lambda i, col=col, b=cons[key], w=word: f"{_shown_value(col[i].as_py())} is {w} {b}")
        for key, op, word in (("minLength", pc.less, "shorter than"), ("maxLength", pc.greater, "longer than")):
            if isinstance(cons.get(key), int) and pa.types.is_string(col.type):
                tr.flag(op(pc.utf8_length(col), lit.scalar(cons[key], pa.int64())), name, key,
                      lambda i, b=cons[key], w=word: f"value is {w} {b} characters")


# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@")

# What a clean text cell never holds. White space is Unicode's (RE2's \p{Z} plus the ASCII and
# C1 spacing controls Python's str.isspace counts), so a non-breaking space at either end is
# caught like an ordinary one. Zero-width characters and a BOM inside a cell are invisible on
# screen but break joins and searches; control characters other than a line break are never
# typed on purpose.
_SPACE = r"\p{Z}\t\n\x0B\f\r\x1C-\x1F\x{85}"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u180e"
_UNCLEAN = (rf"^[{_SPACE}]|[{_SPACE}]$|[\x{{200B}}-\x{{200D}}\x{{2060}}\x{{FEFF}}\x{{180E}}]"
            r"|[\x00-\x09\x0B\x0C\x0E-\x1F\x7F-\x9F]|\r[^\n]|\r$")


def unclean_text(value: str) -> str | None:
    """Why a text value is not clean, naming the code point and its position (1 = first
    character), or None when it is clean."""
    import unicodedata

    def named(i: int) -> str:
        ch = value[i]
        name = unicodedata.name(ch, None) or {"\t": "TAB", "\r": "CARRIAGE RETURN", "\n": "LINE FEED"}.get(ch, "control")
        return f"U+{ord(ch):04X} {name} at position {i + 1}"

    if value.strip() == "" and value:
        return f"holds nothing but white space ({named(0)}); leave the cell empty or fill it in"
    if value[0].isspace():
        return f"starts with white space ({named(0)}); remove it"
    if value[-1].isspace():
        return f"ends with white space ({named(len(value) - 1)}); remove it"
    for i, ch in enumerate(value):
        if ch in _INVISIBLE:
            return f"holds an invisible character ({named(i)}); remove it"
        line_break = ch == "\n" or (ch == "\r" and value[i + 1:i + 2] == "\n")
        if unicodedata.category(ch) == "Cc" and not line_break:
            return f"holds a control character ({named(i)}); only line breaks are allowed"
    return None


def _flag_unclean(tr: TableRead, name: str, values, rows=None) -> None:
    """values: a string array; rows: for each value, the 0-based record it belongs to (an Arrow
    array; None when value i is record i)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    hit = pc.fill_null(pc.match_substring_regex(values, _UNCLEAN), lit.scalar(False, pa.bool_()))
    if not pc.any(hit).as_py():
        return
    bad: dict[int, str] = {}
    for j in np.flatnonzero(hit.to_numpy(zero_copy_only=False)):
        row = int(j) if rows is None else rows[int(j)].as_py()
        if row not in bad:
            text = values[int(j)].as_py()
            bad[row] = f"{text[:40]!r}{'…' if len(text) > 40 else ''} {unclean_text(text)}"
    mask = np.zeros(tr.table.num_rows, dtype=bool)
    mask[list(bad)] = True
    tr.flag(lit.values(mask, pa.bool_()), name, "text-clean", lambda i: bad[i], noun="cells")


def check_text_cells(tr: TableRead) -> None:
    """Text cells, and the items of list cells, must be clean (see unclean_text), and no text cell
    may begin like a spreadsheet formula."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for fdef in tr.resource.fields:
        col = tr.table.column(fdef["name"])
        if pa.types.is_list(col.type):
            flat = lit.combined(col)
            _flag_unclean(tr, fdef["name"], pc.list_flatten(flat), pc.list_parent_indices(flat))
            continue
        if not pa.types.is_string(col.type):
            continue
        _flag_unclean(tr, fdef["name"], lit.combined(col))
        # One starts_with per prefix: two to three times faster than one anchored regex.
        starts = reduce(pc.or_, (pc.starts_with(col, pattern=p) for p in FORMULA_PREFIXES))
        tr.flag(starts, fdef["name"], "formula-prefix",
              lambda i, c=col: f"{c[i].as_py()[:40]!r} begins with {c[i].as_py()[0]!r}, which spreadsheets run as a "
                               "formula; reword it so it starts with a letter or digit")


def _key_strings(tr: TableRead, fields: list[str]):
    """One string per row for a (possibly composite) key; null where any part is null. None when
    the key names a column the table lacks or one that cannot be a key (the lint reports it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = tr.table
    if not fields or any(f not in table.column_names or pa.types.is_list(table.schema.field(f).type) for f in fields):
        return None
    parts = [lit.combined(pc.cast(table.column(f), pa.string())) for f in fields]
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


def _shown(key: str) -> str:
    return key.replace("\x1f", ", ")


def _flag_empty_keys(tr: TableRead, pk: list[str]) -> None:
    """A row whose key is empty, every part of it: key fields are never empty (Table Schema). A
    required key field has said so already, and so has a key cell that failed its type."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    fields = {f["name"]: f for f in tr.resource.fields}
    if any(sch.is_required(fields[name]) for name in pk):
        return
    empty = reduce(pc.and_, (pc.is_null(tr.table.column(name)) for name in pk))
    if not pc.any(empty).as_py():
        return
    mask = np.array(lit.combined(empty).to_numpy(zero_copy_only=False), dtype=bool)
    mistyped = {p.row for p in tr.problems if p.rule == "type" and p.column in pk}
    for i in np.flatnonzero(mask):
        if tr.line(int(i)) in mistyped:
            mask[i] = False
    tr.flag(lit.values(mask, pa.bool_()), ", ".join(pk), "primary-key",
            lambda i: "empty key; every row needs one to tell it apart; fill it in")


def check_primary_key(tr: TableRead) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    pk = tr.resource.primary_key
    keys = _key_strings(tr, pk) if pk else None
    if keys is None:
        return
    _flag_empty_keys(tr, pk)
    if not _has_duplicates(keys):
        return
    # value_counts, a plain hash kernel: Table.group_by runs through Acero, whose worker threads
    # can abort the interpreter at exit after a large grouping, and is slower here anyway.
    counts = pc.value_counts(keys)
    dupes = pc.drop_null(counts.field("values").filter(pc.greater(counts.field("counts"), lit.scalar(1, pa.int64()))))
    if len(dupes) == 0:
        return
    mask = pc.fill_null(pc.is_in(keys, value_set=dupes), lit.scalar(False, pa.bool_()))
    first_line: dict[str, int] = {}
    repeat = np.zeros(len(keys), dtype=bool)
    # Only the rows holding a duplicated key are walked, so that each repeat can name the line of
    # its first occurrence.
    for i in np.flatnonzero(mask.to_numpy(zero_copy_only=False)):
        k = keys[int(i)].as_py()
        if k in first_line:
            repeat[i] = True
        else:
            first_line[k] = int(i)
    tr.flag(lit.values(repeat, pa.bool_()), ", ".join(pk), "primary-key",
          lambda i: f"duplicate key ({_shown(keys[i].as_py())}); line {tr.line(first_line[keys[i].as_py()])} has it "
                    "already; each key must be unique")


def check_foreign_keys(tr: TableRead, tables: dict[str, TableRead]) -> None:
    """Every non-empty key points at a row of its table. A reference to a table or column that
    does not exist is the lint's to report; an unreadable target is reported where it is."""
    import pyarrow.compute as pc

    for fk in tr.resource.foreign_keys:
        target = tables.get(fk["resource"])
        if target is None or target.table is None or len(fk["fields"]) != len(fk["ref_fields"]):
            continue
        child = _key_strings(tr, fk["fields"])
        parent = _key_strings(target, fk["ref_fields"])
        if child is None or parent is None:
            continue
        bad = pc.and_(pc.is_valid(child), pc.invert(pc.is_in(child, value_set=lit.combined(parent))))
        ref = f"{target.display} ({', '.join(fk['ref_fields'])})"
        tr.flag(bad, ", ".join(fk["fields"]), "foreign-key",
                lambda i, child=child, ref=ref:
                    f"{_shown(child[i].as_py())!r} is not in {ref}; add it there or fix the value")


def check_table(tr: TableRead, tables: dict[str, TableRead] | None = None) -> None:
    """The checks of one typed table, added to tr.problems: constraints, text cells, the primary
    key and, given the other tables, the foreign keys."""
    if tr.table is None:
        return
    check_constraints(tr)
    check_text_cells(tr)
    check_primary_key(tr)
    if tables is not None:
        check_foreign_keys(tr, tables)


def validate_package(pkg: Package, *, frictionless: bool = False, strict: bool = False) -> Report:
    """Read every table once and collect every problem: typed reading, constraints, keys, text
    cells, the metadata lint and the cross-table rules. With frictionless=True the reference
    validator runs too and whatever it finds that these checks did not is added. Metadata lint
    findings are warnings unless strict=True."""
    from . import lint, rules

    tables = read_package(pkg)
    report = Report(pkg, tables)
    report.problems.extend(lint.lint_package(pkg, strict=strict))
    for tr in tables.values():
        check_table(tr, tables)
        report.problems.extend(tr.problems)
    report.problems.extend(rules.run_rules(pkg, tables))
    if frictionless:
        from .reference import frictionless_problems

        report.problems.extend(frictionless_problems(pkg, tables, report.problems))
    report.problems = sort_problems(list(dict.fromkeys(report.problems)))
    return report
