"""Versioned snapshots on a temporary copy of the sample package: the full cycle, every refusal
(with nothing written), integrity checked by stock Frictionless, and byte-identical rebuilds."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT
from support import (
    add_rows,
    delete_rows,
    drop_column,
    load_descriptor,
    save_descriptor,
    set_cell,
    tree,
)

import sco_data.release as rel
from sco_data.descriptor import load_package
from sco_data.errors import InvalidDataError, ReleaseError
from sco_data.release import diff_packages, release, resolve, verify

CHANGELOG = """# Changelog

Intro text.

## [Unreleased]

### Added
- `sco-data release`: versioned snapshots.

### Fixed
- A fix worth noting.
"""


@pytest.fixture
def pkg(sample: Path) -> Path:
    (sample / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    return sample


def cut(pkg: Path, version: str, day: str = "2026-11-28", **kw):
    return release(load_package(pkg), version, created=day, frictionless=False, **kw)


def test_first_release_builds_a_complete_verifiable_snapshot(pkg):
    result = cut(pkg, "0.1.0")
    snap = pkg / "exports" / "0.1.0"
    assert result.snapshot == snap and result.previous is None
    assert result.tag_command == 'git tag -a v0.1.0 -m "sco-data-sample 0.1.0"'

    names = set(rel._files(snap))
    tables = [r["name"] for r in load_descriptor(pkg)["resources"]]
    assert {"datapackage.json", "SHA256SUMS", "sco-data-sample-0.1.0.zip"} <= names
    assert {f"csv/{t}.csv" for t in tables} <= names
    assert {f"parquet/{t}.parquet" for t in tables} <= names
    assert any(n.startswith("json/") for n in names) and any(n.endswith((".sqlite", ".db")) for n in names)
    # The codebook for this version; the sample has no outside register, so no reconciliation.
    assert {n for n in names if n.startswith("docs/")} == {"docs/data-dictionary.md"}
    assert "Version 0.1.0" in (snap / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    # The released CSVs are the working files byte for byte.
    for t in tables:
        assert (snap / "csv" / f"{t}.csv").read_bytes() == (pkg / "data" / f"{t}.csv").read_bytes()
    # Parquet read back holds the rows.
    assert pq.read_table(snap / "parquet" / "countries.parquet").num_rows == 5

    desc = load_descriptor(snap)
    assert desc["version"] == "0.1.0" and desc["created"] == "2026-11-28T00:00:00Z"
    countries = next(r for r in desc["resources"] if r["name"] == "countries")
    data = (snap / "csv" / "countries.csv").read_bytes()
    assert countries["path"] == "csv/countries.csv"
    assert countries["bytes"] == len(data)
    assert countries["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    # The working descriptor gets version and created, never bytes or hash.
    working = load_descriptor(pkg)
    assert working["version"] == "0.1.0" and working["created"] == "2026-11-28T00:00:00Z"
    assert not any("hash" in r or "bytes" in r for r in working["resources"])

    # SHA256SUMS covers every file, in sha256sum's own format.
    sums = (snap / "SHA256SUMS").read_text().splitlines()
    assert sorted(line.split("  ", 1)[1] for line in sums) == sorted(names - {"SHA256SUMS"})
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=snap, check=True)

    # The index points at the release.
    index = json.loads((pkg / "exports" / "releases.json").read_text())
    assert index["latest"] == "0.1.0"
    assert index["releases"][0]["zip"] == "0.1.0/sco-data-sample-0.1.0.zip"
    assert "[0.1.0](0.1.0/)" in (pkg / "exports" / "README.md").read_text()

    verify(snap, rebuild=True)


def test_snapshot_zip_is_deterministic_and_complete(pkg):
    cut(pkg, "0.1.0")
    snap = pkg / "exports" / "0.1.0"
    with zipfile.ZipFile(snap / "sco-data-sample-0.1.0.zip") as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        inner = {n.split("/", 1)[1] for n in names}
        assert inner == set(rel._files(snap)) - {"sco-data-sample-0.1.0.zip"}
        assert zf.read("sco-data-sample-0.1.0/csv/countries.csv") == (snap / "csv" / "countries.csv").read_bytes()
        # The zipped SHA256SUMS verifies the unzipped folder on its own.
        out = pkg / "unzipped"
        zf.extractall(out)
    verify(out / "sco-data-sample-0.1.0")


def test_frictionless_checks_the_integrity_of_a_snapshot(pkg):
    import frictionless

    cut(pkg, "0.1.0")
    snap = pkg / "exports" / "0.1.0"
    assert frictionless.validate(str(snap / "datapackage.json")).valid
    path = snap / "csv" / "countries.csv"
    path.write_bytes(path.read_bytes().replace(b"China", b"Chine"))
    report = frictionless.validate(str(snap / "datapackage.json"))
    assert not report.valid
    assert "hash-count" in {e.type for task in report.tasks for e in task.errors}


def test_full_cycle_release_change_release_diff_verify_tamper(pkg):
    cut(pkg, "0.1.0")
    add_rows(pkg, "countries", ["IND", "India"])
    set_cell(pkg, "military_exercises", "peace-mission-2007", "troops_total", "6500")
    delete_rows(pkg, "georgia_positions", "CHN")
    result = cut(pkg, "0.2.0", "2026-12-01")
    assert result.previous == "0.1.0" and result.required == "minor"

    exports = pkg / "exports"
    d = diff_packages(resolve("0.1.0", exports), resolve("0.2.0", exports))
    by_name = {t.name: t for t in d.tables}
    assert by_name["countries"].added == [("IND",)]
    assert by_name["georgia_positions"].removed == [("CHN",)]
    assert by_name["military_exercises"].changed[0].cells == {"troops_total": (6000, 6500)}

    # The changelog: Unreleased emptied, its entries and the data changes under the new section.
    text = (pkg / "CHANGELOG.md").read_text()
    head, rest = text.split("## [0.2.0] - 2026-12-01\n", 1)
    assert head.endswith("## [Unreleased]\n\n")
    section = rest.split("## [0.1.0]", 1)[0]
    # The data's changes (computed) under ### Data, the software's (written) under ### Toolkit.
    assert section.startswith("\n### Data\n\n#### Added\n- `countries`: 1 row: `IND`.\n")
    assert "#### Changed\n- `military_exercises`: 1 row changed: `peace-mission-2007` (troops_total).\n" in section
    assert "#### Removed\n- `georgia_positions`: 1 row: `CHN`.\n" in section
    assert "### Toolkit" not in section
    first = rest.split("## [0.1.0] - 2026-11-28\n", 1)[1]
    data, toolkit = first.split("### Toolkit\n", 1)
    assert "- `countries`: new table, 5 rows: `CHN`, `KAZ`, `MNG`, `RUS`, `UZB`." in data
    assert "#### Added\n- `sco-data release`: versioned snapshots.\n" in toolkit
    assert "#### Fixed\n- A fix worth noting." in toolkit

    index = json.loads((exports / "releases.json").read_text())
    assert index["latest"] == "0.2.0" and [r["version"] for r in index["releases"]] == ["0.2.0", "0.1.0"]

    for v in ("0.1.0", "0.2.0"):
        verify(exports / v, rebuild=True)

    snap = exports / "0.2.0"
    (snap / "csv" / "countries.csv").write_text("iso3,name\nCHN,China\n")
    (snap / "json" / "members.json").unlink()
    (snap / "notes.txt").write_text("extra")
    with pytest.raises(ReleaseError) as exc:
        verify(snap)
    found = {(p.file, p.rule) for p in exc.value.problems}
    assert found == {("csv/countries.csv", "checksum"), ("json/members.json", "file-missing"),
                     ("notes.txt", "file-extra")}


def test_rebuild_catches_an_export_that_checksums_alone_would_pass(pkg):
    cut(pkg, "0.1.0")
    snap = pkg / "exports" / "0.1.0"
    target = snap / "parquet" / "countries.parquet"
    table = pq.read_table(target)
    pq.write_table(table.slice(0, 4), target)
    # Whoever tampered also rewrote SHA256SUMS: the checksums agree, the rebuild does not.
    sums = (snap / "SHA256SUMS").read_text().splitlines()
    fixed = [f"{rel.sha256_file(target)}  parquet/countries.parquet" if line.endswith("  parquet/countries.parquet")
             else line for line in sums]
    (snap / "SHA256SUMS").write_text("\n".join(fixed) + "\n")
    verify(snap)
    with pytest.raises(ReleaseError, match="rebuild differs") as exc:
        verify(snap, rebuild=True)
    # SHA256SUMS is not content: the checksums were recomputed first, file by file.
    assert [p.file for p in exc.value.problems] == ["parquet/countries.parquet"]


def test_verify_refuses_a_folder_without_checksums_or_version(pkg):
    with pytest.raises(ReleaseError, match="no SHA256SUMS"):
        verify(pkg)
    with pytest.raises(ReleaseError, match="no such snapshot folder"):
        verify(pkg / "exports" / "9.9.9")
    cut(pkg, "0.1.0")
    snap = pkg / "exports" / "0.1.0"
    desc = load_descriptor(snap)
    del desc["version"]
    save_descriptor(snap, desc)
    with pytest.raises(ReleaseError) as exc:
        verify(snap)
    rules = {(p.file, p.rule) for p in exc.value.problems}
    assert ("datapackage.json", "checksum") in rules and ("datapackage.json", "descriptor") in rules
    assert any("has no version" in p.message for p in exc.value.problems)


def test_resolve_refuses_unknown_versions_and_versionless_descriptors(pkg):
    cut(pkg, "0.1.0")
    with pytest.raises(ReleaseError, match=r"unknown version 0\.3\.0: .*released: 0\.1\.0"):
        resolve("0.3.0", pkg / "exports")
    with pytest.raises(ReleaseError, match="not a version number"):
        resolve("newest", pkg / "exports")
    desc = load_descriptor(pkg)
    del desc["version"]
    save_descriptor(pkg, desc)
    with pytest.raises(ReleaseError, match="the descriptor has no version"):
        resolve(str(pkg), pkg / "exports")


# --- refusals: exit 1 and nothing written ------------------------------------------------------

def refused(pkg: Path, version: str, error=ReleaseError, match: str | None = None, **kw) -> str:
    before = tree(pkg)
    with pytest.raises(error, match=match) as exc:
        cut(pkg, version, **kw)
    assert tree(pkg) == before, "a refused release wrote something"
    return str(exc.value)


@pytest.mark.parametrize("version", ["v1", "1.0", "01.2.3", "1.2", "0.2.0-beta", ""])
def test_bad_version_strings_are_refused(pkg, version):
    refused(pkg, version)


def test_invalid_package_is_refused(pkg):
    set_cell(pkg, "countries", "CHN", "iso3", "china")
    before = tree(pkg)
    with pytest.raises(InvalidDataError, match="the package is invalid") as exc:
        cut(pkg, "0.1.0")
    assert any(p.rule == "pattern" for p in exc.value.problems)
    assert tree(pkg) == before


def test_version_smaller_than_current_or_released_is_refused(pkg):
    refused(pkg, "0.0.9", match="smaller than the current version 0.1.0")
    cut(pkg, "0.1.0")
    refused(pkg, "0.1.0", match=r"exports/0\.1\.0/ already exists")
    refused(pkg, "0.0.5", match="not greater than the latest release 0.1.0")


def test_existing_target_folder_is_never_written_into(pkg):
    (pkg / "exports" / "0.1.0").mkdir(parents=True)
    refused(pkg, "0.1.0", match="already exists; a released snapshot is never rewritten")


def test_too_small_a_bump_is_refused_with_reasons(pkg):
    cut(pkg, "0.1.0")
    drop_column(pkg, "summits", "notes")
    add_rows(pkg, "countries", ["IND", "India"])
    message = refused(pkg, "0.2.0", match="need MAJOR")
    assert "`summits.notes`: field removed" in message
    refused(pkg, "0.1.1", match="0.1.1 is a PATCH release")
    cut(pkg, "1.0.0")


def test_bad_date_is_refused(pkg):
    refused(pkg, "0.1.0", day="28/11/2026", match="is not a date")


def test_failure_half_way_leaves_nothing(pkg, monkeypatch):
    before = tree(pkg)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # The last step before the snapshot moves into place: everything has been built by then.
    monkeypatch.setattr(rel, "plan_index", boom)
    with pytest.raises(RuntimeError):
        cut(pkg, "0.1.0")
    after = tree(pkg)
    assert {k: v for k, v in after.items() if not k.startswith("exports/")} == {
        k: v for k, v in before.items() if not k.startswith("exports/")}
    assert not (pkg / "exports").exists()


def test_first_release_with_many_rows_counts_instead_of_listing(pkg):
    codes = [f"Q{a}{b}" for a in "ABCDEFG" for b in "ABCDE"][:31]
    add_rows(pkg, "countries", *[[c, f"Country {c}"] for c in codes])
    cut(pkg, "0.1.0")
    text = (pkg / "CHANGELOG.md").read_text()
    assert "- `countries`: new table, 36 rows.\n" in text
    assert "QAA" not in text


def test_changelog_without_unreleased_section_gets_one(pkg):
    (pkg / "CHANGELOG.md").write_text("# Changelog\n\n## [0.0.1] - 2020-01-01\n\n- Old.\n")
    cut(pkg, "0.1.0")
    text = (pkg / "CHANGELOG.md").read_text()
    assert text.index("## [Unreleased]") < text.index("## [0.1.0] - 2026-11-28") < text.index("## [0.0.1]")


def test_the_repository_package_releases_and_rebuilds(repo_package):
    """The real package, on a copy: what the lead will cut as the first release."""
    shutil.copytree(ROOT / "reference", repo_package / "reference")
    version = load_descriptor(repo_package)["version"]
    result = release(load_package(repo_package), version, created="2026-11-28", frictionless=False)
    verify(result.snapshot, rebuild=True)
    # The release carries its reconciliations with the outside registers, made for this version.
    docs = result.snapshot / "docs"
    assert sorted(p.name for p in docs.iterdir()) == ["cow-reconciliation.md", "data-dictionary.md",
                                                       "sipri-reconciliation.md", "un-votes-reconciliation.md"]
    assert f"Version {version}." in (docs / "sipri-reconciliation.md").read_text(encoding="utf-8")
    assert "docs/sipri-reconciliation.md" in (result.snapshot / "SHA256SUMS").read_text()
    with zipfile.ZipFile(result.snapshot / f"sco-data-{version}.zip") as z:
        assert any(n.endswith("docs/sipri-reconciliation.md") for n in z.namelist())
    # A changed reconciliation is caught like any other file.
    (docs / "sipri-reconciliation.md").write_text("edited\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="not as released") as exc:
        verify(result.snapshot)
    assert "docs/sipri-reconciliation.md" in {p.file for p in exc.value.problems}
    assert (repo_package / "CHANGELOG.md").read_text().count(f"## [{version}] - 2026-11-28") == 1


def test_release_refuses_when_the_previous_snapshot_was_tampered_with(pkg):
    cut(pkg, "0.1.0")
    add_rows(pkg, "countries", ["IND", "India"])
    (pkg / "exports" / "0.1.0" / "csv" / "countries.csv").write_text("iso3,name\nCHN,China\n")
    message = refused(pkg, "0.2.0", match=r"previous release exports/0\.1\.0/ fails verification")
    assert "restore it" in message


def test_a_descriptor_without_version_is_refused_and_nothing_written(pkg):
    """The metadata lint requires a semantic version, so a versionless package is not released."""
    desc = load_descriptor(pkg)
    del desc["version"]
    save_descriptor(pkg, desc)
    before = tree(pkg)
    with pytest.raises(InvalidDataError) as exc:
        cut(pkg, "0.0.1")
    assert any(p.rule == "metadata-version" for p in exc.value.problems)
    assert tree(pkg) == before


def test_rebuild_makes_only_the_formats_a_snapshot_has(pkg, monkeypatch):
    """A format added to the toolkit after a release must not break that release's rebuild."""
    from types import SimpleNamespace

    from sco_data.export import FORMATS

    cut(pkg, "0.1.0")

    def write(package, tables, out_dir):
        target = out_dir / "rows.txt"
        target.write_text("".join(f"{name} {t.num_rows}\n" for name, t in sorted(tables.items())))
        return [target]

    monkeypatch.setitem(FORMATS, "rowcount", SimpleNamespace(OUTPUT="rows.txt", write=write))
    verify(pkg / "exports" / "0.1.0", rebuild=True)
    result = cut(pkg, "0.1.1")
    assert (result.snapshot / "rows.txt").read_text().startswith("arms_deals 2\narms_deliveries 2\n")
    verify(result.snapshot, rebuild=True)


