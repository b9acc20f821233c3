"""Canned queries: the questions the essay asks, answered from the package's SQLite.

This is domain knowledge, kept in this one place: every other part of the toolkit derives what it
does from the descriptor. `sco-data serve` offers each query in Datasette with a form for its
parameters; a query whose tables a package lacks is left out.

A query declares its parameters (sco_data.query_params.Param: name, kind, label, default). Its SQL
starts with a `params` row of the checked values, which is left out when a value is refused; the
body joins it, so a value the query cannot answer for gives a message (sco_data.query_params.check)
and never rows. The heading follows the parameters.

A new query is a Query in QUERIES: its tables, its parameters with their kinds (ISO_DATE, YEAR,
STATE, one_of(...)) and defaults, a body that joins `params` (`FROM t CROSS JOIN params p ...
WHERE t.x = p.name`), and a heading made from the values as they are shown (a state's name, a
date in words). The checking, the form, the messages and the refusal come with the kinds; the
tests run every query with each parameter refused and expect no rows.

The queries run on the exported sco.sqlite with what `prepare` adds (a table of status spells, so
that "status on a date" applies the very rule of sco_data.status_on) and the functions `install`
registers: `connect(path)` gives both, on a copy in memory.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import status as st
from .query_params import ISO_DATE, STATE, TODAY, YEAR, Context, Param, check, one_of, sql_functions

SPELLS_TABLE = "_status_spells"  # added to the served copy by `prepare`; hidden


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    description: str
    body: str  # the SQL after the params row; it reads checked values as columns of `params`
    tables: tuple[str, ...]
    params: tuple[Param, ...] = ()
    heading: Callable[[dict], str] | None = None  # from the values as a heading shows them

    @property
    def sql(self) -> str:
        """The SQL Datasette runs: a `params` row of checked values, then the body."""
        if not self.params:
            return self.body.strip()
        row = ",\n         ".join(f"sco_param('{self.name}', '{p.name}', :{p.name}) AS {p.name}" for p in self.params)
        refused = "\n     OR ".join(f"sco_refused('{self.name}', '{p.name}', :{p.name})" for p in self.params)
        body = self.body.strip()
        head = f"WITH params AS (\n  SELECT {row}\n  WHERE NOT (\n        {refused})\n)"
        if body[:4].upper() == "WITH":
            return f"{head},\n{body[4:].lstrip()}"
        return f"{head}\n{body}"

    def title_for(self, shown: dict) -> str:
        """The heading for these parameters (as check() shows them), else the title."""
        try:
            return self.heading(shown) if self.heading else self.title
        except (KeyError, TypeError, ValueError):
            return self.title


# --------------------------------------------------------------------------- the queries


def _status_heading(shown: dict) -> str:
    return f"SCO status of every state on {shown['date']}"


STATUS_ON_DATE = Query(
    "status_on_date",
    "The status of every state on a chosen date",
    "Every state that ever held an SCO or Shanghai Five status, and the status it held on the day you "
    "give: member, partner, observer, dialogue partner, Shanghai Five, or none. A status counts from "
    "the day it began to the day before it ended. Where a source gives only the year, since or until "
    "says \"year only\". The same answer as status_on in the Python package.",
    f"""
WITH held AS (
  SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.iso3 ORDER BY s.start_date DESC, s.status_rank DESC) AS latest
  FROM {SPELLS_TABLE} s, params p
  WHERE s.start_date <= p.date AND (s.end_date IS NULL OR p.date < s.end_date)
)
SELECT st.iso3, c.name, COALESCE(h.status, 'none') AS status, h.since, h.until
FROM (SELECT DISTINCT iso3 FROM {SPELLS_TABLE}) st
CROSS JOIN params
JOIN countries c ON c.iso3 = st.iso3
LEFT JOIN held h ON h.iso3 = st.iso3 AND h.latest = 1
ORDER BY CASE COALESCE(h.status, 'none') WHEN 'member' THEN 0 WHEN 'partner' THEN 1 WHEN 'observer' THEN 2
           WHEN 'dialogue_partner' THEN 3 WHEN 'shanghai_five' THEN 4 ELSE 5 END, c.name
