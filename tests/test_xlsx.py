"""The workbook writer: types, links, frozen headers, text that stays text, same bytes every time;
and a workbook that explains itself: the Columns sheet, header comments, names beside codes,
TRUE/FALSE, wrapped text, print setup, source links, an About sheet where nothing spills."""

from __future__ import annotations

import hashlib
from datetime import datetime

import openpyxl
import pytest

from sco_data.descriptor import load_package
from sco_data.export import xlsx
from sco_data.export.xlsx import printing
from sco_data.read import read_package


def typed_tables(folder):
    pkg = load_package(folder)
    return pkg, {name: tr.table for name, tr in read_package(pkg).items()}


def header_index(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[1]}


def row_where(ws, column: str, value):
    col = header_index(ws)[column]
    for row in ws.iter_rows(min_row=2):
        if row[col - 1].value == value:
            return {ws.cell(1, c.column).value: c for c in row}
    raise AssertionError(f"no row with {column} = {value!r}")


@pytest.fixture
def workbook(sample, tmp_path):
    # A text cell that a spreadsheet would otherwise run as a formula.
    members = sample / "data" / "members.csv"
    members.write_text(members.read_text(encoding="utf-8").replace(
        "CHN,2001-06-15,2001-shanghai,true,true,1996-04-26,,,",
        "CHN,2001-06-15,2001-shanghai,true,true,1996-04-26,,=1+1,"), encoding="utf-8")
    pkg, tables = typed_tables(sample)
    paths = xlsx.write(pkg, tables, tmp_path / "out")
    assert paths == [tmp_path / "out" / "sco.xlsx"]
    return openpyxl.load_workbook(paths[0])


MATRIX = "un_votes by state"
NOT_PRINTED = {"sources", "un_votes", "sco_status_years"}


def test_sheets_about_and_columns_first_then_one_per_table(workbook, sample):
    """One sheet per table, and the votes matrix right after un_votes."""
    pkg = load_package(sample)
    names = [r.name for r in pkg.resources]
    at = names.index("un_votes") + 1
    assert workbook.sheetnames == ["About", "Columns"] + names[:at] + [MATRIX] + names[at:]


def test_about_sheet_explains_the_package(workbook):
    about = {row[0].value: row[1].value for row in workbook["About"].iter_rows() if row[0].value}
    assert about["Version"] == "0.1.0"
    assert about["Released"] == "2026-11-28"
    assert about["Data licence"] == "Creative Commons Attribution 4.0 (CC-BY-4.0)"
    assert "version 0.1.0 [Data set]. CC-BY-4.0." in about["How to cite"]
    assert workbook["About"]["B6"].hyperlink.target == "https://creativecommons.org/licenses/by/4.0/"
    # One line per sheet: a link to it, its description, its rows.
    rows = {row[0].value: row for row in workbook["About"].iter_rows() if row[0].value}
    assert rows["members"][2].value == 4
    assert "full member" in rows["members"][1].value
    assert rows["members"][0].hyperlink.location == "'members'!A1"
    assert rows["Columns"][0].hyperlink.location == "'Columns'!A1"


def test_header_is_bold_and_frozen(workbook):
    for name in workbook.sheetnames[1:]:
        if name == MATRIX:  # its header stands below a title and notes: see the tests of the matrix
            continue
        ws = workbook[name]
        assert ws.freeze_panes == "A2"
        assert all(cell.font.b for cell in ws[1])


def test_real_types(workbook):
    summit = row_where(workbook["summits"], "summit_id", "2001-shanghai")
    assert summit["start_date"].value == datetime(2001, 6, 14)
    assert summit["start_date"].is_date and summit["start_date"].number_format == "yyyy-mm-dd"
    assert summit["year"].value == 2001 and summit["year"].data_type == "n"
    assert summit["source_ids"].value == "test-ref; katz-2008"  # readable, as the CSV lists them
    assert summit["outcomes"].value == 'Founding, "quoted" text'
    deal = row_where(workbook["arms_deals"], "deal_id", "rus-chn-su27-licence")
    assert deal["licensed_production"].value is True and deal["licensed_production"].data_type == "b"
    assert deal["value_usd_millions"].value == 2500.5
    assert deal["quantity_ordered"].value == 200
    multiline = row_where(workbook["summits"], "summit_id", "2004-tashkent")
    assert multiline["notes"].value == "multi\nline note"
    assert multiline["outcomes"].value is None  # empty stays empty


