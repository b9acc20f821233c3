"""Versioned snapshots: `exports/VERSION/`, immutable once written, verifiable by anyone.

A snapshot holds the CSVs exactly as released, a descriptor that carries each file's size and
sha256 (so stock `frictionless validate` checks a download), every export built from those two
alone, a zip of it all and SHA256SUMS. Because the exports are a pure function of csv/ and the
descriptor, `verify --rebuild` can prove a snapshot reproducible byte for byte.

Nothing here writes into an existing snapshot: a release is built in a temporary folder beside
its target and renamed into place, and the working descriptor, CHANGELOG.md and the index are
replaced (temp file + rename) only once the snapshot stands.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from .atomic import write_atomic
from .descriptor import DESCRIPTOR, Package, load_package
from .diff import PackageDiff, check_bump, diff_packages, initial_diff, parse_version
from .errors import InvalidDataError, PackageError, Problem, ReleaseError

EXPORTS = "exports"
SUMS = "SHA256SUMS"
INDEX_JSON = "releases.json"
INDEX_MD = "README.md"
CHANGELOG = "CHANGELOG.md"
CSV_DIR = "csv"
TOOLCHAIN = "toolchain.json"
SNAPSHOT_README = "README.md"
SNAPSHOT_LICENSE = "LICENSE.txt"
# Files a release writes once and a rebuild takes as given, like csv/ and the descriptor.
INPUTS = (DESCRIPTOR, SNAPSHOT_README, SNAPSHOT_LICENSE)
TEMP_PREFIX = ".exports-release-"
# Fixed entry time: the zip's bytes must depend on its contents only.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SECTION_ORDER = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")


# --- small helpers -----------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def dump_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _files(root: Path) -> list[str]:
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


# --- where releases live -----------------------------------------------------------------------

def exports_dir(pkg: Package) -> Path:
    return pkg.base_dir / EXPORTS


def released_versions(exports: Path) -> list[str]:
    """Versions with a snapshot in exports/, oldest first."""
    if not exports.is_dir():
        return []
    found = []
    for d in exports.iterdir():
        if d.is_dir() and (d / DESCRIPTOR).is_file():
            try:
                found.append((parse_version(d.name), d.name))
            except ReleaseError:
                continue
    return [name for _, name in sorted(found)]


def resolve(ref: str, exports: Path) -> Package:
    """OLD/NEW of a diff: a snapshot folder, a descriptor, or a version released in exports/."""
    p = Path(ref)
    if p.exists():
        pkg = load_package(p)
    else:
        try:
            parse_version(ref)
        except ReleaseError:
            raise ReleaseError(f"{ref}: no such snapshot folder or descriptor, and not a version number") from None
        if not (exports / ref / DESCRIPTOR).is_file():
            known = ", ".join(released_versions(exports)) or "none yet"
            raise ReleaseError(f"unknown version {ref}: there is no {EXPORTS}/{ref}/{DESCRIPTOR}; released: {known}")
        pkg = load_package(exports / ref)
    require_version(pkg)
    return pkg


def require_version(pkg: Package) -> str:
    version = pkg.descriptor.get("version")
    if not version:
        raise ReleaseError(f"{pkg.descriptor_path}: the descriptor has no version; a released package must "
                           "say which version it is")
    parse_version(str(version), f"{pkg.descriptor_path.name} version")
    return str(version)


# --- building a snapshot -----------------------------------------------------------------------

def snapshot_descriptor(pkg: Package, version: str, created: str, csv_root: Path) -> dict:
    """The working descriptor as released: version and created set, schemas inline, each resource
    pointing at csv/NAME.csv with its `bytes` and `hash` so Frictionless checks integrity."""
    d = copy.deepcopy(pkg.descriptor)
    out = stamped(d, version, created)
    moved = {}
    resources = []
    for raw, res in zip(d["resources"], pkg.resources):
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
    from .export import FORMATS

    # The CSVs of a snapshot are the released files themselves, never a re-export.
    names = [name for name in FORMATS if name != "csv"]
    if published is None:
        return names
    return [name for name in names if (published / getattr(FORMATS[name], "OUTPUT", name)).exists()]


def build_exports(snap: Path, formats: list[str] | None = None, layouts: dict[str, int] | None = None) -> list[str]:
    """From snap/datapackage.json and snap/csv/ alone: the exports, the record of the toolchain
    that wrote them (toolchain.json), the zip and SHA256SUMS.
    snap must be a scratch folder (a release's temp dir or a verify rebuild): files are added.
    layouts: the layout of a format that has several, as a published snapshot holds it."""
    from .export import export_package

    pkg = load_package(snap)
    version = require_version(pkg)
    scratch = snap / ".exports-build"
    export_package(pkg, scratch, formats if formats is not None else export_formats(), layouts=layouts)
    for rel in _files(scratch):
        target = snap / rel
        if target.exists():
            raise ReleaseError(f"the exporters wrote {rel}, which the snapshot already holds")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(scratch / rel, target)
    shutil.rmtree(scratch)
    from .content import toolchain

    (snap / TOOLCHAIN).write_text(dump_json(toolchain()), encoding="utf-8", newline="\n")
    content = _files(snap)
    inner_sums = sums_text(snap, content)
    zip_name = f"{pkg.name or 'package'}-{version}.zip"
    _write_zip(snap, snap / zip_name, f"{pkg.name or 'package'}-{version}", content, inner_sums)
    names = sorted(content + [zip_name])
    (snap / SUMS).write_text(sums_text(snap, names), encoding="utf-8", newline="\n")
    return names + [SUMS]


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
    from .facts import citation_text, licence, licence_text
    from .export import FORMATS

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
    from .facts import licence, licence_text

    lic = licence(pkg)
    text_file = pkg.base_dir / "LICENSES" / f"{lic.get('name', '')}.txt"
    if lic.get("name") and text_file.is_file():
        return text_file.read_text(encoding="utf-8")
    where = f" The full text: {lic['path']}" if lic.get("path") else ""
    return f"The data in this release is licensed under {licence_text(pkg)}.{where}\n"


# --- the release -------------------------------------------------------------------------------

@dataclass
class ReleaseResult:
    version: str
    previous: str | None
    snapshot: Path
    created: str
    diff: PackageDiff
    required: str | None
    files: list[str] = field(default_factory=list)

    name: str = ""
    docs: list[Path] = field(default_factory=list)

    @property
    def tag_command(self) -> str:
        return f'git tag -a v{self.version} -m "{self.name} {self.version}"'


def _check_version(pkg: Package, version: str, exports: Path) -> str | None:
    """Refuse VERSION unless it is new and greater than every release; return the previous one."""
    parse_version(version)
    if (exports / version).exists():
        raise ReleaseError(f"{EXPORTS}/{version}/ already exists; a released snapshot is never rewritten")
    versions = released_versions(exports)
    previous = versions[-1] if versions else None
    if previous and parse_version(version) <= parse_version(previous):
        raise ReleaseError(f"VERSION {version} is not greater than the latest release {previous}")
    current = pkg.descriptor.get("version")
    if current and not previous:
        # Before the first release the descriptor's own version is the floor (it may be released as is).
        try:
            floor = parse_version(str(current), f"{pkg.descriptor_path.name} version")
        except ReleaseError:
            floor = None
        if floor and parse_version(version) < floor:
            raise ReleaseError(f"VERSION {version} is smaller than the current version {current} in "
                               f"{pkg.descriptor_path.name}")
    return previous


def _split_sections(lines: list[str], level: str) -> tuple[list[str], dict[str, list[str]]]:
    """Lines before the first heading of `level` ("###"), and the lines under each such heading."""
    preamble: list[str] = []
    sections: dict[str, list[str]] = {}
    current = None
    for ln in lines:
        m = re.match(rf"^{level}\s+(.+?)\s*$", ln)
        if m:
            current = m[1]
            sections.setdefault(current, [])
        elif current is None:
            preamble.append(ln)
        else:
            sections[current].append(ln)
    return preamble, sections


def _render_part(title: str, preamble: list[str], sections: dict[str, list[str]]) -> list[str]:
    """`### Data` or `### Toolkit`, its prose, then its Keep a Changelog subsections in order."""
    order = [h for h in SECTION_ORDER if h in sections] + [h for h in sections if h not in SECTION_ORDER]
    out: list[str] = []
    pre = "\n".join(preamble).strip()
    if pre:
        out += [pre, ""]
    for heading in order:
        items = "\n".join(sections[heading]).strip("\n")
        if items.strip():
            out += [f"#### {heading}", items, ""]
    return [f"### {title}", ""] + out if out else []


def plan_changelog(text: str | None, version: str, day: str, diff: PackageDiff) -> str:
    """CHANGELOG.md with a `## [VERSION] - DATE` section in two parts: `### Data` (what the
    maintainers wrote under it in [Unreleased], then the rows and schema changes computed from the
    diff) and `### Toolkit` (what [Unreleased] says of the software). [Unreleased] is left empty,
    as Keep a Changelog has it. Subsections of [Unreleased] written the older way (`### Added`
    directly under it) describe the toolkit, since the data's changes are generated."""
    if not text:
        text = "# Changelog\n\nAll notable changes to this project are documented here.\n\n## [Unreleased]\n"
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if re.match(r"^##\s+\[?unreleased\]?\s*$", ln, re.I)), None)
    if start is None:
        first = next((i for i, ln in enumerate(lines) if ln.startswith("## ")), len(lines))
        lines[first:first] = ["## [Unreleased]", ""]
        start = first
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].startswith("## ") or re.match(r"^\[[^\]]+\]:\s", lines[i])), len(lines))
    preamble, parts = _split_sections(lines[start + 1:end], "###")

    data_pre, data_sections = _split_sections(parts.pop("Data", []), "####")
    tool_pre, tool_sections = _split_sections(parts.pop("Toolkit", []), "####")
    for heading, body in parts.items():  # the older form: ### Added etc. directly under the version
        tool_sections.setdefault(heading, []).extend(body)
    for heading, items in diff.changelog_entries().items():
        block = data_sections.setdefault(heading, [])
        while block and not block[-1].strip():
            block.pop()
        block.extend(f"- {item}" for item in items)

    section = [f"## [{version}] - {day}", ""]
    pre = "\n".join(preamble).strip()
    if pre:
        section += [pre, ""]
    section += _render_part("Data", data_pre, data_sections)
    section += _render_part("Toolkit", tool_pre, tool_sections)
    if len(section) == 2:
        section += ["No changes.", ""]
    new = lines[:start + 1] + [""] + section + lines[end:]
    return "\n".join(new).rstrip("\n") + "\n"


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


