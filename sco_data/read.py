"""CSV to typed Arrow tables: the only CSV reader in the toolkit.

pyarrow parses; every cell is first read as text, then typed column by column, vectorised, by the
field's Table Schema type (see schema.py). Cells that do not fit their type become problems with
the file's own line numbers. Structural faults (a broken quote, a row with the wrong number of
cells, a blank line, bytes that are not UTF-8) are diagnosed again with Python's csv module,
which is slower but can say exactly which line is wrong; that only happens when something is.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import arrow as lit
from . import schema as sch
from .descriptor import Package, Resource
from .errors import InvalidDataError, Problem

MAX_PROBLEMS_PER_COLUMN = 20
BOM = b"\xef\xbb\xbf"

_INTEGER = r"^[+-]?[0-9]+$"
_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_YEAR = r"^[0-9]{4}$"
# What fromisoformat may judge: a full date, hours, minutes and seconds, and a zone. On its own it
# also takes 10:00Z without seconds, the basic form 20080828T100000Z and zones with seconds,
# which are no Table Schema date-times (Frictionless refuses them too).
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)"
)

_HINTS = {
    "integer": "write a whole number with digits only, no separators",
    "number": "write a number with a '.' decimal point and no separators",
    "boolean": "write true or false",
    "date": "write the date as YYYY-MM-DD (a real calendar day); if only the year is known, leave the date empty",
    "datetime": "write an ISO 8601 date-time with a time zone, e.g. 2008-08-28T10:00:00Z",
    "year": "write a four-digit year",
    "list": "separate items with the delimiter and leave no item empty",
}


class RowLocator:
    """Maps a data record's index (0-based) to the line it starts on in the file (header = 1).

    Records and lines only differ when a quoted cell holds a line break; the file is re-read
    to find out only when a problem needs a line number.
    """

    def __init__(self, path: Path):
        self.path = path
        self._starts: list[int] | None = None

    def line(self, index: int) -> int:
        if self._starts is None:
            self._starts = self._scan()
        if self._starts and index < len(self._starts):
            return self._starts[index]
        return index + 2

    def _scan(self) -> list[int]:
        with self.path.open("rb") as fh:
            data = fh.read()
        if b'"' not in data:
            return []
        starts: list[int] = []
        with self.path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            begin = reader.line_num + 1
            for _ in reader:
                starts.append(begin)
                begin = reader.line_num + 1
        return starts


@dataclass
class TableRead:
    resource: Resource
    display: str
    table: object | None  # pyarrow.Table, or None when the file could not be read as a table
    problems: list[Problem] = field(default_factory=list)
    locator: RowLocator | None = None

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


def _utf8_problem(path: Path, display: str) -> Problem | None:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Problem(
            display,
            line,
            None,
            "encoding",
            f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8; save the file as UTF-8",
        )
    return None


def _cells(n: int) -> str:
    return f"{n} cell" if n == 1 else f"{n} cells"


def diagnose_structure(path: Path, display: str, n_columns: int) -> list[Problem]:
    """Python's csv module, strict, line by line: the precise account of a malformed file."""
    enc = _utf8_problem(path, display)
    if enc:
        return [enc]
    problems: list[Problem] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            next(reader, None)
            begin = reader.line_num + 1
            for row in reader:
                if not row:
                    problems.append(Problem(display, begin, None, "blank-row", "blank line; delete it"))
                elif len(row) != n_columns:
                    more = "many" if len(row) > n_columns else "few"
                    problems.append(
                        Problem(
                            display,
                            begin,
                            None,
                            "malformed-csv",
                            f"row has {_cells(len(row))} but the header has {n_columns} (too {more}); "
                            "check for a missing or extra comma or an unquoted comma in a cell",
                        )
                    )
                begin = reader.line_num + 1
        except csv.Error as exc:
            reason = str(exc)
            if "end of data" in reason or "EOF" in reason:
                reason = "a quoted cell is never closed; add the missing '\"'"
            problems.append(Problem(display, begin, None, "malformed-csv", f"malformed CSV: {reason}"))
    if not problems:
        problems.append(Problem(display, None, None, "malformed-csv", "the file could not be parsed as CSV"))
    return problems


