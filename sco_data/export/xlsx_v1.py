"""The workbook as releases 0.1.0 and 0.2.0 hold it (layout 1), kept unchanged so that
`sco-data verify --rebuild` still reproduces their sco.xlsx byte for byte. New exports use
sco_data.export.xlsx (layout 2); do not change this module.

The workbook: DIR/sco.xlsx, for people who read data in a spreadsheet.

The first sheet explains the package (version, licence, how to cite, one line per table); then one
sheet per table with a frozen bold header, real dates, numbers and booleans, list cells joined with
'; ', web addresses as hyperlinks. Every text cell is written as text: a value such as '=1+1' stays
a string and never becomes a formula.

Deterministic: the document properties carry the package's `created` date, and every member of
the zip archive the same fixed timestamp, so the same package gives the same bytes.
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from .. import schema as sch
from ..descriptor import Package
from ..errors import ExportError
from ..facts import authors, citation_text, licence, licence_note, licence_text, released, summarize

OUTPUT = "sco.xlsx"  # what the export registry expects this writer to create
ABOUT_SHEET = "About"
MAX_ROWS = 1_048_576  # Excel's limit, header included
MAX_WIDTH = 60
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
    taken = {ABOUT_SHEET.lower()}
    for name in names:
        base = _SHEET_FORBIDDEN.sub("_", name)[:31] or "table"
        candidate, i = base, 2
        while candidate.lower() in taken:
            suffix = f"~{i}"
            candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
        taken.add(candidate.lower())
        out[name] = candidate
    return out


def _text(ws, row: int, col: int, value: str):
    """A cell that holds text whatever it looks like: openpyxl would read '=…' as a formula."""
    cell = ws.cell(row=row, column=col)
    cell.value = _ooxml_text(value)
    cell.data_type = "s"
    return cell


def _ooxml_text(value: str) -> str:
    """Text as a workbook must hold it (ECMA-376 ST_Xstring): a character that XML cannot carry
    is written _xHHHH_, which spreadsheet programs show as the character itself, and a literal
    _xHHHH_ in the data gets its underscore escaped so that it is not read as such an escape."""
    if "_x" in value:
        value = _OOXML_ESCAPE.sub(r"_x005F_\1", value)
    if _XML_ILLEGAL.search(value):
        value = _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value


def _about(wb, pkg: Package, tables: dict, sheets: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.active
    ws.title = ABOUT_SHEET
    bold = Font(bold=True)
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
                          "source_id values of the sources sheet. Empty cell: unknown or not applicable. "
                          "Where sources disagree, notes gives the other figures and who gives them."),
    ]
    for r, (key, value) in enumerate(facts, start=1):
        _text(ws, r, 1, key).font = bold
        cell = _text(ws, r, 2, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if _URL.match(value):
            cell.hyperlink = value
            cell.style = "Hyperlink"
    r = len(facts) + 2
    for c, head in enumerate(("Sheet", "Rows", "Description"), start=1):
        _text(ws, r, c, head).font = bold
    for s in summarize(pkg, tables):
        r += 1
        link = _text(ws, r, 1, sheets[s.name])
        link.hyperlink = f"#'{sheets[s.name]}'!A1"
        link.style = "Hyperlink"
        ws.cell(row=r, column=2, value=s.rows)
        _text(ws, r, 3, s.description).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 90


def _number_format(ftype: str) -> str | None:
    return {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss", "year": "0"}.get(ftype)


def _table_sheet(wb, res, table, title: str) -> None:
    from openpyxl.styles import Font

    if table.num_rows + 1 > MAX_ROWS:
        raise ExportError(f"{res.name}: {table.num_rows} rows do not fit in a worksheet ({MAX_ROWS - 1} at most)")
    ws = wb.create_sheet(title)
    fields = res.fields
    widths = [len(f["name"]) for f in fields]
    bold = Font(bold=True)
    for c, fdef in enumerate(fields, start=1):
        _text(ws, 1, c, fdef["name"]).font = bold
    columns = [table.column(f["name"]).to_pylist() for f in fields]
    for c, (fdef, values) in enumerate(zip(fields, columns, strict=False), start=1):
        ftype = sch.field_type(fdef)
        fmt = _number_format(ftype)
        delim = "; "
        for i, value in enumerate(values):
            if value is None:
                continue
            r = i + 2
            if ftype in ("string", "list"):
                text = delim.join(value) if ftype == "list" else value
                cell = _text(ws, r, c, text)
                if ftype == "string" and _URL.match(text):
                    cell.hyperlink = text
                    cell.style = "Hyperlink"
                shown = max((len(line) for line in text.split("\n")), default=0)
            else:
                if ftype == "datetime":
                    # Excel has no time zones: the UTC wall time, as the data dictionary says.
                    value = value.astimezone(timezone.utc).replace(tzinfo=None)
                cell = ws.cell(row=r, column=c, value=value)
                if fmt:
                    cell.number_format = fmt
                shown = 19 if ftype == "datetime" else 10 if ftype == "date" else len(str(value))
            widths[c - 1] = max(widths[c - 1], shown)
    from openpyxl.utils import get_column_letter

    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = "A2"
    if table.num_rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(fields))}{table.num_rows + 1}"


def write(pkg: Package, tables: dict, out_dir: Path) -> list[Path]:
    """Write OUT_DIR/sco.xlsx from the typed tables; return [its path]."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    out_dir = Path(out_dir)
    wb = Workbook()
    sheets = _sheet_names([r.name for r in pkg.resources])
    _about(wb, pkg, tables, sheets)
    for res in pkg.resources:
        _table_sheet(wb, res, tables[res.name], sheets[res.name])

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

