"""The descriptor, its resources, and safe paths.

Only relative paths inside the package folder are accepted: an absolute path, a path that climbs
out with `..` or a URL is refused before anything is read or fetched.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import PackageError, Problem

DESCRIPTOR = "datapackage.json"
# Where a built wheel carries the package, inside sco_data (see setup.py).
BUNDLED = "_package"
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def find_descriptor(start: str | Path | None = None) -> Path | None:
    """The nearest datapackage.json from start (default: the working folder) upwards, the way git
    finds its repository; None when no folder up to the root holds one."""
    here = Path(start if start is not None else Path.cwd()).absolute()
    for folder in (here, *here.parents):
        candidate = folder / DESCRIPTOR
        if candidate.is_file():
            return candidate
    return None


def shown_path(path: str | Path, root: str | Path | None = None) -> str:
    """A path as a command names it: relative to the working folder when it lies inside it, or
    when both lie inside root (the package folder: `../exports/0.2.0` from its data/); elsewhere
    absolute, which says more than a climb of ../../.."""
    path, here = Path(path).absolute(), Path.cwd()
    inside_root = root is not None and here.is_relative_to(Path(root).absolute()) and path.is_relative_to(
        Path(root).absolute())
    if path.is_relative_to(here) or inside_root:
        return os.path.relpath(path, here)
    return str(path)


def bundled_version() -> str:
    """The version of the package shipped with sco_data, which is the toolkit's own version."""
    return str(json.loads(default_descriptor().read_text(encoding="utf-8")).get("version", ""))


