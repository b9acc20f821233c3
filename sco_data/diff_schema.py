"""Schema changes between two versions of the package, each with the version bump it requires.

Classified by the Data Package version recipe: MAJOR breaks a user's code or joins (a field
removed or retyped, a constraint tightened, a key changed), MINOR adds or relaxes, PATCH
describes (titles, descriptions and other metadata).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import schema as sch
from .descriptor import Package
from .versions import MAJOR, MINOR, PATCH

# Keys the release rewrites or adds in a snapshot's copy of the descriptor: not a change.
_VOLATILE_PACKAGE_KEYS = {"version", "created", "resources"}
_VOLATILE_RESOURCE_KEYS = {"path", "bytes", "hash", "schema", "name"}
# Field properties that change how a cell is read: a user's parser breaks when they change.
_FORMAT_KEYS = ("format", "delimiter", "itemType", "trueValues", "falseValues", "groupChar",
                "decimalChar", "bareNumber")


@dataclass
class SchemaChange:
    """One change to the shape of the package; `level` is the bump it requires."""

    kind: str
    level: str
    message: str
    resource: str | None = None
    field: str | None = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "level": self.level, "resource": self.resource, "field": self.field,
                "message": self.message}


def _compare_bound(kind: str, old, new, lower: bool) -> tuple[str, str] | None:
    """(level, verb) for a changed minimum-like (lower=True) or maximum-like bound."""
    if old == new:
        return None
    if old is None:
        return MAJOR, "added"
    if new is None:
        return MINOR, "removed"
    try:
        tighter = new > old if lower else new < old
    except TypeError:
        return MAJOR, "changed"
    return (MAJOR, "raised" if lower else "lowered") if tighter else (MINOR, "lowered" if lower else "raised")


def _constraint_changes(where: str, res: str, name: str, old: dict, new: dict) -> list[SchemaChange]:
    out = []

    def add(level: str, message: str) -> None:
        kind = "constraint-tightened" if level == MAJOR else "constraint-relaxed"
        out.append(SchemaChange(kind, level, f"{where}: {message}", res, name))

    for flag in ("required", "unique"):
        a, b = bool(old.get(flag)), bool(new.get(flag))
        if a != b:
            add(MAJOR if b else MINOR, f"now {flag}" if b else f"no longer {flag}")
    a, b = old.get("enum"), new.get("enum")
    if a != b:
        if a is None:
            add(MAJOR, f"enum added ({', '.join(map(str, b))})")
        elif b is None:
            add(MINOR, "enum removed")
        else:
            dropped = [v for v in a if v not in b]
            gained = [v for v in b if v not in a]
            if dropped:
                add(MAJOR, f"enum narrowed: {', '.join(map(str, dropped))} no longer allowed")
            if gained:
                add(MINOR, f"enum widened: {', '.join(map(str, gained))} now allowed")
    a, b = old.get("pattern"), new.get("pattern")
    if a != b:
        if a is None:
            add(MAJOR, f"pattern added ({b})")
        elif b is None:
            add(MINOR, f"pattern removed (was {a})")
        else:
            # Whether one regular expression accepts more than another is undecidable in general:
            # assume the worst.
            add(MAJOR, f"pattern changed from {a} to {b}")
    for key, lower in (("minimum", True), ("minLength", True), ("exclusiveMinimum", True),
                       ("maximum", False), ("maxLength", False), ("exclusiveMaximum", False)):
        verdict = _compare_bound(key, old.get(key), new.get(key), lower)
        if verdict:
            level, verb = verdict
            a, b = old.get(key), new.get(key)
            add(level, f"{key} {b!r} added" if a is None else f"{key} {a!r} removed" if b is None
                else f"{key} {verb} from {a!r} to {b!r}")
    known = {"required", "unique", "enum", "pattern", "minimum", "minLength", "exclusiveMinimum", "maximum",
             "maxLength", "exclusiveMaximum"}
    for key in sorted((set(old) | set(new)) - known):
        if old.get(key) != new.get(key):
            add(MAJOR, f"constraint {key} changed ({old.get(key)!r} -> {new.get(key)!r})")
    return out


def _field_changes(res: str, old: dict, new: dict) -> list[SchemaChange]:
    name = new["name"]
    where = f"`{res}.{name}`"
    out = []
    a, b = old.get("type", "string"), new.get("type", "string")
    if a != b:
        out.append(SchemaChange("type-changed", MAJOR, f"{where}: type changed from {a} to {b}", res, name))
    for key in _FORMAT_KEYS:
        if old.get(key) != new.get(key):
            out.append(SchemaChange("format-changed", MAJOR,
                                    f"{where}: {key} changed ({old.get(key)!r} -> {new.get(key)!r})", res, name))
    out.extend(_constraint_changes(where, res, name, sch.constraints(old), sch.constraints(new)))
    described = set(old) | set(new)
    meta = sorted(k for k in described - {"name", "type", "constraints", *_FORMAT_KEYS} if old.get(k) != new.get(k))
    if meta:
        out.append(SchemaChange("metadata-changed", PATCH, f"{where}: {', '.join(meta)} changed", res, name))
    return out


def _fk_set(res) -> set:
    return {(tuple(fk["fields"]), fk["resource"], tuple(fk["ref_fields"])) for fk in res.foreign_keys}


def _resource_changes(old, new) -> list[SchemaChange]:
    name = new.name
    out = []
    old_fields = {f["name"]: f for f in old.fields}
    new_fields = {f["name"]: f for f in new.fields}
    for f in new.fields:
        if f["name"] not in old_fields:
            out.append(SchemaChange("field-added", MINOR, f"`{name}.{f['name']}`: field added "
                                    f"({f.get('type', 'string')})", name, f["name"]))
    for f in old.fields:
        if f["name"] not in new_fields:
            out.append(SchemaChange("field-removed", MAJOR, f"`{name}.{f['name']}`: field removed "
                                    "(a renamed field shows as removed and added)", name, f["name"]))
    common_old = [n for n in old.field_names if n in new_fields]
    common_new = [n for n in new.field_names if n in old_fields]
    if common_old != common_new:
        out.append(SchemaChange("field-order-changed", MAJOR, f"`{name}`: columns reordered "
                                f"({', '.join(common_old)} -> {', '.join(common_new)})", name))
    for fname in common_new:
        out.extend(_field_changes(name, old_fields[fname], new_fields[fname]))
    if old.primary_key != new.primary_key:
        out.append(SchemaChange("primary-key-changed", MAJOR, f"`{name}`: primary key changed from "
                                f"({', '.join(old.primary_key)}) to ({', '.join(new.primary_key)})", name))
    a, b = _fk_set(old), _fk_set(new)
    for fk in sorted(b - a):
        out.append(SchemaChange("constraint-tightened", MAJOR, f"`{name}`: foreign key ({', '.join(fk[0])}) -> "
                                f"{fk[1]} ({', '.join(fk[2])}) added", name))
    for fk in sorted(a - b):
        out.append(SchemaChange("constraint-relaxed", MINOR, f"`{name}`: foreign key ({', '.join(fk[0])}) -> "
                                f"{fk[1]} ({', '.join(fk[2])}) removed", name))
    if old.schema.get("missingValues", [""]) != new.schema.get("missingValues", [""]):
        out.append(SchemaChange("format-changed", MAJOR, f"`{name}`: missingValues changed", name))
    keys = set(old.descriptor) | set(new.descriptor)
    meta = sorted(k for k in keys - _VOLATILE_RESOURCE_KEYS if old.descriptor.get(k) != new.descriptor.get(k))
    if meta:
        out.append(SchemaChange("metadata-changed", PATCH, f"`{name}`: {', '.join(meta)} changed", name))
    return out


def schema_changes(old: Package, new: Package) -> list[SchemaChange]:
    out = []
    old_res = {r.name: r for r in old.resources}
    new_res = {r.name: r for r in new.resources}
    for r in new.resources:
        if r.name not in old_res:
            out.append(SchemaChange("resource-added", MINOR, f"`{r.name}`: table added", r.name))
    for r in old.resources:
        if r.name not in new_res:
            out.append(SchemaChange("resource-removed", MAJOR, f"`{r.name}`: table removed "
                                    "(a renamed table shows as removed and added)", r.name))
    for r in new.resources:
        if r.name in old_res:
            out.extend(_resource_changes(old_res[r.name], r))
    a, b = _package_metadata(old), _package_metadata(new)
    meta = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    if meta:
        out.append(SchemaChange("metadata-changed", PATCH, f"package: {', '.join(meta)} changed"))
    return out


def _package_metadata(pkg: Package) -> dict:
    """Package-level properties, with any path to a table's file replaced by the table's name:
    a snapshot moves data/x.csv to csv/x.csv, which changes nothing for a user."""
    by_path = {r.relpath: r.name for r in pkg.resources}
    out = {}
    for key, value in pkg.descriptor.items():
        if key in _VOLATILE_PACKAGE_KEYS:
            continue
        if isinstance(value, list):
            value = [{**v, "path": f"<table {by_path[v['path']]}>"} if isinstance(v, dict) and v.get("path") in by_path
                     else v for v in value]
        out[key] = value
    return out
