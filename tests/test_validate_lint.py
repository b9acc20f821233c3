"""The metadata lint: what Frictionless lets through but a published package should not. Each
fault is pointed at in datapackage.json, and none of them crashes the validator."""

from __future__ import annotations

import re

import pytest
from validate_cases import edit_descriptor, field, resource

from sco_data import checks
from sco_data.descriptor import load_package
from sco_data.validate import validate_package


def _set(path: list, value):
    def change(d: dict):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _field_change(table: str, name: str, **changes):
    def change(d: dict):
        f = field(d, table, name)
        for key, value in changes.items():
            if value is None:
                f.pop(key, None)
            else:
                f[key] = value

    return change


def _constraint(table: str, name: str, **cons):
    def change(d: dict):
        field(d, table, name).setdefault("constraints", {}).update(cons)

    return change


LINT_CASES = checks.cases(checks.DESCRIPTOR)  # beside each lint, in sco_data/checks/metadata.py


# What a published package should say but stock Frictionless does not require: a warning, which
# validate and export let pass, unless --strict (make test, release) makes it an error.
WARNINGS = {"metadata-version", "metadata-name", "metadata-licenses", "metadata-schema", "metadata-description"}


@pytest.mark.parametrize("case", LINT_CASES, ids=lambda c: c.id)
def test_lint(sample, case):
    [expected] = case.expected
    case.breaks(sample)
    rule = re.search(r": \[([a-z:-]+)\] ", expected)[1]
    report = validate_package(load_package(sample))
    if rule in WARNINGS:
        assert report.valid
        assert [str(p) for p in report.problems] == [expected.replace(f"[{rule}] ", f"[{rule}] warning: ")]
    else:
        assert not report.valid
        assert [str(p) for p in report.problems] == [expected]
    strict = validate_package(load_package(sample), strict=True)
    assert not strict.valid
    assert [str(p) for p in strict.problems] == [expected]


def test_enum_of_wrong_type_is_not_used_on_the_data(sample):
    """The data cannot be judged against an enum that does not fit the column: the lint says so
    and the check skips it instead of crashing."""
    edit_descriptor(sample, _constraint("military_exercises", "troops_total", enum=["lots"]))
    rules = {p.rule for p in validate_package(load_package(sample)).problems}
    assert rules == {"metadata-enum"}


def test_unsupported_type_is_a_problem_not_a_crash(sample):
    edit_descriptor(sample, _field_change("countries", "name", type="geopoint"))
    report = validate_package(load_package(sample), frictionless=True)
    shown = [str(p) for p in report.problems if not p.rule.startswith("frictionless")]
    assert shown == [
        "data/countries.csv::name: [field-type] not read: the schema says type 'geopoint' is not supported; use one "
        "of: string, integer, number, boolean, date, datetime, year, list",
        "datapackage.json::resources[countries].fields[name]: [metadata-type] type 'geopoint' is not supported; use "
        "one of: string, integer, number, boolean, date, datetime, year, list; the table cannot be read until it is "
        "fixed",
    ]
    assert report.tables["countries"].table is None
    assert not report.valid


def test_foreign_key_to_unknown_table_and_field(sample):
    def change(d):
        fks = resource(d, "members")["schema"]["foreignKeys"]
        fks[0]["reference"]["resource"] = "states"
        fks[1]["reference"]["fields"] = "id"

    edit_descriptor(sample, change)
    assert [str(p) for p in validate_package(load_package(sample)).problems] == [
        "datapackage.json::resources[members].schema.foreignKeys[0]: [metadata-key] refers to a table 'states' that "
        "the package does not have",
        "datapackage.json::resources[members].schema.foreignKeys[1]: [metadata-key] refers to summits.id, which is not "
        "a field of summits",
    ]


def test_frictionless_does_not_repeat_what_the_lint_says(sample):
    edit_descriptor(sample, _set(["version"], 1))
    report = validate_package(load_package(sample), frictionless=True)
    assert [str(p) for p in report.problems] == [
        "datapackage.json::version: [metadata-version] warning: 1 is not a semantic version "
        "(MAJOR.MINOR.PATCH, e.g. 1.0.0)"
    ]
