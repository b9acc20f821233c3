"""`sco-data serve`: the package in a browser, through Datasette.

Datasette serves a copy of the exported sco.sqlite (exports/latest/sco.sqlite, exported first when
it is missing or stale) that adds full-text indexes; the export itself is left as it is, so that a
release's SQLite stays byte for byte what `verify --rebuild` expects. The copy lives in a cache
folder keyed by a fingerprint of the package (descriptor and data files), and is rebuilt when that
changes or when the export it came from does.

What Datasette shows comes from datapackage.json: title, description, licence, source; a
description for every table and column (with the values a column allows); label columns, so that a
code shows the name of what it refers to; facets on enumerations and years; a sort by the
first required date or year; `_package` hidden. A small plugin with its own templates
(sco_data/datasette_plugin) lays the pages out for reading: a home page that lists every table and
canned query, a footer that credits the package (and names the work it began from only as that),
records as label/value pairs with a name beside every code, long text cut in tables and whole on a
row's page, year facets in year order, and query pages that open on the question and its answer and
refuse, with a message, a parameter they cannot answer for. The canned queries, and the tables
and functions they need, are in sco_data.queries.

Served immutable (`-i`), read-only: no write query, no download of the database file, no static
folder, on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import json
import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from . import guide
from . import queries as canned
from . import schema as sch
from .atomic import sha256_file, staged_folder
from .descriptor import Package
from .errors import ScoDataError

DB_NAME = "sco"  # the database's name in Datasette's URLs: the export's file name without .sqlite
SERVED_FILE = f"{DB_NAME}.db"
METADATA_FILE = "metadata.json"
BUILT_FROM = "built-from"
PLUGIN_NAME = "sco-data"
PLUGINS_DIR = Path(__file__).resolve().parent / "datasette_plugin"
TEMPLATES_DIR = PLUGINS_DIR / "templates"
SERVE_FORMAT = "2"  # bump when the served copy or its metadata change shape
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
INSTALL_HINT = "pip install 'sco-data[serve]' (in a clone of the repository: pip install '.[serve]')"
SETTINGS = {
    "allow_download": "off",  # the file served is a working copy; the export has the real one
    "suggest_facets": "off",  # the facets come from the schema
    "default_page_size": "100",
    "truncate_cells_html": "0",  # the plugin cuts long text in tables, never in a row's page
}


class ServeError(ScoDataError):
    exit_code = 2


def datasette_available() -> bool:
    return importlib.util.find_spec("datasette") is not None


# --------------------------------------------------------------------------- what to serve


def fingerprint(pkg: Package) -> str:
    """A hash of everything the served copy is made from: the descriptor, every data file, the
    toolkit's version and this module's format."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256()
    try:
        h.update(version("sco-data").encode())
    except PackageNotFoundError:
        pass
    h.update(SERVE_FORMAT.encode())
    h.update(pkg.descriptor_path.read_bytes())
    for res in pkg.resources:
        h.update(res.relpath.encode() + b"\0")
        h.update(sha256_file(res.path).encode() if res.path.is_file() else b"missing")
    return h.hexdigest()


def cache_root() -> Path:
    base = os.environ.get("SCO_DATA_CACHE")
    if base:
        return Path(base) / "serve"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "sco-data" / "serve"


