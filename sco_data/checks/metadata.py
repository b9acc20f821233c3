"""Metadata lint: what Frictionless lets through but a published package should not.

Each lint is a small named function over the descriptor; problems point at the descriptor file
with the column set to where in it the fault is, e.g. `resources[members].fields[notes]`.

Each is a descriptor check of the registry (registry.py). A "warning" lint is about what a
published package should say (a description, a version, a licence): stock Frictionless accepts a
package without it, and so do validate and export unless --strict. An "error" lint is about what
stops the data being read as the descriptor says.
"""

from __future__ import annotations

import datetime as dt
import re

from .. import dialect as dia
from .. import schema as sch
from ..descriptor import Package
from ..versions import SEMVER
from .registry import DESCRIPTOR, WARNING, Case, SetProperty, check

PACKAGE_NAME = re.compile(r"^[a-z0-9._-]+$")


def _field_at(res_name: str, field_name: str) -> str:
    return f"resources[{res_name}].fields[{field_name}]"


@check("metadata-schema", DESCRIPTOR, level=WARNING, cases=[
    Case("schema-missing", SetProperty(("$schema",)),
         ["datapackage.json::$schema: [metadata-schema] no $schema; set it to "
          "https://datapackage.org/profiles/2.0/datapackage.json (Data Package v2)"]),
])
def has_schema(pkg: Package):
    """The descriptor names its profile in `$schema`, so that a reader (and Frictionless) knows it
    is a Data Package v2 and which rules apply to it."""
    if not isinstance(pkg.descriptor.get("$schema"), str) or not pkg.descriptor["$schema"]:
        yield "$schema", "no $schema; set it to https://datapackage.org/profiles/2.0/datapackage.json (Data Package v2)"


@check("metadata-version", DESCRIPTOR, level=WARNING, cases=[
    Case("version-not-semver", SetProperty(("version",), "1.0"),
         ["datapackage.json::version: [metadata-version] '1.0' is not a semantic version (MAJOR.MINOR.PATCH, "
          "e.g. 1.0.0)"]),
    Case("version-missing", SetProperty(("version",)),
         ["datapackage.json::version: [metadata-version] no version; give a semantic version such as 1.0.0"]),
])
def semver_version(pkg: Package):
    """`version` is a semantic version (semver.org): releases, the changelog and the required bump
    (MAJOR, MINOR, PATCH, by the Data Package version recipe) are computed from it."""
    version = pkg.descriptor.get("version")
    if version is None:
        yield "version", "no version; give a semantic version such as 1.0.0"
    elif not isinstance(version, str) or not SEMVER.match(version):
        yield "version", f"{version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)"


@check("metadata-name", DESCRIPTOR, level=WARNING, cases=[
    Case("name-pattern", SetProperty(("name",), "SCO Data"),
         ["datapackage.json::name: [metadata-name] 'SCO Data' is not a package name: use lower-case letters, "
          "digits, '.', '_' and '-' only"]),
])
def package_name(pkg: Package):
    """`name` is a package name as Data Package defines it: lower-case letters, digits, `.`, `_`
    and `-`. It names the release zip and identifies the package wherever it is published."""
    name = pkg.descriptor.get("name")
    if not isinstance(name, str) or not PACKAGE_NAME.match(name):
        yield "name", f"{name!r} is not a package name: use lower-case letters, digits, '.', '_' and '-' only"


@check("metadata-licenses", DESCRIPTOR, level=WARNING, cases=[
    Case("licenses-missing", SetProperty(("licenses",)),
         ["datapackage.json::licenses: [metadata-licenses] no licenses; name the data licence, e.g. "
          "{\"name\": \"CC-BY-4.0\"}"]),
])
def licenses_present(pkg: Package):
    """The package names its licence, each with a name or a path: data without one cannot be
    reused, and the exports, the README and the release carry it."""
    licenses = pkg.descriptor.get("licenses")
    if not isinstance(licenses, list) or not licenses:
        yield "licenses", "no licenses; name the data licence, e.g. {\"name\": \"CC-BY-4.0\"}"
        return
    for i, lic in enumerate(licenses):
        if not isinstance(lic, dict) or not (lic.get("name") or lic.get("path")):
            yield f"licenses[{i}]", "a licence needs a name or a path"


