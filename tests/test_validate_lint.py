"""The metadata lint: what Frictionless lets through but a published package should not. Each
fault is pointed at in datapackage.json, and none of them crashes the validator."""

from __future__ import annotations

import re

import pytest
from support import edit_descriptor, field, resource

from sco_data.descriptor import load_package
from sco_data.validate import validate_package


def _set(path: list, value):
    def change(d: dict):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(key: str):
    return lambda d: d.pop(key)


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


LINT_CASES = [
    ("version-not-semver", _set(["version"], "1.0"),
     "datapackage.json::version: [metadata-version] '1.0' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)"),
    ("version-missing", _drop("version"),
     "datapackage.json::version: [metadata-version] no version; give a semantic version such as 1.0.0"),
    ("name-pattern", _set(["name"], "SCO Data"),
     "datapackage.json::name: [metadata-name] 'SCO Data' is not a package name: use lower-case letters, digits, "
     "'.', '_' and '-' only"),
    ("licenses-missing", _drop("licenses"),
     "datapackage.json::licenses: [metadata-licenses] no licenses; name the data licence, "
     "e.g. {\"name\": \"CC-BY-4.0\"}"),
    ("schema-missing", _drop("$schema"),
     "datapackage.json::$schema: [metadata-schema] no $schema; set it to "
     "https://datapackage.org/profiles/2.0/datapackage.json (Data Package v2)"),
    ("description-missing", _field_change("members", "notes", description=None),
     "datapackage.json::resources[members].fields[notes]: [metadata-description] no description; say what the "
     "column holds"),
    ("description-blank", _field_change("members", "notes", description="  "),
     "datapackage.json::resources[members].fields[notes]: [metadata-description] no description; say what the "
     "column holds"),
    ("enum-empty", _constraint("summits", "format", enum=[]),
     "datapackage.json::resources[summits].fields[format].constraints.enum: [metadata-enum] an enum must be a "
     "non-empty list of the allowed values"),
    ("enum-duplicate", _constraint("summits", "format", enum=["in_person", "virtual", "hybrid", "virtual"]),
     "datapackage.json::resources[summits].fields[format].constraints.enum: [metadata-enum] 'virtual' is listed twice"),
    ("enum-against-pattern", _constraint("countries", "iso3", enum=["CHN", "KAZ", "MNG", "RUS", "UZB", "uzb"]),
     "datapackage.json::resources[countries].fields[iso3].constraints.enum: [metadata-enum] 'uzb' does not match "
     "the field's pattern ^[A-Z]{3}$"),
    ("enum-wrong-type", _constraint("military_exercises", "troops_total", enum=[6000, "many"]),
     "datapackage.json::resources[military_exercises].fields[troops_total].constraints.enum: [metadata-enum] "
     "'many' is not of type integer, the field's type"),
    ("pattern-not-regex", _constraint("countries", "name", pattern="[A-Z"),
     "datapackage.json::resources[countries].fields[name].constraints.pattern: [metadata-pattern] '[A-Z' is not a "
     "regular expression"),
    ("primary-key-unknown-field", _set(["resources", 0, "schema", "primaryKey"], ["code"]),
     "datapackage.json::resources[countries].schema.primaryKey: [metadata-key] names 'code', which is not a field "
     "of countries"),
]


# What a published package should say but stock Frictionless does not require: a warning, which
# validate and export let pass, unless --strict (make test, release) makes it an error.
WARNINGS = {"metadata-version", "metadata-name", "metadata-licenses", "metadata-schema", "metadata-description"}


@pytest.mark.parametrize("case", LINT_CASES, ids=lambda c: c[0])
def test_lint(sample, case):
    _, change, expected = case
    edit_descriptor(sample, change)
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


def test_non_utf8_encoding_declared(sample):
    edit_descriptor(sample, lambda d: resource(d, "countries").update(encoding="latin-1"))
    assert [str(p) for p in validate_package(load_package(sample)).problems] == [
        "datapackage.json::resources[countries].encoding: [metadata-encoding] encoding 'latin-1': the tables are read "
        "as UTF-8; declare utf-8"
    ]


def test_frictionless_does_not_repeat_what_the_lint_says(sample):
    edit_descriptor(sample, _set(["version"], 1))
    report = validate_package(load_package(sample), frictionless=True)
    assert [str(p) for p in report.problems] == [
        "datapackage.json::version: [metadata-version] warning: 1 is not a semantic version "
        "(MAJOR.MINOR.PATCH, e.g. 1.0.0)"
    ]