def release(pkg: Package, version: str, *, created: str | date | datetime | None = None,
            frictionless: bool = True) -> ReleaseResult:
    """Cut VERSION of pkg into exports/VERSION/, or raise (ReleaseError, InvalidDataError) having
    written nothing."""
    from .derived import derive, to_csv, to_table
    from .docs import build_docs
    from .validate import validate_package

    if pkg.is_bundled:
        raise ReleaseError("the copy of the package inside an installed sco_data is not released; run the "
                           "release in a clone of the repository (or give --package)")
    exports = exports_dir(pkg)
    previous = _check_version(pkg, version, exports)
    stamp = parse_created(created)
    # Strict: a published version has its description, licence, version and $schema.
    report = validate_package(pkg, frictionless=frictionless, strict=True)
    if not report.valid:
        raise InvalidDataError(f"{pkg.descriptor_path.name}: the package is invalid "
                               f"({len(report.problems)} problem(s)); fix them before releasing", report.problems)
    tables = {name: tr.table for name, tr in report.tables.items()}
    # Derived tables run to the `created` date: made anew for the version's, so that the snapshot,
    # its changelog and the working copy hold the tables as of the release.
    released_pkg = Package(pkg.descriptor_path, stamped(pkg.descriptor, version, stamp), pkg.resources)
    derived = {}
    for name, rows in derive(released_pkg, tables).items():
        res = pkg.resource(name)
        tables[name] = to_table(res, rows)
        derived[name] = to_csv(res, rows)
    if previous:
        # The changelog and the bump are computed against the previous snapshot: it must be intact.
        _, problems = check_snapshot(exports / previous)
        if problems:
            raise ReleaseError(f"the previous release {EXPORTS}/{previous}/ fails verification; restore it "
                               "(git checkout) before releasing", problems)
        old = load_package(exports / previous)
        diff = diff_packages(old, pkg, previous, version, new_tables=tables)
        check_bump(diff, previous, version)
        required = diff.required_bump()
    else:
        diff = initial_diff(pkg, version, tables)
        required = None

    # Everything that will be written is computed before the snapshot moves into place, so that
    # a failure leaves no trace.
    made_exports = not exports.exists()
    exports.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{version}-", dir=exports))
    try:
        for res in pkg.resources:
            target = tmp / CSV_DIR / f"{res.name}.csv"
            target.parent.mkdir(parents=True, exist_ok=True)
            if res.name in derived:
                target.write_bytes(derived[res.name])
            else:
                shutil.copyfile(res.path, target)
        (tmp / DESCRIPTOR).write_text(dump_json(snapshot_descriptor(pkg, version, stamp, tmp)), encoding="utf-8")
        zip_name = f"{pkg.name or 'package'}-{version}.zip"
        (tmp / SNAPSHOT_README).write_text(snapshot_readme(released_pkg, zip_name), encoding="utf-8", newline="\n")
        (tmp / SNAPSHOT_LICENSE).write_text(snapshot_licence(pkg), encoding="utf-8", newline="\n")
        files = build_exports(tmp)

        descriptor_text = dump_json(released_pkg.descriptor)
        changelog_path = pkg.base_dir / CHANGELOG
        changelog_text = plan_changelog(changelog_path.read_text(encoding="utf-8") if changelog_path.is_file()
                                        else None, version, stamp[:10], diff)
        index_json, index_md = plan_index(exports, pkg.name, {version: tmp})
        # The docs name the version, its date and the zip's checksum: regenerated now, so that the
        # release commit is complete and `docs --check` passes right after it.
        docs = build_docs(released_pkg, tables, zip_sha256=sha256_file(tmp / zip_name))

        target = exports / version
        if target.exists():
            raise ReleaseError(f"{EXPORTS}/{version}/ appeared while the release was built; not touching it")
        tmp.chmod(0o755)  # mkdtemp makes it private; a published folder is readable by all
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if made_exports:
            shutil.rmtree(exports, ignore_errors=True)
        raise
    write_atomic(pkg.descriptor_path, descriptor_text)
    write_atomic(changelog_path, changelog_text)
    write_atomic(exports / INDEX_JSON, index_json)
    write_atomic(exports / INDEX_MD, index_md)
    written = []
    for path, content in docs.items():
        if not path.is_file() or path.read_bytes() != content:
            write_atomic(path, content)
            written.append(path)
    return ReleaseResult(version, previous, target, stamp, diff, required, files, pkg.name, written)


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