""",
    ("countries", "members", "observers"),
    (Param("date", ISO_DATE, "Date", TODAY),),
    _status_heading,
)


def _exercises_heading(shown: dict) -> str:
    first, last = shown.get("from_year"), shown.get("to_year")
    if first and last:
        return f"Joint exercises in {first}" if first == last else f"Joint exercises from {first} to {last}"
    if first:
        return f"Joint exercises from {first} on"
    if last:
        return f"Joint exercises up to {last}"
    return "Joint exercises, all years"


def _people(role_test: str) -> str:
    """The states of an exercise in one kind of role, each with its role and troops where given."""
    return f"""(SELECT group_concat(who, '; ') FROM (
     SELECT c.name || CASE WHEN x.role = 'host' OR x.troops IS NOT NULL
                           THEN ' (' || CASE WHEN x.role = 'host' THEN 'host' ELSE '' END
                                || CASE WHEN x.role = 'host' AND x.troops IS NOT NULL THEN ', ' ELSE '' END
                                || COALESCE(x.troops || ' troops', '') || ')'
                           ELSE '' END AS who
     FROM exercise_participants x JOIN countries c ON c.iso3 = x.iso3
     WHERE x.exercise_id = e.exercise_id AND {role_test}
     ORDER BY x.role = 'participant', c.name))"""


EXERCISES = Query(
    "exercises_with_participants",
    "Exercises with the states that took part",
    "Every joint exercise between two years: the troops a source gives for the whole exercise, the "
    "states that took part (with the troops each sent, where a source says), and apart from them the "
    "states that only observed. Few states' own troop figures are known (troop_figures says how "
    "many), so they are never added up: the exercise's total is troops_total.",
    f"""
SELECT e.year, e.exercise_id, e.name, e.framework, e.troops_total,
       (SELECT COUNT(*) FROM exercise_participants x
        WHERE x.exercise_id = e.exercise_id AND x.role <> 'observer') AS states_taking_part,
       {_people("x.role <> 'observer'")} AS taking_part,
       (SELECT COUNT(troops) || ' of ' || COUNT(*) || ' states taking part' FROM exercise_participants x
        WHERE x.exercise_id = e.exercise_id AND x.role <> 'observer') AS troop_figures,
       {_people("x.role = 'observer'")} AS observers
FROM military_exercises e, params p
WHERE (p.from_year IS NULL OR e.year >= p.from_year) AND (p.to_year IS NULL OR e.year <= p.to_year)
ORDER BY e.year, e.exercise_id
""",
    ("military_exercises", "exercise_participants", "countries"),
    (Param("from_year", YEAR, "From year"), Param("to_year", YEAR, "To year")),
    _exercises_heading,
)


DELIVERIES = Query(
    "deliveries_by_year",
    "Arms deliveries from one state to another, year by year",
    "What one state delivered to another (or let it build under licence), by default Russia to China: "
    "one row per deal and year, from the first to the last year of its deliveries. Units are counted "
    "per weapon system and never added across systems. A year with no sourced figure is listed with "
    "delivered empty and figure saying so, never left out or counted as zero; a deal whose delivery "
    "years no source gives has a row with an empty year. Deals only ordered are left out. source_ids "
    "are those of the year's figure; the deal's own are on its page.",
    """
