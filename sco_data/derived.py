"""Derived tables: generated from the other tables by `sco-data docs`, never edited by hand.

A resource is derived when its descriptor says so, with the custom property
`"sco:derived": {"from": [the tables it is made from], "by": "sco-data docs"}`. `derive` makes the
rows of each from the typed tables of the others; `sco-data docs` writes them as CSV beside the
other tables, `sco-data docs --check` fails when the file on disk differs, and a release makes them
again for the version's `created` date before the snapshot is taken. The generators themselves are
registered by name in status.DERIVED.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from . import schema as sch
from .descriptor import Package, Resource
from .errors import DocsError

DERIVED_KEY = "sco:derived"


def is_derived(res: Resource) -> bool:
    return isinstance(res.descriptor.get(DERIVED_KEY), dict)


def derived_resources(pkg: Package) -> list[Resource]:
    return [res for res in pkg.resources if is_derived(res)]


def derive(pkg: Package, tables: dict) -> dict[str, list[dict]]:
    """The rows of every derived table of pkg, by name, made from `tables` (name -> typed Arrow
    table; the derived tables' own entries are ignored)."""
    from .status import DERIVED

    out = {}
    for res in derived_resources(pkg):
        make = DERIVED.get(res.name)
        if make is None:
            raise DocsError(f"{pkg.descriptor_path.name}: {res.name} is marked {DERIVED_KEY}, but the toolkit has no "
                            f"generator for it (known: {', '.join(DERIVED) or 'none'})")
        missing = [name for name in res.descriptor[DERIVED_KEY].get("from", []) if name not in tables]
        if missing:
            raise DocsError(f"{pkg.descriptor_path.name}: {res.name} is made from {', '.join(missing)}, which the "
                            "package lacks")
        out[res.name] = make(pkg, tables)
    return out


def _cell(value, fdef: dict) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return sch.list_delimiter(fdef).join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def to_csv(res: Resource, rows: list[dict]) -> bytes:
    """The rows as the package's CSVs are written: UTF-8, LF, a header, quotes only where needed."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(res.field_names)
    for row in rows:
        writer.writerow([_cell(row.get(f["name"]), f) for f in res.fields])
    return buf.getvalue().encode("utf-8")


def to_table(res: Resource, rows: list[dict]):
    """The rows as the typed Arrow table validation would read from their CSV."""
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=sch.arrow_schema(res.schema))
