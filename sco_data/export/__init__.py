"""Exports: the typed tables of a valid package written as Parquet, JSON and SQLite.

Every writer takes the typed Arrow tables that validation produced (one read of each CSV) and
writes files into a folder; `export_package` validates (or takes the caller's report), runs the
writers into a temporary folder beside the target and swaps it into place only when every writer
has finished (atomic.staged_folder), so a failure never leaves a half-written export behind.

A new format is one module with `write(pkg, tables, out_dir) -> list[Path]` (and optionally
`OUTPUT`, the file or folder it creates inside out_dir) plus one entry in FORMATS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..atomic import staged_folder
from ..descriptor import Package
from ..errors import ExportError, InvalidDataError
from . import json as json_format
from . import parquet, sqlite, xlsx

FORMATS = {
    "parquet": parquet,
    "json": json_format,
    "sqlite": sqlite,
    "xlsx": xlsx,
}

TEMP_PREFIX = ".exports-"


def output_names() -> set[str]:
    """What may sit in an export folder: the file or folder each registered writer creates."""
    return {getattr(module, "OUTPUT", name) for name, module in FORMATS.items()}


def _check_formats(formats: Iterable[str] | None) -> list[str]:
    if formats is None:
        return list(FORMATS)
    chosen = list(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise ExportError(f"unknown export format {', '.join(map(repr, unknown))}; known: {', '.join(FORMATS)}")
    if not chosen:
        raise ExportError(f"no export format chosen; known: {', '.join(FORMATS)}")
    return [f for f in FORMATS if f in chosen]


def _check_target(out_dir: Path) -> None:
    """Refuse to replace anything that is not a previous export: the swap removes the old folder."""
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise ExportError(f"{out_dir} exists and is not a folder; choose another --out")
    if out_dir.is_dir():
        foreign = sorted(p.name for p in out_dir.iterdir() if p.name not in output_names())
        if foreign:
            shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
            raise ExportError(
                f"{out_dir} holds files that no export writes ({shown}); an export replaces the whole "
                "folder, so choose an empty or new folder"
            )


def export_package(
    pkg: Package,
    out_dir: str | Path,
    formats: Iterable[str] | None = None,
    *,
    report=None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Validate pkg (typed checks, no Frictionless) unless its report is given, then write
    every chosen format into out_dir, atomically. Returns the files written, inside out_dir.

    out_dir holds exactly this export afterwards: an existing export there is replaced whole.
    Raises InvalidDataError (nothing written) for an invalid package, ExportError when the
    target cannot be written (an existing out_dir is then left as it was)."""
    say = progress or (lambda message: None)
    chosen = _check_formats(formats)
    out_dir = Path(out_dir).absolute()
    _check_target(out_dir)
    if report is None:
        from ..validate import validate_package

        say("validating")
        report = validate_package(pkg, frictionless=False)
    if not report.valid:
        raise InvalidDataError(
            f"{pkg.descriptor_path.name}: {len(report.problems)} problem(s); "
            "fix them before exporting, nothing was written",
            report.problems,
        )
    tables = {name: tr.table for name, tr in report.tables.items()}

    written: list[Path] = []
    with staged_folder(out_dir, f"{TEMP_PREFIX}{out_dir.name}-", what="the export", error=ExportError) as staging:
        for name in chosen:
            say(f"writing {name}")
            try:
                written.extend(FORMATS[name].write(pkg, tables, staging))
            except OSError as exc:  # a full disk, a quota: the user's to fix, not a crash
                raise ExportError(f"cannot write the {name} export: {exc.strerror or exc}") from None
    return [out_dir / p.relative_to(staging) for p in written]