def test_text_that_looks_like_a_formula_stays_text(workbook):
    china = row_where(workbook["members"], "iso3", "CHN")
    assert china["notes"].value == "=1+1"
    assert china["notes"].data_type == "s"


def test_source_urls_are_hyperlinks(workbook):
    ref = row_where(workbook["sources"], "source_id", "test-ref")
    assert ref["url"].hyperlink.target == "https://example.org/ref"
    katz = row_where(workbook["sources"], "source_id", "katz-2008")
    assert katz["url"].value is None and katz["url"].hyperlink is None


def test_sensible_column_widths(workbook):
    ws = workbook["sources"]
    widths = {ws.cell(1, c).value: ws.column_dimensions[ws.cell(1, c).column_letter].width
              for c in range(1, ws.max_column + 1)}
    assert widths["title"] > widths["kind"] >= len("kind")
    assert max(widths.values()) <= printing.MAX_WRAP


def test_properties_carry_version_licence_and_the_created_date(workbook):
    props = workbook.properties
    assert props.version == "0.1.0"
    assert "CC-BY-4.0" in props.description
    assert props.created == props.modified == datetime(2026, 11, 28)


def test_same_package_same_bytes(sample, tmp_path):
    pkg, tables = typed_tables(sample)
    first = xlsx.write(pkg, tables, tmp_path / "a")[0].read_bytes()
    second = xlsx.write(pkg, tables, tmp_path / "b")[0].read_bytes()
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()


def test_zero_rows(sample, tmp_path):
    for csv in (sample / "data").glob("*.csv"):
        csv.write_text(csv.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    pkg, tables = typed_tables(sample)
    wb = openpyxl.load_workbook(xlsx.write(pkg, tables, tmp_path / "out")[0])
    assert wb["members"].max_row == 1
    assert [c.value for c in wb["members"][1]][:3] == ["iso3", "name", "joined_date"]


def test_characters_xml_cannot_hold_are_escaped_as_spreadsheets_expect(sample, tmp_path):
    countries = sample / "data" / "countries.csv"
    text = countries.read_text(encoding="utf-8")
    text = text.replace("Kazakhstan", "Kazakh\x07stan").replace("Mongolia", "Mongolia _x0041_")
    countries.write_text(text, encoding="utf-8")
    pkg, tables = typed_tables(sample)
    wb = openpyxl.load_workbook(xlsx.write(pkg, tables, tmp_path / "out")[0])
    # openpyxl shows the stored form; Excel and LibreOffice decode _xHHHH_ to the character.
    assert row_where(wb["countries"], "iso3", "KAZ")["name"].value == "Kazakh_x0007_stan"
    assert row_where(wb["countries"], "iso3", "MNG")["name"].value == "Mongolia _x005F_x0041_"


def test_a_package_without_created_still_gives_the_same_bytes(sample, tmp_path):
    import json

    descriptor = sample / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    del data["created"]
    descriptor.write_text(json.dumps(data), encoding="utf-8")
    pkg, tables = typed_tables(sample)
    first = xlsx.write(pkg, tables, tmp_path / "a")[0].read_bytes()
    assert xlsx.write(pkg, tables, tmp_path / "b")[0].read_bytes() == first


def test_registered_as_a_format():
    import sco_data.export as export

    if not hasattr(export, "FORMATS"):
        pytest.skip("the export registry lands with the exporters; xlsx is registered there")
    assert export.FORMATS["xlsx"] is xlsx


def test_a_package_unrelated_to_the_sco(tmp_path):
    """The writer knows no table or column: another package, with a date-time, another list
    delimiter and a long sheet name, comes out typed too."""
    from support import write_package

    schema = {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"required": True}},
            {"name": "seen at", "type": "datetime"},
            {"name": "tags", "type": "list", "delimiter": "|"},
            {"name": "ratio", "type": "number"},
        ],
        "primaryKey": ["id"],
    }
    rows = [["1", "2024-02-29T23:30:00+02:00", "a|b", "0.25"], ["2", None, None, None]]
    name = "a table whose name is far too long for a sheet"
    folder = write_package(tmp_path / "pkg", "other", [(name, schema, rows)], created="2024-03-01T00:00:00Z")
    pkg, tables = typed_tables(folder)
    wb = openpyxl.load_workbook(xlsx.write(pkg, tables, tmp_path / "out")[0])
    sheet = wb.sheetnames[2]
    assert len(sheet) == 31 and name.startswith(sheet)
    first = row_where(wb[sheet], "id", 1)
    assert first["seen at"].value == datetime(2024, 2, 29, 21, 30)  # UTC
    assert first["tags"].value == "a; b"
    assert first["ratio"].value == 0.25
    assert row_where(wb[sheet], "id", 2)["seen at"].value is None


