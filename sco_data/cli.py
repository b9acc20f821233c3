"""The `sco-data` command: a thin click layer over the library. Heavy imports happen inside
commands so that `sco-data --help` stays fast."""

from __future__ import annotations

import json
import sys

import click

from .errors import Problem, ScoDataError


def _problems_json(problems) -> str:
    return json.dumps([p.to_dict() for p in problems], indent=2, ensure_ascii=False)


def _fail(exc: ScoDataError, as_json: bool = False) -> None:
    """Report a failure the library raised, as problems, and exit with its code."""
    problems = exc.problems or [Problem("", None, None, type(exc).__name__, str(exc))]
    if as_json:
        click.echo(_problems_json(problems))
    else:
        for p in exc.problems:
            click.echo(str(p))
        if not exc.problems:
            click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sco-data")
def cli() -> None:
    """Validate, export and release the SCO data package."""


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as a JSON list.")
@click.option("--fast", is_flag=True, help="Skip the Frictionless reference run; typed checks and rules only.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when the package is valid.")
def validate(path: str | None, as_json: bool, fast: bool, quiet: bool) -> None:
    """Check PATH (a datapackage.json or a folder holding one; default: the bundled package):
    types, constraints, keys, cross-table rules and metadata. Exit 0 valid, 1 invalid."""
    from .package import load_package
    from .validate import validate_package

    try:
        pkg = load_package(path)
        report = validate_package(pkg, frictionless=not fast)
    except ScoDataError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        click.echo(_problems_json(report.problems))
    else:
        for p in report.problems:
            click.echo(str(p))
        if not quiet:
            rows = sum(tr.table.num_rows for tr in report.tables.values() if tr.table is not None)
            status = "valid" if report.valid else f"invalid: {len(report.problems)} problem(s)"
            label = " ".join(str(x) for x in (pkg.name, pkg.version) if x) or pkg.descriptor_path.name
            click.echo(f"{label}: {len(report.tables)} tables, {rows} rows, {status}", err=True)
    sys.exit(0 if report.valid else 1)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