def test_the_copy_inside_an_installed_wheel_is_not_released(tmp_path):
    from conftest import SAMPLE, copy_package

    bundled = copy_package(SAMPLE, tmp_path / "site-packages" / "sco_data" / "_package")
    message = refused(bundled, "0.2.0", match="inside an installed sco_data")
    assert "--package" in message


# --- a complete release, verifiable on any toolchain --------------------------------------------

def _resum(snap: Path, *names: str) -> None:
    """Rewrite the SHA256SUMS lines of names, as whoever changed those files would."""
    lines = []
    for line in (snap / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        lines.append(f"{rel.sha256_file(snap / name)}  {name}" if name in names else line)
    (snap / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def _record_toolchain(snap: Path, **versions: str) -> None:
    path = snap / "toolchain.json"
    recorded = json.loads(path.read_text())
    recorded.update(versions)
    path.write_text(json.dumps(recorded, indent=2) + "\n")
    _resum(snap, "toolchain.json")


def _rewrite_parquet_same_values(path: Path) -> None:
    """The same table written with other settings: other bytes, the same content (as a newer
    writer would produce)."""
    table = pq.read_table(path)
    pq.write_table(table, path, compression="snappy", store_schema=True)


def test_release_carries_readme_licence_and_toolchain_and_leaves_docs_current(pkg):
    (pkg / "README.md").write_text("# Sample\n\n<!-- generated:version -->\n<!-- /generated:version -->\n")
    (pkg / "LICENSES").mkdir()
    (pkg / "LICENSES" / "CC-BY-4.0.txt").write_text("Creative Commons Attribution 4.0 International Public License\n")
    result = cut(pkg, "0.1.0")
    snap = result.snapshot
    readme = (snap / "README.md").read_text()
    assert readme.startswith("# Sample package, version 0.1.0\n") or "version 0.1.0" in readme.splitlines()[0]
    for needed in ("Released 2026-11-28", "CC-BY-4.0", "## How to cite", "sha256sum -c SHA256SUMS",
                   "sco-data verify . --rebuild"):
        assert needed in readme, needed
    assert (snap / "LICENSE.txt").read_text() == "Creative Commons Attribution 4.0 International Public License\n"
    assert set(json.loads((snap / "toolchain.json").read_text())) >= {"python", "sqlite", "pyarrow", "openpyxl"}
    with zipfile.ZipFile(snap / "sco-data-sample-0.1.0.zip") as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
    assert {"README.md", "LICENSE.txt", "toolchain.json"} <= names
    # The docs name the new version and the zip's checksum: nothing is stale after the release.
    from sco_data.docs import stale_docs

    assert stale_docs(load_package(pkg)) == []
    assert {p.name for p in result.docs} >= {"README.md", "data-dictionary.md"}
    zip_sha = rel.sha256_file(snap / "sco-data-sample-0.1.0.zip")
    assert f"Release zip SHA-256: {zip_sha}." in (pkg / "README.md").read_text()


def test_rebuild_on_the_recorded_toolchain_compares_bytes(pkg):
    snap = cut(pkg, "0.1.0").snapshot
    result = verify(snap, rebuild=True)
    assert result.comparison == "bytes" and result.differing == []
    assert result.comparison_text().endswith("rebuilt files are byte-identical (same toolchain)")


def test_rebuild_on_another_toolchain_compares_content_and_says_why(pkg):
    snap = cut(pkg, "0.1.0").snapshot
    _record_toolchain(snap, pyarrow="0.0.1")
    target = snap / "parquet" / "members.parquet"
    _rewrite_parquet_same_values(target)
    _resum(snap, "parquet/members.parquet")
    result = verify(snap, rebuild=True)
    assert result.comparison == "content"
    assert result.differing == ["parquet/members.parquet"]
    assert "pyarrow 0.0.1 -> " in result.reason
    assert result.comparison_text().startswith("compared content: the toolchain differs from the one recorded: "
                                               "pyarrow 0.0.1 -> ")


def test_rebuild_on_the_recorded_toolchain_refuses_other_bytes(pkg):
    snap = cut(pkg, "0.1.0").snapshot
    target = snap / "parquet" / "members.parquet"
    _rewrite_parquet_same_values(target)
    _resum(snap, "parquet/members.parquet")
    with pytest.raises(ReleaseError, match="rebuild differs") as exc:
        verify(snap, rebuild=True)
    assert [p.file for p in exc.value.problems] == ["parquet/members.parquet"]
    assert "with the toolchain the snapshot records" in exc.value.problems[0].message


def test_rebuild_on_another_toolchain_refuses_other_content(pkg):
    snap = cut(pkg, "0.1.0").snapshot
    _record_toolchain(snap, pyarrow="0.0.1")
    target = snap / "parquet" / "members.parquet"
    pq.write_table(pq.read_table(target).slice(0, 1), target)
    _resum(snap, "parquet/members.parquet")
    with pytest.raises(ReleaseError, match="rebuild differs") as exc:
        verify(snap, rebuild=True)
    assert [p.file for p in exc.value.problems] == ["parquet/members.parquet"]
    assert "its content differs" in exc.value.problems[0].message and "pyarrow 0.0.1" in exc.value.problems[0].message


def test_verify_cli_says_which_comparison_it_made(pkg):
    from click.testing import CliRunner

    from sco_data.cli import cli

    snap = cut(pkg, "0.1.0").snapshot
    _record_toolchain(snap, openpyxl="0.0.1")
    out = CliRunner().invoke(cli, ["verify", str(snap), "--rebuild"])
    assert out.exit_code == 0, out.output
    # The same bytes came out all the same: said, with the versions that differ.
    assert ("rebuilt files are byte-identical (the toolchain differs from the one recorded: openpyxl 0.0.1 -> "
            in out.output)
    as_json = json.loads(CliRunner().invoke(cli, ["verify", str(snap), "--rebuild", "--json"]).stdout)
    assert as_json["comparison"] == "bytes" and "openpyxl 0.0.1" in as_json["reason"]
