"""Our arms deals against the SIPRI trade register: docs/sipri-reconciliation.md.

The reference is SIPRI's trade register, cut down to the deals between SCO members ordered from 1991
(reference/sipri/trade-register-sco.csv, made by reference/sipri/extract.py, described and credited
in reference/sipri/README.md). Which of our deals records which SIPRI row is data we keep, not a
guess made here:

- reference/sipri/matches.csv: every SIPRI row, `matched` to the deal(s) that record it, `covered`
  inside a broader deal (engines in an aircraft licence, missiles for a ship), or `left_out` with the
  reason; for a match, `explained` lists the fields where our row differs from SIPRI's, each
  explained in the deal's notes;
- reference/sipri/not-in-sipri.csv: every deal of ours that no SIPRI row records, with the reason.

SIPRI rows and deals that record one another form a group (one deal may record several SIPRI rows,
and SIPRI may record as one what we split), compared field by field on the group's combination. A
SIPRI row that is in neither file, a deal that is in neither, or a difference that `explained` does
not name, stops `sco-data docs` with an error naming each: a new disagreement is understood and
written down, never published unexplained (as with the COW comparison in cow.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocsError
from .refcsv import read_rows

REFERENCE_DIR = Path("reference") / "sipri"
EXTRACT = REFERENCE_DIR / "trade-register-sco.csv"
MATCHES = REFERENCE_DIR / "matches.csv"
NOT_IN_SIPRI = REFERENCE_DIR / "not-in-sipri.csv"
OUTPUT = "sipri-reconciliation.md"
DEALS = "arms_deals"
COUNTRIES = "countries"
CREDIT = "Information from the SIPRI Arms Transfers Database"

EXTRACT_COLUMNS = ["sipri_ref", "supplier_iso3", "recipient_iso3", "supplier", "recipient", "order_year",
                   "order_year_uncertain", "number_ordered", "number_ordered_uncertain", "designation",
                   "description", "number_delivered", "number_delivered_uncertain", "delivery_years",
                   "condition", "comments"]
MATCH_COLUMNS = ["sipri_ref", "disposition", "deal_ids", "explained", "note"]
NOT_IN_COLUMNS = ["deal_id", "reason", "note"]

# The fields compared, with how SIPRI's value is read (see reconciliation_md's introduction).
FIELDS = ("order_year", "quantity_ordered", "quantity_delivered", "delivery_start_year", "delivery_end_year",
          "status")
LABELS = {"order_year": "order year", "quantity_ordered": "number ordered",
          "quantity_delivered": "number delivered", "delivery_start_year": "first delivery",
          "delivery_end_year": "last delivery", "status": "status"}
DISPOSITIONS = {
    "matched": "recorded by the deal(s) named",
    "covered": "inside a broader deal of ours, named in the note",
    "left_out": "not recorded, for the reason in the note",
}
# Why a deal of ours has no SIPRI row.
REASONS = {
    "not_major_weapon": "SIPRI does not count the item as a major conventional weapon (small arms, trucks, "
                        "chassis, ammunition, services, or an upgrade it does not record).",
    "other_supplier": "SIPRI records the transfer under another supplier or recipient (the Soviet Union, or a "
                      "third country through which it went); the note names the row.",
    "ordered_before_1991": "Ordered before 1991, outside the extract.",
    "after_cutoff": "Ordered or first reported too late for the SIPRI export used here.",
    "sipri_omission": "A transfer of a major weapon that our sources document and the SIPRI register lacks.",
    "disputed": "Reported, but contested by other sources; SIPRI does not record it.",
}
# The Soviet Union (ISO 3166-3 SUN) made the 1991 deals that our tables date to Russia.
SAME_STATE = {"SUN": "RUS"}


@dataclass
class Group:
    """SIPRI rows and our deals that record one another."""

    refs: list[str]
    deal_ids: list[str]
    sipri: dict
    ours: dict
    differ: list[str] = field(default_factory=list)
    explained: set[str] = field(default_factory=set)


@dataclass
class Reconciliation:
    extract: dict[str, dict]
    matches: dict[str, dict]
    not_in: dict[str, dict]
    deals: dict[str, dict]
    groups: list[Group]
    problems: list[str]


def _read(path: Path, where: str, columns: list[str]) -> list[tuple[int, dict]]:
    out = []
    for line, row in read_rows(path, where, columns):
        if len(row) != len(columns):
            raise DocsError(f"{where}:{line}: expected {len(columns)} cells, found {len(row)}")
        out.append((line, dict(zip(columns, row, strict=True))))
    return out


def _int(text: str, where: str) -> int | None:
    if text == "":
        return None
    if not re.fullmatch(r"[0-9]+", text):
        raise DocsError(f"{where}: expected a whole number, got {text!r}")
    return int(text)


def read_extract(base: Path) -> dict[str, dict]:
    out = {}
    for line, r in _read(base / EXTRACT, EXTRACT.as_posix(), EXTRACT_COLUMNS):
        where = f"{EXTRACT.as_posix()}:{line}"
        if r["sipri_ref"] in out:
            raise DocsError(f"{where}: sipri_ref {r['sipri_ref']} is there twice")
        years = r["delivery_years"]
        if years and not re.fullmatch(r"[0-9]{4}(; [0-9]{4})*", years):
            raise DocsError(f"{where}: delivery_years must be years separated by '; ', got {years!r}")
        r = dict(r, line=line, order_year=_int(r["order_year"], where),
                 number_ordered=_int(r["number_ordered"], where),
                 number_delivered=_int(r["number_delivered"], where),
                 years=[int(y) for y in years.split("; ")] if years else [])
        out[r["sipri_ref"]] = r
    return out


def _ids(text: str) -> list[str]:
    return [t for t in text.split(";") if t] if text else []


def sipri_values(rows: list[dict]) -> dict:
    """SIPRI's figures for a group of its rows, in our fields: the earliest order, the numbers
    summed (ordered only when every row gives it), the first and last delivery years, and a status
    from the numbers."""
    ordered = None if any(r["number_ordered"] is None for r in rows) else sum(r["number_ordered"] for r in rows)
    delivered = sum(r["number_delivered"] or 0 for r in rows)
    years = sorted(y for r in rows for y in r["years"])
    if delivered == 0 and not years:
        status = "ordered"
    elif ordered is None:
        status = None
    else:
        status = "delivered" if delivered >= ordered else "in_delivery"
    return {"order_year": min(r["order_year"] for r in rows), "quantity_ordered": ordered,
            "quantity_delivered": delivered, "delivery_start_year": years[0] if years else None,
            "delivery_end_year": years[-1] if years else None, "status": status}


def our_values(deals: list[dict]) -> dict:
    """Our figures for a group of deals, combined as SIPRI's are. A deal still `ordered` with no
    number delivered counts as none delivered."""
    def total(name):
        vals = [d[name] if not (name == "quantity_delivered" and d[name] is None and d["status"] == "ordered")
                else 0 for d in deals]
        return None if any(v is None for v in vals) else sum(vals)

    starts = [d["delivery_start_year"] for d in deals if d["delivery_start_year"] is not None]
    ends = [d["delivery_end_year"] for d in deals if d["delivery_end_year"] is not None]
    statuses = {d["status"] for d in deals}
    return {"order_year": min(d["order_year"] for d in deals), "quantity_ordered": total("quantity_ordered"),
            "quantity_delivered": total("quantity_delivered"),
            "delivery_start_year": min(starts) if starts else None, "delivery_end_year": max(ends) if ends else None,
            "status": statuses.pop() if len(statuses) == 1 else "mixed"}


def differing(sipri: dict, ours: dict) -> list[str]:
    """The fields where the two differ. SIPRI's number ordered and status are compared only where it
    gives them; an empty cell of ours where SIPRI has a value is a difference."""
    out = []
    for name in FIELDS:
        theirs = sipri[name]
        if theirs is None and name in ("quantity_ordered", "status"):
            continue
        if ours[name] != theirs:
            out.append(name)
    return out


def _groups(extract, matches, deals) -> list[Group]:
    parent: dict[str, str] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ref, m in matches.items():
        if m["disposition"] == "matched":
            for deal_id in m["ids"]:
                if deal_id in deals:
                    parent[find("s:" + ref)] = find("d:" + deal_id)
    members: dict[str, list[str]] = {}
    for node in list(parent):
        members.setdefault(find(node), []).append(node)
    groups = []
    for nodes in members.values():
        refs = sorted(n[2:] for n in nodes if n.startswith("s:"))
        ids = sorted(n[2:] for n in nodes if n.startswith("d:"))
        if not refs or not ids:
            continue
        sipri, ours = sipri_values([extract[r] for r in refs]), our_values([deals[d] for d in ids])
        explained = {f for r in refs for f in matches[r]["explained"]}
        groups.append(Group(refs, ids, sipri, ours, differing(sipri, ours), explained))
    groups.sort(key=lambda g: (extract[g.refs[0]]["supplier_iso3"], extract[g.refs[0]]["recipient_iso3"],
                               g.sipri["order_year"], g.refs[0]))
    return groups


def _read_matches(base: Path, extract: dict, deals: dict, problems: list[str]) -> dict[str, dict]:
    matches: dict[str, dict] = {}
    m_where = MATCHES.as_posix()
    for line, m in _read(base / MATCHES, m_where, MATCH_COLUMNS):
        where = f"{m_where}:{line}"
        ref = m["sipri_ref"]
        m = dict(m, line=line, ids=_ids(m["deal_ids"]), explained=set(_ids(m["explained"])))
        if ref in matches:
            problems.append(f"{where}: {ref} is there twice")
            continue
        matches[ref] = m
        if ref not in extract:
            problems.append(f"{where}: {ref} is not a sipri_ref of {EXTRACT.as_posix()}")
        problems += [f"{where}: {p}" for p in _match_problems(m)]
        for deal_id in m["ids"]:
            if deal_id not in deals:
                problems.append(f"{where}: deal_id {deal_id} is not in {DEALS}")
            elif ref in extract:
                s, d = extract[ref], deals[deal_id]
                pair = (SAME_STATE.get(s["supplier_iso3"], s["supplier_iso3"]), s["recipient_iso3"])
                if pair != (d["supplier_iso3"], d["recipient_iso3"]):
                    problems.append(f"{where}: {ref} is {'→'.join(pair)} but {deal_id} is "
                                    f"{d['supplier_iso3']}→{d['recipient_iso3']}")
    for ref, s in extract.items():
        if ref not in matches:
            problems.append(f"{m_where}: SIPRI row {ref} ({s['supplier']} → {s['recipient']}, {s['order_year']}, "
                            f"{s['number_ordered'] or '?'} {s['designation']}) has no row: match it to a deal, "
                            "say which deal covers it, or say why it is left out")
    return matches


def _match_problems(m: dict) -> list[str]:
    """What is wrong with one row of matches.csv on its own."""
    ref, disp, out = m["sipri_ref"], m["disposition"], []
    if disp not in DISPOSITIONS:
        out.append(f"disposition {disp!r} is not one of {', '.join(DISPOSITIONS)}")
    elif disp == "left_out" and m["ids"]:
        out.append(f"{ref} is left_out but names deal_ids; a row that names a deal is matched or covered")
    elif disp != "left_out" and not m["ids"]:
        out.append(f"{ref} is {disp} but names no deal_ids")
    if disp in ("left_out", "covered") and not m["note"]:
        out.append(f"{ref} is {disp}: the note must say why")
    if m["explained"] and disp != "matched":
        out.append("only a matched row has differences to explain")
    for name in sorted(m["explained"] - set(FIELDS)):
        out.append(f"explained names {name!r}, which is not a compared field ({', '.join(FIELDS)})")
    return out


def _read_not_in(base: Path, matches: dict, deals: dict, problems: list[str]) -> dict[str, dict]:
    not_in: dict[str, dict] = {}
    n_where = NOT_IN_SIPRI.as_posix()
    recorded = {d for m in matches.values() for d in m["ids"]}
    for line, r in _read(base / NOT_IN_SIPRI, n_where, NOT_IN_COLUMNS):
        where = f"{n_where}:{line}"
        if r["deal_id"] in not_in:
            problems.append(f"{where}: {r['deal_id']} is there twice")
        not_in[r["deal_id"]] = dict(r, line=line)
        if r["deal_id"] not in deals:
            problems.append(f"{where}: deal_id {r['deal_id']} is not in {DEALS}")
        elif r["deal_id"] in recorded:
            problems.append(f"{where}: {r['deal_id']} is named in {MATCHES.as_posix()}, so SIPRI does record it")
        if r["reason"] not in REASONS:
            problems.append(f"{where}: reason {r['reason']!r} is not one of {', '.join(REASONS)}")
        if not r["note"]:
            problems.append(f"{where}: the note must say what SIPRI lacks and why")
    for deal_id, d in deals.items():
        if deal_id not in recorded and deal_id not in not_in:
            problems.append(f"{n_where}: deal {deal_id} ({d['supplier_iso3']}→{d['recipient_iso3']}, "
                            f"{d['order_year']}, {d['designation']}) is in no SIPRI row: match it in "
                            f"{MATCHES.as_posix()} or give the reason here")
    return not_in


def _group_problems(g: Group, deals: dict) -> list[str]:
    label = f"{', '.join(g.deal_ids)} against SIPRI {', '.join(g.refs)}"
    where = MATCHES.as_posix()
    out = [f"{where}: {label}: {name} differs (SIPRI {_show(g.sipri[name])}, ours {_show(g.ours[name])}) and is "
           "not in explained: correct the row, or explain the difference in the deal's notes and list the field"
           for name in g.differ if name not in g.explained]
    out += [f"{where}: {label}: explained names {name}, which agrees now: remove it"
            for name in sorted(g.explained - set(g.differ)) if name in FIELDS]
    if g.differ and not any("SIPRI" in (deals[d]["notes"] or "") for d in g.deal_ids):
        out.append(f"{DEALS}: {label}: the notes of {', '.join(g.deal_ids)} must say where and why the row "
                   "differs from SIPRI")
    return out


def reconcile(base: Path, deal_rows: list[dict]) -> Reconciliation:
    """Read the reference files and compare; every problem found is in .problems (nothing raised
    for them), so that a maintainer sees them all at once."""
    extract = read_extract(base)
    deals = {d["deal_id"]: d for d in deal_rows}
    problems: list[str] = []
    matches = _read_matches(base, extract, deals, problems)
    not_in = _read_not_in(base, matches, deals, problems)
    groups = _groups(extract, matches, deals)
    for g in groups:
        problems += _group_problems(g, deals)
    return Reconciliation(extract, matches, not_in, deals, groups, problems)


def _show(value) -> str:
    return "empty" if value is None else str(value)


def _q(value, uncertain: str) -> str:
    return "" if value is None else f"{value}{'?' if uncertain == 'true' else ''}"


def pair_stats(rec: Reconciliation) -> dict[tuple[str, str], dict]:
    """Per ordered pair (supplier, recipient): counts of SIPRI rows by disposition, our deals, our
    deals SIPRI lacks, and per field the groups compared and agreeing."""
    stats: dict[tuple[str, str], dict] = {}

    def entry(pair):
        return stats.setdefault(pair, {"sipri": 0, **{k: 0 for k in DISPOSITIONS}, "deals": 0, "lacks": 0,
                                       "groups": 0, **{f: 0 for f in FIELDS},
                                       **{f"n_{f}": 0 for f in FIELDS}})

    for ref, s in rec.extract.items():
        e = entry((s["supplier_iso3"], s["recipient_iso3"]))
        e["sipri"] += 1
        disp = rec.matches.get(ref, {}).get("disposition")
        if disp in DISPOSITIONS:
            e[disp] += 1
    for deal_id, d in rec.deals.items():
        e = entry((d["supplier_iso3"], d["recipient_iso3"]))
        e["deals"] += 1
        e["lacks"] += deal_id in rec.not_in
    for g in rec.groups:
        s = rec.extract[g.refs[0]]
        e = entry((s["supplier_iso3"], s["recipient_iso3"]))
        e["groups"] += 1
        for f in FIELDS:
            if not (g.sipri[f] is None and f in ("quantity_ordered", "status")):
                e[f"n_{f}"] += 1
                e[f] += f not in g.differ
    return stats


def _pct(agree: int, n: int) -> str:
    return f"{100 * agree / n:.0f}% ({agree}/{n})" if n else "–"


def reconciliation_md(pkg, tables: dict, generated_by: str) -> str:
    """docs/sipri-reconciliation.md, or DocsError naming every SIPRI row, deal or difference that
    has no explanation."""
    from .dictionary import md_cell

    rec = reconcile(pkg.base_dir, tables[DEALS].to_pylist())
    if rec.problems:
        shown = rec.problems[:40]
        more = f" (and {len(rec.problems) - 40} more)" if len(rec.problems) > 40 else ""
        raise DocsError(f"{MATCHES.as_posix()}: {len(rec.problems)} problem(s) in the comparison with SIPRI"
                        f"{more}:\n  " + "\n  ".join(shown))
    names = {r["iso3"]: r["name"] for r in tables[COUNTRIES].to_pylist()} if COUNTRIES in tables else {}
    names.setdefault("SUN", "Soviet Union")

    def pair_name(pair):
        return f"{names.get(pair[0], pair[0])} → {names.get(pair[1], pair[1])}"

    stats = pair_stats(rec)
    pairs = sorted(stats, key=lambda p: (-stats[p]["sipri"], -stats[p]["deals"], p))
    total = {k: sum(e[k] for e in stats.values()) for k in next(iter(stats.values()))}
    lines = [
        "# Our arms deals and the SIPRI Arms Transfers Database",
        "",
        f"<!-- {generated_by} -->",
        "",
        f"Version {pkg.version}. {CREDIT}: the SIPRI trade register (export generated 18 May 2026), cut to "
        "the deals ordered from 1991 whose supplier and recipient are both SCO members "
        f"([{EXTRACT.as_posix()}](../{EXTRACT.as_posix()}); source, terms and credit in "
        f"[{REFERENCE_DIR.as_posix()}/README.md](../{REFERENCE_DIR.as_posix()}/README.md); it is SIPRI's, not "
        f"under this package's licence), compared with [{DEALS}](data-dictionary.md#{DEALS}). Which deal "
        f"records which SIPRI row is kept by hand in [matches.csv](../{MATCHES.as_posix()}), and the reason "
        f"for each deal SIPRI lacks in [not-in-sipri.csv](../{NOT_IN_SIPRI.as_posix()}).",
        "",
        "SIPRI's figures are read in our fields thus: the order year is SIPRI's year of order; the number "
        "ordered and delivered are SIPRI's (its `?` marks an uncertain figure, shown here as `?`); the first "
        "and last delivery are the first and last of SIPRI's years of delivery; the status is `ordered` when "
        "SIPRI records no delivery, `in_delivery` when it records fewer delivered than ordered, and "
        "`delivered` otherwise. Where SIPRI rows and our deals record one another in groups, the group's "
        "figures are combined: the earliest order, the numbers summed, the first and the last delivery. "
        "Every difference is explained in the notes of the deal, which name SIPRI's figure and the source "
        "we followed instead.",
        "",
        "## Summary",
        "",
        f"{total['sipri']} SIPRI rows: {total['matched']} matched by a deal of ours, {total['covered']} covered "
        f"inside a broader deal, {total['left_out']} left out with a reason. {total['deals']} deals of ours, "
        f"{total['lacks']} of which SIPRI does not record.",
        "",
        "| Pair | SIPRI rows | Matched | Covered | Left out | Our deals | Not in SIPRI |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in pairs:
        e = stats[p]
        lines.append(f"| {pair_name(p)} | {e['sipri']} | {e['matched']} | {e['covered']} | {e['left_out']} "
                     f"| {e['deals']} | {e['lacks']} |")
    lines.append(f"| **All pairs** | {total['sipri']} | {total['matched']} | {total['covered']} "
                 f"| {total['left_out']} | {total['deals']} | {total['lacks']} |")
    lines += [
        "",
        "### Where the figures agree",
        "",
        f"Over the {total['groups']} groups of matched rows: the share in which our figure is SIPRI's. A field "
        "is counted where SIPRI gives it.",
        "",
        "| Pair | Groups | " + " | ".join(LABELS[f].capitalize() for f in FIELDS) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in FIELDS) + " |",
    ]
    for p in pairs:
        e = stats[p]
        if e["groups"]:
            lines.append(f"| {pair_name(p)} | {e['groups']} | "
                         + " | ".join(_pct(e[f], e[f"n_{f}"]) for f in FIELDS) + " |")
    lines.append(f"| **All pairs** | {total['groups']} | "
                 + " | ".join(_pct(total[f], total[f"n_{f}"]) for f in FIELDS) + " |")

    group_of = {ref: g for g in rec.groups for ref in g.refs}
    for p in pairs:
        refs = [r for r, s in rec.extract.items() if (s["supplier_iso3"], s["recipient_iso3"]) == p]
        if not refs:
            continue
        refs.sort(key=lambda r: (rec.extract[r]["order_year"], r))
        lines += [
            "",
            f"## {pair_name(p)}",
            "",
            "| SIPRI row | Ordered | Designation | Number | Delivered | Years of delivery | Here | Differences "
            "(explained in the deal's notes) |",
            "| --- | --- | --- | ---: | ---: | --- | --- | --- |",
        ]
        for ref in refs:
            s, m = rec.extract[ref], rec.matches[ref]
            if m["disposition"] == "matched":
                here = ", ".join(f"`{d}`" for d in m["ids"])
                g = group_of[ref]
                diffs = "; ".join(f"{LABELS[f]}: SIPRI {_show(g.sipri[f])}, ours {_show(g.ours[f])}"
                                  for f in g.differ) or "none"
            elif m["disposition"] == "covered":
                here = "covered by " + ", ".join(f"`{d}`" for d in m["ids"]) + f": {m['note']}"
                diffs = "not compared"
            else:
                here = f"left out: {m['note']}"
                diffs = "–"
            lines.append(
                f"| `{ref}` | {_q(s['order_year'], s['order_year_uncertain'])} | {md_cell(s['designation'])} "
                f"({md_cell(s['description'])}) | {_q(s['number_ordered'], s['number_ordered_uncertain'])} "
                f"| {_q(s['number_delivered'], s['number_delivered_uncertain'])} | {s['delivery_years'] or '–'} "
                f"| {md_cell(here)} | {md_cell(diffs)} |")
    lacking = sorted(rec.not_in.values(), key=lambda r: (rec.deals[r["deal_id"]]["supplier_iso3"],
                                                         rec.deals[r["deal_id"]]["recipient_iso3"], r["deal_id"]))
    lines += [
        "",
        "## Our deals that SIPRI does not record",
        "",
        "| Deal | Pair | Ordered | Designation | Reason | Note |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in lacking:
        d = rec.deals[r["deal_id"]]
        lines.append(f"| `{r['deal_id']}` | {pair_name((d['supplier_iso3'], d['recipient_iso3']))} "
                     f"| {d['order_year']} | {md_cell(d['designation'])} | `{r['reason']}` | {md_cell(r['note'])} |")
    lines += ["", "## Reasons", ""]
    for code, text in REASONS.items():
        lines += [f"- `{code}`: {text}"]
    return "\n".join(lines).rstrip("\n") + "\n"
