"""`sco-data export` as a person runs it."""

from __future__ import annotations

import json

from click.testing import CliRunner
from support import leftovers, snapshot

from sco_data.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_export_writes_every_format_beside_the_package(sample):
    result = run("export", "--package", str(sample))
    assert result.exit_code == 0, result.output
    out = sample / "exports" / "latest"
    assert sorted(p.name for p in out.iterdir()) == ["json", "parquet", "sco.sqlite", "sco.xlsx"]
    assert "sco-data-sample 0.1.0" in result.output and "all formats" in result.output
    assert "…" not in result.output  # progress only on a terminal


def test_export_to_a_chosen_folder_and_formats(sample, tmp_path):
    out = tmp_path / "here"
    result = run("export", "--package", str(sample / "datapackage.json"), "--out", str(out),
                 "--format", "sqlite", "--format", "json", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert sorted(p.name for p in out.iterdir()) == ["json", "sco.sqlite"]


def test_export_refuses_invalid_data_and_writes_nothing(sample, tmp_path):
    out = tmp_path / "out"
    assert run("export", "--package", str(sample), "--out", str(out)).exit_code == 0
    before = snapshot(out)
    path = sample / "data" / "summits.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    cells = text[1].split(",")
    cells[header.index("year")] = "twenty"
    text[1] = ",".join(cells)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = run("export", "--package", str(sample), "--out", str(out))
    assert result.exit_code == 1
    assert "data/summits.csv:2:year: [type] 'twenty' is not a valid year" in result.output
    assert "nothing was written" in result.output
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_export_unknown_format_is_a_usage_error(sample):
    result = run("export", "--package", str(sample), "--format", "xls")
    assert result.exit_code == 2
    assert "'xls' is not one of 'parquet', 'json', 'sqlite'" in result.output


def test_export_missing_package(tmp_path):
    result = run("export", "--package", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "[descriptor-missing] no such file" in result.output
    assert "Traceback" not in result.output


def test_export_to_a_file_is_refused(sample, tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    result = run("export", "--package", str(sample), "--out", str(target / "sub"))
    assert result.exit_code == 1
    assert "cannot create" in result.output
    assert target.read_text() == "x"


def test_export_help_names_the_formats():
    result = run("export", "--help")
    assert result.exit_code == 0
    assert "parquet|json|sqlite" in result.output


def test_exported_json_descriptor_is_loadable(sample, tmp_path):
    from sco_data.descriptor import load_package

    out = tmp_path / "out"
    assert run("export", "--package", str(sample), "--out", str(out), "-q", "--format", "json").exit_code == 0
    pkg = load_package(out / "json")
    assert all(r.path.is_file() for r in pkg.resources)
    assert json.loads((out / "json" / "members.json").read_text())[0]["iso3"] == "CHN"


def test_validate_and_export_do_not_import_pandas(sample, tmp_path):
    """pandas costs 0.3 s and 40 MB to import and these commands do not need it (the SQLite
    writer does import it, through numpy conversions that repay it many times over)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sco_data.cli import cli\n"
        "for args in (['validate', '--fast', '-q', sys.argv[1]],\n"
        "             ['export', '--package', sys.argv[1], '--out', sys.argv[2], '-q',\n"
        "              '--format', 'parquet', '--format', 'json']):\n"
        "    try:\n"
        "        cli(args)\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code in (0, None), exc.code\n"
        "print('pandas' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(sample), str(tmp_path / "out")],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
    assert (tmp_path / "out" / "parquet" / "members.parquet").is_file()


def test_a_plain_frictionless_package_exports_with_warnings(tmp_path):
    """No version, no licence, no $schema, no descriptions: stock Frictionless accepts it, and so
    does export, printing what a published package should add."""
    import frictionless

    pkg = tmp_path / "plain"
    (pkg / "data").mkdir(parents=True)
    (pkg / "data" / "cities.csv").write_text("id,name,founded\n1,Shanghai,1291-01-01\n2,Astana,1830-05-07\n")
    (pkg / "datapackage.json").write_text(json.dumps({
        "name": "plain",
        "resources": [{"name": "cities", "path": "data/cities.csv", "schema": {"fields": [
            {"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
            {"name": "founded", "type": "date"}]}}],
    }))
    assert frictionless.validate(str(pkg / "datapackage.json")).valid
    result = CliRunner().invoke(cli, ["export", "--package", str(pkg), "--out", str(tmp_path / "out"),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "[metadata-version] warning: no version" in result.stderr
    assert "[metadata-description] warning: no description" in result.stderr
    assert json.loads((tmp_path / "out" / "json" / "cities.json").read_text())[1]["founded"] == "1830-05-07"
    strict = CliRunner().invoke(cli, ["validate", "--strict", str(pkg)])
    assert strict.exit_code == 1 and "invalid" in strict.stderr
