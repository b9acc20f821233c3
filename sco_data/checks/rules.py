"""The cross-table rules of the contract: what the tables mean together, one named check each.

Each rule is a package check (see registry.py) whose docstring states the rule and why it holds;
docs/rules.md, the contract as the project documents it, is written from them. This is the one
module besides the tests that names tables and columns. Each rule takes the typed tables of a
package (name -> TableRead) and yields problems that name the rule, the file, the line (as a
person counts it, header = 1) and the columns. A rule whose tables or columns are missing or
unreadable is skipped: the reader and the lint have already said why.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..errors import Problem
from ..read import TableRead
from .registry import PACKAGE, Case, ReplaceText, check

Tables = dict[str, TableRead]


class Rows:
    """A readable table as Python rows of the columns a rule names, and nothing else, with the
    helpers every rule needs to point at a line. The rows are built only when a rule iterates
    them, so that a rule that does not apply to a large table costs nothing."""

    def __init__(self, tr: TableRead, columns: Iterable[str] = ()):
        self.tr = tr
        self.columns = list(dict.fromkeys(columns))
        self._rows: list[dict] | None = None

    @property
    def rows(self) -> list[dict]:
        if self._rows is None:
            self._rows = self.tr.table.select(self.columns).to_pylist()
        return self._rows

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        return iter(enumerate(self.rows))

    def problem(self, index: int, columns: str | Iterable[str], rule_name: str, message: str) -> Problem:
        column = columns if isinstance(columns, str) else ", ".join(columns)
        return Problem(self.tr.display, self.tr.line(index), column, rule_name, message)

    @property
    def file(self) -> str:
        return self.tr.display


def _rows(tables: Tables, name: str, *columns: str, optional: Iterable[str] = ()) -> Rows | None:
    """The table as rows of the columns named, and of those `optional` ones it has; None when it
    is absent, unreadable or lacks a column a rule needs."""
    tr = tables.get(name)
    if tr is None or tr.table is None or any(c not in tr.table.column_names for c in columns):
        return None
    return Rows(tr, [*columns, *(c for c in optional if c in tr.table.column_names)])


def _readable(tables: Tables) -> Iterator[Rows]:
    """Every readable table, for the rules that work on its Arrow columns (they build no rows)."""
    for tr in tables.values():
        if tr.table is not None:
            yield Rows(tr)


def _where(mask) -> list[int]:
    """Row indices where a boolean Arrow mask is true (nulls count as false)."""
    import pyarrow.compute as pc

    from .. import arrow as lit

    # One Array, never a ChunkedArray without chunks: indices_nonzero crashes the interpreter on
    # that (an empty table read from a header-only CSV).
    mask = lit.combined(mask)
    if len(mask) == 0:
        return []
    return pc.indices_nonzero(mask).to_pylist()


def _fmt(value) -> str:
    return "empty" if value is None else str(value)


# --- sources -----------------------------------------------------------------------------------

SOURCES, SOURCE_KEY = "sources", "source_id"


def _is_source_list(fdef: dict) -> bool:
    """A list field that cites the sources table: by the contract's name for it."""
    return fdef["name"] == "source_ids" and fdef.get("type") == "list"


@check("source-exists", PACKAGE, cases=[
    Case("source-exists", ReplaceText("summits", "Test outcome,,test-ref", "Test outcome,,test-ref;nope-2020"),
         ["data/summits.csv:2:source_ids: [source-exists] 'nope-2020' not in data/sources.csv (source_id); "
          "add the source there or fix the id"]),
])
def source_exists(tables: Tables) -> Iterator[Problem]:
    """Every id in every source_ids cell, in any table, is a source_id of sources. A row says
    where its facts come from by citing sources; an id that names none leaves the facts unsourced,
    and a reader cannot follow them to the document. (A list field named source_ids cites the
    sources table; the workbook and the Datasette metadata read that convention from here too.)"""
    sources = _rows(tables, SOURCES, SOURCE_KEY)
    if sources is None:
        return
    import pyarrow.compute as pc

    from .. import arrow as lit

    known_ids = sources.tr.table.column(SOURCE_KEY)
    known = set(known_ids.to_pylist())
    for t in _readable(tables):
        for fdef in t.tr.resource.fields:
            if not _is_source_list(fdef):
                continue
            name = fdef["name"]
            cited = lit.combined(t.tr.table.column(name))
            # Vectorised over every cited id; only the rows with an unknown one become Python.
            bad_items = pc.invert(pc.is_in(pc.list_flatten(cited), value_set=lit.combined(known_ids)))
            rows = pc.unique(pc.filter(pc.list_parent_indices(cited), bad_items)).to_pylist()
            for i in sorted(rows):
                unknown = [s for s in cited[i].as_py() or [] if s not in known]
                if unknown:
                    ids = ", ".join(repr(s) for s in unknown)
                    yield t.problem(i, name, "source-exists",
                                    f"{ids} not in {sources.file} ({SOURCE_KEY}); add the source there or fix the id")


