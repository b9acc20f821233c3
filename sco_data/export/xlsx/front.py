"""The sheets that explain the workbook: *About* (what the package is, its version, licence and
citation, how to read and print it, one line per sheet) and *Columns* (every column of every
sheet: type, whether required, allowed values, description)."""

from __future__ import annotations

from ... import guide
from ... import schema as sch
from ...descriptor import Package
from ...facts import citation_text, licence, licence_text, released, summarize
from .cells import ABOUT_SHEET, BOOLEAN_FORMAT, COLUMNS_SHEET, URL, Styles, height_of, lines_of, set_widths, sheet_ref
from .columns import description as column_description
from .printing import MAX_WRAP, PAGE_PX, PX_PER_WIDTH, column_px, page_header, print_setup


def hidden_note(hidden: dict[str, str], sources: str | None = None) -> str:
    """What the About sheet says of the sheets left out of the default print; sources: the sheet
    of the sources table, if any."""
    if not hidden:
        return ""
    listed = "; ".join(f"{sheet} ({why})" for sheet, why in hidden.items())
    one = len(hidden) == 1
    text = (f"{'The sheet' if one else 'The sheets'} {listed}. "
            f"{'It is' if one else 'They are'} hidden, which keeps {'it' if one else 'them'} out of the print, "
            "and in the workbook all the same. To read or print one, right-click a sheet tab and choose Unhide "
            "(Excel) or Show Sheet (LibreOffice), then print it on its own (Print Active Sheet, or Selected "
            "Sheets in LibreOffice): it prints whole, one page wide.")
    if sources in hidden:
        text += f" The first_source links lead to the {sources} sheet once it is shown."
    return text.strip()


