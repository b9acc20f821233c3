"""CSV to typed Arrow tables: the only CSV reader in the toolkit.

pyarrow parses, in the resource's CSV dialect (dialect.py); every cell is first read as text, then
typed column by column, vectorised, by the field's Table Schema type (convert.py). Cells that do
not fit their type become problems with the file's own line numbers. Structural faults (a broken
quote, a row with the wrong number of cells, a blank line, bytes that are not UTF-8) are diagnosed
with Python's csv module (structure.py), which can say exactly which line is wrong.

Reading never checks: the reader returns typed tables and the problems met while reading, and
the callers (validate, export, sco_data.load through tables.py) run the checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import arrow as lit
from . import dialect as dia
from . import schema as sch
from .convert import convert, hint
from .descriptor import Package, Resource
from .errors import Problem
from .structure import diagnose_structure, header_problems, read_header, record_starts, scan_bytes, utf8_problem

MAX_PROBLEMS_PER_COLUMN = 20


class RowLocator:
    """Maps a data record's index (0-based) to the line it starts on in the file (header = 1).

    Records and lines only differ when a quoted cell holds a line break; the file is re-read
    to find out only when a problem needs a line number.
    """

    def __init__(self, path: Path, dialect: dia.Dialect = dia.DEFAULT):
        self.path = path
        self.dialect = dialect
        self._starts: list[int] | None = None

    def line(self, index: int) -> int:
        if self._starts is None:
            self._starts = record_starts(self.path, self.dialect)
        if self._starts and index < len(self._starts):
            return self._starts[index]
        return index + 2


@dataclass
class TableRead:
    resource: Resource
    display: str
    table: object | None  # pyarrow.Table, or None when the file could not be read as a table
    problems: list[Problem] = field(default_factory=list)
    locator: RowLocator | None = None
    crlf_line: int | None = None  # the first line that ends in CR LF

    def line(self, index: int) -> int:
        return self.locator.line(index) if self.locator else index + 2

    def flag(self, mask, column: str, rule: str, message, noun: str = "rows") -> None:
        """A problem for every row where the boolean mask is true (nulls count as false), at most
        MAX_PROBLEMS_PER_COLUMN and then a count; message(i) says what is wrong in row i (0-based
        record index)."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        mask = pc.fill_null(mask, lit.scalar(False, pa.bool_()))
        if not pc.any(mask).as_py():
            return
        idx = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
        for i in idx[:MAX_PROBLEMS_PER_COLUMN]:
            self.problems.append(Problem(self.display, self.line(int(i)), column, rule, message(int(i))))
        if len(idx) > MAX_PROBLEMS_PER_COLUMN:
            self.problems.append(Problem(self.display, None, column, rule,
                                         f"{len(idx) - MAX_PROBLEMS_PER_COLUMN} more {noun} like these"))


def _shown_cell(text: str, limit: int = 80) -> str:
    """A cell as a message quotes it: whole up to `limit` characters, else its start and length."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text)} characters)"


def _convert(tr: TableRead, fdef: dict, raw):
    """One text column to its schema type; the cells that do not fit become problems."""
    ftype = sch.field_type(fdef)
    name = fdef["name"]
    present = None

    def report(bad, reason=None):
        import pyarrow.compute as pc

        nonlocal present
        if present is None:
            present = pc.is_valid(raw)
        why = reason or f"is not a valid {ftype}; {hint(fdef)}"
        tr.flag(pc.and_(present, bad), name, "type", lambda i: f"{_shown_cell(raw[i].as_py())} {why}", noun="cells")

    return convert(fdef, raw, report)


def _csv_options(res: Resource, dialect: dia.Dialect) -> dict:
    """Every cell as text (typing is ours), empty cells as null, line breaks allowed in quotes,
    in the resource's dialect. 1 MB blocks: faster than larger ones here, and a third less memory.
    Arrow checks UTF-8 as it reads; where it fails, structure.utf8_problem says where.

    No invalid_row_handler: a row with the wrong number of cells raises, and the csv module then
    says which. A Python callback would be called from Arrow's threads, which must take the GIL;
    one still parsing ahead when the interpreter exits is stopped by it (pthread_exit inside C++)
    and the process aborts ("terminate called without an active exception")."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return dict(
        read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 20),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=True,
            ignore_empty_lines=False,
            **dialect.arrow_kwargs(),
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in res.field_names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=list(res.schema.get("missingValues", [""])),
            check_utf8=True,
        ),
    )


def _has_empty_row(batch) -> bool:
    """Whether some row has every cell empty (a blank line, or a row of only commas)."""
    import pyarrow.compute as pc

    if not batch.num_rows or not batch.num_columns:
        return False
    all_null = pc.is_null(batch.column(0))
    for col in batch.columns[1:]:
        all_null = pc.and_(all_null, pc.is_null(col))
    return bool(pc.any(all_null).as_py())


def _typed_if_valid(res: Resource, raw, fdef: dict):
    """A text column typed by its field when every cell is valid, else None. The same typing as
    the checking path, into a scratch TableRead whose problems only say whether to give up."""
    probe = TableRead(res, res.relpath, None)
    typed = _convert(probe, fdef, raw)
    return None if probe.problems else typed


