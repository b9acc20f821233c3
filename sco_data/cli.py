"""The `sco-data` command: a thin click layer over the library. Heavy imports happen inside
commands so that `sco-data --help` stays fast."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .errors import ScoDataError


def _failure():
    """The class of every failure the library reports (errors.ScoDataError), imported when one
    happens: `except _failure()` is evaluated only then, which keeps `sco-data --help` light."""
    from .errors import ScoDataError

    return ScoDataError


def _problems_json(problems) -> str:
    import json

    return json.dumps([p.to_dict() for p in problems], indent=2, ensure_ascii=False)


def _label(pkg) -> str:
    """What a summary line starts with: the package's name and version and the descriptor used."""
    label = " ".join(str(x) for x in (pkg.name, pkg.version) if x) or "package"
    return f"{label} ({pkg.shown})"


def _fail(exc: ScoDataError, as_json: bool = False, *, report: bool = False) -> None:
    """Report a failure the library raised, as problems, and exit with its code. Problems go to
    stderr, except where they are the command's report (validate), which belongs on stdout."""
    from .errors import Problem

    problems = exc.problems or [Problem("", None, None, type(exc).__name__, str(exc))]
    if as_json:
        click.echo(_problems_json(problems))
    else:
        for p in exc.problems:
            click.echo(str(p), err=not report)
        # The summary line says what happened as a whole (e.g. that nothing was written); skip it
        # only when it merely repeats the one problem.
        if str(exc) not in {str(p) for p in exc.problems} and str(exc) not in {p.message for p in exc.problems}:
            click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from . import __version__

    click.echo(f"sco-data, version {__version__}")
    ctx.exit()


PACKAGE_HELP = ("A datapackage.json or a folder holding one (default: the nearest datapackage.json from the "
                "working folder upwards, else the copy bundled with sco_data).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version (the data package's) and exit.")
def cli() -> None:
    """Validate, export and release the SCO data package."""


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as a JSON list.")
@click.option("--fast", is_flag=True, help="Skip the Frictionless reference run; typed checks and rules only.")
@click.option("--strict", is_flag=True,
              help="Count warnings as errors: the metadata's (no description, version, licence or $schema) and "
                   "the CSV conventions' (CR LF line endings, rows out of primary-key order).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when the package is valid.")
def validate(path: str | None, as_json: bool, fast: bool, strict: bool, quiet: bool) -> None:
    """Check PATH (a datapackage.json or a folder holding one; default: the nearest datapackage.json
    from the working folder upwards, else the copy bundled with sco_data): types, calendar dates,
    clean text, constraints, keys, cross-table rules and metadata. Exit 0 valid (warnings
    allowed unless --strict), 1 invalid."""
    from .descriptor import load_package
    from .validate import validate_package

    try:
        pkg = load_package(path)
        report = validate_package(pkg, frictionless=not fast, strict=strict)
    except _failure() as exc:
        _fail(exc, as_json, report=True)
        return
    if as_json:
        click.echo(_problems_json(report.problems))
    else:
        for p in report.problems:
            click.echo(str(p))
        if not quiet:
            rows = sum(tr.table.num_rows for tr in report.tables.values() if tr.table is not None)
            status = "valid" if report.valid else f"invalid: {len(report.errors)} error(s)"
            if report.warnings:
                status += f", {len(report.warnings)} warning(s)"
            click.echo(f"{_label(pkg)}: {len(report.tables)} tables, {rows} rows, {status}", err=True)
    sys.exit(0 if report.valid else 1)


@cli.command()
@click.option("--package", "package_path", type=click.Path(path_type=str), help=PACKAGE_HELP)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the data dictionary and the timeline (default: docs/ beside the descriptor); "
                   "derived tables are always written where the descriptor puts them.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 naming each generated file (docs or derived table) "
                                            "that is out of date.")
