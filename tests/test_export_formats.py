"""Fidelity: every table, every format, read back with the tools people use, equals the CSV
read through its schema. Run on the sample package, the repository's package and an unrelated one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support import (
    as_json,
    check_all_formats,
    library_package,
    parquet_rows,
    typed_rows,
)

from sco_data import schema as sch
from sco_data.descriptor import load_package
from sco_data.export import export_package


@pytest.fixture(params=["sample", "repo_package", "library"])
def exported(request, tmp_path) -> tuple[Path, Path]:
    if request.param == "library":
        pkg_dir = library_package(tmp_path / "library")
    else:
        pkg_dir = request.getfixturevalue(request.param)
    out = tmp_path / "out"
    export_package(load_package(pkg_dir), out)
    return pkg_dir, out


def test_every_format_reads_back_as_the_typed_csv(exported):
    check_all_formats(*exported)


def test_parquet_types_nullability_and_metadata(exported):
    pkg_dir, out = exported
    pkg = load_package(pkg_dir)
    for res in pkg.resources:
        f = pq.ParquetFile(out / "parquet" / f"{res.name}.parquet")
        schema = f.schema_arrow
        assert schema.names == res.field_names  # no index column
        for fdef in res.fields:
            field = schema.field(fdef["name"])
            assert field.type == sch.arrow_type(fdef, dictionary_enums=True), fdef["name"]
            assert field.nullable == (not sch.is_required(fdef))
            if fdef.get("description"):
                assert field.metadata[b"description"].decode() == fdef["description"]
            if sch.enum_values(fdef):
                assert pa.types.is_dictionary(field.type)
            if sch.field_type(fdef) == "list":
                assert field.type == pa.list_(pa.string())
        meta = {k.decode(): v.decode() for k, v in schema.metadata.items()}
        assert meta["package.name"] == pkg.name
        assert meta["package.version"] == pkg.version
        assert json.loads(meta["package.licenses"]) == pkg.descriptor["licenses"]
        assert json.loads(meta["resource.schema"]) == res.schema
        # What pd.read_parquet follows to give the schema's dtypes; it names no library version.
        assert json.loads(meta["pandas"]) == json.loads(sch.pandas_metadata(res.schema))
        assert "version" not in meta["pandas"]
        assert all(f.metadata.row_group(i).column(j).compression == "ZSTD"
                   for i in range(f.metadata.num_row_groups) for j in range(f.metadata.num_columns))


def _plain(value):
    """pandas, DuckDB and polars cells as plain Python values."""
    import numpy as np
    import pandas as pd

    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def test_readers_defaults_give_the_schema_types(exported):
    """pd.read_parquet with no options gives what sco_data.load gives: nullable Int64 and
    boolean (not float64 and object), dates as Arrow dates, enums as categories; polars and DuckDB
    read the Arrow types themselves."""
    import duckdb
    import pandas as pd
    import polars as pl

    import sco_data

    pkg_dir, out = exported
    pkg = load_package(pkg_dir)
    polars_type = {"integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean, "date": pl.Date,
                   "year": pl.Int32, "list": pl.List(pl.String)}
    duck_type = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE", "year": "INTEGER",
                 "list": "VARCHAR[]"}
    for res in pkg.resources:
        path = out / "parquet" / f"{res.name}.parquet"
        df = pd.read_parquet(path)
        loaded = sco_data.load(res.name, pkg)
        assert dict(df.dtypes) == dict(loaded.dtypes), res.name
        for fdef in res.fields:
            expected = sch.pandas_dtype(fdef)
            got = df[fdef["name"]].dtype
            assert (isinstance(got, pd.CategoricalDtype) if expected == "category"
                    else str(got) == str(pd.api.types.pandas_dtype(expected))), (res.name, fdef["name"], got)
        frame = pl.read_parquet(path)
        con = duckdb.connect()
        described = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
                                     [str(path)]).fetchall())
        con.close()
        for fdef in res.fields:
            kind = sch.field_type(fdef)
            if kind in polars_type:
                assert frame.schema[fdef["name"]] == polars_type[kind], (res.name, fdef["name"])
                assert described[fdef["name"]] == duck_type[kind], (res.name, fdef["name"])


def test_parquet_reads_the_same_in_pandas_duckdb_and_polars(exported):
    import duckdb
    import pandas as pd
    import polars as pl

    pkg_dir, out = exported
    pkg = load_package(pkg_dir)
    for res in pkg.resources:
        path = out / "parquet" / f"{res.name}.parquet"
        expected = [tuple(row.values()) for row in typed_rows(pkg, res.name)]

        df = pd.read_parquet(path)
        assert list(df.columns) == res.field_names
        assert isinstance(df.index, pd.RangeIndex)
        for fdef in res.fields:
            if sch.enum_values(fdef):
                assert isinstance(df[fdef["name"]].dtype, pd.CategoricalDtype)
                # Parquet stores a dictionary with the data, so an empty file has none to give.
                if len(df):
                    assert list(df[fdef["name"]].cat.categories) == sch.enum_values(fdef)
        got = [tuple(_plain(v) for v in row) for row in df.astype(object).itertuples(index=False)]
        assert got == expected, res.name

        con = duckdb.connect()
        assert con.execute("SELECT * FROM read_parquet(?)", [str(path)]).fetchall() == expected, res.name
        con.close()

        frame = pl.read_parquet(path)
        assert frame.columns == res.field_names
        assert [tuple(_plain(v) for v in row) for row in frame.rows()] == expected, res.name


def test_json_files_and_descriptor(exported):
    pkg_dir, out = exported
    pkg = load_package(pkg_dir)
    desc = json.loads((out / "json" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in desc["resources"]] == [f"{r.name}.json" for r in pkg.resources]
    assert [r["schema"] for r in desc["resources"]] == [r.schema for r in pkg.resources]
    assert desc["name"] == pkg.name and desc["version"] == pkg.version
    for res in pkg.resources:
        text = (out / "json" / f"{res.name}.json").read_text(encoding="utf-8")
        rows = json.loads(text)
        assert isinstance(rows, list)
        for obj in rows:
            for fdef in res.fields:
                value = obj[fdef["name"]]
                if value is None:
                    continue
                kind = sch.json_type(fdef)
                expected_type = {"string": str, "integer": int, "number": float, "boolean": bool, "array": list}[kind]
                assert type(value) is expected_type, (res.name, fdef["name"], value)
        assert all(as_json(None, f) is None for f in res.fields)


def _columns_with_index(con, table: str) -> list[list[str]]:
    leading = []
    for _, name, *_ in con.execute(f'PRAGMA index_list("{table}")'):
        cols = [r[2] for r in con.execute(f'PRAGMA index_info("{name}")')]
        leading.append(cols)
    return leading


def test_sqlite_schema_keys_and_checks(exported):
    pkg_dir, out = exported
    pkg = load_package(pkg_dir)
    con = sqlite3.connect(out / "sco.sqlite")
    con.execute("PRAGMA foreign_keys = ON")
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    order = [r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY rowid")]
    assert order[0] == "_package" and sorted(order[1:]) == sorted(r.name for r in pkg.resources)
    for res in pkg.resources:
        sql = con.execute("SELECT sql FROM sqlite_schema WHERE name = ?", [res.name]).fetchone()[0]
        assert sql.rstrip().endswith("STRICT")
        columns = {r[1]: r for r in con.execute(f'PRAGMA table_info("{res.name}")')}
        for fdef in res.fields:
            _, _, ctype, notnull, _, pk = columns[fdef["name"]]
            assert ctype == sch.sqlite_type(fdef)
            assert bool(notnull) == sch.is_required(fdef)
            assert (pk > 0) == (fdef["name"] in res.primary_key)
        indexed = _columns_with_index(con, res.name)
        for fk in res.foreign_keys:
            # created after the tables it refers to
            assert order.index(fk["resource"]) <= order.index(res.name)
            assert any(cols[: len(fk["fields"])] == fk["fields"] for cols in indexed), (res.name, fk)
        for fdef in res.fields:
            if sch.enum_values(fdef):
                assert f"CHECK (\"{fdef['name']}\" IN (" in sql
    info = dict(con.execute("SELECT key, value FROM _package"))
    assert info["name"] == pkg.name and info["version"] == pkg.version
    assert info["licence"] == pkg.descriptor["licenses"][0]["name"]
    assert json.loads(info["datapackage"]) == pkg.descriptor
    con.close()


def test_sqlite_constraints_hold_in_stock_sqlite(sample, tmp_path):
    out = tmp_path / "out"
    export_package(load_package(sample), out, ["sqlite"])
    con = sqlite3.connect(out / "sco.sqlite")
    con.execute("PRAGMA foreign_keys = ON")
    row = con.execute("SELECT * FROM sources LIMIT 1").fetchone()
    cols = len(row)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute(f"INSERT INTO sources VALUES ({','.join('?' * cols)})",
                    ["new-id", "t", None, None, None, None, None, "gossip"])
    with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
        con.execute(f"INSERT INTO sources VALUES ({','.join('?' * cols)})",
                    ["new-id", None, None, None, None, None, None, "news"])
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        con.execute(f"INSERT INTO sources VALUES ({','.join('?' * cols)})", list(row))
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        con.execute("UPDATE members SET iso3 = 'XXX' WHERE rowid = 1")
    with pytest.raises(sqlite3.IntegrityError, match="cannot store"):  # STRICT: no text in an INTEGER column
        con.execute("UPDATE members SET founding_member = 'yes' WHERE rowid = 1")
    # list fields are JSON that SQLite's own functions read
    assert con.execute("SELECT count(*) FROM members, json_each(members.source_ids)").fetchone()[0] >= 1
    con.close()


def test_only_the_chosen_formats(sample, tmp_path):
    out = tmp_path / "out"
    written = export_package(load_package(sample), out, ["json"])
    assert sorted(p.name for p in out.iterdir()) == ["json"]
    assert all(p.is_file() and out in p.parents for p in written)
    assert parquet_rows  # the helpers module is shared with the other export tests
