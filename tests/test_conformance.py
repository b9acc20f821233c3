"""Differential conformance: generated packages with broken cells are judged by our validator and
by Frictionless, the reference implementation of Table Schema, and both must find the same
problems: the same (file, line, field, kind). Where they may not, INTENTIONAL_DIFFERENCES says
so and why, and every entry there is shown by an example of its own.

A package is two small valid tables with a field of every supported type, the constraints
required, enum, pattern, minimum/maximum and minLength/maxLength, a primary key in each and a
foreign key between them. Hypothesis breaks one to four cells of it: text that is not of the
cell's type, impossible calendar days, values outside an enum, against a pattern or a bound,
empty required cells, duplicate primary keys and dangling foreign keys. The same broken packages
must also be refused alike by `validate`, `validate --fast`, `export` and `sco_data.load`.
The reader once rolled impossible days over (2017-06-31 became 2017-07-01); with that back, the
first property fails on the first such date it draws.

Frictionless counts records and we count lines; reference.run_frictionless converts its rows to
lines with our own locator, and a note cell holding a line break keeps the two apart here.
"""

from __future__ import annotations

import copy
import csv
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import leftovers, write_package

import sco_data
from sco_data import dialect as dia
from sco_data import schema as sch
from sco_data.cli import cli
from sco_data.descriptor import load_package
from sco_data.errors import InvalidDataError, sort_problems
from sco_data.read import MAX_PROBLEMS_PER_COLUMN, RowLocator
from sco_data.reference import run_frictionless
from sco_data.validate import validate_package

# ---------------------------------------------------------------------------------------------
# The valid package that every example starts from.

PLACES = {
    "fields": [
        {"name": "code", "type": "string", "constraints": {"required": True, "pattern": "[A-Z]{3}"}},
        {"name": "name", "type": "string", "constraints": {"required": True, "minLength": 2, "maxLength": 12}},
        {"name": "kind", "type": "string", "constraints": {"enum": ["city", "town", "village"]}},
        {"name": "founded", "type": "date", "constraints": {"minimum": "1800-01-01", "maximum": "2030-12-31"}},
        {"name": "population", "type": "integer", "constraints": {"minimum": 0, "maximum": 40000000}},
        {"name": "area", "type": "number", "constraints": {"minimum": 0.5, "maximum": 20000}},
        {"name": "capital", "type": "boolean", "constraints": {"required": True}},
        {"name": "census", "type": "year", "constraints": {"minimum": 1900, "maximum": 2100}},
        {"name": "surveyed", "type": "datetime", "constraints": {"minimum": "2000-01-01T00:00:00Z"}},
        {"name": "tags", "type": "list", "delimiter": ";", "constraints": {"minLength": 1, "maxLength": 3}},
        {"name": "note", "type": "string"},
    ],
    "primaryKey": ["code"],
}
PLACES_ROWS = [
    ["SHA", "Shanghai", "city", "1843-11-17", "24870895", "6340.5", "false", "2020", "2021-03-01T08:00:00Z",
     "port;finance", "Largest city"],
    # A quoted line break and comma: from here on, records and lines differ.
    ["AST", "Astana", "city", "1830-01-01", "1350228", "797.33", "true", "2021", "2022-07-06T12:30:00+06:00",
     "capital", "Renamed twice,\nmost recently in 2022"],
    ["BSH", "Bishkek", "city", "1878-01-01", "1074075", "169.9", "true", "2009", "2010-01-01T00:00:00Z", None, None],
    ["KHU", "Khujand", "town", "1936-01-01", "183000", "40", "false", "2010", None, "silk road", "On the Syr Darya"],
]

EVENTS = {
    "fields": [
        # Not required: an empty key is the key's own fault (Table Schema: key fields are never empty).
        {"name": "id", "type": "integer"},
        {"name": "place", "type": "string"},
        {"name": "day", "type": "date", "constraints": {"required": True}},
        {"name": "rank", "type": "integer", "constraints": {"enum": [1, 2, 3]}},
        {"name": "score", "type": "number", "constraints": {"enum": [0.5, 1, 1.5]}},
        # Frictionless reads booleans by trueValues/falseValues like we do: here "yes" is true and
        # "true" is no boolean at all.
        {"name": "open", "type": "boolean", "trueValues": ["yes", "y"], "falseValues": ["no", "n"],
         "constraints": {"enum": [True]}},
        {"name": "starts", "type": "datetime",
         "constraints": {"required": True, "enum": ["2024-05-01T09:00:00Z", "2024-06-01T09:00:00Z"]}},
        {"name": "season", "type": "year", "constraints": {"enum": [2023, 2024]}},
        {"name": "ends", "type": "datetime"},
    ],
    "primaryKey": ["id"],
    "foreignKeys": [{"fields": ["place"], "reference": {"resource": "places", "fields": ["code"]}}],
}
EVENTS_ROWS = [
    ["1", "SHA", "2001-06-15", "1", "1.5", "yes", "2024-05-01T09:00:00Z", "2024", "2024-05-01T17:00:00Z"],
    ["2", "AST", "2024-07-04", "2", "0.5", "yes", "2024-06-01T09:00:00Z", "2023", None],
    # The same instant as the enum's first value, written in another zone.
    ["3", "SHA", "2018-06-10", "3", "1", "y", "2024-05-01T11:00:00+02:00", "2024", "2024-05-02T01:30:00+05:30"],
    ["4", None, "2019-06-14", None, None, None, "2024-06-01T09:00:00Z", None, "2024-06-01 18:00:00Z"],
]

