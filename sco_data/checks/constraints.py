"""The Table Schema's constraints, judged on each typed table: vectorised on its Arrow columns."""

from __future__ import annotations

from .. import arrow as lit
from .. import schema as sch
from ..convert import constraint_value
from ..read import TableRead
from .registry import TABLE, Case, ReplaceText, check


def _typed_values(fdef: dict, values: list, arrow_type):
    """Constraint values (convert.constraint_value) as an Arrow array of the column's type."""
    import datetime as dt

    import pyarrow as pa

    typed = [constraint_value(fdef, v) for v in values]
    ftype = sch.field_type(fdef)
    if ftype == "date":
        return lit.values([(d - dt.date(1970, 1, 1)).days for d in typed], pa.int32()).cast(pa.date32())
    if ftype == "datetime":
        # Instants, as the cells are read: the same moment in any zone is the same value.
        return lit.values(typed, pa.int64()).cast(arrow_type)
    return lit.values(typed, arrow_type)


def _enum_array(fdef: dict, allowed: list, arrow_type):
    """The enum as an Arrow array of the column's type, or None when the values do not fit it
    (the metadata lint reports that; the data cannot be judged against it)."""
    import pyarrow as pa

    try:
        return _typed_values(fdef, allowed, arrow_type)
    except (TypeError, ValueError, pa.ArrowException):
        return None


def _python_pattern_misses(col, anchored: str):
    """Where a text column does not match a pattern, by Python's re; None for a pattern that is
    no regular expression at all (the metadata lint reports it)."""
    import re

    import pyarrow as pa

    try:
        regex = re.compile(anchored)
    except re.error:
        return None
    return lit.values([v is not None and regex.match(v) is None for v in col.to_pylist()], pa.bool_())


def _shown_value(value) -> str:
    """A typed cell as a person wrote it: text quoted, dates and date-times (UTC) in ISO form."""
    import datetime as dt

    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat().replace("+00:00", "Z")
    return repr(value)


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _bound(fdef: dict, value, arrow_type):
    """A minimum or maximum as an Arrow scalar of the column's type; ValueError when it is not a
    value of the field's type (the metadata lint reports that)."""
    return _typed_values(fdef, [value], arrow_type)[0]


@check("constraints", TABLE,
       rules=("required", "enum", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
              "minLength", "maxLength"),
       cases=[
           Case("enum", ReplaceText("sources", ",essay", ",blog"),
                ["data/sources.csv:2:kind: [enum] 'blog' is not allowed; use one of: official, news, think_tank, "
                 "academic, reference, database, essay"], True),
           Case("pattern", ReplaceText("sources", "Mark N. Katz,2008,", "Mark N. Katz,May 2008,"),
                ["data/sources.csv:2:published: [pattern] 'May 2008' does not match the pattern "
                 "^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$"], True),
       ])
def check_constraints(tr: TableRead, tables=None) -> None:
    """Every cell meets its field's constraints, as Table Schema defines them: `required` (not
    empty), `enum` (one of the listed values), `pattern` (the whole text matches), `minimum`,
    `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (for numbers, years, dates and date-times),
    and `minLength`, `maxLength` (characters of a text, items of a list). A cell that failed its
    type is reported once, as that, and not also as empty. A constraint the metadata lint finds
    unusable (a bad regular expression, an enum of the wrong type) is skipped here rather than
    crashing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = tr.table
    # A cell that failed its type is already reported; it must not also count as empty.
    mistyped = {(p.row, p.column) for p in tr.problems if p.rule == "type"}
    for fdef in tr.resource.fields:
        name = fdef["name"]
        col = t.column(name)
        cons = sch.constraints(fdef)
        if cons.get("required") is True:
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
                            lambda i, n=items, b=cons[key], w=word: f"{_items(n[i].as_py())}; the list takes {w} {b}")
            continue
        if isinstance(cons.get("enum"), list) and cons["enum"]:
            allowed = cons["enum"]
            value_set = _enum_array(fdef, allowed, col.type)
            if value_set is not None:
                bad = pc.invert(pc.is_in(col, value_set=value_set))
                tr.flag(pc.and_(pc.is_valid(col), bad), name, "enum",
                        lambda i, c=col, a=allowed: f"{_shown_value(c[i].as_py())} is not allowed; use one of: "
                                                    f"{', '.join(map(str, a))}")
        if isinstance(cons.get("pattern"), str) and pa.types.is_string(col.type):
            pattern = cons["pattern"]
            # Table Schema patterns match the whole value (XML Schema semantics).
            anchored = f"^(?:{pattern})$"
            try:
                bad = pc.invert(pc.match_substring_regex(col, anchored))
            except pa.ArrowInvalid:
                # Not a regular expression Arrow (RE2) accepts (a look-ahead, a back-reference):
                # Python's re judges it, as Frictionless does, cell by cell.
                bad = _python_pattern_misses(col, anchored)
            if bad is not None:
                tr.flag(bad, name, "pattern",
                        lambda i, c=col, pat=pattern: f"{c[i].as_py()!r} does not match the pattern {pat}")
        for key, op, word in (("minimum", pc.less, "below the minimum"), ("maximum", pc.greater, "above the maximum"),
                              ("exclusiveMinimum", pc.less_equal, "not above the exclusive minimum"),
                              ("exclusiveMaximum", pc.greater_equal, "not below the exclusive maximum")):
            if key in cons and not pa.types.is_string(col.type):
                try:
                    bound = _bound(fdef, cons[key], col.type)
                except (TypeError, ValueError, pa.ArrowException):
                    continue  # metadata-constraints refuses the package
                tr.flag(op(col, bound), name, key,
                        lambda i, c=col, b=cons[key], w=word: f"{_shown_value(c[i].as_py())} is {w} {b}")
        for key, op, word in (("minLength", pc.less, "shorter than"), ("maxLength", pc.greater, "longer than")):
            if isinstance(cons.get(key), int) and pa.types.is_string(col.type):
                tr.flag(op(pc.utf8_length(col), lit.scalar(cons[key], pa.int64())), name, key,
                        lambda i, b=cons[key], w=word: f"value is {w} {b} characters")

