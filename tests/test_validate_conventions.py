"""The CSV conventions the README states (LF line endings, rows sorted by the primary key) are
checked: warnings that validate and export let pass, and errors under --strict (make test and
release), each message saying how to fix the file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sco_data import checks
from sco_data.cli import cli
from sco_data.descriptor import load_package
from sco_data.validate import validate_package

CONVENTION_CASES = checks.cases(checks.TABLE, checks.WARNING)


def test_the_conventions_have_cases():
    assert {c.id for c in CONVENTION_CASES} == {"line-endings-crlf", "key-order-swapped"}


@pytest.mark.parametrize("case", CONVENTION_CASES, ids=lambda c: c.id)
def test_a_convention_broken_is_a_warning_and_an_error_under_strict(sample, case):
    case.breaks(sample)
    report = validate_package(load_package(sample))
    assert report.valid
    assert [str(p) for p in report.problems] == case.expected
    strict = validate_package(load_package(sample), strict=True)
    assert not strict.valid
    assert [str(p) for p in strict.problems] == [e.replace("] warning: ", "] ") for e in case.expected]


@pytest.mark.parametrize("case", CONVENTION_CASES, ids=lambda c: c.id)
def test_the_cli_warns_exports_and_refuses_under_strict(sample, tmp_path, case):
    case.breaks(sample)
    runner = CliRunner()
    plain = runner.invoke(cli, ["validate", "--fast", str(sample)])
    assert plain.exit_code == 0 and "warning:" in plain.output
    strict = runner.invoke(cli, ["validate", "--fast", "--strict", str(sample)])
    assert strict.exit_code == 1 and "invalid: 1 error(s)" in strict.output
    exported = runner.invoke(cli, ["export", "--package", str(sample), "--out", str(tmp_path / "out"),
                                   "--format", "json"])
    assert exported.exit_code == 0 and "warning:" in exported.output


def test_a_crlf_line_after_a_quoted_line_break_is_named(sample):
    from support import write_bytes

    write_bytes(sample, "countries",
                b'iso3,name\nCHN,"China\nPRC"\nKAZ,Kazakhstan\r\nMNG,Mongolia\nRUS,Russia\nUZB,Uzbekistan\n')
    [problem] = validate_package(load_package(sample)).problems
    assert (problem.file, problem.row, problem.rule) == ("data/countries.csv", 4, "line-endings")


def test_key_order_counts_every_row_out_of_order(sample):
    from support import write_bytes

    write_bytes(sample, "countries", b"iso3,name\nUZB,Uzbekistan\nCHN,China\nRUS,Russia\nKAZ,Kazakhstan\n"
                                     b"MNG,Mongolia\n")
    [problem] = validate_package(load_package(sample)).problems
    assert problem.row == 3
    assert "(CHN) comes after (UZB) on line 2" in problem.message and "(2 rows are out of order)" in problem.message


def test_the_repository_keeps_the_conventions(repo_package):
    assert validate_package(load_package(repo_package), strict=True).problems == []
