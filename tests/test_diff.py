"""The keyed diff and the version bump it requires, on real copies of the sample package."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import (
    add_column,
    add_rows,
    delete_rows,
    drop_column,
    edit_field,
    load_descriptor,
    read_rows,
    rename_column,
    resource,
    save_descriptor,
    set_cell,
    write_rows,
)

from sco_data.descriptor import load_package
from sco_data.diff import (
    MAJOR,
    MINOR,
    PATCH,
    bump_of,
    check_bump,
    diff_packages,
    next_version,
    parse_version,
)
from sco_data.errors import ReleaseError


@pytest.fixture
def pair(sample: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(old, new): two copies of the sample; tests edit new."""
    new = tmp_path / "new"
    shutil.copytree(sample, new)
    return sample, new


def diff(pair):
    return diff_packages(load_package(pair[0]), load_package(pair[1]), "old", "new")


def kinds(d) -> set[tuple[str, str]]:
    return {(c.kind, c.level) for c in d.schema}


def test_identical_packages_have_no_changes(pair):
    d = diff(pair)
    assert d.empty
    assert d.required_bump() == PATCH
    assert "no changes" in d.to_text()
    assert d.to_markdown() == "No changes.\n"


def test_number_cells_compare_as_numbers_not_text(pair):
    _, new = pair
    set_cell(new, "arms_deals", "rus-chn-su27-licence", "value_usd_millions", "2500.50")
    set_cell(new, "military_exercises", "peace-mission-2007", "troops_total", "+6000")
    assert diff(pair).empty


def test_changed_cells_are_typed_old_to_new(pair):
    _, new = pair
    set_cell(new, "arms_deals", "rus-chn-su27-licence", "value_usd_millions", "2600")
    set_cell(new, "members", "UZB", "joined_date", "2001-06-16")
    d = diff(pair)
    deals = next(t for t in d.tables if t.name == "arms_deals")
    assert [(c.key, c.cells) for c in deals.changed] == [
        (("rus-chn-su27-licence",), {"value_usd_millions": (2500.5, 2600.0)})
    ]
    assert d.required_bump() == PATCH
    text = d.to_text()
    assert "~ UZB" in text and "joined_date: 2001-06-15 -> 2001-06-16" in text
    data = json.loads(json.dumps(d.to_dict()))
    members = next(t for t in data["tables"] if t["table"] == "members")
    assert members["changed"] == [
        {"key": ["UZB"], "cells": {"joined_date": {"old": "2001-06-15", "new": "2001-06-16"}}}
    ]


def test_composite_keys_match_rows(pair):
    _, new = pair
    header, rows = read_rows(new, "exercise_participants")
    rows[0][header.index("troops")] = "1700"
    rows.append(["peace-mission-2007", "KAZ", "participant", "", "", ""])
    write_rows(new, "exercise_participants", header, rows)
    t = next(t for t in diff(pair).tables if t.name == "exercise_participants")
    assert t.key == ["exercise_id", "iso3"]
    assert t.added == [("peace-mission-2007", "KAZ")]
    assert [(c.key, c.cells) for c in t.changed] == [(("peace-mission-2007", "CHN"), {"troops": (1600, 1700)})]


def test_added_rows_need_minor(pair):
    _, new = pair
    add_rows(new, "countries", ["IND", "India"])
    d = diff(pair)
    assert d.required_bump() == MINOR
    assert "1 row added to countries" in [r for _, r in d.reasons()]
    assert "### Added\n- `countries`: 1 row: `IND`." in d.to_markdown()


def test_removing_rows_others_refer_to_needs_major(pair):
    _, new = pair
    delete_rows(new, "countries", "MNG")
    delete_rows(new, "observers", "MNG")
    d = diff(pair)
    assert d.required_bump() == MAJOR
    reasons = dict((r, lvl) for lvl, r in d.reasons())
    assert any(lvl == MAJOR and r.startswith("1 row removed from countries, which") for r, lvl in reasons.items())
    # observers: nobody refers to it, so removing its rows is a correction.
    assert reasons["2 rows removed from observers (no table refers to it)"] == PATCH


def test_removing_unreferenced_rows_is_a_patch(pair):
    _, new = pair
    delete_rows(new, "georgia_positions", "CHN")
    assert diff(pair).required_bump() == PATCH