def _read_header(path: Path, display: str) -> tuple[list[str] | None, list[Problem]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError:
        return None, [_utf8_problem(path, display)]
    except csv.Error as exc:
        return None, [Problem(display, 1, None, "malformed-csv", f"header row cannot be parsed: {exc}")]
    if not header:
        return None, [Problem(display, 1, None, "file-empty", "no header row; the first line must name the columns")]
    return header, []


def _header_problems(header: list[str], names: list[str], display: str) -> list[Problem]:
    if header == names:
        return []
    missing = [n for n in names if n not in header]
    extra = [h for h in header if h not in names]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("unknown " + ", ".join(repr(e) for e in extra))
    if not parts:
        parts.append("columns are out of order")
    return [
        Problem(
            display,
            1,
            None,
            "header",
            f"header does not match the schema ({'; '.join(parts)}); expected: {','.join(names)}",
        )
    ]


def _strict_cast(raw, ftype: str, target):
    """The whole column through Arrow's own parser, when that parser is at least as strict as the
    Table Schema rules below, or None to take the checking path (which then finds the bad cells).
    On valid data this is what a read costs: the regular expressions never run."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if ftype not in ("integer", "year", "number", "date"):
        return None
    try:
        if ftype == "year":
            # four ASCII digits: Arrow rejects non-ASCII digits; length 4 and no sign checked here
            lengths = pc.binary_length(raw)
            if pc.min_max(lengths).as_py() not in ({"min": 4, "max": 4}, {"min": None, "max": None}):
                return None
            if pc.all(pc.utf8_is_digit(raw)).as_py() is False:
                return None
            return pc.cast(raw, target)
        if ftype == "integer" and pc.any(pc.match_substring(raw, "x", ignore_case=True)).as_py():
            return None  # Arrow reads 0x1F as hexadecimal; a Table Schema integer is decimal
        if ftype == "date" and pc.any(pc.starts_with(raw, pattern="0000")).as_py():
            return None  # Arrow's cast takes year 0, which the calendar does not have
        typed = pc.cast(raw, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if ftype == "number" and pc.all(pc.is_finite(typed)).as_py() is False:
        return None  # nan, inf and Infinity are not written that way in a Table Schema number here
    return typed


def _convert(tr: TableRead, fdef: dict, raw):
    """One text column to its schema type, vectorised. Returns the typed array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ftype = sch.field_type(fdef)
    name = fdef["name"]
    target = sch.arrow_type(fdef)
    present = pc.is_valid(raw)

    def report(bad):
        hint = _HINTS.get(ftype, "")
        tr.flag(pc.and_(present, bad), name, "type", lambda i: f"{raw[i].as_py()!r} is not a valid {ftype}; {hint}",
                noun="cells")

    if ftype == "string":
        return raw
    fast = _strict_cast(raw, ftype, target)
    if fast is not None:
        return fast
    if ftype in ("integer", "year", "number"):
        pattern = {"integer": _INTEGER, "year": _YEAR, "number": _NUMBER}[ftype]
        ok = pc.match_substring_regex(raw, pattern)
        clean = pc.if_else(ok, pc.utf8_ltrim(raw, characters="+"), lit.scalar(None, pa.string()))
        try:
            typed = pc.cast(clean, target)
        except pa.ArrowInvalid:
            # Out of range for the target type: find the offending cells one by one.
            limit = 2**63 if ftype == "integer" else 2**31
            vals = clean.to_pylist()
            fits = [v is None or -limit <= int(v) < limit for v in vals]
            report(pc.invert(pa.array(fits)))
            kept = [v if f else None for v, f in zip(vals, fits, strict=False)]
            typed = pc.cast(pa.array(kept, pa.string()), target)
        report(pc.invert(pc.fill_null(ok, lit.scalar(True, pa.bool_()))))
        if ftype == "number":
            # Beyond the range of a double (1e400) the cast gives infinity, which no export can
            # write as a number: out of range, as an integer beyond 64 bits is.
            huge = pc.invert(pc.is_finite(typed))
            report(huge)
            typed = pc.if_else(huge, lit.scalar(None, pa.float64()), typed)
        return typed
    if ftype == "boolean":
        true_values = fdef.get("trueValues", list(sch.DEFAULT_TRUE))
        false_values = fdef.get("falseValues", list(sch.DEFAULT_FALSE))
        is_true = pc.is_in(raw, value_set=lit.strings(true_values))
        is_false = pc.is_in(raw, value_set=lit.strings(false_values))
        known = pc.or_(is_true, is_false)
        report(pc.invert(known))
        # A cell that is neither true nor false has no value: reported above, it must not count
        # as false (an enum of [true] would then report it a second time).
        return pc.if_else(known, is_true, lit.scalar(None, pa.bool_()))
    if ftype == "date":
        ok = pc.match_substring_regex(raw, _DATE)
        parsed = pc.strptime(
            pc.if_else(ok, raw, lit.scalar(None, pa.string())), format="%Y-%m-%d", unit="s", error_is_null=True
        )
        # strptime rolls an impossible day over (2017-06-31 becomes 2017-07-01): a date is only
        # valid when it prints back as written. Year 0 is no year of the calendar Table Schema uses.
        real = pc.and_(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), raw),
                       pc.invert(pc.starts_with(raw, pattern="0000")))
        good = pc.fill_null(pc.and_(ok, real), lit.scalar(False, pa.bool_()))
        report(pc.invert(good))
        return pc.cast(pc.if_else(good, parsed, lit.scalar(None, parsed.type)), pa.date32())
    if ftype == "datetime":
        out, good = [], []
        for v in raw.to_pylist():
            if v is None:
                out.append(None)
                good.append(True)
                continue
            try:
                if not _DATETIME.fullmatch(v):
                    raise ValueError
                dt = datetime.fromisoformat(v)
                if dt.tzinfo is None:
                    raise ValueError
                out.append(dt.astimezone(timezone.utc))
                good.append(True)
            except ValueError:
                out.append(None)
                good.append(False)
        report(pc.invert(pa.array(good)))
        return pa.array(out, target)
    if ftype == "list":
        delim = sch.list_delimiter(fdef)
        d = re.escape(delim)
        report(pc.match_substring_regex(raw, f"^{d}|{d}{d}|{d}$|^$"))
        return pc.split_pattern(raw, delim)
    raise AssertionError(ftype)