SCHEMAS = {"places": PLACES, "events": EVENTS}
BASE_ROWS = {"places": PLACES_ROWS, "events": EVENTS_ROWS}


def write(folder: Path, rows: dict[str, list[list]]) -> Path:
    # The child table first: Frictionless and we must not depend on the order.
    return write_package(folder, "conformance", [("events", copy.deepcopy(EVENTS), rows["events"]),
                                                  ("places", copy.deepcopy(PLACES), rows["places"])])


# ---------------------------------------------------------------------------------------------
# Findings on both sides, in one vocabulary: (file, line, field, kind). A kind is our rule name;
# Frictionless' "type-error" is "type", a "constraint-error" is the constraint its note names.

CONSTRAINT_KINDS = frozenset({"required", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength",
                              "exclusiveMinimum", "exclusiveMaximum", "unique"})
Key = tuple[str, int | None, str | None, str]


def _their_kind(finding) -> str:
    if finding.type == "type-error":
        return "type"
    if finding.type == "constraint-error":
        m = re.search(r'constraint "(\w+)" is', finding.problem.message)
        assert m, finding.problem.message
        return m.group(1)
    if finding.type in ("primary-key", "foreign-key"):
        return finding.type
    if finding.type == "unique-error":
        return "unique"
    return f"frictionless:{finding.type}"


@dataclass
class Judged:
    ours: set[Key]
    theirs: set[Key]
    ours_unplaced: list  # our problems that name no line (the cap's "N more ... like these")
    cells: dict[tuple[str, int], dict[str, str | None]]  # (file, line) -> the row's cells
    schemas: dict[str, dict]  # file -> its table schema

    def cell(self, key: Key) -> Cell:
        file, line, name, _ = key
        schema = self.schemas.get(file, {"fields": []})
        fdef = next((f for f in schema["fields"] if f["name"] == name), {"name": name})
        on_cell = {k[3] for k in self.ours if k[:3] == key[:3]}
        return Cell(fdef, self.cells.get((file, line), {}).get(name), on_cell, schema)


def judge(pkg_dir: Path) -> Judged:
    """Our validator (typed checks only, no reference run) and stock Frictionless on one package."""
    pkg = load_package(pkg_dir)
    report = validate_package(pkg, frictionless=False)
    schemas = {pkg.display(r.path): r.schema for r in pkg.resources}
    keys = {pkg.display(r.path): ", ".join(r.primary_key) for r in pkg.resources}
    # Warnings (the CSV conventions: line endings, key order) are no part of Table Schema.
    errors = report.errors
    ours = {(p.file, p.row, p.column, p.rule) for p in errors if p.row is not None}
    unplaced = [p for p in errors if p.row is None]
    theirs = set()
    for f in run_frictionless(pkg, report.tables):
        kind = _their_kind(f)
        column = f.problem.column
        if kind == "primary-key":  # Frictionless names no field; ours is the key's
            column = keys[f.problem.file]
        theirs.add((f.problem.file, f.problem.row, column, kind))
    cells: dict = {}
    for res in pkg.resources:
        dialect = dia.dialect(res.descriptor, res.base)
        locator = RowLocator(res.path, dialect)
        with res.path.open(encoding="utf-8-sig", newline="") as fh:
            records = list(csv.reader(fh, **dialect.csv_kwargs()))[1:]
        for i, record in enumerate(records):
            cells[(pkg.display(res.path), locator.line(i))] = {
                n: v or None for n, v in zip(res.field_names, record, strict=False)
            }
    return Judged(ours, theirs, unplaced, cells, schemas)


# ---------------------------------------------------------------------------------------------
# What may differ, and why.


@dataclass(frozen=True)
class Cell:
    field: dict
    text: str | None
    ours: set[str]  # the kinds we report on this cell
    schema: dict

    @property
    def type(self) -> str:
        return self.field.get("type", "string")

    @property
    def in_key(self) -> bool:
        pk = self.schema.get("primaryKey") or []
        return self.field["name"] in ([pk] if isinstance(pk, str) else pk)


@dataclass(frozen=True)
class Difference:
    id: str
    ours: frozenset[str]  # kinds only we report on a cell this applies to
    theirs: frozenset[str]  # kinds only Frictionless reports on it
    applies: Callable[[Cell], bool] | None  # None: not about single cells; accounted for elsewhere
    reason: str


def _text(c: Cell) -> str:
    return c.text or ""


