"""CITATION.cff: valid Citation File Format 1.2.0, and the same version and date as the descriptor."""

from __future__ import annotations

import json

import jsonschema
import yaml
from conftest import ROOT

from sco_data.descriptor import load_package

# The Citation File Format 1.2.0 schema (CC-BY-4.0, the Citation File Format authors), kept here so
# that the check runs offline.
SCHEMA = ROOT / "tests" / "fixtures" / "cff-1.2.0.schema.json"


def citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_is_valid_cff_1_2_0():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(citation())]
    assert not errors, errors


def test_citation_is_a_dataset_under_the_data_licence():
    cff = citation()
    pkg = load_package(ROOT)
    assert cff["type"] == "dataset"
    assert cff["license"] == "CC-BY-4.0" == pkg.descriptor["licenses"][0]["name"]
    assert cff["title"] == pkg.descriptor["title"]


def test_citation_version_and_date_equal_the_descriptor():
    cff = citation()
    pkg = load_package(ROOT)
    assert cff["version"] == pkg.version
    assert cff["date-released"] == pkg.descriptor["created"][:10]


def test_the_data_licence_is_stated_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "CC-BY-4.0" in readme
    assert "https://creativecommons.org/licenses/by/4.0/" in readme
