"""SQLite: one STRICT table per resource, with the schema's keys and constraints in the DDL.

Only what stock SQLite understands: declared types, NOT NULL, PRIMARY KEY, FOREIGN KEY …
REFERENCES and CHECK … IN (…), so any sqlite3 client can open, query and check the file.
Dates are ISO text, booleans 0/1 and list fields JSON arrays as text (readable with SQLite's
built-in json_each); each column's description sits beside it as a comment in the CREATE TABLE
statement, which SQLite keeps in sqlite_schema. Foreign keys are not re-checked here: the export
only runs on a package whose keys validation has checked (the tests run PRAGMA foreign_key_check).
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import arrow as lit
from .. import schema as sch
from ..errors import ExportError
from ..facts import licence_names
from .json import iso_text, json_values

OUTPUT = "sco.sqlite"
PACKAGE_TABLE = "_package"
BATCH_ROWS = 32_768  # Python values of a batch at a time: memory stays flat
ROWS_PER_INSERT = 100


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _comment(fdef: dict) -> str:
    parts = []
    if sch.field_type(fdef) == "list":
        parts.append(f"JSON array of strings (the CSV separates them with {sch.list_delimiter(fdef)!r})")
    elif sch.field_type(fdef) in ("date", "datetime"):
        parts.append("ISO 8601 text")
    elif sch.field_type(fdef) == "boolean":
        parts.append("1 true, 0 false")
    if fdef.get("description"):
        parts.append(fdef["description"])
    return " ".join("; ".join(parts).split())


def create_table_sql(res) -> str:
    """CREATE TABLE for one resource."""
    lines: list[tuple[str, str]] = []
    for fdef in res.fields:
        name = quote(fdef["name"])
        col = f"{name} {sch.sqlite_type(fdef)}"
        if sch.is_required(fdef):
            col += " NOT NULL"
        enum = sch.enum_values(fdef)
        if enum and sch.field_type(fdef) != "list":
            col += f" CHECK ({name} IN ({', '.join(literal(v) for v in enum)}))"
        elif sch.field_type(fdef) == "boolean":
            col += f" CHECK ({name} IN (0, 1))"
        lines.append((col, _comment(fdef)))
    if res.primary_key:
        lines.append((f"PRIMARY KEY ({', '.join(map(quote, res.primary_key))})", ""))
    for fk in res.foreign_keys:
        lines.append(
            (
                f"FOREIGN KEY ({', '.join(map(quote, fk['fields']))}) "
                f"REFERENCES {quote(fk['resource'])} ({', '.join(map(quote, fk['ref_fields']))})",
                "",
            )
        )
    body = []
    for i, (text, comment) in enumerate(lines):
        sep = "," if i < len(lines) - 1 else ""
        body.append(f"  {text}{sep}" + (f" -- {comment}" if comment else ""))
    return f"CREATE TABLE {quote(res.name)} (\n" + "\n".join(body) + "\n) STRICT"


def index_sql(pkg) -> list[str]:
    """An index on every foreign key (unless the primary key already leads with it), and a unique
    index on referenced columns that are not their table's primary key, which SQLite requires."""
    statements = []
    for res in pkg.resources:
        for fk in res.foreign_keys:
            if res.primary_key[: len(fk["fields"])] != fk["fields"]:
                name = f"{res.name}__{'__'.join(fk['fields'])}"
                statements.append(
                    f"CREATE INDEX {quote(name)} ON {quote(res.name)} ({', '.join(map(quote, fk['fields']))})"
                )
    done = set()
    for res in pkg.resources:
        for fk in res.foreign_keys:
            parent = pkg.resource(fk["resource"])
            key = (parent.name, tuple(fk["ref_fields"]))
            if parent.primary_key != fk["ref_fields"] and key not in done:
                done.add(key)
                name = f"{parent.name}__{'__'.join(fk['ref_fields'])}__unique"
                statements.append(
                    f"CREATE UNIQUE INDEX {quote(name)} ON {quote(parent.name)} "
                    f"({', '.join(map(quote, fk['ref_fields']))})"
                )
    return statements


