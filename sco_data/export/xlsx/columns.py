"""The columns of a table sheet: the fields of the CSV, and those derived for reading (a name
beside a code, a link to the first source); their values, descriptions and widths on screen."""

from __future__ import annotations

from ... import guide
from ... import schema as sch
from ...descriptor import Package
from .cells import BOOLEAN_FORMAT, DERIVED_NOTE, MAX_WIDTH, URL, URL_WIDTH, WRAP_AT, WRAP_WIDTH, lines_of, ooxml_text

HEADER_WIDTH = 10  # a header longer than this wraps instead of widening its column

class Column:
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


def derived_header(link: guide.NameLink, taken: set[str], ambiguous: bool) -> str:
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


def sheet_columns(pkg: Package, res) -> list[Column]:
    links = {link.field: link for link in guide.name_links(pkg, res)}
    has_sources = guide.sources_table(pkg) is not None
    bare = [link for link in links.values() if link.field == link.ref_field]
    taken = set(res.field_names)
    out = []
    for fdef in res.fields:
        out.append(Column(fdef["name"], fdef))
        link = links.get(fdef["name"])
        if link:
            header = derived_header(link, taken, ambiguous=len(bare) > 1)
            taken.add(header)
            out.append(Column(header, None, link))
        if has_sources and guide.is_source_list(fdef):
            header = "first_source" if fdef["name"] == "source_ids" else f"{fdef['name']}_first"
            while header in taken:
                header += "_"
            taken.add(header)
            out.append(Column(header, None, source_of=fdef["name"]))
    return out


def description(res, col: Column) -> str:
    if col.source_of:
        return (f"A link to the row of the first of {col.source_of} in the {guide.SOURCES} sheet; the "
                f"others are listed in {col.source_of}. {DERIVED_NOTE}.")
    if col.link:
        return (f"The {col.link.label} of the {col.link.resource} row whose {col.link.ref_field} is in "
                f"{col.link.field}. {DERIVED_NOTE}.")
    return " ".join(str(col.fdef.get("description", "")).split())


def number_format(ftype: str) -> str | None:
    return {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss", "year": "0", "boolean": BOOLEAN_FORMAT}.get(ftype)


def text_lengths(values: list) -> int:
    return max((max(len(line) for line in v.split("\n")) for v in values if v), default=0)


def header_comment(pkg: Package, res, col: Column):
    from openpyxl.comments import Comment

    parts = [description(res, col)]
    if col.fdef is not None:
        kind = guide.type_text(col.fdef) + ("; required" if sch.is_required(col.fdef) else "")
        allowed = guide.allowed_text(res, col.fdef)
        parts.append(f"Type: {kind}." + (f" Allowed: {allowed}." if allowed else ""))
    text = "\n".join(p for p in parts if p)
    lines = lines_of(text, 48)
    # Sizes in points: wide enough for about 48 characters a line, tall enough for every line.
    return Comment(ooxml_text(text), pkg.name or "data package", width=300, height=min(400, 16 + 14 * lines))


def source_rows(pkg: Package, tables: dict, sheets: dict[str, str]):
    """source_id -> the cell of its row in the sources sheet, when the package has that table."""
    found = guide.sources_table(pkg)
    if found is None or found[0].name not in tables:
        return None, {}
    res, key = found
    ids = tables[res.name].column(key).to_pylist()
    return sheets[res.name], {sid: i + 2 for i, sid in enumerate(ids)}


def column_values(col: Column, table, tables: dict) -> list:
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


def layout(col: Column, values: list) -> tuple[float, bool, bool]:
    """(width, wrap, link) for a sheet column: long text wraps in a column WRAP_WIDTH wide;
    web addresses and source links are links, which LibreOffice does not wrap, so they get the
    width of their longest value, up to URL_WIDTH for addresses."""
    ftype = col.ftype
    if ftype in ("string", "list"):
        longest = text_lengths(values)
    elif ftype == "datetime":
        longest = 19
    elif ftype == "date":
        longest = 10
    elif ftype == "boolean":
        longest = 5
    else:
        longest = max((len(str(v)) for v in values if v is not None), default=0)
    # A long header wraps (onto two lines at most) rather than widening a column of short values.
    head = min(len(col.header) + 2, HEADER_WIDTH)
    if col.source_of:
        return max(min(longest + 2, MAX_WIDTH), head), False, True
    urls = ftype == "string" and not col.derived and any(v is not None for v in values) and all(
        v is None or URL.match(v) for v in values)
    if urls:
        return max(min(longest + 2, URL_WIDTH), head), False, True
    wrap = ftype in ("string", "list") and longest > WRAP_AT
    width = WRAP_WIDTH if wrap else min(longest + 2, MAX_WIDTH)
    return max(width, head), wrap, False
