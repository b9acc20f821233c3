"""A descriptor that cannot be used is refused with a clear problem, and one that names a path
outside the package (absolute, climbing out with '..', a URL, a link leading out) is refused
before any file it names is opened or anything is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import (
    edit_descriptor,
    network,
    opened,
    outside_file,
    recording,
    resource,
)

from sco_data.descriptor import load_package
from sco_data.errors import PackageError
from sco_data.validate import validate_package


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    return outside_file(tmp_path)


def refuse(sample: Path) -> tuple[PackageError, list]:
    with recording() as events, pytest.raises(PackageError) as info:
        load_package(sample)
    return info.value, list(events)


def _set_path(table: str, value: str, key: str = "path"):
    return lambda d: resource(d, table).update({key: value})


def test_absolute_path_is_refused_unread(sample, outside):
    edit_descriptor(sample, _set_path("countries", str(outside)))
    err, events = refuse(sample)
    assert [str(p) for p in err.problems] == [
        f"datapackage.json::resources[countries].path: [unsafe-path] {str(outside)!r} is absolute; use a path "
        "relative to the descriptor"
    ]
    assert opened(events) == {(sample / "datapackage.json").resolve()}


def test_dotdot_path_is_refused_unread(sample, outside):
    edit_descriptor(sample, _set_path("countries", "../outside/countries.csv"))
    err, events = refuse(sample)
    assert [str(p) for p in err.problems] == [
        "datapackage.json::resources[countries].path: [unsafe-path] '../outside/countries.csv' climbs out of the "
        "package folder with '..'"
    ]
    assert outside.resolve() not in opened(events)
    assert opened(events) == {(sample / "datapackage.json").resolve()}


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/countries.csv", "https://example.org/countries.csv",
                                 "file:///etc/hostname"])
def test_url_path_is_refused_unfetched(sample, url):
    edit_descriptor(sample, _set_path("countries", url))
    err, events = refuse(sample)
    assert [str(p) for p in err.problems] == [
        f"datapackage.json::resources[countries].path: [unsafe-path] {url!r} is a URL; only files inside the package "
        "are read, nothing is fetched"
    ]
    assert network(events) == []
    assert opened(events) == {(sample / "datapackage.json").resolve()}


def test_unsafe_path_in_the_last_resource_stops_everything(sample, outside):
    """Paths are judged for every resource before any schema or table is read."""
    edit_descriptor(sample, _set_path("georgia_positions", "../outside/countries.csv"))
    err, events = refuse(sample)
    assert [p.column for p in err.problems] == ["resources[georgia_positions].path"]
    assert opened(events) == {(sample / "datapackage.json").resolve()}


def test_schema_and_dialect_paths_are_judged_too(sample, outside):
    (outside.parent / "schema.json").write_text('{"fields": []}', encoding="utf-8")
    edit_descriptor(sample, _set_path("members", "../outside/schema.json", key="schema"))
    err, events = refuse(sample)
    assert [str(p) for p in err.problems] == [
        "datapackage.json::resources[members].schema: [unsafe-path] '../outside/schema.json' climbs out of the "
        "package folder with '..'"
    ]
    assert opened(events) == {(sample / "datapackage.json").resolve()}


@pytest.mark.parametrize("key", ["dialect", "profile"])
def test_remote_dialect_or_profile_is_refused(sample, key):
    edit_descriptor(sample, _set_path("members", "https://example.org/x.json", key=key))
    err, events = refuse(sample)
    assert [p.column for p in err.problems] == [f"resources[members].{key}"]
    assert network(events) == []


def test_link_leading_out_is_refused(sample, outside):
    link = sample / "data" / "countries.csv"
    link.unlink()
    link.symlink_to(outside)
    err, events = refuse(sample)
    assert [str(p) for p in err.problems] == [
        "datapackage.json::resources[countries].path: [unsafe-path] 'data/countries.csv' leads outside the package "
        "folder (through a link)"
    ]
    assert outside.resolve() not in opened(events) - {(sample / "datapackage.json").resolve()}


def test_descriptor_not_json(sample):
    path = sample / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"sco-data-sample",', '"sco-data-sample"', 1),
                    encoding="utf-8")
    with pytest.raises(PackageError) as info:
        load_package(sample)
    assert [str(p) for p in info.value.problems] == [
        "datapackage.json:4:3: [descriptor-json] descriptor is not valid JSON: Expecting ',' delimiter"
    ]


def test_descriptor_missing(tmp_path):
    with pytest.raises(PackageError) as info:
        load_package(tmp_path)
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'datapackage.json'}: [descriptor-missing] no such file; give a datapackage.json or a folder "
        "that holds one"
    ]


def test_descriptor_not_an_object(sample):
    (sample / "datapackage.json").write_text("[]", encoding="utf-8")
    with pytest.raises(PackageError) as info:
        load_package(sample)
    assert [str(p) for p in info.value.problems] == [
        "datapackage.json: [descriptor-json] descriptor must be a JSON object, not list"
    ]


def test_structural_faults_are_listed_together(sample):
    def change(d):
        resource(d, "countries")["schema"]["fields"][1] = {"type": "string"}
        resource(d, "members")["schema"]["foreignKeys"] = {"fields": "iso3"}

    edit_descriptor(sample, change)
    with pytest.raises(PackageError) as info:
        load_package(sample)
    assert [str(p) for p in info.value.problems] == [
        "datapackage.json::resources[countries].schema.fields[1]: [descriptor] each field needs a name",
        "datapackage.json::resources[members].schema.foreignKeys: [descriptor] foreignKeys must be a list",
    ]


def test_reference_run_reads_only_the_package(sample, outside):
    """The Frictionless reference run on an accepted package opens no data file outside it and
    fetches nothing."""
    with recording() as events:
        report = validate_package(load_package(sample), frictionless=True)
    assert report.valid
    assert network(events) == []
    data_files = {p for p in opened(events) if p.suffix == ".csv"}
    assert data_files == {p.resolve() for p in (sample / "data").glob("*.csv")}
