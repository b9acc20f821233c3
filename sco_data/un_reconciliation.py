"""Our General Assembly votes against a second record: docs/un-votes-reconciliation.md.

Every row of un_votes is held against the votes that a second record, made independently of the
source the row is taken from, gives for the same resolution and state: reference/
un_votes_second_record.csv, one row per resolution, state and second source (described in
reference/README.md). A vote agrees when every second source gives the same; where one gives
another, the difference has its reason in REASONS, keyed by resolution, state and source, the one
place that holds this knowledge. A difference without a reason stops `sco-data docs` with an error
naming it, as with the COW data (cow.py): a new disagreement is to be understood and written down,
never published unexplained. A vote no second source gives is listed as such, and so is a vote a
second source gives for a state that un_votes has no row for. The document ends with the coverage
of un_votes: every resolution against every state of countries.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .errors import DocsError
from .refcsv import read_rows

REFERENCE = Path("reference") / "un_votes_second_record.csv"
OUTPUT = "un-votes-reconciliation.md"
COLUMNS = ["resolution", "iso3", "vote", "source_id"]
RESOLUTIONS, VOTES, COUNTRIES, SOURCES = "un_resolutions", "un_votes", "countries", "sources"
MEMBERS, OBSERVERS = "members", "observers"
VOTE_VALUES = ("yes", "no", "abstain", "non_voting")
SHORT = {"yes": "Y", "no": "N", "abstain": "A", "non_voting": "NV"}

# Why a second source gives another vote than ours, by (resolution, iso3, source_id).
REASONS: dict[tuple[str, str, str], str] = {
    ("A/RES/73/298", "ARM", "kavkazuzel-armenia-abstains-georgia-idp-2019"): (
        "The Caucasian Knot reports that Armenia abstained for the first time; the UN Digital Library voting "
        "record, whose roll call adds up to the recorded totals, has Armenia among the members that did not "
        "vote. We follow the UN record."),
    ("A/RES/78/283", "CHN", "newsam-un-ga-georgia-idp-2024"): (
        "News.am counts the 52 states that did not vote yes or no as states that 'did not participate' and "
        "puts China among them; the UN record names China among the states abstaining. We follow the UN record."),
    ("A/RES/78/283", "CHN", "sakartvelosambebi-china-un-idp-2024"): (
        "Sakartvelos Ambebi says China was among the 53 states that did not take part; 53 is the UN record's "
        "count of abstentions, and the record names China among them. The report calls an abstention not "
        "taking part. We follow the UN record."),
    ("A/RES/79/292", "CHN", "ainewsge-un-ga-georgia-idp-2025"): (
        "Ai.news.ge writes that China chose not to vote; the UN record, the UN Digital Library and Jam News all "
        "give an abstention. We follow the UN record."),
}


def read_reference(path: Path) -> list[dict]:
    """The second record's rows, refusing a file that is not as described."""
    out, seen = [], set()
    for line, row in read_rows(path, REFERENCE.as_posix(), COLUMNS):
        if len(row) != len(COLUMNS) or not all(row):
            raise DocsError(f"{REFERENCE.as_posix()}:{line}: expected {','.join(COLUMNS)}, each set, got "
                            f"{','.join(row)}")
        r = dict(zip(COLUMNS, row, strict=True))
        if r["vote"] not in VOTE_VALUES:
            raise DocsError(f"{REFERENCE.as_posix()}:{line}: vote {r['vote']} is not one of {', '.join(VOTE_VALUES)}")
        key = (r["resolution"], r["iso3"], r["source_id"])
        if key in seen:
            raise DocsError(f"{REFERENCE.as_posix()}:{line}: {' '.join(key)} is there twice")
        seen.add(key)
        out.append(r)
    if not out:
        raise DocsError(f"{REFERENCE.as_posix()}: no rows to compare")
    return out


def compare(votes: list[dict], second: list[dict]) -> tuple[list[dict], list[dict]]:
    """Each of our votes with what the second record says of it, and the second record's votes of
    states that un_votes has no row for."""
    by_key = defaultdict(list)
    for r in second:
        by_key[(r["resolution"], r["iso3"])].append(r)
    ours = {(v["resolution"], v["iso3"]) for v in votes}
    compared = []
    for v in votes:
        others = by_key.get((v["resolution"], v["iso3"]), [])
        differ = [o for o in others if o["vote"] != v["vote"]]
        compared.append({**v, "others": others, "differ": differ})
    only_second = [r for r in second if (r["resolution"], r["iso3"]) not in ours]
    return compared, only_second


