"""The workbook: DIR/sco.xlsx, for people who read data in a spreadsheet, and one that explains
itself.

- *About* first: what the package is, its version and licence, how to cite it, and one line per
  sheet, laid out in two wrapped columns with row heights that fit the text (nothing spills).
- *Columns*: every column of every sheet with its type, whether it is required, the values it
  allows and its description.
- One sheet per table. The header is bold and frozen, and each header cell carries the column's
  description as a comment. Beside every code whose foreign key points at a table with a name (a
  country code, an exercise id) a derived column, in grey italics, gives that name. Dates are
  dates, numbers numbers, booleans TRUE/FALSE and web addresses links. Beside `source_ids` a
  derived `first_source` column links to the row of the first source in the sources sheet: a
  cell holds one link, and LibreOffice neither wraps nor fully prints a cell that holds a link, so
  the ids themselves stay plain wrapped text (the sources sheet is sorted by id for the others).
  Long text such as `notes` wraps, in a column of sensible width, in rows tall enough for it.
  Printing: landscape, one page wide, the header repeated on every page.

Every text cell is written as text: a value such as '=1+1' stays a string, never a formula.

Deterministic: the document properties carry the package's `created` date, and every member of
the zip archive the same fixed timestamp, so the same package gives the same bytes. Written in
openpyxl's write-only mode, which streams rows instead of holding every cell.

Releases 0.1.0 and 0.2.0 hold an earlier layout of the workbook; `verify --rebuild` compares
workbooks by the values of their table columns (sco_data.content), so they still verify.
"""

from __future__ import annotations

import re
import textwrap
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from .. import guide
from .. import schema as sch
from ..descriptor import Package
from ..errors import ExportError
from ..facts import authors, citation_text, licence, licence_note, licence_text, released, summarize

OUTPUT = "sco.xlsx"  # what the export registry expects this writer to create
ABOUT_SHEET = "About"
COLUMNS_SHEET = "Columns"
MAX_ROWS = 1_048_576  # Excel's limit, header included
MAX_WIDTH = 60
WRAP_AT = 40  # text longer than this wraps, in a column WRAP_WIDTH wide
WRAP_WIDTH = 50
CHARS_PER_WIDTH = 1.2
URL_WIDTH = 40  # addresses are links, which do not wrap: shown up to this width
LINE_HEIGHT = 15.0  # points per line of 11-point text
MAX_ROW_HEIGHT = 409.0  # Excel's limit
DERIVED_NOTE = "Derived for reading, not a column of the CSV"
BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"'
_URL = re.compile(r"^https?://\S+$")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose members all carry one fixed timestamp (openpyxl stamps the clock)."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o644 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def _created(pkg: Package) -> datetime:
    """The package's `created`, naive UTC as the workbook stores it. A descriptor without one gets
    the zip epoch: the properties must carry some date, and the clock's would break determinism."""
    raw = pkg.descriptor.get("created")
    if not raw:
        return datetime(*_ZIP_TIME)
    try:
        stamp = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise ExportError(f"{pkg.descriptor_path.name}: 'created' must be an ISO 8601 date-time "
                          "for the workbook") from None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(timezone.utc).replace(tzinfo=None)
    return stamp


def _sheet_names(names: list[str]) -> dict[str, str]:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    out: dict[str, str] = {}
    taken = {ABOUT_SHEET.lower(), COLUMNS_SHEET.lower()}
    for name in names:
        base = _SHEET_FORBIDDEN.sub("_", name)[:31] or "table"
        candidate, i = base, 2
        while candidate.lower() in taken:
            suffix = f"~{i}"
            candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
        taken.add(candidate.lower())
        out[name] = candidate
    return out


def _ooxml_text(value: str) -> str:
    """Text as a workbook must hold it (ECMA-376 ST_Xstring): a character that XML cannot carry
    is written _xHHHH_, which spreadsheet programs show as the character itself, and a literal
    _xHHHH_ in the data gets its underscore escaped so that it is not read as such an escape."""
    if "_x" in value:
        value = _OOXML_ESCAPE.sub(r"_x005F_\1", value)
    if _XML_ILLEGAL.search(value):
        value = _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value


def _sheet_ref(sheet: str, row: int = 1, col: str = "A") -> str:
    return "'" + sheet.replace("'", "''") + f"'!{col}{row}"


def _lines(text: str, width: float) -> int:
    """How many lines text takes wrapped in a column `width` wide (in widths of the digit 0,
    about 1.2 characters of text each). An estimate that errs on the high side: a row a little
    too tall reads better than text cut off."""
    chars = max(int(width * CHARS_PER_WIDTH), 8)
    return sum(max(1, len(textwrap.wrap(par, chars, break_long_words=True))) for par in text.split("\n"))


def _height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)


