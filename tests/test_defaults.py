"""The defaults a maintainer expects: `diff` alone compares the last release with the working
package; `release` alone proposes the version the changes require (asking on a terminal, printing
it and exiting 2 elsewhere); `status_on` and `members_on` warn past the package's coverage; `load`
says which package it read and, without a table, lists the tables."""

from __future__ import annotations

import logging
import warnings

import pytest
from click.testing import CliRunner
from support import add_rows, load_descriptor

import sco_data
from sco_data.cli import cli
from sco_data.on_day import CoverageWarning


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _release(pkg, version):
    result = _run("release", version, "--package", pkg, "--date", "2026-11-28", "--fast")
    assert result.exit_code == 0, result.output


def test_diff_alone_compares_the_last_release_with_the_working_package(sample, monkeypatch):
    _release(sample, "0.1.0")
    add_rows(sample, "countries", ["IND", "India"])
    monkeypatch.chdir(sample)
    result = _run("diff")
    assert result.exit_code == 0, result.output
    assert "comparing 0.1.0 with datapackage.json" in result.stderr
    assert "required bump: MINOR" in result.stdout and "  + IND" in result.stdout
    # The same as naming both.
    assert _run("diff", "0.1.0", "datapackage.json").stdout == result.stdout


def test_diff_alone_without_a_release_says_so(sample, monkeypatch):
    monkeypatch.chdir(sample)
    result = _run("diff")
    assert result.exit_code == 1
    assert "no release in exports yet; give OLD and NEW to compare" in result.stderr
    assert "Traceback" not in result.output


def test_release_alone_proposes_the_required_version_and_exits_2(sample):
    _release(sample, "0.1.0")
    add_rows(sample, "countries", ["IND", "India"])
    result = _run("release", "--package", sample, "--fast")
    assert result.exit_code == 2
    assert result.stdout == "0.2.0\n"
    assert "the changes since 0.1.0 require a MINOR release: 0.2.0" in result.stderr
    assert "nothing released; to release it, run: sco-data release 0.2.0" in result.stderr
    assert not (sample / "exports" / "0.2.0").exists()
    assert load_descriptor(sample)["version"] == "0.1.0"


def test_release_alone_before_the_first_release_proposes_the_descriptors_version(sample):
    result = _run("release", "--package", sample)
    assert result.exit_code == 2
    assert result.stdout == f"{load_descriptor(sample)['version']}\n"
    assert "no release yet" in result.stderr


@pytest.mark.parametrize("answer, code", [("y\n", 0), ("n\n", 1)])
def test_release_alone_on_a_terminal_asks(sample, monkeypatch, answer, code):
    _release(sample, "0.1.0")
    add_rows(sample, "countries", ["IND", "India"])
    monkeypatch.setattr("sco_data.cli._interactive", lambda: True)
    result = CliRunner().invoke(cli, ["release", "--package", str(sample), "--date", "2026-12-01", "--fast"],
                                input=answer)
    assert result.exit_code == code, result.output
    assert "Release 0.2.0? [y/N]" in result.stderr
    assert (sample / "exports" / "0.2.0").is_dir() == (code == 0)


def test_members_on_warns_past_the_coverage(sample):
    created = load_descriptor(sample)["created"][:10]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sco_data.members_on(created, sample)  # the last day covered: no warning
    with pytest.warns(CoverageWarning, match=r"2030-01-01 is after .*, the last day .* covers"):
        members = sco_data.members_on("2030-01-01", sample)
    assert members == sco_data.members_on(created, sample)
    with pytest.warns(CoverageWarning):
        sco_data.status_on("2030-01-01", sample)


def test_load_says_which_package_it_read(sample, caplog):
    with caplog.at_level(logging.INFO, logger="sco_data"):
        frame = sco_data.load("countries", sample)
    assert frame.attrs["source"] == str(sample / "datapackage.json")
    assert frame.attrs["package"] == f"sco-data-sample {load_descriptor(sample)['version']}"
    assert f"reading {sample / 'datapackage.json'}" in caplog.text


def test_load_without_a_table_lists_the_tables(sample):
    with pytest.raises(TypeError, match="load\\(\\) needs a table name; the tables of .* are: countries, "):
        sco_data.load(package=sample)