def docs(package_path: str | None, out: Path | None, check: bool) -> None:
    """Generate the derived tables (data/sco_status_years.csv), docs/data-dictionary.md,
    docs/membership-timeline.svg, the README's generated blocks and CITATION.cff's version from
    the descriptor and the data."""
    from .descriptor import load_package
    from .docs import stale_docs, write_docs

    try:
        pkg = load_package(package_path)
        blocks = _readme_blocks()
        if check:
            stale = stale_docs(pkg, out, blocks=blocks)
            for path in stale:
                click.echo(f"{pkg.display(path)}: out of date; run `sco-data docs` and commit the result", err=True)
            if not stale:
                click.echo(f"{_label(pkg)}: generated docs are up to date", err=True)
            sys.exit(1 if stale else 0)
        written = write_docs(pkg, out, blocks=blocks)
        for path in written:
            click.echo(f"wrote {pkg.display(path)}", err=True)
        if written:
            click.echo(f"{_label(pkg)}: {len(written)} generated file(s) written", err=True)
        else:
            click.echo(f"{_label(pkg)}: generated docs are up to date; nothing written", err=True)
    except _failure() as exc:
        _fail(exc)


def _readme_blocks() -> dict[str, str]:
    """The README blocks the command line renders of itself: the command reference."""
    from .cli_reference import commands_markdown

    return {"commands": commands_markdown(cli)}


class _FormatChoice(click.Choice):
    """The registered export formats, looked up only when a command needs them, so that
    `sco-data --help` does not import the exporters."""

    def __init__(self) -> None:
        self.case_sensitive = True

    @property
    def choices(self):  # type: ignore[override]
        from .export import FORMATS

        return list(FORMATS)


@cli.command()
@click.option("--package", "package_path", type=click.Path(path_type=str), help=PACKAGE_HELP)
@click.option("--out", type=click.Path(file_okay=False, path_type=str),
              help="Folder to write (default: exports/latest beside the package). Replaced whole.")
@click.option("--format", "formats", multiple=True, type=_FormatChoice(),
              help="A format to write; repeat for several (default: all).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when the export succeeds.")
def export(package_path: str | None, out: str | None, formats: tuple[str, ...], quiet: bool) -> None:
    """Validate the package and write it as Parquet, JSON, SQLite and an Excel workbook into OUT,
    atomically: an invalid package or a failure part-way leaves OUT as it was. Exit 0 ok, 1 invalid
    or failed."""
    from .descriptor import load_package
    from .export import export_package
    from .layout import default_export_dir

    show = not quiet and sys.stderr.isatty()

    def progress(message: str) -> None:
        if show:
            click.echo(f"… {message}", err=True)

    try:
        pkg = load_package(package_path)
        out_dir = Path(out) if out else default_export_dir(pkg)
        written = export_package(pkg, out_dir, formats or None, progress=progress,
                                 warn=lambda warning: click.echo(str(warning), err=True))
    except _failure() as exc:
        _fail(exc)
        return
    if not quiet:
        chosen = ", ".join(dict.fromkeys(formats)) if formats else "all formats"
        click.echo(f"{_label(pkg)}: {len(written)} files ({chosen}) in {_shown(out_dir, pkg)}", err=True)


def _shown(path, pkg=None) -> str:
    from .descriptor import shown_path

    return shown_path(path, pkg.base_dir if pkg is not None and not pkg.is_bundled else None)


@cli.command()
@click.argument("version", required=False)
@click.option("--package", "package_path", type=click.Path(path_type=str),
              help="The datapackage.json (or its folder) to release; default: the nearest datapackage.json "
                   "from the working folder upwards.")
@click.option("--date", "created", metavar="DATE",
              help="The release's `created` time: YYYY-MM-DD or an ISO date-time with zone; default: now (UTC).")