def free_text_fields(res) -> list[str]:
    """Text a person would search: string fields without an enumeration or a pattern (which
    codes, ids, dates and addresses have), outside the keys."""
    keys = set(res.primary_key) | {f for fk in res.foreign_keys for f in fk["fields"]}
    out = []
    for fdef in res.fields:
        cons = sch.constraints(fdef)
        if (sch.field_type(fdef) == "string" and not cons.get("enum") and not cons.get("pattern")
                and fdef["name"] not in keys):
            out.append(fdef["name"])
    return out


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def add_full_text(db: Path, pkg: Package) -> dict[str, list[str]]:
    """Add an FTS5 index, <table>_fts, over the free text of every table; return what is indexed."""
    names = {r.name for r in pkg.resources}
    indexed = {}
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.execute("BEGIN")
        for res in pkg.resources:
            cols = free_text_fields(res)
            fts = f"{res.name}_fts"
            if not cols or fts in names:
                continue
            quoted = ", ".join(map(_quote, cols))
            con.execute(f"CREATE VIRTUAL TABLE {_quote(fts)} USING fts5({quoted}, content={_quote(res.name)})")
            con.execute(f"INSERT INTO {_quote(fts)} (rowid, {quoted}) SELECT rowid, {quoted} FROM {_quote(res.name)}")
            indexed[res.name] = cols
        con.execute("COMMIT")
        con.execute("VACUUM")
    except sqlite3.Error as exc:
        raise ServeError(f"cannot add the full-text index to {db}: {exc}") from None
    finally:
        con.close()
    return indexed


# --------------------------------------------------------------------------- metadata


def _column_description(res, fdef: dict) -> str:
    text = " ".join(str(fdef.get("description", "")).split())
    allowed = guide.allowed_text(res, fdef)
    kind = guide.type_text(fdef).replace("TRUE or FALSE", "true or false")
    if sch.field_type(fdef) == "list":
        kind = "list"
    extra = f"Type: {kind}" + ("; required" if sch.is_required(fdef) else "") + "."
    if allowed:
        extra += f" Allowed: {allowed}."
    return f"{text} {extra}".strip()


def facet_fields(res) -> list[str]:
    """Enumerations and years: the columns worth counting by. (Not booleans: Datasette would
    list their facet values as 0 and 1.)"""
    out = []
    for fdef in res.fields:
        ftype = sch.field_type(fdef)
        if (ftype == "string" and sch.enum_values(fdef)) or ftype == "year":
            out.append(fdef["name"])
    return out


def default_sort(res) -> str | None:
    """Chronological where a table has a required date or year; else by name; else its key."""
    for fdef in res.fields:
        if sch.field_type(fdef) in ("date", "year", "datetime") and sch.is_required(fdef):
            return fdef["name"]
    if guide.label_field(res) == "name":
        return "name"
    return None


def _description_html(pkg: Package) -> str:
    from .facts import released

    d = pkg.descriptor
    parts = [f"<p>{html.escape(d.get('description', ''))}</p>"]
    facts = f"Version {html.escape(pkg.version)}"
    if released(pkg):
        facts += f", released {html.escape(released(pkg))}"
    parts.append(f"<p>{facts}. How to cite it is at the foot of every page.</p>")
    found = guide.sources_table(pkg)
    if found:
        parts.append(
            f"<p>Every row cites its own sources in <code>source_ids</code>: each id links to its row in "
            f'<a href="/{DB_NAME}/{html.escape(found[0].name)}">{html.escape(found[0].name)}</a>. '
            "An empty cell means unknown or not applicable, never zero.</p>"
        )
    return "\n".join(parts)


def origins(pkg: Package) -> list[str]:
    """The works the package began from: the descriptor's sources that are not one of its own
    data files (the sources table is listed there too)."""
    own = {r.relpath for r in pkg.resources}
    return [s["title"] for s in pkg.descriptor.get("sources") or []
            if isinstance(s, dict) and s.get("title") and s.get("path") not in own]


def _package_facts(pkg: Package) -> dict:
    """What the footer credits: the package itself, its licence, its sources, and its origin."""
    from .facts import citation_text, licence, licence_title, released

    found = guide.sources_table(pkg)
    return {
        "name": pkg.name,
        "title": pkg.descriptor.get("title", pkg.name),
        "version": pkg.version,
        "released": released(pkg),
        "licence": licence_title(pkg),
        "licence_url": licence(pkg).get("path", ""),
        "citation": citation_text(pkg),
        "homepage": pkg.descriptor.get("homepage", ""),
        "sources_table": found[0].name if found else None,
        "origins": origins(pkg),
    }


