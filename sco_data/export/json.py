"""JSON: one array of objects per table (keys in schema order, one object a line) and a
datapackage.json describing the JSON files.

Cells are turned into JSON text column by column with Arrow compute, not row by row in Python:
the output is byte for byte what `json.dumps(value, ensure_ascii=False, separators=(",", ":"))`
gives for each cell.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import arrow as lit
from .. import schema as sch

OUTPUT = "json"
BATCH_ROWS = 65_536

# json.dumps escapes these with a short form; every other character below U+0020 is rare in text
# and left to json.dumps itself (see _quote). The backslash must go first.
_SHORT_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))
_OTHER_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_NEEDS_ESCAPE = r'[\\"\x00-\x1f]'


def _escaped(strings):
    """The text of each string's JSON literal without its quotes (nulls stay null), or None when
    a rare control character asks for json.dumps's \\uXXXX escapes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    needs = pc.fill_null(pc.match_substring_regex(strings, _NEEDS_ESCAPE), lit.scalar(False, pa.bool_()))
    if pc.any(needs).as_py():
        # Only the cells that need it are escaped, then put back in place.
        subset = strings.filter(needs)
        if pc.any(pc.match_substring_regex(subset, _OTHER_CONTROL)).as_py():
            return None
        for char, escaped in _SHORT_ESCAPES:
            if pc.any(pc.match_substring(subset, char)).as_py():
                subset = pc.replace_substring(subset, char, escaped)
        strings = pc.replace_with_mask(strings, needs, subset)
    return strings


def _quote(strings):
    """JSON string literals for an Arrow string array; nulls stay null."""
    import pyarrow.compute as pc

    escaped = _escaped(strings)
    if escaped is None:
        return lit.strings([None if v is None else json.dumps(v, ensure_ascii=False) for v in strings.to_pylist()])
    return pc.binary_join_element_wise(lit.text('"'), escaped, lit.text('"'), lit.text(""))


def iso_text(array, field: dict):
    """Dates as YYYY-MM-DD and date-times as YYYY-MM-DDTHH:MM:SS[.ffffff]Z, as Arrow strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.cast(array, pa.string())
    if sch.field_type(field) == "datetime":
        text = pc.replace_substring(text, " ", "T", max_replacements=1)
        text = pc.replace_substring_regex(text, r"\.0+Z$", "Z")
    return text


def _list_inner(array, flat=None, lengths=None):
    """The text between '["' and '"]' of each list, when no item needs escaping and no list is
    empty (the items then join as they are); None otherwise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_string(array.type.value_type):
        return None
    flat = pc.list_flatten(array) if flat is None else flat
    lengths = pc.list_value_length(array) if lengths is None else lengths
    if pc.any(pc.match_substring_regex(flat, _NEEDS_ESCAPE)).as_py():
        return None
    if pc.any(pc.and_(pc.is_valid(array), pc.equal(lengths, lit.scalar(0, pa.int32())))).as_py():
        return None
    return pc.binary_join(array, lit.text('","'))


def _list_literals(array):
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    flat = pc.cast(pc.list_flatten(array), pa.string())
    lengths = pc.fill_null(pc.list_value_length(array), lit.scalar(0, pa.int32()))
    inner = _list_inner(array, flat, lengths)
    if inner is not None:
        return pc.binary_join_element_wise(lit.text('["'), inner, lit.text('"]'), lit.text(""))
    offsets = lit.values(np.concatenate([[0], np.cumsum(lit.primitive_numpy(lit.combined(lengths)))]), pa.int32())
    escaped = _escaped(flat)
    empty = pc.any(pc.and_(pc.is_valid(array), pc.equal(lengths, lit.scalar(0, pa.int32())))).as_py()
    if escaped is None or empty:
        items, sep, head, tail = _quote(flat), ",", "[", "]"
    else:  # the quotes between items come with the separator: one pass less over the items
        items, sep, head, tail = escaped, '","', '["', '"]'
    lists = pa.ListArray.from_arrays(offsets, items, mask=pc.is_null(array))
    joined = pc.binary_join(lists, lit.text(sep))
    return pc.binary_join_element_wise(lit.text(head), joined, lit.text(tail), lit.text(""))