def _unclean(value: str) -> bool:
    """Independent of checks.text.unclean_text: white space at either end, or a control or format
    (invisible) character other than a line break anywhere."""
    if not value:
        return False
    if value[0].isspace() or value[-1].isspace():
        return True
    return any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\r\n" for ch in value)


def _items(c: Cell) -> list[str]:
    return _text(c).split(c.field.get("delimiter", ",")) if c.type == "list" else [_text(c)]


def _python_number(c: Cell) -> bool:
    """A spelling Python's int() or Decimal() reads but Table Schema's lexical forms (XML Schema:
    ASCII digits, an optional sign, for a year four digits and no sign) do not allow."""
    t = _text(c)
    if c.type not in ("integer", "number", "year") or not t:
        return False
    return (t != t.strip() or "_" in t or any(ch.isdigit() and not ch.isascii() for ch in t)
            or (c.type == "year" and t[:1] in "+-"))


def _beyond_int64(c: Cell) -> bool:
    try:
        return c.type == "integer" and not -(2**63) <= int(_text(c)) < 2**63
    except ValueError:
        return False


def _not_a_double(c: Cell) -> bool:
    """A finite number that a double cannot hold exactly: we compare it after rounding."""
    try:
        exact = Decimal(_text(c))
        return c.type == "number" and exact.is_finite() and Decimal(float(exact)) != exact
    except (InvalidOperation, ValueError, OverflowError):
        return False


_DATETIME_LOOSE = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?$")


def _underflows(text: str) -> bool:
    """A number that is not 0 but a double holds as 0."""
    try:
        return Decimal(text).is_finite() and Decimal(text) != 0 and float(text) == 0.0
    except (InvalidOperation, ValueError):
        return False


def _overflows(text: str) -> bool:
    """A finite number too large for a double."""
    try:
        return Decimal(text).is_finite() and float(text) in (float("inf"), float("-inf"))
    except (InvalidOperation, ValueError):
        return False