def _everywhere(pkg: Package, kind: dict[str, list[str]]) -> list[str]:
    """Column names that have a kind in every table that has a column of that name."""
    names = {c for cols in kind.values() for c in cols}
    return sorted(n for n in names if all(n in kind.get(r.name, []) for r in pkg.resources if n in r.field_names))


def _table_entry(res, indexed: dict[str, list[str]] | None) -> dict:
    entry: dict = {
        "title": res.descriptor.get("title", res.name),
        "description": " ".join(str(res.descriptor.get("description", "")).split()),
        "columns": {f["name"]: _column_description(res, f) for f in res.fields},
    }
    if guide.label_field(res):
        entry["label_column"] = guide.label_field(res)
    facets = facet_fields(res)
    if facets:
        entry["facets"] = facets
        if year_fields(res):
            entry["facet_size"] = "max"  # every year, so that the plugin can list them in order
    sort = default_sort(res)
    if sort:
        entry["sort"] = sort
    if indexed and res.name in indexed:
        entry["fts_table"] = f"{res.name}_fts"
    return entry


def query_keys(pkg: Package) -> dict[str, str]:
    """Column name -> table, for the names that are the single primary key of exactly one table: in
    a query's results, such a column links to its row (deal_id to arms_deals)."""
    found: dict[str, list[str]] = {}
    for res in pkg.resources:
        if len(res.primary_key) == 1:
            found.setdefault(res.primary_key[0], []).append(res.name)
    return {column: tables[0] for column, tables in sorted(found.items()) if len(tables) == 1}


def year_fields(res) -> list[str]:
    return [f["name"] for f in res.fields if sch.field_type(f) == "year"]


def _link(link) -> dict:
    return {"table": link.resource, "column": link.ref_field, "label": link.label}


def metadata(pkg: Package, indexed: dict[str, list[str]] | None = None, support: list[str] | None = None) -> dict:
    """Datasette's metadata for the package, from its descriptor; `support` names the tables the
    canned queries need in the served copy (hidden)."""
    from .export.sqlite import PACKAGE_TABLE
    from .facts import licence, licence_title

    d = pkg.descriptor
    tables = {res.name: _table_entry(res, indexed) for res in pkg.resources}
    booleans: dict[str, list[str]] = {}
    source_lists: dict[str, list[str]] = {}
    key_links: dict[str, dict] = {}
    labels: dict[str, dict] = {}
    for res in pkg.resources:
        bools = [f["name"] for f in res.fields if sch.field_type(f) == "boolean"]
        if bools:
            booleans[res.name] = bools
        if guide.source_list_fields(res):
            source_lists[res.name] = guide.source_list_fields(res)
        for link in guide.name_links(pkg, res):
            labels.setdefault(res.name, {})[link.field] = _link(link)
            # Datasette links a table's single primary key to its own row and labels no foreign
            # key that is also that key (members.iso3): the plugin does.
            if res.primary_key == [link.field]:
                key_links.setdefault(res.name, {})[link.field] = _link(link)
    for name in [PACKAGE_TABLE, *(support or [])]:
        tables[name] = {"hidden": True}
    queries = {}
    for q in canned.queries_for(r.name for r in pkg.resources):
        queries[q.name] = {"title": q.title, "description": q.description, "sql": q.sql,
                           "params": [p.name for p in q.params], "hide_sql": True}
    found = guide.sources_table(pkg)
    meta = {
        "title": d.get("title", pkg.name),
        "description_html": _description_html(pkg),
        "license": licence_title(pkg),
        "license_url": licence(pkg).get("path", ""),
        "databases": {
            DB_NAME: {
                "title": d.get("title", pkg.name),
                "description": f"Version {pkg.version}. " + " ".join(str(d.get("description", "")).split()),
                "tables": tables,
                "queries": queries,
            }
        },
        "plugins": {
            PLUGIN_NAME: {
                "database": DB_NAME,
                "package": _package_facts(pkg),
                "table_order": [r.name for r in pkg.resources],
                "booleans": booleans,
                "source_lists": source_lists,
                "query_booleans": _everywhere(pkg, booleans),
                "query_source_lists": _everywhere(pkg, source_lists),
                "key_links": key_links,
                "labels": labels,
                "query_keys": query_keys(pkg),
                "long_text": {r.name: free_text_fields(r) for r in pkg.resources if free_text_fields(r)},
                "year_facets": {r.name: year_fields(r) for r in pkg.resources if year_fields(r)},
                "source_table": {"table": found[0].name, "key": found[1]} if found else None,
            }
        },
    }
    if d.get("homepage"):
        meta["about"] = "Homepage"
        meta["about_url"] = d["homepage"]
    return {k: v for k, v in meta.items() if v not in ("", None)}


