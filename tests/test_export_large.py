"""A table large enough for Arrow's threads to matter, exported by the real command in a process
of its own: the process must end cleanly (an earlier key check aborted the interpreter at exit).

The export writes every format but the workbook. What this test is about happens before the
workbook: the key checks run while validating, before any writer, and Arrow's threads work in
the reader and in the Parquet, JSON and SQLite writers. The workbook's writer (openpyxl, in
write-only mode) is pure Python and took nearly nine tenths of this test's time on 120,000 rows;
the workbook is tested in test_xlsx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import write_package

from sco_data.descriptor import load_package
from sco_data.export import FORMATS

ROWS = 120_000
ARROW_FORMATS = [f for f in FORMATS if f != "xlsx"]


def _big(folder: Path) -> Path:
    schema = {
        "fields": [
            {"name": "id", "type": "string", "constraints": {"required": True}},
            {"name": "parent", "type": "integer", "constraints": {"required": True}},
            {"name": "when", "type": "date"},
            {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b", "c"]}},
        ],
        "primaryKey": ["id"],
        "foreignKeys": [{"fields": ["parent"], "reference": {"resource": "parents", "fields": ["n"]}}],
    }
    parents = {"fields": [{"name": "n", "type": "integer", "constraints": {"required": True}}], "primaryKey": "n"}
    rows = [[f"row-{i:06d}", str(i % 100), f"20{i % 25:02d}-0{1 + i % 9}-1{i % 10}", "abc"[i % 3]] for i in range(ROWS)]
    return write_package(folder, "big", [("rows", schema, rows), ("parents", parents, [[str(i)] for i in range(100)])])


def test_a_large_export_exits_cleanly(tmp_path):
    pkg = _big(tmp_path / "big")
    out = tmp_path / "out"
    sco = Path(sys.executable).parent / "sco-data"
    formats = [arg for f in ARROW_FORMATS for arg in ("--format", f)]
    result = subprocess.run([sco, "export", "--package", str(pkg), "--out", str(out), *formats, "-q"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    import pyarrow.parquet as pq

    assert pq.read_metadata(out / "parquet" / "rows.parquet").num_rows == ROWS


def test_a_duplicate_key_in_a_large_table_is_found(tmp_path):
    pkg_dir = _big(tmp_path / "big")
    path = pkg_dir / "data" / "rows.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("row-000007,1,,a\n")
    sco = Path(sys.executable).parent / "sco-data"
    result = subprocess.run([sco, "export", "--package", str(pkg_dir), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert (f"data/rows.csv:{ROWS + 2}:id: [primary-key] duplicate key (row-000007); line 9 has it already"
            in result.stderr)
    assert not (tmp_path / "out").exists()
    assert load_package(pkg_dir).resource("rows").path == path
