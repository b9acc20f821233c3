"""Every export format read back as the plain Python values the CSV holds once typed by its schema."""

from __future__ import annotations

import json
from pathlib import Path

from sco_data import schema as sch
from sco_data.descriptor import load_package
from sco_data.loading import read_table


def typed_rows(pkg, name: str) -> list[dict]:
    """The CSV of one table read through its schema: the truth every export is compared with."""
    res = pkg.resource(name)
    return read_table(res).to_pylist()


def as_json(value, field: dict):
    ftype = sch.field_type(field)
    if value is None:
        return None
    if ftype in ("date", "datetime"):
        return value.isoformat().replace("+00:00", "Z")
    return value


def as_sqlite(value, field: dict):
    ftype = sch.field_type(field)
    if value is None:
        return None
    if ftype == "boolean":
        return int(value)
    if ftype == "list":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return as_json(value, field)


def parquet_rows(path: Path) -> list[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    columns = [
        col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col for col in table.columns
    ]
    return pa.Table.from_arrays(columns, names=table.column_names).to_pylist()


def sqlite_rows(path: Path, table: str) -> list[dict]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        cur = con.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def check_all_formats(pkg_dir: Path, out: Path) -> None:
    """Every table in every format reads back as the CSV typed by its schema."""
    pkg = load_package(pkg_dir)
    for res in pkg.resources:
        expected = typed_rows(pkg, res.name)
        assert parquet_rows(out / "parquet" / f"{res.name}.parquet") == expected, res.name
        with (out / "json" / f"{res.name}.json").open(encoding="utf-8") as fh:
            got = json.load(fh)
        assert [list(obj) for obj in got] == [res.field_names] * len(expected)
        assert got == [{f["name"]: as_json(row[f["name"]], f) for f in res.fields} for row in expected], res.name
        assert sqlite_rows(out / "sco.sqlite", res.name) == [
            {f["name"]: as_sqlite(row[f["name"]], f) for f in res.fields} for row in expected
        ], res.name