INTENTIONAL_DIFFERENCES: list[Difference] = [
    Difference(
        "text-clean", frozenset({"text-clean"}), frozenset(),
        lambda c: c.type in ("string", "list") and any(_unclean(i) for i in _items(c)),
        "Frictionless does not look inside strings: white space at either end, invisible characters "
        "(zero-width space, BOM) and control characters pass it. They break joins and searches and are "
        "never typed on purpose, so we refuse them (checks/text.py).",
    ),
    Difference(
        "formula-prefix", frozenset({"formula-prefix"}), frozenset(),
        lambda c: c.type == "string" and _text(c)[:1] in ("=", "+", "-", "@"),
        "Spreadsheet safety: a cell starting with = + - @ runs as a formula when the CSV or the Excel "
        "export is opened. Table Schema has no such rule.",
    ),
    Difference(
        "utf8-bom", frozenset({"utf8-bom"}), frozenset(), None,
        "Frictionless strips a UTF-8 byte order mark silently; we ask for it to go, since other readers "
        "take it into the first column's name. Only cells are broken here; see its example.",
    ),
    Difference(
        "cap", frozenset(), frozenset(), None,
        f"We list at most MAX_PROBLEMS_PER_COLUMN ({MAX_PROBLEMS_PER_COLUMN}) problems of one rule per column "
        "and then say 'N more ... like these'; Frictionless lists every one. The generated tables have fewer "
        "rows than that, so the cap never applies to them; its example shows the accounting.",
    ),
    Difference(
        "python-number-spellings", frozenset({"type"}), CONSTRAINT_KINDS,
        _python_number,
        "Frictionless reads integers, numbers and years with Python's int() and Decimal(), which take "
        "surrounding white space, '_' digit separators, non-ASCII digits and, in a four-character year, a "
        "sign. Table Schema's lexical forms are ASCII digits only; we refuse the rest as not of the type. "
        "Frictionless then judges the value it read against the constraints, which we cannot.",
    ),
    Difference(
        "int64", frozenset({"type"}), CONSTRAINT_KINDS,
        _beyond_int64,
        "Integers are 64-bit (Arrow, Parquet, SQLite INTEGER); we refuse one outside that range instead of "
        "losing it. Python's integers have no limit.",
    ),
    Difference(
        "non-finite-numbers", frozenset({"type"}), CONSTRAINT_KINDS,
        lambda c: c.type == "number" and (_text(c).strip().lower().lstrip("+-") in ("nan", "inf", "infinity")
                                          or _overflows(_text(c))),
        "Table Schema allows NaN, INF and -INF, and Decimal reads numbers of any size (1e400); we refuse "
        "both, as a number is a double and JSON has no NaN or infinity. Frictionless then compares the "
        "value it read with the bounds and enum.",
    ),
    Difference(
        "double-precision", frozenset(), frozenset({"minimum", "maximum", "enum"}),
        _not_a_double,
        "A number is a double here (Arrow float64, as every export holds it) and is compared with its "
        "bounds and enum after rounding to one: 20000.000000000001 is 20000.0. Frictionless compares "
        "exact Decimals.",
    ),
    Difference(
        "date-digits", frozenset({"type"}), CONSTRAINT_KINDS,
        lambda c: c.type == "date" and re.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", _text(c)) is not None
        and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", _text(c)) is None,
        "Frictionless parses dates with strptime('%Y-%m-%d'), which takes one-digit months and days "
        "(2008-8-28). Table Schema's form is YYYY-MM-DD, two digits each.",
    ),
    Difference(
        "datetime-zone", frozenset({"type"}), CONSTRAINT_KINDS,
        lambda c: c.type == "datetime" and (m := _DATETIME_LOOSE.match(_text(c))) is not None and m.group(2) is None,
        "A date-time without a time zone names no instant; we ask for one (Z or an offset) so that every "
        "export can hold it in UTC. Table Schema and Frictionless allow it.",
    ),
    Difference(
        "datetime-24h", frozenset({"type"}), CONSTRAINT_KINDS,
        lambda c: c.type == "datetime" and re.search(r"[Tt ]24:00:00(\.0+)?(?![0-9.])", _text(c)) is not None,
        "XML Schema (and so Frictionless, through dateutil) reads 24:00:00 as the midnight ending a day. "
        "We take hours 00-23 only, as RFC 3339, Python, Arrow and SQLite do: the same instant is written "
        "00:00:00 of the next day, one spelling for one instant.",
    ),
    Difference(
        "iso-week-date", frozenset({"type"}), CONSTRAINT_KINDS,
        lambda c: c.type == "datetime" and re.match(r"[0-9]{4}-W[0-9]{2}", _text(c)) is not None,
        "Frictionless checks a date-time's shape only by a ':' at position 17, which an ISO week date "
        "(2008-W35-4T10:00:00Z) happens to have, and dateutil reads it. Table Schema's date-time has a "
        "calendar date.",
    ),
    Difference(
        "datetime-lower-case", frozenset({"type"}), CONSTRAINT_KINDS,
        lambda c: c.type == "datetime" and re.search(r"[tz]", _text(c)) is not None,
        "dateutil takes a lower-case 't' and 'z'; XML Schema's dateTime and Python's fromisoformat want "
        "'T' and 'Z'.",
    ),
    Difference(
        "list-empty-item", frozenset({"type"}), frozenset({"minLength", "maxLength"}),
        lambda c: c.type == "list" and "" in _items(c),
        "An empty item ('a;;b', a delimiter at either end) is a stray delimiter, not a value; we refuse it. "
        "Frictionless reads it as an empty string and counts it towards minLength/maxLength.",
    ),
    Difference(
        "empty-key-reported-once", frozenset(), frozenset({"primary-key"}),
        lambda c: c.in_key and ((c.text is None and sch.is_required(c.field)) or "type" in c.ours),
        "An empty key cell of a required field, or one that failed its type, is reported once: as "
        "required, or as the type error. Frictionless also reports the key as empty (its cell read as "
        "None).",
    ),
    Difference(
        "frictionless-crash", frozenset(), frozenset({"frictionless:crash"}), None,
        "Frictionless 5.21 stops with TypeError (can't compare offset-naive and offset-aware datetimes) "
        "when a date-time without a zone meets a minimum, maximum or enum given with one; validate "
        "reports that the reference could not run. We report the cell (datetime-zone). Naive date-times "
        "are generated only where no bound or enum is given.",
    ),
    Difference(
        "datetime-precision", frozenset({"type"}), CONSTRAINT_KINDS,
        lambda c: c.type == "datetime" and (m := re.search(r"[.,]([0-9]+)", _text(c))) is not None
        and m.group(1)[6:].strip("0") != "",
        "A date-time is held to the microsecond (Arrow, Parquet, SQLite and JSON exports alike); one with "
        "a non-zero seventh decimal of a second is refused rather than cut. Frictionless reads it with "
        "dateutil, which keeps microseconds and drops the rest without a word.",
    ),
    Difference(
        "datetime-utc-range", frozenset({"type"}), CONSTRAINT_KINDS,
        lambda c: c.type == "datetime" and re.match(r"(9999-12-31|0001-01-01)T", _text(c)) is not None,
        "A date-time is held as its UTC instant; 9999-12-31T23:30:00-01:00 and 0001-01-01T00:30:00+01:00 fall "
        "outside the years 0001-9999 once in UTC, which no export (Python, SQLite, JSON text) can write. "
        "Frictionless keeps the local time with its offset and accepts them.",
    ),
    Difference(
        "number-underflow", frozenset({"type"}), CONSTRAINT_KINDS,
        lambda c: c.type == "number" and _underflows(_text(c)),
        "A number is a double; one too small for it (1e-400) would be read as 0 and is refused, as one "
        "too large for it is. Frictionless reads exact Decimals.",
    ),
]


def excused(side: str, key: Key, judged: Judged) -> Difference | None:
    cell = judged.cell(key)
    for d in INTENTIONAL_DIFFERENCES:
        kinds = d.ours if side == "ours" else d.theirs
        if key[3] in kinds and d.applies is not None and d.applies(cell):
            return d
    return None


