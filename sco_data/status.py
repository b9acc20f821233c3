"""Statuses over time: which SCO (or Shanghai Five) status each state held on each day.

`spells` is the one place that turns rows of members and observers into spells of a status. The
cross-table rules (rules.py), the membership timeline (timeline.py), the derived country-year panel
`sco_status_years` and `status_on` / `members_on` all ask it, so that they agree on every boundary.

The boundary rule, stated once:

- A spell holds its status from its start through the day before its end. A status that ends on
  day D is no longer held on D; the next one is held from D. So a state whose observer spell ends
  on 2017-06-09, the day it joined, is an observer on 2017-06-08 and a member on 2017-06-09.
- A Shanghai Five member holds `shanghai_five` from its `shanghai_five_date` through the day
  before its SCO `joined_date`; a member holds `member` from `joined_date` through the day before
  `left_date`.
- A start or end known only by its year Y is placed on the state's neighbouring dated change in
  Y where there is one (a spell ending in Y runs to the next spell's dated start in Y; a spell
  starting in Y follows the previous spell's dated end in Y), else on 31 December of Y, or on the
  as-of day when that comes first in Y. Such a status therefore counts among the statuses of year
  Y, and it is the year-end status of Y when it starts there (not when it ends there).

Only this module and rules.py know the tables by name: this one because the panel is derived from
members, observers, summits and countries by design.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

# Every status, in the order of the panel's enum; NONE is held on a day no spell covers.
SHANGHAI_FIVE, DIALOGUE_PARTNER, OBSERVER, PARTNER, MEMBER, NONE = (
    "shanghai_five", "dialogue_partner", "observer", "partner", "member", "none")
STATUSES = (SHANGHAI_FIVE, DIALOGUE_PARTNER, OBSERVER, PARTNER, MEMBER, NONE)

MEMBERS, OBSERVERS, SUMMITS, COUNTRIES = "members", "observers", "summits", "countries"
PANEL = "sco_status_years"


@dataclass(frozen=True)
class Spell:
    """One status held by one state without a break: from `start` through the day before `end`
    (None: still held). `table` and `row` (0-based) name the row it comes from; `start_known` and
    `end_known` are False where the row gives only the year and the boundary was placed by the
    rule above."""

    iso3: str
    status: str
    start: dt.date
    end: dt.date | None
    table: str
    row: int
    start_known: bool = True
    end_known: bool = True

    def holds_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def held_between(self, first: dt.date, last: dt.date) -> bool:
        """Whether the spell falls in the days first..last (both included). A spell placed on a
        single boundary day (start == end) counts for the day it is placed on."""
        return self.start <= last and (self.end is None or self.end > first or self.start == self.end >= first)


def _rows(table) -> list[dict]:
    """Rows as dicts, from an Arrow table, a list of dicts, or None (no rows)."""
    if table is None:
        return []
    if hasattr(table, "to_pylist"):
        return table.to_pylist()
    return list(table)


@dataclass
class _Raw:
    iso3: str
    status: str
    start_date: dt.date | None
    start_year: int
    end_date: dt.date | None
    end_year: int | None
    table: str
    row: int


def _year_end(year: int, as_of: dt.date | None) -> dt.date:
    """Where a boundary known only by its year is placed when no neighbour gives a day."""
    last = dt.date(year, 12, 31)
    if as_of is not None and as_of.year == year:
        return min(last, as_of)
    return last


def _raw_spells(members, observers) -> list[_Raw]:
    raw: list[_Raw] = []
    for i, r in enumerate(_rows(members)):
        iso3, joined = r.get("iso3"), r.get("joined_date")
        if iso3 is None or joined is None:
            continue
        five = r.get("shanghai_five_date")
        if five is not None and five < joined:
            raw.append(_Raw(iso3, SHANGHAI_FIVE, five, five.year, joined, joined.year, MEMBERS, i))
        left = r.get("left_date")
        raw.append(_Raw(iso3, MEMBER, joined, joined.year, left, left.year if left else None, MEMBERS, i))
    for i, r in enumerate(_rows(observers)):
        iso3, status, start_year = r.get("iso3"), r.get("status"), r.get("start_year")
        if iso3 is None or status is None or start_year is None:
            continue
        end_date = r.get("end_date")
        end_year = r.get("end_year") or (end_date.year if end_date else None)
        raw.append(_Raw(iso3, status, r.get("start_date"), start_year, end_date, end_year, OBSERVERS, i))
    return raw


def spells(members=None, observers=None, *, as_of: dt.date | None = None) -> list[Spell]:
    """Every state's spells, from members rows (Shanghai Five and membership) and observers rows
    (observer, dialogue partner, partner): Arrow tables or lists of dicts, either may be None.
    Rows lacking the state, the status or its start are skipped (validation reports them). The
    boundary rule of this module places the starts and ends known only by their year; `as_of`
    (the package's created date) keeps a boundary of its year from being placed after it.
    Sorted by state, then start."""
    by_state: dict[str, list[_Raw]] = defaultdict(list)
    for r in _raw_spells(members, observers):
        by_state[r.iso3].append(r)
    out: list[Spell] = []
    for iso3 in sorted(by_state):
        items = sorted(by_state[iso3], key=lambda r: (r.start_year, r.start_date or _year_end(r.start_year, None),
                                                      STATUSES.index(r.status) if r.status in STATUSES else 99))
        for k, r in enumerate(items):
            start = r.start_date
            if start is None:
                before = items[k - 1] if k > 0 else None
                dated_end = before.end_date if before is not None else None
                start = dated_end if dated_end is not None and dated_end.year == r.start_year \
                    else _year_end(r.start_year, as_of)
            end = r.end_date
            if end is None and r.end_year is not None:
                after = items[k + 1] if k + 1 < len(items) else None
                dated_start = after.start_date if after is not None else None
                end = dated_start if dated_start is not None and dated_start.year == r.end_year \
                    else _year_end(r.end_year, as_of)
            if end is not None:
                end = max(end, start)
            out.append(Spell(iso3, r.status, start, end, r.table, r.row,
                             r.start_date is not None, r.end_date is not None or r.end_year is None))
    return out


def by_state(all_spells: Iterable[Spell]) -> dict[str, list[Spell]]:
    grouped: dict[str, list[Spell]] = defaultdict(list)
    for s in all_spells:
        grouped[s.iso3].append(s)
    return dict(grouped)


def status_on_day(state_spells: Iterable[Spell], day: dt.date) -> str:
    """The status a state held on day: that of the spell covering it, else none. Spells of valid
    data never overlap; where they do, the one that started last counts."""
    held = [s for s in state_spells if s.holds_on(day)]
    if not held:
        return NONE
    return max(held, key=lambda s: (s.start, STATUSES.index(s.status) if s.status in STATUSES else -1)).status


def sco_status_on(spells_by_state: dict[str, list[Spell]], day: dt.date) -> dict[str, str]:
    """iso3 -> the SCO status each state held on day, for the states that held one (the Shanghai
    Five, which preceded the SCO, counts as none)."""
    out = {}
    for iso3, state_spells in spells_by_state.items():
        held = status_on_day(state_spells, day)
        if held not in (NONE, SHANGHAI_FIVE):
            out[iso3] = held
    return out


def statuses_between(state_spells: Iterable[Spell], first: dt.date, last: dt.date) -> list[str]:
    """Every status held on some day from first to last, none included (a day no spell covers),
    in the order the state first held each in that period."""
    seen: dict[str, tuple] = {}
    held = [s for s in state_spells if s.held_between(first, last)]
    for s in held:
        key = (max(s.start, first), STATUSES.index(s.status) if s.status in STATUSES else 99)
        if s.status not in seen or key < seen[s.status]:
            seen[s.status] = key
    # The first day in the period that no spell covers, walking the spells in order of start.
    day = first
    for s in sorted(held, key=lambda s: s.start):
        if s.start > day:
            break
        if s.end is None:
            day = None
            break
        day = max(day, s.end)
    if day is not None and day <= last:
        seen.setdefault(NONE, (day, STATUSES.index(NONE)))
    return sorted(seen, key=seen.__getitem__)


# --------------------------------------------------------------------------- the panel


def created_date(pkg) -> dt.date:
    """The day part of the descriptor's `created`: the panel's "as of" day."""
    from .errors import DocsError

    raw = str(pkg.descriptor.get("created") or "")
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise DocsError(f"{pkg.descriptor_path.name}: `created` is {raw or 'missing'}; the {PANEL} table runs to the "
                        "created date, so set `created` (YYYY-MM-DD or an ISO date-time)") from None


def first_year(summits, all_spells: list[Spell]) -> int | None:
    """The panel's first year: that of the first summit (the Shanghai Five's first, 1996), or of an
    earlier spell."""
    years = [r["year"] for r in _rows(summits) if r.get("year") is not None]
    years += [s.start.year for s in all_spells]
    return min(years) if years else None


def panel_rows(tables: dict, as_of: dt.date) -> list[dict]:
    """The rows of sco_status_years from typed tables (name -> Arrow table): one per state that
    ever held a status and year from the first year to as_of's, sorted by state and year."""
    all_spells = spells(tables.get(MEMBERS), tables.get(OBSERVERS), as_of=as_of)
    grouped = by_state(all_spells)
    start = first_year(tables.get(SUMMITS), all_spells)
    cow = {r["iso3"]: r.get("cow_code") for r in _rows(tables.get(COUNTRIES)) if r.get("iso3")}
    rows = []
    for iso3 in sorted(grouped):
        for year in range(start, as_of.year + 1) if start is not None else ():
            day = dt.date(year, 12, 31) if year < as_of.year else as_of
            rows.append({
                "iso3": iso3,
                "year": year,
                "status": status_on_day(grouped[iso3], day),
                "statuses_in_year": statuses_between(grouped[iso3], dt.date(year, 1, 1), day),
                "cow_code": cow.get(iso3),
            })
    return rows


def panel(pkg, tables: dict) -> list[dict]:
    """sco_status_years as of the package's created date."""
    return panel_rows(tables, created_date(pkg))


# The derived tables this module makes, by resource name (see derived.py).
DERIVED = {PANEL: panel}
