"""Cross-table rules of the contract, one named function each."""

from __future__ import annotations

from .errors import Problem


def run_rules(pkg, tables) -> list[Problem]:
    return []
