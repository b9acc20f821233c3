"""Versioned snapshots: `exports/VERSION/`, immutable once written, verifiable by anyone.

A snapshot holds the CSVs exactly as released, a descriptor that carries each file's size and
sha256 (so stock `frictionless validate` checks a download), every export built from those two
alone, a zip of it all and SHA256SUMS. Because the exports are a pure function of csv/ and the
descriptor, `verify --rebuild` can prove a snapshot reproducible byte for byte.

Nothing here writes into an existing snapshot: a release is built in a temporary folder beside
its target and renamed into place (atomic.staged_folder), and the working descriptor,
CHANGELOG.md and the index are replaced (temp file + rename) only once the snapshot stands.

`release` below runs the steps; each has its module:

- snapshot.py: what a snapshot holds, and building it (the exports, the zip, SHA256SUMS);
- changelog.py: the version's section of CHANGELOG.md;
- index.py: the index of releases (layout.py finds a release by its version);
- verification.py: checking a snapshot's checksums and rebuilding its exports.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..atomic import staged_folder, write_atomic
from ..descriptor import DESCRIPTOR, Package, load_package
from ..diff import PackageDiff, check_bump, diff_packages, initial_diff
from ..errors import InvalidDataError, ReleaseError
from ..layout import EXPORTS, INDEX_JSON, INDEX_MD, exports_dir, released_versions, resolve
from ..versions import next_version, parse_version, require_version
from .changelog import CHANGELOG, SECTION_ORDER, plan_changelog
from .index import plan_index
from .snapshot import (
    CSV_DIR,
    INPUTS,
    SNAPSHOT_LICENSE,
    SNAPSHOT_README,
    SUMS,
    TOOLCHAIN,
    ZIP_TIME,
    build_exports,
    dump_json,
    export_formats,
    parse_created,
    relative_files,
    sha256_file,
    snapshot_descriptor,
    snapshot_licence,
    snapshot_readme,
    stamped,
    sums_text,
    write_snapshot,
    zip_name,
)
from .verification import VerifyResult, check_snapshot, rebuild_problems, verify

__all__ = [
    "CHANGELOG", "CSV_DIR", "DESCRIPTOR", "EXPORTS", "INDEX_JSON", "INDEX_MD", "INPUTS", "SECTION_ORDER",
    "SNAPSHOT_LICENSE", "SNAPSHOT_README", "SUMS", "TEMP_PREFIX", "TOOLCHAIN", "ZIP_TIME",
    "ReleaseResult", "VerifyResult", "build_exports", "check_snapshot", "diff_packages", "dump_json",
    "export_formats", "exports_dir", "parse_created", "plan_changelog", "plan_index", "proposed_version",
    "rebuild_problems",
    "release", "released_versions", "require_version", "resolve", "sha256_file", "snapshot_descriptor",
    "snapshot_licence", "snapshot_readme", "stamped", "sums_text", "verify",
]

TEMP_PREFIX = ".exports-release-"

# The name this helper had when it lived here.
_files = relative_files


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


def proposed_version(pkg: Package) -> tuple[str, str]:
    """The version the next release needs, and why: the descriptor's own version before the first
    release, else the last release bumped as far as the changes since it require."""
    exports = exports_dir(pkg)
    versions = released_versions(exports)
    if not versions:
        current = require_version(pkg)
        return current, "no release yet, so the first is the descriptor's version"
    previous = versions[-1]
    diff = diff_packages(load_package(exports / previous), pkg, previous, "working copy")
    need = diff.required_bump()
    if not diff.reasons():
        return next_version(previous, need), f"nothing has changed since {previous}; a release would be"
    return next_version(previous, need), f"the changes since {previous} require a {need.upper()} release"


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


def _diff_since(pkg: Package, previous: str | None, version: str, exports: Path,
                tables: dict) -> tuple[PackageDiff, str | None]:
    """The changes since the previous release (every row, for the first) and the bump they need;
    ReleaseError when VERSION is too small a bump for them."""
    if not previous:
        return initial_diff(pkg, version, tables), None
    # The changelog and the bump are computed against the previous snapshot: it must be intact.
    _, problems = check_snapshot(exports / previous)
    if problems:
        raise ReleaseError(f"the previous release {EXPORTS}/{previous}/ fails verification; restore it "
                           "(git checkout) before releasing", problems)
    old = load_package(exports / previous)
    diff = diff_packages(old, pkg, previous, version, new_tables=tables)
    check_bump(diff, previous, version)
    return diff, diff.required_bump()


def release(pkg: Package, version: str, *, created: str | date | datetime | None = None,
            frictionless: bool = True, readme_blocks: dict[str, str] | None = None) -> ReleaseResult:
    """Cut VERSION of pkg into exports/VERSION/, or raise (ReleaseError, InvalidDataError) having
    written nothing. readme_blocks: README blocks rendered elsewhere (the command reference), passed
    on to the docs."""
    from ..derived import derive, to_csv, to_table
    from ..docs import build_docs, write_changed
    from ..validate import validate_package

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
    diff, required = _diff_since(pkg, previous, version, exports, tables)
    # The exporters take the tables just validated (the derived ones as made for the release)
    # rather than reading and validating csv/ a second time.
    snapshot_report = dataclasses.replace(report, tables={
        name: dataclasses.replace(tr, table=tables[name]) for name, tr in report.tables.items()})

    # Everything that will be written is computed before the snapshot moves into place, so that
    # a failure leaves no trace.
    target = exports / version
    with staged_folder(target, f"{TEMP_PREFIX}{version}-", replace=False) as tmp:
        files = write_snapshot(tmp, pkg, released_pkg, derived, snapshot_report)
        descriptor_text = dump_json(released_pkg.descriptor)
        changelog_path = pkg.base_dir / CHANGELOG
        changelog_text = plan_changelog(changelog_path.read_text(encoding="utf-8") if changelog_path.is_file()
                                        else None, version, stamp[:10], diff)
        index_json, index_md = plan_index(exports, pkg.name, {version: tmp})
        # The docs name the version, its date and the zip's checksum: regenerated now, so that the
        # release commit is complete and `docs --check` passes right after it.
        docs = build_docs(released_pkg, tables, zip_sha256=sha256_file(tmp / zip_name(pkg, version)),
                          blocks=readme_blocks)
        if target.exists():
            raise ReleaseError(f"{EXPORTS}/{version}/ appeared while the release was built; not touching it")
    write_atomic(pkg.descriptor_path, descriptor_text)
    write_atomic(changelog_path, changelog_text)
    write_atomic(exports / INDEX_JSON, index_json)
    write_atomic(exports / INDEX_MD, index_md)
    written = write_changed(docs)
    return ReleaseResult(version, previous, target, stamp, diff, required, files, pkg.name, written)