# --- verify ------------------------------------------------------------------------------------

@dataclass
class VerifyResult:
    folder: Path
    checked: int
    rebuilt: list[str] = field(default_factory=list)
    # How the rebuild was compared: "bytes" (every file identical) or "content" (the toolchain
    # differs from the one recorded, and the files that differ in bytes hold the same values).
    comparison: str | None = None
    reason: str = ""
    differing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"folder": str(self.folder), "checked": self.checked, "rebuilt": self.rebuilt,
                "comparison": self.comparison, "reason": self.reason, "differing_bytes": self.differing}

    def comparison_text(self) -> str:
        if self.comparison == "bytes":
            return f"{len(self.rebuilt)} rebuilt files are byte-identical ({self.reason})"
        return (f"compared content: {self.reason}; {len(self.differing)} of {len(self.rebuilt)} rebuilt files differ "
                "in bytes, and every table's values, schema and metadata are identical (writer versions ignored)")


def _read_sums(folder: Path) -> tuple[dict[str, str], list[Problem]]:
    path = folder / SUMS
    if not path.is_file():
        raise ReleaseError(f"{folder}: no {SUMS}; not a released snapshot (or its checksum file is missing)",
                           [Problem(SUMS, None, None, "file-missing", f"missing; every snapshot lists its checksums in {SUMS}")])
    sums: dict[str, str] = {}
    problems = []
    for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        m = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line)
        if not m:
            problems.append(Problem(SUMS, n, None, "checksum-format", f"not a sha256sum line: {line[:60]!r}"))
            continue
        sums[m[2]] = m[1]
    return sums, problems