@check("metadata-encoding", DESCRIPTOR, cases=[
    Case("encoding-not-utf8", SetProperty(("resources", "countries", "encoding"), "latin-1"),
         ["datapackage.json::resources[countries].encoding: [metadata-encoding] encoding 'latin-1': the tables "
          "are read as UTF-8; declare utf-8"]),
])
def utf8_only(pkg: Package):
    """Every resource is UTF-8, declared or by default: the tables are read as UTF-8, so another
    declared encoding would tell other readers something untrue about the files."""
    for res in pkg.resources:
        enc = res.descriptor.get("encoding", "utf-8")
        if not isinstance(enc, str) or enc.lower().replace("_", "-") not in ("utf-8", "utf8"):
            yield f"resources[{res.name}].encoding", f"encoding {enc!r}: the tables are read as UTF-8; declare utf-8"


@check("metadata-description", DESCRIPTOR, level=WARNING, cases=[
    Case("description-missing", SetProperty(("resources", "members", "schema", "fields", "notes", "description")),
         ["datapackage.json::resources[members].fields[notes]: [metadata-description] no description; say what "
          "the column holds"]),
    Case("description-blank", SetProperty(("resources", "members", "schema", "fields", "notes", "description"), "  "),
         ["datapackage.json::resources[members].fields[notes]: [metadata-description] no description; say what "
          "the column holds"]),
])
def field_descriptions(pkg: Package):
    """Every field has a description: the data dictionary, the workbook and the Datasette
    metadata are written from them, so a column without one is unexplained everywhere."""
    for res in pkg.resources:
        for f in res.fields:
            if not isinstance(f.get("description"), str) or not f["description"].strip():
                yield _field_at(res.name, f["name"]), "no description; say what the column holds"


@check("metadata-type", DESCRIPTOR)
def supported_types(pkg: Package):
    """Every field has a type the toolkit reads (string, integer, number, boolean, date, datetime,
    year, or a list of strings with a non-empty delimiter); a table with another is not read at
    all, so it is an error."""
    for res in pkg.resources:
        for f in res.fields:
            reason = sch.unsupported(f)
            if reason:
                yield _field_at(res.name, f["name"]), f"{reason}; the table cannot be read until it is fixed"


def _fits(value, ftype: str) -> bool:
    """Whether an enum value is a value of the field's type, as JSON writes it."""
    if ftype == "string":
        return isinstance(value, str)
    if ftype in ("integer", "year"):
        return isinstance(value, int) and not isinstance(value, bool)
    if ftype == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if ftype == "boolean":
        return isinstance(value, bool)
    if ftype == "date":
        try:
            return isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value
        except ValueError:
            return False
    if ftype == "datetime":
        try:
            return isinstance(value, str) and dt.datetime.fromisoformat(value) is not None
        except ValueError:
            return False
    return False


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


@check("metadata-pattern", DESCRIPTOR, cases=[
    Case("pattern-not-regex", SetProperty(("resources", "countries", "schema", "fields", "name", "constraints",
                                           "pattern"), "[A-Z"),
         ["datapackage.json::resources[countries].fields[name].constraints.pattern: [metadata-pattern] '[A-Z' is "
          "not a regular expression"]),
])
def valid_patterns(pkg: Package):
    """A `pattern` constraint is a regular expression; the data cannot be judged against one that
    is not (the constraints check skips it)."""
    for res in pkg.resources:
        for f in res.fields:
            pattern = sch.constraints(f).get("pattern")
            if pattern is not None and (not isinstance(pattern, str) or not _compiles(pattern)):
                where = _field_at(res.name, f["name"]) + ".constraints.pattern"
                yield where, f"{pattern!r} is not a regular expression"


