"""The sample package (tests/fixtures/sample) that most tests break a copy of is checked against the
repository's own descriptor, so that a test on the sample tests the schemas the data really has.

The rule: the sample has the same tables in the same order, and each table
- has the same resource properties (path, format, encoding, dialect, `sco:derived`…);
- has the same schema properties: primaryKey, foreignKeys, missingValues, $schema;
- has the same fields in the same order, each with the same type, format, constraints and every
  other property (delimiter, itemType, title…);
- except that descriptions, the table's and each field's, are the sample's own shorter prose: they
  are documentation, not contract. The sample has one wherever the real descriptor does, so that
  the metadata lint treats both alike;
- and except the fields OMITTED names, which the sample leaves out (never a field of a key).
The sample holds fewer rows; that its rows follow the schemas is `validate`'s to check (test_load
and the CLI tests validate it).
"""

from __future__ import annotations

import pytest
from conftest import ROOT, SAMPLE
from support import load_descriptor

REAL = load_descriptor(ROOT)
SAMPLE_DESCRIPTOR = load_descriptor(SAMPLE)

# countries keeps its first two columns: the bad-input cases quote its two-column header and rows
# (validate_cases.py), and test_panel adds cow_code back where it needs it. The crosswalk columns
# are optional, and countries' own source_ids is checked by the same rule as every other table's.
OMITTED = {
    "countries": {"iso2", "m49", "cow_code", "cow_abbrev", "gw_code", "wikidata_id", "name_ru", "name_zh", "notes",
                  "source_ids"},
}

PROSE = {"description"}


def _resources(descriptor: dict) -> dict[str, dict]:
    return {r["name"]: r for r in descriptor["resources"]}


def _without(d: dict, keys: set[str]) -> dict:
    return {k: v for k, v in d.items() if k not in keys}


def _key_fields(schema: dict) -> set[str]:
    pk = schema.get("primaryKey") or []
    fields = set([pk] if isinstance(pk, str) else pk)
    for fk in schema.get("foreignKeys") or []:
        fields |= set([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])
    return fields


def test_the_sample_has_the_same_tables_in_the_same_order():
    assert list(_resources(SAMPLE_DESCRIPTOR)) == list(_resources(REAL))


def test_omissions_name_real_fields_outside_every_key():
    real = _resources(REAL)
    for table, names in OMITTED.items():
        real_names = {f["name"] for f in real[table]["schema"]["fields"]}
        assert names <= real_names, f"{table}: {sorted(names - real_names)} are not fields of the real table"
        assert not names & _key_fields(real[table]["schema"]), f"{table}: a key field may not be left out"


@pytest.mark.parametrize("table", [r["name"] for r in REAL["resources"]])
def test_the_sample_table_matches_the_real_one(table):
    real, sample = _resources(REAL)[table], _resources(SAMPLE_DESCRIPTOR)[table]
    assert _without(sample, PROSE | {"schema"}) == _without(real, PROSE | {"schema"})
    assert bool(sample.get("description")) >= bool(real.get("description")), f"{table} has no description"
    assert _without(sample["schema"], {"fields"}) == _without(real["schema"], {"fields"})

    omitted = OMITTED.get(table, set())
    real_fields = [f for f in real["schema"]["fields"] if f["name"] not in omitted]
    sample_fields = sample["schema"]["fields"]
    assert [f["name"] for f in sample_fields] == [f["name"] for f in real_fields]
    for real_field, sample_field in zip(real_fields, sample_fields, strict=True):
        where = f"{table}.{real_field['name']}"
        assert _without(sample_field, PROSE) == _without(real_field, PROSE), where
        assert bool(sample_field.get("description")) >= bool(real_field.get("description")), \
            f"{where} has no description"
