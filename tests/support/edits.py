"""Edits a test makes to a copied package: descriptor fields, CSV rows and columns, and exact
pieces of CSV text. Written the way the repository writes them (LF, minimal quoting; the
descriptor indented by two, UTF-8 as is, with a final newline)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

# --------------------------------------------------------------------------- the descriptor


def load_descriptor(pkg: Path) -> dict:
    return json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))


def save_descriptor(pkg: Path, descriptor: dict) -> None:
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def edit_descriptor(pkg: Path, change: Callable[[dict], None]) -> None:
    """Load the descriptor, let change() alter it in place, save it."""
    descriptor = load_descriptor(pkg)
    change(descriptor)
    save_descriptor(pkg, descriptor)


def resource(descriptor: dict, table: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == table)


def field(descriptor: dict, table: str, name: str) -> dict:
    return next(f for f in resource(descriptor, table)["schema"]["fields"] if f["name"] == name)


def edit_field(pkg: Path, table: str, name: str, **changes) -> None:
    d = load_descriptor(pkg)
    f = field(d, table, name)
    for key, value in changes.items():
        if key == "constraints":
            f.setdefault("constraints", {}).update(value)
            f["constraints"] = {k: v for k, v in f["constraints"].items() if v is not None}
        else:
            f[key] = value
    save_descriptor(pkg, d)


# --------------------------------------------------------------------------- rows and columns


def read_rows(pkg: Path, table: str) -> tuple[list[str], list[list[str]]]:
    with (pkg / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_rows(pkg: Path, table: str, header: list[str], rows: list[list[str]]) -> None:
    with (pkg / "data" / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])


def add_rows(pkg: Path, table: str, *rows: list[str]) -> None:
    """Add rows where they belong: the rows stay sorted by the primary key, as the conventions
    want (`key-order`)."""
    header, old = read_rows(pkg, table)
    schema = resource(load_descriptor(pkg), table)["schema"]
    pk = schema.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else pk
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}

    def key(row):
        cells = [row[header.index(k)] for k in pk]
        numeric = [types[k] in ("integer", "year") for k in pk]
        return [(c == "", int(c) if n and c else c) for n, c in zip(numeric, cells, strict=True)]

    new = old + [list(r) for r in rows]
    write_rows(pkg, table, header, sorted(new, key=key) if pk else new)


def set_cell(pkg: Path, table: str, key: str, column: str, value: str) -> None:
    """Set one cell of the row whose first column is key."""
    header, rows = read_rows(pkg, table)
    col = header.index(column)
    hit = [r for r in rows if r[0] == key]
    assert hit, f"no row {key!r} in {table}"
    for r in hit:
        r[col] = value
    write_rows(pkg, table, header, rows)


def delete_rows(pkg: Path, table: str, key: str) -> None:
    header, rows = read_rows(pkg, table)
    write_rows(pkg, table, header, [r for r in rows if r[0] != key])


def add_column(pkg: Path, table: str, fdef: dict, value: str = "") -> None:
    d = load_descriptor(pkg)
    resource(d, table)["schema"]["fields"].append(fdef)
    save_descriptor(pkg, d)
    header, rows = read_rows(pkg, table)
    write_rows(pkg, table, header + [fdef["name"]], [r + [value] for r in rows])


def drop_column(pkg: Path, table: str, name: str) -> None:
    d = load_descriptor(pkg)
    res = resource(d, table)
    res["schema"]["fields"] = [f for f in res["schema"]["fields"] if f["name"] != name]
    save_descriptor(pkg, d)
    header, rows = read_rows(pkg, table)
    i = header.index(name)
    write_rows(pkg, table, header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])


def rename_column(pkg: Path, table: str, old: str, new: str) -> None:
    d = load_descriptor(pkg)
    field(d, table, old)["name"] = new
    save_descriptor(pkg, d)
    header, rows = read_rows(pkg, table)
    header[header.index(old)] = new
    write_rows(pkg, table, header, rows)


# --------------------------------------------------------------------------- raw CSV text


def edit(pkg: Path, table: str, old: str, new: str) -> None:
    """Replace one exact piece of text in data/<table>.csv (it must be there exactly once)."""
    path = pkg / "data" / f"{table}.csv"
    text = path.read_bytes().decode("utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_bytes(text.replace(old, new).encode("utf-8"))


def write_bytes(pkg: Path, table: str, data: bytes) -> None:
    (pkg / "data" / f"{table}.csv").write_bytes(data)