def _csv_options(res: Resource, on_invalid) -> dict:
    """Every cell as text (typing is ours), empty cells as null, line breaks allowed in quotes.
    1 MB blocks: faster than larger ones here, and a third less memory."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return dict(
        read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 20),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
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


def _read_valid(res: Resource, options: dict, invalid_rows: list):
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
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: deque = deque()
            for batch in pacsv.open_csv(res.path, **options):
                if invalid_rows:
                    return None
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
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    if invalid_rows:
        return None
    return pa.Table.from_batches(batches, schema=schema)


def read_resource(res: Resource, display: str | None = None) -> TableRead:
    """Read one resource as a typed pyarrow.Table, collecting every problem met on the way."""
    display = display or res.relpath
    tr = TableRead(res, display, None, [], RowLocator(res.path))
    try:
        _read_into(tr)
    except OSError as exc:
        # A file that exists but cannot be opened (permissions, a folder in its place).
        tr.table = None
        tr.problems.append(Problem(display, None, None, "file-unreadable",
                                   f"cannot read the file: {exc.strerror or exc}"))
    return tr


def _read_into(tr: TableRead) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    res, display, path = tr.resource, tr.display, tr.resource.path
    if not path.is_file():
        tr.problems.append(Problem(display, None, None, "file-missing",
                                   "file not found; create it with its header row"))
        return
    if path.stat().st_size == 0:
        tr.problems.append(Problem(display, None, None, "file-empty",
                                   "file is empty; it needs at least the header row"))
        return
    with path.open("rb") as fh:
        start = fh.read(3)
        # Every '"' of a well-formed file opens, closes or doubles inside a quoted cell, so an odd
        # count means a quote left open; pyarrow would silently run that cell to the end of file.
        # Counted in blocks, so a large file is never held whole.
        quotes = start.count(b'"')
        for block in iter(lambda: fh.read(1 << 20), b""):
            quotes += block.count(b'"')
        unclosed_quote = quotes % 2 == 1
        if start == BOM:
            tr.problems.append(
                Problem(display, 1, None, "utf8-bom",
                        "file starts with a UTF-8 byte order mark; save as UTF-8 without BOM")
            )
    untyped = [(f["name"], sch.unsupported(f)) for f in res.fields if sch.unsupported(f)]
    if untyped:
        for name, reason in untyped:
            tr.problems.append(Problem(display, None, name, "field-type", f"not read: the schema says {reason}"))
        return
    header, problems = _read_header(path, display)
    if problems:
        tr.problems.extend(problems)
        return
    names = res.field_names
    problems = _header_problems(header, names, display)
    if problems:
        tr.problems.extend(problems)
        return

    invalid_rows: list = []

    def on_invalid(row):
        invalid_rows.append(row)
        return "skip"

    options = _csv_options(res, on_invalid)
    fast = None if unclosed_quote else _read_valid(res, options, invalid_rows)
    if fast is not None:
        tr.table = fast
        return
    invalid_rows.clear()
    try:
        raw = pacsv.read_csv(path, **options)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        tr.problems.extend(diagnose_structure(path, display, len(names)))
        return

    blank = _has_empty_row(raw)
    if invalid_rows or blank or unclosed_quote:
        found = diagnose_structure(path, display, len(names))
        if found and not (len(found) == 1 and found[0].row is None and not invalid_rows):
            tr.problems.extend(found)
            return
        # A row of only empty cells (",,,") is not a blank line: typing and constraints judge it.

    arrays = []
    for fdef in res.fields:
        arrays.append(_convert(tr, fdef, raw.column(fdef["name"])))
    tr.table = pa.Table.from_arrays(arrays, schema=sch.arrow_schema(res.schema))


def read_package(pkg: Package) -> dict[str, TableRead]:
    return {res.name: read_resource(res, pkg.display(res.path)) for res in pkg.resources}


def read_table(res: Resource, display: str | None = None, *, check: bool = True):
    """A typed table whose every cell passed the table's own checks (types, calendar, constraints,
    clean text, the primary key), or InvalidDataError listing why not. Cross-table rules are
    validate's: one table can be read without the others. check=False keeps only what reading
    itself refuses (a cell that is not of its type, bytes that are not UTF-8, broken CSV): for
    comparing versions, whose older constraints may not be today's."""
    from .checks import check_table

    tr = read_resource(res, display)
    if check:
        check_table(tr)
        errors = [p for p in tr.problems if p.is_error]
    else:
        errors = [p for p in tr.problems if p.rule in ("type", "encoding", "malformed-csv")]
    if tr.table is None or errors:
        raise InvalidDataError(f"{tr.display} cannot be read: {len(errors or tr.problems)} problem(s); run "
                               "`sco-data validate`", errors or tr.problems)
    return tr.table
