"""The CSV files of reference/: extracts of outside registers and the decisions we keep beside
them. Each is read the same way: UTF-8, a header exactly as described, every problem a DocsError
that names the file (and the line) as a maintainer sees it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import DocsError


def read_rows(path: Path, where: str, columns: list[str]) -> list[tuple[int, list[str]]]:
    """(line, cells) for every row after the header, lines counted as in the file (header = 1);
    DocsError when the file cannot be read or its header is not `columns`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DocsError(f"{where}: cannot read it: {exc.strerror or exc}") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or rows[0] != columns:
        raise DocsError(f"{where}: the header must be {','.join(columns)}")
    return list(enumerate(rows[1:], start=2))
