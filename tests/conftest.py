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


# --------------------------------------------------------------------------- the real server

def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc, timeout: float = 120.0) -> None:
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"sco-data serve exited with {proc.returncode}; see its log")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"no answer from {url} within {timeout} s")


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """`sco-data serve` on a copy of the repository's package, on a free loopback port: the real
    command, the real Datasette. Yields the base URL."""
    import subprocess
    import sys

    pytest.importorskip("datasette", reason="the serve extra is not installed (pip install '.[serve]')")
    root = tmp_path_factory.mktemp("served")
    pkg = copy_package(ROOT, root / "pkg")
    port = free_port()
    env = {**os.environ, "SCO_DATA_CACHE": str(root / "cache")}
    sco = Path(sys.executable).parent / "sco-data"
    # The server's log goes to a file: a pipe nobody reads would fill up and stall the server.
    log = (root / "serve.log").open("w", encoding="utf-8")
    proc = subprocess.Popen([sco, "serve", "--package", str(pkg), "--port", str(port), "-q"], cwd=root, env=env,
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/-/versions.json", proc)
        yield {"base": base, "package": pkg, "root": root, "env": env, "proc": proc}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