@click.option("--fast", is_flag=True, help="Skip the Frictionless reference run before releasing.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the git tag command.")
def release(version: str | None, package_path: str | None, created: str | None, fast: bool, quiet: bool) -> None:
    """Cut VERSION (MAJOR.MINOR.PATCH) into exports/VERSION/: the CSVs, every export, a zip and
    SHA256SUMS; then set version and created in datapackage.json, add the release to CHANGELOG.md
    and the index of releases. Refused, with nothing written, when the package is invalid, VERSION
    is not greater than the latest release, smaller than its changes require, or already exists.
    Without VERSION: the version the changes since the last release require is proposed; on a
    terminal you are asked whether to release it, elsewhere it is printed and the exit code is 2."""
    from .descriptor import load_package
    from .release import proposed_version
    from .release import release as cut

    try:
        pkg = load_package(package_path)
        if version is None:
            version = _confirm_proposal(pkg, *proposed_version(pkg))
        result = cut(pkg, version, created=created, frictionless=not fast, readme_blocks=_readme_blocks())
    except _failure() as exc:
        _fail(exc)
        return
    if not quiet:
        since = f"since {result.previous}" if result.previous else "(first release)"
        click.echo(f"{_label(pkg)}: released {result.version} {since} into {_shown(result.snapshot, pkg)} "
                   f"({len(result.files)} files)")
        for path in result.docs:
            click.echo(f"regenerated {pkg.display(path)}")
        if result.required:
            click.echo(f"the changes required at least a {result.required.upper()} release")
        click.echo("next: commit the snapshot, then tag it:")
    click.echo(result.tag_command)


def _interactive() -> bool:
    """Whether a person is at a terminal to answer a question."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _confirm_proposal(pkg, proposal: str, why: str) -> str:
    click.echo(f"{_label(pkg)}: {why}: {proposal}", err=True)
    if _interactive():
        if click.confirm(f"Release {proposal}?", default=False, err=True):
            return proposal
        click.echo("nothing released", err=True)
        sys.exit(1)
    click.echo(f"nothing released; to release it, run: sco-data release {proposal}", err=True)
    click.echo(proposal)
    sys.exit(2)


@cli.command()
@click.argument("folder", type=click.Path(path_type=str))
@click.option("--rebuild", is_flag=True,
              help="Also rebuild every export from the snapshot's csv/ and descriptor and compare byte for byte.")
@click.option("--package", "package_path", type=click.Path(path_type=str),
              help="The package whose exports/ holds released versions (when FOLDER is a version); default: "
                   "the nearest datapackage.json from the working folder upwards.")
@click.option("--json", "as_json", is_flag=True, help="Print the result, or the problems, as JSON.")
def verify(folder: str, rebuild: bool, package_path: str | None, as_json: bool) -> None:
    """Recompute every checksum of the snapshot FOLDER (or a released version): exit 1 naming each
    changed, missing or extra file."""
    from .layout import released_folder
    from .release import verify as check

    try:
        target = Path(folder)
        via = None
        if not target.exists():
            target, via = released_folder(folder, package_path)
        result = check(target, rebuild=rebuild)
    except _failure() as exc:
        _fail(exc, as_json)
        return
    if as_json:
        import json

        click.echo(json.dumps(result.to_dict()))
        return
    if via is not None:
        click.echo(f"{_label(via)}: release {folder} is {_shown(result.folder, via)}")
    done = f"{result.checked} files match {_shown(result.folder / 'SHA256SUMS', via)}"
    click.echo(done)
    if rebuild:
        click.echo(result.comparison_text())


@cli.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--json", "fmt", flag_value="json", help="Print the diff as JSON.")
@click.option("--markdown", "fmt", flag_value="markdown", help="Print Keep a Changelog sections in Markdown.")
@click.option("--package", "package_path", type=click.Path(path_type=str),
              help="The package whose exports/ holds released versions; default: the nearest "
                   "datapackage.json from the working folder upwards.")
def diff(old: str, new: str, fmt: str | None, package_path: str | None) -> None:
    """Rows added, removed and changed (by primary key) and schema changes from OLD to NEW, each a
    snapshot folder, a datapackage.json or a released version, with the version bump they require.
    Default OLD: the last release; default NEW: the working package. So `sco-data diff` alone says
    what changed since the last release."""
    from .descriptor import load_package
    from .diff import diff_packages
    from .layout import exports_dir, resolve, snapshot_parent

    try:
        exports = None
        if old is None or new is None:
            pkg = load_package(package_path)
            exports = exports_dir(pkg)
            old, new = _diff_defaults(pkg, exports, old, new)
            if fmt != "json":
                click.echo(f"{_label(pkg)}: comparing {old} with {new}", err=True)
        elif not (_exists(old) and _exists(new)):
            exports = snapshot_parent(old, new, package_path)
            if exports is None:
                pkg = load_package(package_path)
                exports = exports_dir(pkg)
                if fmt != "json":  # a script reading --json gets the JSON alone
                    click.echo(f"{_label(pkg)}: versions from {_shown(exports, pkg)}", err=True)
        a, b = resolve(old, exports), resolve(new, exports)
        result = diff_packages(a, b, a.version, b.version)
    except _failure() as exc:
        _fail(exc, fmt == "json")
        return
    if fmt == "json":
        import json

        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(result.to_markdown(), nl=False)
    else:
        click.echo(result.to_text(), nl=False)


def _exists(ref: str) -> bool:
    return Path(ref).exists()


def _diff_defaults(pkg, exports: Path, old: str | None, new: str | None) -> tuple[str, str]:
    """OLD: the last release in exports/; NEW: the working package's descriptor."""
    from .errors import ReleaseError
    from .layout import released_versions

    if old is None:
        versions = released_versions(exports)
        if not versions:
            raise ReleaseError(f"no release in {_shown(exports, pkg)} yet; give OLD and NEW to compare")
        old = versions[-1]
    return old, new if new is not None else _shown(pkg.descriptor_path, pkg)


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 makes the server reachable from other machines.")
@click.option("--package", "package_path", type=click.Path(path_type=str),
              help="A datapackage.json or a folder holding one (default: the bundled package).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing before the server starts.")
