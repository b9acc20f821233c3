"""The registry in words: the README's list of rules and the reference in docs/rules.md.

`sco-data docs` fills the README's `rules` block with `readme_rules()` and the `checks` block of
docs/rules.md with `rules_doc()`, so that neither can drift from the checks themselves.
"""

from __future__ import annotations

import textwrap

from .registry import DESCRIPTOR, ERROR, PACKAGE, TABLE, WARNING, Check, of_kind

RULES_DOC = "docs/rules.md"  # beside the descriptor, like the README


def _names(checks: list[Check]) -> str:
    return ", ".join(f"`{rule}`" for c in checks for rule in c.rules)


def _bullet(text: str) -> str:
    return textwrap.fill(text, width=100, initial_indent="- ", subsequent_indent="  ",
                         break_on_hyphens=False, break_long_words=False)


def readme_rules() -> str:
    """The README's list of the registered rules, one item per kind of check."""
    lint = of_kind(DESCRIPTOR)
    table = of_kind(TABLE)
    return "\n".join(_bullet(item) for item in (
        f"each table on its own, against its Table Schema and for clean text: "
        f"{_names([c for c in table if c.level == ERROR])};",
        f"the CSV conventions, as warnings unless `--strict`: {_names([c for c in table if c.level == WARNING])};",
        f"the cross-table rules of the contract: {_names(of_kind(PACKAGE))};",
        f"the metadata, as warnings unless `--strict`: {_names([c for c in lint if c.level == WARNING])}; "
        f"and as errors: {_names([c for c in lint if c.level == ERROR])};",
    ))


_SECTIONS = (
    (PACKAGE, "Cross-table rules",
     "The contract: what the tables mean together. Each rule reads the typed tables of the package and "
     "is skipped when a table or column it needs is missing or unreadable (the reader and the lint say "
     "why)."),
    (TABLE, "Table checks",
     "Each table on its own, once it is read and typed, in this order; `sco_data.load` and `export` run "
     "them too, so a table they refuse, validate refuses."),
    (DESCRIPTOR, "Metadata lint",
     "The descriptor, before any data: what Frictionless lets through but a published package should "
     "not. Problems point into datapackage.json."),
)


def _section(c: Check) -> list[str]:
    lines = [f"### {c.name}", ""]
    if c.rules != (c.name,):
        lines += [textwrap.fill("Rules: " + _names([c]) + ".", width=100, break_on_hyphens=False), ""]
    if c.kind == DESCRIPTOR or c.level == WARNING:
        level = "a warning, an error with `--strict`" if c.level == WARNING else "an error"
        lines += [f"Level: {level}.", ""]
    lines += [c.doc, "", f"Defined in `{c.source}` (`{c.run.__name__}`)."]
    if c.cases:
        lines += ["",
                  "What validate prints for the bad inputs its tests make of the test sample (tests/fixtures/sample):",
                  "",
                  "```text"]
        lines += [problem for case in c.cases for problem in case.expected]
        lines += ["```"]
    return lines + [""]


def rules_doc() -> str:
    """The reference of every registered check, kind by kind: its rules, its docstring, where it
    is defined and what its bad-input cases print."""
    lines: list[str] = []
    for kind, title, intro in _SECTIONS:
        lines += [f"## {title}", "", textwrap.fill(intro, width=100), ""]
        for c in of_kind(kind):
            lines += _section(c)
    return "\n".join(lines).rstrip("\n")
