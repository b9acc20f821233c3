"""Facts about the package that every output states the same way: its release date, licence,
authors and citation, and a summary of each table.

The docs (docs.py, dictionary.py, timeline.py), the exporters (the workbook, the Parquet and
SQLite metadata), `sco-data serve` and a release's README all take them from here, so that the
licence or the citation reads the same wherever it appears.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import schema as sch
from .descriptor import Package
from .layout import release_index


def released(pkg: Package) -> str:
    """The release date of this version: the day part of the descriptor's `created`."""
    return str(pkg.descriptor.get("created", ""))[:10]


def licence(pkg: Package) -> dict:
    """The package's (first) licence: name, title and path, as the descriptor gives them."""
    licences = pkg.descriptor.get("licenses") or [{}]
    return licences[0]


def licence_title(pkg: Package) -> str:
    """The licence's title, or its name when it has none."""
    lic = licence(pkg)
    return lic.get("title") or lic.get("name", "")


def licence_text(pkg: Package) -> str:
    """The licence for a sentence: `Title (NAME)`, or the one of them the descriptor gives."""
    name = licence(pkg).get("name", "")
    title = licence_title(pkg)
    return f"{title} ({name})" if name and title != name else title


def licence_note(pkg: Package) -> str:
    """`Data licence: Title (NAME) address`, for a file's description property."""
    return f"Data licence: {licence_text(pkg)} {licence(pkg).get('path', '')}".strip()


def licence_names(pkg: Package) -> str:
    """Every licence of the package by its name (else title, else address), comma-separated: the
    one-line form that file metadata carries beside the licences as JSON."""
    licences = pkg.descriptor.get("licenses") or []
    return ", ".join(lic.get("name") or lic.get("title") or lic.get("path", "") for lic in licences)


def authors(pkg: Package) -> list[str]:
    """Contributors credited as creators, the way a citation names them."""
    people = [c for c in pkg.descriptor.get("contributors", []) if "creator" in (c.get("roles") or [])]
    return [c.get("title", "") for c in people] or [pkg.name]


def release_zip_sha256(pkg: Package) -> str | None:
    """The SHA-256 of the release zip of pkg's version, from exports/releases.json beside the
    descriptor; None before that version is released."""
    index = release_index(pkg)
    if not index.is_file():
        return None
    for entry in json.loads(index.read_text(encoding="utf-8")).get("releases", []):
        if entry.get("version") == pkg.version:
            return entry.get("zip_sha256")
    return None


def citation_text(pkg: Package, zip_sha256: str | None = None) -> str:
    """One line to paste into a bibliography: authors, year, title, version, licence, and the
    address (homepage) when the package has one, else the checksum of the release's zip, which
    names the exact files as well as an address would."""
    year = released(pkg)[:4]
    parts = [f"{'; '.join(authors(pkg))} ({year}). {pkg.descriptor.get('title', pkg.name)}, "
             f"version {pkg.version} [Data set]."]
    if licence(pkg).get("name"):
        parts.append(f"{licence(pkg)['name']}.")
    if pkg.descriptor.get("homepage"):
        parts.append(pkg.descriptor["homepage"])
    if zip_sha256:
        parts.append(f"Release zip SHA-256: {zip_sha256}.")
    return " ".join(parts)


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class TableSummary:
    name: str
    title: str
    description: str
    rows: int
    years: tuple[int, int] | None


def _years(table, fields: list[dict]) -> tuple[int, int] | None:
    """Earliest and latest year found in the table's date and year columns."""
    import pyarrow.compute as pc

    found: list[int] = []
    for fdef in fields:
        ftype = sch.field_type(fdef)
        if ftype not in ("date", "year", "datetime"):
            continue
        col = table.column(fdef["name"])
        if ftype != "year":
            col = pc.year(col)
        mm = pc.min_max(col).as_py()
        found += [v for v in (mm["min"], mm["max"]) if v is not None]
    return (min(found), max(found)) if found else None


def summarize(pkg: Package, tables: dict) -> list[TableSummary]:
    """Every table's title, description, row count and span of years, in the descriptor's order."""
    return [
        TableSummary(
            res.name,
            res.descriptor.get("title", res.name),
            res.descriptor.get("description", ""),
            tables[res.name].num_rows,
            _years(tables[res.name], res.fields),
        )
        for res in pkg.resources
    ]


def span(years: tuple[int, int] | None) -> str:
    """A span of years as people write it: 1996–2025, or one year, or – for none."""
    if years is None:
        return "–"
    return str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}"