@check("metadata-enum", DESCRIPTOR, cases=[
    Case("enum-empty", SetProperty(("resources", "summits", "schema", "fields", "format", "constraints", "enum"), []),
         ["datapackage.json::resources[summits].fields[format].constraints.enum: [metadata-enum] an enum must be a "
          "non-empty list of the allowed values"]),
    Case("enum-duplicate", SetProperty(("resources", "summits", "schema", "fields", "format", "constraints",
                                        "enum"), ["in_person", "virtual", "hybrid", "virtual"]),
         ["datapackage.json::resources[summits].fields[format].constraints.enum: [metadata-enum] 'virtual' is "
          "listed twice"]),
    Case("enum-against-pattern", SetProperty(("resources", "countries", "schema", "fields", "iso3", "constraints",
                                              "enum"), ["CHN", "KAZ", "MNG", "RUS", "UZB", "uzb"]),
         ["datapackage.json::resources[countries].fields[iso3].constraints.enum: [metadata-enum] 'uzb' does not "
          "match the field's pattern ^[A-Z]{3}$"]),
    Case("enum-wrong-type", SetProperty(("resources", "military_exercises", "schema", "fields", "troops_total",
                                         "constraints", "enum"), [6000, "many"]),
         ["datapackage.json::resources[military_exercises].fields[troops_total].constraints.enum: [metadata-enum] "
          "'many' is not of type integer, the field's type"]),
])
def consistent_enums(pkg: Package):
    """An `enum` constraint is a non-empty list of distinct values of the field's type that match
    its pattern, and is not on a list field (which it could not judge): otherwise some allowed
    value could never be written, or the data could not be judged against it."""
    for res in pkg.resources:
        for f in res.fields:
            cons = sch.constraints(f)
            if "enum" not in cons:
                continue
            where = _field_at(res.name, f["name"]) + ".constraints.enum"
            values = cons["enum"]
            if not isinstance(values, list) or not values:
                yield where, "an enum must be a non-empty list of the allowed values"
                continue
            if sch.unsupported(f):
                continue
            ftype = sch.field_type(f)
            if ftype == "list":
                yield where, "an enum on a list field is not checked; remove it or make the field a string"
                continue
            seen: set = set()
            for v in values:
                key = (type(v), v) if isinstance(v, (str, int, float, bool)) else repr(v)
                if key in seen:
                    yield where, f"{v!r} is listed twice"
                seen.add(key)
            for v in values:
                if not _fits(v, ftype):
                    yield where, f"{v!r} is not of type {ftype}, the field's type"
            pattern = cons.get("pattern")
            if ftype == "string" and isinstance(pattern, str) and _compiles(pattern):
                for v in values:
                    if isinstance(v, str) and not re.search(f"^(?:{pattern})$", v):
                        yield where, f"{v!r} does not match the field's pattern {pattern}"


@check("metadata-key", DESCRIPTOR, cases=[
    Case("primary-key-unknown-field", SetProperty(("resources", "countries", "schema", "primaryKey"), ["code"]),
         ["datapackage.json::resources[countries].schema.primaryKey: [metadata-key] names 'code', which is not a "
          "field of countries"]),
])
def keys_name_fields(pkg: Package):
    """Primary and foreign keys name fields that exist, in tables that exist, with as many fields
    on each side of a reference: a key that names nothing checks nothing."""
    schemas = {r.name: r for r in pkg.resources}
    for res in pkg.resources:
        names = set(res.field_names)
        for name in res.primary_key:
            if name not in names:
                yield f"resources[{res.name}].schema.primaryKey", f"names {name!r}, which is not a field of {res.name}"
        for k, fk in enumerate(res.foreign_keys):
            where = f"resources[{res.name}].schema.foreignKeys[{k}]"
            for name in fk["fields"]:
                if name not in names:
                    yield where, f"names {name!r}, which is not a field of {res.name}"
            target = schemas.get(fk["resource"])
            if target is None:
                yield where, f"refers to a table {fk['resource']!r} that the package does not have"
                continue
            for name in fk["ref_fields"]:
                if name not in target.field_names:
                    yield where, f"refers to {fk['resource']}.{name}, which is not a field of {fk['resource']}"
            if len(fk["fields"]) != len(fk["ref_fields"]):
                yield where, "fields and reference fields differ in number"



