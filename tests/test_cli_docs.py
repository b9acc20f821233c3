"""`sco-data docs`: the codebook, the timeline and the README blocks, generated and checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT
from support import snapshot

from sco_data.cli import cli
from sco_data.descriptor import load_package
from sco_data.docs import build_docs, stale_docs

README_TEMPLATE = """# Sample

Hand-written text before.

<!-- generated:version -->
old version text
<!-- /generated:version -->

Hand-written text between.

<!-- generated:tables -->
<!-- /generated:tables -->

Hand-written text after.
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def edit_line(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_docs_writes_dictionary_and_timeline_then_check_passes(sample):
    result = run("docs", "--package", str(sample))
    assert result.exit_code == 0, result.output
    assert "wrote docs/data-dictionary.md" in result.output
    codebook = (sample / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert "## members" in codebook
    assert "- Rows: 4" in codebook
    assert "- Primary key: `iso3`, `status`, `start_year`" in codebook
    assert "`accession_summit_id` → [summits](#summits) (`summit_id`)" in codebook
    assert "| `status` | string | yes |" in codebook
    assert "one of `observer`, `dialogue_partner`, `partner`" in codebook
    assert "| `source_ids` | list of string, separated by `;` | yes |" in codebook
    svg = (sample / "docs" / "membership-timeline.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg
    assert run("docs", "--package", str(sample), "--check").exit_code == 0


def test_every_column_of_the_repository_package_is_documented():
    """A codebook test: no table or column escapes the dictionary, and none lacks a description."""
    pkg = load_package(ROOT)
    codebook = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    sections = {s.split("\n", 1)[0]: s for s in codebook.split("\n## ")[1:]}
    for res in pkg.resources:
        assert res.name in sections, f"{res.name} is missing from the data dictionary"
        assert res.descriptor.get("description"), f"{res.name} has no description"
        for fdef in res.fields:
            assert fdef.get("description"), f"{res.name}.{fdef['name']} has no description"
            assert f"| `{fdef['name']}` |" in sections[res.name], f"{res.name}.{fdef['name']} is undocumented"


def test_repository_docs_are_up_to_date():
    stale = stale_docs(load_package(ROOT))
    assert not stale, f"run `sco-data docs`: {', '.join(p.name for p in stale)} out of date"


def test_same_data_same_bytes_across_processes(sample):
    assert run("docs", "--package", str(sample)).exit_code == 0
    first = snapshot(sample / "docs")
    # A second interpreter, so that nothing (hash seeds, ids, caches) carries over.
    proc = subprocess.run(
        [sys.executable, "-m", "sco_data.cli", "docs", "--package", str(sample), "--check"],
        capture_output=True, text=True, env={"PYTHONHASHSEED": "12345", "PATH": ""},
    )
    assert proc.returncode == 0, proc.stderr
    (sample / "docs" / "membership-timeline.svg").unlink()
    assert run("docs", "--package", str(sample)).exit_code == 0
    assert snapshot(sample / "docs") == first


def test_check_fails_after_a_row_is_edited_and_writes_nothing(sample):
    assert run("docs", "--package", str(sample)).exit_code == 0
    before = snapshot(sample)
    edit_line(sample / "data" / "members.csv", 5, "2001-06-15", "2001-06-16")
    before = snapshot(sample)
    result = run("docs", "--package", str(sample), "--check")
    assert result.exit_code == 1
    assert "docs/membership-timeline.svg: out of date; run `sco-data docs`" in result.output
    assert "data-dictionary.md" not in result.output  # a changed date changes no count
    assert snapshot(sample) == before


def test_check_names_the_codebook_when_a_row_is_added(sample):
    assert run("docs", "--package", str(sample)).exit_code == 0
    with (sample / "data" / "countries.csv").open("a", encoding="utf-8") as fh:
        fh.write("TJK,Tajikistan\n")
    result = run("docs", "--package", str(sample), "--check")
    assert result.exit_code == 1
    assert "docs/data-dictionary.md: out of date" in result.output


def test_check_names_missing_files(sample):
    result = run("docs", "--package", str(sample), "--check")
    assert result.exit_code == 1
    assert "docs/data-dictionary.md: out of date" in result.output
    assert not (sample / "docs").exists()


def test_out_folder(sample, tmp_path):
    out = tmp_path / "elsewhere"
    assert run("docs", "--package", str(sample), "--out", str(out)).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["data-dictionary.md", "membership-timeline.svg"]
    assert not (sample / "docs").exists()
    assert run("docs", "--package", str(sample), "--out", str(out), "--check").exit_code == 0


def test_zero_rows(sample):
    for csv in (sample / "data").glob("*.csv"):
        csv.write_text(csv.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    result = run("docs", "--package", str(sample))
    assert result.exit_code == 0, result.output
    codebook = (sample / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert "| [members](#members) | 0 | – |" in codebook
    assert (sample / "docs" / "membership-timeline.svg").stat().st_size > 1000
    assert run("docs", "--package", str(sample), "--check").exit_code == 0


def test_readme_blocks_are_filled_and_hand_written_text_kept(sample):
    (sample / "README.md").write_text(README_TEMPLATE, encoding="utf-8")
    assert run("docs", "--package", str(sample)).exit_code == 0
    text = (sample / "README.md").read_text(encoding="utf-8")
    for kept in ("Hand-written text before.", "Hand-written text between.", "Hand-written text after."):
        assert kept in text
    assert "old version text" not in text
    assert "**Version 0.1.0**, released 2026-11-28." in text
    assert "[Creative Commons Attribution 4.0 (CC-BY-4.0)](https://creativecommons.org/licenses/by/4.0/)" in text
    assert "| [members](docs/data-dictionary.md#members) | 4 | 1996–2001 |" in text
    assert "13 tables, 194 rows in all." in text

    descriptor = sample / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["version"] = "0.2.0"
    descriptor.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = run("docs", "--package", str(sample), "--check")
    assert result.exit_code == 1
    assert "README.md: out of date" in result.output


def test_readme_command_reference_is_generated_from_the_commands_and_checked(sample, monkeypatch):
    (sample / "README.md").write_text(
        "# Sample\n\n<!-- generated:commands -->\na stale synopsis\n<!-- /generated:commands -->\n", encoding="utf-8"
    )
    assert run("docs", "--package", str(sample)).exit_code == 0
    text = (sample / "README.md").read_text(encoding="utf-8")
    assert "a stale synopsis" not in text
    for name in cli.commands:
        assert f"### sco-data {name}\n\n    Usage: sco-data {name} [OPTIONS]" in text
    assert run("docs", "--package", str(sample), "--check").exit_code == 0

    monkeypatch.setattr(cli.commands["export"], "help", "A new help text.")
    result = run("docs", "--package", str(sample), "--check")
    assert result.exit_code == 1
    assert "README.md: out of date" in result.output


def test_readme_with_a_broken_marker_is_refused_and_nothing_written(sample):
    (sample / "README.md").write_text("# Sample\n\n<!-- generated:tables -->\nno end marker\n", encoding="utf-8")
    before = snapshot(sample)
    result = run("docs", "--package", str(sample))
    assert result.exit_code == 1
    assert ("README.md: needs exactly one <!-- generated:tables --> followed by one <!-- /generated:tables -->"
            in result.output)
    assert "Traceback" not in result.output
    assert snapshot(sample) == before


def test_citation_version_follows_the_descriptor(sample):
    (sample / "CITATION.cff").write_text(
        (ROOT / "CITATION.cff").read_text(encoding="utf-8").replace('version: "', 'version: "9'), encoding="utf-8"
    )
    result = run("docs", "--package", str(sample), "--check")
    assert "CITATION.cff: out of date" in result.output
    assert run("docs", "--package", str(sample)).exit_code == 0
    assert 'version: "0.1.0"' in (sample / "CITATION.cff").read_text(encoding="utf-8")


def test_invalid_data_is_refused_with_its_problems(sample):
    edit_line(sample / "data" / "members.csv", 2, "2001-06-15", "15/06/2001")
    before = snapshot(sample)
    result = run("docs", "--package", str(sample))
    assert result.exit_code == 1
    assert "data/members.csv:2:joined_date: [type] '15/06/2001' is not a valid date" in result.output
    assert "the package is invalid; fix it before generating docs" in result.output
    assert snapshot(sample) == before


def test_missing_package_is_a_message_not_a_traceback(tmp_path):
    result = run("docs", "--package", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert f"{tmp_path / 'nowhere'}:" in result.output and "datapackage.json" in result.output
    assert "Traceback" not in result.output


def test_build_docs_leaves_out_readme_and_citation_the_package_lacks(sample):
    files = build_docs(load_package(sample))
    assert sorted(p.name for p in files) == ["data-dictionary.md", "membership-timeline.svg", "sco_status_years.csv"]


def test_without_matplotlib_the_message_says_what_to_install(sample, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if the docs extra were not installed
    result = run("docs", "--package", str(sample))
    assert result.exit_code == 1
    assert "drawing the timeline needs matplotlib: pip install 'sco-data[docs]'" in result.output
    assert not (sample / "docs").exists()


def test_nothing_to_write_is_said(sample):
    assert run("docs", "--package", str(sample)).exit_code == 0
    result = run("docs", "--package", str(sample))
    assert result.exit_code == 0
    assert "nothing written" in result.output
    assert "up to date" in run("docs", "--package", str(sample), "--check").output
