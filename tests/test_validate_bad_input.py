"""Every bad input of the contract, checked through the library: the exact problems a person sees,
and stock Frictionless agreeing wherever the fault is within its remit."""

from __future__ import annotations

import pytest
from support import Case, edit
from validate_cases import CSV_CASES, DATA_CASES

from sco_data.descriptor import load_package
from sco_data.validate import validate_package


def problems(pkg_dir, **kwargs) -> list[str]:
    return [str(p) for p in validate_package(load_package(pkg_dir), **kwargs).problems]


def test_sample_package_is_valid(sample):
    report = validate_package(load_package(sample), frictionless=True)
    assert report.problems == []
    assert report.valid
    assert report.table("summits").num_rows == 3


def test_repository_package_is_valid(repo_package):
    assert problems(repo_package, frictionless=True) == []


@pytest.mark.parametrize("case", DATA_CASES, ids=lambda c: c.id)
def test_bad_input_is_reported(sample, case: Case):
    case.breaks(sample)
    report = validate_package(load_package(sample))
    assert not report.valid
    assert [str(p) for p in report.problems] == case.expected


@pytest.mark.parametrize("case", DATA_CASES, ids=lambda c: c.id)
def test_frictionless_run_adds_nothing_we_already_report(sample, case: Case):
    case.breaks(sample)
    assert problems(sample, frictionless=True) == case.expected


@pytest.mark.parametrize("case", [c for c in CSV_CASES if c.frictionless_agrees], ids=lambda c: c.id)
def test_stock_frictionless_agrees(sample, case: Case):
    import frictionless

    case.breaks(sample)
    assert not frictionless.validate(str(sample / "datapackage.json")).valid


def test_stock_frictionless_accepts_the_sample(sample):
    import frictionless

    assert frictionless.validate(str(sample / "datapackage.json")).valid


def test_malformed_row_after_a_quoted_line_break(sample):
    # The 2004-tashkent row holds a quoted line break (lines 4-5), so the next row starts on line 6.
    edit(sample, "summits", 'line note",test-ref\n', 'line note",test-ref\n2005-astana,sco,2005\n')
    assert problems(sample) == [
        "data/summits.csv:6: [malformed-csv] row has 3 cells but the header has 11 (too few); "
        "check for a missing or extra comma or an unquoted comma in a cell"
    ]


def test_bad_cell_after_a_quoted_line_break(sample):
    edit(sample, "summits", 'line note",test-ref\n',
         'line note",test-ref\n2005-astana,sco,2005,2005-07-05,2005-07-06,Astana,KAZ,by_letter,,,test-ref\n')
    assert problems(sample, frictionless=True) == [
        "data/summits.csv:6:format: [enum] 'by_letter' is not allowed; use one of: in_person, virtual, hybrid"
    ]


def test_unique_is_checked_without_the_reference_run(sample):
    """A `unique` constraint is one of ours: --fast finds it, and the reference run adds nothing."""
    from support import edit_descriptor, field

    edit_descriptor(sample, lambda d: field(d, "countries", "name").setdefault("constraints", {}).update(unique=True))
    edit(sample, "countries", "MNG,Mongolia", "MNG,China")
    expected = ["data/countries.csv:4:name: [unique] 'China' is on line 2 already; the column's values must be unique"]
    assert problems(sample) == expected
    assert problems(sample, frictionless=True) == expected


def test_frictionless_package_errors_are_reported(sample):
    from support import edit_descriptor

    edit_descriptor(sample, lambda d: d.update(created="yesterday"))
    assert problems(sample, frictionless=True) == [
        'datapackage.json: [frictionless:package-error] property "created" is not valid "datetime"'
    ]
