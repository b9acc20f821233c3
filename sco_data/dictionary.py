"""The codebook, docs/data-dictionary.md: every table and every column of the package, from the
descriptor, with row counts and spans of years from the data. `sco-data docs` writes it (docs.py).
"""

from __future__ import annotations

from . import schema as sch
from .descriptor import Package
from .facts import licence_text, released, span, summarize


def md_cell(text: object) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(text: object) -> str:
    return f"`{md_cell(text)}`"


def _type_label(fdef: dict) -> str:
    ftype = sch.field_type(fdef)
    if ftype == "list":
        return f"list of {fdef.get('itemType', 'string')}, separated by {_code(sch.list_delimiter(fdef))}"
    if ftype == "date":
        return "date (YYYY-MM-DD)"
    return ftype


def _allowed(fdef: dict, fks: dict[str, dict]) -> str:
    cons = sch.constraints(fdef)
    out = []
    if fdef["name"] in fks:
        fk = fks[fdef["name"]]
        out.append(f"a {_code(fk['ref_fields'][0])} of [{fk['resource']}](#{fk['resource']})")
    if sch.enum_values(fdef):
        out.append("one of " + ", ".join(_code(v) for v in sch.enum_values(fdef)))
    if "pattern" in cons:
        out.append(f"matches {_code(cons['pattern'])}")
    for key, sign in (("minimum", "≥"), ("maximum", "≤")):
        if key in cons:
            out.append(f"{sign} {cons[key]}")
    for key, word in (("minLength", "at least"), ("maxLength", "at most")):
        if key in cons:
            out.append(f"{word} {cons[key]} characters")
    if "unique" in cons and cons["unique"]:
        out.append("unique")
    return "; ".join(out)


def _foreign_keys(res) -> list[str]:
    return [
        f"{', '.join(_code(f) for f in fk['fields'])} → [{fk['resource']}](#{fk['resource']}) "
        f"({', '.join(_code(f) for f in fk['ref_fields'])})"
        for fk in res.foreign_keys
    ]


def data_dictionary(pkg: Package, tables: dict, generated_by: str) -> str:
    """The codebook: every table and every column, from the descriptor, with row counts; the
    comment at its top says how it is made (generated_by)."""
    summaries = {s.name: s for s in summarize(pkg, tables)}
    lines = [
        f"# Data dictionary: {pkg.descriptor.get('title', pkg.name)}",
        "",
        f"<!-- {generated_by} -->",
        "",
        f"Version {pkg.version}, released {released(pkg)}. Data licence: {licence_text(pkg)}.",
        "",
        md_cell(pkg.descriptor.get("description", "")),
        "",
        "Conventions: an empty cell means unknown or not applicable. Dates are YYYY-MM-DD; where only",
        "the year is known the year column is filled and the date column is empty. Years below are the",
        "earliest and latest found in a table's date and year columns.",
        "",
        "| Table | Rows | Years | Description |",
        "| --- | ---: | --- | --- |",
    ]
    for s in summaries.values():
        lines.append(f"| [{s.name}](#{s.name}) | {s.rows} | {span(s.years)} | {md_cell(s.description)} |")
    for res in pkg.resources:
        s = summaries[res.name]
        fks = {fk["fields"][0]: fk for fk in res.foreign_keys if len(fk["fields"]) == 1}
        fk_lines = _foreign_keys(res)
        lines += [
            "",
            f"## {res.name}",
            "",
            f"**{md_cell(s.title)}.** {md_cell(s.description)}",
            "",
            f"- File: `{res.relpath}`",
            f"- Rows: {s.rows}",
            f"- Years: {span(s.years)}",
            f"- Primary key: {', '.join(_code(k) for k in res.primary_key) or 'none'}",
            f"- Foreign keys: {'; '.join(fk_lines) if fk_lines else 'none'}",
            "",
            "| Column | Type | Required | Description | Allowed values |",
            "| --- | --- | --- | --- | --- |",
        ]
        for fdef in res.fields:
            lines.append(
                f"| {_code(fdef['name'])} | {_type_label(fdef)} | {'yes' if sch.is_required(fdef) else 'no'} "
                f"| {md_cell(fdef.get('description', ''))} | {_allowed(fdef, fks)} |"
            )
    return "\n".join(lines) + "\n"
