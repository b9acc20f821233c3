"""Packages built on disk for a test: from table schemas and rows of CSV cells, and one small
package that has nothing to do with the SCO."""

from __future__ import annotations

import json
from pathlib import Path


def write_package(folder: Path, name: str, resources: list[tuple[str, dict, list[list]]], **extra) -> Path:
    """A package on disk: resources are (name, table schema, rows of CSV cells as text or None)."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    descriptor = {"$schema": "https://datapackage.org/profiles/2.0/datapackage.json", "name": name,
                  "version": "1.0.0", "licenses": [{"name": "CC0-1.0"}], **extra, "resources": []}
    for res_name, schema, rows in resources:
        # Export refuses what validate refuses, and the metadata lint wants every field described.
        for fdef in schema["fields"]:
            if not fdef.get("description"):
                fdef["description"] = f"The {fdef['name']} column."
        path = folder / "data" / f"{res_name}.csv"
        lines = [[f["name"] for f in schema["fields"]], *rows]
        path.write_text("".join(",".join(map(_csv_cell, line)) + "\n" for line in lines), encoding="utf-8")
        descriptor["resources"].append({"name": res_name, "path": f"data/{res_name}.csv", "schema": schema})
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder


def _csv_cell(value: str | None) -> str:
    """Quoted only where needed, as the package's CSVs are; unlike the csv module, a lone carriage
    return is quoted too (it would otherwise end the row)."""
    if value is None:
        return ""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def library_package(folder: Path) -> Path:
    """A small package that has nothing to do with the SCO: the exporters must not care. The child
    table comes first in the descriptor, one foreign key points at a column that is not a primary
    key, and the list field uses another delimiter."""
    books = {
        "fields": [
            {"name": "isbn", "type": "string", "constraints": {"required": True}, "description": "ISBN-13"},
            {"name": "author id", "type": "integer", "constraints": {"required": True}},
            {"name": "Titel", "type": "string", "constraints": {"required": True}},
            {"name": "published", "type": "year"},
            {"name": "price", "type": "number"},
            {"name": "in_print", "type": "boolean"},
            {"name": "genre", "type": "string", "constraints": {"enum": ["novel", "poetry", "essay"]}},
            {"name": "tags", "type": "list", "delimiter": "|"},
            {"name": "shelf", "type": "string"},
        ],
        "primaryKey": ["isbn"],
        "foreignKeys": [
            {"fields": ["author id"], "reference": {"resource": "authors", "fields": ["id"]}},
            {"fields": ["shelf"], "reference": {"resource": "shelves", "fields": ["label"]}},
        ],
    }
    authors = {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"required": True}},
            {"name": "name", "type": "string", "constraints": {"required": True}},
            {"name": "born", "type": "date"},
        ],
        "primaryKey": "id",
    }
    shelves = {
        "fields": [
            {"name": "shelf_no", "type": "integer", "constraints": {"required": True}},
            {"name": "label", "type": "string", "constraints": {"required": True}},
        ],
        "primaryKey": ["shelf_no"],
    }
    return write_package(
        folder,
        "library",
        [
            ("books", books, [
                ["978-0", "1", "Der Zauberberg", "1924", "12.5", "true", "novel", "klassik|berg", "A1"],
                ["978-1", "2", 'Poems, "selected"\nsecond line', "", "", "", "poetry", "", None],
                ["978-2", "1", "Ünicode — ✓ 漢字", "2001", "0.1", "false", None, "a", "B2"],
            ]),
            ("authors", authors, [["1", "Thomas Mann", "1875-06-06"], ["2", "Anon", None]]),
            ("shelves", shelves, [["1", "A1"], ["2", "B2"]]),
        ],
    )