def default_descriptor() -> Path:
    """The package shipped with sco_data: the repository's, or the copy inside an installed wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / BUNDLED / DESCRIPTOR, here.parent / DESCRIPTOR):
        if candidate.is_file():
            return candidate
    raise _refuse(DESCRIPTOR, None, "descriptor-missing", "none found beside the sco_data package; give a PATH")


@dataclass
class Resource:
    name: str
    path: Path
    relpath: str
    schema: dict
    descriptor: dict
    base: Path | None = None  # the package folder, which relative paths in the descriptor start from

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
    def is_bundled(self) -> bool:
        """The read-only copy inside an installed sco_data, not a working package."""
        return self.base_dir.name == BUNDLED and self.base_dir.parent.name == "sco_data"

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

    @property
    def shown(self) -> str:
        """The descriptor as a command names it: relative to the working folder, or, for the copy
        inside an installed sco_data, said to be that."""
        if self.is_bundled:
            return f"the copy bundled with sco_data, {self.descriptor_path}"
        return shown_path(self.descriptor_path, self.base_dir)

    def display(self, path: Path) -> str:
        """A path as a person should see it in a message: relative to the package folder."""
        try:
            return path.relative_to(self.base_dir).as_posix()
        except ValueError:
            return str(path)


def _refuse(file: str, column: str | None, rule: str, message: str, row: int | None = None) -> PackageError:
    problem = Problem(file, row, column, rule, message)
    return PackageError(str(problem), [problem])


def _descriptor_path(path: str | Path | None) -> Path:
    if path is None:
        return find_descriptor() or default_descriptor()
    p = Path(path)
    if p.is_dir():
        p = p / DESCRIPTOR
    if not p.is_file():
        raise _refuse(str(p), None, "descriptor-missing",
                      f"no such file; give a {DESCRIPTOR} or a folder that holds one")
    return p


def unsafe_path_reason(raw: object) -> str | None:
    """Why a path from a descriptor may not be followed, or None when it is a plain relative path."""
    if not isinstance(raw, str) or not raw:
        return f"must be one relative file path, got {raw!r}"
    if _URL.match(raw):
        return f"{raw!r} is a URL; only files inside the package are read, nothing is fetched"
    if raw.startswith(("/", "\\", "~")) or re.match(r"^[a-zA-Z]:", raw):
        return f"{raw!r} is absolute; use a path relative to the descriptor"
    if ".." in PurePosixPath(raw.replace("\\", "/")).parts:
        return f"{raw!r} climbs out of the package folder with '..'"
    return None


def safe_resource_path(base: Path, raw: object, where: str, file: str = DESCRIPTOR) -> tuple[Path, str]:
    """Resolve a resource path, refusing anything that is not a plain relative path inside base.
    Nothing is opened or fetched here: the path is judged by its text, then by where it resolves."""
    reason = unsafe_path_reason(raw)
    if reason is None and not (base / raw).resolve().is_relative_to(base.resolve()):
        reason = f"{raw!r} leads outside the package folder (through a link)"
    if reason:
        raise _refuse(file, where, "unsafe-path", reason)
    return base / raw, raw


def _load_json(path: Path, what: str) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(path.name, None, "descriptor-encoding",
                      f"{what} is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise _refuse(path.name, None, "descriptor-missing", f"cannot read {what}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refuse(path.name, str(exc.colno), "descriptor-json",
                      f"{what} is not valid JSON: {exc.msg}", exc.lineno) from None
    if not isinstance(data, dict):
        raise _refuse(path.name, None, "descriptor-json", f"{what} must be a JSON object, not {type(data).__name__}")
    return data


def _names_a_file(profile: object) -> bool:
    """A profile is either a registered name ("tabular-data-resource") or a file or URL that
    Frictionless would read or fetch."""
    return isinstance(profile, str) and (bool(_URL.match(profile)) or "/" in profile or "\\" in profile)


def _is_names(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _schema_faults(schema: dict, where: str) -> list[tuple[str, str]]:
    """Faults that would stop any reader from using a schema at all, as (pointer, message)."""
    faults = []
    names: set[str] = set()
    for j, fdef in enumerate(schema["fields"]):
        if not isinstance(fdef, dict) or not isinstance(fdef.get("name"), str) or not fdef["name"]:
            faults.append((f"{where}.fields[{j}]", "each field needs a name"))
            continue
        if fdef["name"] in names:
            faults.append((f"{where}.fields[{fdef['name']}]", "the field name is used twice"))
        names.add(fdef["name"])
        if not isinstance(fdef.get("constraints", {}), dict):
            faults.append((f"{where}.fields[{fdef['name']}].constraints", "constraints must be an object"))
    if "primaryKey" in schema and not _is_names(schema["primaryKey"]):
        faults.append((f"{where}.primaryKey", "primaryKey must be a field name or a list of field names"))
    fks = schema.get("foreignKeys", [])
    if not isinstance(fks, list):
        faults.append((f"{where}.foreignKeys", "foreignKeys must be a list"))
        fks = []
    for k, fk in enumerate(fks):
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if not (
            isinstance(fk, dict)
            and _is_names(fk.get("fields"))
            and isinstance(ref, dict)
            and _is_names(ref.get("fields"))
            and isinstance(ref.get("resource", ""), str)
        ):
            faults.append((f"{where}.foreignKeys[{k}]", "needs fields and a reference with a resource and fields"))
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        faults.append((f"{where}.missingValues", "missingValues must be a list of strings"))
    return faults


def load_package(path: str | Path | None = None) -> Package:
    """Read a descriptor and resolve its resources. Nothing but the descriptor (and schemas it
    names by relative path) is read here; every path it names is judged before anything else is
    opened, so an absolute path, a '..' or a URL is refused without being read or fetched."""
    dpath = _descriptor_path(path)
    descriptor = _load_json(dpath, "descriptor")
    base = dpath.parent
    file = dpath.name
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise _refuse(file, "resources", "descriptor", "the descriptor lists no resources")
    # Paths first, for every resource: a later fault must not let an earlier unsafe path be read.
    if _names_a_file(descriptor.get("profile")):
        safe_resource_path(base, descriptor["profile"], "profile", file)
    names: list[str] = []
    for i, res in enumerate(resources):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str) or not res["name"]:
            raise _refuse(file, f"resources[{i}]", "descriptor", "each resource needs a name")
        name = res["name"]
        if name in names:
            raise _refuse(file, f"resources[{name}]", "descriptor", "the resource name is used twice")
        names.append(name)
        safe_resource_path(base, res.get("path"), f"resources[{name}].path", file)
        for key in ("schema", "dialect"):
            if isinstance(res.get(key), str):
                safe_resource_path(base, res[key], f"resources[{name}].{key}", file)
        if _names_a_file(res.get("profile")):
            safe_resource_path(base, res["profile"], f"resources[{name}].profile", file)
    pkg = Package(dpath, descriptor)
    faults: list[tuple[str, str]] = []
    for res in resources:
        name = res["name"]
        full, rel = safe_resource_path(base, res["path"], f"resources[{name}].path", file)
        schema = res.get("schema")
        if isinstance(schema, str):
            schema = _load_json(base / schema, "schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            faults.append((f"resources[{name}].schema", "needs a Table Schema with a list of fields"))
            continue
        found = _schema_faults(schema, f"resources[{name}].schema")
        if found:
            faults.extend(found)
            continue
        pkg.resources.append(Resource(name, full, rel, schema, res, base))
    if faults:
        problems = [Problem(file, None, where, "descriptor", message) for where, message in faults]
        raise PackageError("\n".join(map(str, problems)), problems)
    return pkg