class _Styles:
    """The few cell styles the workbook uses, each made once: a cell copies a template's style
    array, which is far faster than assigning fonts and alignments cell by cell."""

    def __init__(self):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.WriteOnlyCell = WriteOnlyCell
        self._templates: dict[tuple, object] = {}
        self.fonts = {
            "plain": Font(),
            "bold": Font(bold=True),
            "title": Font(bold=True, size=14),
            "link": Font(color="0563C1", underline="single"),
            "derived": Font(italic=True, color="595959"),
        }
        self.header_fill = PatternFill("solid", fgColor="D9E1F2")
        self.header_border = Border(bottom=Side(style="thin", color="8EA9DB"))
        self.Alignment = Alignment

    def cell(self, ws, value, *, font="plain", fmt=None, wrap=False, header=False, text=False):
        if header:
            font = "bold"
        key = (font, fmt, wrap, header)
        template = self._templates.get(key)
        if template is None:
            template = self.WriteOnlyCell(ws)
            template.font = self.fonts[font]
            template.alignment = self.Alignment(vertical="top", wrap_text=wrap or header,
                                                horizontal="center" if fmt == BOOLEAN_FORMAT else None)
            if fmt:
                template.number_format = fmt
            if header:
                template.fill = self.header_fill
                template.border = self.header_border
            self._templates[key] = template
        cell = self.WriteOnlyCell(ws, value=_ooxml_text(value) if text else value)
        if text:
            cell.data_type = "s"
        cell._style = template._style.__copy__()
        return cell


def _print_setup(ws, header: str, title_rows: str | None = "1:1") -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&A, page &P of &N"
    if header:
        ws.oddHeader.center.text = header.replace("&", "&&")


def _page_header(pkg: Package) -> str:
    title = pkg.descriptor.get("title", pkg.name)
    return f"{title}, version {pkg.version}" if pkg.version else title


def _widths(ws, widths: list[float]) -> None:
    from openpyxl.utils import get_column_letter

    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = round(width, 1)


# --------------------------------------------------------------------------- About


def _about(wb, st: _Styles, pkg: Package, tables: dict, sheets: dict[str, str]) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = wb.create_sheet(ABOUT_SHEET)
    key_width, value_width, rows_width = 22, 90, 10
    _widths(ws, [key_width, value_width, rows_width])
    _print_setup(ws, _page_header(pkg), None)
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
                          "source_id values of the sources sheet (click a source_ids cell to go to its first "
                          "source). Empty cell: unknown or not applicable. Where sources disagree, notes "
                          "gives the other figures and who gives them."),
        ("Columns", f"The {COLUMNS_SHEET} sheet describes every column: its type, whether it is required, "
                    "the values it allows and what it means. The same description is a comment on each "
                    "header cell. Columns in grey italics are derived for reading (a country's name beside "
                    "its code) and are not in the CSV files."),
    ]
    r = 0
    for key, value in facts:
        r += 1
        value = str(value)
        cell = st.cell(ws, value, text=True, wrap=True, font="title" if key == "Title" else "plain")
        if _URL.match(value):
            cell = st.cell(ws, value, text=True, wrap=True, font="link")
            cell.hyperlink = value
        ws.row_dimensions[r].height = _height(_lines(value, value_width)) if key != "Title" else 21.0
        ws.append([st.cell(ws, key, text=True, font="bold"), cell])
    r += 2
    ws.append([])
    ws.append([st.cell(ws, head, text=True, header=True) for head in ("Sheet", "Description", "Rows")])
    links = [(COLUMNS_SHEET, "Every column of every sheet: type, required, allowed values, description.", None)]
    links += [(sheets[s.name],
               f"{s.title}. {s.description}" if s.title and s.title != s.name else s.description,
               s.rows)
              for s in summarize(pkg, tables)]
    for sheet, description, rows in links:
        r += 1
        link = st.cell(ws, sheet, text=True, font="link")
        link.hyperlink = Hyperlink(ref=f"A{r}", location=_sheet_ref(sheet), tooltip=f"Go to the {sheet} sheet")
        ws.row_dimensions[r].height = _height(_lines(description, value_width))
        ws.append([link, st.cell(ws, description, text=True, wrap=True),
                   st.cell(ws, rows) if rows is not None else None])


# --------------------------------------------------------------------------- Columns


class _Column:
    """One column of a table sheet: a field of the CSV, or one derived for reading: the name
    beside a code (`link`), or the link to the first source (`source_of`, the list field)."""

    def __init__(self, header: str, fdef: dict | None = None, link: guide.NameLink | None = None,
                 source_of: str | None = None):
        self.header = header
        self.fdef = fdef
        self.link = link
        self.source_of = source_of

    @property
    def derived(self) -> bool:
        return self.fdef is None

    @property
    def ftype(self) -> str:
        return sch.field_type(self.fdef) if self.fdef else "string"