# --------------------------------------------------------------------------- a workbook that explains itself


def descriptor_fields(pkg):
    return [(res, fdef) for res in pkg.resources for fdef in res.fields]


def test_columns_sheet_describes_every_column(workbook, sample):
    pkg = load_package(sample)
    ws = workbook["Columns"]
    heads = [c.value for c in ws[1]]
    assert heads == ["table", "column", "type", "required", "allowed values", "description"]
    rows = {(r[0].value, r[1].value): dict(zip(heads, (c.value for c in r), strict=True))
            for r in ws.iter_rows(min_row=2)}
    for res, fdef in descriptor_fields(pkg):
        row = rows[(res.name, fdef["name"])]
        assert row["description"] == " ".join(fdef["description"].split())
        assert row["required"] is bool(fdef.get("constraints", {}).get("required"))
    status = rows[("observers", "status")]
    assert status["allowed values"] == "one of: observer, dialogue_partner, partner"
    assert status["type"] == "text"
    assert rows[("members", "joined_date")]["type"] == "date (YYYY-MM-DD)"
    assert rows[("members", "iso3")]["allowed values"] == "iso3 of countries"
    assert rows[("members", "source_ids")]["allowed values"] == "source_id values of sources"
    # The derived columns are listed too, and say so.
    assert rows[("arms_deals", "supplier_name")]["type"] == "text (derived)"
    assert "not a column of the CSV" in rows[("arms_deals", "supplier_name")]["description"]
    assert ws.freeze_panes == "A2"


def test_every_header_carries_its_description_as_a_comment(workbook, sample):
    pkg = load_package(sample)
    for res in pkg.resources:
        headers = {c.value: c for c in workbook[res.name][1]}
        for fdef in res.fields:
            comment = headers[fdef["name"]].comment
            assert comment is not None, (res.name, fdef["name"])
            assert comment.text.startswith(" ".join(fdef["description"].split()))
        assert set(res.field_names) <= set(headers)


def test_a_name_beside_every_country_code(workbook, sample):
    pkg = load_package(sample)
    names = {r["iso3"].value: r["name"].value for r in
             (row_where(workbook["countries"], "iso3", code) for code in ("CHN", "RUS", "KAZ"))}
    deal = row_where(workbook["arms_deals"], "deal_id", "rus-chn-su27-licence")
    heads = [c.value for c in workbook["arms_deals"][1]]
    assert heads[heads.index("supplier_iso3") + 1] == "supplier_name"
    assert heads[heads.index("recipient_iso3") + 1] == "recipient_name"
    assert deal["supplier_name"].value == names["RUS"] == "Russia"
    assert deal["recipient_name"].value == names["CHN"]
    assert deal["supplier_name"].font.i  # derived: grey italics
    china = row_where(workbook["members"], "iso3", "CHN")
    assert china["name"].value == names["CHN"]
    # Every code that refers to countries, in every sheet, has its name beside it.
    for res in pkg.resources:
        heads = [c.value for c in workbook[res.name][1]]
        for fk in res.foreign_keys:
            if fk["resource"] == "countries" and res.name != "countries":
                after = heads[heads.index(fk["fields"][0]) + 1]
                assert after.endswith("name"), (res.name, fk["fields"])
                col = heads.index(after) + 1
                codes = heads.index(fk["fields"][0]) + 1
                ws = workbook[res.name]
                for r in range(2, ws.max_row + 1):
                    code = ws.cell(r, codes).value
                    if code in names:
                        assert ws.cell(r, col).value == names[code]


