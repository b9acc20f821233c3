"""Differential conformance beyond the default form: CSV dialects, field formats, precision and
descriptor errors. Each package is judged by our validator and by stock Frictionless; where both
read it, the values `sco_data.load` gives are the ones Frictionless reads, and every path
(validate, validate --fast, export, load) takes or refuses it alike. What the toolkit does not
read is refused on every path, naming the property."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import frictionless
import pandas as pd
import pytest
from click.testing import CliRunner
from support import write_package
from test_conformance import BASE_ROWS, EVENTS, PLACES, judge, one_field, unexplained, write

import sco_data
from sco_data.cli import cli
from sco_data.errors import InvalidDataError, PackageError


def _rewrite(pkg_dir: Path, dialect: dict, csv_kwargs: dict) -> Path:
    """The package's CSVs written again in a dialect, which the descriptor then declares."""
    descriptor = json.loads((pkg_dir / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        path = pkg_dir / res["path"]
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n", **csv_kwargs).writerows(rows)
        res["dialect"] = dialect
    (pkg_dir / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return pkg_dir


DIALECTS = {
    "semicolon": ({"delimiter": ";"}, {"delimiter": ";"}),
    "tab": ({"delimiter": "\t"}, {"delimiter": "\t"}),
    "single-quote": ({"quoteChar": "'"}, {"quotechar": "'"}),
    "escape-char": ({"doubleQuote": False, "escapeChar": "\\"},
                    {"doublequote": False, "escapechar": "\\", "quoting": csv.QUOTE_MINIMAL}),
}


def _paths(pkg_dir: Path, tmp: Path) -> dict:
    runner = CliRunner()
    out = tmp / "out"
    return {
        "fast": runner.invoke(cli, ["validate", "--fast", str(pkg_dir)]),
        "full": runner.invoke(cli, ["validate", str(pkg_dir)]),
        "export": runner.invoke(cli, ["export", "--package", str(pkg_dir), "--out", str(out), "--format", "json"]),
    }


@pytest.mark.parametrize("name", DIALECTS)
def test_a_dialect_is_read_as_frictionless_reads_it(tmp_path, name):
    dialect, csv_kwargs = DIALECTS[name]
    pkg_dir = _rewrite(write(tmp_path / "pkg", BASE_ROWS), dialect, csv_kwargs)
    judged = judge(pkg_dir)
    assert (judged.ours, judged.theirs) == (set(), set())
    for result in _paths(pkg_dir, tmp_path).values():
        assert result.exit_code == 0, result.output
    # The values load gives are the ones Frictionless reads, cell for cell.
    for table in ("places", "events"):
        frame = sco_data.load(table, pkg_dir)
        resource = frictionless.Package(str(pkg_dir / "datapackage.json")).get_resource(table)
        theirs = resource.read_rows()
        assert len(frame) == len(theirs)
        for name_ in ("code", "name", "note") if table == "places" else ("id", "place"):
            assert [None if pd.isna(v) else v for v in frame[name_].tolist()] == [row[name_] for row in theirs]


@pytest.mark.parametrize("name", DIALECTS)
def test_a_broken_cell_in_a_dialect_is_found_by_both(tmp_path, name):
    dialect, csv_kwargs = DIALECTS[name]
    rows = copy.deepcopy(BASE_ROWS)
    rows["places"][1][4] = "12a"  # population, below a record that spans two lines
    rows["events"][2][0] = "1"  # a duplicate key
    pkg_dir = _rewrite(write(tmp_path / "pkg", rows), dialect, csv_kwargs)
    judged = judge(pkg_dir)
    assert judged.ours == judged.theirs == {("data/places.csv", 3, "population", "type"),
                                            ("data/events.csv", 4, "id", "primary-key")}
    results = _paths(pkg_dir, tmp_path)
    assert [r.exit_code for r in results.values()] == [1, 1, 1]
    assert not (tmp_path / "out").exists()
    with pytest.raises(InvalidDataError):
        sco_data.load("places", pkg_dir)


@pytest.mark.parametrize("dialect, prop", [
    ({"header": False}, "dialect.header"),
    ({"commentChar": "#"}, "dialect.commentChar"),
    ({"skipInitialSpace": True}, "dialect.skipInitialSpace"),
    ({"nullSequence": "NA"}, "dialect.nullSequence"),
    ({"headerRows": [1, 2]}, "dialect.headerRows"),
    ({"delimiter": ";;"}, "dialect.delimiter"),
])
def test_a_dialect_not_read_is_refused_on_every_path_naming_it(tmp_path, dialect, prop):
    pkg_dir = write(tmp_path / "pkg", BASE_ROWS)
    descriptor = json.loads((pkg_dir / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][1]["dialect"] = dialect  # places
    (pkg_dir / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    results = _paths(pkg_dir, tmp_path)
    for result in results.values():
        assert result.exit_code == 1
        assert f"resources[places].{prop}: [metadata-dialect]" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
    for table in ("places", "events"):
        with pytest.raises(PackageError) as exc:
            sco_data.load(table, pkg_dir)
        assert any(p.column == f"resources[places].{prop}" for p in exc.value.problems)


def test_a_resource_format_other_than_csv_is_refused(tmp_path):
    pkg_dir = one_field(tmp_path / "pkg", {"name": "s", "type": "string"}, ["a"])
    descriptor = json.loads((pkg_dir / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["format"] = "tsv"
    (pkg_dir / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--fast", str(pkg_dir)])
    assert result.exit_code == 1
    assert "resources[t].format: [metadata-dialect] format 'tsv': only CSV files are read" in result.output


# ---------------------------------------------------------------------------------------------
# Field formats: read with the reference implementation's own reader.

FORMATS = [
    ({"name": "d", "type": "date", "format": "%d/%m/%Y"}, ["28/08/2008", "1/2/2020"], ["2008-08-28", "31/02/2020"]),
    ({"name": "t", "type": "datetime", "format": "%d/%m/%Y %H:%M%z"}, ["28/08/2008 10:00+0200"],
     ["2008-08-28T10:00:00Z", "28/08/2008 10:00"]),
    ({"name": "x", "type": "number", "decimalChar": ",", "groupChar": "."}, ["1.234,5", "0,25"], ["1,2,3", "abc"]),
    ({"name": "x", "type": "number", "bareNumber": False}, ["5%", "EUR 12.5"], ["five"]),
    ({"name": "n", "type": "integer", "bareNumber": False}, ["5%", "12 items"], ["x"]),
    ({"name": "s", "type": "string", "format": "email"}, ["a@example.org"], ["not an address"]),
    ({"name": "s", "type": "string", "format": "uri"}, ["https://example.org/x"], ["example"]),
    ({"name": "s", "type": "string", "format": "uuid"}, ["5b6bb2b6-5b6e-4f6e-8f6e-5b6bb2b65b6e"], ["1234"]),
]


def _their_values(pkg_dir: Path, name: str) -> list:
    rows = frictionless.Package(str(pkg_dir / "datapackage.json")).get_resource("t").read_rows()
    return [row[name] for row in rows]


def _same(ours, theirs) -> bool:
    if isinstance(theirs, Decimal):
        return ours == float(theirs)
    if isinstance(theirs, dt.datetime):
        return ours == theirs.astimezone(dt.timezone.utc)
    return ours == theirs


@pytest.mark.parametrize("fdef, good, bad", FORMATS, ids=lambda v: json.dumps(v) if isinstance(v, dict) else None)
def test_a_field_format_is_read_as_frictionless_reads_it(tmp_path, fdef, good, bad):
    name = fdef["name"]
    pkg_dir = one_field(tmp_path / "pkg", copy.deepcopy(fdef), good)
    judged = judge(pkg_dir)
    assert (judged.ours, judged.theirs) == (set(), set())
    frame = sco_data.load("t", pkg_dir)
    ours = [v.to_pydatetime() if hasattr(v, "to_pydatetime") else v for v in frame[name].tolist()]
    theirs = _their_values(pkg_dir, name)
    assert all(_same(o, t) for o, t in zip(ours, theirs, strict=True)), (ours, theirs)
    assert all(r.exit_code == 0 for r in _paths(pkg_dir, tmp_path).values())


@pytest.mark.parametrize("fdef, good, bad", FORMATS, ids=lambda v: json.dumps(v) if isinstance(v, dict) else None)
def test_a_cell_against_a_field_format_is_refused_by_both(tmp_path, fdef, good, bad):
    pkg_dir = one_field(tmp_path / "pkg", copy.deepcopy(fdef), [*good, *bad])
    judged = judge(pkg_dir)
    lines = range(len(good) + 2, len(good) + len(bad) + 2)
    assert judged.theirs == {("data/t.csv", line, fdef["name"], "type") for line in lines}
    assert unexplained(judged) == []
    assert judged.ours == judged.theirs
    results = _paths(pkg_dir, tmp_path)
    assert [r.exit_code for r in results.values()] == [1, 1, 1]
    assert "as the field's" in results["fast"].output


# ---------------------------------------------------------------------------------------------
# Precision: kept, or refused.


def test_a_datetime_keeps_its_microseconds_and_refuses_what_it_cannot_hold(tmp_path):
    kept = one_field(tmp_path / "kept", {"name": "t", "type": "datetime"},
                     ["2008-08-28T10:00:00.123456Z", "2008-08-28T10:00:00.123456000Z"])
    frame = sco_data.load("t", kept)
    assert [v.value for v in frame["t"]] == [1219917600123456000] * 2
    refused = one_field(tmp_path / "refused", {"name": "t", "type": "datetime"}, ["2008-08-28T10:00:00.1234567Z"])
    result = CliRunner().invoke(cli, ["validate", "--fast", str(refused)])
    assert result.exit_code == 1
    assert "data/t.csv:2:t: [type] '2008-08-28T10:00:00.1234567Z' has more than six decimals of a second" \
        in result.output
    with pytest.raises(InvalidDataError):
        sco_data.load("t", refused)


@pytest.mark.parametrize("cell", ["1e-400", "-4e-330", "0.0000e-999"])
def test_a_number_that_underflows_is_refused_and_zero_is_not(tmp_path, cell):
    pkg_dir = one_field(tmp_path / "pkg", {"name": "x", "type": "number"}, [cell])
    result = CliRunner().invoke(cli, ["validate", "--fast", str(pkg_dir)])
    if Decimal(cell) == 0:
        assert result.exit_code == 0
        assert sco_data.load("t", pkg_dir)["x"].tolist() == [0.0]
    else:
        assert result.exit_code == 1
        assert f"[type] {cell!r} is too small for a double" in result.output


# ---------------------------------------------------------------------------------------------
# Descriptor errors: every path runs the same descriptor checks.

DESCRIPTOR_ERRORS = [
    ("primary-key-unknown", lambda d: d["resources"][0]["schema"].update(primaryKey=["nope"]),
     "resources[t].schema.primaryKey: [metadata-key]"),
    ("foreign-key-unknown-table", lambda d: d["resources"][0]["schema"].update(
        foreignKeys=[{"fields": ["s"], "reference": {"resource": "gone", "fields": ["x"]}}]),
     "resources[t].schema.foreignKeys[0]: [metadata-key]"),
    ("latin-1", lambda d: d["resources"][0].update(encoding="latin-1"), "resources[t].encoding: [metadata-encoding]"),
    ("required-as-text", lambda d: d["resources"][0]["schema"]["fields"][1].update(constraints={"required": "false"}),
     "resources[t].fields[s].constraints.required: [metadata-constraints]"),
    ("max-length-as-text", lambda d: d["resources"][0]["schema"]["fields"][1].update(constraints={"maxLength": "5"}),
     "resources[t].fields[s].constraints.maxLength: [metadata-constraints]"),
]


@pytest.mark.parametrize("case_id, change, expected", DESCRIPTOR_ERRORS, ids=[c[0] for c in DESCRIPTOR_ERRORS])
def test_a_descriptor_error_is_refused_on_every_path(tmp_path, case_id, change, expected):
    pkg_dir = one_field(tmp_path / "pkg", {"name": "s", "type": "string"}, ["a", None])
    descriptor = json.loads((pkg_dir / "datapackage.json").read_text(encoding="utf-8"))
    change(descriptor)
    (pkg_dir / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert not frictionless.validate(str(pkg_dir / "datapackage.json")).valid or case_id == "latin-1"
    for result in _paths(pkg_dir, tmp_path).values():
        assert result.exit_code == 1, result.output
        assert expected in result.output
    assert not (tmp_path / "out").exists()
    with pytest.raises(PackageError) as exc:
        sco_data.load("t", pkg_dir)
    assert any(expected.split(": [")[0].endswith(p.column or "-") for p in exc.value.problems)


def test_required_false_written_as_a_boolean_lets_a_cell_be_empty(tmp_path):
    pkg_dir = one_field(tmp_path / "pkg", {"name": "s", "type": "string", "constraints": {"required": False}},
                        ["a", None])
    assert CliRunner().invoke(cli, ["validate", "--fast", str(pkg_dir)]).exit_code == 0


def test_a_pattern_arrow_cannot_compile_is_judged_by_python(tmp_path):
    fdef = {"name": "s", "type": "string", "constraints": {"pattern": "(?!x)[a-z]+"}}
    judged = judge(one_field(tmp_path / "pkg", fdef, ["abc", "xyz"]))
    assert judged.ours == judged.theirs == {("data/t.csv", 3, "s", "pattern")}


def test_unique_is_checked_on_every_path(tmp_path):
    fdef = {"name": "s", "type": "string", "constraints": {"unique": True}}
    pkg_dir = one_field(tmp_path / "pkg", fdef, ["a", "b", "a", None, None])
    judged = judge(pkg_dir)
    assert judged.ours == judged.theirs == {("data/t.csv", 4, "s", "unique")}
    results = _paths(pkg_dir, tmp_path)
    assert [r.exit_code for r in results.values()] == [1, 1, 1]
    with pytest.raises(InvalidDataError, match="cannot be read"):
        sco_data.load("t", pkg_dir)


def test_a_folder_as_a_resource_path_is_named_a_folder(tmp_path):
    pkg_dir = one_field(tmp_path / "pkg", {"name": "s", "type": "string"}, ["a"])
    (pkg_dir / "data" / "t.csv").unlink()
    (pkg_dir / "data" / "t.csv").mkdir()
    result = CliRunner().invoke(cli, ["validate", "--fast", str(pkg_dir)])
    assert result.exit_code == 1
    assert "data/t.csv: [file-missing] is a folder, not a file" in result.output


def test_a_right_to_left_mark_is_not_clean_text(tmp_path):
    pkg_dir = write_package(tmp_path / "pkg", "rtl", [("t", {"fields": [{"name": "s", "type": "string"}]},
                                                          [["\u200fabc"]])])
    result = CliRunner().invoke(cli, ["validate", "--fast", str(pkg_dir)])
    assert "U+200F RIGHT-TO-LEFT MARK at position 1" in result.output
    assert result.exit_code == 1


def test_the_formats_are_listed_among_what_is_read():
    assert PLACES and EVENTS  # the base package's schemas are shared with test_conformance


def test_bounds_and_enums_are_read_in_the_fields_format(tmp_path):
    fdef = {"name": "d", "type": "date", "format": "%d/%m/%Y",
            "constraints": {"minimum": "01/01/2000", "maximum": "31/12/2010"}}
    judged = judge(one_field(tmp_path / "pkg", fdef, ["15/06/2005", "31/12/1999", "01/01/2011"]))
    assert judged.ours == judged.theirs == {("data/t.csv", 3, "d", "minimum"), ("data/t.csv", 4, "d", "maximum")}
    fdef = {"name": "x", "type": "number", "decimalChar": ",", "constraints": {"enum": ["1,5", "2,5"]}}
    judged = judge(one_field(tmp_path / "pkg2", fdef, ["1,5", "3,5"]))
    assert judged.ours == judged.theirs == {("data/t.csv", 3, "x", "enum")}


@pytest.mark.parametrize("fdef", [
    {"name": "d", "type": "date", "constraints": {"minimum": "01/01/2000"}},
    {"name": "n", "type": "integer", "constraints": {"maximum": "10"}},
    {"name": "s", "type": "string", "constraints": {"minimum": "a"}},
], ids=["date-bound-not-iso", "integer-bound-as-text", "bound-on-text"])
def test_a_bound_that_cannot_judge_the_data_is_refused(tmp_path, fdef):
    pkg_dir = one_field(tmp_path / "pkg", fdef, [None])
    result = CliRunner().invoke(cli, ["validate", "--fast", str(pkg_dir)])
    assert result.exit_code == 1
    assert f"resources[t].fields[{fdef['name']}].constraints." in result.output
    assert "[metadata-constraints]" in result.output
