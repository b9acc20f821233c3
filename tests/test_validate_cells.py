"""Typed cells and the constraints judged on them, one fault at a time: what the differential
conformance tests (test_conformance.py) found our checks doing unlike Frictionless."""

from __future__ import annotations

import pytest
from support import write_package

from sco_data.descriptor import load_package
from sco_data.validate import validate_package


def problems(folder, fields: list[dict], rows: list[list], **schema) -> list[str]:
    """The problems of a one-table package whose first field is its key."""
    schema = {"fields": fields, "primaryKey": [fields[0]["name"]], **schema}
    write_package(folder, "cells", [("t", schema, rows)])
    return [str(p) for p in validate_package(load_package(folder)).problems]


def test_a_cell_that_is_no_boolean_has_no_value(tmp_path):
    """'maybe' was read as false and then also broke the enum [true]."""
    fields = [{"name": "id", "type": "integer"},
              {"name": "open", "type": "boolean", "constraints": {"required": True, "enum": [True]}}]
    assert problems(tmp_path / "pkg", fields, [["1", "true"], ["2", "maybe"]]) == [
        "data/t.csv:3:open: [type] 'maybe' is not a valid boolean; write true or false",
    ]


@pytest.mark.parametrize("cell", ["2008-08-28T10:00Z", "2008-08-28T10Z", "20080828T100000Z", "2008-08-28T10:00:00 Z",
                                  "2008-08-28T10:00:00+02:00:30", "2008-08-28T10:00:00.Z", "2008-W35-4T10:00:00Z"])
def test_a_date_time_has_seconds_and_the_extended_form(tmp_path, cell):
    """Python's fromisoformat takes these; a Table Schema date-time is YYYY-MM-DDThh:mm:ss with a zone."""
    fields = [{"name": "id", "type": "integer"}, {"name": "at", "type": "datetime"}]
    assert problems(tmp_path / "pkg", fields, [["1", cell]]) == [
        f"data/t.csv:2:at: [type] {cell!r} is not a valid datetime; write an ISO 8601 date-time with a time zone, "
        "e.g. 2008-08-28T10:00:00Z",
    ]


@pytest.mark.parametrize("cell", ["2008-08-28T10:00:00Z", "2008-08-28T10:00:00.25+02:00", "2008-08-28 10:00:00Z",
                                  "2008-08-28T10:00:00,5-0130", "2008-08-28T10:00:00+02"])
def test_date_times_still_read(tmp_path, cell):
    fields = [{"name": "id", "type": "integer"}, {"name": "at", "type": "datetime"}]
    assert problems(tmp_path / "pkg", fields, [["1", cell]]) == []


@pytest.mark.parametrize("cell", ["1e400", "-1e999"])
def test_a_number_beyond_a_double_is_out_of_range(tmp_path, cell):
    """It was read as infinity, which the JSON export then wrote as `inf`, no JSON at all."""
    fields = [{"name": "id", "type": "integer"}, {"name": "x", "type": "number"}]
    assert problems(tmp_path / "pkg", fields, [["1", cell], ["2", "1e308"]]) == [
        f"data/t.csv:2:x: [type] {cell!r} is not a valid number; write a number with a '.' decimal point and no "
        "separators",
    ]


def test_dates_in_messages_are_written_as_dates(tmp_path):
    fields = [{"name": "id", "type": "integer"},
              {"name": "day", "type": "date", "constraints": {"minimum": "2000-01-01", "enum": ["2001-01-01"]}},
              {"name": "at", "type": "datetime", "constraints": {"maximum": "2020-01-01T00:00:00Z"}}]
    assert problems(tmp_path / "pkg", fields, [["1", "1999-12-31", "2020-01-01T02:00:00+01:00"]]) == [
        "data/t.csv:2:at: [maximum] 2020-01-01T01:00:00Z is above the maximum 2020-01-01T00:00:00Z",
        "data/t.csv:2:day: [enum] 1999-12-31 is not allowed; use one of: 2001-01-01",
        "data/t.csv:2:day: [minimum] 1999-12-31 is below the minimum 2000-01-01",
    ]


def test_an_enum_of_date_times_is_checked(tmp_path):
    """It was skipped: its values were never read as date-times. The same instant in another zone
    is the same value."""
    fields = [{"name": "id", "type": "integer"},
              {"name": "at", "type": "datetime",
               "constraints": {"enum": ["2024-05-01T09:00:00Z", "2024-06-01T09:00:00+02:00"]}}]
    rows = [["1", "2024-05-01T09:00:00Z"], ["2", "2024-05-01T11:00:00+02:00"], ["3", "2024-06-01T07:00:00Z"],
            ["4", "2024-05-01T09:00:01Z"], ["5", "2024-06-01T09:00:00Z"]]
    allowed = "use one of: 2024-05-01T09:00:00Z, 2024-06-01T09:00:00+02:00"
    assert problems(tmp_path / "pkg", fields, rows) == [
        f"data/t.csv:5:at: [enum] 2024-05-01T09:00:01Z is not allowed; {allowed}",
        f"data/t.csv:6:at: [enum] 2024-06-01T09:00:00Z is not allowed; {allowed}",
    ]


def test_a_list_is_as_long_as_its_min_and_max_length(tmp_path):
    """minLength and maxLength of a list field were not checked at all."""
    fields = [{"name": "id", "type": "integer"},
              {"name": "tags", "type": "list", "delimiter": ";", "constraints": {"minLength": 2, "maxLength": 3}}]
    rows = [["1", "a;b"], ["2", "a"], ["3", "a;b;c;d"], ["4", None], ["5", "a;b;c"]]
    assert problems(tmp_path / "pkg", fields, rows) == [
        "data/t.csv:3:tags: [minLength] 1 item; the list takes at least 2",
        "data/t.csv:4:tags: [maxLength] 4 items; the list takes at most 3",
    ]


def test_an_empty_key_is_a_problem(tmp_path):
    """A key field that is not marked required may still not be empty; validate --fast and export
    let such a row through, and only the Frictionless run of validate said so. A key cell that
    failed its type is reported once, as such."""
    fields = [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]
    rows = [["1", "a"], [None, "b"], ["x", "c"], [None, "d"]]
    assert problems(tmp_path / "pkg", fields, rows) == [
        "data/t.csv:3:id: [primary-key] empty key; every row needs one to tell it apart; fill it in",
        "data/t.csv:4:id: [type] 'x' is not a valid integer; write a whole number with digits only, no separators",
        "data/t.csv:5:id: [primary-key] empty key; every row needs one to tell it apart; fill it in",
    ]


def test_an_empty_required_key_is_reported_once(tmp_path):
    fields = [{"name": "id", "type": "integer", "constraints": {"required": True}}, {"name": "name", "type": "string"}]
    assert problems(tmp_path / "pkg", fields, [["1", "a"], [None, "b"]]) == [
        "data/t.csv:3:id: [required] empty, but this column is required; fill it in",
    ]


def test_a_composite_key_is_empty_when_every_part_is(tmp_path):
    fields = [{"name": "a", "type": "string"}, {"name": "b", "type": "integer"}]
    write_package(tmp_path / "pkg", "cells", [("t", {"fields": fields, "primaryKey": ["a", "b"]},
                                                [["x", "1"], ["x", None], [None, "1"], [None, None]])])
    assert [str(p) for p in validate_package(load_package(tmp_path / "pkg")).problems] == [
        "data/t.csv:5:a, b: [primary-key] empty key; every row needs one to tell it apart; fill it in",
    ]