def test_two_codes_of_one_kind_get_distinct_name_columns(workbook):
    heads = [c.value for c in workbook["exercise_participants"][1]]
    assert heads[:4] == ["exercise_id", "exercise_id_name", "iso3", "iso3_name"]
    row = row_where(workbook["exercise_participants"], "iso3", "RUS")
    assert row["iso3_name"].value == "Russia"
    assert row["exercise_id_name"].value  # the exercise's name from military_exercises


def test_booleans_are_true_false_everywhere(workbook, sample):
    pkg = load_package(sample)
    seen = 0
    for res, fdef in descriptor_fields(pkg):
        if fdef["type"] != "boolean":
            continue
        ws = workbook[res.name]
        col = header_index(ws)[fdef["name"]]
        for r in range(2, ws.max_row + 1):
            cell = ws.cell(r, col)
            if cell.value is None:
                continue
            seen += 1
            assert cell.data_type == "b" and cell.value in (True, False)
            assert cell.number_format == xlsx.BOOLEAN_FORMAT
    assert seen > 10
    required = workbook["Columns"]["D2"]
    assert required.data_type == "b" and required.number_format == xlsx.BOOLEAN_FORMAT


def test_long_text_wraps_in_sensible_widths_and_tall_enough_rows(sample, tmp_path):
    summits = sample / "data" / "summits.csv"
    long_note = "A long note that goes on " * 8  # long, but no paragraph: it prints
    summits.write_text(summits.read_text(encoding="utf-8").replace("multi\nline note", long_note.strip()),
                       encoding="utf-8")
    pkg, tables = typed_tables(sample)
    wb = openpyxl.load_workbook(xlsx.write(pkg, tables, tmp_path / "out")[0])
    ws = wb["summits"]
    row = row_where(ws, "summit_id", "2004-tashkent")
    notes = row["notes"]
    assert notes.alignment.wrap_text
    width = ws.column_dimensions[notes.column_letter].width
    assert printing.MIN_WRAP <= width <= printing.MAX_WRAP
    # a note that prints gets rows tall enough for all of it, each line 15 points
    assert ws.row_dimensions[notes.row].height >= xlsx.lines_of(notes.value, width) * 15 > 15
    assert not row["city"].alignment.wrap_text
    for sheet in wb.worksheets:
        for letter, dim in sheet.column_dimensions.items():
            assert dim.width <= xlsx.MAX_WIDTH + 30, (sheet.title, letter)


def test_print_setup_landscape_one_page_wide_header_repeated(workbook):
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        if ws.title == MATRIX:
            assert ws.print_title_rows == "$6:$8"  # status groups, names and codes over the votes
        elif ws.title != "About":
            assert ws.print_title_rows == "$1:$1", ws.title
        assert "page &P of &N" in ws.oddFooter.center.text


LETTER_LANDSCAPE_PT = 11 * 72  # the narrower of Letter (11 in) and A4 (297 mm) in landscape


def print_scale(ws) -> float:
    """The scale a spreadsheet program prints a sheet at, fitting its print area one page wide:
    the page's width between the margins over the width of the printed columns (pixels at 96 dpi,
    the wider of Excel's and LibreOffice's measure of 11-point Calibri, as points)."""
    from openpyxl.utils import column_index_from_string

    area = ws.print_area
    last = area.split(":")[1].lstrip("$").rstrip("0123456789$") if area else None
    count = column_index_from_string(last) if last else ws.max_column
    letters = [ws.cell(1, c).column_letter for c in range(1, count + 1)]
    content = sum((printing.PX_PER_WIDTH * (ws.column_dimensions[x].width or 8.43) + 5) * 0.75 for x in letters)
    page = LETTER_LANDSCAPE_PT - 72 * (ws.page_margins.left + ws.page_margins.right)
    return min(1.0, page / content)


