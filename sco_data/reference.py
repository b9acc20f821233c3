"""Frictionless, the reference validator, with its findings as our problems."""

from __future__ import annotations

from .errors import Problem
from .package import Package


def frictionless_problems(pkg: Package) -> list[Problem]:
    import frictionless

    report = frictionless.validate(str(pkg.descriptor_path))
    problems: list[Problem] = []
    for task in report.tasks:
        display = task.place or task.name or pkg.descriptor_path.name
        for err in task.errors:
            row = getattr(err, "row_number", None)
            col = getattr(err, "field_name", None)
            problems.append(Problem(display, row, col, f"frictionless:{err.type}", err.message))
    for err in report.errors:
        problems.append(Problem(pkg.descriptor_path.name, None, None, f"frictionless:{err.type}", err.message))
    return problems
