"""Keyed diff between two versions of the package, and the version bump the change requires.

Rows are matched by primary key (composite keys included) and compared cell by cell on the typed
Arrow tables from read.py, so `1` and `1.0` in a number field are the same value. Schema changes
are classified in diff_schema.py by the Data Package version recipe: MAJOR breaks a user's code
or joins, MINOR adds or relaxes, PATCH corrects values or describes. diff_render.py writes a
diff as text, Markdown and changelog entries; versions.py parses version numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import diff_render as render
from .descriptor import Package
from .diff_render import LIST_LIMIT, json_key, json_value, rows_text
from .diff_schema import SchemaChange, schema_changes
from .errors import ReleaseError
from .versions import LEVELS, MAJOR, MINOR, PATCH, bump_of, next_version, parse_version

__all__ = [
    "LEVELS", "LIST_LIMIT", "MAJOR", "MINOR", "PATCH", "PackageDiff", "RowChange", "SchemaChange", "TableDiff",
    "bump_of", "check_bump", "diff_packages", "initial_diff", "next_version", "parse_version", "schema_changes",
    "table_diff",
]


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
            "added": [json_key(k) for k in self.added],
            "removed": [json_key(k) for k in self.removed],
            "changed": [
                {"key": json_key(c.key),
                 "cells": {col: {"old": json_value(o), "new": json_value(n)} for col, (o, n) in c.cells.items()}}
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
                    out.append((MAJOR, f"{rows_text(len(t.removed))} removed from {t.name}, which "
                                       f"{', '.join(t.referenced_by)} "
                                       f"refer{'s' if len(t.referenced_by) == 1 else ''} to"))
                else:
                    out.append((PATCH, f"{rows_text(len(t.removed))} removed from {t.name} (no table refers to it)"))
            if t.added:
                out.append((MINOR, f"{rows_text(len(t.added))} added to {t.name}"))
            if t.changed:
                out.append((PATCH, f"{rows_text(len(t.changed))} corrected in {t.name}"))
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

    # Rendering lives in diff_render.py; these are its entry points on the object.
    def to_text(self, limit: int = LIST_LIMIT) -> str:
        return render.to_text(self, limit)

    def changelog_entries(self, limit: int = LIST_LIMIT) -> dict[str, list[str]]:
        """Keep a Changelog subsections (Added, Changed, Removed) -> bullet lines, in Markdown."""
        return render.changelog_entries(self, limit)

    def to_markdown(self, limit: int = LIST_LIMIT) -> str:
        return render.to_markdown(self, limit)


# --- rows --------------------------------------------------------------------------------------

def _typed(pkg: Package, res, tables: dict | None = None):
    """The typed table of a resource: the one already read when given, else read now."""
    from .loading import read_table

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
