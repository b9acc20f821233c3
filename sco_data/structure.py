"""The structure of a CSV file, judged with Python's csv module: the header, line numbers of
records, and the precise account of a malformed file (a broken quote, a row with the wrong number
of cells, a blank line, bytes that are not UTF-8). Slower than pyarrow, but it can say exactly
which line is wrong; the reader only asks when something is.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .dialect import DEFAULT, Dialect
from .errors import Problem

BOM = b"\xef\xbb\xbf"
# The csv module refuses a cell over 128 KiB by default; a cell is as long as the file allows.
_FIELD_LIMIT = 2**31 - 1


@contextmanager
def csv_records(path: Path, dialect: Dialect = DEFAULT, errors: str = "strict") -> Iterator:
    """csv.reader over a file, strict, in the resource's dialect, without a limit on cell size."""
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    with path.open(encoding="utf-8-sig", errors=errors, newline="") as fh:
        yield csv.reader(fh, strict=True, **dialect.csv_kwargs())


def scan_bytes(path: Path, quotechar: str = '"') -> tuple[bool, bool, int | None]:
    """One pass over the bytes, in blocks so that a large file is never held whole: whether it
    starts with a BOM, whether a quote is left open (an odd count of quote characters: every one
    of a well-formed file opens, closes or doubles inside a quoted cell), and the first line that
    ends in CR LF (None when every line ends in LF alone). UTF-8 is Arrow's to check as it reads;
    utf8_problem says where it is broken when it is."""
    quote = quotechar.encode("utf-8")
    quotes, offset, crlf_at, last, bom = 0, 0, None, b"", False
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            if not offset:
                bom = block.startswith(BOM)
            quotes += block.count(quote)
            if crlf_at is None and (b"\r" in block or last == b"\r"):
                at = (last + block).find(b"\r\n")
                if at >= 0:
                    crlf_at = offset - len(last) + at
            last = block[-1:]
            offset += len(block)
    return bom, quotes % 2 == 1, None if crlf_at is None else _line_at(path, crlf_at)


def _line_at(path: Path, offset: int) -> int:
    """The line (1 = first) that holds the byte at offset."""
    lines = 1
    with path.open("rb") as fh:
        while offset > 0:
            block = fh.read(min(offset, 1 << 20))
            if not block:
                break
            lines += block.count(b"\n")
            offset -= len(block)
    return lines


def utf8_problem(path: Path, display: str) -> Problem | None:
    """The first byte of the file that is not UTF-8, as a problem; None when every byte is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                at = offset + exc.start
                return _encoding_problem(display, _line_at(path, at), block[exc.start], at)
            offset += len(block)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return Problem(display, _line_at(path, offset), None, "encoding",
                       "the file ends inside a UTF-8 character; save the file as UTF-8")
    return None


def _encoding_problem(display: str, line: int, byte: int, offset: int) -> Problem:
    return Problem(display, line, None, "encoding",
                   f"byte 0x{byte:02x} at offset {offset} is not UTF-8; save the file as UTF-8")


def _cells(n: int) -> str:
    return f"{n} cell" if n == 1 else f"{n} cells"


def diagnose_structure(path: Path, display: str, n_columns: int, dialect: Dialect = DEFAULT) -> list[Problem]:
    """Python's csv module, strict, line by line: the precise account of a malformed file; bytes
    that are not UTF-8 are said first, and alone."""
    encoding = utf8_problem(path, display)
    if encoding is not None:
        return [encoding]
    problems: list[Problem] = []
    with csv_records(path, dialect) as reader:
        begin = 1
        try:
            next(reader, None)
            begin = reader.line_num + 1
            for row in reader:
                if not row:
                    problems.append(Problem(display, begin, None, "blank-row", "blank line; delete it"))
                elif len(row) != n_columns:
                    more = "many" if len(row) > n_columns else "few"
                    sep = "comma" if dialect.delimiter == "," else f"{dialect.delimiter!r}"
                    problems.append(Problem(
                        display, begin, None, "malformed-csv",
                        f"row has {_cells(len(row))} but the header has {n_columns} (too {more}); "
                        f"check for a missing or extra {sep} or an unquoted {sep} in a cell"))
                begin = reader.line_num + 1
        except csv.Error as exc:
            reason = str(exc)
            if "end of data" in reason or "EOF" in reason:
                reason = f"a quoted cell is never closed; add the missing '{dialect.quotechar}'"
            problems.append(Problem(display, begin, None, "malformed-csv", f"malformed CSV: {reason}"))
    if not problems:
        problems.append(Problem(display, None, None, "malformed-csv", "the file could not be parsed as CSV"))
    return problems


def read_header(path: Path, display: str, dialect: Dialect = DEFAULT) -> tuple[list[str] | None, list[Problem]]:
    try:
        with csv_records(path, dialect) as reader:
            header = next(reader, None)
    except csv.Error as exc:
        return None, [Problem(display, 1, None, "malformed-csv", f"header row cannot be parsed: {exc}")]
    if not header:
        return None, [Problem(display, 1, None, "file-empty", "no header row; the first line must name the columns")]
    return header, []


def header_problems(header: list[str], names: list[str], display: str) -> list[Problem]:
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
    return [Problem(display, 1, None, "header",
                    f"header does not match the schema ({'; '.join(parts)}); expected: {','.join(names)}")]


def record_starts(path: Path, dialect: Dialect = DEFAULT) -> list[int]:
    """The line each data record starts on (header = 1); empty when no record spans lines (no
    quote character in the file), so that record i is on line i + 2."""
    with path.open("rb") as fh:
        data = fh.read()
    if dialect.quotechar.encode("utf-8") not in data and not dialect.escapechar:
        return []
    starts: list[int] = []
    try:
        with csv_records(path, dialect, errors="replace") as reader:
            next(reader, None)
            begin = reader.line_num + 1
            for _ in reader:
                starts.append(begin)
                begin = reader.line_num + 1
    except csv.Error:
        pass  # a malformed file: the lines up to the fault are known, and the fault is reported
    return starts
