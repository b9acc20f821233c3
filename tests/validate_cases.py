"""Bad inputs for `sco-data validate` that no single check owns (reading a CSV): each breaks a
copy of the sample package in one way and names the exact problems a person must see. The cases
of the checks themselves live beside each check (sco_data/checks/) and are collected here from
the registry. What the cases are made with (Case, edit, write_bytes) is in support/."""

from __future__ import annotations

from pathlib import Path

from support import (  # noqa: F401 - re-exported for the test modules that take them from here
    Case,
    edit,
    edit_descriptor,
    field,
    network,
    opened,
    outside_file,
    recording,
    resource,
    write_bytes,
)

from sco_data import checks


def _countries(pkg: Path, old: str, new: str) -> None:
    edit(pkg, "countries", old, new)


CSV_CASES = [
    Case(
        "unclosed-quote",
        lambda p: _countries(p, "KAZ,Kazakhstan", 'KAZ,"Kazakhstan'),
        ["data/countries.csv:3: [malformed-csv] malformed CSV: a quoted cell is never closed; add the missing '\"'"],
        True,
    ),
    Case(
        "too-many-cells",
        lambda p: _countries(p, "KAZ,Kazakhstan", "KAZ,Kazakhstan,Astana"),
        ["data/countries.csv:3: [malformed-csv] row has 3 cells but the header has 2 (too many); "
         "check for a missing or extra comma or an unquoted comma in a cell"],
        True,
    ),
    Case(
        "too-few-cells",
        lambda p: _countries(p, "KAZ,Kazakhstan", "KAZ"),
        ["data/countries.csv:3: [malformed-csv] row has 1 cell but the header has 2 (too few); "
         "check for a missing or extra comma or an unquoted comma in a cell"],
        True,
    ),
    Case(
        "header-mismatch",
        lambda p: _countries(p, "iso3,name", "iso3,country_name"),
        ["data/countries.csv:1: [header] header does not match the schema (missing name; unknown 'country_name'); "
         "expected: iso3,name"],
        True,
    ),
    Case(
        "wrong-type",
        lambda p: edit(p, "military_exercises", "Urumqi\",6000", "Urumqi\",6 000"),
        ["data/military_exercises.csv:2:troops_total: [type] '6 000' is not a valid integer; "
         "write a whole number with digits only, no separators"],
        True,
    ),
    Case(
        "wrong-date",
        lambda p: edit(p, "military_exercises", "2007-08-17", "2007-08-32"),
        ["data/military_exercises.csv:2:end_date: [type] '2007-08-32' is not a valid date; write the date as "
         "YYYY-MM-DD (a real calendar day); if only the year is known, leave the date empty"],
        True,
    ),
    Case(
        "missing-file",
        lambda p: (p / "data" / "countries.csv").unlink(),
        ["data/countries.csv: [file-missing] file not found; create it with its header row"],
        True,
    ),
    Case(
        "empty-file",
        lambda p: write_bytes(p, "countries", b""),
        ["data/countries.csv: [file-empty] file is empty; it needs at least the header row"],
        True,
    ),
    Case(
        "not-utf8",
        lambda p: write_bytes(p, "countries",
                              "iso3,name\nCHN,China\nKAZ,Kazakhstan\n".encode() + "MNG,Mongólia\n".encode("latin-1")),
        ["data/countries.csv:4: [encoding] byte 0xf3 at offset 43 is not UTF-8; save the file as UTF-8"],
        True,
    ),
    Case(
        "utf8-bom",
        lambda p: write_bytes(p, "countries", b"\xef\xbb\xbf" + (p / "data" / "countries.csv").read_bytes()),
        ["data/countries.csv:1: [utf8-bom] file starts with a UTF-8 byte order mark; save as UTF-8 without BOM"],
    ),
    Case(
        "blank-row",
        lambda p: _countries(p, "KAZ,Kazakhstan\n", "KAZ,Kazakhstan\n\n"),
        ["data/countries.csv:4: [blank-row] blank line; delete it"],
        True,
    ),
]

# The table checks' cases (constraints, text cells, keys) and the cross-table rules' are kept
# beside each check, in its module of sco_data/checks/, and collected from the registry.
CSV_CASES += checks.cases(checks.TABLE, checks.ERROR)
RULE_CASES = checks.cases(checks.PACKAGE)

DATA_CASES = CSV_CASES + RULE_CASES
