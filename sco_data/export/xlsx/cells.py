"""The workbook's building blocks: limits and sizes, the cell styles, text as a workbook must hold
it, row heights for wrapped text, sheet names, and the zip archive with a fixed timestamp."""

from __future__ import annotations

import re
import textwrap
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from ...descriptor import Package
from ...errors import ExportError

ABOUT_SHEET = "About"
COLUMNS_SHEET = "Columns"
MAX_ROWS = 1_048_576  # Excel's limit, header included
MAX_WIDTH = 60
WRAP_AT = 40  # text longer than this wraps, in a column WRAP_WIDTH wide
WRAP_WIDTH = 50
CHARS_PER_WIDTH = 1.15
URL_WIDTH = 40  # addresses are links, which do not wrap: shown up to this width
FONT = "Calibri"  # 11 points: the face column widths are measured in (LibreOffice's Carlito has its metrics)
LINE_HEIGHT = 15.0  # points per line of 11-point text
MAX_ROW_HEIGHT = 409.0  # Excel's limit
DERIVED_NOTE = "Derived for reading, not a column of the CSV"
BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"'
URL = re.compile(r"^https?://\S+$")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


class FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose members all carry one fixed timestamp (openpyxl stamps the clock)."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o644 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def created_stamp(pkg: Package) -> datetime:
    """The package's `created`, naive UTC as the workbook stores it. A descriptor without one gets
    the zip epoch: the properties must carry some date, and the clock's would break determinism."""
    raw = pkg.descriptor.get("created")
    if not raw:
        return datetime(*ZIP_TIME)
    try:
        stamp = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise ExportError(f"{pkg.descriptor_path.name}: 'created' must be an ISO 8601 date-time "
                          "for the workbook") from None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(timezone.utc).replace(tzinfo=None)
    return stamp


def sheet_names(names: list[str]) -> dict[str, str]:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    out: dict[str, str] = {}
    taken = {ABOUT_SHEET.lower(), COLUMNS_SHEET.lower()}
    for name in names:
        base = SHEET_FORBIDDEN.sub("_", name)[:31] or "table"
        candidate, i = base, 2
        while candidate.lower() in taken:
            suffix = f"~{i}"
            candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
        taken.add(candidate.lower())
        out[name] = candidate
    return out


def ooxml_text(value: str) -> str:
    """Text as a workbook must hold it (ECMA-376 ST_Xstring): a character that XML cannot carry
    is written _xHHHH_, which spreadsheet programs show as the character itself, and a literal
    _xHHHH_ in the data gets its underscore escaped so that it is not read as such an escape."""
    if "_x" in value:
        value = OOXML_ESCAPE.sub(r"_x005F_\1", value)
    if XML_ILLEGAL.search(value):
        value = XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value


def sheet_ref(sheet: str, row: int = 1, col: str = "A") -> str:
    return "'" + sheet.replace("'", "''") + f"'!{col}{row}"


def lines_of(text: str, width: float) -> int:
    """How many lines text takes wrapped in a column `width` wide (in widths of the digit 0,
    about CHARS_PER_WIDTH characters of text each). An estimate that errs on the high side: a row a little
    too tall reads better than text cut off."""
    chars = max(int(width * CHARS_PER_WIDTH), 8)
    return sum(max(1, len(textwrap.wrap(par, chars, break_long_words=True))) for par in text.split("\n"))


def height_of(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)


class Styles:
    """The few cell styles the workbook uses, each made once: a cell copies a template's style
    array, which is far faster than assigning fonts and alignments cell by cell."""

    def __init__(self):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.WriteOnlyCell = WriteOnlyCell
        self._templates: dict[tuple, object] = {}
        # Named, so that every program sets the text in the face the widths and heights are made
        # for (without a name, LibreOffice falls back to a wider serif face and text spills).
        face = {"name": FONT, "size": 11}
        self.fonts = {
            "plain": Font(**face),
            "bold": Font(bold=True, **face),
            "title": Font(bold=True, **{**face, "size": 14}),
            "link": Font(color="0563C1", underline="single", **face),
            "derived": Font(italic=True, color="595959", **face),
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
        cell = self.WriteOnlyCell(ws, value=ooxml_text(value) if text else value)
        if text:
            cell.data_type = "s"
        cell._style = template._style.__copy__()
        return cell


def set_widths(ws, widths: list[float]) -> None:
    from openpyxl.utils import get_column_letter

    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = round(width, 1)


# --------------------------------------------------------------------------- About
