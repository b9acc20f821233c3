"""Building a snapshot: the folder exports/VERSION/ holds, from the working package.

A snapshot holds the CSVs exactly as released (csv/), a descriptor that carries each file's size
and sha256 (so stock `frictionless validate` checks a download), a README and the licence, every
export built from csv/ and the descriptor alone, the record of the toolchain that wrote them
(toolchain.json), a zip of it all and SHA256SUMS. Because the exports are a pure function of
csv/ and the descriptor, a rebuild (verification.py) can compare them with the published ones.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

from ..atomic import sha256_file
from ..descriptor import DESCRIPTOR, Package, load_package
from ..errors import ReleaseError
from ..facts import citation_text, licence, licence_text
from ..versions import require_version

SUMS = "SHA256SUMS"
CSV_DIR = "csv"
TOOLCHAIN = "toolchain.json"
SNAPSHOT_README = "README.md"
SNAPSHOT_LICENSE = "LICENSE.txt"
# The codebook and the reconciliations with outside registers, as `sco-data docs` makes them for the
# release: written once, like the README, and taken as given by a rebuild.
DOCS_DIR = "docs"
# Files a release writes once and a rebuild takes as given, like csv/ and the descriptor.
INPUTS = (DESCRIPTOR, SNAPSHOT_README, SNAPSHOT_LICENSE)
# Fixed entry time: the zip's bytes must depend on its contents only.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# --- small helpers -----------------------------------------------------------------------------

def dump_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def relative_files(root: Path) -> list[str]:
    """Every file under root as a sorted relative POSIX path."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def sums_text(root: Path, names: list[str]) -> str:
    # sha256sum's own format (two spaces: text mode), so `sha256sum -c SHA256SUMS` works too.
    return "".join(f"{sha256_file(root / n)}  {n}\n" for n in names)


def parse_created(value: str | date | datetime | None) -> str:
    """The descriptor's `created`: ISO 8601 in UTC, to the second; now when not given."""
    if value is None:
        moment = datetime.now(timezone.utc)
    elif isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    else:
        text = value.strip()
        try:
            if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                moment = datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
            else:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
                if moment.tzinfo is None:
                    raise ValueError
        except ValueError:
            raise ReleaseError(f"--date {value!r} is not a date (YYYY-MM-DD) or a date-time with a time zone "
                               "(2026-11-28T12:00:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def stamped(descriptor: dict, version: str, created: str) -> dict:
    """A copy with version and created set; where missing they go after `name`, as people write them."""
    out: dict = {}
    for key, value in descriptor.items():
        out[key] = value
        if key == "name":
            out.setdefault("version", version)
            out.setdefault("created", created)
    out["version"] = version
    out["created"] = created
    return out


# --- building a snapshot -----------------------------------------------------------------------

def snapshot_descriptor(pkg: Package, version: str, created: str, csv_root: Path) -> dict:
    """The working descriptor as released: version and created set, schemas inline, each resource
    pointing at csv/NAME.csv with its `bytes` and `hash` so Frictionless checks integrity."""
    d = copy.deepcopy(pkg.descriptor)
    out = stamped(d, version, created)
    moved = {}
    resources = []
    for raw, res in zip(d["resources"], pkg.resources, strict=False):
        rel = f"{CSV_DIR}/{res.name}.csv"
        moved[res.relpath] = rel
        target = csv_root / rel
        entry: dict = {}
        for key, value in raw.items():
            if key in ("bytes", "hash"):
                continue
            entry[key] = rel if key == "path" else value
            if key == "path":
                entry["bytes"] = target.stat().st_size
                entry["hash"] = f"sha256:{sha256_file(target)}"
        entry["schema"] = copy.deepcopy(res.schema)
        resources.append(entry)
    out["resources"] = resources
    # Package-level sources may point at a table by its working path; follow it to csv/.
    for src in out.get("sources") or []:
        if isinstance(src, dict) and src.get("path") in moved:
            src["path"] = moved[src["path"]]
    return out


def export_formats(published: Path | None = None) -> list[str]:
    """The formats a snapshot holds: every registered one for a new release; for a rebuild, those
    the published snapshot has, so that a format added to the toolkit later does not make older
    snapshots fail to rebuild."""
    from ..export import FORMATS

    # The CSVs of a snapshot are the released files themselves, never a re-export.
    names = [name for name in FORMATS if name != "csv"]
    if published is None:
        return names
    return [name for name in names if (published / getattr(FORMATS[name], "OUTPUT", name)).exists()]


def build_exports(snap: Path, formats: list[str] | None = None, *, report=None) -> list[str]:
    """From snap/datapackage.json and snap/csv/ alone: the exports, the record of the toolchain
    that wrote them (toolchain.json), the zip and SHA256SUMS.
    snap must be a scratch folder (a release's temp dir or a verify rebuild): files are added.
    report: the validation report of the tables as the snapshot holds them (a release has just
    validated them); without it the exporters validate csv/ themselves (a rebuild)."""
    from ..export import export_package

    pkg = load_package(snap)
    version = require_version(pkg)
    scratch = snap / ".exports-build"
    export_package(pkg, scratch, formats if formats is not None else export_formats(), report=report)
    for rel in relative_files(scratch):
        target = snap / rel
        if target.exists():
            raise ReleaseError(f"the exporters wrote {rel}, which the snapshot already holds")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(scratch / rel, target)
    shutil.rmtree(scratch)
    from ..content import toolchain

    (snap / TOOLCHAIN).write_text(dump_json(toolchain()), encoding="utf-8", newline="\n")
    content = relative_files(snap)
    inner_sums = sums_text(snap, content)
    zipped = zip_name(pkg, version)
    _write_zip(snap, snap / zipped, zipped.removesuffix(".zip"), content, inner_sums)
    names = sorted(content + [zipped])
    (snap / SUMS).write_text(sums_text(snap, names), encoding="utf-8", newline="\n")
    return names + [SUMS]


def zip_name(pkg: Package, version: str) -> str:
    """The name of a release's zip, which is also the one folder inside it (without .zip)."""
    return f"{pkg.name or 'package'}-{version}.zip"


def _write_zip(root: Path, target: Path, prefix: str, names: list[str], sums: str) -> None:
    """A zip whose bytes depend on the contents only: sorted entries, fixed times and modes.
    Entries are stored, not deflated: deflate output differs between zlib builds (zlib-ng on some
    systems), which would make a snapshot irreproducible elsewhere."""
    entries = sorted([(n, (root / n).read_bytes()) for n in names] + [(SUMS, sums.encode())])
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=ZIP_TIME)
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            zf.writestr(info, data)