def _derived_header(link: guide.NameLink, taken: set[str], ambiguous: bool) -> str:
    """supplier_iso3 -> supplier_name; iso3 -> name, or iso3_name when the sheet has two such."""
    field = link.field
    suffix = f"_{link.ref_field}"
    if field.endswith(suffix) and len(field) > len(suffix):
        header = field[: -len(suffix)] + f"_{link.label}"
    elif field == link.ref_field and not ambiguous:
        header = link.label
    else:
        header = f"{field}_{link.label}"
    while header in taken:
        header += "_"
    return header


def _sheet_columns(pkg: Package, res) -> list[_Column]:
    links = {link.field: link for link in guide.name_links(pkg, res)}
    has_sources = guide.sources_table(pkg) is not None
    bare = [link for link in links.values() if link.field == link.ref_field]
    taken = set(res.field_names)
    out = []
    for fdef in res.fields:
        out.append(_Column(fdef["name"], fdef))
        link = links.get(fdef["name"])
        if link:
            header = _derived_header(link, taken, ambiguous=len(bare) > 1)
            taken.add(header)
            out.append(_Column(header, None, link))
        if has_sources and guide.is_source_list(fdef):
            header = "first_source" if fdef["name"] == "source_ids" else f"{fdef['name']}_first"
            while header in taken:
                header += "_"
            taken.add(header)
            out.append(_Column(header, None, source_of=fdef["name"]))
    return out


def _description(res, col: _Column) -> str:
    if col.source_of:
        return (f"A link to the row of the first of {col.source_of} in the {guide.SOURCES} sheet; the "
                f"others are listed in {col.source_of}. {DERIVED_NOTE}.")
    if col.link:
        return (f"The {col.link.label} of the {col.link.resource} row whose {col.link.ref_field} is in "
                f"{col.link.field}. {DERIVED_NOTE}.")
    return " ".join(str(col.fdef.get("description", "")).split())


def _columns_sheet(wb, st: _Styles, pkg: Package, sheets: dict[str, str], layouts: dict) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = wb.create_sheet(COLUMNS_SHEET)
    heads = ("table", "column", "type", "required", "allowed values", "description")
    widths = [22, 26, 18, 10, 40, 70]
    _widths(ws, widths)
    _print_setup(ws, _page_header(pkg))
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
            description = _description(res, col)
            table = st.cell(ws, sheets[res.name], text=True, font="link")
            table.hyperlink = Hyperlink(ref=f"A{r}", location=_sheet_ref(sheets[res.name]),
                                        tooltip=f"Go to the {sheets[res.name]} sheet")
            ws.row_dimensions[r].height = _height(max(_lines(description, widths[5]), _lines(allowed, widths[4])))
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