def unexplained(judged: Judged) -> list[str]:
    """Every finding of one side that the other lacks and no intentional difference explains."""
    out = []
    for side, mine, other in (("ours", judged.ours, judged.theirs), ("frictionless", judged.theirs, judged.ours)):
        for key in sorted(mine - other, key=repr):
            if excused(side, key, judged) is None:
                cell = judged.cell(key)
                out.append(f"only {side}: {key[0]}:{key[1]}:{key[2]} [{key[3]}] cell {cell.text!r}")
    return out


# ---------------------------------------------------------------------------------------------
# Broken cells. BAD: both readers refuse them, or both read them and find the same constraint
# broken. DIFFERENT: spellings the two judge differently, each one explained by an entry of
# INTENTIONAL_DIFFERENCES; they are kept out of key columns (a key Frictionless reads and we refuse
# would make it find a duplicate on another row, whose own cell is fine).

CALENDAR = ["2017-06-31", "2023-02-29", "1900-02-29", "2024-13-01", "0000-01-01", "2019-04-31", "2024-00-10",
            "2024-01-00", "2021-02-29", "2100-02-29", "2024-12-32"]
BAD = {
    "integer": ["12a", "1.5", "1e3", "0x1F", "5%", "-", "1 000", "one", "1,000"],
    "number": ["1,5", "abc", "5%", "1.2.3", "--1", "e5", "1e", "0x1p3"],
    "boolean": ["yes", "t", "2", "TRUE ", "tRUE", "false.", "Yes"],
    "date": [*CALENDAR, "28/08/2008", "2008-08-28T00:00:00Z", "20080828", "2008-08", "2008-08-28 ", "June 1"],
    "datetime": [f"{d}T10:00:00Z" for d in CALENDAR] + [
        "2024-04-31T23:59:59+05:00", "2008-08-28T25:00:00Z", "2008-08-28T10:60:00Z", "2008-08-28T10:00:61Z",
        "2008-08-28", "not a time", "2008-08-28T10:00Z", "2008-08-28T10Z", "20080828T100000Z",
        "2008-08-28T10:00:00+02:00:30", "2008-08-28T10:00:00.Z", "2008-08-28T10:00:00 Z", "2008-08-28T24:30:00Z",
    ],
    "year": ["99", "20010", "MMXX", "-200", "0x7D0", "2k20"],
    "list": [],
    "string": [],
}
DIFFERENT = {
    "integer": [" 7", "7 ", "1_000", "\u0661\u0662", "\uff17", "9223372036854775808", "-9223372036854775809"],
    "number": [" 1", "1_0", "\u0661.5", "NaN", "INF", "-Infinity", "inf", "1e400", "-1e999", "1e-400", "-2.5e-330",
               "20000.000000000001", "0.49999999999999999", "1.0000000000000001", "0.50000000000000001"],
    "boolean": [],
    "date": ["2008-8-28", "2008-08-1", "1999-1-1"],
    "datetime": ["2008-08-28T24:00:00Z", "2024-04-30T24:00:00Z", "2008-08-28t10:00:00z", "2024-05-01t09:00:00Z",
                 "2008-W35-4T10:00:00Z", "2008-08-28T10:00:00.123456789Z", "9999-12-31T23:30:00-01:00",
                 "0001-01-01T00:30:00+01:00"],
    "year": ["+202", " 202", "2_02", "\u0662\u0660\u0662\u0664", "+999"],
    "list": ["a;;b", ";", "a;", ";a;b;c"],
    "string": [],
}
# Without a zone: only where no bound or enum is given, which Frictionless cannot compare them with.
NAIVE = ["2008-08-28T10:00:00", "2024-05-01T09:00:00", "2024-05-01 09:00:00.5"]
UNCLEAN = [" Paris", "Paris ", "Pa\u200bris", "Par\tis", "\u00a0Paris", "Paris\u2060", "Pa\x07ris", "\u200fParis"]
FORMULA = ["=1+1", "-Paris", "+Paris", "@Paris"]


def _bounds(fdef: dict) -> list[str]:
    """Values just outside a field's bounds and enum, spelled as its type is."""
    cons = sch.constraints(fdef)
    ftype = sch.field_type(fdef)
    out: list[str] = []
    if ftype in ("integer", "year"):
        out += [str(cons["minimum"] - 1)] if "minimum" in cons else []
        out += [str(cons["maximum"] + 1)] if "maximum" in cons else []
        out += [str(v) for v in (0, 4, 2022, 2025) if "enum" in cons and v not in cons["enum"]]
    if ftype == "number":
        out += [str(cons["minimum"] / 2), "-3"] if "minimum" in cons else []
        out += [str(cons["maximum"] + 0.5), "1e5"] if "maximum" in cons else []
        out += ["2", "0.75", "1.25e0"] if "enum" in cons else []
    if ftype == "date":
        out += ["1799-12-31", "1066-10-14"] if "minimum" in cons else []
        out += ["2031-01-01"] if "maximum" in cons else []
    if ftype == "datetime":
        out += ["1999-12-31T23:59:59Z", "2000-01-01T05:00:00+06:00"] if "minimum" in cons else []
        out += ["2024-05-01T09:00:01Z", "2024-05-01T09:00:00+01:00", "2024-06-01T09:00:00.5Z"] if "enum" in cons else []
    if ftype == "boolean" and "enum" in cons:
        out += ["no", "n"]
    if ftype == "list":
        out += ["a;b;c;d", "w;x;y;z;zz"] if "maxLength" in cons else []
    if ftype == "string":
        out += ["City", "metropolis", "town "] if "enum" in cons else []
        out += ["abc", "AB", "ABCD", "A1C", "\u00c4BC"] if "pattern" in cons else []
        out += ["A", "x" * 13] if "minLength" in cons else []
    return out


