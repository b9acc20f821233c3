"""The General Assembly votes as a matrix, for reading on paper: the sheet *un_votes by state*.

un_votes has one row per resolution and state: 747 rows that nobody reads on paper. This sheet
lays the same votes out as a reader wants them: one row per resolution of un_resolutions (date,
symbol, topic, whether a complete roll call was found) and one column per state that held an SCO
status (member, observer, dialogue partner or partner; sco_data.status decides, as everywhere
else) on the day of at least one of the votes. A cell is the state's vote as un_votes gives it,
abbreviated as in docs/un-votes-reconciliation.md (Y, N, A, NV), or empty where un_votes has no
row. Nothing is typed in by hand: the sheet is made from the tables each time the workbook is.

The sheet is derived, not a table: `verify --rebuild` compares a workbook's table sheets only
(sco_data.content), so this one never decides whether a snapshot verifies. A package without
these tables (the releases before 1.1, or another package altogether) gets no such sheet.
"""

from __future__ import annotations

import datetime as dt

from ... import status
from ...descriptor import Package
from ...un_reconciliation import COUNTRIES, RESOLUTIONS, SHORT, VOTE_VALUES, VOTES
from .cells import FONT, LINE_HEIGHT, Styles, ooxml_text, set_widths
from .printing import page_header, print_setup

# The tables it is made from are named once, in un_reconciliation.py, with the votes' reconciliation.
MATRIX_SHEET = "un_votes by state"
RECONCILIATION = "docs/un-votes-reconciliation.md"
WORDS = {"yes": "yes", "no": "no", "abstain": "abstain", "non_voting": "non-voting"}
# Light fills that stay apart in grey on a black-and-white printer too.
FILLS = {"yes": "C6EFCE", "no": "F4B6B6", "abstain": "FFEB9C", "non_voting": "E7E6E6"}
# The order states stand in: by their status on the day of the latest vote, then by name.
STATUS_ORDER = (status.MEMBER, status.OBSERVER, status.PARTNER, status.DIALOGUE_PARTNER,
                status.SHANGHAI_FIVE, status.NONE)
NOTE_ROWS = 4  # the lines between the title and the header rows
FIRST_COLUMNS = [("date", 11.0), ("resolution", 14.0), ("topic", 29.0), ("roll call", 9.0)]
STATE_WIDTH = 4.6


def applies(pkg: Package, tables: dict) -> bool:
    """Whether the package has what the matrix is made from."""
    need = {VOTES: {"resolution", "iso3", "vote"}, RESOLUTIONS: {"resolution", "date", "topic", "roll_call"},
            COUNTRIES: {"iso3", "name"}, status.MEMBERS: set(), status.OBSERVERS: set()}
    names = {res.name: set(res.field_names) for res in pkg.resources}
    return all(t in names and t in tables and fields <= names[t] for t, fields in need.items())


def _as_of(pkg: Package) -> dt.date | None:
    from ...errors import DocsError

    try:
        return status.created_date(pkg)
    except DocsError:  # no `created`: a boundary known by its year alone falls on 31 December
        return None


def matrix(pkg: Package, tables: dict) -> dict:
    """The matrix's parts: `resolutions` (rows of un_resolutions, by date), `states` ((iso3, name),
    in the sheet's order), `votes` ((resolution, iso3) -> vote) and `held` ((resolution, iso3) ->
    the SCO status held on the day of the vote, for the states holding one)."""
    resolutions = sorted(tables[RESOLUTIONS].to_pylist(), key=lambda r: (r["date"], r["resolution"]))
    spells = status.by_state(status.spells(tables[status.MEMBERS].to_pylist(),
                                           tables[status.OBSERVERS].to_pylist(), as_of=_as_of(pkg)))
    held = {(r["resolution"], iso3): on_day for r in resolutions
            for iso3, on_day in status.sco_status_on(spells, r["date"]).items()}
    names = dict(zip(tables[COUNTRIES].column("iso3").to_pylist(), tables[COUNTRIES].column("name").to_pylist(),
                     strict=True))
    latest = resolutions[-1]["date"] if resolutions else None
    codes = {iso3 for _, iso3 in held}

    def order(iso3):
        now = status.status_on_day(spells[iso3], latest)
        return STATUS_ORDER.index(now) if now in STATUS_ORDER else len(STATUS_ORDER), names.get(iso3) or iso3

    ordered = sorted(codes, key=order)
    states = [(iso3, names.get(iso3) or iso3) for iso3 in ordered]
    now = [status.status_on_day(spells[iso3], latest) for iso3 in ordered]
    votes = {(v["resolution"], v["iso3"]): v["vote"] for v in tables[VOTES].to_pylist()}
    return {"resolutions": resolutions, "states": states, "votes": votes, "held": held, "latest": latest, "now": now}


def header_rows() -> tuple[int, int, int]:
    """(the row of status groups, the row of state names, the header row of codes)."""
    return NOTE_ROWS + 2, NOTE_ROWS + 3, NOTE_ROWS + 4


