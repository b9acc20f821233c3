"""Where things live beside a package: the one place that knows the folder layout.

    datapackage.json
    exports/latest/          `sco-data export` (and `serve`) write here by default
    exports/VERSION/         one released snapshot each (the release package)
    exports/releases.json    the index of releases, with each zip's SHA-256
"""

from __future__ import annotations

from pathlib import Path

from .descriptor import DESCRIPTOR, Package, load_package
from .errors import ReleaseError
from .versions import parse_version, require_version

EXPORTS = "exports"
LATEST = "latest"
INDEX_JSON = "releases.json"
INDEX_MD = "README.md"


def exports_dir(pkg: Package) -> Path:
    """exports/ beside the descriptor: the released snapshots and their index."""
    return pkg.base_dir / EXPORTS


def default_export_dir(pkg: Package) -> Path:
    """exports/latest beside the package; in the working folder for the copy inside an installed
    wheel, whose folder is no place to write."""
    base = Path.cwd() if pkg.is_bundled else pkg.base_dir
    return base / EXPORTS / LATEST


def release_index(pkg: Package) -> Path:
    """exports/releases.json beside the descriptor (it may not exist yet)."""
    return exports_dir(pkg) / INDEX_JSON


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


def released_folder(ref: str, package_path: str | None) -> tuple[Path, Package]:
    """The snapshot folder of version `ref` of the package at package_path (default: the nearest
    datapackage.json), and that package."""
    pkg = load_package(package_path)
    return resolve(ref, exports_dir(pkg)).base_dir, pkg


def snapshot_parent(old: str, new: str, package_path: str | None) -> Path | None:
    """`diff 0.1.0 exports/0.2.0` or `diff 0.1.0 .`: a version next to a snapshot or a package
    folder means a release of that package, unless --package says otherwise."""
    if package_path:
        return None
    for ref in (old, new):
        p = Path(ref)
        if not p.exists():
            continue
        folder = (p if p.is_dir() else p.parent).resolve()
        if folder.name in released_versions(folder.parent):
            return folder.parent
        if released_versions(folder / EXPORTS):
            return folder / EXPORTS
    return None