# --------------------------------------------------------------------------- build and run


@dataclass
class Served:
    folder: Path
    db: Path
    metadata: Path
    exported: bool  # whether the export was (re)built first


def prepare(pkg: Package, export_dir: Path, *, progress=None) -> Served:
    """Make sure export_dir holds a current sco.sqlite (exporting the package when it is missing
    or stale) and that the served copy, with its metadata, is made from it."""
    from .export import export_package
    from .export.sqlite import OUTPUT

    say = progress or (lambda message: None)
    root = cache_root()
    folder = root / fingerprint(pkg)[:24]
    sqlite_path = Path(export_dir) / OUTPUT
    db, meta = folder / SERVED_FILE, folder / METADATA_FILE
    built_from = folder / BUILT_FROM
    if (db.is_file() and meta.is_file() and sqlite_path.is_file() and built_from.is_file()
            and built_from.read_text(encoding="utf-8").strip() == sha256_file(sqlite_path)):
        return Served(folder, db, meta, False)
    # The cache does not know this export: it is missing, or was made from other data. Export.
    say(f"exporting the package to {export_dir}")
    export_package(pkg, export_dir, progress=progress)
    say("building the served copy with full-text search")
    # A private cache: the folder keeps the permissions mkdtemp gives it.
    with staged_folder(folder, ".build-", mode=None) as tmp:
        shutil.copyfile(sqlite_path, tmp / SERVED_FILE)
        indexed = add_full_text(tmp / SERVED_FILE, pkg)
        con = sqlite3.connect(tmp / SERVED_FILE)
        try:
            support = canned.prepare(con)
        except (sqlite3.Error, ValueError) as exc:
            raise ServeError(f"cannot add the tables of the canned queries to {tmp / SERVED_FILE}: {exc}") from None
        finally:
            con.close()
        (tmp / METADATA_FILE).write_text(json.dumps(metadata(pkg, indexed, support), indent=2, ensure_ascii=False),
                                         encoding="utf-8")
        (tmp / BUILT_FROM).write_text(sha256_file(sqlite_path) + "\n", encoding="utf-8")
    # Copies made from older data are of no further use.
    for old in root.iterdir():
        if old.is_dir() and old != folder and not old.name.startswith(".build-"):
            shutil.rmtree(old, ignore_errors=True)
    return Served(folder, db, meta, True)


def datasette_command(served: Served, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> list[str]:
    """The Datasette command line: the copy immutable, our metadata, plugin and templates, no
    write, no download, nothing else served."""
    args = [sys.executable, "-m", "datasette", "serve", "-i", str(served.db),
            "--metadata", str(served.metadata), "--plugins-dir", str(PLUGINS_DIR),
            "--template-dir", str(TEMPLATES_DIR),
            "--host", host, "--port", str(port)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, value]
    return args


def run(args: list[str]) -> None:
    """Become the Datasette process (so that stopping `sco-data serve` stops the server)."""
    if os.name == "posix":
        os.execv(args[0], args)
    import subprocess

    sys.exit(subprocess.call(args))
