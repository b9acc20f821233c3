"""The CSV conventions the README states: LF line endings, and rows sorted by the primary key.

Frictionless reads a file either way, so these are warnings; `--strict` (and so `make test` and
`sco-data release`) makes them errors. The messages say how to fix the file.
"""

from __future__ import annotations

from functools import reduce

from .. import arrow as lit
from ..read import TableRead
from .registry import TABLE, WARNING, Case, ReplaceText, check


@check("line-endings", TABLE, level=WARNING, cases=[
    Case("line-endings-crlf", ReplaceText("countries", "KAZ,Kazakhstan\n", "KAZ,Kazakhstan\r\n"),
         ["data/countries.csv:3: [line-endings] warning: the line ends in CR LF (Windows); save the file with LF "
          "(Unix) line endings, e.g. with `sed -i 's/\\r$//' data/countries.csv` or your editor's line-ending "
          "setting"]),
])
def check_line_endings(tr: TableRead, tables=None) -> None:
    """Every line of a CSV ends in LF alone, not CR LF. Files with mixed or Windows line endings
    show as changed on every line in a diff of the next version, and some tools read the CR into
    the last cell. The first line that ends in CR LF is named."""
    from ..errors import Problem

    if tr.crlf_line is not None:
        tr.problems.append(Problem(
            tr.display, tr.crlf_line, None, "line-endings",
            "the line ends in CR LF (Windows); save the file with LF (Unix) line endings, e.g. with "
            f"`sed -i 's/\\r$//' {tr.display}` or your editor's line-ending setting"))


def _before(later, earlier):
    """Row by row, whether the key of `later` sorts before that of `earlier` (lists of key columns,
    compared left to right; an empty part is left to the primary-key check)."""
    import pyarrow.compute as pc

    less, equal = None, None
    for a, b in zip(later, earlier, strict=True):
        lt, eq = pc.less(a, b), pc.equal(a, b)
        less = lt if less is None else pc.or_(less, pc.and_(equal, lt))
        equal = eq if equal is None else pc.and_(equal, eq)
    return less


@check("key-order", TABLE, level=WARNING, cases=[
    Case("key-order-swapped",
         ReplaceText("countries", "KAZ,Kazakhstan\nMNG,Mongolia\n", "MNG,Mongolia\nKAZ,Kazakhstan\n"),
         ["data/countries.csv:4:iso3: [key-order] warning: (KAZ) comes after (MNG) on line 3, but the rows are "
          "sorted by the primary key (iso3); move the row, or sort the file's rows by iso3"]),
])
def check_key_order(tr: TableRead, tables=None) -> None:
    """The rows of a table with a primary key are sorted by it, in ascending order (numbers by
    value, text by Unicode code point, a key of several fields by the first, then the next). Sorted
    rows make a diff of two versions show what changed and nothing else, and a reader finds a row
    where they expect it. The first row out of order is named, with the row it follows."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pk = tr.resource.primary_key
    table = tr.table
    if not pk or table.num_rows < 2 or any(
            k not in table.column_names or pa.types.is_list(table.schema.field(k).type) for k in pk):
        return
    n = table.num_rows
    # Chunked columns, sliced: nothing is copied but the boolean masks.
    columns = [table.column(k) for k in pk]
    out_of_order = _before([c.slice(1) for c in columns], [c.slice(0, n - 1) for c in columns])
    known = reduce(pc.and_, (pc.is_valid(c) for c in columns))
    out_of_order = pc.and_(out_of_order, pc.and_(known.slice(1), known.slice(0, n - 1)))
    hits = pc.indices_nonzero(lit.combined(pc.fill_null(out_of_order, lit.scalar(False, pa.bool_()))))
    if len(hits) == 0:
        return
    i = hits[0].as_py() + 1  # the row that comes too late; i - 1 is the one it follows

    def key(row: int) -> str:
        return ", ".join(str(c[row].as_py()) for c in columns)

    from ..errors import Problem

    names = ", ".join(pk)
    more = f" ({len(hits)} rows are out of order)" if len(hits) > 1 else ""
    tr.problems.append(Problem(
        tr.display, tr.line(i), names, "key-order",
        f"({key(i)}) comes after ({key(i - 1)}) on line {tr.line(i - 1)}, but the rows are sorted by the primary "
        f"key ({names}); move the row, or sort the file's rows by {names}{more}"))