# --- dates and years ---------------------------------------------------------------------------


def _year_date_pairs(names: list[str]) -> Iterator[tuple[str, str]]:
    """(year column, date column) pairs by the contract's convention: `year` goes with
    `start_date`, `X_year` with `X_date`."""
    for name in names:
        if name == "year" and "start_date" in names:
            yield name, "start_date"
        elif name.endswith("_year") and f"{name[:-5]}_date" in names:
            yield name, f"{name[:-5]}_date"


@check("year-matches-date", PACKAGE, cases=[
    Case("year-matches-date", ReplaceText("summits", "shanghai_five,1996,", "shanghai_five,1997,"),
         ["data/summits.csv:2:year, start_date: [year-matches-date] year is 1997 but start_date 1996-04-26 is in 1996; "
          "make them agree"]),
    Case("year-matches-date-exercise", ReplaceText("military_exercises", "2007,2007-08-09", "2008,2007-08-09"),
         ["data/military_exercises.csv:2:year, start_date: [year-matches-date] year is 2008 but start_date 2007-08-09 "
          "is in 2007; make them agree"]),
    Case("year-matches-date-observer-end",
         ReplaceText("observers", "2025,,merged_into_partner", "2025,2024-06-15,merged_into_partner"),
         ["data/observers.csv:2:end_year, end_date: [year-matches-date] end_year is 2025 but end_date 2024-06-15 is in "
          "2024; make them agree"]),
])
def year_matches_date(tables: Tables) -> Iterator[Problem]:
    """A year column equals the year of its date column where both are set: `year` goes with
    `start_date`, `X_year` with `X_date` (`start_year` with `start_date`, `end_year` with
    `end_date`). The year is there so that a row whose day is not known can still be placed in
    time and filtered by year; where the day is known the year repeats it, and the two must not
    tell different stories."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for t in _readable(tables):
        table = t.tr.table
        for ycol, dcol in _year_date_pairs(t.tr.resource.field_names):
            year, date = table.column(ycol), table.column(dcol)
            if not (pa.types.is_integer(year.type) and pa.types.is_date(date.type)):
                continue
            # Vectorised: these columns can be long, and only the rows that break the rule are
            # turned into Python values.
            for i in _where(pc.not_equal(pc.year(date), pc.cast(year, pa.int64()))):
                y, d = year[i].as_py(), date[i].as_py()
                yield t.problem(i, (ycol, dcol), "year-matches-date",
                                f"{ycol} is {y} but {dcol} {d} is in {d.year}; make them agree")


def _start_end_pairs(names: list[str]) -> Iterator[tuple[str, str]]:
    """(start column, end column) pairs: `end_date`/`start_date`, `delivery_end_year`/
    `delivery_start_year`, ...: the names differ only in `end` for `start`."""
    for name in names:
        parts = name.split("_")
        if "end" in parts:
            start = "_".join("start" if p == "end" else p for p in parts)
            if start in names:
                yield start, name


@check("end-after-start", PACKAGE, cases=[
    Case("end-after-start", ReplaceText("summits", "1996-04-26,1996-04-26", "1996-04-26,1996-04-25"),
         ["data/summits.csv:2:start_date, end_date: [end-after-start] end_date 1996-04-25 is before start_date "
          "1996-04-26; an end cannot precede its start"]),
    Case("end-after-start-delivery", ReplaceText("arms_deals", "1998,2007", "1998,1997"),
         ["data/arms_deals.csv:2:delivery_start_year, delivery_end_year: [end-after-start] delivery_end_year 1997 is "
          "before delivery_start_year 1998; an end cannot precede its start"]),
    Case("end-after-start-observer-years", ReplaceText("observers", "2004-tashkent,2025,", "2004-tashkent,2003,"),
         ["data/observers.csv:2:start_year, end_year: [end-after-start] end_year 2003 is before start_year 2004; an "
          "end cannot precede its start"]),
])
def end_after_start(tables: Tables) -> Iterator[Problem]:
    """An end (date or year) is not before its start, in every pair of columns whose names differ
    only in `end` for `start` (`start_date` and `end_date`, `start_year` and `end_year`,
    `delivery_start_year` and `delivery_end_year`) and which hold the same type. A span that ends
    before it begins is a slip in one of its cells, and the statuses over time and the deliveries
    of a deal are computed from these spans."""
    import pyarrow.compute as pc

    for t in _readable(tables):
        table = t.tr.table
        for scol, ecol in _start_end_pairs(t.tr.resource.field_names):
            start, end = table.column(scol), table.column(ecol)
            if start.type != end.type:
                continue
            for i in _where(pc.less(end, start)):
                yield t.problem(i, (scol, ecol), "end-after-start",
                                f"{ecol} {end[i].as_py()} is before {scol} {start[i].as_py()}; "
                                "an end cannot precede its start")


# --- summits, members and observers: spells of a status --------------------------------------
#
# Who held which status when is decided in one place, status.spells, which the timeline, the panel
# and status_on use too; these rules judge the spells it builds and point back at their rows.

MEMBER_COLUMNS = ("iso3", "joined_date", "left_date", "shanghai_five_member", "shanghai_five_date")
OBSERVER_COLUMNS = ("iso3", "status", "start_year", "start_date", "end_year", "end_date", "end_reason")


def _spells(members: Rows | None, observers: Rows | None):
    from .. import status

    return status.by_state(status.spells(members.rows if members is not None else None,
                                         observers.rows if observers is not None else None))


@check("summit-host-member", PACKAGE, cases=[
    Case("summit-host-member", ReplaceText("summits", "Tashkent,UZB", "Tashkent,MNG"),
         ["data/summits.csv:4:host_iso3, start_date: [summit-host-member] the host of a sco summit on 2004-06-17 must "
          "be a member then, but MNG is not in data/members.csv"]),
    Case("summit-host-member-shanghai-five",
         ReplaceText("summits", "Shanghai,CHN,in_person,Test outcome", "Shanghai,UZB,in_person,Test outcome"),
         ["data/summits.csv:2:host_iso3, start_date: [summit-host-member] the host of a shanghai_five summit on "
          "1996-04-26 must be a member then, but UZB is not a Shanghai Five member in data/members.csv"]),
    Case("summit-host-member-before-joining", ReplaceText("members", "UZB,2001-06-15", "UZB,2005-06-15"),
         ["data/summits.csv:4:host_iso3, start_date: [summit-host-member] the host of a sco summit on 2004-06-17 must "
          "be a member then, but UZB joined on 2005-06-15"]),
    Case("summit-host-member-before-shanghai-five",
         ReplaceText("members", "CHN,2001-06-15,2001-shanghai,true,true,1996-04-26",
                     "CHN,2001-06-15,2001-shanghai,true,true,1997-01-01"),
         ["data/summits.csv:2:host_iso3, start_date: [summit-host-member] the host of a shanghai_five summit on "
          "1996-04-26 must be a member then, but CHN became a Shanghai Five member on 1997-01-01"]),
])
def summit_host_member(tables: Tables) -> Iterator[Problem]:
    """A summit's host was a member on its start_date, and had not left: of the SCO for an SCO
    summit (a Shanghai Five member counts from its shanghai_five_date, so the founding summit of
    2001-06-14 is hosted by a member), of the Shanghai Five for a Shanghai Five summit. A summit
    meets in one of the organisation's members; a host that was not one that day points at a
    wrong host or date, or at a wrong joined_date or shanghai_five_date in members."""
    from ..status import MEMBER, SHANGHAI_FIVE, status_on_day

    summits = _rows(tables, "summits", "organisation", "start_date", "host_iso3")
    members = _rows(tables, "members", *MEMBER_COLUMNS)
    if summits is None or members is None:
        return
    by_state = {r["iso3"]: r for _, r in members}
    spells = _spells(members, None)
    for i, s in summits:
        host, day, org = s["host_iso3"], s["start_date"], s["organisation"]
        if host is None or day is None or org is None:
            continue
        m = by_state.get(host)
        held = status_on_day(spells.get(host, []), day)
        if m is None:
            why = f"{host} is not in {members.file}"
        elif m["left_date"] is not None and m["left_date"] < day:
            why = f"{host} left on {m['left_date']}"
        elif org == "shanghai_five":
            if not m["shanghai_five_member"]:
                why = f"{host} is not a Shanghai Five member in {members.file}"
            elif held != SHANGHAI_FIVE and m["shanghai_five_date"] is not None:
                why = f"{host} became a Shanghai Five member on {m['shanghai_five_date']}"
            else:  # an empty shanghai_five_date is the shanghai-five-date rule's to report
                why = None
        else:
            why = None if held in (MEMBER, SHANGHAI_FIVE) else f"{host} joined on {_fmt(m['joined_date'])}"
        if why:
            yield summits.problem(i, ("host_iso3", "start_date"), "summit-host-member",
                                  f"the host of a {org} summit on {day} must be a member then, but {why}")


@check("shanghai-five-date", PACKAGE, cases=[
    Case("shanghai-five-date-missing",
         ReplaceText("members", "KAZ,2001-06-15,2001-shanghai,true,true,1996-04-26",
                     "KAZ,2001-06-15,2001-shanghai,true,true,"),
         ["data/members.csv:3:shanghai_five_member, shanghai_five_date: [shanghai-five-date] shanghai_five_member is "
          "true, so shanghai_five_date must be set: the day the state became a Shanghai Five member"]),
    Case("shanghai-five-date-without-flag",
         ReplaceText("members", "UZB,2001-06-15,2001-shanghai,true,false,",
                     "UZB,2001-06-15,2001-shanghai,true,false,2001-06-14"),
         ["data/members.csv:5:shanghai_five_member, shanghai_five_date: [shanghai-five-date] shanghai_five_date is "
          "2001-06-14 but shanghai_five_member is false; set the flag or empty the date"]),
    Case("shanghai-five-date-not-before-joining",
         ReplaceText("members", "KAZ,2001-06-15,2001-shanghai,true,true,1996-04-26",
                     "KAZ,2001-06-15,2001-shanghai,true,true,2001-06-15"),
         ["data/members.csv:3:shanghai_five_date, joined_date: [shanghai-five-date] shanghai_five_date 2001-06-15 is "
          "not before joined_date 2001-06-15; a state was in the Shanghai Five before it joined the SCO"]),
])
def shanghai_five_date(tables: Tables) -> Iterator[Problem]:
    """shanghai_five_date is set exactly when shanghai_five_member is true, and precedes
    joined_date: a state was in the Shanghai Five before it joined the SCO, its successor. The
    date is the day the state's `shanghai_five` status begins in the panel (sco_status_years),
    the timeline and status_on, and the flag says whether there is such a day at all; a flag
    without a date, or a date without the flag, contradicts itself."""
    members = _rows(tables, "members", "shanghai_five_member", "shanghai_five_date", "joined_date")
    if members is None:
        return
    for i, row in members:
        flag, day, joined = row["shanghai_five_member"], row["shanghai_five_date"], row["joined_date"]
        if flag and day is None:
            yield members.problem(i, ("shanghai_five_member", "shanghai_five_date"), "shanghai-five-date",
                                  "shanghai_five_member is true, so shanghai_five_date must be set: the day the state "
                                  "became a Shanghai Five member")
        elif flag is False and day is not None:
            yield members.problem(i, ("shanghai_five_member", "shanghai_five_date"), "shanghai-five-date",
                                  f"shanghai_five_date is {day} but shanghai_five_member is false; set the flag or "
                                  "empty the date")
        elif day is not None and joined is not None and day >= joined:
            yield members.problem(i, ("shanghai_five_date", "joined_date"), "shanghai-five-date",
                                  f"shanghai_five_date {day} is not before joined_date {joined}; a state was in the "
                                  "Shanghai Five before it joined the SCO")


def _observer_spells(spells) -> list:
    return [s for s in spells if s.table == "observers"]


@check("spells-do-not-overlap", PACKAGE, cases=[
    Case("spells-do-not-overlap", ReplaceText("observers", "2004-tashkent,2025,", "2004-tashkent,2026,"),
         ["data/observers.csv:3:start_year, start_date: [spells-do-not-overlap] MNG's partner spell starts in 2025 "
          "while its observer spell of line 2 lasts until 2026; end the earlier spell first"]),
])
def spells_do_not_overlap(tables: Tables) -> Iterator[Problem]:
    """One state's observer, dialogue-partner and partner spells (rows of observers) do not
    overlap: a state holds one such status at a time, and the panel (sco_status_years) and
    status_on give each state one status on each day. A spell that ends on the day the next
    starts does not overlap it: a status is held from its start through the day before its end
    (the boundary rule of sco_data/status.py, which also places a start or end known only by its
    year)."""
    observers = _rows(tables, "observers", *OBSERVER_COLUMNS)
    if observers is None:
        return
    rows = observers.rows
    for state, spells in _spells(None, observers).items():
        ordered = _observer_spells(spells)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if before.end is not None and before.end <= after.start:
                continue
            b, a = rows[before.row], rows[after.row]
            end = b["end_date"] or b["end_year"]
            yield observers.problem(
                after.row, ("start_year", "start_date"), "spells-do-not-overlap",
                f"{state}'s {a['status']} spell starts in {a['start_date'] or a['start_year']} while its "
                f"{b['status']} spell of line {observers.tr.line(before.row)} "
                + (f"lasts until {end}" if end else "has no end")
                + "; end the earlier spell first",
            )


@check("observer-before-member", PACKAGE, cases=[
    Case("observer-before-member",
         ReplaceText("observers", "source_ids\n", "source_ids\nKAZ,observer,1999,,,2001,,status_changed,,test-ref\n"),
         ["data/observers.csv:2:end_reason: [observer-before-member] KAZ joined on 2001-06-15, so its last spell "
          "before that must end with end_reason became_member, not status_changed"]),
    Case("observer-before-member-ends-late",
         ReplaceText("observers", "source_ids\n", "source_ids\nKAZ,observer,1999,,,2002,,became_member,,test-ref\n"),
         ["data/observers.csv:2:end_year, end_date: [observer-before-member] KAZ joined on 2001-06-15, but its last "
          "spell before that ends in 2002; it must end no later than joined_date"]),
    Case("observer-before-member-not-a-member", ReplaceText("observers", "merged_into_partner", "became_member"),
         ["data/observers.csv:2:iso3, end_reason: [observer-before-member] the spell ends because MNG became a member, "
          "but MNG is not in data/members.csv; add the membership or fix end_reason"]),
])
def observer_before_member(tables: Tables) -> Iterator[Problem]:
    """A member's last observer spell before it joined ends, with end_reason became_member, no
    later than its joined_date; a spell that ends in became_member belongs to a member. A state
    that joins gives up its observer or partner status by joining: the spell ends then, for that
    reason, so that no day counts the state as both, and end_reason says why every spell ended."""
    observers = _rows(tables, "observers", *OBSERVER_COLUMNS)
    # The spells are built from every members column status.spells reads, as they always were.
    members = _rows(tables, "members", "iso3", "joined_date", optional=MEMBER_COLUMNS)
    if observers is None or members is None:
        return
    rows = observers.rows
    joined = {r["iso3"]: r["joined_date"] for _, r in members if r["iso3"] is not None}
    for state, spells in _spells(members, observers).items():
        own = _observer_spells(spells)
        if state not in joined:
            for s in own:
                if rows[s.row]["end_reason"] == "became_member":
                    yield observers.problem(s.row, ("iso3", "end_reason"), "observer-before-member",
                                            f"the spell ends because {state} became a member, but {state} is not in "
                                            f"{members.file}; add the membership or fix end_reason")
            continue
        day = joined[state]
        before = [s for s in own if day is not None and s.start < day]
        if not before:
            continue
        last = before[-1]
        row = rows[last.row]
        if row["end_reason"] != "became_member":
            yield observers.problem(last.row, "end_reason", "observer-before-member",
                                    f"{state} joined on {day}, so its last spell before that must end with end_reason "
                                    f"became_member, not {_fmt(row['end_reason'])}")
        if last.end is None or last.end > day:
            end = row["end_date"] or row["end_year"]
            yield observers.problem(last.row, ("end_year", "end_date"), "observer-before-member",
                                    f"{state} joined on {day}, but its last spell before that "
                                    f"{f'ends in {end}' if end else 'has no end'}; "
                                    "it must end no later than joined_date")


# --- the 2008 Georgia war ----------------------------------------------------------------------


@check("recognition-date", PACKAGE, cases=[
    Case("recognition-date-missing", ReplaceText("georgia_positions", "true,true,2008-08-26,", "true,true,,"),
         ["data/georgia_positions.csv:3:recognized_abkhazia, recognized_south_ossetia, recognition_date: "
          "[recognition-date] the state recognised Abkhazia or South Ossetia, so recognition_date must be set"]),
    Case("recognition-date-without-recognition",
         ReplaceText("georgia_positions", "false,false,,", "false,false,2008-08-26,"),
         ["data/georgia_positions.csv:2:recognized_abkhazia, recognized_south_ossetia, recognition_date: "
          "[recognition-date] recognition_date is 2008-08-26 but neither recognized_abkhazia nor "
          "recognized_south_ossetia is true; set the one recognised or empty the date"]),
    Case("recognition-withdrawn-before-recognition",
         ReplaceText("georgia_positions", "2008-08-26,,", "2008-08-26,2008-08-01,"),
         ["data/georgia_positions.csv:3:recognition_date, recognition_withdrawn_date: [recognition-date] "
          "recognition_withdrawn_date 2008-08-01 is before recognition_date 2008-08-26"]),
    Case("recognition-withdrawn-without-recognition",
         ReplaceText("georgia_positions", "false,false,,", "false,false,,2009-01-01"),
         ["data/georgia_positions.csv:2:recognition_date, recognition_withdrawn_date: [recognition-date] "
          "recognition_withdrawn_date is 2009-01-01 but recognition_date is empty; a recognition must be dated "
          "before its withdrawal"]),
])
def recognition_date(tables: Tables) -> Iterator[Problem]:
    """recognition_date is set exactly when the state recognised Abkhazia or South Ossetia; a
    recognition_withdrawn_date needs a recognition_date and does not precede it. The flags say
    whether a state recognised the two regions of Georgia as states after the war of August 2008,
    the date says when (the first, of either region): a date without a recognition, or a
    recognition without a date, contradicts itself, and a recognition is made before it can be
    withdrawn."""
    positions = _rows(tables, "georgia_positions", "recognized_abkhazia", "recognized_south_ossetia",
                      "recognition_date", optional=["recognition_withdrawn_date"])
    if positions is None:
        return
    has_withdrawn = "recognition_withdrawn_date" in positions.columns
    for i, row in positions:
        recognised = bool(row["recognized_abkhazia"] or row["recognized_south_ossetia"])
        date = row["recognition_date"]
        cols = ("recognized_abkhazia", "recognized_south_ossetia", "recognition_date")
        if recognised and date is None:
            yield positions.problem(i, cols, "recognition-date",
                                    "the state recognised Abkhazia or South Ossetia, so recognition_date must be set")
        elif not recognised and date is not None:
            yield positions.problem(i, cols, "recognition-date",
                                    f"recognition_date is {date} but neither recognized_abkhazia nor "
                                    "recognized_south_ossetia is true; set the one recognised or empty the date")
        withdrawn = row["recognition_withdrawn_date"] if has_withdrawn else None
        if withdrawn is None:
            continue
        if date is None:
            yield positions.problem(i, ("recognition_date", "recognition_withdrawn_date"), "recognition-date",
                                    f"recognition_withdrawn_date is {withdrawn} but recognition_date is empty; "
                                    "a recognition must be dated before its withdrawal")
        elif withdrawn < date:
            yield positions.problem(i, ("recognition_date", "recognition_withdrawn_date"), "recognition-date",
                                    f"recognition_withdrawn_date {withdrawn} is before recognition_date {date}")