def test_every_sheet_prints_at_sixty_percent_or_more(repo_package, tmp_path):
    """On the repository's own data: each printed sheet fits one page wide at 60% or more on
    Letter (and so on A4) landscape; what is left out of the print stands at its right; the
    derived panel, the sources and un_votes are hidden, with no print area, so that no program
    prints them by default (LibreOffice prints a hidden sheet that has a print area)."""
    pkg, tables = typed_tables(repo_package)
    wb = openpyxl.load_workbook(xlsx.write(pkg, tables, tmp_path / "out")[0])
    assert MATRIX in wb.sheetnames
    printed = 0
    for ws in wb.worksheets:
        if ws.title in NOT_PRINTED:
            assert ws.sheet_state == "hidden" and not ws.print_area, ws.title
            assert ws.max_row > 1  # in the workbook all the same
            continue
        assert ws.sheet_state == "visible"
        assert print_scale(ws) >= printing.MIN_SCALE, (ws.title, print_scale(ws))
        assert ws.page_margins.top >= ws.page_margins.header + 0.3  # the page header clear of the rows
        printed += 1
    assert printed == len(wb.worksheets) - len(NOT_PRINTED)
    # arms_deals prints its key columns: codes, names, what, when and how many; its notes and the
    # link to the first source stand after them, out of the print, and are in the sheet all the same
    deals = wb["arms_deals"]
    from openpyxl.utils import column_index_from_string

    printed = column_index_from_string(deals.print_area.split(":")[1].lstrip("$").rstrip("0123456789$"))
    heads = [c.value for c in deals[1]]
    shown = heads[:printed]
    assert {"deal_id", "supplier_name", "recipient_name", "designation", "order_year", "quantity_delivered",
            "status"} <= set(shown)
    assert "notes" not in shown and "first_source" not in shown and "notes" in heads
    # the value, known for few deals, is the first column to leave a page too narrow for the rest
    assert "value_usd_millions" in heads and "value_usd_millions" not in shown
    # where text and a list of sources compete for a crowded page, the text prints
    summits = [c.value for c in wb["summits"][1]]
    summits_printed = column_index_from_string(wb["summits"].print_area.split(":")[1].lstrip("$").rstrip("0123456789$"))
    assert {"outcomes", "notes"} <= set(summits[:summits_printed])
    assert wb["sources"].cell(1, wb["sources"].max_column).value == "url"  # links do not wrap: not printed
    # a row of a sheet whose notes do not print is not made tall by them
    notes_col = heads.index("notes") + 1
    tall = [r for r in range(2, deals.max_row + 1)
            if (deals.row_dimensions[r].height or 15) > 2 * 15 and deals.cell(r, notes_col).value]
    assert len(tall) < deals.max_row / 4


def test_the_about_sheet_says_how_the_workbook_prints(repo_package, tmp_path):
    pkg, tables = typed_tables(repo_package)
    wb = openpyxl.load_workbook(xlsx.write(pkg, tables, tmp_path / "out")[0])
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows(max_col=2) if r[0].value}
    assert "at 60% of its size or more on A4 or Letter" in about["Printing"]
    # Every sheet out of the default print is named, with how to show and print it.
    hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
    assert hidden == NOT_PRINTED
    for sheet in hidden:
        assert f"{sheet} (" in about["Not printed"], sheet
    assert "Unhide (Excel) or Show Sheet (LibreOffice)" in about["Not printed"]
    assert f"summary on the {MATRIX} sheet" in about["Not printed"]
    # The list of sheets says the same beside each, and lists the matrix after un_votes.
    listed = [(r[0].value, r[1].value) for r in wb["About"].iter_rows(max_col=2)
              if r[0].hyperlink is not None and r[0].hyperlink.location]
    described = dict(listed)
    for sheet, description in described.items():
        assert description.startswith("Hidden, not printed by default.") is (sheet in hidden), sheet
    names = [sheet for sheet, _ in listed]
    assert names[names.index("un_votes") + 1] == MATRIX
    assert "docs/un-votes-reconciliation.md" in described[MATRIX]
    assert wb.sheetnames[:2] == ["About", "Columns"]


