"""Cross-table rules of the contract (tables.md, "Rules across tables"), one named function each.

This is the one module besides the tests that names tables and columns. Each rule takes the typed
tables of a package (name -> TableRead) and yields problems that name the rule, the file, the line
(as a person counts it, header = 1) and the columns. A rule whose tables or columns are missing or
unreadable is skipped: the reader and the lint have already said why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .errors import Problem
from .read import MAX_PROBLEMS_PER_COLUMN, TableRead

Tables = dict[str, TableRead]


@dataclass(frozen=True)
class Rule:
    name: str
    check: Callable[[Tables], Iterable[Problem]]

    @property
    def doc(self) -> str:
        return (self.check.__doc__ or "").strip()


RULES: list[Rule] = []


def rule(name: str):
    """Register a rule under the name its problems carry."""

    def register(check):
        RULES.append(Rule(name, check))
        return check

    return register


class Rows:
    """A readable table as Python rows, with the helpers every rule needs to point at a line.
    The rows are built only when a rule iterates them, from the columns it names, so that a rule
    that does not apply to a large table costs nothing."""

    def __init__(self, tr: TableRead, columns: Iterable[str] | None = None):
        self.tr = tr
        self._columns = list(columns) if columns is not None else None
        self._rows: list[dict] | None = None

    @property
    def rows(self) -> list[dict]:
        if self._rows is None:
            table = self.tr.table if self._columns is None else self.tr.table.select(self._columns)
            self._rows = table.to_pylist()
        return self._rows

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        return iter(enumerate(self.rows))

    def problem(self, index: int, columns: str | Iterable[str], rule_name: str, message: str) -> Problem:
        column = columns if isinstance(columns, str) else ", ".join(columns)
        return Problem(self.tr.display, self.tr.line(index), column, rule_name, message)

    @property
    def file(self) -> str:
        return self.tr.display


def _rows(tables: Tables, name: str, *columns: str) -> Rows | None:
    """The table as rows, or None when it is absent, unreadable or lacks a column a rule needs."""
    tr = tables.get(name)
    if tr is None or tr.table is None or any(c not in tr.table.column_names for c in columns):
        return None
    return Rows(tr)


def _readable(tables: Tables) -> Iterator[Rows]:
    for tr in tables.values():
        if tr.table is not None:
            yield Rows(tr)


def _where(mask) -> list[int]:
    """Row indices where a boolean Arrow mask is true (nulls count as false)."""
    import pyarrow.compute as pc

    from . import arrow as lit

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


@rule("source-exists")
def source_exists(tables: Tables) -> Iterator[Problem]:
    """Every id in every source_ids cell exists in sources.source_id."""
    sources = _rows(tables, SOURCES, SOURCE_KEY)
    if sources is None:
        return
    import pyarrow.compute as pc

    from . import arrow as lit

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


@rule("year-matches-date")
def year_matches_date(tables: Tables) -> Iterator[Problem]:
    """A year column equals the year of its date column where both are set."""
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


@rule("end-after-start")
def end_after_start(tables: Tables) -> Iterator[Problem]:
    """An end (date or year) is not before its start."""
    import pyarrow.compute as pc

    for t in _readable(tables):
        table = t.tr.table
        for scol, ecol in _start_end_pairs(t.tr.resource.field_names):
            start, end = table.column(scol), table.column(ecol)
            if start.type != end.type:
                continue
            for i in _where(pc.less(end, start)):
                yield t.problem(i, (scol, ecol), "end-after-start",
                                f"{ecol} {end[i].as_py()} is before {scol} {start[i].as_py()}; an end cannot precede its start")


# --- summits, members and observers: spells of a status --------------------------------------
#
# Who held which status when is decided in one place, status.spells, which the timeline, the panel
# and status_on use too; these rules judge the spells it builds and point back at their rows.

MEMBER_COLUMNS = ("iso3", "joined_date", "left_date", "shanghai_five_member", "shanghai_five_date")
OBSERVER_COLUMNS = ("iso3", "status", "start_year", "start_date", "end_year", "end_date", "end_reason")


def _spells(members: Rows | None, observers: Rows | None):
    from . import status

    return status.by_state(status.spells(members.rows if members is not None else None,
                                         observers.rows if observers is not None else None))


@rule("summit-host-member")
def summit_host_member(tables: Tables) -> Iterator[Problem]:
    """A summit's host was a member on its start_date: of the SCO for an SCO summit (a Shanghai
    Five member counts from its shanghai_five_date, so the founding summit of 2001-06-14 is hosted
    by a member), of the Shanghai Five for a Shanghai Five summit."""
    from .status import MEMBER, SHANGHAI_FIVE, status_on_day

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


@rule("shanghai-five-date")
def shanghai_five_date(tables: Tables) -> Iterator[Problem]:
    """shanghai_five_date is set exactly when shanghai_five_member is true, and precedes
    joined_date: a state was in the Shanghai Five before it joined the SCO."""
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


@rule("spells-do-not-overlap")
def spells_do_not_overlap(tables: Tables) -> Iterator[Problem]:
    """One state's observer, dialogue-partner and partner spells do not overlap."""
    observers = _rows(tables, "observers", *OBSERVER_COLUMNS)
    if observers is None:
        return
    rows = observers.rows
    for state, spells in _spells(None, observers).items():
        ordered = _observer_spells(spells)
        for before, after in zip(ordered, ordered[1:]):
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


@rule("observer-before-member")
def observer_before_member(tables: Tables) -> Iterator[Problem]:
    """A member's last observer spell before it joined ends, with end_reason became_member, no
    later than its joined_date; a spell that ends in became_member belongs to a member."""
    observers = _rows(tables, "observers", *OBSERVER_COLUMNS)
    members = _rows(tables, "members", "iso3", "joined_date")
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
                                    f"{f'ends in {end}' if end else 'has no end'}; it must end no later than joined_date")