def serve(port: int, host: str, package_path: str | None, quiet: bool) -> None:
    """Explore the package in a browser: Datasette over the package's SQLite (exported first to
    exports/latest when missing or stale), with the descriptor's titles, descriptions and licence,
    country names for codes, facets, full-text search and canned queries. Read-only. Needs the
    `serve` extra; exit 2 when it is missing."""
    from . import serve as srv

    if not srv.datasette_available():
        click.echo(f"error: `sco-data serve` needs Datasette, which is not installed. Install it with:\n"
                   f"  {srv.INSTALL_HINT}", err=True)
        sys.exit(2)
    from .descriptor import load_package
    from .layout import default_export_dir

    def progress(message: str) -> None:
        if not quiet:
            click.echo(f"… {message}", err=True)

    try:
        pkg = load_package(package_path)
        served = srv.prepare(pkg, default_export_dir(pkg), progress=progress)
    except _failure() as exc:
        _fail(exc)
        return
    if not quiet:
        click.echo(f"{pkg.name} {pkg.version}: serving {_shown(served.db)} read-only on http://{host}:{port}/ "
                   "(Ctrl-C stops it)", err=True)
    sys.stderr.flush()
    sys.stdout.flush()
    srv.run(srv.datasette_command(served, host, port))


def main() -> None:
    # Arrow's allocator (mimalloc) keeps freed memory for a while before handing it back; a
    # command that reads a table, checks it and writes it out then peaks a third higher than it
    # needs (a million rows: 320 MB instead of 260 MB) for no measurable gain in speed. It reads
    # this when pyarrow loads, which is always later, inside a command; a value set by the user wins.
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", "0")
    cli()


if __name__ == "__main__":
    main()
