"""Our statuses against the Correlates of War IGO data: docs/cow-reconciliation.md.

The SCO column of the COW IGO data, version 3.0 (reference/cow_igo_sco.csv, described and cited in
reference/README.md) is compared year by year with sco_status_years. Where COW's code is the one
our status stands for (AGREES) there is nothing to say; every other state-year is a difference,
and each kind of difference has its reason in REASONS, the one place that holds this domain
knowledge. A difference without a reason stops `sco-data docs` with an error naming it: a new
disagreement is to be understood and written down, never published unexplained.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import DocsError
from .refcsv import read_rows
from .status import COUNTRIES, MEMBER, NONE, OBSERVER, PANEL

REFERENCE = Path("reference") / "cow_igo_sco.csv"
OUTPUT = "cow-reconciliation.md"
COLUMNS = ["ccode", "country", "year", "sco"]

# The codes of the COW state-level file (reference/README.md).
COW_CODES = {0: "no membership", 1: "full membership", 2: "associate membership", 3: "observer",
             -9: "missing data", -1: "IGO not in existence"}

# The COW code each of our statuses stands for; a state-year coded so agrees.
AGREES = {MEMBER: 1, OBSERVER: 3, NONE: 0}

# Why COW codes a state-year differently from us, by (our status, COW's code): (a short label, the
# reason in full).
REASONS: dict[tuple[str, int], tuple[str, str]] = {
    ("shanghai_five", 1): (
        "Shanghai Five counted as the SCO",
        "COW treats the Shanghai Five and the SCO as one organisation, dated from 1996 (its IGO file names it "
        "Shanghai Cooperation Organisation/Shanghai Pact/Shanghai Five, start year 1996), so it codes the five "
        "states of 1996 full members from 1996. We keep the Shanghai Five as a status of its own until the SCO "
        "was founded on 2001-06-15; from 2001 both say member.",
    ),
    ("observer", 0): (
        "COW records no SCO observers",
        "COW IGO version 3.0 codes no state as an observer of the SCO (its code 3) in any year: the states the "
        "SCO made observers are coded 0, no membership. Its 0 says that the state was not a member, which is "
        "true; it is no evidence against the observer status.",
    ),
    ("dialogue_partner", 0): (
        "COW has no dialogue-partner category",
        "COW's codes know full membership, associate membership and observers, but no dialogue partners, so "
        "it codes the SCO's dialogue partners 0, like any state outside the organisation.",
    ),
}


# What a reader should know about a state-year that agrees, by (iso3, year). Each must name a
# state-year that is compared, or the note is stale and docs stop.
NOTES: dict[tuple[str, int], str] = {
    ("UZB", 2001): "Uzbekistan joined the Shanghai Five on 2001-06-14 and founded the SCO the next day. COW, "
                   "which does not tell the Shanghai Five from the SCO, codes it 0 to 2000 and 1 from 2001: the "
                   "same as ours at every year's end.",
}


@dataclass(frozen=True)
class Run:
    """Consecutive years in which one state has the same COW code and the same status of ours."""

    iso3: str
    name: str
    ccode: int
    first: int
    last: int
    cow: int
    ours: str

    @property
    def years(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    @property
    def count(self) -> int:
        return self.last - self.first + 1


def read_reference(path: Path) -> dict[tuple[int, int], tuple[int, str]]:
    """(ccode, year) -> (sco, COW's name) from the extract, refusing one that is not as described."""
    out = {}
    for line, row in read_rows(path, REFERENCE.as_posix(), COLUMNS):
        try:
            ccode, name, year, code = int(row[0]), row[1], int(row[2]), int(row[3])
        except (ValueError, IndexError):
            raise DocsError(f"{REFERENCE.as_posix()}:{line}: expected ccode,country,year,sco with whole numbers, "
                            f"got {','.join(row)}") from None
        if code not in COW_CODES:
            raise DocsError(f"{REFERENCE.as_posix()}:{line}: sco {code} is not a COW code "
                            f"({', '.join(map(str, COW_CODES))})")
        if (ccode, year) in out:
            raise DocsError(f"{REFERENCE.as_posix()}:{line}: {ccode} {year} is there twice")
        out[(ccode, year)] = (code, name)
    if not out:
        raise DocsError(f"{REFERENCE.as_posix()}: no rows to compare")
    return out


def compare(cow: dict, panel_rows: list[dict], names: dict[str, str]) -> tuple[list[Run], list[dict], dict]:
    """The differences as runs, the state-years compared (each a dict) and counts. A state-year
    of the extract's years that is missing from it is COW's 0 (reference/README.md); a COW state
    that is not in our panel held no status of ours."""
    years = sorted({y for _, y in cow})
    first, last = years[0], years[-1]
    by_code = {}
    for r in panel_rows:
        if first <= r["year"] <= last and r["cow_code"] is not None:
            by_code[(r["cow_code"], r["year"])] = r
    iso3_of = {c: r["iso3"] for (c, _), r in by_code.items()}
    compared = []
    for ccode in sorted({c for c, _ in cow} | {c for c, _ in by_code}):
        for year in range(first, last + 1):
            ours = by_code.get((ccode, year))
            code, cow_name = cow.get((ccode, year), (0, None))
            iso3 = iso3_of.get(ccode, "")
            compared.append({
                "iso3": iso3, "name": names.get(iso3) or cow_name or str(ccode), "ccode": ccode, "year": year,
                "cow": code, "ours": ours["status"] if ours else NONE,
                "statuses": ours["statuses_in_year"] if ours else [NONE],
            })
    compared.sort(key=lambda c: (c["iso3"] or f"~{c['ccode']}", c["year"]))
    runs: list[Run] = []
    for c in compared:
        if AGREES.get(c["ours"]) == c["cow"]:
            continue
        prev = runs[-1] if runs else None
        if prev and (prev.ccode, prev.cow, prev.ours, prev.last + 1) == (c["ccode"], c["cow"], c["ours"], c["year"]):
            runs[-1] = Run(prev.iso3, prev.name, prev.ccode, prev.first, c["year"], prev.cow, prev.ours)
        else:
            runs.append(Run(c["iso3"], c["name"], c["ccode"], c["year"], c["year"], c["cow"], c["ours"]))
    counts = {"compared": len(compared), "differ": sum(r.count for r in runs), "first": first, "last": last}
    return runs, compared, counts


def _state(run_or_row) -> str:
    iso3 = run_or_row.iso3 if isinstance(run_or_row, Run) else run_or_row["iso3"]
    name = run_or_row.name if isinstance(run_or_row, Run) else run_or_row["name"]
    ccode = run_or_row.ccode if isinstance(run_or_row, Run) else run_or_row["ccode"]
    return f"{name} ({iso3 or 'not in our tables'}, COW {ccode})"


def _code(code: int) -> str:
    return f"{code} ({COW_CODES[code]})"


def reconciliation_md(pkg, tables: dict, generated_by: str) -> str:
    """docs/cow-reconciliation.md, or DocsError naming every difference that has no reason."""
    cow = read_reference(pkg.base_dir / REFERENCE)
    panel_rows = tables[PANEL].to_pylist()
    names = {r["iso3"]: r["name"] for r in tables[COUNTRIES].to_pylist()} if COUNTRIES in tables else {}
    runs, compared, counts = compare(cow, panel_rows, names)
    unexplained = [r for r in runs if (r.ours, r.cow) not in REASONS]
    if unexplained:
        listed = "; ".join(f"{r.iso3 or r.ccode} {r.years}: COW {r.cow}, ours {r.ours}" for r in unexplained)
        raise DocsError(f"{REFERENCE.as_posix()}: {len(unexplained)} difference(s) with the COW IGO data have no "
                        f"reason: {listed}. Find out why, and add the reason to REASONS in sco_data/cow.py")

    span = f"{counts['first']}–{counts['last']}"
    lines = [
        f"# Our SCO statuses and the Correlates of War IGO data, {span}",
        "",
        f"<!-- {generated_by} -->",
        "",
        f"Version {pkg.version}. The SCO column of the Correlates of War (COW) IGO data, version 3.0 "
        "([reference/cow_igo_sco.csv](../reference/cow_igo_sco.csv); source and citation in "
        "[reference/README.md](../reference/README.md)), compared year by year with the `status` of "
        f"[sco_status_years](data-dictionary.md#{PANEL}), our status on 31 December, joined on the COW state "
        "number (`cow_code`). A year agrees when COW's code is the one our status stands for: "
        + ", ".join(f"`{s}` and {_code(c)}" for s, c in AGREES.items())
        + ". Every other year is a difference, and every difference has a reason below. A country-year the "
        "extract leaves out is COW's 0.",
        "",
        "## Summary",
        "",
        f"{counts['compared']} country-years compared ({len({c['ccode'] for c in compared})} states, {span}): "
        f"{counts['compared'] - counts['differ']} agree, {counts['differ']} differ.",
        "",
        "| Reason | Country-years | States |",
        "| --- | ---: | --- |",
    ]
    for key, (label, _) in REASONS.items():
        mine = [r for r in runs if (r.ours, r.cow) == key]
        if mine:
            states = ", ".join(dict.fromkeys(r.iso3 or str(r.ccode) for r in mine))
            lines.append(f"| {label} | {sum(r.count for r in mine)} | {states} |")
    lines += [
        "",
        "## Differences",
        "",
        "| State | Years | COW code | Our status | Reason |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        lines.append(f"| {_state(r)} | {r.years} | {_code(r.cow)} | `{r.ours}` | {REASONS[(r.ours, r.cow)][0]} |")
    lines += ["", "## Reasons", ""]
    for key, (label, text) in REASONS.items():
        if any((r.ours, r.cow) == key for r in runs):
            lines += [f"**{label}** (our `{key[0]}`, COW {_code(key[1])}). {text}", ""]
    seen = {(c["iso3"], c["year"]) for c in compared}
    stale = [key for key in NOTES if key not in seen]
    if stale:
        raise DocsError(f"NOTES in sco_data/cow.py name state-years that are not compared: "
                        f"{', '.join(f'{s} {y}' for s, y in stale)}; remove or correct them")
    within = [c for c in compared if len(c["statuses"]) > 1 or (c["iso3"], c["year"]) in NOTES]
    if within:
        lines += [
            "## Years with a change of status inside the year",
            "",
            "The comparison takes our status on 31 December. In these years the state held more than one "
            "status (`statuses_in_year`); COW codes each year once.",
            "",
            "| State | Year | Our statuses in the year | Our status on 31 December | COW code | Note |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for c in within:
            lines.append(f"| {_state(c)} | {c['year']} | {', '.join(f'`{s}`' for s in c['statuses'])} "
                         f"| `{c['ours']}` | {_code(c['cow'])} | {NOTES.get((c['iso3'], c['year']), '')} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