def about_sheet(wb, st: Styles, pkg: Package, tables: dict, sheets: dict[str, str], hidden: dict[str, str],
                summaries: dict[str, str] | None = None) -> None:
    """hidden: the sheets out of the default print, each with why; summaries: table sheet -> the
    summary sheet that stands after it."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    summaries = summaries or {}
    ws = wb.create_sheet(ABOUT_SHEET)
    key_width, value_width, rows_width = 22, 90, 10
    set_widths(ws, [key_width, value_width, rows_width])
    print_setup(ws, page_header(pkg), None)
    found = guide.sources_table(pkg)
    hidden_text = hidden_note(hidden, sheets.get(found[0].name) if found else None)
    lic = licence(pkg)
    facts = [
        ("Title", pkg.descriptor.get("title", pkg.name)),
        ("Description", pkg.descriptor.get("description", "")),
        ("Version", pkg.version),
        ("Released", released(pkg)),
        ("Data licence", licence_text(pkg)),
        ("Licence text", lic.get("path", "")),
        ("How to cite", citation_text(pkg)),
        ("Citation file", "CITATION.cff in the repository: cite the version you used."),
        ("Homepage", pkg.descriptor.get("homepage", "")),
        ("Reading a row", "Each sheet is one table; each row cites its sources in source_ids, which are "
                          "source_id values of the sources sheet (click first_source to go to the first). "
                          "Empty cell: unknown or not applicable. Where sources disagree, notes gives the "
                          "other figures and who gives them."),
        ("Columns", f"The {COLUMNS_SHEET} sheet describes every column: its type, whether it is required, "
                    "the values it allows and what it means. The same description is a comment on each "
                    "header cell. Columns in grey italics are derived for reading (a country's name beside "
                    "its code) and are not in the CSV files."),
        ("Printing", "Every sheet that prints does so landscape, one page wide, at 60% of its size or more "
                     "on A4 or Letter, with its header on every page. Web addresses (which do not wrap), columns of "
                     "paragraph-long text such as notes and, where a sheet is too wide, a column empty in most "
                     "rows (the value of arms deals) and the list of source_ids stand at the right of their "
                     "sheet and are left out of the print; a row shows the first line of such text: select "
                     "the cell, or make the row taller, to read it whole."),
    ]
    if hidden_text:
        facts.append(("Not printed", hidden_text))
    r = 0
    for key, value in facts:
        r += 1
        value = str(value)
        cell = st.cell(ws, value, text=True, wrap=True, font="title" if key == "Title" else "plain")
        if URL.match(value):
            cell = st.cell(ws, value, text=True, wrap=True, font="link")
            cell.hyperlink = value
        ws.row_dimensions[r].height = height_of(lines_of(value, value_width)) if key != "Title" else 21.0
        ws.append([st.cell(ws, key, text=True, font="bold"), cell])
    r += 2
    ws.append([])
    ws.append([st.cell(ws, head, text=True, header=True) for head in ("Sheet", "Description", "Rows")])
    links = [(COLUMNS_SHEET, "Every column of every table sheet: type, required, allowed values, description.", None)]
    for s in summarize(pkg, tables):
        sheet = sheets[s.name]
        description = f"{s.title}. {s.description}" if s.title and s.title != s.name else s.description
        if sheet in hidden:
            description = f"Hidden, not printed by default. {description}"
        links.append((sheet, description, s.rows))
        if sheet in summaries:
            links.append((summaries[sheet], summary_description(sheet), None))
    for sheet, description, rows in links:
        r += 1
        link = st.cell(ws, sheet, text=True, font="link")
        link.hyperlink = Hyperlink(ref=f"A{r}", location=sheet_ref(sheet), tooltip=f"Go to the {sheet} sheet")
        ws.row_dimensions[r].height = height_of(lines_of(description, value_width))
        ws.append([link, st.cell(ws, description, text=True, wrap=True),
                   st.cell(ws, rows) if rows is not None else None])


def summary_description(table_sheet: str) -> str:
    from .votes import RECONCILIATION, RESOLUTIONS

    return (f"The votes of {table_sheet} as a matrix, for reading and printing: one row per resolution, one column "
            "per state that held an SCO status on the day of a vote; Y yes, N no, A abstain, NV non-voting, empty "
            f"where no source gives the vote. Derived from {table_sheet} and {RESOLUTIONS}, not a table of the "
            f"package; why votes are missing: {RECONCILIATION}.")


# --------------------------------------------------------------------------- Columns


def columns_sheet(wb, st: Styles, pkg: Package, sheets: dict[str, str], layouts: dict) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = wb.create_sheet(COLUMNS_SHEET)
    heads = ("table", "column", "type", "required", "allowed values", "description")
    # The description takes what the page leaves (printing.PAGE_PX): fewer lines, fewer pages.
    widths = [22, 26, 18, 10, 40]
    widths.append(float(min(MAX_WRAP, int((PAGE_PX - sum(column_px(w) for w in widths) - 5) / PX_PER_WIDTH))))
    set_widths(ws, widths)
    print_setup(ws, page_header(pkg))
    ws.freeze_panes = "A2"
    ws.append([st.cell(ws, h, text=True, header=True) for h in heads])
    r = 1
    for res in pkg.resources:
        for col in layouts[res.name]:
            r += 1
            if col.source_of:
                ctype, required, allowed = "link (derived)", False, f"{guide.SOURCE_KEY} of {guide.SOURCES}"
            elif col.link:
                ctype, required, allowed = "text (derived)", False, f"{col.link.label} of {col.link.resource}"
            else:
                ctype, required, allowed = (guide.type_text(col.fdef), sch.is_required(col.fdef),
                                            guide.allowed_text(res, col.fdef))
            description = column_description(res, col)
            table = st.cell(ws, sheets[res.name], text=True, font="link")
            table.hyperlink = Hyperlink(ref=f"A{r}", location=sheet_ref(sheets[res.name]),
                                        tooltip=f"Go to the {sheets[res.name]} sheet")
            ws.row_dimensions[r].height = height_of(max(lines_of(description, widths[5]), lines_of(allowed, widths[4])))
            ws.append([
                table,
                st.cell(ws, col.header, text=True, font="derived" if col.derived else "plain"),
                st.cell(ws, ctype, text=True),
                st.cell(ws, required, fmt=BOOLEAN_FORMAT),
                st.cell(ws, allowed, text=True, wrap=True) if allowed else None,
                st.cell(ws, description, text=True, wrap=True),
            ])
    if r > 1:
        ws.auto_filter.ref = f"A1:F{r}"


# --------------------------------------------------------------------------- table sheets