WITH spans AS (
  SELECT a.deal_id, a.designation, a.category, a.quantity_delivered,
         MIN(COALESCE(a.delivery_start_year, y.first, a.delivery_end_year),
             COALESCE(y.first, a.delivery_start_year, a.delivery_end_year),
             COALESCE(a.delivery_end_year, y.first, a.delivery_start_year)) AS first,
         MAX(COALESCE(a.delivery_end_year, y.last, a.delivery_start_year),
             COALESCE(y.last, a.delivery_end_year, a.delivery_start_year),
             COALESCE(a.delivery_start_year, y.last, a.delivery_end_year)) AS last,
         a.delivery_start_year IS NULL OR a.delivery_end_year IS NULL AS open_span
  FROM arms_deals a
  CROSS JOIN params p
  LEFT JOIN (SELECT deal_id, MIN(year) AS first, MAX(year) AS last FROM arms_deliveries GROUP BY deal_id) y
    ON y.deal_id = a.deal_id
  WHERE a.supplier_iso3 = p.supplier AND a.recipient_iso3 = p.recipient
    AND (a.status IN ('delivered', 'in_delivery') OR a.quantity_delivered > 0 OR y.deal_id IS NOT NULL
         OR a.delivery_start_year IS NOT NULL OR a.delivery_end_year IS NOT NULL)
), years(deal_id, year) AS (
  SELECT deal_id, first FROM spans WHERE first IS NOT NULL
  UNION ALL
  SELECT y.deal_id, y.year + 1 FROM years y JOIN spans s ON s.deal_id = y.deal_id WHERE y.year < s.last
), rows AS (
  SELECT y.year, s.designation, s.category, d.quantity AS delivered,
         CASE WHEN d.quantity IS NOT NULL THEN 'units delivered that year'
              WHEN d.deal_id IS NOT NULL THEN 'delivered that year; number not given'
              ELSE 'within the delivery years; no figure for this year' END AS figure,
         s.deal_id, s.quantity_delivered AS deal_delivered, d.source_ids
  FROM years y JOIN spans s ON s.deal_id = y.deal_id
  LEFT JOIN arms_deliveries d ON d.deal_id = y.deal_id AND d.year = y.year
  UNION ALL
  SELECT NULL, designation, category, NULL,
         CASE WHEN first IS NULL THEN 'delivered; years not known'
              ELSE 'first or last year of delivery not known' END,
         deal_id, quantity_delivered, NULL
  FROM spans WHERE first IS NULL OR open_span
)
SELECT year, designation AS system, category, delivered, figure, deal_id, deal_delivered, source_ids
FROM rows
ORDER BY year IS NULL, year, system, deal_id
""",
    ("arms_deliveries", "arms_deals"),
    (Param("supplier", STATE, "Supplier", "RUS"), Param("recipient", STATE, "Recipient", "CHN")),
    lambda shown: f"Arms deliveries from {shown['supplier']} to {shown['recipient']}, year by year",
)


def _georgia_heading(shown: dict) -> str:
    who = {"member": "SCO members", "observer": "SCO observers"}.get(shown.get("status"),
                                                                    "SCO members and observers")
    return f"Where {who} stood on Georgia in 2008"


GEORGIA = Query(
    "georgia_2008_positions",
    "Positions of SCO states on Georgia in 2008",
    "Where every SCO member and observer stood on Russia's intervention in Georgia in August 2008, "
    "with their recognition of Abkhazia and South Ossetia. Status: member or observer (empty: both).",
    """
SELECT g.iso3, c.name, g.sco_status_2008, g.position_on_intervention,
       g.recognized_abkhazia, g.recognized_south_ossetia, g.statement_date, g.summary, g.source_ids
FROM georgia_positions g
JOIN countries c ON c.iso3 = g.iso3
CROSS JOIN params p
WHERE g.sco_status_2008 IN ('member', 'observer')
  AND (p.status IS NULL OR g.sco_status_2008 = p.status)
ORDER BY g.sco_status_2008, c.name
""",
    ("georgia_positions", "countries"),
    (Param("status", one_of("member", "observer"), "SCO status in 2008"),),
    _georgia_heading,
)

def _un_votes_heading(shown: dict) -> str:
    who = shown.get("iso3") or "Every state"
    what = {"georgia_idp": "on Georgia's displaced persons",
            "ukraine_territorial_integrity": "on Ukraine's territorial integrity"}.get(shown.get("topic"),
                                                                                       "on Georgia and Ukraine")
    return f"{who}: votes in the General Assembly {what}, beside Russia's"


UN_VOTES = Query(
    "un_votes_by_state",
    "A state's votes in the General Assembly on Georgia and Ukraine",
    "How a state voted, resolution by resolution, on the yearly resolution on Georgia's displaced "
    "persons and on Ukraine's territorial integrity, beside Russia's vote. State: an ISO code or an "
    "English name (empty: every state with a sourced vote); topic: georgia_idp or "
    "ukraine_territorial_integrity (empty: both). A state whose vote no source gives has no row (see "
    "the coverage table in the docs); roll_call says whether a full roll call was found.",
    """
SELECT r.date, r.resolution, r.topic, v.iso3, c.name, v.vote, rus.vote AS russia_vote,
       CASE WHEN rus.vote IS NULL THEN NULL WHEN v.vote = rus.vote THEN 1 ELSE 0 END AS with_russia,
       r.yes, r.no, r.abstain, r.roll_call, v.source_ids
FROM un_votes v
JOIN un_resolutions r ON r.resolution = v.resolution
JOIN countries c ON c.iso3 = v.iso3
CROSS JOIN params p
LEFT JOIN un_votes rus ON rus.resolution = v.resolution AND rus.iso3 = 'RUS'
WHERE (p.iso3 IS NULL OR v.iso3 = p.iso3)
  AND (p.topic IS NULL OR r.topic = p.topic)