def check_snapshot(folder: Path) -> tuple[int, list[Problem]]:
    """Every checksum of a snapshot recomputed: problems name each changed, missing or extra file."""
    sums, problems = _read_sums(folder)
    present = set(_files(folder)) - {SUMS}
    for name in sorted(sums):
        path = folder / name
        if name not in present:
            problems.append(Problem(name, None, None, "file-missing", f"listed in {SUMS} but missing"))
        elif sha256_file(path) != sums[name]:
            problems.append(Problem(name, None, None, "checksum",
                                    f"changed: its sha256 is {sha256_file(path)}, {SUMS} says {sums[name]}"))
    for name in sorted(present - set(sums)):
        problems.append(Problem(name, None, None, "file-extra", f"not listed in {SUMS}; not part of the release"))
    descriptor = folder / DESCRIPTOR
    if descriptor.is_file():
        try:
            pkg = load_package(folder)
            require_version(pkg)
        except (PackageError, ReleaseError) as exc:
            problems.append(Problem(DESCRIPTOR, None, None, "descriptor", str(exc)))
        else:
            # A file already named above needs no second line for the same fault.
            named = {p.file for p in problems}
            problems.extend(p for p in _descriptor_hash_problems(pkg) if p.file not in named)
    return len(sums), sorted(set(problems))