def snapshot_readme(pkg: Package, zip_name: str) -> str:
    """The short README a release carries, for the reader who only ever sees the zip: what it
    is, the version, the licence, how to cite it and how to verify it."""
    from ..export import FORMATS

    d = pkg.descriptor
    title = d.get("title") or pkg.name
    lic = licence(pkg)
    where = f" ({lic['path']})" if lic.get("path") else ""
    outputs = ", ".join(f"`{getattr(FORMATS[name], 'OUTPUT', name)}`" for name in export_formats())
    lines = [
        f"# {title}, version {pkg.version}",
        "",
        d.get("description", ""),
        "",
        f"Released {str(d.get('created', ''))[:10]}. This is one immutable release of the `{pkg.name}` data "
        "package, as a folder or as the zip of that folder:",
        "",
        f"- `{DESCRIPTOR}`: the descriptor (Frictionless Data Package v2): every table's schema, and the size "
        "and SHA-256 of each CSV;",
        f"- `{CSV_DIR}/`: the tables as released, UTF-8 CSV;",
        f"- {outputs}: the same tables in other formats, built from `{CSV_DIR}/` and the descriptor alone;",
        f"- `{TOOLCHAIN}`: the versions of the software that wrote those files;",
        f"- `{DOCS_DIR}/`: the codebook (`data-dictionary.md`) and, where the package has them, the comparisons with "
        "outside registers made for this release (the COW IGO data, the SIPRI trade register, a second record "
        "of the General Assembly votes); their links to `reference/` point into the package's repository;",
        f"- `{SNAPSHOT_LICENSE}`: the licence; `{SUMS}`: the SHA-256 of every file.",
        "",
        "## Licence",
        "",
        f"The data is published under {licence_text(pkg)}{where}. Credit the source as below when you share it.",
        "",
        "## How to cite",
        "",
        citation_text(pkg),
        "",
        f"Name the version. The SHA-256 of `{zip_name}` identifies these exact files; the index of releases "
        "lists it beside the download.",
        "",
        "## How to verify",
        "",
        f"- `sha256sum -c {SUMS}` in this folder checks every file against its checksum.",
        f"- `frictionless validate {DESCRIPTOR}` checks the CSVs against their schemas, sizes and hashes.",
        "- `sco-data verify .` does both; `sco-data verify . --rebuild` also rebuilds every export from "
        f"`{CSV_DIR}/` and the descriptor and compares them: byte for byte when the toolchain is the one in "
        f"`{TOOLCHAIN}`, otherwise value for value.",
        "",
    ]
    return "\n".join(lines)


def snapshot_licence(pkg: Package) -> str:
    """The licence text: LICENSES/<licence name>.txt beside the descriptor (as REUSE lays licences
    out) when there is one, else the licence's name and address."""
    lic = licence(pkg)
    text_file = pkg.base_dir / "LICENSES" / f"{lic.get('name', '')}.txt"
    if lic.get("name") and text_file.is_file():
        return text_file.read_text(encoding="utf-8")
    where = f" The full text: {lic['path']}" if lic.get("path") else ""
    return f"The data in this release is licensed under {licence_text(pkg)}.{where}\n"


def write_snapshot(folder: Path, pkg: Package, released_pkg: Package, derived: dict[str, bytes], report) -> list[str]:
    """Fill the empty folder with the snapshot of pkg as released_pkg (pkg with the release's
    version and created): csv/ (the derived tables as made for the release, the others copied),
    the descriptor, README, licence, and everything build_exports adds. report is the release's
    validation report with the tables as the snapshot holds them. Returns the files, as
    build_exports does."""
    version, stamp = released_pkg.version, released_pkg.descriptor["created"]
    for res in pkg.resources:
        target = folder / CSV_DIR / f"{res.name}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        if res.name in derived:
            target.write_bytes(derived[res.name])
        else:
            shutil.copyfile(res.path, target)
    (folder / DESCRIPTOR).write_text(dump_json(snapshot_descriptor(pkg, version, stamp, folder)), encoding="utf-8")
    (folder / SNAPSHOT_README).write_text(snapshot_readme(released_pkg, zip_name(pkg, version)), encoding="utf-8",
                                          newline="\n")
    (folder / SNAPSHOT_LICENSE).write_text(snapshot_licence(pkg), encoding="utf-8", newline="\n")
    from ..docs import release_docs

    tables = {name: tr.table for name, tr in report.tables.items()}
    for name, content in release_docs(released_pkg, tables).items():
        (folder / DOCS_DIR).mkdir(exist_ok=True)
        (folder / DOCS_DIR / name).write_bytes(content)
    return build_exports(folder, report=report)
