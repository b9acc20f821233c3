"""sco_data.load(): DataFrames with the schema's dtypes, from a checkout or an installed wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pandas as pd
import pytest
from support import typed_rows

import sco_data
from sco_data import schema as sch
from sco_data.descriptor import load_package
from sco_data.errors import InvalidDataError, PackageError

ROOT = Path(__file__).resolve().parent.parent


def test_tables_lists_the_package(sample):
    assert sco_data.tables(sample) == [r.name for r in load_package(sample).resources]
    assert "members" in sco_data.tables()


def test_load_gives_schema_dtypes_and_values(sample):
    pkg = load_package(sample)
    for res in pkg.resources:
        df = sco_data.load(res.name, sample)
        assert list(df.columns) == res.field_names
        assert isinstance(df.index, pd.RangeIndex)
        for fdef in res.fields:
            col = df[fdef["name"]]
            want = sch.pandas_dtype(fdef)
            if want == "category":
                assert list(col.cat.categories) == sch.enum_values(fdef)
            else:
                assert col.dtype == pd.api.types.pandas_dtype(want) or str(col.dtype) == want, (fdef["name"], col.dtype)
        expected = typed_rows(pkg, res.name)
        got = [
            {k: (None if not isinstance(v, list) and pd.isna(v) else v) for k, v in row.items()}
            for row in df.astype(object).to_dict("records")
        ]
        assert got == expected, res.name


def test_load_members_dtypes(sample):
    df = sco_data.load("members", sample)
    assert str(df["founding_member"].dtype) == "boolean"
    assert str(df["joined_date"].dtype) == "date32[day][pyarrow]"
    assert str(df["iso3"].dtype) == "string"
    assert df["source_ids"].iloc[0] == ["katz-2008"]
    sources = sco_data.load("sources", sample)
    assert isinstance(sources["kind"].dtype, pd.CategoricalDtype)


def test_load_all(sample):
    frames = sco_data.load_all(sample)
    assert list(frames) == sco_data.tables(sample)
    assert all(isinstance(f, pd.DataFrame) for f in frames.values())


def test_load_unknown_table(sample):
    with pytest.raises(PackageError, match="no table named 'member'.*tables: countries, sources, members"):
        sco_data.load("member", sample)


def test_load_unreadable_table(sample):
    (sample / "data" / "countries.csv").write_text("iso3,name\n\"CHN,China\n", encoding="utf-8")
    with pytest.raises(InvalidDataError) as err:
        sco_data.load("countries", sample)
    assert err.value.problems and err.value.problems[0].file == "data/countries.csv"


def _copy_source(dst: Path) -> Path:
    """What a source distribution holds: enough to build the wheel, nothing from git."""
    dst.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "datapackage.json"):
        shutil.copy2(ROOT / name, dst / name)
    shutil.copytree(ROOT / "data", dst / "data")
    shutil.copytree(ROOT / "sco_data", dst / "sco_data", ignore=shutil.ignore_patterns("__pycache__", "_package"))
    return dst


@pytest.mark.install
def test_a_plain_install_carries_the_data(tmp_path):
    """`pip install .` (not editable) into a fresh virtualenv, then load from another folder.

    The fresh environment borrows this one's dependencies through a .pth line, appended after its
    own site-packages, so the test works offline and the sco_data imported is the installed one."""
    src = _copy_source(tmp_path / "src")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--no-index", str(src)],
        check=True, env=env, cwd=tmp_path,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(src)  # nothing may point back at the source tree
    code = (
        "import sco_data, pathlib; print(sco_data.__file__); print(sco_data.load('members')); "
        "print(sco_data.tables()); from sco_data.descriptor import default_descriptor; print(default_descriptor())"
    )
    result = subprocess.run([python, "-c", code], check=True, capture_output=True, text=True, cwd=elsewhere, env=env)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(site)
    assert "iso3" in result.stdout and "source_ids" in result.stdout
    assert lines[-1].startswith(site) and lines[-1].endswith("sco_data/_package/datapackage.json")
    installed = Path(site) / "sco_data" / "_package"
    assert (installed / "data" / "members.csv").read_bytes() == (ROOT / "data" / "members.csv").read_bytes()
    cli = subprocess.run([venv / "bin" / "sco-data", "validate", "--fast", "-q"], capture_output=True, text=True,
                         cwd=elsewhere, env=env)
    assert cli.returncode == 0, cli.stderr


def test_package_stays_a_function_after_the_toolkit_is_imported():
    """The descriptor module is not named `package`, so importing it cannot shadow sco_data.package()."""
    import sco_data
    import sco_data.descriptor  # noqa: F401  (what every command imports)

    pkg = sco_data.package()
    assert callable(sco_data.package)
    assert pkg.name == "sco-data"
    assert sco_data.tables() == [r.name for r in pkg.resources]
