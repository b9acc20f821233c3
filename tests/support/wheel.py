"""A plain (not editable) install of the toolkit into a fresh virtualenv, built from a copy of
the source. The environment borrows this one's dependencies through a .pth line appended after
its own site-packages, so it works offline and the sco_data it imports is the installed one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Installed:
    python: Path
    bin_dir: Path
    site: str  # the venv's site-packages, where sco_data is installed
    env: dict


def copy_source(dst: Path) -> Path:
    """What a source distribution holds: enough to build the wheel, nothing from git."""
    dst.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "datapackage.json"):
        shutil.copy2(ROOT / name, dst / name)
    shutil.copytree(ROOT / "data", dst / "data")
    shutil.copytree(ROOT / "sco_data", dst / "sco_data", ignore=shutil.ignore_patterns("__pycache__", "_package"))
    return dst


def install_wheel(folder: Path) -> Installed:
    """Build and install the toolkit into folder/venv; the source copy is removed afterwards, so
    nothing can point back at it."""
    src = copy_source(folder / "src")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", str(src)], check=True, env=env, cwd=folder)
    shutil.rmtree(src)
    return Installed(python, venv / "bin", site, env)