def bad_values(table: str, fdef: dict, rows: dict[str, list[list]], row: int) -> st.SearchStrategy:
    ftype = sch.field_type(fdef)
    # With trueValues ["yes", "y"], "true" is no boolean.
    pools = ["true", "1", "Y", "nope"] if fdef.get("trueValues") else list(BAD[ftype])
    pools += _bounds(fdef)
    in_key = fdef["name"] in SCHEMAS[table].get("primaryKey", [])
    if not in_key:
        pools += DIFFERENT[ftype]
    if ftype == "datetime" and not {"minimum", "maximum", "enum"} & set(sch.constraints(fdef)):
        pools += NAIVE
    if ftype in ("string", "list"):
        pools += UNCLEAN
    if ftype == "string" and not in_key:
        pools += FORMULA
    strategies = [st.sampled_from(pools)] if pools else []
    if sch.is_required(fdef) or in_key:
        strategies.append(st.just(None))  # an empty cell
    if in_key:
        col = [f["name"] for f in SCHEMAS[table]["fields"]].index(fdef["name"])
        others = sorted({r[col] for i, r in enumerate(rows[table]) if i != row and r[col] is not None})
        if others:
            strategies.append(st.sampled_from(others))  # a duplicate key
    if table == "events" and fdef["name"] == "place":
        strategies.append(st.sampled_from(["ZZZ", "QQQ", "abc", "sha"]))  # a dangling foreign key
    return st.one_of(strategies)


@st.composite
def broken_rows(draw) -> dict[str, list[list]]:
    rows = copy.deepcopy(BASE_ROWS)
    for _ in range(draw(st.integers(1, 4))):
        table = draw(st.sampled_from(sorted(SCHEMAS)))
        i = draw(st.integers(0, len(rows[table]) - 1))
        fields = SCHEMAS[table]["fields"]
        col = draw(st.integers(0, len(fields) - 1))
        rows[table][i][col] = draw(bad_values(table, fields[col], rows, i))
    return rows


# ---------------------------------------------------------------------------------------------
# The properties.

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_the_unbroken_package_is_valid_for_both(tmp_path):
    judged = judge(write(tmp_path / "pkg", BASE_ROWS))
    assert (judged.ours, judged.theirs, judged.ours_unplaced) == (set(), set(), [])


@SETTINGS
@given(broken_rows())
def test_we_find_what_frictionless_finds(rows):
    with tempfile.TemporaryDirectory() as tmp:
        judged = judge(write(Path(tmp) / "pkg", rows))
        assert judged.ours_unplaced == []  # fewer rows than the cap: every problem is listed
        assert unexplained(judged) == []


def report_keys(report) -> set[Key]:
    return {(p.file, p.row, p.column, p.rule) for p in report.errors if p.row is not None}


def _problem_lines(text: str) -> list[str]:
    """The errors printed about cells; warnings (the base places table is not in key order) left out."""
    return [line for line in text.splitlines() if re.match(r"^data/\S+\.csv:\d+:", line) and "] warning: " not in line]