def _descriptor_hash_problems(pkg: Package) -> list[Problem]:
    out = []
    for res in pkg.resources:
        want = res.descriptor.get("hash")
        if not res.path.is_file():
            continue
        if want and want != f"sha256:{sha256_file(res.path)}":
            out.append(Problem(res.relpath, None, None, "checksum", f"does not match the hash in {DESCRIPTOR}"))
        if "bytes" in res.descriptor and res.descriptor["bytes"] != res.path.stat().st_size:
            out.append(Problem(res.relpath, None, None, "checksum", f"size differs from bytes in {DESCRIPTOR}"))
    return out


def _toolchain_difference(recorded: dict | None, current: dict) -> str | None:
    """None when the snapshot was written by this toolchain; else why not, for the person."""
    if recorded is None:
        return f"the snapshot records no toolchain ({TOOLCHAIN} was added in a later release)"
    changed = [f"{k} {recorded.get(k, 'absent')} -> {current.get(k, 'absent')}"
               for k in sorted(set(recorded) | set(current)) if recorded.get(k) != current.get(k)]
    return ("the toolchain differs from the one recorded: " + ", ".join(changed)) if changed else None


def rebuild_problems(folder: Path) -> tuple[list[str], list[Problem], VerifyResult]:
    """Rebuild every export from the snapshot's csv/ and descriptor in a scratch folder and
    compare with the published files: byte for byte when this is the toolchain recorded in the
    snapshot, otherwise by content (content.py), saying why."""
    from .content import NOT_CONTENT, same_content, toolchain

    problems = []
    result = VerifyResult(folder, 0)
    recorded_path = folder / TOOLCHAIN
    recorded = json.loads(recorded_path.read_text(encoding="utf-8")) if recorded_path.is_file() else None
    why = _toolchain_difference(recorded, toolchain())
    with tempfile.TemporaryDirectory(prefix="sco-data-rebuild-") as scratch:
        work = Path(scratch) / folder.name
        work.mkdir()
        for name in INPUTS:
            if (folder / name).is_file():
                shutil.copyfile(folder / name, work / name)
        shutil.copytree(folder / CSV_DIR, work / CSV_DIR)
        inputs = set(_files(work))
        from .export import published_layouts

        # A format whose layout changed since (the workbook) is rebuilt in the snapshot's layout.
        built = build_exports(work, export_formats(folder), published_layouts(folder))
        rebuilt = [n for n in built if n not in inputs and n not in NOT_CONTENT]
        published = set(_files(folder)) - inputs - NOT_CONTENT
        tables = {res.name for res in load_package(work).resources}
        for name in rebuilt:
            if name not in published:
                problems.append(Problem(name, None, None, "rebuild", "the rebuild makes this file; the snapshot lacks it"))
                continue
            new, old = (work / name).read_bytes(), (folder / name).read_bytes()
            if new == old:
                continue
            result.differing.append(name)
            if why is None:
                problems.append(Problem(name, None, None, "rebuild",
                                        "rebuilt from csv/ and the descriptor with the toolchain the snapshot records, "
                                        "it differs from the published file"))
            elif not same_content(name, old, new, tables):
                problems.append(Problem(name, None, None, "rebuild",
                                        f"rebuilt from csv/ and the descriptor, its content differs from the published "
                                        f"file ({why})"))
        for name in sorted(published - set(rebuilt)):
            problems.append(Problem(name, None, None, "rebuild", "published, but the rebuild does not make it"))
    result.rebuilt = rebuilt
    result.comparison = "content" if result.differing else "bytes"
    result.reason = why or "same toolchain"
    return rebuilt, problems, result


def verify(folder: str | Path, *, rebuild: bool = False) -> VerifyResult:
    """Raise ReleaseError listing every problem, or return what was checked."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReleaseError(f"{folder}: no such snapshot folder")
    checked, problems = check_snapshot(folder)
    if problems:
        raise ReleaseError(f"{folder}: {len(problems)} problem(s); the snapshot is not as released", problems)
    result = VerifyResult(folder, checked)
    if rebuild:
        _, problems, result = rebuild_problems(folder)
        result.checked = checked
        if problems:
            raise ReleaseError(f"{folder}: the rebuild differs from the published exports", problems)
    return result