@pytest.mark.skipif(not all(__import__("shutil").which(tool) for tool in ("soffice", "pdfinfo", "pdftotext")),
                    reason="LibreOffice (soffice) and poppler (pdfinfo, pdftotext) are not installed: the rendering "
                           "is optional")
def test_libreoffice_prints_the_workbook_on_sixty_pages_or_fewer(repo_package, tmp_path):
    """Where LibreOffice is installed: render the repository's workbook to PDF, count its pages, and
    read each page's footer ("<sheet>, page n of N") for the sheets that printed: none of those
    left out of the default print, and the votes matrix on one page."""
    import re
    import subprocess
    from collections import Counter

    pkg, tables = typed_tables(repo_package)
    path = xlsx.write(pkg, tables, tmp_path / "out")[0]
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=300)
    pdf = str(tmp_path / "sco.pdf")
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages <= 60
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    footers = re.findall(rf"(\S[^\n]*?), page \d+ of {pages}", text)
    per_sheet = Counter(footer.strip() for footer in footers)
    assert sum(per_sheet.values()) == pages, per_sheet
    assert not set(per_sheet) & NOT_PRINTED, per_sheet
    assert per_sheet[MATRIX] == 1
    assert set(per_sheet) == set(openpyxl.load_workbook(path, read_only=True).sheetnames) - NOT_PRINTED
    # The scale LibreOffice chose, read from the pages: the height of the words most pages are
    # set in (11-point text) against the About sheet's, which prints at full size.
    boxes = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    heights: dict[str, list[float]] = {}
    for page in boxes.split("<page ")[1:]:
        words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)
        # the footer: the words on the line of "page n of N", up to "page"
        at = max(i for i, (_, _, w) in enumerate(words[:-3]) if w == "page" and words[i + 2][2] == "of")
        sheet = " ".join(w for top, _, w in words[:at] if top == words[at][0]).rstrip(",")
        common = Counter(round(float(b) - float(a), 2) for a, b, _ in words).most_common(1)[0][0]
        heights.setdefault(sheet, []).append(common)
    assert print_scale(openpyxl.load_workbook(path)["About"]) == 1.0
    full = min(heights["About"])
    scales = {sheet: min(h) / full for sheet, h in heights.items()}
    assert all(scale >= printing.MIN_SCALE for scale in scales.values()), scales


def test_source_ids_link_to_the_rows_of_the_sources_sheet(workbook):
    sources = workbook["sources"]
    summit = row_where(workbook["summits"], "summit_id", "2001-shanghai")
    assert summit["source_ids"].value == "test-ref; katz-2008"
    link = summit["first_source"]
    assert link.value == "test-ref"
    sheet, ref = link.hyperlink.location.split("!")
    assert sheet == "'sources'"
    assert sources[ref].value == "test-ref"
    # every first_source cell, in every sheet, leads to its own source's row
    for ws in workbook.worksheets[2:]:
        heads = header_index(ws)
        if "first_source" not in heads:
            continue
        for r in range(2, ws.max_row + 1):
            cell = ws.cell(r, heads["first_source"])
            if cell.value is not None:
                assert sources[cell.hyperlink.location.split("!")[1]].value == cell.value
                assert ws.cell(r, heads["source_ids"]).value.split("; ")[0] == cell.value


def test_nothing_spills_on_the_about_sheet(workbook):
    """Every text cell either fits its column on one line or wraps, in a row tall enough for it."""
    ws = workbook["About"]
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            width = ws.column_dimensions[cell.column_letter].width
            if len(cell.value) <= width:
                continue
            assert cell.alignment.wrap_text, cell.coordinate
            needed = xlsx.lines_of(cell.value, width) * xlsx.LINE_HEIGHT
            assert ws.row_dimensions[cell.row].height >= needed, cell.coordinate
    assert ws.column_dimensions["B"].width >= 60


