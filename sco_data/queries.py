"""Canned queries: the questions the essay asks, answered from the package's SQLite.

This is domain knowledge, kept in this one place: every other part of the toolkit derives what it
does from the descriptor. `sco-data serve` offers each query in Datasette with a form for its
parameters (`:name` in the SQL); a query whose tables a package lacks is left out. Each query runs
on the exported sco.sqlite as it is, with stock SQLite (the tests run them there).

An empty parameter means its default (today's date, or all rows), so every query answers at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    description: str
    sql: str
    tables: tuple[str, ...]

    @property
    def params(self) -> list[str]:
        return list(dict.fromkeys(re.findall(r"(?<!:):([a-z_][a-z0-9_]*)", self.sql)))


STATUS_ON_DATE = Query(
    "status_on_date",
    "The status of every state on a chosen date",
    "Member, observer, dialogue partner, partner or Shanghai Five state, for every state in the "
    "package, on the date you give (YYYY-MM-DD; empty: today). Where a source gives only the year a "
    "status began or ended, the whole year counts and `precision` says so.",
    """
WITH day AS (
  SELECT COALESCE(NULLIF(:date, ''), date('now')) AS d
), y AS (
  SELECT d, CAST(substr(d, 1, 4) AS INTEGER) AS year FROM day
), spells AS (
  SELECT iso3, 'member' AS status, joined_date AS start_date, NULL AS start_year,
         left_date AS end_date, NULL AS end_year
  FROM members
  UNION ALL
  SELECT iso3, 'shanghai_five', shanghai_five_date, NULL, joined_date, NULL
  FROM members WHERE shanghai_five_date IS NOT NULL
  UNION ALL
  SELECT iso3, status, start_date, start_year, end_date, end_year FROM observers
), held AS (
  SELECT s.*, (s.start_date IS NULL OR (s.end_date IS NULL AND s.end_year IS NOT NULL)) AS year_only
  FROM spells s, y
  WHERE CASE WHEN s.start_date IS NOT NULL THEN s.start_date <= y.d ELSE s.start_year <= y.year END
    AND CASE WHEN s.end_date IS NOT NULL THEN s.end_date > y.d
             WHEN s.end_year IS NOT NULL THEN s.end_year >= y.year
             ELSE 1 END
)
SELECT (SELECT d FROM day) AS on_date, c.iso3, c.name,
       COALESCE(group_concat(h.status, ', '), 'none') AS status,
       group_concat(COALESCE(h.start_date, h.start_year), ', ') AS since,
       CASE MAX(h.year_only) WHEN 1 THEN 'year only' WHEN 0 THEN 'day' END AS precision
FROM countries c LEFT JOIN held h ON h.iso3 = c.iso3
GROUP BY c.iso3, c.name
ORDER BY CASE WHEN MAX(h.status) IS NULL THEN 1 ELSE 0 END, status, c.name
""",
    ("countries", "members", "observers"),
)

EXERCISES = Query(
    "exercises_with_participants",
    "Exercises with their participants and troop numbers",
    "Every joint exercise from one year to another (empty: all years), with the states that took "
    "part, their role and the troops each sent where a source gives it, and the total.",
    """
SELECT e.year, e.exercise_id, e.name, e.framework, e.troops_total,
       COUNT(p.iso3) AS states,
       group_concat(c.name || ' (' || p.role || COALESCE(', ' || p.troops, '') || ')', '; ') AS participants,
       SUM(p.troops) AS troops_listed
FROM military_exercises e
LEFT JOIN exercise_participants p ON p.exercise_id = e.exercise_id
LEFT JOIN countries c ON c.iso3 = p.iso3
WHERE e.year >= COALESCE(NULLIF(:from_year, ''), 0)
  AND e.year <= COALESCE(NULLIF(:to_year, ''), 9999)
GROUP BY e.exercise_id
ORDER BY e.year, e.exercise_id
""",
    ("military_exercises", "exercise_participants", "countries"),
)

DELIVERIES = Query(
    "deliveries_by_year",
    "Russian deliveries to China by year",
    "Units delivered (or built under licence) each year, from the year-by-year deliveries of every "
    "deal from one state to another: by default Russia (RUS) to China (CHN); give other ISO 3166 "
    "alpha-3 codes to compare. Only deals with a sourced yearly breakdown count.",
    """
SELECT d.year,
       SUM(d.quantity) AS units,
       COUNT(DISTINCT d.deal_id) AS deals,
       group_concat(a.designation || COALESCE(': ' || d.quantity, ''), '; ') AS what
FROM arms_deliveries d
JOIN arms_deals a ON a.deal_id = d.deal_id
WHERE a.supplier_iso3 = COALESCE(NULLIF(upper(:supplier), ''), 'RUS')
  AND a.recipient_iso3 = COALESCE(NULLIF(upper(:recipient), ''), 'CHN')
GROUP BY d.year
ORDER BY d.year
""",
    ("arms_deliveries", "arms_deals"),
)

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
WHERE g.sco_status_2008 IN ('member', 'observer')
  AND (NULLIF(:status, '') IS NULL OR g.sco_status_2008 = lower(:status))
ORDER BY g.sco_status_2008, c.name
""",
    ("georgia_positions", "countries"),
)

UN_VOTES = Query(
    "un_votes_by_state",
    "A state's votes in the General Assembly on Georgia and Ukraine",
    "How a state voted, resolution by resolution, on the yearly resolution on Georgia's displaced "
    "persons and on Ukraine's territorial integrity, beside Russia's vote. State: an ISO 3166 alpha-3 "
    "code (empty: every state with a sourced vote); topic: georgia_idp or ukraine_territorial_integrity "
    "(empty: both). A state whose vote no source gives has no row (see the coverage table in the "
    "docs); roll_call says whether a full roll call was found.",
    """
SELECT r.date, r.resolution, r.topic, v.iso3, c.name, v.vote, rus.vote AS russia_vote,
       CASE WHEN rus.vote IS NULL THEN NULL WHEN v.vote = rus.vote THEN 1 ELSE 0 END AS with_russia,
       r.yes, r.no, r.abstain, r.roll_call, v.source_ids
FROM un_votes v
JOIN un_resolutions r ON r.resolution = v.resolution
JOIN countries c ON c.iso3 = v.iso3
LEFT JOIN un_votes rus ON rus.resolution = v.resolution AND rus.iso3 = 'RUS'
WHERE (NULLIF(:iso3, '') IS NULL OR v.iso3 = upper(:iso3))
  AND (NULLIF(:topic, '') IS NULL OR r.topic = lower(:topic))
ORDER BY r.date, c.name
""",
    ("un_votes", "un_resolutions", "countries"),
)

QUERIES = (STATUS_ON_DATE, EXERCISES, DELIVERIES, GEORGIA, UN_VOTES)


def queries_for(table_names) -> list[Query]:
    """The canned queries a package with these tables can run."""
    have = set(table_names)
    return [q for q in QUERIES if set(q.tables) <= have]
