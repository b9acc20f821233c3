"""What a file of a snapshot says, apart from the bytes its writer happened to produce.

A rebuilt snapshot is byte-identical to the published one only on the toolchain that built it:
Parquet records its writer's version, and a newer pyarrow, openpyxl or SQLite may lay out the
same values differently. `verify --rebuild` then compares content instead: for every file, what a
reader gets out of it. Each reader below returns a plain Python value that two files share exactly
when their content is the same; the only things left out are fields that name the writer.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

# The packages whose versions decide the bytes of a snapshot's files.
WRITERS = ("pyarrow", "openpyxl")
# Schema metadata that says how pandas should read a Parquet file: derived from the Arrow schema,
# so it adds no content (older snapshots were written without it).
READING_HINTS = {b"pandas"}
# Files of a snapshot that name the toolchain or list checksums: never content.
NOT_CONTENT = {"toolchain.json", "SHA256SUMS"}


def toolchain() -> dict[str, str]:
    """The versions of everything that writes a snapshot's bytes, and a digest of the toolkit's
    own writers (its version follows the data's, so the code is fingerprinted instead)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for name in WRITERS:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*here.glob("*.py"), *(here / "export").rglob("*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    found["sco-data-code"] = digest.hexdigest()[:16]
    return found


def _parquet(data: bytes):
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
    meta = {k: v for k, v in (table.schema.metadata or {}).items() if k not in READING_HINTS}
    fields = [(f.name, str(f.type), f.nullable, dict(f.metadata or {})) for f in table.schema]
    return {"fields": fields, "metadata": meta, "rows": table.replace_schema_metadata(None).to_pylist()}


def _json(data: bytes):
    return json.loads(data.decode("utf-8"))


def _sqlite(data: bytes):
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sco-data-content-") as tmp:
        path = Path(tmp) / "db.sqlite"
        path.write_bytes(data)
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            schema = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
            tables = [name for kind, name, _t, _s in schema if kind == "table" and not name.startswith("sqlite_")]
            rows = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
            pragmas = {p: con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("user_version", "application_id")}
        finally:
            con.close()
    return {"schema": schema, "rows": rows, "pragmas": pragmas}


def _xlsx(data: bytes, tables: dict[str, set[str]]):
    """The typed values of the table sheets, by column header: the workbook's content. Its other
    sheets and any column not named after a field (a country name shown beside a code) are
    presentation, generated from the same tables."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out = {}
    for sheet in book.worksheets:
        if sheet.title not in tables:
            continue
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            out[sheet.title] = {}
            continue
        header, fields = rows[0], tables[sheet.title]
        out[sheet.title] = {str(h): [r[i] if i < len(r) else None for r in rows[1:]]
                            for i, h in enumerate(header) if h in fields}
    book.close()
    return out


def _zip(data: bytes, tables: dict[str, set[str]]):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {}
        for info in zf.infolist():
            inner = info.filename.split("/", 1)[-1]
            if Path(inner).name in NOT_CONTENT:
                continue
            members[inner] = content_of(inner, zf.read(info), tables)
    return members


def content_of(name: str, data: bytes, tables: dict[str, set[str]]):
    """A file's content as a comparable value (its bytes when the type has no reader here).
    tables: each table's field names, by table name."""
    readers: dict[str, Callable] = {
        ".parquet": _parquet,
        ".json": _json,
        ".sqlite": _sqlite,
        ".xlsx": lambda d: _xlsx(d, tables),
        ".zip": lambda d: _zip(d, tables),
    }
    reader = readers.get(Path(name).suffix)
    return reader(data) if reader else data


def same_content(name: str, a: bytes, b: bytes, tables: dict[str, set[str]]) -> bool:
    return a == b or content_of(name, a, tables) == content_of(name, b, tables)