# --- the 2008 Georgia war ----------------------------------------------------------------------


@rule("recognition-date")
def recognition_date(tables: Tables) -> Iterator[Problem]:
    """recognition_date is set exactly when the state recognised Abkhazia or South Ossetia; a
    recognition_withdrawn_date needs a recognition_date and does not precede it."""
    positions = _rows(tables, "georgia_positions", "recognized_abkhazia", "recognized_south_ossetia", "recognition_date")
    if positions is None:
        return
    has_withdrawn = "recognition_withdrawn_date" in positions.tr.table.column_names
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


# --- arms deals --------------------------------------------------------------------------------

DEALS = "arms_deals"


@rule("deal-quantities")
def deal_quantities(tables: Tables) -> Iterator[Problem]:
    """No more delivered than ordered: quantity_delivered <= quantity_ordered."""
    deals = _rows(tables, DEALS, "quantity_ordered", "quantity_delivered")
    if deals is None:
        return
    for i, row in deals:
        ordered, delivered = row["quantity_ordered"], row["quantity_delivered"]
        if ordered is not None and delivered is not None and delivered > ordered:
            yield deals.problem(i, ("quantity_ordered", "quantity_delivered"), "deal-quantities",
                                f"quantity_delivered {delivered} exceeds quantity_ordered {ordered}")


@rule("deal-years")
def deal_years(tables: Tables) -> Iterator[Problem]:
    """Deliveries do not begin before the order: delivery_start_year (and delivery_end_year) >=
    order_year."""
    deals = _rows(tables, DEALS, "order_year", "delivery_start_year", "delivery_end_year")
    if deals is None:
        return
    for i, row in deals:
        order = row["order_year"]
        for col in ("delivery_start_year", "delivery_end_year"):
            year = row[col]
            if order is not None and year is not None and year < order:
                yield deals.problem(i, ("order_year", col), "deal-years",
                                    f"{col} {year} is before order_year {order}; deliveries follow the order")
                break


@rule("deal-parties")
def deal_parties(tables: Tables) -> Iterator[Problem]:
    """A deal is between two states: supplier_iso3 differs from recipient_iso3."""
    deals = _rows(tables, DEALS, "supplier_iso3", "recipient_iso3")
    if deals is None:
        return
    for i, row in deals:
        if row["supplier_iso3"] is not None and row["supplier_iso3"] == row["recipient_iso3"]:
            yield deals.problem(i, ("supplier_iso3", "recipient_iso3"), "deal-parties",
                                f"{row['supplier_iso3']} is both supplier and recipient; a deal needs two states")


@rule("deliveries-within-deal")
def deliveries_within_deal(tables: Tables) -> Iterator[Problem]:
    """A deal's yearly deliveries (arms_deliveries) fall within its delivery_start_year ..
    delivery_end_year, and their quantities add up to no more than its quantity_delivered (when
    that total is known). An empty delivery_start_year or delivery_end_year is unknown, not a
    bound: a deal still in delivery has no last year yet."""
    deliveries = _rows(tables, "arms_deliveries", "deal_id", "year", "quantity")
    deals = _rows(tables, DEALS, "deal_id", "delivery_start_year", "delivery_end_year", "quantity_delivered")
    if deliveries is None or deals is None:
        return
    by_id = {row["deal_id"]: row for _, row in deals if row["deal_id"] is not None}
    totals: dict[str, list] = defaultdict(lambda: [0, None])  # deal -> [sum so far, last line index]
    for i, row in deliveries:
        deal = by_id.get(row["deal_id"])
        if deal is None:
            continue  # the foreign key says so
        start, end, year = deal["delivery_start_year"], deal["delivery_end_year"], row["year"]
        if start is not None and end is not None and end < start:
            continue  # end-after-start reports the deal; its years cannot judge the deliveries
        if year is not None and ((start is not None and year < start) or (end is not None and year > end)):
            span = f"{_fmt(start)} .. {_fmt(end)}"
            yield deliveries.problem(i, ("deal_id", "year"), "deliveries-within-deal",
                                     f"{row['deal_id']} delivers in {year}, outside its delivery years {span} in "
                                     f"{deals.file}; fix the year or the deal's delivery_start_year/delivery_end_year")
        if row["quantity"] is not None:
            totals[row["deal_id"]][0] += row["quantity"]
            totals[row["deal_id"]][1] = i
    for deal_id, (total, last) in totals.items():
        delivered = by_id[deal_id]["quantity_delivered"]
        if delivered is not None and total > delivered:
            yield deliveries.problem(last, ("deal_id", "quantity"), "deliveries-within-deal",
                                     f"{deal_id}'s yearly deliveries add up to {total}, more than its quantity_delivered "
                                     f"({delivered}) in {deals.file}")


def run_rules(pkg, tables: Tables) -> list[Problem]:
    """Every registered rule, at most MAX_PROBLEMS_PER_COLUMN problems per rule and column of a
    file (then one line saying how many more), as the typed checks do."""
    out: list[Problem] = []
    for r in RULES:
        counts: dict[tuple, int] = defaultdict(int)
        for p in r.check(tables):
            key = (p.file, p.column)
            counts[key] += 1
            if counts[key] <= MAX_PROBLEMS_PER_COLUMN:
                out.append(p)
        for (file, column), n in counts.items():
            if n > MAX_PROBLEMS_PER_COLUMN:
                out.append(Problem(file, None, column, r.name, f"{n - MAX_PROBLEMS_PER_COLUMN} more rows like these"))
    return out
