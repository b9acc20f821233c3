"""The registry: every check the validator runs, registered the same way, and how each kind runs.

A check is a function registered with `@check(name, kind, ...)`, of one of three kinds:

- `descriptor` (the metadata lint): `run(pkg)` yields (where in the descriptor, message) pairs.
  Its `level` says whether a finding is an error, or a warning that only --strict makes one.
- `table` (one typed table at a time): `run(tr, tables)` adds problems to `tr.problems`,
  vectorised on the table's Arrow columns. A table check of `level` warning (the CSV conventions)
  reports warnings that only --strict makes errors. `tables` is every table of the package, or None when
  one table is read on its own (sco_data.load); a check that needs the others then skips.
- `package` (the cross-table rules of the contract): `run(tables)` yields problems.

Checks of a kind run in the order they were registered. Each carries the rule names its problems
carry, its docstring (what it checks and why, from which docs/rules.md is written) and its
bad-input cases (`Case`), which the tests run on the test sample.
"""

from __future__ import annotations

import inspect
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Problem
from ..read import MAX_PROBLEMS_PER_COLUMN

DESCRIPTOR, TABLE, PACKAGE = "descriptor", "table", "package"
KINDS = (DESCRIPTOR, TABLE, PACKAGE)
ERROR, WARNING = "error", "warning"


# --------------------------------------------------------------------------- bad-input cases


@dataclass(frozen=True)
class Case:
    """A bad input for a check's tests: `breaks(folder)` edits a copy of the test sample (the small
    valid package in tests/fixtures/sample), and `expected` is every problem `sco-data validate`
    then prints, exactly as printed. `frictionless_agrees`: stock Frictionless too finds the
    broken package invalid."""

    id: str
    breaks: Callable[[Path], None]
    expected: list[str]
    frictionless_agrees: bool = False


def _descriptor(folder: Path) -> dict:
    return json.loads((Path(folder) / "datapackage.json").read_text(encoding="utf-8"))


def _named(items: list, key: str | int):
    """An item of a descriptor list (resources, fields): by position, or by its name."""
    if isinstance(key, int):
        return items[key]
    return next(item for item in items if item.get("name") == key)


@dataclass(frozen=True)
class ReplaceText:
    """Replace one exact piece of text, which must be there exactly once, in a table's CSV."""

    table: str
    old: str
    new: str

    def __call__(self, folder: Path) -> None:
        path = Path(folder) / _named(_descriptor(folder)["resources"], self.table)["path"]
        text = path.read_bytes().decode("utf-8")
        if text.count(self.old) != 1:
            raise ValueError(f"{self.old!r} is not in {path.name} exactly once")
        path.write_bytes(text.replace(self.old, self.new).encode("utf-8"))


class _Remove:
    def __repr__(self) -> str:
        return "REMOVE"


REMOVE = _Remove()


@dataclass(frozen=True)
class SetProperty:
    """Set one property of datapackage.json, or remove it (value REMOVE). The path names list
    items by name or position, e.g. ("resources", "members", "schema", "fields", "notes",
    "description"); an object missing on the way (such as "constraints") is made."""

    path: tuple
    value: object = REMOVE

    def __call__(self, folder: Path) -> None:
        descriptor = _descriptor(folder)
        target = descriptor
        for key in self.path[:-1]:
            target = _named(target, key) if isinstance(target, list) else target.setdefault(key, {})
        if self.value is REMOVE:
            target.pop(self.path[-1])
        else:
            target[self.path[-1]] = self.value
        (Path(folder) / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


@dataclass(frozen=True)
class Edits:
    """Several edits, in order."""

    edits: tuple

    def __call__(self, folder: Path) -> None:
        for edit in self.edits:
            edit(folder)


# --------------------------------------------------------------------------- the registry


@dataclass(frozen=True)
class Check:
    name: str
    kind: str
    run: Callable
    rules: tuple[str, ...]  # the rule names its problems carry
    level: str = ERROR  # a descriptor check's findings: errors, or warnings unless --strict
    cases: tuple[Case, ...] = ()

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.run.__doc__ or "")

    @property
    def source(self) -> str:
        """The file that defines it, from the repository's root."""
        return self.run.__module__.replace(".", "/") + ".py"


CHECKS: list[Check] = []


def check(name: str, kind: str, *, rules: Iterable[str] | None = None, level: str = ERROR,
          cases: Iterable[Case] = ()):
    """Register a check under `name`; `rules` are the rule names its problems carry (default: the
    name alone), `cases` its bad inputs."""
    if kind not in KINDS:
        raise ValueError(f"{name}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if level not in (ERROR, WARNING) or (level == WARNING and kind == PACKAGE):
        raise ValueError(f"{name}: level {level!r}; only a descriptor or table check may warn")

    def register(run: Callable) -> Callable:
        if any(c.name == name for c in CHECKS):
            raise ValueError(f"a check named {name!r} is registered already")
        CHECKS.append(Check(name, kind, run, tuple(rules or (name,)), level, tuple(cases)))
        return run

    return register


def of_kind(kind: str) -> list[Check]:
    return [c for c in CHECKS if c.kind == kind]


def rule_names(kind: str) -> list[str]:
    """The rule names the checks of a kind report, in running order."""
    return [r for c in of_kind(kind) for r in c.rules]


def cases(kind: str, level: str | None = None) -> list[Case]:
    """Every bad-input case of the checks of a kind (and level, if given), in running order."""
    return [case for c in of_kind(kind) if level in (None, c.level) for case in c.cases]


# --------------------------------------------------------------------------- running them


def lint_package(pkg, *, strict: bool = False) -> list[Problem]:
    """Every descriptor check's findings; with strict=True warnings count as errors (make test,
    release)."""
    file = pkg.descriptor_path.name
    return [Problem(file, None, where, c.name, message, ERROR if strict else c.level)
            for c in of_kind(DESCRIPTOR) for where, message in c.run(pkg)]


def check_table(tr, tables: dict | None = None, *, strict: bool = False) -> None:
    """The table checks of one typed table, added to tr.problems: constraints, text cells, the
    primary key and, given the other tables, the foreign keys; then the CSV conventions, whose
    findings are warnings unless strict=True."""
    if tr.table is None:
        return
    for c in of_kind(TABLE):
        before = len(tr.problems)
        c.run(tr, tables)
        if c.level == WARNING and not strict:
            tr.problems[before:] = [replace(p, level=WARNING) for p in tr.problems[before:]]


def run_rules(tables: dict) -> list[Problem]:
    """Every cross-table rule, at most MAX_PROBLEMS_PER_COLUMN problems per rule and column of a
    file (then one line saying how many more), as the table checks do."""
    out: list[Problem] = []
    for c in of_kind(PACKAGE):
        counts: dict[tuple, int] = defaultdict(int)
        for p in c.run(tables):
            key = (p.file, p.column)
            counts[key] += 1
            if counts[key] <= MAX_PROBLEMS_PER_COLUMN:
                out.append(p)
        for (file, column), n in counts.items():
            if n > MAX_PROBLEMS_PER_COLUMN:
                out.append(Problem(file, None, column, c.name, f"{n - MAX_PROBLEMS_PER_COLUMN} more rows like these"))
    return out