ORDER BY r.date, c.name
""",
    ("un_votes", "un_resolutions", "countries"),
    (Param("iso3", STATE, "State"), Param("topic", one_of("georgia_idp", "ukraine_territorial_integrity"), "Topic")),
    _un_votes_heading,
)

QUERIES = (STATUS_ON_DATE, EXERCISES, DELIVERIES, GEORGIA, UN_VOTES)


def queries_for(table_names) -> list[Query]:
    """The canned queries a package with these tables can run."""
    have = set(table_names)
    return [q for q in QUERIES if set(q.tables) <= have]


def by_name(name: str) -> Query | None:
    return next((q for q in QUERIES if q.name == name), None)


# --------------------------------------------------------------------------- the database


def _tables(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}


def context(con: sqlite3.Connection) -> Context:
    """What checking parameters needs, read from the database: its states and its as-of day."""
    tables = _tables(con)
    states = []
    if "countries" in tables:
        columns = {r[1] for r in con.execute("PRAGMA table_info(countries)")}
        alpha2 = "iso2" if "iso2" in columns else "NULL"
        states = con.execute(f"SELECT iso3, name, {alpha2} FROM countries").fetchall()
    as_of = None
    if "_package" in tables:
        row = con.execute("SELECT value FROM _package WHERE key = 'created'").fetchone()
        try:
            as_of = dt.date.fromisoformat(str(row[0])[:10]) if row else None
        except ValueError:
            as_of = None
    return Context.of(states, as_of)


def install(con: sqlite3.Connection) -> Context:
    """Register sco_param() and sco_refused() on a connection to the package's database; return
    its context."""
    ctx = context(con)
    for name, function in sql_functions(QUERIES, ctx).items():
        con.create_function(name, 3, function)
    return ctx


def _dates(rows: list[sqlite3.Row], names: tuple[str, ...]) -> list[dict]:
    out = []
    for row in rows:
        item = dict(row)
        for name in names:
            if item.get(name) is not None:
                item[name] = dt.date.fromisoformat(item[name])
        out.append(item)
    return out


def _spell_rows(con: sqlite3.Connection, as_of: dt.date | None) -> list[tuple]:
    """The spells of sco_data.status, from the database's members and observers."""
    con.row_factory = sqlite3.Row
    try:
        members = _dates(con.execute("SELECT * FROM members").fetchall(),
                         ("joined_date", "shanghai_five_date", "left_date"))
        observers = _dates(con.execute("SELECT * FROM observers").fetchall(), ("start_date", "end_date"))
    finally:
        con.row_factory = None
    rows = []
    for s in st.spells(members, observers, as_of=as_of):
        since = s.start.isoformat() if s.start_known else f"{s.start.year} (year only)"
        until = None
        if s.end is not None:
            last = s.end - dt.timedelta(days=1)
            until = last.isoformat() if s.end_known else f"{s.end.year} (year only)"
        rows.append((s.iso3, s.status, st.STATUSES.index(s.status), s.start.isoformat(),
                     s.end.isoformat() if s.end else None, since, until))
    return rows


def prepare(con: sqlite3.Connection) -> list[str]:
    """Add the tables the queries need beyond the export (the status spells) to a database; return
    their names. Only for a copy: the export itself stays as the exporter wrote it."""
    if not {"members", "observers"} <= _tables(con):
        return []
    rows = _spell_rows(con, context(con).as_of)
    con.execute(f"DROP TABLE IF EXISTS {SPELLS_TABLE}")
    con.execute(f"CREATE TABLE {SPELLS_TABLE} (iso3 TEXT NOT NULL, status TEXT NOT NULL, status_rank INTEGER, "
                "start_date TEXT NOT NULL, end_date TEXT, since TEXT, until TEXT)")
    con.executemany(f"INSERT INTO {SPELLS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    return [SPELLS_TABLE]


def connect(path: Path | str) -> sqlite3.Connection:
    """A copy in memory of an exported sco.sqlite, with what the canned queries need: run
    `con.execute(query.sql, {...})` on it."""
    source = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    con = sqlite3.connect(":memory:")
    try:
        source.backup(con)
    finally:
        source.close()
    prepare(con)
    install(con)
    return con


def run(con: sqlite3.Connection, query: Query, args: dict | None = None):
    """(check, rows as dicts): the query's answer on a connection from `connect`, or no rows and
    the problems when a parameter is refused."""
    checked = check(query.params, args or {}, context(con))
    if not checked.ok:
        return checked, []
    cur = con.execute(query.sql, {p.name: (args or {}).get(p.name, "") for p in query.params})
    names = [d[0] for d in cur.description]
    return checked, [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