def test_field_added_is_minor_and_its_cells_are_not_changes(pair):
    _, new = pair
    add_column(new, "summits", {"name": "venue", "type": "string", "description": "Where."}, "Hall")
    d = diff(pair)
    assert kinds(d) == {("field-added", MINOR)}
    assert all(t.empty for t in d.tables)
    assert d.required_bump() == MINOR


def test_field_removed_and_renamed_need_major(pair):
    _, new = pair
    drop_column(new, "summits", "notes")
    rename_column(new, "summits", "outcomes", "results")
    d = diff(pair)
    assert ("field-removed", MAJOR) in kinds(d)
    messages = [c.message for c in d.schema]
    assert "`summits.outcomes`: field removed (a renamed field shows as removed and added)" in messages
    assert any(m.startswith("`summits.results`: field added") for m in messages)
    assert d.required_bump() == MAJOR


def test_type_change_needs_major(pair):
    _, new = pair
    edit_field(new, "military_exercises", "troops_total", type="number")
    d = diff(pair)
    assert ("type-changed", MAJOR) in kinds(d)
    # 6000 and 6000.0 are one value: the type change is the only change.
    assert all(t.empty for t in d.tables)


@pytest.mark.parametrize(
    "table, name, constraints, level, words",
    [
        ("summits", "notes", {"required": True}, MAJOR, "now required"),
        ("summits", "outcomes", {"maxLength": 500}, MAJOR, "maxLength 500 added"),
        ("observers", "status", {"enum": ["observer", "partner"]}, MAJOR, "enum narrowed: dialogue_partner"),
        ("observers", "status", {"enum": ["observer", "dialogue_partner", "partner", "guest"]}, MINOR,
         "enum widened: guest"),
        ("countries", "iso3", {"pattern": "^[A-Z]{3,4}$"}, MAJOR, "pattern changed from ^[A-Z]{3}$ to ^[A-Z]{3,4}$"),
        ("countries", "iso3", {"pattern": None}, MINOR, "pattern removed"),
        ("countries", "name", {"required": None}, MINOR, "no longer required"),
        ("military_exercises", "troops_total", {"minimum": 10}, MAJOR, "minimum raised from 0 to 10"),
        ("military_exercises", "troops_total", {"minimum": None}, MINOR, "minimum 0 removed"),
        ("military_exercises", "troops_total", {"maximum": 1000000}, MAJOR, "maximum 1000000 added"),
    ],
)
def test_constraint_changes(pair, table, name, constraints, level, words):
    _, new = pair
    edit_field(new, table, name, constraints=constraints)
    d = diff(pair)
    assert len(d.schema) == 1, d.schema
    change = d.schema[0]
    assert change.level == level and words in change.message
    assert change.kind == ("constraint-tightened" if level == MAJOR else "constraint-relaxed")
    assert d.required_bump() == level


def test_lowered_maximum_is_major_and_raised_is_minor(pair):
    old, new = pair
    edit_field(old, "military_exercises", "troops_total", constraints={"maximum": 100000})
    edit_field(new, "military_exercises", "troops_total", constraints={"maximum": 50000})
    assert diff(pair).required_bump() == MAJOR
    edit_field(new, "military_exercises", "troops_total", constraints={"maximum": 200000})
    assert diff(pair).required_bump() == MINOR


def test_resources_added_removed_and_keys(pair):
    _, new = pair
    d = load_descriptor(new)
    d["resources"] = [r for r in d["resources"] if r["name"] != "georgia_positions"]
    extra = json.loads(json.dumps(resource(d, "countries")))
    extra.update(name="regions", path="data/regions.csv")
    extra["schema"]["foreignKeys"] = []
    d["resources"].append(extra)
    resource(d, "summits")["schema"]["foreignKeys"] = []
    save_descriptor(new, d)
    (new / "data" / "regions.csv").write_text("iso3,name\nCAS,Central Asia\n", encoding="utf-8")
    result = diff(pair)
    assert {("resource-added", MINOR), ("resource-removed", MAJOR), ("constraint-relaxed", MINOR)} <= kinds(result)
    status = {t.name: (t.status, t.old_rows, t.new_rows) for t in result.tables}
    assert status["regions"] == ("added", 0, 1) and status["georgia_positions"] == ("removed", 2, 0)
    md = result.to_markdown()
    assert "- `regions`: new table, 1 row: `CAS`." in md
    assert "- `georgia_positions`: table removed (2 rows in the previous release)." in md


