"""One sheet per table: a bold, frozen header whose cells carry each column's description as a
comment; typed cells (dates, numbers, TRUE/FALSE, links); long text wrapped in rows tall enough for
what prints; and the print plan of printing.py (what prints, in which order, how wide). A table
left out of the default print (printing.not_printed) is a hidden sheet with no print area."""

from __future__ import annotations

from datetime import timezone

from ...descriptor import Package
from ...errors import ExportError
from .cells import MAX_ROWS, URL, Styles, height_of, lines_of, set_widths, sheet_ref
from .columns import Column, column_values, header_comment, layout, number_format
from .printing import PARAGRAPH_LINES, plan, print_setup


def ordered(columns: list[Column], table, tables: dict):
    """(columns in the sheet's order, their values, their (width, wrap, link), how many print)."""
    values = [column_values(col, table, tables) for col in columns]
    layouts = [layout(col, vals) for col, vals in zip(columns, values, strict=True)]
    p = plan(columns, values, layouts)
    laid = [(p.widths[i], p.wrap[i], layouts[i][2], p.paragraph[i]) for i in p.order]
    return [columns[i] for i in p.order], [values[i] for i in p.order], laid, p.printed


def _cell(ws, st: Styles, col: Column, value, laid, ref: str, sources: tuple, font: str, fmt):
    width, wrap, link, _ = laid
    source_sheet, source_row = sources
    ftype = col.ftype
    if col.source_of:
        from openpyxl.worksheet.hyperlink import Hyperlink

        cell = st.cell(ws, value, text=True, font="link")
        if value in source_row:
            cell.hyperlink = Hyperlink(ref=ref, location=sheet_ref(source_sheet, source_row[value]),
                                       tooltip=f"Go to source {value} in the {source_sheet} sheet")
        return cell
    if ftype in ("string", "list"):
        if link and URL.match(value):
            cell = st.cell(ws, value, text=True, font="link")
            cell.hyperlink = value
            return cell
        return st.cell(ws, value, text=True, font=font, wrap=wrap)
    if ftype == "datetime":
        # Excel has no time zones: the UTC wall time, as the data dictionary says.
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return st.cell(ws, value, font=font, fmt=fmt)


def table_sheet(wb, st: Styles, pkg: Package, res, table, title: str, columns: list[Column],
                tables: dict, sources: tuple, header: str, hidden: bool = False) -> list[Column]:
    """Write the sheet; return its columns in the order they stand."""
    from openpyxl.utils import get_column_letter

    if table.num_rows + 1 > MAX_ROWS:
        raise ExportError(f"{res.name}: {table.num_rows} rows do not fit in a worksheet ({MAX_ROWS - 1} at most)")
    columns, values, laid, printed = ordered(columns, table, tables)
    ws = wb.create_sheet(title)
    if hidden:
        ws.sheet_state = "hidden"
    set_widths(ws, [w for w, _, _, _ in laid])
    ws.freeze_panes = "A2"
    last = table.num_rows + 1
    # A hidden sheet with a print area is printed by LibreOffice all the same: it gets none.
    area = None if ws.sheet_state == "hidden" else f"A1:{get_column_letter(max(printed, 1))}{last}"
    print_setup(ws, header, area=area)
    if table.num_rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"

    heads = []
    for col in columns:
        cell = st.cell(ws, col.header, text=True, header=True)
        cell.comment = header_comment(pkg, res, col)
        heads.append(cell)
    head_lines = max((lines_of(c.header, w) for c, (w, _, _, _) in zip(columns, laid, strict=True)), default=1)
    if head_lines > 1:
        ws.row_dimensions[1].height = height_of(head_lines)
    ws.append(heads)

    letters = [get_column_letter(c) for c in range(1, len(columns) + 1)]
    fonts = ["derived" if col.derived else "plain" for col in columns]
    formats = [None if col.derived else number_format(col.ftype) for col in columns]
    for i in range(table.num_rows):
        r = i + 2
        row = []
        lines = 1
        for c, col in enumerate(columns):
            value = values[c][i]
            if value is None:
                row.append(None)
                continue
            row.append(_cell(ws, st, col, value, laid[c], f"{letters[c]}{r}", sources, fonts[c], formats[c]))
            width, wrap, link, paragraph = laid[c]
            if wrap and not link and isinstance(value, str):
                # A row is as tall as its printed text; of a paragraph it shows the first lines.
                needed = lines_of(value, width)
                lines = max(lines, min(needed, PARAGRAPH_LINES) if paragraph else needed)
        if lines > 1:
            ws.row_dimensions[r].height = height_of(lines)
        ws.append(row)
    return columns
