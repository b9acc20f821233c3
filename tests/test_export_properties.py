"""Property tests: generated schemas and values go through CSV, the typed reader and every
exporter, and come back out of Parquet, JSON and SQLite exactly as they went in."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import (
    as_json,
    as_sqlite,
    check_all_formats,
    parquet_rows,
    sqlite_rows,
    write_package,
)

from sco_data.checks.text import unclean_text
from sco_data.descriptor import load_package
from sco_data.export import export_package
from sco_data.export.json import json_values

# Cells may hold anything a clean UTF-8 text cell can: commas, quotes, line breaks, any script.
# Not what validate refuses as unclean (white space at either end, invisible or control
# characters), nor surrogates (not encodable).
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=12)
TEXT = TEXT | st.sampled_from(['a,b', '"', '""', "line\nbreak", "cr\r\nlf", "in between", "ü∑漢", "\\", "1+1=2"])
# Export refuses what validate refuses, and a text cell may not start like a spreadsheet formula.
TEXT = TEXT.filter(lambda s: s[:1] not in "=+-@" and unclean_text(s) is None)
ITEM = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00;"), min_size=1, max_size=6)
ITEM = ITEM.filter(lambda s: unclean_text(s) is None)
NAME = st.text("abcdefxyzéü_ 1", min_size=1, max_size=6).filter(lambda s: s.strip() == s)

KINDS = ["string", "integer", "number", "boolean", "date", "year", "list", "enum"]


def _values(kind: str, enum: list[str]):
    if kind == "string":
        return TEXT
    if kind == "integer":
        return st.integers(-(2**63), 2**63 - 1) | st.sampled_from([-(2**63), 2**63 - 1, 0])
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "date":
        return st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31))
    if kind == "year":
        return st.integers(1000, 9999)
    if kind == "list":
        return st.lists(ITEM, min_size=1, max_size=3)
    return st.sampled_from(enum)


def _cell(kind: str, value) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return repr(value)
    if kind == "list":
        return ";".join(value)
    return str(value) if not isinstance(value, dt.date) else value.isoformat()


@st.composite
def tables(draw):
    names = draw(st.lists(NAME, min_size=1, max_size=6, unique=True))
    enum = draw(st.lists(st.text("abcxyz_é", min_size=1, max_size=5), min_size=1, max_size=4, unique=True))
    fields, columns = [{"name": "id", "type": "integer", "constraints": {"required": True}}], []
    for name in names:
        kind = draw(st.sampled_from(KINDS))
        required = draw(st.booleans())
        field = {"name": f"c{name}", "type": "string" if kind == "enum" else kind}
        if kind == "enum":
            field["constraints"] = {"enum": enum}
        if kind == "list":
            field.update(delimiter=";", itemType="string")
        if required:
            field.setdefault("constraints", {})["required"] = True
        field["description"] = draw(st.sampled_from(["", "what it \"is\"; über\nlines"]))
        fields.append(field)
        columns.append((kind, required, _values(kind, enum)))
    n = draw(st.integers(0, 6))
    rows, cells = [], []
    for i in range(n):
        row, line = [i], [str(i)]
        for kind, required, values in columns:
            value = draw(values if required else st.none() | values)
            row.append(value)
            line.append(None if value is None else _cell(kind, value))
        rows.append(row)
        cells.append(line)
    return {"fields": fields, "primaryKey": ["id"]}, rows, cells


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_generated_tables_survive_every_format(generated):
    schema, rows, cells = generated
    with tempfile.TemporaryDirectory() as tmp:
        pkg_dir = write_package(Path(tmp) / "pkg", "generated", [("t ü", schema, cells)])
        out = Path(tmp) / "out"
        export_package(load_package(pkg_dir), out)
        expected = [dict(zip([f["name"] for f in schema["fields"]], row, strict=True)) for row in rows]
        assert parquet_rows(out / "parquet" / "t ü.parquet") == expected
        fields = schema["fields"]
        got = json.loads((out / "json" / "t ü.json").read_text(encoding="utf-8"))
        assert got == [{f["name"]: as_json(r[f["name"]], f) for f in fields} for r in expected]
        assert sqlite_rows(out / "sco.sqlite", "t ü") == [
            {f["name"]: as_sqlite(r[f["name"]], f) for f in fields} for r in expected
        ]
        check_all_formats(pkg_dir, out)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.none() | st.text(st.characters(exclude_categories=("Cs",)), max_size=10), max_size=8))
def test_json_strings_are_what_json_dumps_writes(values):
    got = json_values(pa.array(values, pa.string()), {"name": "x", "type": "string"}).to_pylist()
    assert got == [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.none() | st.floats(allow_nan=False, allow_infinity=False), max_size=8))
def test_json_numbers_read_back_exactly(values):
    got = json_values(pa.array(values, pa.float64()), {"name": "x", "type": "number"}).to_pylist()
    for value, text in zip(values, got, strict=True):
        if value is None:
            assert text is None
        else:
            back = json.loads(text)
            assert isinstance(back, float) and back == value


@settings(max_examples=100, deadline=None)
@given(st.lists(st.none() | st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=5), max_size=4),
                max_size=6))
def test_json_lists_are_what_json_dumps_writes(values):
    got = json_values(pa.array(values, pa.list_(pa.string())), {"name": "x", "type": "list"}).to_pylist()
    assert got == [None if v is None else json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in values]
