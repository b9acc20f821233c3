"""`sco-data validate` as a person or a script uses it: FILE:ROW:COLUMN: [rule] message lines,
--json, exit codes 0/1/2, and never a traceback for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import (
    Case,
    edit_descriptor,
    network,
    opened,
    outside_file,
    recording,
    resource,
)
from validate_cases import DATA_CASES

from sco_data.cli import cli


def run(*args: str):
    result = CliRunner().invoke(cli, ["validate", *args])
    # Bad input ends in a clean exit, never an exception escaping to a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_valid_sample(sample):
    result = run(str(sample))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"sco-data-sample 0.1.0 ({sample / 'datapackage.json'}): 13 tables, 194 rows, valid\n"


def test_default_is_the_repository_package():
    result = run("--fast")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("sco-data ")
    assert " (datapackage.json): " in result.stderr
    assert result.stderr.endswith(", valid\n")


def test_descriptor_path_works_like_its_folder(sample):
    assert run(str(sample / "datapackage.json")).exit_code == 0


def test_quiet_prints_nothing_when_valid(sample):
    result = run(str(sample), "--quiet")
    assert (result.exit_code, result.output) == (0, "")


def test_json_when_valid(sample):
    result = run(str(sample), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("case", DATA_CASES, ids=lambda c: c.id)
def test_bad_input(sample, case: Case):
    case.breaks(sample)
    result = run(str(sample))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == case.expected
    assert result.stderr == (f"sco-data-sample 0.1.0 ({sample / 'datapackage.json'}): 13 tables, {_rows(result)} rows, "
                             f"invalid: {len(case.expected)} error(s)\n")


def _rows(result) -> str:
    return result.stderr.split(" tables, ")[1].split(" rows")[0]


def test_bad_input_as_json(sample):
    DATA_CASES[0].breaks(sample)
    result = run(str(sample), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"file": "data/countries.csv", "row": 3, "column": None, "rule": "malformed-csv",
         "message": "malformed CSV: a quoted cell is never closed; add the missing '\"'", "level": "error"}
    ]


def test_fast_skips_frictionless_but_not_our_checks(sample):
    DATA_CASES[0].breaks(sample)
    result = run(str(sample), "--fast")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == DATA_CASES[0].expected


def test_descriptor_not_json(sample):
    (sample / "datapackage.json").write_text('{"name": "x",\n "resources": [}\n', encoding="utf-8")
    result = run(str(sample))
    assert result.exit_code == 1
    assert result.stdout == "datapackage.json:2:16: [descriptor-json] descriptor is not valid JSON: Expecting value\n"


def test_descriptor_not_json_as_json(sample):
    (sample / "datapackage.json").write_text("{", encoding="utf-8")
    result = run(str(sample), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"file": "datapackage.json", "row": 1, "column": "2", "rule": "descriptor-json",
         "message": "descriptor is not valid JSON: Expecting property name enclosed in double quotes", "level": "error"}
    ]


def test_missing_descriptor(tmp_path):
    result = run(str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert result.stdout == (f"{tmp_path / 'nowhere'}: [descriptor-missing] no such file; give a datapackage.json "
                             "or a folder that holds one\n")


@pytest.mark.parametrize("kind", ["absolute", "dotdot", "url"])
def test_unsafe_paths_are_refused_unread(sample, tmp_path, kind):
    outside = outside_file(tmp_path)
    raw = {"absolute": str(outside), "dotdot": "../outside/countries.csv", "url": "http://127.0.0.1:9/countries.csv"}[kind]
    edit_descriptor(sample, lambda d: resource(d, "countries").update(path=raw))
    with recording() as events:
        result = run(str(sample))
    assert result.exit_code == 1
    reason = {"absolute": "is absolute; use a path relative to the descriptor",
              "dotdot": "climbs out of the package folder with '..'",
              "url": "is a URL; only files inside the package are read, nothing is fetched"}[kind]
    assert result.stdout == f"datapackage.json::resources[countries].path: [unsafe-path] {raw!r} {reason}\n"
    assert outside.resolve() not in opened(events)
    assert not any(p.suffix == ".csv" for p in opened(events))
    assert network(events) == []


def test_wrong_usage_exits_2(sample):
    result = run(str(sample), "--no-such-option")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_help():
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    for option in ("--json", "--fast", "--quiet"):
        assert option in result.stdout


def test_help_does_not_import_the_heavy_libraries():
    import subprocess
    import sys

    code = ("import sys; from sco_data.cli import cli; "
            "heavy = {'pandas', 'pyarrow', 'frictionless'} & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_data_is_left_untouched(sample):
    before = {p: p.read_bytes() for p in Path(sample).rglob("*") if p.is_file()}
    DATA_CASES[1].breaks(sample)
    broken = {p: p.read_bytes() for p in Path(sample).rglob("*") if p.is_file()}
    run(str(sample))
    assert {p: p.read_bytes() for p in Path(sample).rglob("*") if p.is_file()} == broken
    assert broken != before
