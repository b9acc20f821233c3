"""Bad inputs for `sco-data validate`: each breaks a copy of the sample package in one way and
names the exact problems a person must see. Shared by the library, CLI and Frictionless tests."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sco_data import checks

_events: list | None = None


def _audit(event: str, args: tuple) -> None:
    if _events is not None and event in ("open", "os.listdir", "socket.connect", "socket.getaddrinfo", "urllib.Request"):
        _events.append((event, args))


# Audit hooks cannot be removed, so this one only records inside `recording()`.
sys.addaudithook(_audit)


@contextmanager
def recording():
    """Record the files opened and the network calls made inside the block."""
    global _events
    _events = []
    try:
        yield _events
    finally:
        _events = None


def opened(events: list) -> set[Path]:
    return {Path(args[0]).resolve() for event, args in events if event == "open" and isinstance(args[0], (str, Path))}


def network(events: list) -> list:
    return [e for e in events if e[0] not in ("open", "os.listdir")]


def outside_file(tmp_path: Path) -> Path:
    """A real CSV beside the package folder, outside it, which nothing may read."""
    path = tmp_path / "outside" / "countries.csv"
    path.parent.mkdir()
    path.write_text("iso3,name\nCHN,China\n", encoding="utf-8")
    return path


def edit(pkg: Path, table: str, old: str, new: str) -> None:
    """Replace one exact piece of text in data/<table>.csv (it must be there exactly once)."""
    path = pkg / "data" / f"{table}.csv"
    text = path.read_bytes().decode("utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_bytes(text.replace(old, new).encode("utf-8"))


def write_bytes(pkg: Path, table: str, data: bytes) -> None:
    (pkg / "data" / f"{table}.csv").write_bytes(data)


def edit_descriptor(pkg: Path, change: Callable[[dict], None]) -> None:
    path = pkg / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def field(descriptor: dict, table: str, name: str) -> dict:
    return next(f for f in resource(descriptor, table)["schema"]["fields"] if f["name"] == name)


@dataclass
class Case:
    id: str
    breaks: Callable[[Path], None]
    expected: list[str]  # every problem, exactly as `sco-data validate` prints it
    frictionless_agrees: bool = False  # within stock Frictionless' remit: it too finds the package invalid


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
        lambda p: write_bytes(p, "countries", "iso3,name\nCHN,China\nKAZ,Kazakhstan\n".encode() + "MNG,Mongólia\n".encode("latin-1")),
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
CSV_CASES += checks.cases(checks.TABLE)
RULE_CASES = checks.cases(checks.PACKAGE)

DATA_CASES = CSV_CASES + RULE_CASES