def matrix_sheet(wb, st: Styles, pkg: Package, tables: dict, title: str = MATRIX_SHEET) -> None:
    """Write the sheet, named `title`."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    m = matrix(pkg, tables)
    ws = wb.create_sheet(title)
    n_first = len(FIRST_COLUMNS)
    widths = [w for _, w in FIRST_COLUMNS] + [STATE_WIDTH] * len(m["states"])
    set_widths(ws, widths)
    group_row, names_row, head_row = header_rows()
    last_row = head_row + len(m["resolutions"])
    last_col = get_column_letter(len(widths))
    print_setup(ws, page_header(pkg), title_rows=f"{group_row}:{head_row}",
                area=f"A1:{last_col}{max(last_row, head_row)}")
    ws.freeze_panes = f"{get_column_letter(n_first + 1)}{head_row + 1}"

    line = Side(style="thin", color="BFBFBF")
    grid = Border(left=line, right=line, top=line, bottom=line)
    # A darker rule down the matrix where a group of states (members, observers, ...) begins.
    rule = Side(style="medium", color="595959")
    starts = {k for k in range(1, len(m["now"])) if m["now"][k] != m["now"][k - 1]}
    edge = [k in starts for k in range(len(m["states"]))]
    ruled = Border(left=rule, right=line, top=line, bottom=line)
    face = {"name": FONT, "size": 11}
    styles: dict[tuple, object] = {}

    def cell(value, key: tuple, **style):
        """A write-only cell whose style is made once per key (as Styles does)."""
        template = styles.get(key)
        if template is None:
            template = st.WriteOnlyCell(ws)
            for attr, v in style.items():
                setattr(template, attr, v)
            styles[key] = template
        out = st.WriteOnlyCell(ws, value=ooxml_text(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            out.data_type = "s"
        out._style = template._style.__copy__()
        return out

    latest = m["latest"].isoformat() if m["latest"] else "the latest vote"
    legend = "   ".join(f"{SHORT[v]} {WORDS[v]}" for v in VOTE_VALUES)
    notes = [
        f"Derived from the {VOTES} and {RESOLUTIONS} sheets for reading and printing; not a table of the package. "
        f"{VOTES} (hidden) has one row per resolution and state, with its notes and sources.",
        "One row per resolution; one column per state that held an SCO status (member, observer, dialogue partner "
        f"or partner) on the day of at least one vote, ordered by the state's status on {latest}, then by name.",
        f"{legend} (a UN member that cast no vote).   Empty: no source we read gives the vote.   "
        "Grey italics: the state held no SCO status on the day of that vote.",
        f"Why a vote is missing, and where sources disagree: {RECONCILIATION} in the package's repository. "
        f"roll call FALSE: no complete roll call adding up to the recorded totals was found.",
    ]
    ws.row_dimensions[1].height = 21.0
    ws.append([cell("How the states with an SCO status voted in the UN General Assembly", ("title",),
                    font=Font(bold=True, **{**face, "size": 14}))])
    for text in notes:  # one line each, running over the empty cells to its right
        ws.append([cell(text, ("note",), font=Font(**face))])

    # Above the names, the status group each run of states belongs to, written at its first state.
    groups = [None] * n_first
    for k, held_now in enumerate(m["now"]):
        if k and m["now"][k - 1] == held_now:
            groups.append(None)
            continue
        label = {status.NONE: "no status"}.get(held_now, held_now.replace("_", " ") + "s")
        groups.append(cell(f"{label} on {latest}" if k == 0 else label, ("group",), font=Font(bold=True, **face),
                           border=Border(left=Side(style="medium", color="595959"))))
    ws.append(groups)
    longest = max((len(name) for _, name in m["states"]), default=4)
    ws.row_dimensions[names_row].height = min(409.0, round(longest * 6.2 + 12))
    rotated = Alignment(text_rotation=90, horizontal="center", vertical="bottom")
    ws.append([None] * n_first + [cell(name, ("name", edge[k]), font=Font(bold=True, **face), alignment=rotated,
                                       border=ruled if edge[k] else grid)
                                  for k, (_, name) in enumerate(m["states"])])
    head_style = {"font": Font(bold=True, **face), "fill": st.header_fill, "border": st.header_border}
    heads = [cell(h, ("head",), alignment=Alignment(vertical="top", wrap_text=True), **head_style)
             for h, _ in FIRST_COLUMNS]
    heads += [cell(iso3, ("head-state",), alignment=Alignment(horizontal="center", vertical="top"), **head_style)
              for iso3, _ in m["states"]]
    ws.row_dimensions[head_row].height = LINE_HEIGHT + 3
    ws.append(heads)

    plain = Font(**face)
    grey = Font(italic=True, color="808080", **face)
    fills = {v: PatternFill("solid", fgColor=c) for v, c in FILLS.items()}
    centre = Alignment(horizontal="center", vertical="top")
    for r in m["resolutions"]:
        row = [cell(r["date"], ("date",), font=plain, number_format="yyyy-mm-dd", alignment=Alignment(vertical="top")),
               cell(r["resolution"], ("text",), font=plain, alignment=Alignment(vertical="top")),
               cell(r["topic"], ("text",)),
               cell(r["roll_call"], ("bool",), font=plain, number_format='"TRUE";"TRUE";"FALSE"', alignment=centre)]
        for k, (iso3, _) in enumerate(m["states"]):
            vote = m["votes"].get((r["resolution"], iso3))
            with_status = (r["resolution"], iso3) in m["held"]
            border = ruled if edge[k] else grid
            if vote is None:
                row.append(cell(None, ("empty", edge[k]), border=border))
                continue
            row.append(cell(SHORT.get(vote, vote), ("vote", vote, with_status, edge[k]),
                            font=plain if with_status else grey, fill=fills.get(vote, PatternFill()), alignment=centre,
                            border=border))
        ws.append(row)
