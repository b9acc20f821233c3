"""Verifying a snapshot: every checksum recomputed, and optionally every export rebuilt from
csv/ and the descriptor and compared with the published files.

The comparison is byte for byte when the toolchain is the one the snapshot records
(toolchain.json), otherwise by content (content.py), and the result says which and why.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..descriptor import DESCRIPTOR, Package, load_package
from ..errors import PackageError, Problem, ReleaseError
from ..versions import require_version
from .snapshot import (
    CSV_DIR,
    DOCS_DIR,
    INPUTS,
    SUMS,
    TOOLCHAIN,
    build_exports,
    export_formats,
    relative_files,
    sha256_file,
)


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
                           [Problem(SUMS, None, None, "file-missing",
                                    f"missing; every snapshot lists its checksums in {SUMS}")])
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
    present = set(relative_files(folder)) - {SUMS}
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
    from ..content import NOT_CONTENT, same_content, toolchain

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
        if (folder / DOCS_DIR).is_dir():
            shutil.copytree(folder / DOCS_DIR, work / DOCS_DIR)
        inputs = set(relative_files(work))
        built = build_exports(work, export_formats(folder))
        rebuilt = [n for n in built if n not in inputs and n not in NOT_CONTENT]
        published = set(relative_files(folder)) - inputs - NOT_CONTENT
        tables = {res.name: set(res.field_names) for res in load_package(work).resources}
        for name in rebuilt:
            if name not in published:
                problems.append(Problem(name, None, None, "rebuild",
                                        "the rebuild makes this file; the snapshot lacks it"))
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
