"""Validation: every problem in a package, in one pass over the data.

The checks that decide whether data can be exported (sco_data/checks/, one registry for all) run
vectorised on the typed Arrow tables (constraints, keys, cross-table rules); Frictionless, the
reference implementation of the standard, runs beside them on demand and must agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .checks import check_table, lint_package, run_rules
from .descriptor import Package
from .errors import Problem, sort_problems
from .read import TableRead, read_package


@dataclass
class Report:
    package: Package
    tables: dict[str, TableRead]
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def valid(self) -> bool:
        """No errors; warnings (metadata a published package should have) do not count."""
        return not self.errors

    def table(self, name: str):
        return self.tables[name].table


def validate_package(pkg: Package, *, frictionless: bool = False, strict: bool = False) -> Report:
    """Read every table once and collect every problem: typed reading, constraints, keys, text
    cells, the metadata lint and the cross-table rules. With frictionless=True the reference
    validator runs too and whatever it finds that these checks did not is added. Metadata lint
    findings are warnings unless strict=True."""
    return check_package(pkg, read_package(pkg), frictionless=frictionless, strict=strict)


def check_package(pkg: Package, tables: dict[str, TableRead], *, frictionless: bool = False,
                  strict: bool = False) -> Report:
    """validate_package on tables already read (read_package): the checks, without reading again.
    Export runs this while it writes the tables it has read."""
    report = Report(pkg, tables)
    report.problems.extend(lint_package(pkg, strict=strict))
    for tr in tables.values():
        check_table(tr, tables, strict=strict)
        report.problems.extend(tr.problems)
    report.problems.extend(run_rules(tables))
    if frictionless:
        from .reference import frictionless_problems

        report.problems.extend(frictionless_problems(pkg, tables, report.problems))
    report.problems = sort_problems(list(dict.fromkeys(report.problems)))
    return report