def _type_batch(res: Resource, schema, batch):
    if _has_empty_row(batch):
        return None
    columns = []
    for fdef in res.fields:
        typed = _typed_if_valid(res, batch.column(fdef["name"]), fdef)
        if typed is None:
            return None
        columns.append(typed)
    import pyarrow as pa

    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _drain(reader) -> None:
    """Read a streaming reader to its end: its read-ahead runs on Arrow's threads, and a reader
    left behind mid-file may still be parsing when the interpreter exits, which aborts it."""
    import pyarrow as pa

    try:
        for _ in reader:
            pass
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass


def _read_valid(res: Resource, options: dict):
    """The read of a valid file: streamed block by block, each block typed as it arrives, so the
    text of number, date and boolean columns is never held whole. None at the first sign of
    trouble (a bad cell, a malformed or empty row); the checking path then reads the file again
    and says exactly what is wrong.

    Blocks are typed on other threads (Arrow compute releases the GIL) while the reader parses
    the next ones; a bounded queue keeps memory flat and the blocks in order."""
    import os
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.csv as pacsv

    schema = sch.arrow_schema(res.schema)
    batches = []
    workers = os.cpu_count() or 1
    try:
        reader = pacsv.open_csv(res.path, **options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: deque = deque()
            for batch in reader:
                pending.append(pool.submit(_type_batch, res, schema, batch))
                while len(pending) > 2 * workers or (pending and pending[0].done()):
                    typed = pending.popleft().result()
                    if typed is None:
                        return None
                    batches.append(typed)
            for future in pending:
                typed = future.result()
                if typed is None:
                    return None
                batches.append(typed)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    finally:
        _drain(reader)
    return pa.Table.from_batches(batches, schema=schema)


def read_resource(res: Resource, display: str | None = None) -> TableRead:
    """Read one resource as a typed pyarrow.Table, collecting every problem met on the way."""
    display = display or res.relpath
    tr = TableRead(res, display, None, [], None)
    try:
        _read_into(tr)
    except OSError as exc:
        # A file that exists but cannot be opened (permissions).
        tr.table = None
        tr.problems.append(Problem(display, None, None, "file-unreadable",
                                   f"cannot read the file: {exc.strerror or exc}"))
    return tr


def _base(res: Resource) -> Path:
    """The folder a resource's relative paths (a dialect file) start from."""
    return res.base if res.base is not None else res.path.parent


def _refusals(tr: TableRead) -> list[Problem]:
    """What stops the file being read as its descriptor says: a path that is no file, a dialect
    or a field this toolkit does not read."""
    res, display, path = tr.resource, tr.display, tr.resource.path
    if path.is_dir():
        return [Problem(display, None, None, "file-missing",
                        "is a folder, not a file; the resource's path must name its CSV file")]
    if not path.is_file():
        return [Problem(display, None, None, "file-missing", "file not found; create it with its header row")]
    found = [Problem(display, None, None, "dialect", f"not read: the descriptor says {why}")
             for _, why in dia.dialect_faults(res.descriptor, _base(res))]
    found += [Problem(display, None, f["name"], "field-type", f"not read: the schema says {sch.unsupported(f)}")
              for f in res.fields if sch.unsupported(f)]
    if found:
        return found
    if path.stat().st_size == 0:
        return [Problem(display, None, None, "file-empty", "file is empty; it needs at least the header row")]
    return []


def _read_into(tr: TableRead) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    res, display, path = tr.resource, tr.display, tr.resource.path
    refused = _refusals(tr)
    if refused:
        tr.problems.extend(refused)
        return
    dialect = dia.dialect(res.descriptor, _base(res))
    tr.locator = RowLocator(path, dialect)
    bom, unclosed_quote, tr.crlf_line = scan_bytes(path, dialect.quotechar)
    if bom:
        tr.problems.append(Problem(display, 1, None, "utf8-bom",
                                   "file starts with a UTF-8 byte order mark; save as UTF-8 without BOM"))
    # With an escape character a quote may stand alone, escaped; the count says nothing then.
    unclosed_quote = unclosed_quote and not dialect.escapechar
    try:
        header, problems = read_header(path, display, dialect)
    except UnicodeDecodeError:
        header, problems = None, [utf8_problem(path, display)]
    if problems:
        tr.problems.extend(problems)
        return
    names = res.field_names
    problems = header_problems(header, names, display)
    if problems:
        tr.problems.extend(problems)
        return

    options = _csv_options(res, dialect)
    fast = None if unclosed_quote else _read_valid(res, options)
    if fast is not None:
        tr.table = fast
        return
    try:
        raw = pacsv.read_csv(path, **options)
    except pa.ArrowInvalid:
        tr.problems.extend(diagnose_structure(path, display, len(names), dialect))
        return

    blank = _has_empty_row(raw)
    if blank or unclosed_quote:
        found = diagnose_structure(path, display, len(names), dialect)
        if found and not (len(found) == 1 and found[0].row is None):
            tr.problems.extend(found)
            return
        # A row of only empty cells (",,,") is not a blank line: typing and constraints judge it.

    arrays = []
    for fdef in res.fields:
        arrays.append(_convert(tr, fdef, raw.column(fdef["name"])))
    tr.table = pa.Table.from_arrays(arrays, schema=sch.arrow_schema(res.schema))


def read_package(pkg: Package) -> dict[str, TableRead]:
    return {res.name: read_resource(res, pkg.display(res.path)) for res in pkg.resources}
