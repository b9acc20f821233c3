"""Keyed diff between two versions of the package, and the version bump the change requires.

Rows are matched by primary key (composite keys included) and compared cell by cell on the typed
Arrow tables from read.py, so `1` and `1.0` in a number field are the same value. Schema changes
are classified by the Data Package version recipe: MAJOR breaks a user's code or joins, MINOR
adds or relaxes, PATCH corrects values or describes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from . import schema as sch
from .descriptor import Package
from .errors import ReleaseError

PATCH, MINOR, MAJOR = "patch", "minor", "major"
LEVELS = (PATCH, MINOR, MAJOR)

# Keys the release rewrites or adds in a snapshot's copy of the descriptor: not a change.
_VOLATILE_PACKAGE_KEYS = {"version", "created", "resources"}
_VOLATILE_RESOURCE_KEYS = {"path", "bytes", "hash", "schema", "name"}
# Field properties that change how a cell is read: a user's parser breaks when they change.
_FORMAT_KEYS = ("format", "delimiter", "itemType", "trueValues", "falseValues", "groupChar",
                "decimalChar", "bareNumber")
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
_SEMVER_SUFFIXED = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)[-+][0-9A-Za-z.+-]+$")

# Beyond this many keys per table and kind, people get counts; --json always has every key.
LIST_LIMIT = 30


def parse_version(text: str, what: str = "VERSION") -> tuple[int, int, int]:
    """MAJOR.MINOR.PATCH as three integers, or ReleaseError saying what is wrong with it."""
    if not isinstance(text, str) or not text:
        raise ReleaseError(f"{what} is empty; give a semantic version like 1.2.3")
    m = _SEMVER.match(text)
    if m:
        return int(m[1]), int(m[2]), int(m[3])
    if _SEMVER_SUFFIXED.match(text):
        raise ReleaseError(f"{what} {text!r}: pre-release and build suffixes are not used for data releases; "
                           "give MAJOR.MINOR.PATCH, like 1.2.3")
    hint = ""
    if text[:1] in "vV":
        hint = f" without the leading {text[0]!r}"
    elif re.match(r"^[0-9]+(\.[0-9]+)?$", text):
        hint = " with all three numbers"
    elif re.match(r"^[0-9]+\.[0-9]+\.[0-9]+$", text):
        hint = " without leading zeros"
    raise ReleaseError(f"{what} {text!r} is not a semantic version; write MAJOR.MINOR.PATCH{hint}, like 1.2.3")


def bump_of(old: str, new: str) -> str | None:
    """The level by which new exceeds old (major, minor, patch), or None when it is not greater."""
    a, b = parse_version(old, "old version"), parse_version(new)
    if b <= a:
        return None
    if b[0] > a[0]:
        return MAJOR
    if b[1] > a[1]:
        return MINOR
    return PATCH


def next_version(old: str, level: str) -> str:
    major, minor, patch = parse_version(old, "old version")
    if level == MAJOR:
        return f"{major + 1}.0.0"
    if level == MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


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


@dataclass
class RowChange:
    key: tuple
    cells: dict[str, tuple]  # column -> (old, new)


@dataclass
class TableDiff:
    name: str
    key: list[str]
    status: str  # "both", "added" or "removed": whether the table is in both versions
    old_rows: int = 0
    new_rows: int = 0
    added: list[tuple] = field(default_factory=list)
    removed: list[tuple] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    referenced_by: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed) and self.status == "both"

    def to_dict(self) -> dict:
        return {
            "table": self.name,
            "status": self.status,
            "key": self.key,
            "rows": {"old": self.old_rows, "new": self.new_rows},
            "added": [_json_key(k) for k in self.added],
            "removed": [_json_key(k) for k in self.removed],
            "changed": [
                {"key": _json_key(c.key),
                 "cells": {col: {"old": _json_value(o), "new": _json_value(n)} for col, (o, n) in c.cells.items()}}
                for c in self.changed
            ],
        }


@dataclass
class PackageDiff:
    old_label: str
    new_label: str
    schema: list[SchemaChange] = field(default_factory=list)
    tables: list[TableDiff] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.schema and all(t.empty for t in self.tables)

    def reasons(self) -> list[tuple[str, str]]:
        """(level, reason) for every change, the most demanding first."""
        out = [(c.level, c.message) for c in self.schema]
        for t in self.tables:
            if t.status != "both":
                continue
            if t.removed:
                if t.referenced_by:
                    out.append((MAJOR, f"{_rows(len(t.removed))} removed from {t.name}, which "
                                       f"{', '.join(t.referenced_by)} refer{'s' if len(t.referenced_by) == 1 else ''} to"))
                else:
                    out.append((PATCH, f"{_rows(len(t.removed))} removed from {t.name} (no table refers to it)"))
            if t.added:
                out.append((MINOR, f"{_rows(len(t.added))} added to {t.name}"))
            if t.changed:
                out.append((PATCH, f"{_rows(len(t.changed))} corrected in {t.name}"))
        order = {lvl: i for i, lvl in enumerate(reversed(LEVELS))}
        return sorted(out, key=lambda r: order[r[0]])

    def required_bump(self) -> str:
        """The smallest bump that honestly describes the change (PATCH when nothing changed)."""
        levels = [lvl for lvl, _ in self.reasons()]
        return max(levels, key=LEVELS.index) if levels else PATCH

    def to_dict(self) -> dict:
        return {
            "old": self.old_label,
            "new": self.new_label,
            "required_bump": self.required_bump(),
            "reasons": [{"level": lvl, "reason": r} for lvl, r in self.reasons()],
            "schema": [c.to_dict() for c in self.schema],
            "tables": [t.to_dict() for t in self.tables if not t.empty],
        }

    def to_text(self, limit: int = LIST_LIMIT) -> str:
        lines = [f"{self.old_label} -> {self.new_label}"]
        if self.empty:
            lines.append("no changes")
            return "\n".join(lines) + "\n"
        lines.append(f"required bump: {self.required_bump().upper()}")
        if self.schema:
            lines.append("")
            lines.append("schema:")
            lines.extend(f"  [{c.level.upper()}] {c.message}" for c in self.schema)
        for t in self.tables:
            if t.empty:
                continue
            lines.append("")
            if t.status != "both":
                lines.append(f"{t.name}: table {t.status} ({_rows(t.new_rows if t.status == 'added' else t.old_rows)})")
                continue
            lines.append(f"{t.name} (key {', '.join(t.key)}): {len(t.added)} added, {len(t.removed)} removed, "
                         f"{len(t.changed)} changed")
            for sign, keys in (("+", t.added), ("-", t.removed)):
                lines.extend(f"  {sign} {_show_key(k)}" for k in keys[:limit])
                if len(keys) > limit:
                    lines.append(f"  {sign} ... and {len(keys) - limit} more (--json lists every key)")
            for c in t.changed[:limit]:
                lines.append(f"  ~ {_show_key(c.key)}")
                lines.extend(f"      {col}: {_show_value(o)} -> {_show_value(n)}" for col, (o, n) in c.cells.items())
            if len(t.changed) > limit:
                lines.append(f"  ~ ... and {len(t.changed) - limit} more (--json lists every change)")
        return "\n".join(lines) + "\n"

    def changelog_entries(self, limit: int = LIST_LIMIT) -> dict[str, list[str]]:
        """Keep a Changelog subsections (Added, Changed, Removed) -> bullet lines, in Markdown."""
        out: dict[str, list[str]] = {"Added": [], "Changed": [], "Removed": []}
        heading = {"resource-added": "Added", "field-added": "Added", "resource-removed": "Removed",
                   "field-removed": "Removed"}
        for c in self.schema:
            what = "Metadata" if c.kind == "metadata-changed" else "Schema"
            out[heading.get(c.kind, "Changed")].append(f"{what}: {c.message} ({c.level.upper()}).")
        for t in self.tables:
            if t.status == "added":
                out["Added"].append(f"`{t.name}`: new table, {_rows(t.new_rows)}{_md_keys(t.added, limit)}.")
                continue
            if t.status == "removed":
                out["Removed"].append(f"`{t.name}`: table removed ({_rows(t.old_rows)} in the previous release).")
                continue
            if t.added:
                out["Added"].append(f"`{t.name}`: {_rows(len(t.added))}{_md_keys(t.added, limit)}.")
            if t.changed:
                shown = ""
                if len(t.changed) <= limit:
                    shown = ": " + ", ".join(f"`{_show_key(c.key)}` ({', '.join(c.cells)})" for c in t.changed)
                out["Changed"].append(f"`{t.name}`: {_rows(len(t.changed))} changed{shown}.")
            if t.removed:
                out["Removed"].append(f"`{t.name}`: {_rows(len(t.removed))}{_md_keys(t.removed, limit)}.")
        return {k: v for k, v in out.items() if v}

    def to_markdown(self, limit: int = LIST_LIMIT) -> str:
        parts = []
        for heading, items in self.changelog_entries(limit).items():
            parts.append(f"### {heading}\n" + "".join(f"- {i}\n" for i in items))
        return "\n".join(parts) if parts else "No changes.\n"


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _md_keys(keys: list[tuple], limit: int) -> str:
    if not keys or len(keys) > limit:
        return ""
    return ": " + ", ".join(f"`{_show_key(k)}`" for k in keys)


def _json_value(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return [_json_value(x) for x in v]
    return v


def _json_key(key: tuple) -> list:
    return [_json_value(v) for v in key]


def _show_value(v) -> str:
    if v is None:
        return "(empty)"
    if isinstance(v, list):
        return "[" + ", ".join(_show_value(x) for x in v) + "]"
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, str):
        return repr(v)
    return str(v)


def _show_key(key: tuple) -> str:
    return ", ".join("" if v is None else str(_json_value(v)) for v in key)


# --- schema ------------------------------------------------------------------------------------

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


# --- rows --------------------------------------------------------------------------------------

def _typed(pkg: Package, res, tables: dict | None = None):
    """The typed table of a resource: the one already read when given, else read now."""
    from .read import read_table

    if tables and tables.get(res.name) is not None:
        return tables[res.name]
    return read_table(res, pkg.display(res.path), check=False)


def _index(table, key: list[str]) -> dict[tuple, dict]:
    rows = table.to_pylist()
    if not key:
        # No primary key: a row is known only by its whole content.
        return {tuple(_hashable(v) for v in r.values()): r for r in rows}
    return {tuple(r[k] for k in key): r for r in rows}


def _hashable(v):
    return tuple(v) if isinstance(v, list) else v


def _sort_key(key: tuple):
    # Empty parts sort last; within a key column every value has the column's one type.
    return tuple((v is None, 0 if v is None else v) for v in key)


def _sorted(keys) -> list[tuple]:
    keys = list(keys)
    try:
        return sorted(keys, key=_sort_key)
    except TypeError:
        return sorted(keys, key=lambda k: _sort_key(tuple(map(repr, k))))


def _referrers(pkg: Package) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in pkg.resources:
        for fk in r.foreign_keys:
            names = out.setdefault(fk["resource"], [])
            if r.name not in names:
                names.append(r.name)
    return out


def table_diff(old: Package, new: Package, old_res, new_res, referrers: dict[str, list[str]],
               old_tables: dict | None = None, new_tables: dict | None = None) -> TableDiff:
    key = new_res.primary_key
    if not key or not set(key) <= set(old_res.field_names):
        key = old_res.primary_key if set(old_res.primary_key) <= set(new_res.field_names) else []
    a_table, b_table = _typed(old, old_res, old_tables), _typed(new, new_res, new_tables)
    td = TableDiff(new_res.name, key, "both", a_table.num_rows, b_table.num_rows,
                   referenced_by=referrers.get(old_res.name, []))
    a, b = _index(a_table, key), _index(b_table, key)
    columns = [n for n in new_res.field_names if n in set(old_res.field_names)] if key else []
    td.added = _sorted(k for k in b if k not in a)
    td.removed = _sorted(k for k in a if k not in b)
    for k in _sorted(k for k in b if k in a):
        ra, rb = a[k], b[k]
        cells = {c: (ra[c], rb[c]) for c in columns if not _same(ra[c], rb[c])}
        if cells:
            td.changed.append(RowChange(k, cells))
    return td


def _same(a, b) -> bool:
    # Python's == already equates 1 and 1.0; NaN is the one value unequal to itself.
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return a == b


def diff_packages(old: Package, new: Package, old_label: str | None = None, new_label: str | None = None,
                  *, old_tables: dict | None = None, new_tables: dict | None = None) -> PackageDiff:
    """Every schema and row change from old to new. Raises InvalidDataError if a table cannot be read.
    Typed tables already read (name -> pyarrow.Table) may be passed so that nothing is read twice."""
    d = PackageDiff(old_label or old.version or str(old.descriptor_path),
                    new_label or new.version or str(new.descriptor_path))
    d.schema = schema_changes(old, new)
    old_res = {r.name: r for r in old.resources}
    new_names = {r.name for r in new.resources}
    referrers = _referrers(old)
    for r in new.resources:
        if r.name in old_res:
            d.tables.append(table_diff(old, new, old_res[r.name], r, referrers, old_tables, new_tables))
        else:
            d.tables.append(_whole_table(new, r, "added", new_tables))
    for r in old.resources:
        if r.name not in new_names:
            d.tables.append(_whole_table(old, r, "removed", old_tables))
    return d


def _whole_table(pkg: Package, res, status: str, tables: dict | None) -> TableDiff:
    table = _typed(pkg, res, tables)
    keys = _sorted(_index(table, res.primary_key))
    if status == "added":
        return TableDiff(res.name, res.primary_key, status, 0, table.num_rows, added=keys)
    return TableDiff(res.name, res.primary_key, status, table.num_rows, 0, removed=keys)


def initial_diff(pkg: Package, label: str, tables: dict | None = None) -> PackageDiff:
    """The first release: every table and row is new."""
    return PackageDiff("nothing", label, [], [_whole_table(pkg, r, "added", tables) for r in pkg.resources])


def check_bump(diff: PackageDiff, old_version: str, new_version: str) -> None:
    """Refuse new_version if it is not greater than old_version or smaller than the change needs."""
    got = bump_of(old_version, new_version)
    if got is None:
        raise ReleaseError(f"VERSION {new_version} is not greater than the current version {old_version}")
    need = diff.required_bump()
    if LEVELS.index(got) < LEVELS.index(need):
        reasons = [r for lvl, r in diff.reasons() if LEVELS.index(lvl) > LEVELS.index(got)]
        raise ReleaseError(
            f"VERSION {new_version} is a {got.upper()} release, but the changes since {old_version} need "
            f"{need.upper()} (at least {next_version(old_version, need)}):\n"
            + "\n".join(f"  - {r}" for r in reasons)
        )
