"""Every command and code snippet in the README runs, against a copy of the repository.

Each fenced block marked ```sh or ```python is one test, run in README order inside one
temporary copy of the repository (data, descriptor, docs, exports and the sco_data package
itself, first on PYTHONPATH, so that commands without a path act on the copy, never on the
repository). Only `make` lines are skipped, by design: `make test` is what runs this suite
(running it here would recurse), and `make build` reinstalls the virtualenv, which a test must
not do. CI runs `make test` on a fresh clone, and the steps of `make build` (validate, export) are
run by blocks below. A block using a `sco-data` command whose `--help` fails does not skip but
fails: the README documents a command the toolkit does not have.
One substitution: the maintainers' `VERSION=` line is set to the next minor version of the copy,
since the README's example version is one the repository may already have released.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT

README = ROOT / "README.md"
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
RUNNABLE = {"sh", "python"}
COPY = ["datapackage.json", "data", "sco_data", "docs", "exports", "reference", "README.md", "CITATION.cff",
        "CHANGELOG.md", "LICENSE", "pyproject.toml"]
IGNORE = shutil.ignore_patterns("__pycache__", "_package", "latest", ".exports-*", "*.egg-info")
TIMEOUT = 300


def blocks() -> list[tuple[int, str, str]]:
    text = README.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1).strip(), m.group(2)) for m in FENCE.finditer(text)]


def block_id(block) -> str:
    line, lang, code = block
    first = next((ln.strip() for ln in code.splitlines() if ln.strip() and not ln.startswith("#")), "")
    return f"line{line}-{lang}-{re.sub(r'[^a-zA-Z0-9]+', '_', first)[:30].strip('_')}"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("readme") / "repo"
    root.mkdir()
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=IGNORE)
        elif src.is_file():
            shutil.copy2(src, root / name)
    env = dict(os.environ)
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(root),
        GIT_AUTHOR_NAME="README test", GIT_AUTHOR_EMAIL="readme@example.org",
        GIT_COMMITTER_NAME="README test", GIT_COMMITTER_EMAIL="readme@example.org",
    )
    probe = subprocess.run(
        [sys.executable, "-c", "import sco_data.descriptor as p; print(p.default_descriptor())"],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    )
    # Commands run without a path: they must find the copy, or they would write into the repository.
    assert Path(probe.stdout.strip()).resolve() == (root / "datapackage.json").resolve(), probe.stdout
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "copy"]):
        subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True)
    ws = {"root": root, "env": env}
    subprocess.run(["sco-data", "export", "--out", "exports/latest"], cwd=root, env=env, check=True,
                   capture_output=True)
    return ws


def available(ws: dict, command: str) -> bool:
    return _available(str(ws["root"]), command, tuple(sorted(ws["env"].items())))


@cache
def _available(root: str, command: str, env: tuple) -> bool:
    proc = subprocess.run(["sco-data", command, "--help"], cwd=root, env=dict(env), capture_output=True)
    return proc.returncode == 0


def next_minor(root: Path) -> str:
    major, minor, _ = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"].split(".")
    return f"{major}.{int(minor) + 1}.0"


def run_checked(args: list[str], ws: dict) -> None:
    proc = subprocess.run(args, cwd=ws["root"], env=ws["env"], capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, f"exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"


def test_every_block_is_a_runnable_language():
    found = blocks()
    assert found, "the README has no fenced blocks"
    for line, lang, _ in found:
        assert lang in RUNNABLE, f"README.md:{line}: block marked {lang!r}; mark it sh or python so that it is run"


def test_quick_start_is_the_two_make_commands():
    sh = [code for _, lang, code in blocks() if lang == "sh"]
    assert any(
        [ln.split("#")[0].strip() for ln in code.splitlines() if ln.strip()] == ["make build", "make test"]
        for code in sh
    )


@pytest.mark.parametrize("block", blocks(), ids=block_id)
def test_block_runs(block, workspace):
    line, lang, code = block
    if lang == "sh":
        lines = [ln for ln in code.splitlines() if not re.match(r"\s*make\b", ln)]
        if not any(ln.strip() and not ln.lstrip().startswith("#") for ln in lines):
            pytest.skip("make targets are not run here: `make test` runs this suite and CI runs it on a fresh clone")
        for command in sorted(set(re.findall(r"\bsco-data\s+([a-z]+)", "\n".join(lines)))):
            assert available(workspace, command), f"README.md:{line}: `sco-data {command} --help` fails"
        script = "\n".join(lines)
        script = re.sub(r"(?m)^VERSION=\S+$", f"VERSION={next_minor(workspace['root'])}", script)
        run_checked(["bash", "-euo", "pipefail", "-c", script], workspace)
    else:
        run_checked([sys.executable, "-c", code], workspace)


# ---------------------------------------------------------------------------------------------
# The environment `make build` leaves: what the blocks above need must be installed by it, not
# only by `make test`, and the README must say how to use it.

# What a README block needs beyond the toolkit's own dependencies, by what it runs.
_NEEDS_BY_COMMAND = {"docs": "matplotlib", "release": "matplotlib", "serve": "datasette"}


def _requirement_names(specs: list[str], extras: dict) -> set[str]:
    names = set()
    for spec in specs:
        name = re.match(r"[A-Za-z0-9_.-]+", spec)[0].lower()
        inner = re.match(r"sco-data\[([^\]]+)\]", spec)
        if inner:
            for extra in inner.group(1).split(","):
                names |= _requirement_names(extras[extra.strip()], extras)
        else:
            names.add(name)
    return names


def _installed_by_make_build() -> set[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^\$\(STAMP\):.*?\n((?:\t.*\n)+)", makefile, re.M)[1]
    chosen = re.search(r"-e '?\.\[([^\]]*)\]'?", rule)
    wanted = [f"sco-data[{chosen[1]}]"] if chosen else []
    return _requirement_names(project["dependencies"] + wanted, extras)


def _needed_by_the_readme() -> dict[str, int]:
    import ast

    needed: dict[str, int] = {}
    for line, lang, code in blocks():
        if lang == "python":
            for node in ast.walk(ast.parse(code)):
                modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                           else [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
                for module in modules:
                    top = module.split(".")[0]
                    if top not in sys.stdlib_module_names and top != "sco_data":
                        needed.setdefault(top, line)
        else:
            for command in re.findall(r"\bsco-data\s+([a-z]+)", code):
                if command in _NEEDS_BY_COMMAND:
                    needed.setdefault(_NEEDS_BY_COMMAND[command], line)
    return needed


def test_make_build_installs_what_every_block_needs():
    installed = _installed_by_make_build()
    missing = {f"{name} (README.md:{line})" for name, line in _needed_by_the_readme().items()
               if name.lower() not in installed}
    assert missing == set()
    assert {"polars", "duckdb", "matplotlib"} <= installed


def test_the_readme_says_how_to_use_the_environment():
    text = README.read_text(encoding="utf-8")
    quick_start = text[text.index("## Quick start"):text.index("\n## ", text.index("## Quick start") + 1)]
    assert ". .venv/bin/activate" in quick_start and ".venv/bin/sco-data" in quick_start