def _sco_statuses(tables: dict, resolutions: list[dict]) -> dict[tuple[str, str], str]:
    """(resolution, iso3) -> the SCO status held on the day of the vote, for the states holding one."""
    from . import status

    if MEMBERS not in tables or OBSERVERS not in tables:
        return {}
    spells = status.by_state(status.spells(tables[MEMBERS].to_pylist(), tables[OBSERVERS].to_pylist()))
    return {(r["resolution"], iso3): held for r in resolutions
            for iso3, held in status.sco_status_on(spells, r["date"]).items()}


def _label(r: dict) -> str:
    return f"{r['resolution'].removeprefix('A/RES/')} ({r['date'].year})"


def reconciliation_md(pkg, tables: dict, generated_by: str) -> str:
    """docs/un-votes-reconciliation.md, or DocsError naming every difference that has no reason."""
    second = read_reference(pkg.base_dir / REFERENCE)
    resolutions = sorted(tables[RESOLUTIONS].to_pylist(), key=lambda r: (r["topic"], r["date"]))
    votes = tables[VOTES].to_pylist()
    countries = sorted(tables[COUNTRIES].to_pylist(), key=lambda c: c["iso3"])
    names = {c["iso3"]: c["name"] for c in countries}
    known_sources = {s["source_id"] for s in tables[SOURCES].to_pylist()} if SOURCES in tables else set()
    symbols = {r["resolution"] for r in resolutions}
    strays = sorted({r["source_id"] for r in second} - known_sources) if known_sources else []
    if strays:
        raise DocsError(f"{REFERENCE.as_posix()}: source_id not in data/sources.csv: {', '.join(strays)}")
    unknown = sorted({r["resolution"] for r in second} - symbols)
    if unknown:
        raise DocsError(f"{REFERENCE.as_posix()}: resolutions not in un_resolutions: {', '.join(unknown)}")
    compared, only_second = compare(votes, second)
    unexplained = [(c["resolution"], c["iso3"], o["source_id"]) for c in compared for o in c["differ"]
                   if (c["resolution"], c["iso3"], o["source_id"]) not in REASONS]
    if unexplained:
        raise DocsError(f"{REFERENCE.as_posix()}: {len(unexplained)} difference(s) with the second record have no "
                        f"reason: {'; '.join(' '.join(k) for k in unexplained)}. Find out why, and add the reason to "
                        "REASONS in sco_data/un_reconciliation.py")
    used = {(c["resolution"], c["iso3"], o["source_id"]) for c in compared for o in c["differ"]}
    stale = [k for k in REASONS if k not in used]
    if stale:
        raise DocsError(f"REASONS in sco_data/un_reconciliation.py name differences that are not there: "
                        f"{'; '.join(' '.join(k) for k in stale)}; remove or correct them")

    agree = sum(1 for c in compared if c["others"] and not c["differ"])
    differ = sum(1 for c in compared if c["differ"])
    alone = sum(1 for c in compared if not c["others"])
    lines = [
        "# Our General Assembly votes and a second record",
        "",
        f"<!-- {generated_by} -->",
        "",
        f"Version {pkg.version}. Every vote of [un_votes](data-dictionary.md#un_votes) held against the votes "
        "that a second record, made independently of the row's own source, gives for the same resolution and "
        "state ([reference/un_votes_second_record.csv](../reference/un_votes_second_record.csv); its sources "
        "in [reference/README.md](../reference/README.md)). A vote agrees when every second source gives the "
        "same; every difference has its reason below.",
        "",
        "## Summary",
        "",
        f"{len(compared)} votes compared: {agree} agree with every second source that gives them, {differ} differ "
        f"from at least one (each with its reason), and {alone} have no second record. "
        f"{len(only_second)} votes of the second record are of states that un_votes has no row for.",
        "",
        "| Resolution | Date | Votes | Agree | Differ | No second record | Second sources |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in resolutions:
        mine = [c for c in compared if c["resolution"] == r["resolution"]]
        srcs = sorted({o["source_id"] for c in mine for o in c["others"]}
                      | {s["source_id"] for s in only_second if s["resolution"] == r["resolution"]})
        lines.append(f"| {r['resolution']} | {r['date']} | {len(mine)} | "
                     f"{sum(1 for c in mine if c['others'] and not c['differ'])} | "
                     f"{sum(1 for c in mine if c['differ'])} | {sum(1 for c in mine if not c['others'])} | "
                     f"{', '.join(f'`{s}`' for s in srcs) or 'none: no second record exists for these votes'} |")
    lines += ["", "## Differences", ""]
    diffs = [(c, o) for c in compared for o in c["differ"]]
    if diffs:
        lines += ["| Resolution | State | Our vote (source) | Second source says | Reason |",
                  "| --- | --- | --- | --- | --- |"]
        for c, o in diffs:
            lines.append(f"| {c['resolution']} | {names.get(c['iso3'], c['iso3'])} ({c['iso3']}) | `{c['vote']}` "
                         f"({', '.join(c['source_ids'] or [])}) | `{o['vote']}` (`{o['source_id']}`) | "
                         f"{REASONS[(c['resolution'], c['iso3'], o['source_id'])]} |")
    else:
        lines.append("None.")
    lines += ["", "## Votes a second source gives that un_votes does not have", ""]
    if only_second:
        lines += ["| Resolution | State | Vote | Source |", "| --- | --- | --- | --- |"]
        for s in only_second:
            lines.append(f"| {s['resolution']} | {names.get(s['iso3'], s['iso3'])} ({s['iso3']}) | `{s['vote']}` "
                         f"| `{s['source_id']}` |")
    else:
        lines.append("None.")

    statuses = _sco_statuses(tables, resolutions)
    have = {(v["resolution"], v["iso3"]): v["vote"] for v in votes}
    gaps = [(r, c["iso3"]) for r in resolutions for c in countries if (r["resolution"], c["iso3"]) not in have]
    sco_gaps = [(r, iso3) for r, iso3 in gaps if (r["resolution"], iso3) in statuses]
    lines += [
        "",
        "## Coverage",
        "",
        f"{len(resolutions)} resolutions × {len(countries)} states of countries = {len(resolutions) * len(countries)} "
        f"cells: {len(votes)} have a sourced vote, {len(gaps)} have none ({len(sco_gaps)} of them of a state that "
        "held an SCO status on the day). A resolution marked † has no complete roll call that adds up to the "
        "recorded totals (`roll_call` false; its notes in un_resolutions say why), and some have only the votes the "
        "press names. In the table, Y yes, N no, A abstain, NV non-voting, "
        "a dash no sourced vote; a cell in bold is a state that held an SCO status (member, observer, dialogue "
        "partner or partner) on the day of the vote.",
        "",
    ]
    for topic in dict.fromkeys(r["topic"] for r in resolutions):
        these = [r for r in resolutions if r["topic"] == topic]
        lines += [f"### `{topic}`", "",
                  "| State | " + " | ".join(_label(r) + ("" if r["roll_call"] else " †") for r in these) + " |",
                  "| --- | " + " | ".join(":---:" for _ in these) + " |"]
        for c in countries:
            cells = []
            for r in these:
                cell = SHORT.get(have.get((r["resolution"], c["iso3"])), "–")
                cells.append(f"**{cell}**" if (r["resolution"], c["iso3"]) in statuses else cell)
            lines.append(f"| {c['iso3']} | " + " | ".join(cells) + " |")
        lines.append("")
    if sco_gaps:
        lines += ["### States with an SCO status and no sourced vote", "",
                  "| Resolution | Roll call | States (status on the day) |", "| --- | --- | --- |"]
        by_res = defaultdict(list)
        for r, iso3 in sco_gaps:
            by_res[r["resolution"]].append(f"{iso3} ({statuses[(r['resolution'], iso3)].replace('_', ' ')})")
        for r in resolutions:
            if by_res.get(r["resolution"]):
                lines.append(f"| {r['resolution']} | {'yes' if r['roll_call'] else 'no'} | "
                             f"{', '.join(by_res[r['resolution']])} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
