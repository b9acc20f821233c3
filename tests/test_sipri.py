"""docs/sipri-reconciliation.md: every SIPRI row and every deal of ours accounted for, every field
difference explained in the deal's notes; anything else stops `sco-data docs`, writing nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from sco_data import sipri
from sco_data.cli import cli
from sco_data.descriptor import load_package
from sco_data.docs import package_tables

HEAD = ",".join(sipri.EXTRACT_COLUMNS)
# Two SIPRI rows for the sample's Su-27SK licence (split by SIPRI, one deal here), one S-300 row
# with other delivery years, and a Kh-31 row that the licence covers.
EXTRACT = f"""{HEAD}
rus-chn-1995-kh-31,RUS,CHN,Russia,China,1995,true,50,true,Kh-31,anti-ship missile,50,true,1999,New,
rus-chn-1995-su-27sk,RUS,CHN,Russia,China,1995,false,100,false,Su-27SK,FGA aircraft,55,false,1998; 2003,New,
rus-chn-1996-su-27sk,RUS,CHN,Russia,China,1996,false,100,false,Su-27SK,FGA aircraft,50,false,2004; 2007,New,
rus-kaz-2009-s-300ps,RUS,KAZ,Russia,Kazakhstan,2009,true,10,true,S-300PS,SAM system,10,true,2010; 2014,New,
"""
MATCHES = """sipri_ref,disposition,deal_ids,explained,note
rus-chn-1995-kh-31,covered,rus-chn-su27-licence,,Missiles for the licence-built fighters
rus-chn-1995-su-27sk,matched,rus-chn-su27-licence,status,
rus-chn-1996-su-27sk,matched,rus-chn-su27-licence,status,
rus-kaz-2009-s-300ps,matched,rus-kaz-s300,delivery_end_year,
"""
NOT_IN = "deal_id,reason,note\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def write(pkg: Path, extract: str = EXTRACT, matches: str = MATCHES, not_in: str = NOT_IN) -> None:
    folder = pkg / sipri.REFERENCE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (pkg / sipri.EXTRACT).write_text(extract, encoding="utf-8")
    (pkg / sipri.MATCHES).write_text(matches, encoding="utf-8")
    (pkg / sipri.NOT_IN_SIPRI).write_text(not_in, encoding="utf-8")


def set_notes(pkg: Path, deal_id: str, notes: str) -> None:
    path = pkg / "data" / "arms_deals.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        if r["deal_id"] == deal_id:
            r["notes"] = notes
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def pkg(sample: Path) -> Path:
    write(sample)
    set_notes(sample, "rus-chn-su27-licence", "SIPRI records the deal as delivered; the licence was cancelled.")
    set_notes(sample, "rus-kaz-s300", "SIPRI gives 2014 as the last delivery; the ministry gave 2015.")
    return sample


def problems(pkg: Path) -> list[str]:
    tables = package_tables(load_package(pkg))
    return sipri.reconcile(pkg, tables["arms_deals"].to_pylist()).problems


def docs_fails(pkg: Path, *expected: str) -> str:
    result = run("docs", "--package", str(pkg))
    assert result.exit_code != 0, result.output
    for text in expected:
        assert text in result.output, result.output
    assert not (pkg / "docs" / sipri.OUTPUT).exists()
    assert not (pkg / "docs" / "data-dictionary.md").exists(), "docs wrote files before refusing"
    return result.output


def test_a_complete_reconciliation_is_written_and_checked(pkg):
    assert problems(pkg) == []
    result = run("docs", "--package", str(pkg))
    assert result.exit_code == 0, result.output
    text = (pkg / "docs" / sipri.OUTPUT).read_text(encoding="utf-8")
    assert "Information from the SIPRI Arms Transfers Database" in text
    assert "| Russia → China | 3 | 2 | 1 | 0 | 1 | 0 |" in text
    # the licence recorded as one deal is compared with SIPRI's two rows summed
    assert "status: SIPRI in_delivery, ours cancelled" in text
    assert "last delivery: SIPRI 2014, ours 2015" in text
    assert "covered by `rus-chn-su27-licence`: Missiles for the licence-built fighters" in text
    assert "| 95? |" not in text and "| 1995? | Kh-31" in text  # SIPRI's ? marks are shown
    assert run("docs", "--package", str(pkg), "--check").exit_code == 0


def test_combined_figures_of_a_group():
    rows = [{"order_year": 1996, "number_ordered": 100, "number_delivered": 50, "years": [2004, 2007]},
            {"order_year": 1995, "number_ordered": 100, "number_delivered": 55, "years": [1998, 2003]}]
    assert sipri.sipri_values(rows) == {"order_year": 1995, "quantity_ordered": 200, "quantity_delivered": 105,
                                        "delivery_start_year": 1998, "delivery_end_year": 2007,
                                        "status": "in_delivery"}
    none = [{"order_year": 2024, "number_ordered": None, "number_delivered": None, "years": []}]
    assert sipri.sipri_values(none)["status"] == "ordered"
    assert sipri.sipri_values(none)["quantity_ordered"] is None


def test_a_sipri_row_with_no_decision_stops_docs(pkg):
    write(pkg, matches=MATCHES.replace("rus-chn-1995-kh-31,covered,rus-chn-su27-licence,,Missiles for the "
                                       "licence-built fighters\n", ""))
    docs_fails(pkg, "SIPRI row rus-chn-1995-kh-31 (Russia → China, 1995, 50 Kh-31) has no row")


def test_an_unexplained_difference_stops_docs(pkg):
    write(pkg, matches=MATCHES.replace("rus-kaz-s300,delivery_end_year,", "rus-kaz-s300,,"))
    docs_fails(pkg, "rus-kaz-s300 against SIPRI rus-kaz-2009-s-300ps: delivery_end_year differs "
                    "(SIPRI 2014, ours 2015) and is not in explained")


def test_an_explanation_of_a_field_that_agrees_is_stale(pkg):
    write(pkg, matches=MATCHES.replace("rus-kaz-s300,delivery_end_year,", "rus-kaz-s300,delivery_end_year;order_year,"))
    docs_fails(pkg, "explained names order_year, which agrees now: remove it")


def test_a_difference_the_notes_do_not_mention_stops_docs(pkg):
    set_notes(pkg, "rus-kaz-s300", "The ministry gave 2015.")
    docs_fails(pkg, "the notes of rus-kaz-s300 must say where and why the row differs from SIPRI")


def test_a_deal_in_neither_file_stops_docs_and_a_reason_settles_it(pkg):
    write(pkg, matches=MATCHES.replace("rus-kaz-s300,delivery_end_year,", "rus-kaz-s300;rus-xxx,,"))
    docs_fails(pkg, "deal_id rus-xxx is not in arms_deals")
    lines = MATCHES.splitlines(keepends=True)
    write(pkg, matches="".join(ln for ln in lines if "rus-kaz-2009" not in ln),
          extract="".join(ln for ln in EXTRACT.splitlines(keepends=True) if "rus-kaz-2009" not in ln))
    docs_fails(pkg, "deal rus-kaz-s300 (RUS→KAZ, 2009, S-300PS) is in no SIPRI row")
    write(pkg, matches="".join(ln for ln in lines if "rus-kaz-2009" not in ln),
          extract="".join(ln for ln in EXTRACT.splitlines(keepends=True) if "rus-kaz-2009" not in ln),
          not_in=NOT_IN + "rus-kaz-s300,sipri_omission,Test\n")
    assert problems(pkg) == []


@pytest.mark.parametrize("bad, message", [
    ("rus-kaz-2009-s-300ps,maybe,rus-kaz-s300,,", "disposition 'maybe' is not one of matched, covered, left_out"),
    ("rus-kaz-2009-s-300ps,left_out,rus-kaz-s300,,x", "is left_out but names deal_ids"),
    ("rus-kaz-2009-s-300ps,covered,,,x", "is covered but names no deal_ids"),
    ("rus-kaz-2009-s-300ps,covered,rus-kaz-s300,,", "is covered: the note must say why"),
    ("rus-kaz-2009-s-300ps,matched,rus-chn-su27-licence,,", "is RUS→KAZ but rus-chn-su27-licence is RUS→CHN"),
    ("rus-kaz-2009-s-300ps,matched,rus-kaz-s300,price,", "explained names 'price', which is not a compared field"),
])
def test_bad_rows_of_matches_are_refused_with_their_line(pkg, bad, message):
    write(pkg, matches=MATCHES.replace("rus-kaz-2009-s-300ps,matched,rus-kaz-s300,delivery_end_year,", bad))
    out = docs_fails(pkg, message)
    assert "reference/sipri/matches.csv:5:" in out


def test_a_reference_file_of_another_shape_is_refused(pkg):
    write(pkg, extract=EXTRACT.replace(HEAD, HEAD.replace("condition", "status")))
    docs_fails(pkg, "reference/sipri/trade-register-sco.csv: the header must be")
    write(pkg, extract=EXTRACT.replace("2010; 2014", "2010-2014"))
    docs_fails(pkg, "trade-register-sco.csv:5: delivery_years must be years separated by '; ', got '2010-2014'")


def test_the_repository_accounts_for_every_sipri_row():
    tables = package_tables(load_package(ROOT))
    rec = sipri.reconcile(ROOT, tables["arms_deals"].to_pylist())
    assert rec.problems == []
    assert len(rec.extract) == 540
    assert set(rec.matches) == set(rec.extract)
    assert {d for m in rec.matches.values() for d in m["ids"]} | set(rec.not_in) == set(rec.deals)