def _number_format(ftype: str) -> str | None:
    return {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss", "year": "0", "boolean": BOOLEAN_FORMAT}.get(ftype)


def _text_lengths(values: list) -> int:
    return max((max(len(line) for line in v.split("\n")) for v in values if v), default=0)


def _header_comment(pkg: Package, res, col: _Column):
    from openpyxl.comments import Comment

    parts = [_description(res, col)]
    if col.fdef is not None:
        kind = guide.type_text(col.fdef) + ("; required" if sch.is_required(col.fdef) else "")
        allowed = guide.allowed_text(res, col.fdef)
        parts.append(f"Type: {kind}." + (f" Allowed: {allowed}." if allowed else ""))
    text = "\n".join(p for p in parts if p)
    lines = _lines(text, 48)
    # Sizes in points: wide enough for about 48 characters a line, tall enough for every line.
    return Comment(_ooxml_text(text), pkg.name or "data package", width=300, height=min(400, 16 + 14 * lines))


def _source_rows(pkg: Package, tables: dict, sheets: dict[str, str]):
    """source_id -> the cell of its row in the sources sheet, when the package has that table."""
    found = guide.sources_table(pkg)
    if found is None or found[0].name not in tables:
        return None, {}
    res, key = found
    ids = tables[res.name].column(key).to_pylist()
    return sheets[res.name], {sid: i + 2 for i, sid in enumerate(ids)}


def _column_values(col: _Column, table, tables: dict) -> list:
    """The values a sheet column shows, one per row: lists joined with '; ', names looked up."""
    if col.link:
        parent = tables[col.link.resource]
        names = dict(zip(parent.column(col.link.ref_field).to_pylist(),
                         parent.column(col.link.label).to_pylist(), strict=False))
        return [names.get(v) if v is not None else None for v in table.column(col.link.field).to_pylist()]
    if col.source_of:
        return [v[0] if v else None for v in table.column(col.source_of).to_pylist()]
    values = table.column(col.header).to_pylist()
    if col.ftype == "list":
        return ["; ".join(v) if v is not None else None for v in values]
    return values


def _layout(col: _Column, values: list) -> tuple[float, bool, bool]:
    """(width, wrap, link) for a sheet column: long text wraps in a column WRAP_WIDTH wide;
    web addresses and source links are links, which LibreOffice does not wrap, so they get the
    width of their longest value, up to URL_WIDTH for addresses."""
    ftype = col.ftype
    if ftype in ("string", "list"):
        longest = _text_lengths(values)
    elif ftype == "datetime":
        longest = 19
    elif ftype == "date":
        longest = 10
    elif ftype == "boolean":
        longest = 5
    else:
        longest = max((len(str(v)) for v in values if v is not None), default=0)
    head = min(len(col.header) + 2, MAX_WIDTH)
    if col.source_of:
        return max(min(longest + 2, MAX_WIDTH), head), False, True
    urls = ftype == "string" and not col.derived and any(v is not None for v in values) and all(
        v is None or _URL.match(v) for v in values)
    if urls:
        return max(min(longest + 2, URL_WIDTH), head), False, True
    wrap = ftype in ("string", "list") and longest > WRAP_AT
    width = WRAP_WIDTH if wrap else min(longest + 2, MAX_WIDTH)
    return max(width, head), wrap, False


def _table_sheet(wb, st: _Styles, pkg: Package, res, table, title: str, columns: list[_Column],
                 tables: dict, sources: tuple) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    if table.num_rows + 1 > MAX_ROWS:
        raise ExportError(f"{res.name}: {table.num_rows} rows do not fit in a worksheet ({MAX_ROWS - 1} at most)")
    ws = wb.create_sheet(title)
    source_sheet, source_row = sources
    values = [_column_values(col, table, tables) for col in columns]
    layouts = [_layout(col, vals) for col, vals in zip(columns, values, strict=False)]
    widths = [w for w, _, _ in layouts]
    _widths(ws, widths)
    ws.freeze_panes = "A2"
    _print_setup(ws, _page_header(pkg))
    if table.num_rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{table.num_rows + 1}"

    header = []
    for col in columns:
        cell = st.cell(ws, col.header, text=True, header=True)
        cell.comment = _header_comment(pkg, res, col)
        header.append(cell)
    ws.append(header)

    letters = [get_column_letter(c) for c in range(1, len(columns) + 1)]
    fonts = ["derived" if col.derived else "plain" for col in columns]
    formats = [None if col.derived else _number_format(col.ftype) for col in columns]
    wrapped = any(wrap for _, wrap, _ in layouts)
    for i in range(table.num_rows):
        r = i + 2
        row = []
        lines = 1
        for c, col in enumerate(columns):
            value = values[c][i]
            if value is None:
                row.append(None)
                continue
            width, wrap, link = layouts[c]
            ftype = col.ftype
            if col.source_of:
                cell = st.cell(ws, value, text=True, font="link")
                if value in source_row:
                    cell.hyperlink = Hyperlink(ref=f"{letters[c]}{r}",
                                               location=_sheet_ref(source_sheet, source_row[value]),
                                               tooltip=f"Go to source {value} in the {source_sheet} sheet")
            elif ftype in ("string", "list"):
                if link and _URL.match(value):
                    cell = st.cell(ws, value, text=True, font="link")
                    cell.hyperlink = value
                else:
                    cell = st.cell(ws, value, text=True, font=fonts[c], wrap=wrap)
                    if wrap:
                        lines = max(lines, _lines(value, width))
            else:
                if ftype == "datetime":
                    # Excel has no time zones: the UTC wall time, as the data dictionary says.
                    value = value.astimezone(timezone.utc).replace(tzinfo=None)
                cell = st.cell(ws, value, font=fonts[c], fmt=formats[c])
            row.append(cell)
        if wrapped and lines > 1:
            ws.row_dimensions[r].height = _height(lines)
        ws.append(row)


def write(pkg: Package, tables: dict, out_dir: Path) -> list[Path]:
    """Write OUT_DIR/sco.xlsx from the typed tables; return [its path]."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    out_dir = Path(out_dir)
    wb = Workbook(write_only=True)
    st = _Styles()
    sheets = _sheet_names([r.name for r in pkg.resources])
    layouts = {res.name: _sheet_columns(pkg, res) for res in pkg.resources}
    _about(wb, st, pkg, tables, sheets)
    _columns_sheet(wb, st, pkg, sheets, layouts)
    sources = _source_rows(pkg, tables, sheets)
    for res in pkg.resources:
        _table_sheet(wb, st, pkg, res, tables[res.name], sheets[res.name], layouts[res.name], tables, sources)

    props = wb.properties
    props.created = props.modified = _created(pkg)
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
    archive = _FixedTimeZip(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()
    return [target]
