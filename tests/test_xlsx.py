"""The workbook writer: types, links, frozen headers, text that stays text, same bytes every time."""

from __future__ import annotations

import hashlib
from datetime import datetime

import openpyxl
import pytest

from sco_data.descriptor import load_package
from sco_data.export import xlsx
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
    members.write_text(members.read_text(encoding="utf-8").replace("CHN,2001-06-15,2001-shanghai,true,true,1996-04-26,,,", "CHN,2001-06-15,2001-shanghai,true,true,1996-04-26,,=1+1,"), encoding="utf-8")
    pkg, tables = typed_tables(sample)
    paths = xlsx.write(pkg, tables, tmp_path / "out")
    assert paths == [tmp_path / "out" / "sco.xlsx"]
    return openpyxl.load_workbook(paths[0])


def test_sheets_about_first_then_one_per_table(workbook, sample):
    pkg = load_package(sample)
    assert workbook.sheetnames == ["About"] + [r.name for r in pkg.resources]


def test_about_sheet_explains_the_package(workbook):
    about = {row[0].value: row[1].value for row in workbook["About"].iter_rows() if row[0].value}
    assert about["Version"] == "0.1.0"
    assert about["Released"] == "2026-11-28"
    assert about["Data licence"] == "Creative Commons Attribution 4.0 (CC-BY-4.0)"
    assert "version 0.1.0 [Data set]. CC-BY-4.0." in about["How to cite"]
    assert about["members"] == 4  # one line per table: sheet, rows, description
    assert workbook["About"]["B6"].hyperlink.target == "https://creativecommons.org/licenses/by/4.0/"


def test_header_is_bold_and_frozen(workbook):
    for name in workbook.sheetnames[1:]:
        ws = workbook[name]
        assert ws.freeze_panes == "A2"
        assert all(cell.font.b for cell in ws[1])


def test_real_types(workbook):
    summit = row_where(workbook["summits"], "summit_id", "2001-shanghai")
    assert summit["start_date"].value == datetime(2001, 6, 14)
    assert summit["start_date"].is_date and summit["start_date"].number_format == "yyyy-mm-dd"
    assert summit["year"].value == 2001 and summit["year"].data_type == "n"
    assert summit["source_ids"].value == "test-ref; katz-2008"
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
    widths = {ws.cell(1, c).value: ws.column_dimensions[ws.cell(1, c).column_letter].width for c in range(1, ws.max_column + 1)}
    assert widths["title"] > widths["kind"] >= len("kind")
    assert max(widths.values()) <= xlsx.MAX_WIDTH


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
    assert [c.value for c in wb["members"][1]][:2] == ["iso3", "joined_date"]


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
    from helpers import write_package

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
    sheet = wb.sheetnames[1]
    assert len(sheet) == 31 and name.startswith(sheet)
    first = row_where(wb[sheet], "id", 1)
    assert first["seen at"].value == datetime(2024, 2, 29, 21, 30)  # UTC
    assert first["tags"].value == "a; b"
    assert first["ratio"].value == 0.25
    assert row_where(wb[sheet], "id", 2)["seen at"].value is None
