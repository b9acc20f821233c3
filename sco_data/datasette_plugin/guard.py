"""Canned queries refuse what they cannot answer: every parameter is checked against the kind its
query declares (sco_data.queries, sco_data.query_params).

- On the package's database, SQLite gets the function sco_param(), which gives the query the
  checked value or fails it: a refused value never returns rows.
- A query's JSON or CSV with a refused value answers 400 with the plain message (and, for JSON,
  no rows) instead of SQLite's "user-defined function raised exception". The HTML page shows the
  same message (pages.py).
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

from datasette import hookimpl

from sco_data import queries
from sco_data.query_params import check

PLUGIN = "sco-data"
_FORMATS = re.compile(r"^/(?P<database>[^/]+)/(?P<query>[^/.]+)\.(?P<format>json|csv)$")


def _database(datasette) -> str | None:
    return (datasette.plugin_config(PLUGIN) or {}).get("database")


@hookimpl
def prepare_connection(conn, database, datasette):
    if database == _database(datasette):
        queries.install(conn)


async def context(datasette):
    """The checking context of the served database, read once: it is served immutable."""
    cached = getattr(datasette, "_sco_query_context", None)
    if cached is None:
        db = datasette.get_database(_database(datasette))
        cached = await db.execute_fn(queries.context)
        datasette._sco_query_context = cached
    return cached


async def checked(datasette, query, args):
    return check(query.params, args, await context(datasette))


def _refused(scope, datasette):
    """(query, format) when the request is for a canned query's JSON or CSV, else None."""
    if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD"):
        return None
    found = _FORMATS.match(scope.get("path", ""))
    if not found or found["database"] != _database(datasette):
        return None
    query = queries.by_name(found["query"])
    return (query, found["format"]) if query and query.params else None


async def _send(send, status: int, content_type: str, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def guarded(scope, receive, send):
            target = _refused(scope, datasette)
            if target is not None:
                query, fmt = target
                raw = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
                result = await checked(datasette, query, {k: v[-1] for k, v in raw.items()})
                if not result.ok:
                    if fmt == "json":
                        body = json.dumps({"ok": False, "error": " ".join(result.problems), "problems": result.problems,
                                           "query_name": query.name, "rows": [], "columns": []}, ensure_ascii=False)
                        await _send(send, 400, "application/json; charset=utf-8", body.encode("utf-8"))
                    else:
                        text = "\n".join(result.problems) + "\n"
                        await _send(send, 400, "text/plain; charset=utf-8", text.encode("utf-8"))
                    return
            await app(scope, receive, send)

        return guarded

    return wrap
