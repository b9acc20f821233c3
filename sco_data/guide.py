"""What a reader needs beside the values: each column in plain words, names for codes, links to
sources. The workbook and the Datasette metadata both ask here, so they say the same things.

Everything is derived from the descriptor: a code gets a name when its foreign key points at a
table with a `name` field (`title` failing that), and a list field cites the sources table when the
validation rules say it does (the one place that knows that contract, sco_data.checks.rules).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import schema as sch
from .checks.rules import SOURCE_KEY, SOURCES, _is_source_list

LABEL_FIELDS = ("name", "title")


def type_text(fdef: dict) -> str:
    """A field's type as a person reads it."""
    ftype = sch.field_type(fdef)
    if ftype == "list":
        return "list of text"
    return {"string": "text", "date": "date (YYYY-MM-DD)", "datetime": "date and time (UTC)",
            "boolean": "TRUE or FALSE", "year": "year", "integer": "whole number", "number": "number"}[ftype]


def allowed_text(res, fdef: dict) -> str:
    """The values a field allows, in words: the table it refers to, the enumeration, the bounds."""
    cons = sch.constraints(fdef)
    out = []
    for fk in res.foreign_keys:
        if fdef["name"] in fk["fields"]:
            ref = fk["ref_fields"][fk["fields"].index(fdef["name"])]
            out.append(f"{ref} of {fk['resource']}")
    if is_source_list(fdef):
        out.append(f"{SOURCE_KEY} values of {SOURCES}")
    if sch.enum_values(fdef):
        out.append("one of: " + ", ".join(map(str, sch.enum_values(fdef))))
    for key, sign in (("minimum", "at least"), ("maximum", "at most")):
        if key in cons:
            out.append(f"{sign} {cons[key]}")
    if cons.get("pattern") and not out and sch.field_type(fdef) == "string":
        out.append(f"text matching {cons['pattern']}")
    return "; ".join(out)


def is_source_list(fdef: dict) -> bool:
    return _is_source_list(fdef)


def source_list_fields(res) -> list[str]:
    return [f["name"] for f in res.fields if is_source_list(f)]


def sources_table(pkg):
    """(resource, key field) of the sources table, or None when the package has none."""
    for res in pkg.resources:
        if res.name == SOURCES and SOURCE_KEY in res.field_names:
            return res, SOURCE_KEY
    return None


def label_field(res) -> str | None:
    """The field that names a row of res: `name`, or `title`, when res has one."""
    for name in LABEL_FIELDS:
        for fdef in res.fields:
            if fdef["name"] == name and sch.field_type(fdef) == "string":
                return name
    return None


@dataclass(frozen=True)
class NameLink:
    """A code column and the column that names it: `field` refers to `ref_field` of `resource`,
    whose `label` field names the row."""

    field: str
    resource: str
    ref_field: str
    label: str


def name_links(pkg, res) -> list[NameLink]:
    """Every single-field foreign key of res to another table that has a label field."""
    by_name = {r.name: r for r in pkg.resources}
    out = []
    for fk in res.foreign_keys:
        parent = by_name.get(fk["resource"])
        if len(fk["fields"]) != 1 or parent is None or parent.name == res.name:
            continue
        label = label_field(parent)
        if label and label not in fk["ref_fields"]:
            out.append(NameLink(fk["fields"][0], parent.name, fk["ref_fields"][0], label))
    return out
