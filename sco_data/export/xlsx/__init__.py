"""The workbook: DIR/sco.xlsx, for people who read data in a spreadsheet, and one that explains
itself.

- *About* first: what the package is, its version and licence, how to cite, read and print it,
  and one line per sheet, laid out in two wrapped columns with row heights that fit the text.
- *Columns*: every column of every sheet with its type, whether it is required, the values it
  allows and its description.
- One sheet per table (tables.py). Beside every code whose foreign key points at a table with a
  name, a derived column in grey italics gives that name; beside `source_ids`, `first_source`
  links to the row of the first source in the sources sheet (columns.py). Dates are dates,
  numbers numbers, booleans TRUE/FALSE and web addresses links.
- *un_votes by state* (votes.py), after un_votes: the General Assembly votes as a matrix, one row
  per resolution and one column per state with an SCO status, derived from the tables.
- Printing (printing.py): landscape, one page wide, the header repeated, at 60% or more on A4 or
  Letter; links and paragraph-long text stand at the right of a sheet, outside its print area;
  the derived panel, the sources and un_votes (which prints as its matrix) are hidden sheets, out
  of the default print, and the About sheet says how to show and print them.

Every text cell is written as text: a value such as '=1+1' stays a string, never a formula.

Deterministic: the document properties carry the package's `created` date, and every member of
the zip archive the same fixed timestamp, so the same package gives the same bytes. Written in
openpyxl's write-only mode, which streams rows instead of holding every cell.

Releases 0.1.0 and 0.2.0 hold an earlier layout of the workbook; `verify --rebuild` compares
workbooks by the values of their table columns by header (sco_data.content), whatever their
order, so they still verify.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ...descriptor import Package
from ...facts import authors, licence_note
from .cells import (
    BOOLEAN_FORMAT,
    COLUMNS_SHEET,
    LINE_HEIGHT,
    MAX_WIDTH,
    WRAP_WIDTH,
    FixedTimeZip,
    Styles,
    created_stamp,
    lines_of,
    sheet_names,
)
from .columns import sheet_columns, source_rows
from .front import about_sheet, columns_sheet
from .printing import MIN_SCALE, not_printed, page_header
from .tables import table_sheet
from .votes import MATRIX_SHEET, VOTES, applies, matrix_sheet

OUTPUT = "sco.xlsx"  # what the export registry expects this writer to create
__all__ = ["BOOLEAN_FORMAT", "LINE_HEIGHT", "MAX_WIDTH", "MIN_SCALE", "OUTPUT", "WRAP_WIDTH", "lines_of", "write"]


def write(pkg: Package, tables: dict, out_dir: Path) -> list[Path]:
    """Write OUT_DIR/sco.xlsx from the typed tables; return [its path]."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    out_dir = Path(out_dir)
    wb = Workbook(write_only=True)
    st = Styles()
    sheets = sheet_names([r.name for r in pkg.resources])
    # The votes matrix, where the package has what it is made from, stands after un_votes.
    summaries = {}
    if applies(pkg, tables):
        name, i, taken = MATRIX_SHEET, 2, {s.lower() for s in sheets.values()}
        while name.lower() in taken:
            name, i = f"{MATRIX_SHEET} ~{i}", i + 1
        summaries[VOTES] = name
    hidden = not_printed(pkg, summaries)
    about_sheet(wb, st, pkg, tables, sheets, {sheets[t]: why for t, why in hidden.items()},
                {sheets[t]: name for t, name in summaries.items()})
    sources = source_rows(pkg, tables, sheets)
    header = page_header(pkg)
    laid = {}
    for res in pkg.resources:
        laid[res.name] = table_sheet(wb, st, pkg, res, tables[res.name], sheets[res.name], sheet_columns(pkg, res),
                                     tables, sources, header, hidden=res.name in hidden)
        if res.name in summaries:
            matrix_sheet(wb, st, pkg, tables, summaries[res.name])
    # Written last, when each sheet's column order is known, and moved to stand second.
    columns_sheet(wb, st, pkg, sheets, laid)
    wb.move_sheet(COLUMNS_SHEET, -(len(wb.sheetnames) - 2))

    props = wb.properties
    props.created = props.modified = created_stamp(pkg)
    props.creator = props.lastModifiedBy = "; ".join(authors(pkg))
    props.title = pkg.descriptor.get("title", pkg.name)
    props.subject = pkg.descriptor.get("description", "")
    props.identifier = pkg.name
    props.version = pkg.version
    props.keywords = ", ".join(pkg.descriptor.get("keywords", []))
    props.description = licence_note(pkg)

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUTPUT
    # openpyxl's save_workbook sets `modified` to the clock; its writer, driven directly, does not.
    archive = FixedTimeZip(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()
    return [target]