@SETTINGS
@given(broken_rows())
def test_validate_validate_fast_export_and_load_refuse_alike(rows):
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        pkg_dir = write(Path(tmp) / "pkg", rows)
        fast = runner.invoke(cli, ["validate", "--fast", str(pkg_dir)])
        full = runner.invoke(cli, ["validate", str(pkg_dir)])
        out = Path(tmp) / "out"
        exported = runner.invoke(cli, ["export", "--package", str(pkg_dir), "--out", str(out), "--format", "json"])
        for result in (fast, full, exported):
            assert result.exception is None or isinstance(result.exception, SystemExit), result.exception

        report = validate_package(load_package(pkg_dir), frictionless=False)
        errors = [str(p) for p in report.errors]
        assert _problem_lines(fast.stdout) == [line for line in errors if re.match(r"^data/\S+\.csv:\d+:", line)]
        assert fast.exit_code == (1 if errors else 0)

        # Export refuses exactly what validate --fast refuses, and then writes nothing at all.
        assert exported.exit_code == fast.exit_code, exported.output
        if fast.exit_code:
            assert not out.exists() and leftovers(Path(tmp)) == []
            assert _problem_lines(exported.stderr) == _problem_lines(fast.stdout)
            assert "nothing was written" in exported.stderr

        # validate adds the reference run: only Frictionless findings, each one where Frictionless
        # alone finds something (an intentional difference; the test above checks which).
        theirs_only = {(k[0], k[1]) for k in judge(pkg_dir).theirs - report_keys(report)}
        fast_lines = fast.stdout.splitlines()
        extra = [line for line in full.stdout.splitlines() if line not in fast_lines]
        assert all(line in full.stdout.splitlines() for line in fast_lines)
        for line in extra:
            m = re.match(r"^(\S+?):(\d+):(?:[^:]*:)? \[frictionless:", line)
            assert m and (m.group(1), int(m.group(2))) in theirs_only, line
        assert full.exit_code == (1 if errors or extra else 0)

        # load refuses a table for anything wrong in the table itself; foreign keys are validate's.
        for table in SCHEMAS:
            own = [str(p) for p in report.errors if p.file == f"data/{table}.csv" and p.rule != "foreign-key"]
            if own:
                with pytest.raises(InvalidDataError) as exc:
                    sco_data.load(table, pkg_dir)
                assert [str(p) for p in sort_problems(exc.value.problems)] == own
            else:
                assert len(sco_data.load(table, pkg_dir)) == len(rows[table])


# ---------------------------------------------------------------------------------------------
# Fixed examples: the calendar, the interfaces, and every intentional difference shown.


@pytest.mark.parametrize("day", ["2017-06-31", "2023-02-29", "1900-02-29", "2024-13-01", "0000-01-01"])
def test_impossible_dates_are_refused_everywhere(tmp_path, day):
    rows = copy.deepcopy(BASE_ROWS)
    rows["places"][0][3] = day
    rows["events"][1][6] = f"{day}T09:00:00Z"
    pkg_dir = write(tmp_path / "pkg", rows)
    judged = judge(pkg_dir)
    expected = {("data/places.csv", 2, "founded", "type"), ("data/events.csv", 3, "starts", "type")}
    assert judged.ours == judged.theirs == expected
    for table in SCHEMAS:
        with pytest.raises(InvalidDataError, match="cannot be read"):
            sco_data.load(table, pkg_dir)
    assert CliRunner().invoke(cli, ["export", "--package", str(pkg_dir), "--out", str(tmp_path / "out")]).exit_code == 1
    assert not (tmp_path / "out").exists()


def test_load_refuses_unclean_text(tmp_path):
    rows = copy.deepcopy(BASE_ROWS)
    rows["places"][2][1] = "Bishkek\u200b"
    pkg_dir = write(tmp_path / "pkg", rows)
    with pytest.raises(InvalidDataError) as exc:
        sco_data.load("places", pkg_dir)
    assert [p.rule for p in exc.value.problems] == ["text-clean"]
    assert len(sco_data.load("events", pkg_dir)) == len(EVENTS_ROWS)


def test_a_required_cell_that_failed_its_type_is_one_type_error_on_both_sides(tmp_path):
    rows = copy.deepcopy(BASE_ROWS)
    rows["places"][0][6] = "yes"  # capital: required boolean
    judged = judge(write(tmp_path / "pkg", rows))
    assert judged.ours == judged.theirs == {("data/places.csv", 2, "capital", "type")}


def one_field(folder: Path, fdef: dict, cells: list[str | None]) -> Path:
    """A one-table package: an integer key and the field, one row per cell."""
    fields = [{"name": "id", "type": "integer", "constraints": {"required": True}}, fdef]
    rows = [[str(i + 1), c] for i, c in enumerate(cells)]
    return write_package(folder, "example", [("t", {"fields": fields, "primaryKey": ["id"]}, rows)])


# id -> (fdef, cell, kinds only we report, kinds only Frictionless reports) on that cell, line 2.
EXAMPLES = {
    "text-clean": ({"name": "s", "type": "string"}, "Bishkek\u200b", {"text-clean"}, set()),
    "formula-prefix": ({"name": "s", "type": "string"}, "=1+1", {"formula-prefix"}, set()),
    "python-number-spellings": ({"name": "n", "type": "integer", "constraints": {"maximum": 100}}, "1_000",
                                {"type"}, {"maximum"}),
    "int64": ({"name": "n", "type": "integer"}, "9223372036854775808", {"type"}, set()),
    "non-finite-numbers": ({"name": "x", "type": "number", "constraints": {"maximum": 10}}, "NaN",
                           {"type"}, {"maximum"}),
    "double-precision": ({"name": "x", "type": "number", "constraints": {"maximum": 10}}, "10.0000000000000001",
                         set(), {"maximum"}),
    "date-digits": ({"name": "d", "type": "date"}, "2008-8-28", {"type"}, set()),
    "datetime-zone": ({"name": "t", "type": "datetime"}, "2008-08-28T10:00:00", {"type"}, set()),
    "datetime-24h": ({"name": "t", "type": "datetime"}, "2008-08-28T24:00:00Z", {"type"}, set()),
    "iso-week-date": ({"name": "t", "type": "datetime"}, "2008-W35-4T10:00:00Z", {"type"}, set()),
    "datetime-lower-case": ({"name": "t", "type": "datetime"}, "2008-08-28t10:00:00z", {"type"}, set()),
    "list-empty-item": ({"name": "l", "type": "list", "delimiter": ";", "constraints": {"minLength": 3}}, "a;;",
                        {"type"}, set()),
    "datetime-precision": ({"name": "t", "type": "datetime"}, "2008-08-28T10:00:00.123456789Z", {"type"}, set()),
    "datetime-utc-range": ({"name": "t", "type": "datetime"}, "9999-12-31T23:30:00-01:00", {"type"}, set()),
    "number-underflow": ({"name": "x", "type": "number", "constraints": {"maximum": 1}}, "1e-400", {"type"}, set()),
}


