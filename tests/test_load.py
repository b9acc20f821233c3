"""sco_data.load(): DataFrames with the schema's dtypes, from a checkout or an installed wheel."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest
from support import typed_rows
from support.wheel import install_wheel

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


@pytest.mark.install
def test_a_plain_install_carries_the_data(tmp_path):
    """`pip install .` (not editable) into a fresh virtualenv (support.wheel), then load from
    another folder."""
    wheel = install_wheel(tmp_path)
    python, site, env = wheel.python, wheel.site, wheel.env
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
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
    cli = subprocess.run([wheel.bin_dir / "sco-data", "validate", "--fast", "-q"], capture_output=True, text=True,
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