def test_workbook_content_is_the_table_columns(sample, tmp_path):
    """What verify --rebuild compares in a workbook: the values of each table sheet's columns that
    are fields, not its presentation (derived name columns, other sheets), so that the released
    workbooks of an earlier layout still verify, and a changed value still fails."""
    import pyarrow as pa
    from conftest import ROOT

    from sco_data.content import same_content

    snap = ROOT / "exports" / "0.2.0"
    snap_pkg, snap_tables = typed_tables(snap)
    snap_fields = {res.name: set(res.field_names) for res in snap_pkg.resources}
    released = (snap / "sco.xlsx").read_bytes()
    rebuilt = xlsx.write(snap_pkg, snap_tables, tmp_path / "rebuilt")[0].read_bytes()
    assert rebuilt != released
    assert same_content("sco.xlsx", released, rebuilt, snap_fields)

    pkg, tables = typed_tables(sample)
    fields = {res.name: set(res.field_names) for res in pkg.resources}
    book = xlsx.write(pkg, tables, tmp_path / "book")[0].read_bytes()
    countries = tables["countries"]
    renamed = countries.set_column(countries.schema.get_field_index("name"), countries.schema.field("name"),
                                   pa.array(["Changed"] * countries.num_rows, pa.string()))
    other = xlsx.write(pkg, {**tables, "countries": renamed}, tmp_path / "other")[0].read_bytes()
    assert not same_content("sco.xlsx", book, other, fields)


def test_non_ascii_titles_stay_intact(repo_package, tmp_path):
    """The journalist's path to correct characters: the workbook holds the titles exactly as the
    UTF-8 CSV does, Cyrillic and Hebrew included (no code page involved)."""
    import csv

    with (repo_package / "data" / "sources.csv").open(encoding="utf-8", newline="") as fh:
        titles = {row["source_id"]: row["title"] for row in csv.DictReader(fh)}
    foreign = {k: v for k, v in titles.items() if any(ord(ch) > 127 for ch in v)}
    assert any("\u0400" <= ch <= "\u04ff" for v in foreign.values() for ch in v)  # Cyrillic
    assert any("\u0590" <= ch <= "\u05ff" for v in foreign.values() for ch in v)  # Hebrew
    pkg, tables = typed_tables(repo_package)
    wb = openpyxl.load_workbook(xlsx.write(pkg, tables, tmp_path / "out")[0])
    for source_id, title in foreign.items():
        assert row_where(wb["sources"], "source_id", source_id)["title"].value == title


# --------------------------------------------------------------------------- the votes matrix


def csv_rows(folder, table):
    import csv

    with (folder / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def matrix_parts(ws):
    """The matrix sheet read back: its notes, the header row of codes, the names above them, and
    the rows below."""
    from sco_data.export.xlsx import votes

    group_row, names_row, head_row = votes.header_rows()
    notes = [ws.cell(r, 1).value for r in range(1, group_row)]
    heads = [c.value for c in ws[head_row]]
    names = [c.value for c in ws[names_row]]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=head_row + 1)]
    return notes, heads, names, rows, head_row


