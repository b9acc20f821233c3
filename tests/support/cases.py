"""The shape of a bad-input case: how it breaks a copy of the sample package, and what a person
must then see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Case:
    id: str
    breaks: Callable[[Path], None]
    expected: list[str]  # every problem, exactly as `sco-data validate` prints it
    frictionless_agrees: bool = False  # within stock Frictionless' remit: it too finds the package invalid
