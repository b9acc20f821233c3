"""The descriptor, its resources, and safe paths.

Only relative paths inside the package folder are accepted: an absolute path, a path that climbs
out with `..` or a URL is refused before anything is read or fetched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import PackageError, Problem

DESCRIPTOR = "datapackage.json"
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def default_descriptor() -> Path:
    """The package shipped with sco_data: the repository's, or the copy inside an installed wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_package" / DESCRIPTOR, here.parent / DESCRIPTOR):
        if candidate.is_file():
            return candidate
    raise PackageError(f"no {DESCRIPTOR} found beside the sco_data package")


@dataclass
class Resource:
    name: str
    path: Path
    relpath: str
    schema: dict
    descriptor: dict

    @property
    def fields(self) -> list[dict]:
        return self.schema.get("fields", [])

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        pk = self.schema.get("primaryKey") or []
        return [pk] if isinstance(pk, str) else list(pk)

    @property
    def foreign_keys(self) -> list[dict]:
        out = []
        for fk in self.schema.get("foreignKeys", []):
            fields = fk["fields"]
            ref = fk["reference"]
            ref_fields = ref["fields"]
            out.append(
                {
                    "fields": [fields] if isinstance(fields, str) else list(fields),
                    "resource": ref.get("resource") or self.name,
                    "ref_fields": [ref_fields] if isinstance(ref_fields, str) else list(ref_fields),
                }
            )
        return out


@dataclass
class Package:
    descriptor_path: Path
    descriptor: dict
    resources: list[Resource] = field(default_factory=list)

    @property
    def base_dir(self) -> Path:
        return self.descriptor_path.parent

    @property
    def name(self) -> str:
        return self.descriptor.get("name", "")

    @property
    def version(self) -> str:
        return self.descriptor.get("version", "")

    def resource(self, name: str) -> Resource:
        for res in self.resources:
            if res.name == name:
                return res
        known = ", ".join(r.name for r in self.resources)
        raise PackageError(f"no table named {name!r} in {self.descriptor_path.name}; tables: {known}")

    def display(self, path: Path) -> str:
        """A path as a person should see it in a message: relative to the package folder."""
        try:
            return path.relative_to(self.base_dir).as_posix()
        except ValueError:
            return str(path)


def _descriptor_path(path: str | Path | None) -> Path:
    if path is None:
        return default_descriptor()
    p = Path(path)
    if p.is_dir():
        p = p / DESCRIPTOR
    if not p.is_file():
        raise PackageError(
            f"{p}: no such descriptor; give a {DESCRIPTOR} or a folder that holds one",
            [Problem(str(p), None, None, "descriptor-missing", "file not found")],
        )
    return p


def safe_resource_path(base: Path, raw: object, where: str) -> tuple[Path, str]:
    """Resolve a resource path, refusing anything that is not a plain relative path inside base."""
    if not isinstance(raw, str) or not raw:
        raise PackageError(f"{where}: path must be one relative file path, got {raw!r}")
    if _URL.match(raw):
        raise PackageError(f"{where}: path {raw!r} is a URL; only files inside the package are read")
    if raw.startswith(("/", "\\")) or re.match(r"^[a-zA-Z]:[\\/]", raw):
        raise PackageError(f"{where}: path {raw!r} is absolute; use a path relative to the descriptor")
    parts = PurePosixPath(raw.replace("\\", "/")).parts
    if ".." in parts:
        raise PackageError(f"{where}: path {raw!r} climbs out of the package with '..'")
    resolved = (base / raw).resolve()
    if not resolved.is_relative_to(base.resolve()):
        raise PackageError(f"{where}: path {raw!r} leads outside the package folder")
    return base / raw, raw


def _load_json(path: Path, what: str) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackageError(f"{path}: {what} is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise PackageError(f"{path}: cannot read {what}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackageError(
            f"{path}:{exc.lineno}:{exc.colno}: {what} is not valid JSON: {exc.msg}",
            [Problem(path.name, exc.lineno, None, "descriptor-json", f"not valid JSON: {exc.msg} (column {exc.colno})")],
        ) from None
    if not isinstance(data, dict):
        raise PackageError(f"{path}: {what} must be a JSON object")
    return data


def load_package(path: str | Path | None = None) -> Package:
    """Read a descriptor and resolve its resources. Nothing but the descriptor (and schemas it
    names by relative path) is read here."""
    dpath = _descriptor_path(path)
    descriptor = _load_json(dpath, "descriptor")
    base = dpath.parent
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise PackageError(f"{dpath}: the descriptor lists no resources")
    pkg = Package(dpath, descriptor)
    seen: set[str] = set()
    for i, res in enumerate(resources):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            raise PackageError(f"{dpath}: resources[{i}] needs a name")
        name = res["name"]
        if name in seen:
            raise PackageError(f"{dpath}: resource name {name!r} is used twice")
        seen.add(name)
        where = f"{dpath.name}: resource {name!r}"
        full, rel = safe_resource_path(base, res.get("path"), where)
        schema = res.get("schema")
        if isinstance(schema, str):
            spath, _ = safe_resource_path(base, schema, f"{where} schema")
            schema = _load_json(spath, "schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            raise PackageError(f"{where}: needs a Table Schema with a list of fields")
        pkg.resources.append(Resource(name, full, rel, schema, res))
    return pkg
