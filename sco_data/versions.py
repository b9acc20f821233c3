"""Version numbers: the one semantic-version pattern, parsing, and bumps.

The metadata lint accepts any semantic version in a working descriptor (SEMVER); a release takes
MAJOR.MINOR.PATCH only, without pre-release or build suffixes (parse_version).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import ReleaseError

if TYPE_CHECKING:
    from .descriptor import Package

PATCH, MINOR, MAJOR = "patch", "minor", "major"
LEVELS = (PATCH, MINOR, MAJOR)

# semver.org's own regular expression; ASCII, so that \d is 0-9 only. Groups 1-3 are the numbers,
# 4 the pre-release and 5 the build suffix.
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$",
    re.ASCII,
)


def parse_version(text: str, what: str = "VERSION") -> tuple[int, int, int]:
    """MAJOR.MINOR.PATCH as three integers, or ReleaseError saying what is wrong with it."""
    if not isinstance(text, str) or not text:
        raise ReleaseError(f"{what} is empty; give a semantic version like 1.2.3")
    m = SEMVER.match(text)
    if m and m[4] is None and m[5] is None:
        return int(m[1]), int(m[2]), int(m[3])
    if m:
        raise ReleaseError(f"{what} {text!r}: pre-release and build suffixes are not used for data releases; "
                           "give MAJOR.MINOR.PATCH, like 1.2.3")
    hint = ""
    if text[:1] in "vV":
        hint = f" without the leading {text[0]!r}"
    elif re.match(r"^[0-9]+(\.[0-9]+)?$", text):
        hint = " with all three numbers"
    elif re.match(r"^[0-9]+\.[0-9]+\.[0-9]+$", text):
        hint = " without leading zeros"
    raise ReleaseError(f"{what} {text!r} is not a semantic version; write MAJOR.MINOR.PATCH{hint}, like 1.2.3")


def bump_of(old: str, new: str) -> str | None:
    """The level by which new exceeds old (major, minor, patch), or None when it is not greater."""
    a, b = parse_version(old, "old version"), parse_version(new)
    if b <= a:
        return None
    if b[0] > a[0]:
        return MAJOR
    if b[1] > a[1]:
        return MINOR
    return PATCH


def next_version(old: str, level: str) -> str:
    major, minor, patch = parse_version(old, "old version")
    if level == MAJOR:
        return f"{major + 1}.0.0"
    if level == MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def require_version(pkg: Package) -> str:
    """The version a released package's descriptor states: ReleaseError when it has none or it is
    not MAJOR.MINOR.PATCH."""
    version = pkg.descriptor.get("version")
    if not version:
        raise ReleaseError(f"{pkg.descriptor_path}: the descriptor has no version; a released package must "
                           "say which version it is")
    parse_version(str(version), f"{pkg.descriptor_path.name} version")
    return str(version)