def _by_id(d: Difference) -> str:
    return d.id


@pytest.mark.parametrize("difference", INTENTIONAL_DIFFERENCES, ids=_by_id)
def test_every_intentional_difference_is_real(tmp_path, difference: Difference):
    """Each entry of the table shows on an example of its own, exactly as the entry says, and its
    predicate excuses what it should: when Frictionless or we change, the table must too."""
    assert difference.reason
    if difference.id in EXAMPLES:
        fdef, cell, ours_only, theirs_only = EXAMPLES[difference.id]
        judged = judge(one_field(tmp_path / "pkg", fdef, [cell]))
        on = ("data/t.csv", 2, fdef["name"])
        assert {k[3] for k in judged.ours - judged.theirs if k[:3] == on} == ours_only
        assert {k[3] for k in judged.theirs - judged.ours if k[:3] == on} == theirs_only
        assert judged.ours ^ judged.theirs == {(*on, k) for k in ours_only | theirs_only}
        for kind in ours_only:
            assert excused("ours", (*on, kind), judged) is difference
        for kind in theirs_only:
            assert excused("frictionless", (*on, kind), judged) is difference
    elif difference.id == "utf8-bom":
        pkg_dir = one_field(tmp_path / "pkg", {"name": "s", "type": "string"}, ["a"])
        path = pkg_dir / "data" / "t.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        judged = judge(pkg_dir)
        assert (judged.ours, judged.theirs) == ({("data/t.csv", 1, None, "utf8-bom")}, set())
    elif difference.id == "cap":
        n = MAX_PROBLEMS_PER_COLUMN + 5
        judged = judge(one_field(tmp_path / "pkg", {"name": "n", "type": "integer"}, ["x"] * n))
        assert judged.theirs == {("data/t.csv", line, "n", "type") for line in range(2, n + 2)}
        assert judged.ours == {("data/t.csv", line, "n", "type") for line in range(2, MAX_PROBLEMS_PER_COLUMN + 2)}
        assert [str(p) for p in judged.ours_unplaced] == ["data/t.csv::n: [type] 5 more cells like these"]
    elif difference.id == "empty-key-reported-once":
        rows = copy.deepcopy(BASE_ROWS)
        rows["places"][3][0] = None  # a required key left empty
        rows["events"][3][0] = "four"  # a key that is no integer
        judged = judge(write(tmp_path / "pkg", rows))
        keys = {("data/places.csv", 6, "code", "primary-key"), ("data/events.csv", 5, "id", "primary-key")}
        assert judged.theirs - judged.ours == keys
        assert judged.ours - judged.theirs == set()
        assert all(excused("frictionless", k, judged) is difference for k in keys)
    elif difference.id == "frictionless-crash":
        fdef = {"name": "t", "type": "datetime", "constraints": {"minimum": "2000-01-01T00:00:00Z"}}
        judged = judge(one_field(tmp_path / "pkg", fdef, ["2008-08-28T10:00:00"]))
        assert judged.ours == {("data/t.csv", 2, "t", "type")}
        assert judged.theirs == {("datapackage.json", None, None, "frictionless:crash")}
    else:
        pytest.fail(f"no example for {difference.id}")



# ---------------------------------------------------------------------------------------------
# Disagreements found by the property tests where we were wrong, each kept as a regression test.


def test_exclusive_bounds_are_checked(tmp_path):
    fdef = {"name": "n", "type": "integer", "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 10}}
    judged = judge(one_field(tmp_path / "pkg", fdef, ["0", "5", "10"]))
    assert judged.theirs == {("data/t.csv", 2, "n", "exclusiveMinimum"), ("data/t.csv", 4, "n", "exclusiveMaximum")}
    assert judged.ours == judged.theirs


def test_validate_reports_an_empty_key_cell_once(tmp_path):
    rows = copy.deepcopy(BASE_ROWS)
    rows["places"][3][0] = None
    pkg = load_package(write(tmp_path / "pkg", rows))
    fast = [str(p) for p in validate_package(pkg, frictionless=False).errors]
    assert fast == ["data/places.csv:6:code: [required] empty, but this column is required; fill it in"]
    assert [str(p) for p in validate_package(pkg, frictionless=True).errors] == fast
