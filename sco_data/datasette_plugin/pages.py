"""What the templates of `sco-data serve` (templates/) need beyond Datasette's own variables, and
their stylesheet.

- Every page: the package, for the footer's credit (`sco_package`).
- The home and database pages: every table with its title, description and rows, and every
  canned query with its description (`sco_tables`, `sco_queries`); internals are not listed.
- A row's page: the name beside every code (`sco_labels`) and a title for the record.
- A table's page: its year columns, whose facets list the years in order (`sco_year_facets`).
- A canned query's page: the heading its parameters give, the form's fields with their hints,
  and the problems and cautions of what was typed (`sco_query`).
"""

from __future__ import annotations

from pathlib import Path

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from datasette.utils.asgi import Response

from sco_data import queries
from sco_data.datasette_plugin.guard import checked

PLUGIN = "sco-data"
CSS_PATH = "/-/sco-data.css"
CSS_FILE = Path(__file__).resolve().parent / "sco-data.css"


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


@hookimpl
def register_routes():
    return [(r"^/-/sco-data\.css$", _stylesheet)]


async def _stylesheet():
    return Response(CSS_FILE.read_text(encoding="utf-8"), content_type="text/css; charset=utf-8",
                    headers={"cache-control": "no-cache"})


@hookimpl
def extra_css_urls():
    return [{"url": CSS_PATH}]


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    config = _config(datasette)
    if not config:
        return {}

    async def inner():
        found = {"sco_package": config.get("package") or {}, "sco_database": config.get("database")}
        if template in ("index.html", "database.html"):
            found.update(await _contents(datasette, config))
        elif template == "row.html" and database == config.get("database") and request is not None:
            found.update(await _row(datasette, config, database, table, request))
        elif template == "table.html":
            found["sco_year_facets"] = (config.get("year_facets") or {}).get(table, [])
        elif template == "query.html" and request is not None and database == config.get("database"):
            found["sco_query"] = await _query(datasette, request)
        return found

    return inner


async def _contents(datasette, config: dict) -> dict:
    name = config.get("database")
    db = datasette.get_database(name)
    meta = (datasette.metadata("databases") or {}).get(name, {})
    tables = []
    for table in config.get("table_order") or []:
        entry = (meta.get("tables") or {}).get(table, {})
        rows = (await db.execute(f'SELECT COUNT(*) FROM "{table}"')).first()[0]
        tables.append({"name": table, "title": entry.get("title", table), "description": entry.get("description", ""),
                       "rows": rows, "url": datasette.urls.table(name, table)})
    canned = [{"name": q, "title": m.get("title", q), "description": m.get("description", ""),
               "url": datasette.urls.query(name, q)} for q, m in (meta.get("queries") or {}).items()]
    return {"sco_tables": tables, "sco_queries": canned}


async def _row(datasette, config: dict, database: str, table: str, request) -> dict:
    """The name of every code of the row that refers to a named row, and the record's title."""
    db = datasette.get_database(database)
    pks = await db.primary_keys(table)
    values = urlsafe_components(request.url_vars.get("pks", ""))
    where = " AND ".join(f'"{pk}" = ?' for pk in pks) or "rowid = ?"
    found = (await db.execute(f'SELECT * FROM "{table}" WHERE {where}', values)).first()
    if found is None:
        return {}
    row = dict(found)
    labels = {}
    for column, target in ((config.get("labels") or {}).get(table) or {}).items():
        value = row.get(column)
        if value is None:
            continue
        hit = (await db.execute(f'SELECT "{target["label"]}" FROM "{target["table"]}" WHERE "{target["column"]}" = ?',
                                [value])).first()
        if hit is not None:
            href = datasette.urls.row(database, target["table"], tilde_encode(str(value)))
            labels[column] = {"label": hit[0], "href": href}
    # A code that refers to a row without a name (a summit's id) still links to that row.
    for fk in await db.foreign_keys_for_table(table):
        value = row.get(fk["column"])
        if fk["column"] not in labels and value is not None and fk["other_table"] != table:
            labels[fk["column"]] = {"label": None, "href": datasette.urls.row(database, fk["other_table"],
                                                                             tilde_encode(str(value)))}
    entry = ((datasette.metadata("databases") or {}).get(database, {}).get("tables") or {}).get(table, {})
    shown = ", ".join(str(v) for v in values)
    if entry.get("label_column") and row.get(entry["label_column"]):
        title = f"{row[entry['label_column']]} ({shown})"
    else:
        # Each part of the key by its name where it has one: "Zapad-2021, India (zapad-2021, IND)".
        named = [(labels.get(pk) or {}).get("label") or str(v) for pk, v in zip(pks, values, strict=False)]
        title = ", ".join(named) + (f" ({shown})" if named != [str(v) for v in values] else "")
    return {"sco_labels": labels, "sco_record_title": title,
            "sco_table_title": entry.get("title", table), "sco_key_links": list(((config.get("key_links") or {})
                                                                                  .get(table) or {}).keys())}


async def _query(datasette, request) -> dict | None:
    name = request.url_vars.get("table")
    query = queries.by_name(name) if name else None
    if query is None:
        return None
    result = await checked(datasette, query, {k: request.args.get(k) for k in request.args})
    fields = [{"name": p.name, "label": p.label, "hint": p.hint, "value": request.args.get(p.name) or ""}
              for p in query.params]
    return {"heading": query.title_for(result.shown) if result.ok else query.title,
            "description": query.description, "fields": fields,
            "problems": result.problems, "warnings": result.warnings}
