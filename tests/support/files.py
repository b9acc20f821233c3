"""Files compared before and after: to prove that nothing was written, or nothing left behind."""

from __future__ import annotations

import hashlib
from pathlib import Path


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes: compare before and after to prove nothing was written."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder by relative path, with its sha256."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in tree(folder).items()}


def leftovers(parent: Path) -> list[str]:
    """Temporary export folders left beside a target."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".exports-"))


def outside_file(tmp_path: Path) -> Path:
    """A real CSV beside the package folder, outside it, which nothing may read."""
    path = tmp_path / "outside" / "countries.csv"
    path.parent.mkdir()
    path.write_text("iso3,name\nCHN,China\n", encoding="utf-8")
    return path
