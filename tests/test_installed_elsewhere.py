"""sco-data installed from one folder, used in another: every command acts on the package the
user stands in (the nearest datapackage.json upwards) and names it; versions agree everywhere.

A wheel is built from a copy of the source and installed into a fresh virtualenv that borrows
this environment's dependencies (offline), as in test_load. The clone the commands run in is a
copy of the repository's package with its releases, edited so that its data differs from the copy
the wheel carries."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support.wheel import install_wheel

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.install


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv bin folder, environment) of a plain, non-editable install built from a copy."""
    installed = install_wheel(tmp_path_factory.mktemp("installed"))
    return installed.bin_dir, installed.env


@pytest.fixture
def clone(tmp_path) -> Path:
    """A working copy of the package with its releases and docs, one cell edited."""
    dst = tmp_path / "clone"
    dst.mkdir()
    for name in ("datapackage.json", "README.md", "CITATION.cff", "CHANGELOG.md"):
        shutil.copy2(ROOT / name, dst / name)
    for folder in ("data", "docs", "LICENSES"):
        shutil.copytree(ROOT / folder, dst / folder)
    shutil.copytree(ROOT / "exports", dst / "exports", ignore=shutil.ignore_patterns("latest"))
    return dst


def run(bin_dir: Path, env: dict, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([bin_dir / "sco-data", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_versions_agree(installed):
    bin_dir, env = installed
    data_version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    code = "import importlib.metadata as m, sco_data; print(m.version('sco-data')); print(sco_data.__version__)"
    out = subprocess.run([bin_dir / "python", "-c", code], capture_output=True, text=True, check=True, env=env,
                         cwd=bin_dir).stdout.split()
    assert out == [data_version, data_version]
    assert run(bin_dir, env, bin_dir, "--version").stdout == f"sco-data, version {data_version}\n"


def test_validate_acts_on_the_package_it_stands_in(installed, clone):
    bin_dir, env = installed
    inside = clone / "data"
    ok = run(bin_dir, env, inside, "validate", "--fast")
    assert ok.returncode == 0, ok.stderr
    assert "(../datapackage.json): " in ok.stderr and ok.stderr.endswith(", valid\n")
    # An edit in the clone is seen: the installed copy's own data would still be valid.
    members = clone / "data" / "members.csv"
    members.write_text(members.read_text(encoding="utf-8").replace(",2017-06-09,", ",2017-06-31,", 1), encoding="utf-8")
    bad = run(bin_dir, env, inside, "validate", "--fast")
    assert bad.returncode == 1
    assert "data/members.csv:" in bad.stdout and "'2017-06-31' is not a valid date" in bad.stdout
    assert "(../datapackage.json): " in bad.stderr


def test_export_writes_beside_the_package_it_stands_in(installed, clone):
    bin_dir, env = installed
    members = clone / "data" / "members.csv"
    members.write_text(members.read_text(encoding="utf-8").replace("Admitted on", "Admitted, in the clone, on", 1),
                       encoding="utf-8")
    result = run(bin_dir, env, clone / "docs", "export", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "(../datapackage.json): " in result.stderr
    written = json.loads((clone / "exports" / "latest" / "json" / "members.json").read_text(encoding="utf-8"))
    assert any("in the clone" in (row["notes"] or "") for row in written)


def test_docs_check_acts_on_the_clone(installed, clone):
    bin_dir, env = installed
    assert run(bin_dir, env, clone, "docs", "--check").returncode == 0
    countries = clone / "data" / "countries.csv"
    # A state with no codes but its sources: every column of the crosswalk but iso3, name and
    # source_ids may be empty.
    header = countries.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    row = {"iso3": "ZZZ", "name": "Zedland", "source_ids": "katz-2008"}
    countries.write_text(countries.read_text(encoding="utf-8") + ",".join(row.get(h, "") for h in header) + "\n",
                         encoding="utf-8")
    stale = run(bin_dir, env, clone, "docs", "--check")
    assert stale.returncode == 1
    assert "out of date" in stale.stderr


def test_versions_resolve_against_the_clone(installed, clone):
    bin_dir, env = installed
    released = sorted(p.name for p in (clone / "exports").iterdir() if (p / "SHA256SUMS").is_file())
    old, new = released[0], released[-1]
    diff = run(bin_dir, env, clone / "data", "diff", old, new)
    assert diff.returncode == 0, diff.stderr
    assert f"({os.path.join('..', 'datapackage.json')}): versions from ../exports" in diff.stderr
    verify = run(bin_dir, env, clone / "data", "verify", new)
    assert verify.returncode == 0, verify.stderr
    assert f"release {new} is ../exports/{new}" in verify.stdout


def test_outside_any_package_the_bundled_copy_is_used_and_named(installed, tmp_path):
    bin_dir, env = installed
    result = run(bin_dir, env, tmp_path, "validate", "--fast")
    assert result.returncode == 0, result.stderr
    assert "the copy bundled with sco_data, " in result.stderr and "_package/datapackage.json" in result.stderr
