"""`sco-data release`, `verify` and `diff` driven through the CLI, checking the real files after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import (
    add_rows,
    drop_column,
    load_descriptor,
    save_descriptor,
    set_cell,
    tree,
)

from sco_data.cli import cli


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


def released(run, pkg: Path, version: str, day: str = "2026-11-28"):
    result = run("release", version, "--package", pkg, "--date", day, "--fast")
    assert result.exit_code == 0, result.output
    return result


def test_full_cycle_through_the_cli(run, sample):
    first = released(run, sample, "0.1.0")
    assert "(first release)" in first.output
    assert first.output.strip().endswith('git tag -a v0.1.0 -m "sco-data-sample 0.1.0"')

    add_rows(sample, "countries", ["IND", "India"])
    set_cell(sample, "summits", "2004-tashkent", "city", "Toshkent")
    second = released(run, sample, "0.2.0", "2026-12-01")
    assert "since 0.1.0" in second.output and "at least a MINOR release" in second.output
    assert load_descriptor(sample)["version"] == "0.2.0"

    text = run("diff", "0.1.0", "0.2.0", "--package", sample)
    assert text.exit_code == 0
    assert "required bump: MINOR" in text.output
    assert "  + IND" in text.output
    assert "city: 'Tashkent' -> 'Toshkent'" in text.output

    as_json = json.loads(run("diff", "0.1.0", sample / "exports" / "0.2.0", "--json").output)
    assert as_json["old"] == "0.1.0" and as_json["new"] == "0.2.0" and as_json["required_bump"] == "minor"
    summits = next(t for t in as_json["tables"] if t["table"] == "summits")
    assert summits["changed"] == [{"key": ["2004-tashkent"], "cells": {"city": {"old": "Tashkent", "new": "Toshkent"}}}]

    md = run("diff", sample / "exports" / "0.1.0", sample / "exports" / "0.2.0" / "datapackage.json", "--markdown")
    assert md.output == ("### Added\n- `countries`: 1 row: `IND`.\n\n"
                         "### Changed\n- `summits`: 1 row changed: `2004-tashkent` (city).\n")

    for version in ("0.1.0", "0.2.0"):
        ok = run("verify", sample / "exports" / version, "--rebuild")
        assert ok.exit_code == 0, ok.output
        assert "rebuilt files are byte-identical" in ok.output
    assert run("verify", "0.2.0", "--package", sample).exit_code == 0
    checked = json.loads(run("verify", "0.1.0", "--package", sample, "--json").output)
    assert checked["checked"] == len((sample / "exports" / "0.1.0" / "SHA256SUMS").read_text().splitlines())

    snap = sample / "exports" / "0.2.0"
    (snap / "sco.sqlite").write_bytes(b"not a database")
    (snap / "csv" / "members.csv").unlink()
    before = tree(sample)
    bad = run("verify", snap)
    assert bad.exit_code == 1
    assert "sco.sqlite: [checksum] changed" in bad.output
    assert "csv/members.csv: [file-missing]" in bad.output
    assert "the snapshot is not as released" in bad.output
    assert tree(sample) == before
    problems = json.loads(run("verify", snap, "--json").output)
    assert {(p["file"], p["rule"]) for p in problems} == {("sco.sqlite", "checksum"),
                                                            ("csv/members.csv", "file-missing")}


@pytest.mark.parametrize("version, words", [
    ("v1", "without the leading 'v'"),
    ("1.0", "with all three numbers"),
    ("01.2.3", "without leading zeros"),
])
def test_release_refuses_bad_versions_and_writes_nothing(run, sample, version, words):
    before = tree(sample)
    result = run("release", version, "--package", sample, "--fast")
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output
    assert tree(sample) == before


def test_release_refusals_write_nothing(run, sample):
    released(run, sample, "0.1.0")
    drop_column(sample, "members", "notes")
    before = tree(sample)
    for args, words in [
        (("0.1.0",), "exports/0.1.0/ already exists"),
        (("0.0.9",), "not greater than the latest release 0.1.0"),
        (("0.2.0",), "need MAJOR (at least 1.0.0)"),
        (("1.0.0", "--date", "soon"), "is not a date"),
    ]:
        result = run("release", *args, "--package", sample, "--fast")
        assert result.exit_code == 1, args
        assert words in result.output, result.output
        assert tree(sample) == before
    assert "`members.notes`: field removed" in run("release", "0.2.0", "--package", sample, "--fast").output


def test_release_refuses_an_invalid_package(run, sample):
    set_cell(sample, "members", "CHN", "joined_date", "2001-15-06")
    before = tree(sample)
    result = run("release", "0.1.0", "--package", sample, "--fast")
    assert result.exit_code == 1
    assert "data/members.csv:2:joined_date: [type]" in result.output
    assert "the package is invalid" in result.output
    assert tree(sample) == before


def test_diff_and_verify_refuse_bad_references(run, sample):
    released(run, sample, "0.1.0")
    unknown = run("diff", "0.1.0", "0.4.0", "--package", sample)
    assert unknown.exit_code == 1
    assert "unknown version 0.4.0" in unknown.output and "released: 0.1.0" in unknown.output
    assert "not a version number" in run("diff", "0.1.0", "nope", "--package", sample).output
    assert run("verify", "0.4.0", "--package", sample).exit_code == 1

    desc = load_descriptor(sample)
    del desc["version"]
    save_descriptor(sample, desc)
    result = run("diff", "0.1.0", sample)
    assert result.exit_code == 1
    assert "the descriptor has no version" in result.output

    no_sums = run("verify", sample)
    assert no_sums.exit_code == 1 and "no SHA256SUMS" in no_sums.output


def test_diff_json_error_is_json(run, sample):
    result = run("diff", "1.0.0", "2.0.0", "--package", sample, "--json")
    assert result.exit_code == 1
    assert "unknown version 1.0.0" in json.loads(result.output)[0]["message"]


@pytest.mark.parametrize("command", ["release", "verify", "diff"])
def test_commands_have_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert len(result.output.split("\n\n", 2)[1]) > 40
