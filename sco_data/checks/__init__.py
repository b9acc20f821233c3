"""Every check of the validator, registered one way (registry.py), one module per family:

- metadata.py: the descriptor lint (`metadata-*`);
- constraints.py, text.py, keys.py: the checks of each typed table, in the order they run;
- conventions.py: the CSV conventions the README states (LF line endings, rows in key order);
- rules.py, rules_arms.py: the cross-table rules of the contract (rules_arms.py: the arms deals).
- un_votes.py: the cross-table rules of the General Assembly votes (un_resolutions, un_votes).

Each check keeps its name, its doc and its bad-input cases beside it; the tests run the cases, and
`sco-data docs` writes the README's list of rules and docs/rules.md from the registry.
"""

from __future__ import annotations

# Importing a family registers its checks; within a kind they run in this order.
from . import constraints, conventions, keys, metadata, rules, rules_arms, text, un_votes  # noqa: F401
from .registry import (
    CHECKS,
    DESCRIPTOR,
    ERROR,
    KINDS,
    PACKAGE,
    REMOVE,
    TABLE,
    WARNING,
    Case,
    Check,
    ReplaceText,
    SetProperty,
    cases,
    check,
    check_table,
    lint_package,
    of_kind,
    rule_names,
    run_rules,
)
from .render import RULES_DOC, readme_rules, rules_doc

__all__ = ["CHECKS", "DESCRIPTOR", "ERROR", "KINDS", "PACKAGE", "REMOVE", "RULES_DOC", "TABLE", "WARNING", "Case",
           "Check", "ReplaceText", "SetProperty", "cases", "check", "check_table", "lint_package", "of_kind",
           "readme_rules", "rule_names", "rules_doc", "run_rules"]
