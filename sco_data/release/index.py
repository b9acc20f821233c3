"""The index of releases: exports/releases.json and exports/README.md list every snapshot, newest
first, with the SHA-256 of its zip (where the docs and CITATION.cff find it, see
facts.release_zip_sha256). Finding a release by its version is layout.resolve.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..descriptor import DESCRIPTOR
from ..layout import released_versions
from ..versions import parse_version
from .snapshot import SUMS, dump_json, sha256_file


def plan_index(exports: Path, name: str, extra: dict[str, Path]) -> tuple[str, str]:
    """releases.json and README.md for exports/, from every snapshot (and `extra`: version ->
    folder for one not yet in place), newest first."""
    folders = {v: exports / v for v in released_versions(exports)}
    folders.update(extra)
    ordered = sorted(folders, key=parse_version, reverse=True)
    releases = []
    for v in ordered:
        d = folders[v]
        desc = json.loads((d / DESCRIPTOR).read_text(encoding="utf-8"))
        zips = sorted(p.name for p in d.glob("*.zip"))
        entry = {"version": v, "created": desc.get("created"), "path": f"{v}/",
                 "descriptor": f"{v}/{DESCRIPTOR}", "checksums": f"{v}/{SUMS}"}
        if zips:
            entry["zip"] = f"{v}/{zips[0]}"
            entry["zip_sha256"] = sha256_file(d / zips[0])
        releases.append(entry)
    index = {"name": name, "latest": ordered[0] if ordered else None, "releases": releases}
    md = [f"# Releases of {name}", "",
          "Each folder is an immutable snapshot: `datapackage.json`, the tables as `csv/`, `parquet/`,",
          "`json/` and SQLite, a zip of it all, and `SHA256SUMS`. Check one with",
          "`sco-data verify exports/VERSION` (add `--rebuild` to rebuild every export and compare),",
          "or with `sha256sum -c SHA256SUMS` inside the folder.", ""]
    if ordered:
        md += [f"Latest: [{ordered[0]}]({ordered[0]}/)", "", "| Version | Created | Download | SHA-256 of the zip |",
               "| --- | --- | --- | --- |"]
        for e in releases:
            dl = f"[{Path(e['zip']).name}]({e['zip']})" if "zip" in e else ""
            md.append(f"| [{e['version']}]({e['path']}) | {e['created'] or ''} | {dl} | `{e.get('zip_sha256', '')}` |")
    return dump_json(index), "\n".join(md) + "\n"
