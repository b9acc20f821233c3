"""Metadata lint: what Frictionless lets through but a published package should not.

Each lint is a small named function over the descriptor; problems point at the descriptor file
with the column set to where in it the fault is, e.g. `resources[members].fields[notes]`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

from . import schema as sch
from .descriptor import Package
from .errors import Problem
from .versions import SEMVER

PACKAGE_NAME = re.compile(r"^[a-z0-9._-]+$")

LINTS: list[tuple[str, str, Callable[[Package], Iterator[tuple[str | None, str]]]]] = []


def lint(name: str, level: str = "error"):
    """Register a lint; it yields (where in the descriptor, message) pairs. A "warning" lint is
    about what a published package should say (a description, a version, a licence): stock
    Frictionless accepts a package without it, and so do validate and export unless --strict.
    An "error" lint is about what stops the data being read as the descriptor says."""

    def register(check):
        LINTS.append((name, level, check))
        return check

    return register


def _field_at(res_name: str, field_name: str) -> str:
    return f"resources[{res_name}].fields[{field_name}]"


@lint("metadata-schema", "warning")
def has_schema(pkg: Package):
    if not isinstance(pkg.descriptor.get("$schema"), str) or not pkg.descriptor["$schema"]:
        yield "$schema", "no $schema; set it to https://datapackage.org/profiles/2.0/datapackage.json (Data Package v2)"


@lint("metadata-version", "warning")
def semver_version(pkg: Package):
    version = pkg.descriptor.get("version")
    if version is None:
        yield "version", "no version; give a semantic version such as 1.0.0"
    elif not isinstance(version, str) or not SEMVER.match(version):
        yield "version", f"{version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)"


@lint("metadata-name", "warning")
def package_name(pkg: Package):
    name = pkg.descriptor.get("name")
    if not isinstance(name, str) or not PACKAGE_NAME.match(name):
        yield "name", f"{name!r} is not a package name: use lower-case letters, digits, '.', '_' and '-' only"


@lint("metadata-licenses", "warning")
def licenses_present(pkg: Package):
    licenses = pkg.descriptor.get("licenses")
    if not isinstance(licenses, list) or not licenses:
        yield "licenses", "no licenses; name the data licence, e.g. {\"name\": \"CC-BY-4.0\"}"
        return
    for i, lic in enumerate(licenses):
        if not isinstance(lic, dict) or not (lic.get("name") or lic.get("path")):
            yield f"licenses[{i}]", "a licence needs a name or a path"


@lint("metadata-encoding")
def utf8_only(pkg: Package):
    for res in pkg.resources:
        enc = res.descriptor.get("encoding", "utf-8")
        if not isinstance(enc, str) or enc.lower().replace("_", "-") not in ("utf-8", "utf8"):
            yield f"resources[{res.name}].encoding", f"encoding {enc!r}: the tables are read as UTF-8; declare utf-8"


@lint("metadata-description", "warning")
def field_descriptions(pkg: Package):
    for res in pkg.resources:
        for f in res.fields:
            if not isinstance(f.get("description"), str) or not f["description"].strip():
                yield _field_at(res.name, f["name"]), "no description; say what the column holds"


@lint("metadata-type")
def supported_types(pkg: Package):
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


@lint("metadata-pattern")
def valid_patterns(pkg: Package):
    for res in pkg.resources:
        for f in res.fields:
            pattern = sch.constraints(f).get("pattern")
            if pattern is not None and (not isinstance(pattern, str) or not _compiles(pattern)):
                yield _field_at(res.name, f["name"]) + ".constraints.pattern", f"{pattern!r} is not a regular expression"


@lint("metadata-enum")
def consistent_enums(pkg: Package):
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


@lint("metadata-key")
def keys_name_fields(pkg: Package):
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


def lint_package(pkg: Package, *, strict: bool = False) -> list[Problem]:
    """Every lint finding; with strict=True warnings count as errors (make test, release)."""
    file = pkg.descriptor_path.name
    return [Problem(file, None, where, name, message, "error" if strict else level)
            for name, level, check in LINTS for where, message in check(pkg)]