def json_values(array, field: dict):
    """Each cell of one column (an Arrow Array) as JSON text; null cells stay null."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    ftype = sch.field_type(field)
    if pa.types.is_dictionary(array.type):
        array = pc.cast(array, pa.string())
    if ftype == "string":
        return _quote(array)
    if ftype in ("integer", "year"):
        return pc.cast(array, pa.string())
    if ftype == "number":
        text = pc.cast(array, pa.string())
        # Arrow prints 3.0 as "3"; keep it a float for readers that infer types from the text.
        # Only a whole number can print so, and the text of those few is looked at.
        integral = pc.fill_null(pc.equal(pc.floor(array), array), lit.scalar(False, pa.bool_()))
        if not pc.any(integral).as_py():
            return text
        positions = pc.indices_nonzero(integral)
        candidates = text.take(positions)
        digits = pc.match_substring_regex(candidates, r"^-?[0-9]+$")
        if not pc.any(digits).as_py():
            return text
        mask = np.zeros(len(text), dtype=bool)
        mask[positions.filter(digits).to_numpy()] = True
        fixed = pc.binary_join_element_wise(candidates.filter(digits), lit.text(".0"), lit.text(""))
        return pc.replace_with_mask(text, lit.values(mask, pa.bool_()), fixed)
    if ftype == "boolean":
        return pc.if_else(array, lit.text("true"), lit.text("false"))
    if ftype in ("date", "datetime"):
        return pc.binary_join_element_wise(lit.text('"'), iso_text(array, field), lit.text('"'), lit.text(""))
    if ftype == "list":
        return _list_literals(array)
    raise AssertionError(ftype)


def _rows(batch, keys: list[str], fields: list[dict]):
    """One JSON object per row of a record batch, each followed by ",\n", as one string array.

    A string column without nulls needs no per-cell quoting: its quotes join the literal text
    around it (`,"name":"` … `"`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pieces: list = []
    text = "{"
    for i, (key, fdef) in enumerate(zip(keys, fields, strict=False)):
        text += ("" if i == 0 else ",") + key + ":"
        column = batch.column(fdef["name"])
        ftype = sch.field_type(fdef)
        escaped = None
        if ftype == "string" and column.null_count == 0:
            if pa.types.is_dictionary(column.type):
                column = pc.cast(column, pa.string())
            escaped = _escaped(column)
        elif ftype in ("date", "datetime") and column.null_count == 0:
            escaped = iso_text(column, fdef)  # ISO text needs no escaping
        inner = _list_inner(column) if ftype == "list" and column.null_count == 0 else None
        if inner is not None:
            pieces += [lit.text(text + '["'), inner]
            text = '"]'
        elif escaped is not None:
            pieces += [lit.text(text + '"'), escaped]
            text = '"'
        else:
            pieces += [lit.text(text), pc.fill_null(json_values(column, fdef), lit.text("null"))]
            text = ""
    pieces.append(lit.text(text + "},\n"))
    rows = pc.binary_join_element_wise(*pieces, lit.text(""))
    return rows.combine_chunks() if isinstance(rows, pa.ChunkedArray) else rows


def _write_table(path: Path, fields: list[dict], table) -> None:
    import os
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    keys = [json.dumps(f["name"], ensure_ascii=False) for f in fields]
    batches = [b for b in table.to_batches(max_chunksize=BATCH_ROWS) if b.num_rows]
    with path.open("wb") as fh:
        if not batches:
            fh.write(b"[]\n")
            return
        fh.write(b"[\n")
        # Arrow compute releases the GIL, so batches are encoded on every core; a bounded queue
        # keeps them written in order without holding the whole file in memory.
        workers = os.cpu_count() or 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: deque = deque()
            for n, batch in enumerate(batches):
                pending.append((n, pool.submit(_rows, batch, keys, fields)))
                while pending and (len(pending) > 2 * workers or n == len(batches) - 1):
                    index, future = pending.popleft()
                    rows = future.result()
                    all_offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)
                    offsets = all_offsets[rows.offset : rows.offset + len(rows) + 1]
                    start, end = int(offsets[0]), int(offsets[-1])
                    if index == len(batches) - 1:
                        end -= 2  # no separator after the last object
                    fh.write(memoryview(rows.buffers()[2])[start:end])
        fh.write(b"\n]\n")


def descriptor(pkg) -> dict:
    """The package descriptor, its resources pointing at the JSON files."""
    desc = json.loads(json.dumps(pkg.descriptor))
    for res, resolved in zip(desc["resources"], pkg.resources, strict=False):
        res["schema"] = resolved.schema
        res["path"] = f"{res['name']}.json"
        res["format"] = "json"
        res["mediatype"] = "application/json"
        for key in ("encoding", "dialect", "bytes", "hash"):
            res.pop(key, None)
    return desc


def write(pkg, tables: dict, out_dir: Path) -> list[Path]:
    folder = out_dir / OUTPUT
    folder.mkdir()
    written = []
    for res in pkg.resources:
        path = folder / f"{res.name}.json"
        _write_table(path, res.fields, tables[res.name])
        written.append(path)
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor(pkg), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(path)
    return written