_BOOLEAN_CONSTRAINTS = ("required", "unique")
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _bound_fault(fdef: dict, value) -> str | None:
    """Why a minimum or maximum cannot bound the field's values, or None when it can."""
    from ..convert import constraint_value

    ftype = sch.field_type(fdef)
    if ftype not in ("integer", "number", "year", "date", "datetime"):
        return f"a bound on a {ftype} field is not checked; remove it"
    try:
        constraint_value(fdef, value)
    except (TypeError, ValueError) as exc:
        return f"{value!r} is not a value of the field's type {ftype} ({exc}); the data cannot be judged against it"
    return None
_LENGTHS = ("minLength", "maxLength")


@check("metadata-constraints", DESCRIPTOR, cases=[
    Case("required-as-text", SetProperty(("resources", "countries", "schema", "fields", "name", "constraints",
                                          "required"), "false"),
         ["datapackage.json::resources[countries].fields[name].constraints.required: [metadata-constraints] "
          "'false' is not true or false (JSON booleans, without quotes)"]),
    Case("length-as-text", SetProperty(("resources", "countries", "schema", "fields", "name", "constraints",
                                        "maxLength"), "5"),
         ["datapackage.json::resources[countries].fields[name].constraints.maxLength: [metadata-constraints] "
          "'5' is not a whole number of 0 or more (a JSON number, without quotes)"]),
])
def constraint_types(pkg: Package):
    """Each constraint has the type Table Schema gives it: `required` and `unique` are true or
    false, `minLength` and `maxLength` whole numbers of 0 or more, a minimum or maximum a value of
    the field's type (written as its cells are), and a constraint Table Schema does not define is
    not used. A constraint written as text ("false", "5") would be read
    differently by different tools, so no reader guesses: the package is refused until it is
    fixed."""
    known = {"required", "unique", "enum", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
             "minLength", "maxLength"}
    for res in pkg.resources:
        for f in res.fields:
            where = _field_at(res.name, f["name"]) + ".constraints"
            for key, value in sch.constraints(f).items():
                if key not in known:
                    yield f"{where}.{key}", f"{key!r} is not a Table Schema constraint; remove it"
                elif key in _BOOLEAN_CONSTRAINTS and not isinstance(value, bool):
                    yield f"{where}.{key}", f"{value!r} is not true or false (JSON booleans, without quotes)"
                elif key in _LENGTHS and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                    yield f"{where}.{key}", (f"{value!r} is not a whole number of 0 or more "
                                             "(a JSON number, without quotes)")
                elif key in _BOUNDS and not sch.unsupported(f):
                    why = _bound_fault(f, value)
                    if why:
                        yield f"{where}.{key}", why


@check("metadata-dialect", DESCRIPTOR)
def readable_dialect(pkg: Package):
    """Each resource is a CSV file read in a dialect the toolkit reads exactly as the descriptor
    says: any `delimiter`, `quoteChar`, `doubleQuote`, `escapeChar` and `lineTerminator`, with the
    column names on the first line. Comment rows, several header rows, `header: false`,
    `nullSequence`, `skipInitialSpace`, a `compression` or a `format` other than csv are not
    read, and the resource is refused naming the property, rather than read otherwise than it says."""
    for res in pkg.resources:
        for where, why in dia.dialect_faults(res.descriptor, pkg.base_dir):
            yield f"resources[{res.name}].{where}", why
