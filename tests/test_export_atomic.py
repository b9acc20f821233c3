"""Same input, same bytes; and an export either lands whole or leaves the target as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import leftovers, library_package, snapshot

from sco_data import export
from sco_data.descriptor import load_package
from sco_data.errors import ExportError, InvalidDataError


@pytest.mark.parametrize("which", ["sample", "library"])
def test_two_exports_are_byte_identical(which, sample, tmp_path):
    pkg_dir = sample if which == "sample" else library_package(tmp_path / "library")
    first, second = tmp_path / "first", tmp_path / "second"
    export.export_package(load_package(pkg_dir), first)
    export.export_package(load_package(pkg_dir), second)
    a, b = snapshot(first), snapshot(second)
    assert a == b
    assert {"sco.sqlite", "json/datapackage.json"} <= set(a)


@pytest.fixture
def previous(sample, tmp_path) -> tuple[Path, Path, dict]:
    """A package and a complete earlier export of it, with the earlier export's checksums."""
    out = tmp_path / "exports" / "latest"
    export.export_package(load_package(sample), out)
    return sample, out, snapshot(out)


class Boom(RuntimeError):
    pass


class HalfWriter:
    """A writer that writes a file and then fails, as a full disk or a bug would."""

    OUTPUT = "half"

    @staticmethod
    def write(pkg, tables, out_dir):
        (out_dir / "half").write_text("partial")
        raise Boom("writer failed half-way")


def test_a_writer_failing_half_way_changes_nothing(previous, monkeypatch):
    sample, out, before = previous
    # The failing writer runs after the first one has written, and before the others.
    registry = list(export.FORMATS.items())
    monkeypatch.setattr(export, "FORMATS", dict(registry[:1] + [("half", HalfWriter)] + registry[1:]))
    with pytest.raises(Boom):
        export.export_package(load_package(sample), out)
    assert snapshot(out) == before
    assert leftovers(out.parent) == []


def test_a_failure_with_no_previous_export_leaves_nothing(sample, tmp_path, monkeypatch):
    monkeypatch.setitem(export.FORMATS, "half", HalfWriter)
    out = tmp_path / "new" / "deeper" / "latest"
    with pytest.raises(Boom):
        export.export_package(load_package(sample), out)
    assert not (tmp_path / "new").exists()


def test_an_invalid_package_writes_nothing(previous):
    sample, out, before = previous
    path = sample / "data" / "members.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("true", "maybe", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidDataError) as err:
        export.export_package(load_package(sample), out)
    assert "nothing was written" in str(err.value)
    assert any(p.file == "data/members.csv" and p.row == 2 and "maybe" in p.message for p in err.value.problems)
    assert snapshot(out) == before
    assert leftovers(out.parent) == []


def test_an_invalid_package_creates_no_folder(sample, tmp_path):
    (sample / "data" / "countries.csv").write_text("iso3,name\nchn,China\n", encoding="utf-8")
    with pytest.raises(InvalidDataError):
        export.export_package(load_package(sample), tmp_path / "fresh" / "latest")
    assert not (tmp_path / "fresh").exists()


def test_a_target_that_is_a_file_is_refused(sample, tmp_path):
    target = tmp_path / "latest"
    target.write_text("keep me")
    with pytest.raises(ExportError, match="is not a folder"):
        export.export_package(load_package(sample), target)
    assert target.read_text() == "keep me"
    assert leftovers(tmp_path) == []


def test_a_parent_that_is_a_file_is_refused(sample, tmp_path):
    (tmp_path / "exports").write_text("a file where a folder should be")
    with pytest.raises(ExportError, match="cannot create"):
        export.export_package(load_package(sample), tmp_path / "exports" / "latest")
    assert (tmp_path / "exports").read_text() == "a file where a folder should be"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions do not bind root")
def test_an_unwritable_parent_is_refused(previous):
    sample, out, before = previous
    out.parent.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="cannot write"):
            export.export_package(load_package(sample), out)
    finally:
        out.parent.chmod(0o700)
    assert snapshot(out) == before


def test_a_folder_holding_other_files_is_not_replaced(sample, tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.tex").write_text("years of work")
    with pytest.raises(ExportError, match="thesis.tex"):
        export.export_package(load_package(sample), target)
    assert (target / "thesis.tex").read_text() == "years of work"
    assert sorted(p.name for p in target.iterdir()) == ["thesis.tex"]


def test_a_new_export_replaces_the_previous_one_whole(previous):
    sample, out, before = previous
    export.export_package(load_package(sample), out, ["json"])
    assert sorted(p.name for p in out.iterdir()) == ["json"]
    assert {k: v for k, v in before.items() if k.startswith("json/")} == snapshot(out)
    assert leftovers(out.parent) == []


def test_an_unknown_format_is_refused_before_anything_is_read(sample, tmp_path):
    with pytest.raises(ExportError, match="unknown export format 'xls'; known: parquet, json, sqlite"):
        export.export_package(load_package(sample), tmp_path / "out", ["xls"])
    assert not (tmp_path / "out").exists()


def test_a_valid_report_is_reused(sample, tmp_path):
    from sco_data.validate import validate_package

    pkg = load_package(sample)
    report = validate_package(pkg)
    (sample / "data" / "members.csv").write_text("garbage\n")  # not read again
    export.export_package(pkg, tmp_path / "out", ["parquet"], report=report)
    assert (tmp_path / "out" / "parquet" / "members.parquet").is_file()


class FullDisk:
    """A writer that meets a full disk part-way."""

    OUTPUT = "full"

    @staticmethod
    def write(pkg, tables, out_dir):
        import errno

        (out_dir / "full").write_text("part")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_is_reported_and_changes_nothing(previous, monkeypatch):
    sample, out, before = previous
    monkeypatch.setitem(export.FORMATS, "full", FullDisk)
    with pytest.raises(ExportError, match="cannot write the full export: No space left on device"):
        export.export_package(load_package(sample), out)
    assert snapshot(out) == before
    assert leftovers(out.parent) == []


def test_the_cli_reports_a_full_disk_without_a_traceback(previous, monkeypatch):
    from click.testing import CliRunner

    from sco_data.cli import cli

    sample, out, before = previous
    monkeypatch.setitem(export.FORMATS, "full", FullDisk)
    result = CliRunner().invoke(cli, ["export", "--package", str(sample), "--out", str(out)])
    assert result.exit_code == 1
    assert "error: cannot write the full export: No space left on device" in result.output
    assert "Traceback" not in result.output
    assert snapshot(out) == before