def test_the_votes_matrix_is_un_votes_laid_out(repo_package, tmp_path):
    """On the repository's data: one row per resolution, one column per state that held an SCO
    status (as status_on gives it) on the day of some vote; every cell is the vote un_votes gives,
    and a cell is empty exactly where un_votes has no row."""
    import datetime as dt

    import sco_data

    pkg, tables = typed_tables(repo_package)
    wb = openpyxl.load_workbook(xlsx.write(pkg, tables, tmp_path / "out")[0])
    ws = wb[MATRIX]
    notes, heads, names, rows, head_row = matrix_parts(ws)
    assert heads[:4] == ["date", "resolution", "topic", "roll call"]
    states = heads[4:]
    resolutions = sorted(csv_rows(repo_package, "un_resolutions"), key=lambda r: (r["date"], r["resolution"]))
    votes = {(v["resolution"], v["iso3"]): v["vote"] for v in csv_rows(repo_package, "un_votes")}

    held = {}  # (resolution, iso3) -> whether the state held an SCO status that day
    with_status = set()
    for r in resolutions:
        frame = sco_data.status_on(r["date"], package=repo_package)
        for iso3, status in zip(frame["iso3"], frame["status"], strict=True):
            if status in ("member", "observer", "dialogue_partner", "partner"):
                held[(r["resolution"], iso3)] = True
                with_status.add(iso3)
    assert sorted(states) == sorted(with_status)
    assert {"CHN", "RUS", "IND", "IRN", "BLR", "TUR"} <= set(states)
    country_names = {c["iso3"]: c["name"] for c in csv_rows(repo_package, "countries")}
    assert names[4:] == [country_names[s] for s in states]

    # the legend, read from the sheet itself
    legend = {"Y": "yes", "N": "no", "A": "abstain", "NV": "non_voting"}
    assert "Y yes   N no   A abstain   NV non-voting" in notes[3]
    assert len(rows) == len(resolutions)
    seen = 0
    for r, row in zip(resolutions, rows, strict=True):
        assert row[0] == dt.datetime.fromisoformat(r["date"])
        assert row[1:4] == [r["resolution"], r["topic"], r["roll_call"] == "true"]
        for c, iso3 in enumerate(states, start=5):
            value = row[c - 1]
            expected = votes.get((r["resolution"], iso3))
            assert (legend[value] if value is not None else None) == expected, (r["resolution"], iso3, value)
            if expected is not None:
                seen += 1
                # a vote cast on a day the state held no SCO status is in grey italics
                cell = ws.cell(head_row + 1 + resolutions.index(r), c)
                assert cell.font.i is ((r["resolution"], iso3) not in held), (r["resolution"], iso3)
    assert seen == sum(1 for (_, iso3) in votes if iso3 in states) > 300


def test_the_votes_matrix_says_what_it_is(repo_package, tmp_path):
    pkg, tables = typed_tables(repo_package)
    wb = openpyxl.load_workbook(xlsx.write(pkg, tables, tmp_path / "out")[0])
    ws = wb[MATRIX]
    notes, heads, _, rows, head_row = matrix_parts(ws)
    text = " ".join(notes)
    assert notes[0] == "How the states with an SCO status voted in the UN General Assembly"
    assert "Derived from the un_votes and un_resolutions sheets" in text and "not a table of the package" in text
    assert "Empty: no source we read gives the vote" in text
    assert "docs/un-votes-reconciliation.md" in text
    assert ws.freeze_panes == f"E{head_row + 1}"
    assert ws.print_area == f"'{MATRIX}'!$A$1:${ws.cell(1, len(heads)).column_letter}${head_row + len(rows)}"
    assert all(c.font.b for c in ws[head_row] if c.value)


def test_no_votes_no_matrix_and_the_matrix_is_no_content(sample, tmp_path, monkeypatch):
    """A package without un_votes (the releases before it) gets no matrix; and the matrix, being
    derived, is not what verify --rebuild compares: a workbook with it has the same content as one
    without."""
    from conftest import ROOT

    from sco_data.content import content_of, same_content
    from sco_data.export.xlsx import votes

    snap_pkg, snap_tables = typed_tables(ROOT / "exports" / "0.2.0")
    old = openpyxl.load_workbook(xlsx.write(snap_pkg, snap_tables, tmp_path / "old")[0])
    assert MATRIX not in old.sheetnames and "un_votes" not in old.sheetnames

    pkg, tables = typed_tables(sample)
    fields = {res.name: set(res.field_names) for res in pkg.resources}
    with_matrix = xlsx.write(pkg, tables, tmp_path / "with")[0].read_bytes()
    assert set(content_of("sco.xlsx", with_matrix, fields)) == set(fields)
    monkeypatch.setattr(xlsx, "applies", lambda pkg, tables: False)
    without = xlsx.write(pkg, tables, tmp_path / "without")[0].read_bytes()
    assert MATRIX not in openpyxl.load_workbook(tmp_path / "without" / "sco.xlsx").sheetnames
    assert without != with_matrix
    assert same_content("sco.xlsx", with_matrix, without, fields)
    assert votes.applies(pkg, tables)
