"""Keys: each table's primary key, and its foreign keys into the others."""

from __future__ import annotations

from functools import reduce

from .. import arrow as lit
from .. import schema as sch
from ..read import TableRead
from .registry import TABLE, Case, Edits, ReplaceText, SetProperty, check


def _key_strings(tr: TableRead, fields: list[str]):
    """One string per row for a (possibly composite) key; null where any part is null. None when
    the key names a column the table lacks or one that cannot be a key (the lint reports it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = tr.table
    if not fields or any(f not in table.column_names or pa.types.is_list(table.schema.field(f).type) for f in fields):
        return None
    # Chunked as read: a text key is not copied (casting text to text is free).
    parts = [pc.cast(table.column(f), pa.string()) for f in fields]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, lit.text("\x1f"))


def _strictly_increasing(column) -> bool:
    """Whether every value is greater than the one before (no nulls): then none repeats, and a
    table kept in key order, as the conventions want, is judged without sorting it."""
    import pyarrow.compute as pc

    n = len(column)
    if n < 2 or column.null_count:
        return n < 2 and not column.null_count
    return pc.all(pc.greater(column.slice(1), column.slice(0, n - 1))).as_py() is True


def _has_duplicates(keys) -> bool:
    """Sorting and comparing neighbours: about twice as fast as hashing a million strings."""
    import pyarrow.compute as pc

    if len(keys) < 2 or _strictly_increasing(keys):
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


@check("primary-key", TABLE, cases=[
    Case("duplicate-primary-key", ReplaceText("countries", "KAZ,Kazakhstan\n", "KAZ,Kazakhstan\nKAZ,Qazaqstan\n"),
         ["data/countries.csv:4:iso3: [primary-key] duplicate key (KAZ); line 3 has it already; each key must be "
          "unique"], True),
])
def check_primary_key(tr: TableRead, tables=None) -> None:
    """A table's primary key, one field or several, tells its rows apart: no two rows have the
    same key, and no row has an empty one (every part empty; a required key field says so
    itself). A repeat names the line that has the key first. Other tables refer to rows by it."""

    pk = tr.resource.primary_key
    keys = _key_strings(tr, pk) if pk else None
    if keys is None:
        return
    _flag_empty_keys(tr, pk)
    _flag_repeats(tr, keys, ", ".join(pk), "primary-key",
                  lambda shown, line: f"duplicate key ({shown}); line {line} has it already; each key must be unique")


def _flag_repeats(tr: TableRead, keys, column: str, rule: str, message) -> None:
    """Every row whose key (not null) an earlier row has; message(key as shown, line of the first)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

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
    tr.flag(lit.values(repeat, pa.bool_()), column, rule,
            lambda i: message(_shown(keys[i].as_py()), tr.line(first_line[keys[i].as_py()])))


@check("unique", TABLE, cases=[
    Case("unique-constraint",
         Edits((SetProperty(("resources", "countries", "schema", "fields", "name", "constraints", "unique"), True),
                ReplaceText("countries", "MNG,Mongolia", "MNG,China"))),
         ["data/countries.csv:4:name: [unique] 'China' is on line 2 already; the column's values must be unique"],
         True),
])
def check_unique(tr: TableRead, tables=None) -> None:
    """A field with the constraint `unique: true` holds no value twice (empty cells aside), as
    Table Schema defines it; the message names the line that has the value first."""
    for fdef in tr.resource.fields:
        if sch.constraints(fdef).get("unique") is not True:
            continue
        keys = _key_strings(tr, [fdef["name"]])
        if keys is not None:
            _flag_repeats(tr, keys, fdef["name"], "unique",
                          lambda shown, line: f"{shown!r} is on line {line} already; the column's values must be "
                                              "unique")


@check("foreign-key", TABLE, cases=[
    Case("broken-foreign-key", ReplaceText("members", "KAZ,2001", "KAX,2001"),
         ["data/members.csv:3:iso3: [foreign-key] 'KAX' is not in data/countries.csv (iso3); add it there or fix "
          "the value"], True),
])
def check_foreign_keys(tr: TableRead, tables: dict[str, TableRead] | None) -> None:
    """Every non-empty foreign key points at a row of the table it refers to, so that a code
    always names something (a state, a source, a deal). Given one table alone (sco_data.load),
    there is nothing to check it against, and the check waits for validate. A reference to a
    table or column that does not exist is the lint's to report; an unreadable target is reported
    where it is."""
    import pyarrow.compute as pc

    if tables is None:
        return
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
                lambda i, c=child, r=ref: f"{_shown(c[i].as_py())!r} is not in {r}; add it there or fix the value")