def test_an_empty_new_table_lists_no_keys(pair):
    _, new = pair
    d = load_descriptor(new)
    extra = json.loads(json.dumps(resource(d, "countries")))
    extra.update(name="regions", path="data/regions.csv")
    extra["schema"]["foreignKeys"] = []
    d["resources"].append(extra)
    save_descriptor(new, d)
    (new / "data" / "regions.csv").write_text("iso3,name\n", encoding="utf-8")
    assert "- `regions`: new table, 0 rows.\n" in diff(pair).to_markdown()


def test_descriptions_and_package_metadata_are_patch(pair):
    _, new = pair
    d = load_descriptor(new)
    d["title"] = "Another title"
    resource(d, "countries")["description"] = "Countries, described anew."
    save_descriptor(new, d)
    edit_field(new, "countries", "name", description="Common English short name.")
    result = diff(pair)
    assert kinds(result) == {("metadata-changed", PATCH)}
    assert result.required_bump() == PATCH
    md = result.to_markdown()
    assert md.startswith("### Changed\n- Metadata: `countries.name`: description changed (PATCH).\n")
    assert "- Metadata: package: title changed (PATCH).\n" in md


def test_long_key_lists_become_counts(pair):
    _, new = pair
    codes = [f"Q{a}{b}" for a in "ABCDEFG" for b in "ABCDE"][:31]
    add_rows(new, "countries", *[[c, f"Country {c}"] for c in codes])
    result = diff(pair)
    md = result.to_markdown()
    assert "- `countries`: 31 rows." in md
    assert "QAA" not in md
    assert "QAA" in json.dumps(result.to_dict())
    assert "... and 1 more" in result.to_text()


@pytest.mark.parametrize("good, parsed", [("0.1.0", (0, 1, 0)), ("10.20.30", (10, 20, 30))])
def test_parse_version_accepts_semver(good, parsed):
    assert parse_version(good) == parsed


@pytest.mark.parametrize(
    "bad, words",
    [
        ("v1", "without the leading 'v'"),
        ("1.0", "with all three numbers"),
        ("01.2.3", "without leading zeros"),
        ("1.2.3-rc.1", "pre-release and build suffixes"),
        ("", "empty"),
        ("latest", "not a semantic version"),
    ],
)
def test_parse_version_refuses_with_a_reason(bad, words):
    with pytest.raises(ReleaseError) as exc:
        parse_version(bad)
    assert words in str(exc.value)


@pytest.mark.parametrize(
    "old, new, level",
    [("0.1.0", "0.1.1", PATCH), ("0.1.9", "0.2.0", MINOR), ("0.9.9", "1.0.0", MAJOR), ("1.2.3", "1.2.3", None),
     ("1.2.3", "1.2.2", None), ("1.10.0", "1.9.9", None), ("1.2.3", "1.3.5", MINOR)],
)
def test_bump_of(old, new, level):
    assert bump_of(old, new) == level


def test_next_version():
    assert [next_version("1.2.3", lvl) for lvl in (PATCH, MINOR, MAJOR)] == ["1.2.4", "1.3.0", "2.0.0"]


def test_check_bump_refuses_too_small_a_version_with_reasons(pair):
    _, new = pair
    add_rows(new, "countries", ["IND", "India"])
    drop_column(new, "summits", "notes")
    d = diff(pair)
    with pytest.raises(ReleaseError) as exc:
        check_bump(d, "0.1.0", "0.2.0")
    message = str(exc.value)
    assert "VERSION 0.2.0 is a MINOR release, but the changes since 0.1.0 need MAJOR (at least 1.0.0)" in message
    assert "`summits.notes`: field removed" in message
    assert "1 row added" not in message  # only the reasons that the version falls short of
    check_bump(d, "0.1.0", "1.0.0")
    with pytest.raises(ReleaseError, match="not greater than the current version 0.1.0"):
        check_bump(d, "0.1.0", "0.1.0")
