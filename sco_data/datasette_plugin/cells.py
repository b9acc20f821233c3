"""How `sco-data serve` shows cells: booleans as true/false, and each id of a source list as a link
to its row in the sources table, in tables, rows and query results alike; a primary key that is
also a foreign key (members.iso3) as a link to the row it refers to, with that row's name, which
Datasette does not do by itself; and long free text (notes, descriptions) in a block of readable
width, which a table cuts after a few lines (the stylesheet does) and a row's page shows whole.

What to change is named in the metadata that sco_data.serve writes from the descriptor
(plugins -> sco-data): the boolean and source-list columns of each table. In a query's results,
where Datasette names no table, a column is treated so only when it has that kind in every table
that has a column of its name.
"""

from __future__ import annotations

import json

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

PLUGIN = "sco-data"
LONG_TEXT = 80  # characters: longer free text gets a block of readable width


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


def _is(config: dict, key: str, column: str, table: str | None) -> bool:
    """Whether column has this kind ("booleans", "source_lists"): in table, or, for query results
    (no table), by the names that have it wherever they occur."""
    if table is not None:
        return column in (config.get(key) or {}).get(table, [])
    return column in (config.get(f"query_{key}") or [])


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    config = _config(datasette)
    if not config or database != config.get("database"):
        return None
    if value in (0, 1) and not isinstance(value, float) and _is(config, "booleans", column, table):
        return "true" if value else "false"
    target = ((config.get("key_links") or {}).get(table) or {}).get(column) if table else None
    if target and isinstance(value, str):
        return _key_link(datasette, database, target, value)
    linked = (config.get("query_keys") or {}).get(column) if table is None else None
    if linked and isinstance(value, str):
        href = datasette.urls.row(database, linked, tilde_encode(value))
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    sources = config.get("source_table")
    if sources and isinstance(value, str) and value.startswith("[") and _is(config, "source_lists", column, table):
        try:
            ids = json.loads(value)
        except ValueError:
            return None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return None
        links = [
            f'<a href="{escape(datasette.urls.row(database, sources["table"], tilde_encode(i)))}">{escape(i)}</a>'
            for i in ids
        ]
        if table is not None and len(ids) > 2:
            return Markup(f'<div class="sco-sources">{"; ".join(links)}</div>')
        return Markup("; ".join(links))
    if (isinstance(value, str) and len(value) > LONG_TEXT and not value.startswith(("http://", "https://"))
            and _long(config, column, table)):
        return Markup(f'<div class="sco-long">{escape(value)}</div>')
    return None


def _long(config: dict, column: str, table: str | None) -> bool:
    """Free text of a table (its row page shows it whole), or any long text of a query's results."""
    if table is None:
        return True
    return column in (config.get("long_text") or {}).get(table, [])


def _key_link(datasette, database, target: dict, value: str):
    async def inner():
        db = datasette.get_database(database)
        sql = 'SELECT "{label}" FROM "{table}" WHERE "{column}" = ?'.format(
            **{k: str(v).replace('"', '""') for k, v in target.items()})
        rows = (await db.execute(sql, [value])).rows
        if not rows:
            return None
        href = datasette.urls.row(database, target["table"], tilde_encode(value))
        return Markup(f'<a href="{escape(href)}">{escape(rows[0][0])}</a>&nbsp;<em>{escape(value)}</em>')

    return inner
