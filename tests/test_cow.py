"""docs/cow-reconciliation.md: our panel against the SCO column of the COW IGO data 3.0, every
difference explained, an unexplained one refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from sco_data import cow
from sco_data.cli import cli
from sco_data.derived import derive, to_table
from sco_data.descriptor import load_package
from sco_data.docs import build_docs, package_tables
from sco_data.errors import DocsError


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def repo(repo_package: Path) -> Path:
    shutil.copytree(ROOT / "reference", repo_package / "reference")
    return repo_package


def edit_reference(pkg: Path, old: str, new: str) -> None:
    path = pkg / cow.REFERENCE
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def differences(pkg: Path):
    p = load_package(pkg)
    tables = package_tables(p)
    for name, rows in derive(p, tables).items():
        tables[name] = to_table(p.resource(name), rows)
    cow_rows = cow.read_reference(pkg / cow.REFERENCE)
    names = {r["iso3"]: r["name"] for r in tables["countries"].to_pylist()}
    return cow.compare(cow_rows, tables[cow.PANEL].to_pylist(), names)


def test_the_repository_reconciliation_counts_by_reason():
    runs, compared, counts = differences(ROOT)
    by_reason = {}
    for r in runs:
        label = cow.REASONS[(r.ours, r.cow)][0]
        by_reason[label] = by_reason.get(label, 0) + r.count
    assert by_reason == {"Shanghai Five counted as the SCO": 25, "COW records no SCO observers": 44,
                         "COW has no dialogue-partner category": 15}
    assert (counts["first"], counts["last"], counts["differ"]) == (1996, 2014, 84)
    assert {(r.iso3, r.years) for r in runs if r.ours == "shanghai_five"} == {
        (s, "1996–2000") for s in ("CHN", "KAZ", "KGZ", "RUS", "TJK")}
    # Uzbekistan agrees: none (COW 0) to 2000, member (COW 1) from 2001.
    uzb = {c["year"]: (c["ours"], c["cow"]) for c in compared if c["iso3"] == "UZB"}
    assert uzb[2000] == ("none", 0) and uzb[2001] == ("member", 1)


def test_the_document_is_generated_and_lists_every_difference():
    text = (ROOT / "docs" / cow.OUTPUT).read_text(encoding="utf-8")
    assert ("| India (IND, COW 750) | 2005–2014 | 0 (no membership) | `observer` | COW records no SCO observers |"
            in text)
    assert "| China (CHN, COW 710) | 1996–2000 | 1 (full membership) | `shanghai_five` |" in text
    assert "84 differ" in text
    assert "Pevehouse" not in text  # the citation is in reference/README.md, linked from the document
    assert "(../reference/README.md)" in text


def test_a_difference_without_a_reason_stops_the_docs(repo):
    # Suppose COW coded China out of the SCO in 2005: member against 0 has no reason.
    edit_reference(repo, "710,china,2005,1\n", "710,china,2005,0\n")
    result = run("docs", "--package", str(repo), "--out", str(repo / "out"))
    assert result.exit_code == 1
    assert ("reference/cow_igo_sco.csv: 1 difference(s) with the COW IGO data have no reason: CHN 2005: COW 0, "
            "ours member. Find out why, and add the reason to REASONS in sco_data/cow.py") in result.output
    assert not (repo / "out").exists()


def test_a_state_year_the_extract_leaves_out_is_cows_zero(repo):
    # Mongolia's rows removed: its observer years still differ from COW's 0.
    path = repo / cow.REFERENCE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(ln for ln in lines if not ln.startswith("712,")), encoding="utf-8")
    runs, _, _ = differences(repo)
    assert [(r.iso3, r.years, r.cow, r.ours) for r in runs if r.iso3 == "MNG"] == [("MNG", "2004–2014", 0, "observer")]


def test_a_broken_extract_is_refused(repo):
    edit_reference(repo, "ccode,country,year,sco", "ccode,year,sco,country")
    with pytest.raises(DocsError, match="the header must be ccode,country,year,sco"):
        differences(repo)


def test_a_code_cow_does_not_have_is_refused(repo):
    edit_reference(repo, "710,china,2005,1\n", "710,china,2005,7\n")
    with pytest.raises(DocsError, match=r"cow_igo_sco.csv:\d+: sco 7 is not a COW code"):
        differences(repo)


def test_every_reason_is_written_out():
    for (status, code), (label, text) in cow.REASONS.items():
        assert code in cow.COW_CODES and label and len(text) > 80, (status, code)


def test_no_reference_no_document(sample):
    files = build_docs(load_package(sample))
    assert cow.OUTPUT not in {p.name for p in files}
