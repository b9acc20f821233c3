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
from ..errors import ExportError, InvalidDataError, Problem
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
    warn: Callable[[Problem], None] | None = None,
) -> list[Path]:
    """Validate pkg (typed checks, no Frictionless) unless its report is given, then write
    every chosen format into out_dir, atomically. Returns the files written, inside out_dir.

    Without a report, the tables are read once and then checked while they are written: the
    writers run on another thread into the staging folder, which only replaces out_dir when the
    checks found nothing wrong. warn is called with each warning the checks give.

    out_dir holds exactly this export afterwards: an existing export there is replaced whole.
    Raises InvalidDataError (nothing written) for an invalid package, ExportError when the
    target cannot be written (an existing out_dir is then left as it was)."""
    say = progress or (lambda message: None)
    chosen = _check_formats(formats)
    out_dir = Path(out_dir).absolute()
    _check_target(out_dir)
    if report is not None:
        _refuse_invalid(pkg, report)
    else:
        from ..read import read_package

        say("reading")
        tables_read = read_package(pkg)

    written: list[Path] = []
    with staged_folder(out_dir, f"{TEMP_PREFIX}{out_dir.name}-", what="the export", error=ExportError) as staging:
        if report is not None:
            written = _write_all(pkg, report.tables, chosen, staging, say)
        else:
            report, written = _check_while_writing(pkg, tables_read, chosen, staging, say)
        for warning in report.warnings if warn else ():
            warn(warning)
    return [out_dir / p.relative_to(staging) for p in written]


def _refuse_invalid(pkg: Package, report) -> None:
    if not report.valid:
        raise InvalidDataError(
            f"{pkg.descriptor_path.name}: {len(report.problems)} problem(s); "
            "fix them before exporting, nothing was written",
            report.problems,
        )


def _write_all(pkg: Package, tables_read: dict, chosen: list[str], staging: Path, say) -> list[Path]:
    tables = {name: tr.table for name, tr in tables_read.items()}
    written: list[Path] = []
    for name in chosen:
        say(f"writing {name}")
        try:
            written.extend(FORMATS[name].write(pkg, tables, staging))
        except OSError as exc:  # a full disk, a quota: the user's to fix, not a crash
            raise ExportError(f"cannot write the {name} export: {exc.strerror or exc}") from None
    return written


def _check_while_writing(pkg: Package, tables_read: dict, chosen: list[str], staging: Path, say):
    """The checks on this thread while the writers write the same typed tables on another (both
    spend their time in Arrow, which lets go of the interpreter lock). The formats are written
    one after another, which keeps memory to one format's at a time. An invalid package is
    refused once the writer has stopped; the staging folder is then removed whole."""
    from concurrent.futures import ThreadPoolExecutor

    from ..validate import check_package

    # Nothing is written from tables whose reading already failed: the export will be refused.
    readable = all(tr.table is not None and not any(p.is_error for p in tr.problems) for tr in tables_read.values())
    with ThreadPoolExecutor(max_workers=1) as pool:
        writing = pool.submit(_write_all, pkg, tables_read, chosen, staging, say) if readable else None
        say("validating")
        report = check_package(pkg, tables_read)
        if not report.valid and writing is not None:
            writing.cancel()
            try:
                writing.result()
            except Exception:  # noqa: BLE001 - invalid data may break a writer; the problems say why
                pass
        _refuse_invalid(pkg, report)
        return report, writing.result()
