"""The SCO data package: load its tables, validate and export them.

>>> import sco_data
>>> sco_data.tables()
>>> members = sco_data.load("members")
"""

from __future__ import annotations

__version__ = "0.1.0"


def package(path=None):
    """The package descriptor, resolved (default: the package bundled with sco_data)."""
    from .package import load_package

    return load_package(path)


def tables(path=None) -> list[str]:
    """Names of the tables in the package."""
    return [r.name for r in package(path).resources]
