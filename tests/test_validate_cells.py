"""Typed cells and the constraints judged on them, one fault at a time: what the differential
conformance tests (test_conformance.py) found our checks doing unlike Frictionless."""

from __future__ import annotations

from helpers import write_package

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
