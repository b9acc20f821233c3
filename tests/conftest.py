"""Shared fixtures: real packages copied to a temporary folder, so tests may break them freely."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same examples every time, so that a red run can be reproduced and is never luck;
# elsewhere Hypothesis keeps exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "sample"


def copy_package(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "datapackage.json", dst / "datapackage.json")
    shutil.copytree(src / "data", dst / "data")
    return dst


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A small valid package (every table, a few rows) in a folder of its own."""
    return copy_package(SAMPLE, tmp_path / "sample")


@pytest.fixture
def repo_package(tmp_path: Path) -> Path:
    """The repository's own package, copied."""
    return copy_package(ROOT, tmp_path / "repo")