def creation_order(pkg) -> list:
    """Resources ordered so that every table comes after the tables it refers to (descriptor order
    otherwise; a cycle keeps descriptor order for the tables in it)."""
    by_name = {r.name: r for r in pkg.resources}
    done: list = []
    seen: set[str] = set()

    def visit(res, path: set[str]) -> None:
        if res.name in seen or res.name in path:
            return
        path.add(res.name)
        for fk in res.foreign_keys:
            parent = by_name.get(fk["resource"])
            if parent is not None and parent.name != res.name:
                visit(parent, path)
        path.discard(res.name)
        seen.add(res.name)
        done.append(res)

    for res in pkg.resources:
        visit(res, set())
    return done


def _python_values(array) -> list:
    """Arrow to Python values through numpy, several times faster than to_pylist (worth the pandas
    import that to_numpy brings); numpy turns null numbers into NaN, so those are filled and put
    back as None."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(array.type) or not array.null_count:
        return array.to_numpy(zero_copy_only=False).tolist()
    values = pc.fill_null(array, lit.scalar(0, pa.int64()).cast(array.type)).to_numpy(zero_copy_only=False).tolist()
    for i in np.flatnonzero(pc.is_null(array).to_numpy(zero_copy_only=False)).tolist():
        values[i] = None
    return values


def _column_values(array, fdef: dict) -> list:
    """One Arrow column as the Python values sqlite3 stores for it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ftype = sch.field_type(fdef)
    if pa.types.is_dictionary(array.type):
        array = pc.cast(array, pa.string())
    if ftype in ("date", "datetime"):
        array = iso_text(array, fdef)
    elif ftype == "boolean":
        array = pc.cast(array, pa.int64())
    elif ftype == "list":
        array = json_values(array, fdef)
    return _python_values(array)


def _insert(con, res, table) -> None:
    """Many rows per INSERT: SQLite then evaluates a CHECK … IN (…) list once per statement
    rather than once per row, which more than halves the load time of a large table."""
    import itertools
    import sqlite3

    n = len(res.fields)
    try:
        limit = con.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # Python < 3.11 has no getlimit; 999 is SQLite's oldest default
        limit = 999
    per = max(1, min(ROWS_PER_INSERT, limit // n))
    row = "(" + ", ".join("?" * n) + ")"
    head = f"INSERT INTO {quote(res.name)} VALUES "
    many = head + ", ".join([row] * per)
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        columns = [_column_values(batch.column(f["name"]), f) for f in res.fields]
        flat = list(itertools.chain.from_iterable(zip(*columns, strict=False)))
        full = (batch.num_rows // per) * per * n
        step = per * n
        con.executemany(many, (flat[i : i + step] for i in range(0, full, step)))
        if full < len(flat):
            con.execute(head + ", ".join([row] * ((len(flat) - full) // n)), flat[full:])


def package_rows(pkg) -> list[tuple[str, str]]:
    rows = [
        ("name", pkg.name),
        ("title", pkg.descriptor.get("title", "")),
        ("version", pkg.version),
        ("licence", licence_names(pkg)),
        ("created", pkg.descriptor.get("created", "")),
        ("datapackage", json.dumps(pkg.descriptor, ensure_ascii=False)),
    ]
    return rows


def write(pkg, tables: dict, out_dir: Path) -> list[Path]:
    import sqlite3

    path = out_dir / OUTPUT
    con = sqlite3.connect(path, isolation_level=None)
    try:
        # The file is new and only becomes visible once complete, so no journal is needed.
        con.execute("PRAGMA page_size = 4096")
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("BEGIN")
        con.execute(f"CREATE TABLE {quote(PACKAGE_TABLE)} (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT")
        con.executemany(f"INSERT INTO {quote(PACKAGE_TABLE)} VALUES (?, ?)", package_rows(pkg))
        for res in creation_order(pkg):
            con.execute(create_table_sql(res))
            _insert(con, res, tables[res.name])
        for statement in index_sql(pkg):
            con.execute(statement)
        con.execute("COMMIT")
    except sqlite3.Error as exc:
        raise ExportError(f"{OUTPUT}: {exc}") from None
    finally:
        con.close()
    return [path]
