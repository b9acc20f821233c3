"""How the workbook prints: every sheet landscape, one page wide, the header row on every page, at
no less than MIN_SCALE of its size on A4 or Letter paper.

A table sheet is printed at a readable size by choosing what prints and how wide:

- Links (web addresses, and the link to a row's first source) do not wrap in LibreOffice, so a
  printed one is cut; and a column of paragraphs (free text whose values average more than
  PARAGRAPH characters: notes, mostly) would make every printed row a page tall. Where the
  columns of short values leave less than MIN_ROOM a column of wrapped text, a list (the source
  ids: the text tells a reader of paper more), then the longest text, is left out too, until the
  rest fits (arms_deals prints its key columns, summits its outcomes). All these stand at the
  right of the sheet, outside its print area: on screen, in the CSV and in the other exports,
  nothing is left out.
- Before any text leaves the print for want of room, a column of short values that is empty in
  most rows does (the value of arms deals, known for few): it tells little on paper.
- The printed columns fill the page: those of short values get the width of their values (a long
  header wraps), and the wrapped text shares what is left, in proportion to its length.
- A row is as tall as its printed text needs, and shows PARAGRAPH_LINES line of a
  paragraph column: select the cell (or widen the row) to read it whole.

Some tables are not read on paper, and are left out of the default print (`not_printed`): the
derived country-year panel; the sources table, a bibliography of a thousand rows read on screen by
following a row's first_source link; and un_votes, one row per resolution and state, which prints
as the matrix of votes.py instead. Each is a hidden sheet with no print area (LibreOffice prints a
hidden sheet that has one); the About sheet names them and says how to show and print them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import guide
from ...derived import is_derived
from .cells import MAX_WIDTH

MIN_SCALE = 0.6
# A column `w` wide takes PX_PER_WIDTH * w + 5 pixels at 96 dpi: Excel rounds the width of the
# digit 0 in 11-point Calibri to 7 pixels, LibreOffice keeps its exact width, about 7.4; the wider counts.
PX_PER_WIDTH = 7.4
# The widest printed content, in such pixels, that fits Letter landscape (the narrower of Letter
# and A4: 10.2 inches between margins of 0.4) at 64%. The margin above MIN_SCALE is LibreOffice's:
# its search for the scale that fits one page wide stops a few percent short of the exact fit.
PAGE_PX = 1530
SPARSE = 0.5  # a column of short values empty in more than this share of rows is the first to leave a full page
PARAGRAPH = 250
PARAGRAPH_LINES = 1
MIN_WRAP = 16  # the narrowest a printed column of wrapped text gets
MIN_ROOM = 28  # below this much room a column, the longest wrapped text is left out of the print
MAX_WRAP = 90  # the widest
MARGIN_SIDES, MARGIN_ENDS, MARGIN_HEADER = 0.4, 0.6, 0.2  # inches: the page header clear of the first row


def not_printed(pkg, summarized: dict[str, str]) -> dict[str, str]:
    """The tables left out of the default print, each with the reason the About sheet gives.
    summarized: the tables that print as a summary sheet instead, with that sheet's name."""
    sources = guide.sources_table(pkg)
    out = {}
    for res in pkg.resources:
        if is_derived(res):
            out[res.name] = "derived from the other tables, one row per state and year"
        elif sources is not None and res.name == sources[0].name:
            out[res.name] = "the bibliography, read on screen by following a row's first_source link"
        elif res.name in summarized:
            out[res.name] = f"one row per vote: it prints as the summary on the {summarized[res.name]} sheet"
    return out


def column_px(width: float) -> float:
    """A column's width in pixels (PX_PER_WIDTH)."""
    return PX_PER_WIDTH * width + 5


def _filled(values: list) -> float:
    return sum(v is not None and v != "" for v in values) / len(values) if values else 1.0


@dataclass
class Plan:
    """A table sheet's columns for print: `order` gives the sheet's column order (indexes into the
    table's columns), the first `printed` of which print; `widths` and `wrap` by original index;
    `paragraph` marks the wrapped text left out of the print, of which a row shows the first lines."""

    order: list[int]
    printed: int
    widths: list[float]
    wrap: list[bool]
    paragraph: list[bool]


def _average(values: list) -> float:
    texts = [v for v in values if isinstance(v, str) and v]
    return sum(map(len, texts)) / len(texts) if texts else 0.0


def plan(columns, values: list[list], layouts: list[tuple[float, bool, bool]]) -> Plan:
    """What prints, in which order and how wide; `layouts` are the (width, wrap, link) of each
    column on screen."""
    n = len(columns)
    widths = [w for w, _, _ in layouts]
    wrap = [w for _, w, _ in layouts]
    averages = [_average(v) for v in values]
    paragraph = [wrap[i] and not columns[i].derived and columns[i].ftype == "string" and averages[i] > PARAGRAPH
                 for i in range(n)]
    left_out = [layouts[i][2] or paragraph[i] for i in range(n)]
    filled = [_filled(v) for v in values]
    sparse = [not wrap[i] and filled[i] < 1 - SPARSE for i in range(n)]
    for i in range(n):
        if paragraph[i]:
            widths[i] = MAX_WIDTH
    while True:
        printed = [i for i in range(n) if not left_out[i]]
        shared = [i for i in printed if wrap[i]]
        fixed_px = sum(column_px(widths[i]) for i in printed if not wrap[i])
        room = (PAGE_PX - fixed_px - 5 * len(shared)) / PX_PER_WIDTH  # width units for the wrapped columns
        if not shared or room >= MIN_ROOM * len(shared):
            break
        # Too little room to wrap them all readably: the emptiest sparse column goes out of the
        # print, else a list (of source ids, say: the text tells a reader of paper more), else the
        # longest text.
        thin = [i for i in printed if sparse[i]]
        if thin:
            left_out[min(thin, key=lambda i: (filled[i], -i))] = True
        else:
            left_out[max(shared, key=lambda i: (columns[i].ftype == "list", averages[i], i))] = True
    for i, width in _share(room, {i: max(averages[i], 1.0) for i in shared}).items():
        widths[i] = width
    # Wrapped text outside the print shows its first lines, so that it does not make printed rows tall.
    capped = [left_out[i] and wrap[i] for i in range(n)]
    return Plan(printed + [i for i in range(n) if left_out[i]], len(printed), widths, wrap, capped)


def _share(room: float, weights: dict[int, float]) -> dict[int, float]:
    """Split `room` among the columns in proportion to their weights, each within MIN_WRAP and
    MAX_WRAP, in whole widths."""
    out: dict[int, float] = {}
    left = dict(weights)
    while left:
        total = sum(left.values())
        share = {i: room * w / total for i, w in left.items()}
        clamped = {i: min(max(s, MIN_WRAP), MAX_WRAP) for i, s in share.items() if not MIN_WRAP <= s <= MAX_WRAP}
        if not clamped:
            out.update({i: float(int(s)) for i, s in share.items()})
            break
        for i, width in clamped.items():
            out[i] = float(width)
            room -= width
            del left[i]
    return out


def print_setup(ws, header: str, title_rows: str | None = "1:1", area: str | None = None) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDES
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_ENDS
    ws.page_margins.header = ws.page_margins.footer = MARGIN_HEADER
    if title_rows:
        ws.print_title_rows = title_rows
    if area:
        ws.print_area = area
    ws.oddFooter.center.text = "&A, page &P of &N"
    if header:
        ws.oddHeader.center.text = header.replace("&", "&&")


def page_header(pkg) -> str:
    title = pkg.descriptor.get("title", pkg.name)
    return f"{title}, version {pkg.version}" if pkg.version else title
