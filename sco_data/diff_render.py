"""A package diff (diff.py) for people: plain text, Keep a Changelog entries and Markdown.

Beyond LIST_LIMIT keys per table and kind, people get counts; `diff --json` (PackageDiff.to_dict)
always has every key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .diff import PackageDiff

LIST_LIMIT = 30


def rows_text(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def json_value(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return [json_value(x) for x in v]
    return v


def json_key(key: tuple) -> list:
    return [json_value(v) for v in key]


def show_value(v) -> str:
    if v is None:
        return "(empty)"
    if isinstance(v, list):
        return "[" + ", ".join(show_value(x) for x in v) + "]"
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, str):
        return repr(v)
    return str(v)


def show_key(key: tuple) -> str:
    return ", ".join("" if v is None else str(json_value(v)) for v in key)


def _md_keys(keys: list[tuple], limit: int) -> str:
    if not keys or len(keys) > limit:
        return ""
    return ": " + ", ".join(f"`{show_key(k)}`" for k in keys)


def to_text(diff: PackageDiff, limit: int = LIST_LIMIT) -> str:
    lines = [f"{diff.old_label} -> {diff.new_label}"]
    if diff.empty:
        lines.append("no changes")
        return "\n".join(lines) + "\n"
    lines.append(f"required bump: {diff.required_bump().upper()}")
    if diff.schema:
        lines.append("")
        lines.append("schema:")
        lines.extend(f"  [{c.level.upper()}] {c.message}" for c in diff.schema)
    for t in diff.tables:
        if t.empty:
            continue
        lines.append("")
        if t.status != "both":
            lines.append(f"{t.name}: table {t.status} ({rows_text(t.new_rows if t.status == 'added' else t.old_rows)})")
            continue
        lines.append(f"{t.name} (key {', '.join(t.key)}): {len(t.added)} added, {len(t.removed)} removed, "
                     f"{len(t.changed)} changed")
        for sign, keys in (("+", t.added), ("-", t.removed)):
            lines.extend(f"  {sign} {show_key(k)}" for k in keys[:limit])
            if len(keys) > limit:
                lines.append(f"  {sign} ... and {len(keys) - limit} more (--json lists every key)")
        for c in t.changed[:limit]:
            lines.append(f"  ~ {show_key(c.key)}")
            lines.extend(f"      {col}: {show_value(o)} -> {show_value(n)}" for col, (o, n) in c.cells.items())
        if len(t.changed) > limit:
            lines.append(f"  ~ ... and {len(t.changed) - limit} more (--json lists every change)")
    return "\n".join(lines) + "\n"


def changelog_entries(diff: PackageDiff, limit: int = LIST_LIMIT) -> dict[str, list[str]]:
    """Keep a Changelog subsections (Added, Changed, Removed) -> bullet lines, in Markdown."""
    out: dict[str, list[str]] = {"Added": [], "Changed": [], "Removed": []}
    heading = {"resource-added": "Added", "field-added": "Added", "resource-removed": "Removed",
               "field-removed": "Removed"}
    for c in diff.schema:
        what = "Metadata" if c.kind == "metadata-changed" else "Schema"
        out[heading.get(c.kind, "Changed")].append(f"{what}: {c.message} ({c.level.upper()}).")
    for t in diff.tables:
        if t.status == "added":
            out["Added"].append(f"`{t.name}`: new table, {rows_text(t.new_rows)}{_md_keys(t.added, limit)}.")
            continue
        if t.status == "removed":
            out["Removed"].append(f"`{t.name}`: table removed ({rows_text(t.old_rows)} in the previous release).")
            continue
        if t.added:
            out["Added"].append(f"`{t.name}`: {rows_text(len(t.added))}{_md_keys(t.added, limit)}.")
        if t.changed:
            shown = ""
            if len(t.changed) <= limit:
                shown = ": " + ", ".join(f"`{show_key(c.key)}` ({', '.join(c.cells)})" for c in t.changed)
            out["Changed"].append(f"`{t.name}`: {rows_text(len(t.changed))} changed{shown}.")
        if t.removed:
            out["Removed"].append(f"`{t.name}`: {rows_text(len(t.removed))}{_md_keys(t.removed, limit)}.")
    return {k: v for k, v in out.items() if v}


def to_markdown(diff: PackageDiff, limit: int = LIST_LIMIT) -> str:
    parts = []
    for heading, items in changelog_entries(diff, limit).items():
        parts.append(f"### {heading}\n" + "".join(f"- {i}\n" for i in items))
    return "\n".join(parts) if parts else "No changes.\n"
